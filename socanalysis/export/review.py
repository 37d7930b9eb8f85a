"""Review round trip: read the network's decisions from ``summary.xlsx`` and record them.

Reviewers fill the review columns of the workbook (themes: accept / rename to / merge into /
comment; weak signals: accept / comment; reports: corrected §11 points / corrected sectors /
comment). :func:`read_review` reads and checks them; :func:`apply_review` records them in a small
``review.json`` next to the results, which later runs (theme names and merges) and the category
suggester (corrected labels as training data) read with :func:`load_review`.

Headers and sheet names are recognised in any output language, so a workbook written in Swedish
can be read on a Finnish machine. Every mistake is reported with the sheet, row, column and value,
all at once, so reviewers can fix the file in one go.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socanalysis.errors import InputError
from socanalysis.export.labels import ui_groups
from socanalysis.export.workbook import LIST_COLUMNS, LISTS_SHEET

if TYPE_CHECKING:
    import pandas as pd

REVIEW_FILE = "review.json"
REVIEW_FORMAT = "socanalysis-review"
REVIEW_VERSION = 1
SHL_POINTS = tuple(str(i) for i in range(1, 11))
_MAX_ERRORS = 20


@dataclass
class ThemeDecision:
    """What the network decided about one theme, with the theme as it was shown."""

    theme_id: int
    accept: bool | None = None
    rename_to: str | None = None
    merge_into: int | None = None
    comment: str | None = None
    label_fi: str = ""
    label_sv: str = ""
    keywords_fi: str = ""
    keywords_sv: str = ""
    #: The themes an earlier round merged into this one, as they were before the merge (labels,
    #: keywords, report ids), so that the next run can merge them again: a later fit splits
    #: them anew. Written by the run that applied the merge (review_carried.json), never by
    #: reviewers.
    parts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class WeakSignalDecision:
    """Whether the network sees a weak-signal candidate as a real signal."""

    weak_signal_id: str
    accept: bool | None = None
    comment: str | None = None
    label_fi: str = ""
    label_sv: str = ""


@dataclass
class ReportCorrection:
    """Corrected labels of one report: training data for the category suggester."""

    report_id: str
    shl: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    comment: str | None = None


@dataclass
class ReviewDecisions:
    """Everything the reviewers decided, keyed by theme id, weak signal id and report id.

    Examples
    --------
    >>> d = ReviewDecisions(themes={2: ThemeDecision(2, rename_to="Asumisen kulut"),
    ...                             5: ThemeDecision(5, merge_into=2)})
    >>> d.renames, d.merges
    ({2: 'Asumisen kulut'}, {5: 2})
    """

    themes: dict[int, ThemeDecision] = field(default_factory=dict)
    weak_signals: dict[str, WeakSignalDecision] = field(default_factory=dict)
    reports: dict[str, ReportCorrection] = field(default_factory=dict)
    source: str = ""
    #: Fingerprint of the run whose theme ids the decisions use (:func:`run_fingerprint`);
    #: empty for a review of a workbook written before runs had one.
    run_id: str = ""
    #: Report ids the reviewed workbook's Reports sheet holds (None when not read from a
    #: workbook): a report listed here without a correction has had its correction cleared.
    sheet_reports: frozenset[str] | None = field(default=None, compare=False, repr=False)
    #: Things the reader of the workbook should know (a rename on a row merged away, a number
    #: read as §11 points); not saved.
    notes: list[str] = field(default_factory=list, compare=False, repr=False)
    #: The workbook was written by a run that carried decisions of an earlier review.
    carried: bool = field(default=False, compare=False, repr=False)

    @property
    def renames(self) -> dict[int, str]:
        """theme id -> new name."""
        return {k: d.rename_to for k, d in sorted(self.themes.items()) if d.rename_to}

    @property
    def merges(self) -> dict[int, int]:
        """theme id -> theme id it is merged into."""
        return {k: d.merge_into for k, d in sorted(self.themes.items()) if d.merge_into is not None}

    @property
    def accepted(self) -> dict[int, bool]:
        """theme id -> accepted (True) or rejected (False); undecided themes are left out."""
        return {k: d.accept for k, d in sorted(self.themes.items()) if d.accept is not None}

    def merge_targets(self) -> dict[int, int]:
        """theme id -> final theme id after following chains of merges (5 -> 3 -> 2 gives 2)."""
        merges = self.merges
        out = {}
        for start in merges:
            target, seen = merges[start], {start}
            while target in merges and target not in seen:
                seen.add(target)
                target = merges[target]
            out[start] = target
        return out

    def training_labels(self) -> pd.DataFrame:
        """Corrected labels as a table: report_id, shl (``;``-joined), sectors (``;``-joined)."""
        import pandas as pd

        rows = [
            {"report_id": r.report_id, "shl": ";".join(r.shl), "sectors": ";".join(r.sectors)}
            for r in self.reports.values()
            if r.shl or r.sectors
        ]
        return pd.DataFrame(rows, columns=["report_id", "shl", "sectors"])

    def is_empty(self) -> bool:
        """True when no decision at all was recorded."""
        return not (
            any(_decided(d) for d in self.themes.values())
            or any(d.accept is not None or d.comment for d in self.weak_signals.values())
            or self.reports
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready form: decided items, and every merge target with its labels and
        keywords (a later run on other data matches the target by them)."""
        targets = set(self.merge_targets().values())
        return {
            "format": REVIEW_FORMAT,
            "version": REVIEW_VERSION,
            "source": self.source,
            "run_id": self.run_id,
            "themes": {
                str(k): _drop_id(asdict(d), "theme_id")
                for k, d in sorted(self.themes.items())
                if _decided(d) or k in targets
            },
            "weak_signals": {
                k: _drop_id(asdict(d), "weak_signal_id")
                for k, d in sorted(self.weak_signals.items())
                if d.accept is not None or d.comment
            },
            "reports": {
                k: _drop_id(asdict(d), "report_id") for k, d in sorted(self.reports.items())
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "review") -> ReviewDecisions:
        """Rebuild decisions from :meth:`to_dict` output, checking the format."""
        if not isinstance(data, dict) or data.get("format") != REVIEW_FORMAT:
            raise InputError(f"{source}: not a socanalysis review file (no format marker).")
        if data.get("version") != REVIEW_VERSION:
            raise InputError(
                f"{source}: review file version {data.get('version')!r} is not supported "
                f"(expected {REVIEW_VERSION}); write it again with `socanalysis review apply`."
            )
        for part in ("themes", "weak_signals", "reports"):
            if not isinstance(data.get(part, {}), dict):
                raise InputError(
                    f"{source}: {part!r} must be an object keyed by id, not "
                    f"{type(data[part]).__name__}; write the file again with "
                    "`socanalysis review apply`."
                )
        try:
            decisions = cls(
                themes={
                    int(k): ThemeDecision(theme_id=int(k), **v)
                    for k, v in data.get("themes", {}).items()
                },
                weak_signals={
                    k: WeakSignalDecision(weak_signal_id=k, **v)
                    for k, v in data.get("weak_signals", {}).items()
                },
                reports={
                    k: ReportCorrection(
                        report_id=k,
                        **{
                            # §11 points written as numbers ([3, 8]) are what JSON invites
                            f: [str(x) for x in v[f]]
                            if f in ("shl", "sectors") and isinstance(v[f], list)
                            else v[f]
                            for f in v
                        },
                    )
                    for k, v in data.get("reports", {}).items()
                },
                source=str(data.get("source", "")),
                run_id=str(data.get("run_id") or ""),
            )
        except (TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"{source}: the review file is damaged ({exc}).") from None
        decisions.check_types(source)
        return decisions

    def check_types(self, source: str = "review") -> None:
        """Refuse values of the wrong kind, naming the item and the field: a hand-edited
        review.json would otherwise fail deep inside the next run."""
        expected = {
            "accept": (bool, type(None)),
            "rename_to": (str, type(None)),
            "merge_into": (int, type(None)),
            "comment": (str, type(None)),
        }
        items = [
            *(("theme", str(k), d) for k, d in self.themes.items()),
            *(("weak signal", k, d) for k, d in self.weak_signals.items()),
        ]
        for kind, key, decision in items:
            for name, kinds in expected.items():
                value = getattr(decision, name, None)
                if not isinstance(value, kinds) or (name == "merge_into" and value is True):
                    raise InputError(
                        f"{source}: {kind} {key}: {name}={value!r} is not "
                        f"{_KIND_WORDS[name]}; correct it or write the file again with "
                        "`socanalysis review apply`."
                    )
        for key, decision in self.themes.items():
            parts = decision.parts
            if not isinstance(parts, list) or not all(
                isinstance(p, dict) and isinstance(p.get("reports", []), list) for p in parts
            ):
                raise InputError(
                    f"{source}: theme {key}: parts must be a list of objects with labels, "
                    "keywords and a list of report ids; write the file again with "
                    "`socanalysis review apply`."
                )
        for key, report in self.reports.items():
            for name in ("shl", "sectors"):
                value = getattr(report, name)
                if not isinstance(value, list):
                    raise InputError(
                        f"{source}: report {key}: {name}={value!r} must be a list of keys, "
                        'e.g. ["3", "8"]'
                    )
            if not isinstance(report.comment, (str, type(None))):
                raise InputError(f"{source}: report {key}: comment must be a text")

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the decisions as JSON (sorted keys, so the file diffs well)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        return target

    def updated_with(self, newer: ReviewDecisions) -> ReviewDecisions:
        """Combine with a newer review.

        Report corrections accumulate, the newer review winning per report; a report that the
        newer workbook shows (``newer.sheet_reports``) with empty review cells loses its
        earlier correction, since the reviewer cleared it. Theme and weak-signal decisions are
        the newer ones, since their ids belong to the run that the newer workbook came from;
        when both reviews are of that same run, the merges of earlier rounds that this run
        carried (``parts``, which no workbook shows) are kept.
        """
        shown = newer.sheet_reports or frozenset()
        earlier = {k: r for k, r in self.reports.items() if k not in shown}
        cleared = sorted(k for k in self.reports if k in shown and k not in newer.reports)
        themes = {k: replace(d) for k, d in newer.themes.items()}
        if newer.run_id and newer.run_id == self.run_id:
            for key, decision in themes.items():
                if not decision.parts and key in self.themes:
                    decision.parts = list(self.themes[key].parts)
        notes = list(newer.notes)
        if cleared:
            notes.append(
                f"{len(cleared)} earlier correction(s) removed: the workbook shows their "
                f"report(s) with empty review cells ({', '.join(cleared[:5])}"
                f"{', ...' if len(cleared) > 5 else ''})"
            )
        return ReviewDecisions(
            themes=themes,
            weak_signals=dict(newer.weak_signals),
            reports={**earlier, **newer.reports},
            source=newer.source,
            run_id=newer.run_id,
            sheet_reports=newer.sheet_reports,
            notes=notes,
        )


def _masked(text: str) -> str:
    """A reviewer's comment or new theme name as kept in review.json and shown in the next
    run: with personal data masked like the reports ("call Matti 040 ..." happens)."""
    if not text:
        return text
    from socanalysis.nlp.privacy import mask

    return mask(text).text


_KIND_WORDS = {
    "accept": "true, false or null",
    "rename_to": "a text or null",
    "merge_into": "a theme id (a whole number) or null",
    "comment": "a text or null",
}


def _decided(d: ThemeDecision) -> bool:
    return (
        d.accept is not None
        or bool(d.rename_to)
        or d.merge_into is not None
        or bool(d.comment)
        or bool(d.parts)
    )


def _drop_id(data: dict[str, Any], key: str) -> dict[str, Any]:
    data.pop(key)
    return data


# ---------------------------------------------------------------------------------------------
# reading the workbook


class _Problems:
    """Collects review mistakes so that all of them are reported at once."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []
        self.notes: list[str] = []

    def note(self, sheet: str, row: int, header: str, value: Any, text: str) -> None:
        self.notes.append(f"sheet '{sheet}', row {row}, column '{header}': {value!r} {text}")

    def add(self, sheet: str, row: int, header: str, value: Any, problem: str) -> None:
        self.items.append(f"sheet '{sheet}', row {row}, column '{header}': {value!r} {problem}")

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = self.items[:_MAX_ERRORS]
        more = len(self.items) - len(shown)
        text = "\n  - ".join(shown) + (f"\n  ... and {more} more" if more > 0 else "")
        raise InputError(
            f"{self.source}: {len(self.items)} problem(s) in the review columns; correct them "
            f"and run `socanalysis review apply` again:\n  - {text}"
        )


def _any_language(group: str, key: str) -> set[str]:
    return {v.strip().casefold() for v in ui_groups()[group][key].values()}


def _yes_no() -> tuple[set[str], set[str]]:
    yes = _any_language("values", "yes") | {"x", "1", "true", "k", "j", "y", "ok"}
    no = _any_language("values", "no") | {"0", "false", "e", "n"}
    return yes, no


def _find_sheet(book: Any, key: str) -> Any | None:
    names = _any_language("sheets", key)
    for ws in book.worksheets:
        if ws.title.strip().casefold() in names:
            return ws
    return None


def _header_map(
    header_row: tuple[Any, ...],
    wanted: tuple[str, ...],
    problems: _Problems | None = None,
    sheet: str = "",
) -> dict[str, int]:
    """field key -> 0-based column for the headers found, in any output language.

    A header found twice (a second reviewer's comment column added at the end) is reported to
    ``problems``: only one of the two columns would be read, and the other's entries lost.
    """
    from openpyxl.utils import get_column_letter

    by_text = {}
    for key in wanted:
        for text in _any_language("columns", key):
            by_text[text] = key
    found: dict[str, int] = {}
    for j, cell in enumerate(header_row):
        key = by_text.get(str(cell).strip().casefold()) if cell is not None else None
        if key and key not in found:
            found[key] = j
        elif key and problems is not None:
            first = found[key]
            problems.add(
                sheet,
                1,
                str(cell),
                str(cell),
                f"appears twice (columns {get_column_letter(first + 1)} and "
                f"{get_column_letter(j + 1)}); put the entries into one column and delete the "
                "other",
            )
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(ws: Any) -> list[tuple[Any, ...]]:
    if hasattr(ws, "reset_dimensions"):
        # read-only sheets trust the stored <dimension>, which some tools leave stale: rows
        # (and columns) beyond it would be skipped without a word
        ws.reset_dimensions()
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def _read_lists(book: Any) -> dict[str, list[str]]:
    if LISTS_SHEET not in book.sheetnames:
        return {}
    rows = _rows(book[LISTS_SHEET])
    if not rows:
        return {}
    out: dict[str, list[str]] = {}
    for j, key in enumerate(rows[0]):
        if key in LIST_COLUMNS:
            out[key] = [_text(r[j]) for r in rows[1:] if j < len(r) and _text(r[j])]
    return out


def read_review(
    summary_xlsx: str | os.PathLike[str],
    *,
    sector_keys: list[str] | None = None,
) -> ReviewDecisions:
    """Read and check the review columns of a ``summary.xlsx``.

    Parameters
    ----------
    summary_xlsx : path
        A workbook written by :func:`socanalysis.export.workbook.write_workbook` and filled in by
        reviewers (in any output language).
    sector_keys : list of str, optional
        Valid sector keys; by default those the workbook lists (its hidden ``_lists`` sheet).

    Returns
    -------
    ReviewDecisions

    Raises
    ------
    InputError
        The file is missing or not such a workbook, or review cells hold unknown theme ids, §11
        points outside 1-10, unknown sector keys or unclear yes/no answers; the message names
        the sheet, row, column and value of each.
    """
    import openpyxl

    path = _workbook_path(summary_xlsx)
    if not path.is_file():
        raise InputError(f"{path}: file not found; give the summary.xlsx that reviewers filled in.")
    if path.suffix.lower() in (".xls", ".csv", ".ods"):
        raise InputError(
            f"{path}: the review is read from the .xlsx workbook that socanalysis wrote; this "
            f"file was saved as {path.suffix.lower()}. Save it as Excel Workbook (.xlsx)."
        )
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise InputError(f"{path}: cannot be read as an Excel workbook ({exc}).") from None
    try:
        problems = _Problems(str(path))
        properties = _custom_properties(book)
        lists = _read_lists(book)
        themes_ws = _find_sheet(book, "themes")
        reports_ws = _find_sheet(book, "reports")
        if themes_ws is None or reports_ws is None:
            wanted = sorted(_any_language("sheets", "themes") | _any_language("sheets", "reports"))
            raise InputError(
                f"{path}: not a socanalysis summary workbook: sheets {', '.join(wanted)} expected,"
                f" found {', '.join(book.sheetnames)}."
            )
        themes = _read_themes(themes_ws, problems)
        weak_ws = _find_sheet(book, "weak_signals")
        weak = _read_weak(weak_ws, problems) if weak_ws is not None else {}
        sectors = _sector_lookup(book, sector_keys, lists)
        reports, shown = _read_reports(reports_ws, sectors, problems)
    finally:
        book.close()
    problems.raise_if_any()
    return ReviewDecisions(
        themes=themes,
        weak_signals=weak,
        reports=reports,
        source=path.name,
        run_id=properties.get(RUN_PROPERTY, ""),
        sheet_reports=frozenset(shown),
        notes=problems.notes,
        carried=properties.get(CARRIED_PROPERTY, "") == "yes",
    )


#: Custom document property of summary.xlsx holding the run's fingerprint.
RUN_PROPERTY = "socanalysis_run_id"
#: Custom document property saying that the run carried decisions of an earlier review.
CARRIED_PROPERTY = "socanalysis_review_carried"
#: Decisions a run with ``--review`` carried over, keyed by its own theme ids.
CARRIED_FILE = "review_carried.json"


def _custom_properties(book: Any) -> dict[str, str]:
    try:
        return {p.name: str(p.value) for p in book.custom_doc_props.props}
    except AttributeError:  # an openpyxl without custom properties, or none in the file
        return {}


def _workbook_path(summary_xlsx: str | os.PathLike[str]) -> Path:
    """The reviewed workbook: the path given, or ``summary.xlsx`` in the results folder given
    instead of it."""
    if not isinstance(summary_xlsx, (str, os.PathLike)):
        raise InputError(
            f"the reviewed workbook is given by its path (summary.xlsx, or the results folder "
            f"that holds it), not {type(summary_xlsx).__name__}"
        )
    path = Path(summary_xlsx)
    if path.is_dir() and (path / "summary.xlsx").is_file():
        return path / "summary.xlsx"
    return path


_KEEP_REVIEW_COLUMNS = (
    "the review columns must keep their headers: a renamed or deleted one would be read as "
    "empty, and its decisions lost. Restore the header, or fill in a new copy of the workbook."
)


def _required(ws: Any, header: dict[str, int], key: str, path_hint: str, source: str) -> int:
    if key not in header:
        names = " / ".join(sorted(ui_groups()["columns"][key].values()))
        raise InputError(
            f"{source}: sheet '{ws.title}': the column {names} is missing; {path_hint}"
        )
    return header[key]


def _cell(row: tuple[Any, ...], header: dict[str, int], key: str) -> Any:
    j = header.get(key)
    return row[j] if j is not None and j < len(row) else None


def _accept(value: Any, where: tuple[str, int, str], problems: _Problems) -> bool | None:
    text = _text(value).casefold()
    if not text:
        return None
    if isinstance(value, bool):
        return value
    yes, no = _yes_no()
    if text in yes:
        return True
    if text in no:
        return False
    problems.add(*where, value, "is not a yes/no answer (kyllä/ei, ja/nej, yes/no)")
    return None


def _read_themes(ws: Any, problems: _Problems) -> dict[int, ThemeDecision]:
    rows = _rows(ws)
    keys = (
        "theme_id",
        "label_fi",
        "label_sv",
        "keywords_fi",
        "keywords_sv",
        "review_accept",
        "review_rename",
        "review_merge",
        "review_comment",
    )
    header = _header_map(rows[0] if rows else (), keys, problems, ws.title)
    where = problems.source
    _required(ws, header, "theme_id", "the Themes sheet must keep its theme id column.", where)
    for key in ("review_accept", "review_rename", "review_merge", "review_comment"):
        _required(ws, header, key, _KEEP_REVIEW_COLUMNS, where)
    titles = {k: str(rows[0][j]) for k, j in header.items()}
    raw: list[tuple[int, int, tuple[Any, ...]]] = []
    for i, row in enumerate(rows[1:], start=2):
        value = _cell(row, header, "theme_id")
        if value is None or _text(value) == "":
            if any(_text(_cell(row, header, k)) for k in keys[5:]):
                problems.add(
                    ws.title,
                    i,
                    titles["theme_id"],
                    value,
                    "is empty but the row has "
                    "review entries; keep the theme id of each reviewed row",
                )
            continue
        try:
            theme_id = int(float(_text(value)))
        except ValueError:
            problems.add(ws.title, i, titles["theme_id"], value, "is not a theme id")
            continue
        raw.append((i, theme_id, row))
    ids = [t for _, t, _ in raw]
    row_of = {t: i for i, t, _ in raw}
    decisions: dict[int, ThemeDecision] = {}
    for i, theme_id, row in raw:
        if ids.count(theme_id) > 1 and theme_id in decisions:
            problems.add(ws.title, i, titles["theme_id"], theme_id, "appears twice in the sheet")
            continue
        decision = ThemeDecision(
            theme_id,
            label_fi=_text(_cell(row, header, "label_fi")),
            label_sv=_text(_cell(row, header, "label_sv")),
            keywords_fi=_text(_cell(row, header, "keywords_fi")),
            keywords_sv=_text(_cell(row, header, "keywords_sv")),
        )
        if "review_accept" in header:
            decision.accept = _accept(
                _cell(row, header, "review_accept"),
                (ws.title, i, titles["review_accept"]),
                problems,
            )
        decision.rename_to = _masked(_text(_cell(row, header, "review_rename"))) or None
        decision.comment = _masked(_text(_cell(row, header, "review_comment"))) or None
        merge = _cell(row, header, "review_merge")
        if _text(merge):
            where = (ws.title, i, titles.get("review_merge", "merge"))
            target = _theme_ref(merge)
            if target is None:
                problems.add(
                    *where, merge, "is not a theme id; write the number of the theme to merge into"
                )
            elif target not in ids or target < 0:
                known = ", ".join(str(t) for t in sorted(set(ids)) if t >= 0)
                problems.add(*where, merge, f"is not a theme in this workbook (themes: {known})")
            elif target == theme_id:
                problems.add(*where, merge, "is the theme itself; a theme cannot merge into itself")
            elif theme_id < 0:
                problems.add(
                    *where,
                    merge,
                    "is on the row of reports without a theme, which cannot be merged",
                )
            else:
                decision.merge_into = target
        if decision.merge_into is not None and decision.rename_to:
            problems.note(
                ws.title,
                i,
                titles.get("review_rename", "rename"),
                decision.rename_to,
                f"is not used: the theme is merged into theme {decision.merge_into}, whose "
                "name the merged theme keeps; rename that theme instead",
            )
        if theme_id < 0 and decision.rename_to:
            problems.add(
                ws.title,
                i,
                titles.get("review_rename", "rename"),
                decision.rename_to,
                "is on the row of reports without a theme, which cannot be renamed",
            )
            decision.rename_to = None
        decisions[theme_id] = decision
    _check_merge_cycles(decisions, row_of, (ws.title, titles.get("review_merge", "")), problems)
    return decisions


_THEME_REF = re.compile(r"#?\s*(\d+)(?:\.0+)?\s*(?::.*)?", re.DOTALL)


def _theme_ref(value: Any) -> int | None:
    """The theme id of a "merge into" cell: ``5``, ``#5`` or ``5: label``; anything else
    (``5 6``, ``5.5``, ``12 ja 13``) is None, so that a typo is reported, not truncated."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    match = _THEME_REF.fullmatch(_text(value))
    return int(match.group(1)) if match else None


def _check_merge_cycles(
    decisions: dict[int, ThemeDecision],
    row_of: dict[int, int],
    where: tuple[str, str],
    problems: _Problems,
) -> None:
    merges = {k: d.merge_into for k, d in decisions.items() if d.merge_into is not None}
    reported: set[int] = set()
    for start in sorted(merges):
        path, node = [start], merges[start]
        while node in merges and node not in path:
            path.append(node)
            node = merges[node]
        if node in path and start not in reported:
            cycle = path[path.index(node) :]
            reported.update(cycle)
            problems.add(
                where[0],
                row_of[cycle[0]],
                where[1],
                " -> ".join(map(str, [*cycle, node])),
                "is a circle of merges; merge each theme into one that stays",
            )


def _read_weak(ws: Any, problems: _Problems) -> dict[str, WeakSignalDecision]:
    rows = _rows(ws)
    keys = ("weak_signal_id", "label_fi", "label_sv", "review_accept", "review_comment")
    header = _header_map(rows[0] if rows else (), keys, problems, ws.title)
    if "weak_signal_id" not in header:
        return {}
    for key in ("review_accept", "review_comment"):
        _required(ws, header, key, _KEEP_REVIEW_COLUMNS, problems.source)
    titles = {k: str(rows[0][j]) for k, j in header.items()}
    out = {}
    for i, row in enumerate(rows[1:], start=2):
        signal_id = _text(_cell(row, header, "weak_signal_id"))
        if not signal_id:
            if _text(_cell(row, header, "review_accept")) or _text(
                _cell(row, header, "review_comment")
            ):
                problems.add(
                    ws.title,
                    i,
                    titles["weak_signal_id"],
                    "",
                    "is empty but the row has review entries; keep the weak-signal id of each "
                    "reviewed row",
                )
            continue
        accept = None
        if "review_accept" in header:
            accept = _accept(
                _cell(row, header, "review_accept"),
                (ws.title, i, titles["review_accept"]),
                problems,
            )
        out[signal_id] = WeakSignalDecision(
            signal_id,
            accept=accept,
            comment=_masked(_text(_cell(row, header, "review_comment"))) or None,
            label_fi=_text(_cell(row, header, "label_fi")),
            label_sv=_text(_cell(row, header, "label_sv")),
        )
    return out


def _sector_lookup(
    book: Any, sector_keys: list[str] | None, lists: dict[str, list[str]]
) -> dict[str, str]:
    """Accepted spellings (key or label, case-folded) -> sector key.

    Keys, the labels the workbook's Sectors sheet shows, and the Finnish and Swedish labels and
    aliases of the sector taxonomy: in a bilingual network the reporters write "FPA" and
    "Boende" in a Finnish workbook, and the reviewers do the same.
    """
    keys = list(sector_keys) if sector_keys is not None else lists.get("sector_keys", [])
    lookup = {k.casefold(): k for k in keys}
    ws = _find_sheet(book, "sectors")
    if ws is not None:  # labels shown in the Sectors sheet are accepted too
        rows = _rows(ws)
        header = _header_map(rows[0] if rows else (), ("key", "label"))
        if "key" in header and "label" in header:
            for row in rows[1:]:
                key, label = _text(_cell(row, header, "key")), _text(_cell(row, header, "label"))
                if key in keys and label:
                    lookup.setdefault(label.casefold(), key)
    for spelling, key in _taxonomy_names(keys).items():
        lookup.setdefault(spelling, key)
    return lookup


def _taxonomy_names(keys: list[str]) -> dict[str, str]:
    """Labels (every language) and aliases of the default sector taxonomy's categories whose
    keys the workbook lists, case-folded -> key."""
    from socanalysis.classify.taxonomy import load_taxonomy
    from socanalysis.errors import ConfigError

    try:
        taxonomy = load_taxonomy("sectors")
    except ConfigError:  # the shipped file is the package's; without it keys and labels do
        return {}
    out: dict[str, str] = {}
    for key in keys:
        if key not in taxonomy.keys:
            continue
        category = taxonomy.category(key)
        for name in (*category.label.values(), *category.aliases):
            if name and not str(name).isdigit():
                out.setdefault(str(name).strip().casefold(), key)
    return out


def _split(value: Any) -> list[str]:
    text = _text(value)
    for sep in (",", "\n", "/"):
        text = text.replace(sep, ";")
    return [p.strip() for p in text.split(";") if p.strip()]


def _sector_parts(value: Any, sectors: dict[str, str]) -> list[tuple[str, str | None]]:
    """(part as typed, key or None) of a sectors cell.

    Cells are split on ``;`` and new lines; a part is then matched whole first, and only
    otherwise split on commas and slashes, taking the longest run of pieces that names a
    sector: the Sectors sheet's own labels hold commas ("poliisi, ulosotto, oikeusapu,
    rikosseuraamukset") and slashes (a county's "asuminen / vuokra"), and ``kela, asuminen``
    is two sectors. Spellings are compared without case, ä/ö/å and the spaces around a comma
    or slash, as reporters' choices are read (``ikaihmisten palvelut``).
    """
    spellings: dict[str, str] = {}
    for spelling, key in sectors.items():
        spellings.setdefault(_spelling(spelling), key)
    out: list[tuple[str, str | None]] = []
    text = _text(value).replace("\n", ";")
    for piece in (p.strip() for p in text.split(";")):
        if not piece:
            continue
        # the pieces between commas and slashes, as (start, end) in ``piece``: a candidate is
        # the text as typed from one piece to another, separators included
        spans = [(m.start(), m.end()) for m in re.finditer(r"[^,/]+", piece) if m.group().strip()]
        i = 0
        while i < len(spans):
            for j in range(len(spans), i, -1):
                candidate = piece[spans[i][0] : spans[j - 1][1]].strip()
                key = spellings.get(_spelling(candidate))
                if key is not None:
                    out.append((candidate, key))
                    i = j
                    break
            else:
                out.append((piece[spans[i][0] : spans[i][1]].strip(), None))
                i += 1
    return out


def _spelling(text: str) -> str:
    """A sector spelling compared without case, ä/ö/å and spacing around commas and slashes."""
    from socanalysis.classify.taxonomy import fold

    return re.sub(r"\s*([,/])\s*", r"\1", " ".join(fold(text).split()))


def _points_cell(value: Any, where: tuple[str, int, str], problems: _Problems) -> tuple[Any, bool]:
    """A §11 cell that a spreadsheet turned into a number or a date, as the points typed.

    A Finnish- or Swedish-locale spreadsheet stores the documented "3,8" as the number 3.8,
    and "3.8" as the date 3 August, in a cell not formatted as text (workbooks before
    2026-11-25). Both are read back as the points 3;8, with a note, rather than refused as
    values nobody typed.
    """
    import datetime as dt

    if isinstance(value, dt.datetime):
        points = f"{value.day};{value.month}"
    elif isinstance(value, float) and not value.is_integer():
        points = ";".join(repr(value).split("."))
        if points.endswith(";1"):
            # "3,1" and "3,10" are both the number 3.1: which was typed cannot be known
            problems.add(
                *where,
                value,
                f"was stored by the spreadsheet as a number; it may be the points {points} or "
                f"{points}0. Type the points as text again, e.g. {points}0",
            )
            return None, True
    else:
        return value, False
    problems.note(
        *where,
        value if not isinstance(value, dt.datetime) else value.date().isoformat(),
        f"was stored by the spreadsheet as a number or date; read as the points {points} "
        "(check it)",
    )
    return points, True


def _read_reports(
    ws: Any, sectors: dict[str, str], problems: _Problems
) -> tuple[dict[str, ReportCorrection], set[str]]:
    """Corrections by report id, and the ids of every report the sheet shows."""
    rows = _rows(ws)
    keys = ("report_id", "review_shl", "review_sectors", "review_comment")
    header = _header_map(rows[0] if rows else (), keys, problems, ws.title)
    where = problems.source
    _required(ws, header, "report_id", "the Reports sheet must keep its report id column.", where)
    for key in ("review_shl", "review_sectors", "review_comment"):
        _required(ws, header, key, _KEEP_REVIEW_COLUMNS, where)
    titles = {k: str(rows[0][j]) for k, j in header.items()}
    out: dict[str, ReportCorrection] = {}
    shown: set[str] = set()
    valid_sectors = sorted(set(sectors.values()))
    for i, row in enumerate(rows[1:], start=2):
        report_id = _text(_cell(row, header, "report_id"))
        if report_id:
            shown.add(report_id)
        shl_cell = _cell(row, header, "review_shl")
        sector_cell = _cell(row, header, "review_sectors")
        comment = _masked(_text(_cell(row, header, "review_comment"))) or None
        if not (_text(shl_cell) or _text(sector_cell) or comment):
            continue
        shl_cell, _ = _points_cell(shl_cell, (ws.title, i, titles["review_shl"]), problems)
        if not report_id:
            problems.add(
                ws.title,
                i,
                titles["report_id"],
                "",
                "is empty but the row has review entries; keep the report id of each reviewed row",
            )
            continue
        points = []
        for part in _split(shl_cell):
            point = part.removeprefix("§").removeprefix("11.").strip()
            if point.endswith(".0"):
                point = point[:-2]
            if point not in SHL_POINTS:
                problems.add(
                    ws.title,
                    i,
                    titles["review_shl"],
                    part,
                    "is not a §11 point; use numbers 1-10, e.g. 3;8",
                )
            elif point not in points:
                points.append(point)
        chosen = []
        for part, key in _sector_parts(sector_cell, sectors):
            if key is None:
                close = difflib.get_close_matches(part.casefold(), list(sectors), n=1, cutoff=0.6)
                hint = f"; did you mean {sectors[close[0]]!r}?" if close else "."
                listed = ", ".join(valid_sectors) if valid_sectors else "(none listed)"
                problems.add(
                    ws.title,
                    i,
                    titles["review_sectors"],
                    part,
                    f"is not a sector key or label{hint} Valid keys: {listed}",
                )
            elif key not in chosen:
                chosen.append(key)
        if report_id in out:
            problems.add(ws.title, i, titles["report_id"], report_id, "appears twice")
            continue
        out[report_id] = ReportCorrection(report_id, shl=points, sectors=chosen, comment=comment)
    return out, shown


# ---------------------------------------------------------------------------------------------
# recording


def apply_review(
    summary_xlsx: str | os.PathLike[str],
    out_dir: str | os.PathLike[str] | None = None,
    *,
    sector_keys: list[str] | None = None,
    keep_earlier: bool = True,
) -> tuple[Path, ReviewDecisions]:
    """Read the review columns and record them in ``out_dir/review.json``.

    Parameters
    ----------
    summary_xlsx : path
        The reviewed workbook.
    out_dir : path, optional
        Where to write ``review.json``; default: the workbook's folder.
    sector_keys : list of str, optional
        Valid sector keys (default: those listed in the workbook).
    keep_earlier : bool
        Combine with an existing ``review.json`` there, or else with the decisions the run
        carried from an earlier review (``review_carried.json``): report corrections
        accumulate, and merges of earlier rounds are kept.

    Returns
    -------
    (path, decisions)

    Raises
    ------
    InputError
        Besides the reading errors of :func:`read_review`: ``out_dir`` holds the results of
        another run than the workbook's (its theme ids would point at other themes).
    """
    decisions = read_review(summary_xlsx, sector_keys=sector_keys)
    workbook = _workbook_path(summary_xlsx)
    folder = Path(out_dir) if out_dir is not None else workbook.parent
    check_same_run(workbook, decisions, folder)
    target = folder / REVIEW_FILE
    carried_file = folder / CARRIED_FILE
    base = None
    if keep_earlier and target.is_file():
        base = load_review(target)
    elif keep_earlier and carried_file.is_file() and decisions.run_id:
        carried = load_review(carried_file)
        if carried.run_id == decisions.run_id:
            base = carried
    if base is not None:
        decisions = base.updated_with(decisions)
    elif keep_earlier and decisions.carried:
        decisions.notes.append(
            f"the run of this workbook carried decisions of an earlier review ({CARRIED_FILE} "
            f"in its results folder), which are not in {folder}: corrections of reports this "
            "workbook does not show and merges of earlier rounds are kept only when the review "
            "is applied in the results folder of the workbook's run"
        )
    return decisions.save(target), decisions


def run_fingerprint(folder: str | os.PathLike[str]) -> str | None:
    """The fingerprint of the run whose results lie in ``folder``; None without them.

    A hash of what review decisions refer to: each report's theme (``reports.csv``) and each
    theme's labels and keywords (``themes.csv``). The same run gives the same fingerprint; a
    run on other reports, or with other themes, another. :meth:`AnalysisResult.save` writes it
    to run.json (``run_id``) and summary.xlsx, ``review apply`` to review.json.

    Returns
    -------
    str or None
        16 hexadecimal digits, or None when ``reports.csv`` or ``themes.csv`` is missing or
        unreadable.
    """
    import hashlib

    import pandas as pd

    where = Path(folder)
    digest = hashlib.sha256()
    wanted = {
        "reports.csv": ("report_id", "theme_id"),
        "themes.csv": ("theme_id", "label_fi", "label_sv", "keywords_fi", "keywords_sv"),
    }
    for name, columns in wanted.items():
        path = where / name
        if not path.is_file():
            return None
        try:
            table = pd.read_csv(
                path, dtype=str, keep_default_na=False, usecols=columns.__contains__
            )
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        if not set(columns) <= set(table.columns):
            return None
        digest.update(name.encode())
        for row in table[list(columns)].itertuples(index=False):
            digest.update(("\t".join(row) + "\n").encode("utf-8"))
    return digest.hexdigest()[:16]


def check_same_run(
    workbook: str | os.PathLike[str], decisions: ReviewDecisions, folder: str | os.PathLike[str]
) -> None:
    """Refuse to record a review beside the results of another run.

    The decisions' theme ids belong to the workbook's run; beside another run's results a
    later ``--review`` would match them to that run's themes (``reports.csv`` says which
    reports each theme held). Workbooks with a run fingerprint are compared by it; older ones
    by their Themes sheet against ``themes.csv``.
    """
    here = run_fingerprint(folder)
    if here is None:
        return
    if decisions.run_id:
        differs = decisions.run_id != here
        what = f"run {decisions.run_id}, but {folder} holds the results of run {here}"
    else:
        differs = _themes_differ(decisions, Path(folder) / "themes.csv")
        what = f"another run than the one whose themes.csv is in {folder}"
    if differs:
        raise InputError(
            f"{workbook} is the review of {what}: its theme ids would point at other themes. "
            "Apply it in the results folder of the run it came from, or into a folder of its "
            "own (--out review_folder/)."
        )


def _themes_differ(decisions: ReviewDecisions, themes_csv: Path) -> bool:
    import pandas as pd

    table = pd.read_csv(themes_csv, dtype=str, keep_default_na=False)
    if not {"theme_id", "label_fi"} <= set(table.columns):
        return False
    labels = {}
    for row in table.to_dict("records"):
        try:
            labels[int(float(row.get("theme_id", "")))] = " ".join(str(row["label_fi"]).split())
        except ValueError:
            continue
    shown = {k: " ".join(d.label_fi.split()) for k, d in decisions.themes.items() if k >= 0}
    return {k: v for k, v in labels.items() if k >= 0} != shown


def load_review(path: str | os.PathLike[str]) -> ReviewDecisions:
    """Load recorded review decisions from ``review.json`` (or a folder holding one).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = ReviewDecisions(reports={"r1": ReportCorrection("r1", shl=["3"])}).save(
    ...     folder / REVIEW_FILE)
    >>> load_review(folder).reports["r1"].shl
    ['3']
    """
    file = Path(path)
    if file.is_dir():
        file = file / REVIEW_FILE
    if not file.is_file():
        raise InputError(f"{file}: review file not found; run `socanalysis review apply` first.")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{file}: not valid JSON ({exc}).") from None
    return ReviewDecisions.from_dict(data, source=str(file))


def describe(decisions: ReviewDecisions, language: str = "en") -> str:
    """One line saying what was recorded (for the command line)."""
    del language  # the command line speaks English, like its other messages
    themes = decisions.themes.values()
    return (
        f"{sum(d.accept is True for d in themes)} themes accepted, "
        f"{sum(d.accept is False for d in themes)} rejected, {len(decisions.renames)} renamed, "
        f"{len(decisions.merges)} merged; "
        f"{sum(d.accept is not None for d in decisions.weak_signals.values())} weak signals "
        f"judged; {len(decisions.reports)} reports with corrected labels or comments"
    )


__all__ = [
    "CARRIED_FILE",
    "REVIEW_FILE",
    "ReportCorrection",
    "ReviewDecisions",
    "ThemeDecision",
    "WeakSignalDecision",
    "apply_review",
    "describe",
    "load_review",
    "read_review",
    "run_fingerprint",
]
