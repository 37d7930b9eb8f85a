"""Carry the network's review decisions into the next run.

``socanalysis analyze new.xlsx --review results/`` reads ``review.json`` (written by
``socanalysis review apply``) and, after the themes are fitted on the new data,

1. **matches** each reviewed theme to one new theme: by shared reports when the results folder of
   the reviewed run (``reports.csv`` beside ``review.json``) says which reports it held and at
   least :data:`MIN_SHARED_REPORTS` of them are in this run (the new theme holding the largest
   share of them, at least :data:`REPORT_SHARE`); when that does not decide, by keywords
   (labels and keywords in Finnish and Swedish, as recorded in the review or in ``themes.csv``
   beside it; overlap coefficient ``|A & B| / min(|A|, |B|)``, at least
   :data:`KEYWORD_OVERLAP`). Ties go to the smaller new theme id, so the result is
   deterministic;
2. **merges** the new themes matched by one reviewed merge group (a theme and all themes merged
   into it, chains followed) into the theme matched by the group's target (or the largest);
3. **renames** the matched themes (the reviewed name becomes both ``label_fi`` and
   ``label_sv``: a reviewer writes one name, in the workbook's language);
4. lists the themes of this run that the network accepted or rejected (themes.csv keeps its
   columns; the flags go to run.json under ``review``).

Corrected §11 points and sectors (:meth:`ReviewDecisions.training_labels`) are used by the
categories stage: see :func:`training_labels_for`.

Examples
--------
>>> sorted(keyword_set("asunto; vuokra", "bostad", "asunto, vuokra"))
['asunto', 'bostad', 'vuokra']
>>> round(keyword_overlap({"a", "b", "c"}, {"b", "c", "d", "e"}), 3)
0.667
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socanalysis.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from socanalysis.export.review import ReviewDecisions

__all__ = [
    "KEYWORD_OVERLAP",
    "MIN_SHARED_REPORTS",
    "REPORT_SHARE",
    "ReviewSource",
    "apply_theme_review",
    "carried_decisions",
    "check_beside",
    "keyword_overlap",
    "keyword_set",
    "load_review_source",
    "match_reviewed_themes",
    "training_labels_for",
]

#: Smallest keyword overlap coefficient for a keyword match.
KEYWORD_OVERLAP = 0.25
#: Smallest share of a reviewed theme's reports (those present in this run) for a report match.
REPORT_SHARE = 0.4
#: Reports of a reviewed theme that must be in this run before reports decide the match.
MIN_SHARED_REPORTS = 2


@dataclass
class ReviewSource:
    """Review decisions with what the reviewed run's results folder tells about its themes.

    Attributes
    ----------
    decisions : ReviewDecisions
    path : Path
        The review.json read.
    theme_words : dict
        reviewed theme id -> set of its label words and keywords (fi and sv).
    theme_reports : dict
        reviewed theme id -> report ids it held (empty when no reports.csv is beside the file).
    """

    decisions: ReviewDecisions
    path: Path
    theme_words: dict[int, set[str]]
    theme_reports: dict[int, set[str]]

    def units(self, theme: int) -> list[tuple[set[str], set[str]]]:
        """(words, report ids) of each part of a reviewed theme: the themes an earlier round
        merged into it (``ThemeDecision.parts``), or the theme itself."""
        decision = self.decisions.themes.get(theme)
        if decision is not None and decision.parts:
            return [
                (
                    keyword_set(
                        p.get("label_fi", ""),
                        p.get("label_sv", ""),
                        p.get("keywords_fi", ""),
                        p.get("keywords_sv", ""),
                    ),
                    {str(r) for r in p.get("reports", [])},
                )
                for p in decision.parts
            ]
        return [(self.theme_words.get(theme, set()), self.theme_reports.get(theme, set()))]


def keyword_set(*fields: str) -> set[str]:
    """Case-folded words of ``;``- or ``,``-separated keyword and label fields."""
    out = set()
    for text in fields:
        for part in str(text or "").replace(",", ";").split(";"):
            word = part.strip().casefold()
            if word:
                out.add(word)
    return out


def keyword_overlap(a: set[str], b: set[str]) -> float:
    """Overlap coefficient ``|a & b| / min(|a|, |b|)``; 0 when either is empty."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def load_review_source(path: str | os.PathLike[str]) -> ReviewSource:
    """Read ``review.json`` (or a folder holding it) and the theme facts beside it.

    ``themes.csv`` beside the file gives labels and keywords of reviewed themes that have no
    decision of their own (e.g. a merge target), ``reports.csv`` the reports of each theme.

    Raises
    ------
    InputError
        The file is missing, not JSON, or not a socanalysis review file.
    """
    from socanalysis.export.review import REVIEW_FILE, load_review

    file = Path(path)
    if file.is_dir():
        file = file / REVIEW_FILE
    if not file.exists():
        raise InputError(
            f"review={str(path)!r}: {file} not found; give the review.json that "
            "`socanalysis review apply` wrote, or the results folder holding it."
        )
    decisions = load_review(file)
    check_beside(file, decisions)
    words: dict[int, set[str]] = {}
    themes_csv = file.parent / "themes.csv"
    if themes_csv.is_file():
        table = _read_csv(themes_csv, ("theme_id", "label_fi", "label_sv"))
        if table is not None:
            for row in table.itertuples(index=False):
                theme = _as_int(row.theme_id)
                if theme is not None and theme >= 0:
                    words[theme] = keyword_set(
                        row.label_fi,
                        row.label_sv,
                        getattr(row, "keywords_fi", ""),
                        getattr(row, "keywords_sv", ""),
                    )
    for theme, d in decisions.themes.items():
        recorded = keyword_set(d.label_fi, d.label_sv, d.keywords_fi, d.keywords_sv)
        if recorded and theme >= 0:
            words[theme] = recorded
    reports: dict[int, set[str]] = {}
    reports_csv = file.parent / "reports.csv"
    if reports_csv.is_file():
        table = _read_csv(reports_csv, ("report_id", "theme_id"))
        if table is not None:
            for theme, ids in table.groupby("theme_id")["report_id"]:
                number = _as_int(theme)
                if number is not None and number >= 0:
                    reports[number] = set(ids.astype(str))
    return ReviewSource(decisions, file, words, reports)


def check_beside(file: Path, decisions: ReviewDecisions) -> None:
    """Refuse a review.json whose folder holds the results of another run than the reviewed
    one: its themes.csv and reports.csv would be taken for the reviewed themes' words and
    reports, and the decisions applied to the wrong themes."""
    from socanalysis.export.review import run_fingerprint

    if not decisions.run_id:
        return  # written before runs had a fingerprint: nothing to compare
    here = run_fingerprint(file.parent)
    if here is not None and here != decisions.run_id:
        raise InputError(
            f"{file} is the review of run {decisions.run_id}, but the themes.csv and "
            f"reports.csv beside it are of run {here}; move review.json into the results "
            "folder of the reviewed run, or into a folder of its own (the decisions are then "
            "matched by the labels and keywords it records)."
        )


def _read_csv(path: Path, required: tuple[str, ...]) -> pd.DataFrame | None:
    import pandas as pd

    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError):
        return None  # the folder's other files are a help, not a requirement
    return table if set(required) <= set(table.columns) else None


def _as_int(value: Any) -> int | None:
    try:
        return int(float(str(value)))
    except ValueError:
        return None


def match_reviewed_themes(
    source: ReviewSource,
    themes: pd.DataFrame,
    assignments: pd.DataFrame,
) -> pd.DataFrame:
    """Match each reviewed theme that matters (decided, or a merge target) to a new theme.

    A reviewed theme with ``parts`` (merged in an earlier round) is matched part by part.
    By reports: the new theme that holds the most of the part's reports present in this run,
    at least :data:`MIN_SHARED_REPORTS` of them and :data:`REPORT_SHARE` of the share, and
    strictly more than any other new theme (a tie, e.g. one report in each of two themes,
    says nothing, so the keywords decide). Else by keywords (ties to the smaller id).

    Parameters
    ----------
    source : ReviewSource
    themes : DataFrame
        The new themes (theme_id, label_fi, label_sv, keywords_fi, keywords_sv).
    assignments : DataFrame
        report_id, theme_id of this run's analysed reports.

    Returns
    -------
    DataFrame
        reviewed_theme, part (0 for a theme without parts), theme_id (-1 when unmatched),
        score, by (``reports``, ``keywords`` or ``""``), one row per reviewed theme and part,
        in reviewed id order.
    """
    import pandas as pd

    decisions = source.decisions
    reviewed = sorted(
        {t for t in decisions.themes if t >= 0} | set(decisions.merge_targets().values())
    )
    new = themes[themes["theme_id"] >= 0]
    new_ids = [int(t) for t in new["theme_id"]]
    new_words = {
        int(r.theme_id): keyword_set(r.label_fi, r.label_sv, r.keywords_fi, r.keywords_sv)
        for r in new.itertuples(index=False)
    }
    theme_of = dict(
        zip(assignments["report_id"].astype(str), assignments["theme_id"].astype(int), strict=True)
    )
    rows = []
    for t in reviewed:
        for part, (words, held) in enumerate(source.units(t)):
            found = _match_one(held, words, theme_of, new_ids, new_words)
            rows.append((t, part, *found))
    return pd.DataFrame(rows, columns=["reviewed_theme", "part", "theme_id", "score", "by"])


def _match_one(
    held: set[str],
    words: set[str],
    theme_of: dict[str, int],
    new_ids: list[int],
    new_words: dict[int, set[str]],
) -> tuple[int, float, str]:
    present = [r for r in sorted(held) if r in theme_of]
    if len(present) >= MIN_SHARED_REPORTS:
        counts = {n: sum(theme_of[r] == n for r in present) for n in new_ids}
        ranked = sorted(counts, key=lambda n: (-counts[n], n))
        if ranked:
            best = ranked[0]
            runner_up = counts[ranked[1]] if len(ranked) > 1 else 0
            share = counts[best] / len(present)
            decisive = counts[best] >= MIN_SHARED_REPORTS and counts[best] > runner_up
            if decisive and share >= REPORT_SHARE:
                return best, round(float(share), 4), "reports"
    overlap = {n: keyword_overlap(words, new_words[n]) for n in new_ids}
    best = min(overlap, key=lambda n: (-overlap[n], n)) if overlap else None
    if best is not None and overlap[best] >= KEYWORD_OVERLAP:
        return best, round(float(overlap[best]), 4), "keywords"
    return -1, 0.0, ""


def apply_theme_review(
    model: Any,
    source: ReviewSource,
    assignments: pd.DataFrame,
    parts_out: dict[int, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """Apply reviewed merges and renames to a fitted ThemeModel; return what was done.

    Parameters
    ----------
    model : ThemeModel
        Fitted on this run's reports; changed in place (``merge_themes``, ``rename_theme``).
    source : ReviewSource
    assignments : DataFrame
        report_id, theme_id of this run's analysed reports as fitted.
    parts_out : dict, optional
        Filled with, per theme of this run that absorbed others, the themes merged into it as
        they were fitted (labels, keywords, report ids): what the next round needs to merge
        them again (:func:`carried_decisions`).

    Returns
    -------
    dict
        The run.json ``review`` record for themes: matches, unmatched reviewed themes, merges,
        renames, accepted and rejected themes of this run, and conflicts.
    """
    decisions = source.decisions
    before = _theme_parts(model.themes_, assignments)
    matches = match_reviewed_themes(source, model.themes_, assignments)
    units: dict[int, list[int]] = {}  # reviewed theme -> new themes its parts matched
    first_score: dict[int, float] = {}
    for r in matches.itertuples(index=False):
        if r.theme_id >= 0:
            units.setdefault(int(r.reviewed_theme), []).append(int(r.theme_id))
            first_score.setdefault(int(r.reviewed_theme), float(r.score))
    with_parts = {t for t in units if len(source.units(t)) > 1}
    current: dict[int, int] = {}  # new theme id -> the id it has after the merges so far

    def now(theme: int) -> int:
        while theme in current:
            theme = current[theme]
        return theme

    merges = []
    targets = decisions.merge_targets()
    groups = {
        g: sorted({g} | {s for s, to in targets.items() if to == g}) for g in targets.values()
    }
    grouped = {t for members in groups.values() for t in members}
    # a theme merged in an earlier round is merged again where this fit split it
    groups.update({t: [t] for t in sorted(with_parts - grouped)})
    for target in sorted(groups):
        group = groups[target]
        found = sorted({now(n) for t in group for n in units.get(t, [])})
        entry: dict[str, Any] = {"reviewed": group}
        if target not in targets.values():
            entry["earlier_round"] = True
        if len(found) < 2:
            merges.append({**entry, "themes": found, "into": found[0] if found else None,
                           "applied": False})  # fmt: skip
            continue
        into = now(units[target][0]) if target in units else None
        kept = int(model.merge_themes(found, into=into))
        for theme in found:
            if theme != kept:
                current[theme] = kept
        merges.append({**entry, "themes": found, "into": kept, "applied": True})

    matched = {t: now(ids[0]) for t, ids in units.items()}
    renames, conflicts = [], []
    by_theme: dict[int, list[tuple[float, int, str]]] = {}
    for reviewed, name in decisions.renames.items():
        if reviewed in targets:  # merged into another theme, whose name counts
            conflicts.append(
                {"reviewed": reviewed, "problem": "renamed but merged into another theme"}
            )
            continue
        if reviewed in matched:
            by_theme.setdefault(matched[reviewed], []).append(
                (-first_score[reviewed], reviewed, name)
            )
    for theme in sorted(by_theme):
        choices = sorted(by_theme[theme])
        _, reviewed, name = choices[0]
        model.rename_theme(theme, label_fi=name, label_sv=name)
        renames.append({"reviewed": reviewed, "theme_id": theme, "label": name})
        for _, other, other_name in choices[1:]:
            conflicts.append(
                {
                    "reviewed": other,
                    "theme_id": theme,
                    "problem": f"same theme as {reviewed}; name {other_name!r} not used",
                }
            )

    accepted: set[int] = set()
    rejected: set[int] = set()
    for reviewed, ok in decisions.accepted.items():
        if reviewed in matched:
            (accepted if ok else rejected).add(matched[reviewed])
    reviewed_ids = sorted(set(matches["reviewed_theme"].astype(int)))
    unmatched = [t for t in reviewed_ids if t not in units]
    if parts_out is not None:
        final: dict[int, list[int]] = {}
        for theme in sorted(before):
            final.setdefault(now(theme), []).append(theme)
        for kept, members in final.items():
            if len(members) > 1:  # the kept theme's own part first
                order = [kept, *(m for m in members if m != kept)]
                parts_out[kept] = [before[m] for m in order]
    return {
        "source": str(source.path),
        "matches": [
            {
                "reviewed": int(r.reviewed_theme),
                **({"part": int(r.part)} if int(r.reviewed_theme) in with_parts else {}),
                "theme_id": int(r.theme_id),
                "score": float(r.score),
                "by": r.by,
            }
            for r in matches.itertuples(index=False)
        ],
        "unmatched": unmatched,
        "merges": merges,
        "renames": renames,
        "accepted_themes": sorted(accepted - rejected),
        "rejected_themes": sorted(rejected),
        "conflicts": conflicts,
        "matched": {str(t): theme for t, theme in sorted(matched.items())},
    }


def _theme_parts(themes: pd.DataFrame, assignments: pd.DataFrame) -> dict[int, dict[str, Any]]:
    """theme id -> labels, keywords and report ids of each fitted theme (before merges)."""
    held: dict[int, list[str]] = {}
    for rid, theme in zip(
        assignments["report_id"].astype(str), assignments["theme_id"].astype(int), strict=True
    ):
        held.setdefault(int(theme), []).append(rid)
    out = {}
    for row in themes.to_dict("records"):
        theme = _as_int(row.get("theme_id"))
        if theme is None or theme < 0:
            continue
        out[theme] = {
            **{
                k: _joined(row.get(k))
                for k in ("label_fi", "label_sv", "keywords_fi", "keywords_sv")
            },
            "reports": sorted(held.get(theme, [])),
        }
    return out


def _joined(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return "" if value is None or value != value else str(value)


def carried_decisions(
    source: ReviewSource,
    record: dict[str, Any],
    themes: pd.DataFrame,
    parts: dict[int, list[dict[str, Any]]],
) -> ReviewDecisions:
    """The decisions a run with ``--review`` carries on, keyed by its own theme ids.

    Renames, accept flags and comments of the reviewed themes on the themes they matched, the
    merges this run applied (``parts``, so that the next run merges them again), and every
    report correction (by report id, also of reports not in this run). The run writes them to
    ``review_carried.json`` and pre-fills its workbook's review columns with them; ``review
    apply`` of that workbook starts from them, so decisions survive round after round.
    Weak-signal judgements are not carried (their ids belong to one run), nor decisions on
    reviewed themes that matched no theme of this run (``unmatched`` in run.json).
    """
    from socanalysis.export.review import ReportCorrection, ReviewDecisions, ThemeDecision

    matched = {int(t): int(n) for t, n in record.get("matched", {}).items()}
    shown = {
        int(row["theme_id"]): row for row in themes.to_dict("records") if int(row["theme_id"]) >= 0
    }
    out: dict[int, ThemeDecision] = {}

    def decision(theme: int) -> ThemeDecision:
        if theme not in out:
            row = shown.get(theme, {})
            out[theme] = ThemeDecision(
                theme,
                **{
                    k: _joined(row.get(k))
                    for k in ("label_fi", "label_sv", "keywords_fi", "keywords_sv")
                },
            )
        return out[theme]

    for rename in record.get("renames", []):
        decision(int(rename["theme_id"])).rename_to = rename["label"]
    for theme in record.get("accepted_themes", []):
        decision(int(theme)).accept = True
    for theme in record.get("rejected_themes", []):
        decision(int(theme)).accept = False
    for reviewed, earlier in sorted(source.decisions.themes.items()):
        if earlier.comment and reviewed in matched:
            target = decision(matched[reviewed])
            if earlier.comment not in (target.comment or "").split(" | "):
                target.comment = " | ".join(filter(None, [target.comment, earlier.comment]))
    for theme, theme_parts in sorted(parts.items()):
        decision(theme).parts = [dict(p) for p in theme_parts]
    return ReviewDecisions(
        themes=dict(sorted(out.items())),
        reports={
            k: ReportCorrection(k, shl=list(r.shl), sectors=list(r.sectors), comment=r.comment)
            for k, r in sorted(source.decisions.reports.items())
        },
        source=str(source.path),
    )


def check_correction_keys(
    decisions: ReviewDecisions, taxonomies: dict[str, Any], source: str
) -> None:
    """Refuse corrected labels that name no category of the run's taxonomies.

    ``review apply`` checks what reviewers type in the workbook; a review.json edited by hand
    is checked here, before the analysis: an unknown key would otherwise replace a reporter's
    valid choice with nothing. ``taxonomies`` maps ``shl`` and ``sectors`` to a
    :class:`~socanalysis.classify.taxonomy.Taxonomy`.

    Sector keys the run's sector list does not have mostly mean that the review was made with
    a county's sector file and this run was started without it (no ``--config``): the review
    file is right and the setting is missing, and the message says so, naming the sector file
    of the reviewed run where its run.json (beside review.json) records one.
    """
    sectors = taxonomies.get("sectors")
    if sectors is not None:
        wrong = sorted(
            {
                k
                for correction in decisions.reports.values()
                for k in correction.sectors
                if k not in sectors.keys
            }
        )
        if wrong:
            raise InputError(_other_sector_list(wrong, sectors, source))
    for report_id, correction in sorted(decisions.reports.items()):
        for column, taxonomy in taxonomies.items():
            wrong = [k for k in getattr(correction, column) if k not in taxonomy.keys]
            if wrong:
                raise InputError(
                    f"{source}: report {report_id}: {', '.join(map(repr, wrong))} "
                    f"{'is' if len(wrong) == 1 else 'are'} not a key of the {taxonomy.name!r} "
                    f"taxonomy (keys: {', '.join(taxonomy.keys)}). Correct the review file, "
                    "or write it again with `socanalysis review apply`."
                )


def _same_file(recorded: str, path: str | None) -> bool:
    """Whether a recorded sector_taxonomy (a path or a built-in name) is the file ``path``."""
    from socanalysis.classify.taxonomy import BUILTIN_TAXONOMIES

    if path is None:
        return False
    recorded_path = Path(BUILTIN_TAXONOMIES.get(recorded, recorded)).expanduser()
    return os.path.abspath(recorded_path) == os.path.abspath(path)


def _other_sector_list(wrong: list[str], sectors: Any, source: str) -> str:
    """The message for review sector keys that this run's sector taxonomy does not have."""
    import json

    shown = ", ".join(map(repr, wrong[:5])) + (
        f" and {len(wrong) - 5} more" if len(wrong) > 5 else ""
    )
    this = f"{sectors.name!r}" + (f" ({sectors.path})" if sectors.path else "")
    run_json = Path(source).parent / "run.json"
    then = None
    try:
        info = json.loads(run_json.read_text(encoding="utf-8"))
        recorded = (info.get("taxonomies") or {}).get("sectors") or {}
        then = recorded.get("path") or (info.get("config") or {}).get("sector_taxonomy")
    except (OSError, ValueError, AttributeError):  # no run.json beside it: say what is known
        pass
    if then and not _same_file(str(then), sectors.path):
        made_with = f" It was made with sector_taxonomy={str(then)!r} (per {run_json})."
    else:
        made_with = " If it was made with a county's sector file, that file is not this run's."
    return (
        f"{source}: the review's sector key(s) {shown} are not in this run's sector taxonomy "
        f"{this}; keys: {', '.join(sectors.keys)}.{made_with} Set sector_taxonomy to the sector "
        "file of the reviewed run (in the settings file given with --config, or "
        "AnalysisConfig(sector_taxonomy=...)); if the review file was edited by hand, correct it "
        "or write it again with `socanalysis review apply`."
    )


def training_labels_for(
    decisions: ReviewDecisions | None, report_ids: list[str], reported: list[str], column: str
) -> tuple[list[str], int]:
    """Training labels for the category suggester: reviewers' corrections win over reporters.

    Rule: a report of this run with a corrected value in ``column`` (``shl`` or ``sectors``) is
    trained on the corrected keys; every other report keeps what its reporter chose. The
    suggestions stay model output; agreement tables still compare the reporters' own choices.

    Returns
    -------
    (labels, number of corrected labels used)

    Examples
    --------
    >>> from socanalysis.export.review import ReviewDecisions, ReportCorrection
    >>> d = ReviewDecisions(reports={"r2": ReportCorrection("r2", shl=["3", "8"])})
    >>> training_labels_for(d, ["r1", "r2"], ["Asuminen", "2"], "shl")
    (['Asuminen', '3;8'], 1)
    """
    if decisions is None:
        return list(reported), 0
    table = decisions.training_labels()
    corrected = {
        str(rid): value
        for rid, value in zip(table["report_id"], table[column], strict=True)
        if value
    }
    labels, used = [], 0
    for rid, own in zip(report_ids, reported, strict=True):
        value = corrected.get(str(rid))
        if value:
            used += 1
        labels.append(value if value else own)
    return labels, used
