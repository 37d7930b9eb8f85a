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
        reviewed_theme, theme_id (-1 when unmatched), score, by (``reports``, ``keywords`` or
        ``""``), one row per reviewed theme, in reviewed id order.
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
        present = [r for r in sorted(source.theme_reports.get(t, ())) if r in theme_of]
        tries = []
        if len(present) >= MIN_SHARED_REPORTS:
            share = {n: sum(theme_of[r] == n for r in present) / len(present) for n in new_ids}
            tries.append(("reports", REPORT_SHARE, share))
        words = source.theme_words.get(t, set())
        overlap = {n: keyword_overlap(words, new_words[n]) for n in new_ids}
        tries.append(("keywords", KEYWORD_OVERLAP, overlap))
        found = None
        for by, floor, scores in tries:  # reports first; keywords when they do not decide
            best = min(scores, key=lambda n: (-scores[n], n)) if scores else None
            if best is not None and scores[best] >= floor:
                found = (t, best, round(float(scores[best]), 4), by)
                break
        rows.append(found if found is not None else (t, -1, 0.0, ""))
    return pd.DataFrame(rows, columns=["reviewed_theme", "theme_id", "score", "by"])


def apply_theme_review(
    model: Any, source: ReviewSource, assignments: pd.DataFrame
) -> dict[str, Any]:
    """Apply reviewed merges and renames to a fitted ThemeModel; return what was done.

    Parameters
    ----------
    model : ThemeModel
        Fitted on this run's reports; changed in place (``merge_themes``, ``rename_theme``).
    source : ReviewSource
    assignments : DataFrame
        report_id, theme_id of this run's analysed reports as fitted.

    Returns
    -------
    dict
        The run.json ``review`` record for themes: matches, unmatched reviewed themes, merges,
        renames, accepted and rejected themes of this run, and conflicts.
    """
    decisions = source.decisions
    matches = match_reviewed_themes(source, model.themes_, assignments)
    matched = {
        int(r.reviewed_theme): int(r.theme_id)
        for r in matches.itertuples(index=False)
        if r.theme_id >= 0
    }
    current: dict[int, int] = {}  # new theme id -> the id it has after the merges so far

    def now(theme: int) -> int:
        while theme in current:
            theme = current[theme]
        return theme

    merges = []
    targets = decisions.merge_targets()
    for target in sorted(set(targets.values())):
        group = sorted({target} | {s for s, g in targets.items() if g == target})
        found = sorted({now(matched[t]) for t in group if t in matched})
        if len(found) < 2:
            merges.append(
                {
                    "reviewed": group,
                    "themes": found,
                    "into": found[0] if found else None,
                    "applied": False,
                }
            )
            continue
        into = now(matched[target]) if target in matched else None
        kept = int(model.merge_themes(found, into=into))
        for theme in found:
            if theme != kept:
                current[theme] = kept
        merges.append({"reviewed": group, "themes": found, "into": kept, "applied": True})

    renames, conflicts = [], []
    by_theme: dict[int, list[tuple[float, int, str]]] = {}
    scores = dict(zip(matches["reviewed_theme"], matches["score"], strict=True))
    for reviewed, name in decisions.renames.items():
        if reviewed in targets:  # merged into another theme, whose name counts
            conflicts.append(
                {"reviewed": reviewed, "problem": "renamed but merged into another theme"}
            )
            continue
        if reviewed in matched:
            by_theme.setdefault(now(matched[reviewed]), []).append(
                (-float(scores[reviewed]), reviewed, name)
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
            (accepted if ok else rejected).add(now(matched[reviewed]))
    unmatched = [int(t) for t in matches.loc[matches["theme_id"] < 0, "reviewed_theme"]]
    return {
        "source": str(source.path),
        "matches": [
            {
                "reviewed": int(r.reviewed_theme),
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
    }


def check_correction_keys(
    decisions: ReviewDecisions, taxonomies: dict[str, Any], source: str
) -> None:
    """Refuse corrected labels that name no category of the run's taxonomies.

    ``review apply`` checks what reviewers type in the workbook; a review.json edited by hand
    is checked here, before the analysis: an unknown key would otherwise replace a reporter's
    valid choice with nothing. ``taxonomies`` maps ``shl`` and ``sectors`` to a
    :class:`~socanalysis.classify.taxonomy.Taxonomy`.
    """
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
