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
from dataclasses import asdict, dataclass, field
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
        """Plain, JSON-ready form (only decided items are kept)."""
        return {
            "format": REVIEW_FORMAT,
            "version": REVIEW_VERSION,
            "source": self.source,
            "themes": {
                str(k): _drop_id(asdict(d), "theme_id")
                for k, d in sorted(self.themes.items())
                if _decided(d)
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
        """Combine with a newer review: report corrections accumulate (newer wins per report);
        theme and weak-signal decisions are the newer ones, since their ids belong to the run
        that the newer workbook came from."""
        return ReviewDecisions(
            themes=dict(newer.themes),
            weak_signals=dict(newer.weak_signals),
            reports={**self.reports, **newer.reports},
            source=newer.source,
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
    return d.accept is not None or bool(d.rename_to) or d.merge_into is not None or bool(d.comment)


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


def _header_map(header_row: tuple[Any, ...], wanted: tuple[str, ...]) -> dict[str, int]:
    """field key -> 0-based column for the headers found, in any output language."""
    by_text = {}
    for key in wanted:
        for text in _any_language("columns", key):
            by_text[text] = key
    found: dict[str, int] = {}
    for j, cell in enumerate(header_row):
        key = by_text.get(str(cell).strip().casefold()) if cell is not None else None
        if key and key not in found:
            found[key] = j
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(ws: Any) -> list[tuple[Any, ...]]:
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
        reports = _read_reports(reports_ws, sectors, problems)
    finally:
        book.close()
    problems.raise_if_any()
    return ReviewDecisions(themes=themes, weak_signals=weak, reports=reports, source=path.name)


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


def _required(ws: Any, header: dict[str, int], key: str, path_hint: str) -> int:
    if key not in header:
        names = " / ".join(sorted(ui_groups()["columns"][key].values()))
        raise InputError(f"sheet '{ws.title}': the column {names} is missing; {path_hint}")
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
    header = _header_map(rows[0] if rows else (), keys)
    _required(ws, header, "theme_id", "the Themes sheet must keep its theme id column.")
    for key in ("review_accept", "review_rename", "review_merge", "review_comment"):
        _required(ws, header, key, _KEEP_REVIEW_COLUMNS)
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


def _theme_ref(value: Any) -> int | None:
    text = _text(value).lstrip("#").strip()
    head = text.split()[0].rstrip(":.") if text else ""
    try:
        return int(float(head))
    except ValueError:
        return None


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
    header = _header_map(rows[0] if rows else (), keys)
    if "weak_signal_id" not in header:
        return {}
    for key in ("review_accept", "review_comment"):
        _required(ws, header, key, _KEEP_REVIEW_COLUMNS)
    titles = {k: str(rows[0][j]) for k, j in header.items()}
    out = {}
    for i, row in enumerate(rows[1:], start=2):
        signal_id = _text(_cell(row, header, "weak_signal_id"))
        if not signal_id:
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
    """Accepted spellings (key or label, case-folded) -> sector key."""
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
    return lookup


def _split(value: Any) -> list[str]:
    text = _text(value)
    for sep in (",", "\n", "/"):
        text = text.replace(sep, ";")
    return [p.strip() for p in text.split(";") if p.strip()]


def _read_reports(
    ws: Any, sectors: dict[str, str], problems: _Problems
) -> dict[str, ReportCorrection]:
    rows = _rows(ws)
    keys = ("report_id", "review_shl", "review_sectors", "review_comment")
    header = _header_map(rows[0] if rows else (), keys)
    _required(ws, header, "report_id", "the Reports sheet must keep its report id column.")
    for key in ("review_shl", "review_sectors", "review_comment"):
        _required(ws, header, key, _KEEP_REVIEW_COLUMNS)
    titles = {k: str(rows[0][j]) for k, j in header.items()}
    out: dict[str, ReportCorrection] = {}
    valid_sectors = sorted(set(sectors.values()))
    for i, row in enumerate(rows[1:], start=2):
        shl_cell = _cell(row, header, "review_shl")
        sector_cell = _cell(row, header, "review_sectors")
        comment = _masked(_text(_cell(row, header, "review_comment"))) or None
        if not (_text(shl_cell) or _text(sector_cell) or comment):
            continue
        report_id = _text(_cell(row, header, "report_id"))
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
        for part in _split(sector_cell):
            key = sectors.get(part.casefold())
            if key is None:
                close = difflib.get_close_matches(part.casefold(), list(sectors), n=1, cutoff=0.6)
                hint = f"; did you mean {sectors[close[0]]!r}?" if close else ""
                listed = ", ".join(valid_sectors) if valid_sectors else "(none listed)"
                problems.add(
                    ws.title,
                    i,
                    titles["review_sectors"],
                    part,
                    f"is not a sector key{hint}. Valid keys: {listed}",
                )
            elif key not in chosen:
                chosen.append(key)
        if report_id in out:
            problems.add(ws.title, i, titles["report_id"], report_id, "appears twice")
            continue
        out[report_id] = ReportCorrection(report_id, shl=points, sectors=chosen, comment=comment)
    return out


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
        Combine with an existing ``review.json`` there (report corrections accumulate).

    Returns
    -------
    (path, decisions)
    """
    decisions = read_review(summary_xlsx, sector_keys=sector_keys)
    folder = Path(out_dir) if out_dir is not None else _workbook_path(summary_xlsx).parent
    target = folder / REVIEW_FILE
    if keep_earlier and target.is_file():
        decisions = load_review(target).updated_with(decisions)
    return decisions.save(target), decisions


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
    "REVIEW_FILE",
    "ReportCorrection",
    "ReviewDecisions",
    "ThemeDecision",
    "WeakSignalDecision",
    "apply_review",
    "describe",
    "load_review",
    "read_review",
]
