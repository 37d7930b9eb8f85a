"""``summary.xlsx``: the review workbook for the structural social work network.

Sheets (names and headers in the reader's language): Themes, Weak signals, Reports, §11,
Sectors, Units, Periods, Run, plus a hidden sheet of valid review values that drives the
drop-down lists and lets :mod:`socanalysis.export.review` check what reviewers typed.

Only masked text is written (``text_masked``, ``proposal_masked``); raw ``text`` and
``proposal`` never are. The bytes are the same for the same result: document properties carry a
fixed time and xlsxwriter stores zip members with a fixed date.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socanalysis.errors import InputError
from socanalysis.export import summaries
from socanalysis.export.contract import OUTLIER_THEME_ID
from socanalysis.export.labels import UiText, category_labels, check_language, taxonomy_text
from socanalysis.export.parts import (
    RAW_TEXT_COLUMNS,
    ResultParts,
    clean_cell,
    masked_proposal,
    masked_text,
    result_parts,
    theme_excerpts,
)

if TYPE_CHECKING:
    import pandas as pd

#: Name of the hidden sheet with the valid review values (not translated: readers look it up).
LISTS_SHEET = "_lists"
#: Column order of the hidden lists sheet.
LIST_COLUMNS = ("yes_no", "theme_ids", "shl_points", "sector_keys")
#: Fixed document time, so that the same result gives the same bytes.
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
_MIN_WIDTH, _MAX_WIDTH, _WIDE = 6, 60, 70
_LETTERS_PER_WIDTH = 1.2
_PRINT_FIT_WIDTH = 230  # total column width (characters) that still prints legibly on A4
_WIDE_COLUMNS = {"text_masked", "proposal_masked", "examples", "why", "value"}
_HEADER_COLOUR = "#DCE6F1"
_REVIEW_COLOUR = "#FFF2CC"  # review columns stand out: this is where the network writes


@dataclass(frozen=True)
class Column:
    """One sheet column: a key (header from the UI strings) and how to write its cells."""

    key: str
    kind: str = "text"  # text, wrap, int, float, percent, date, review
    header: str | None = None  # overrides the UI string (e.g. a theme name)


def write_workbook(
    result_like: Any,
    path: str | os.PathLike[str],
    language: str = "fi",
    *,
    shl_labels: Any = None,
    sector_labels: Any = None,
    excerpt_chars: int = 300,
    n_examples: int = 3,
) -> Path:
    """Write the review workbook ``summary.xlsx``.

    Parameters
    ----------
    result_like : AnalysisResult or look-alike
        Needs ``reports``, ``themes``, ``weak_signals`` and ``run_info``.
    path : path
        Where to write the workbook (folders are created).
    language : str
        fi, sv or en: sheet names, headers and UI values.
    shl_labels, sector_labels : mapping or taxonomy, optional
        ``key -> label`` (or ``key -> {"fi": ..., "sv": ...}``, or a taxonomy object) to show
        category labels next to keys; the keys of ``sector_labels`` are also the valid sector
        keys for review corrections.
    excerpt_chars : int
        Longest excerpt shown per example report in the Themes sheet.
    n_examples : int
        Example excerpts per theme.

    Returns
    -------
    Path

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> from types import SimpleNamespace
    >>> result = SimpleNamespace(reports=pd.DataFrame({"report_id": ["1"], "status": ["ok"],
    ...     "text_masked": ["Vuokrat nousivat, [NIMI] muutti."]}), themes=None,
    ...     weak_signals=None, run_info={})
    >>> out = write_workbook(result, pathlib.Path(tempfile.mkdtemp()) / "summary.xlsx")
    >>> out.name
    'summary.xlsx'
    """
    import xlsxwriter

    ui = UiText(check_language(language))
    parts = result_parts(result_like)
    shl = category_labels(shl_labels, language)
    sectors = category_labels(sector_labels, language)
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{target.parent}: cannot create the folder ({exc.strerror}).") from None

    book = xlsxwriter.Workbook(str(target), {"strings_to_numbers": False})
    book.set_properties(
        {
            "title": ui("report", "title"),
            "author": "socanalysis",
            "created": FIXED_TIME,
            "comments": "socanalysis " + str(parts.run_info.get("socanalysis_version", "")),
        }
    )
    book.set_custom_property("socanalysis_output_language", language)
    run_id = clean_cell(parts.run_info.get("run_id"))
    if run_id:  # `review apply` checks it against the run in the folder it records into
        book.set_custom_property("socanalysis_run_id", run_id)
    carried = getattr(result_like, "review_carried", None)
    if carried is not None:
        book.set_custom_property("socanalysis_review_carried", "yes")
    formats = _formats(book, language)
    lists = _valid_lists(parts, ui, sectors)
    writer = _SheetWriter(book, formats, ui)

    writer.table(
        ui("sheets", "themes"),
        *_themes_sheet(parts, ui, shl, sectors, excerpt_chars, n_examples, carried),
    )
    writer.table(ui("sheets", "weak_signals"), *_weak_sheet(parts, ui.language))
    writer.table(ui("sheets", "reports"), *_reports_sheet(parts, ui, carried))
    writer.table(
        ui("sheets", "shl"), *_counts_sheet(summaries.shl_counts(parts.reports, shl), "point")
    )
    writer.table(
        ui("sheets", "sectors"),
        *_counts_sheet(summaries.sector_counts(parts.reports, sectors), "key"),
    )
    writer.table(ui("sheets", "units"), *_units_sheet(parts, ui))
    writer.table(ui("sheets", "periods"), *_periods_sheet(parts, ui))
    writer.table(ui("sheets", "run"), *_run_sheet(parts, ui, language))
    _add_validation(writer, writer.lists(lists))
    book.close()
    return target


class _SheetWriter:
    """Writes one table per sheet with a frozen, filtered header row and fitting widths."""

    def __init__(self, book: Any, formats: dict[str, Any], ui: UiText) -> None:
        self.book = book
        self.formats = formats
        self.ui = ui
        self.row_counts: dict[str, int] = {}
        self.headers: dict[str, list[str]] = {}

    def table(self, name: str, columns: Sequence[Column], rows: list[list[Any]]) -> None:
        sheet = self.book.add_worksheet(name)
        headers = [c.header or self.ui("columns", c.key) for c in columns]
        widths = [
            _width(column, header, [r[j] for r in rows])
            for j, (column, header) in enumerate(zip(columns, headers, strict=True))
        ]
        # Spreadsheet programs do not grow rows for wrapped text when a file is opened (and
        # LibreOffice then draws lines over each other), so rows get the height they need.
        wrapped = [j for j, c in enumerate(columns) if c.kind in ("wrap", "review")]
        sheet.set_row(0, _height(max(_lines(h, w) for h, w in zip(headers, widths, strict=True))))
        for j, (column, header) in enumerate(zip(columns, headers, strict=True)):
            style = "review_header" if column.kind == "review" else "header"
            sheet.write_string(0, j, header, self.formats[style])
        for i, row in enumerate(rows, start=1):
            lines = max((_text_lines(row[j], widths[j]) for j in wrapped), default=1)
            if lines > 1:
                sheet.set_row(i, _height(lines))
            for j, (column, value) in enumerate(zip(columns, row, strict=True)):
                self._cell(sheet, i, j, column.kind, value)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        for j, width in enumerate(widths):
            sheet.set_column(j, j, width)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.repeat_rows(0)
        if sum(widths) <= _PRINT_FIT_WIDTH:  # narrow tables: all columns on the page width
            sheet.fit_to_pages(1, 0)
        self.row_counts[name] = len(rows)
        self.headers[name] = headers

    def _cell(self, sheet: Any, i: int, j: int, kind: str, value: Any) -> None:
        fmt = self.formats[kind]
        if summaries.is_missing(value):
            sheet.write_blank(i, j, None, fmt)
        elif kind in ("int", "float", "percent") and isinstance(value, (int, float)):
            sheet.write_number(i, j, value, fmt)
        elif kind == "date" and isinstance(value, dt.datetime):
            sheet.write_datetime(i, j, value, fmt)
        else:
            text = clean_cell(value)
            if text:
                sheet.write_string(i, j, text, fmt)  # never a formula, number or link
            else:
                sheet.write_blank(i, j, None, fmt)

    def lists(self, lists: dict[str, list[str]]) -> dict[str, str]:
        sheet = self.book.add_worksheet(LISTS_SHEET)
        ranges = {}
        for j, key in enumerate(LIST_COLUMNS):
            values = lists[key]
            sheet.write_string(0, j, key)
            for i, value in enumerate(values, start=1):
                sheet.write_string(i, j, value)
            col = chr(ord("A") + j)
            if values:
                ranges[key] = f"={LISTS_SHEET}!${col}$2:${col}${len(values) + 1}"
        sheet.hide()
        return ranges


def _formats(book: Any, language: str) -> dict[str, Any]:
    from socanalysis.reader_formats import excel_date_format

    base = {"valign": "top", "font_size": 10}
    header = {**base, "bold": True, "text_wrap": True, "bottom": 1}
    return {
        "header": book.add_format({**header, "bg_color": _HEADER_COLOUR}),
        "review_header": book.add_format({**header, "bg_color": _REVIEW_COLOUR}),
        "text": book.add_format(base),
        "wrap": book.add_format({**base, "text_wrap": True}),
        "int": book.add_format({**base, "num_format": "0"}),
        "float": book.add_format({**base, "num_format": "0.00"}),
        # a share is stored as the fraction (0.25), so sums and formulas work; shown as 25.0 %
        "percent": book.add_format({**base, "num_format": "0.0%"}),
        "date": book.add_format(
            {**base, "num_format": excel_date_format(language), "align": "left"}
        ),
        # text cells: a Finnish-locale spreadsheet would store "3,8" as the number 3.8 and
        # "3.8" as a date in a General cell
        "review": book.add_format(
            {**base, "text_wrap": True, "bg_color": _REVIEW_COLOUR, "num_format": "@"}
        ),
    }


def _width(column: Column, header: str, values: list[Any]) -> float:
    if column.kind == "date":
        longest = 10
    else:
        longest = max(
            (max(len(line) for line in str(v).split("\n")) for v in values[:2000] if v is not None),
            default=0,
        )
    header_words = max((len(w) for w in header.split()), default=0)
    width = max(longest, header_words + 2, _MIN_WIDTH)
    cap = _WIDE if column.key in _WIDE_COLUMNS else _MAX_WIDTH
    if column.kind == "review":
        return max(min(width, cap), 18)
    return min(width, cap) + 1


def _height(lines: int) -> float:
    return min(13.0 * lines + 2.0, 409.0)  # points; 409 is the largest row Excel allows


def _text_lines(value: Any, width: float) -> int:
    if not isinstance(value, str) or not value:
        return 1
    return sum(_lines(part, width) for part in value.split("\n"))


def _lines(text: str, width: float) -> int:
    """Lines that ``text`` takes when wrapped at word boundaries in a column of ``width``."""
    # Width is counted in widths of "0" at 11 pt; prose at 10 pt fits about 20 % more letters.
    width = width * _LETTERS_PER_WIDTH
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width - 1:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def _label_list(keys: Any, labels: Mapping[str, str]) -> str:
    """``2 asuminen; 3 taloudellinen tuki``: keys stay visible next to their labels."""
    out = []
    for key in summaries.split_keys(keys):
        label = labels.get(key)
        out.append(f"{key} {label}" if label and label != key else key)
    return "; ".join(out)


def _text_list(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return clean_cell(value)


def _datetime(value: Any) -> dt.datetime | str | None:
    """A themes-table date (ISO text or a Timestamp) as a datetime for a date cell; other text
    is kept as it is, so that nothing is lost."""
    from socanalysis.reader_formats import read_date

    found = read_date(value if isinstance(value, dt.date) else clean_cell(value))
    if isinstance(found, str):
        return found or None
    if found is not None and not isinstance(found, dt.datetime):
        return dt.datetime.combine(found, dt.time())  # a date cell takes a datetime
    return found


def _int(value: Any) -> int | None:
    if summaries.is_missing(value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _themes_sheet(
    parts: ResultParts,
    ui: UiText,
    shl: Mapping[str, str],
    sectors: Mapping[str, str],
    excerpt_chars: int,
    n_examples: int,
    carried: Any = None,
) -> tuple[list[Column], list[list[Any]]]:
    columns = [
        Column("theme_id", "int"),
        Column("label_fi", "wrap"),
        Column("label_sv", "wrap"),
        Column("keywords_fi", "wrap"),
        Column("keywords_sv", "wrap"),
        Column("n_reports", "int"),
        Column("n_fi", "int"),
        Column("n_sv", "int"),
        Column("n_positive", "int"),
        Column("n_negative", "int"),
        Column("first_date", "date"),
        Column("last_date", "date"),
        Column("trend"),
        Column("top_shl", "wrap"),
        Column("top_sectors", "wrap"),
        Column("examples", "wrap"),
        Column("example_report_ids", "wrap"),
        Column("review_accept", "review"),
        Column("review_rename", "review"),
        Column("review_merge", "review"),
        Column("review_comment", "review"),
    ]
    trends = ui.group("trend")
    decided = carried.themes if carried is not None else {}
    rows = []
    for theme in summaries.themes_in_order(parts.themes).to_dict("records"):
        theme_id = _int(theme.get("theme_id"))
        label_fi = clean_cell(theme.get("label_fi"))
        if theme_id == OUTLIER_THEME_ID and not label_fi:
            label_fi = UiText("fi")("values", "outlier")
        excerpts = theme_excerpts(parts, theme, n_examples, excerpt_chars)
        trend = clean_cell(theme.get("trend"))
        rows.append(
            [
                theme_id,
                label_fi,
                clean_cell(theme.get("label_sv"))
                or (UiText("sv")("values", "outlier") if theme_id == OUTLIER_THEME_ID else ""),
                _text_list(theme.get("keywords_fi")),
                _text_list(theme.get("keywords_sv")),
                _int(theme.get("n_reports")),
                _int(theme.get("n_fi")),
                _int(theme.get("n_sv")),
                _int(theme.get("n_positive")),
                _int(theme.get("n_negative")),
                _datetime(theme.get("first_date")),
                _datetime(theme.get("last_date")),
                trends.get(trend, trend),
                _label_list(theme.get("top_shl"), shl),
                _label_list(theme.get("top_sectors"), sectors),
                "\n".join(f"• {text}" for _, text in excerpts),
                "; ".join(summaries.split_keys(theme.get("example_report_ids"))),
                *_carried_theme(decided.get(theme_id), ui),
            ]
        )
    return columns, rows


def _carried_theme(decision: Any, ui: UiText) -> list[Any]:
    """The review cells of a theme: the decisions this run carried from an earlier review
    (accept, name, comment), so that reviewers see them and can change them; a merge applied
    in this run is no cell (the themes are one), the run keeps it in review_carried.json."""
    if decision is None:
        return [None, None, None, None]
    accept = {True: ui("values", "yes"), False: ui("values", "no")}.get(decision.accept)
    return [accept, decision.rename_to or None, None, decision.comment or None]


def _weak_sheet(parts: ResultParts, language: str) -> tuple[list[Column], list[list[Any]]]:
    columns = [
        Column("weak_signal_id"),
        Column("label_fi", "wrap"),
        Column("label_sv", "wrap"),
        Column("n_reports", "int"),
        Column("n_units", "int"),
        Column("score", "float"),
        Column("why", "wrap"),
        Column("report_ids", "wrap"),
        Column("review_accept", "review"),
        Column("review_comment", "review"),
    ]
    frame = parts.weak_signals
    if not frame.empty and "score" in frame.columns:
        frame = frame.sort_values("score", ascending=False, kind="stable")
    rows = []
    for signal in frame.to_dict("records"):
        score = signal.get("score")
        rows.append(
            [
                clean_cell(signal.get("weak_signal_id")),
                clean_cell(signal.get("label_fi")),
                clean_cell(signal.get("label_sv")),
                _int(signal.get("n_reports")),
                _int(signal.get("n_units")),
                float(score) if isinstance(score, (int, float)) else clean_cell(score),
                # in the workbook's language where the detector wrote it (why_fi, why_sv)
                clean_cell(signal.get(f"why_{language}") or signal.get("why")),
                "; ".join(summaries.split_keys(signal.get("report_ids"))),
                None,
                None,
            ]
        )
    return columns, rows


def _reports_sheet(
    parts: ResultParts, ui: UiText, carried: Any = None
) -> tuple[list[Column], list[list[Any]]]:
    reports = parts.reports
    present = set(reports.columns) - set(RAW_TEXT_COLUMNS)
    wanted = [
        Column("report_id"),
        Column("status"),
        Column("date", "date"),
        Column("municipality"),
        Column("unit"),
        Column("language"),
        Column("polarity"),
        Column("theme_id", "int"),
        Column("theme_label", "wrap"),
        Column("weak_signal_id"),
        Column("shl_reported"),
        Column("shl_suggested"),
        Column("sectors_reported", "wrap"),
        Column("sectors_suggested", "wrap"),
        Column("pii_masked", "int"),
    ]
    columns = [c for c in wanted if c.key in present]
    columns.append(Column("text_masked", "wrap"))
    if parts.has_proposals:
        columns.append(Column("proposal_masked", "wrap"))
    columns += [
        Column("review_shl", "review"),
        Column("review_sectors", "review"),
        Column("review_comment", "review"),
    ]
    values = ui.group("values")
    names = {
        _int(t["theme_id"]): summaries.theme_name(t, ui.language)
        for t in parts.themes.to_dict("records")
        if _int(t["theme_id"]) != OUTLIER_THEME_ID
    }
    names[OUTLIER_THEME_ID] = values["outlier"]
    data: dict[str, list[Any]] = {}
    for column in columns:
        key = column.key
        if key == "text_masked":
            data[key] = masked_text(reports).tolist()
        elif key == "proposal_masked":
            data[key] = masked_proposal(reports).tolist()
        elif key == "date":
            data[key] = [d.to_pydatetime() if d == d else None for d in summaries.dates_of(reports)]
        elif key == "polarity":
            data[key] = [values.get(p, p) for p in summaries.polarity_of(reports)]
        elif key in ("status", "language"):  # codes in reports.csv, words for the reader
            words = ui.group("statuses" if key == "status" else "languages")
            data[key] = [words.get(str(v), clean_cell(v)) for v in reports[key].tolist()]
        elif key == "theme_label":  # named as the theme sheet names it, in this language
            # analysed reports and the duplicates that carry their theme; the others have none
            analysed = reports["status"].isin(["ok", "duplicate"]).tolist()
            data[key] = [
                names.get(_int(t), clean_cell(v)) if ok else clean_cell(v)
                for t, v, ok in zip(reports["theme_id"], reports[key], analysed, strict=True)
            ]
        elif column.kind == "review":
            # corrections carried from an earlier review, shown by report id
            corrections = carried.reports if carried is not None else {}
            field_of = {"review_shl": "shl", "review_sectors": "sectors"}
            cells = []
            for rid in reports["report_id"].astype(str):
                found = corrections.get(rid)
                if found is None:
                    cells.append(None)
                elif key in field_of:
                    cells.append(";".join(getattr(found, field_of[key])) or None)
                else:
                    cells.append(found.comment or None)
            data[key] = cells
        elif column.kind == "int":
            data[key] = [_int(v) for v in reports[key].tolist()]
        else:
            data[key] = [clean_cell(v) for v in reports[key].tolist()]
    rows = [list(row) for row in zip(*(data[c.key] for c in columns), strict=True)]
    return columns, rows


def _counts_sheet(frame: pd.DataFrame, key_column: str) -> tuple[list[Column], list[list[Any]]]:
    columns = [
        Column(key_column),
        Column("label", "wrap"),
        Column("n_reports", "int"),
        Column("share", "percent"),
        Column("n_positive", "int"),
        Column("n_negative", "int"),
    ]
    if "n_reported" in frame.columns:
        columns.append(Column("n_reported", "int"))
    source = ["key", "label", "n_reports", "share", "n_positive", "n_negative", "n_reported"]
    rows = [[_plain(row[name]) for name in source[: len(columns)]] for _, row in frame.iterrows()]
    return columns, rows


def _plain(value: Any) -> Any:
    """numpy scalars to Python numbers (xlsxwriter writes those as numbers)."""
    return value.item() if hasattr(value, "item") else value


def _units_sheet(parts: ResultParts, ui: UiText) -> tuple[list[Column], list[list[Any]]]:
    frame = summaries.unit_counts(parts.reports)
    columns = [
        Column("municipality"),
        Column("unit"),
        Column("n_reports", "int"),
        Column("n_positive", "int"),
        Column("n_negative", "int"),
    ]
    missing = ui("values", "no_unit")
    rows = [
        [*summaries.unit_names(record, missing), *(_plain(record[c.key]) for c in columns[2:])]
        for record in frame.to_dict("records")
    ]
    return columns, rows


def _periods_sheet(parts: ResultParts, ui: UiText) -> tuple[list[Column], list[list[Any]]]:
    frame = summaries.period_counts(parts.reports, parts.period)
    keys = ["period", "n_reports", "n_positive", "n_negative", "n_unknown", "n_fi", "n_sv"]
    columns = [Column("period")] + [Column(k, "int") for k in keys[1:]]
    matrix = summaries.theme_period_matrix(parts.reports, parts.period)
    names = {
        _int(t["theme_id"]): summaries.theme_name(t, ui.language)
        for t in parts.themes.to_dict("records")
    }
    theme_ids = list(matrix.index) if not matrix.empty else []
    for theme_id in theme_ids:
        header = f"{ui('report', 'theme_word')} {theme_id}: {names.get(int(theme_id), '')}"
        columns.append(Column("theme_label", "int", header=header.strip().rstrip(":")))
    rows = []
    for record in frame.to_dict("records"):
        row = [record["period"] or ui("values", "no_date"), *(_plain(record[k]) for k in keys[1:])]
        for theme_id in theme_ids:
            period = record["period"]
            count = matrix.at[theme_id, period] if period in matrix.columns else 0
            row.append(int(count))
        rows.append(row)
    total = [ui("values", "total")] + [int(frame[k].sum()) for k in keys[1:]]
    total += [int(matrix.loc[t].sum()) for t in theme_ids]
    if rows:
        rows.append(total)
    return columns, rows


def _run_sheet(
    parts: ResultParts, ui: UiText, language: str
) -> tuple[list[Column], list[list[Any]]]:
    info = parts.run_info
    rows: list[list[Any]] = [[ui("run", "version"), clean_cell(info.get("socanalysis_version"))]]
    if info.get("run_id"):
        rows.append([ui("run", "run_id"), clean_cell(info.get("run_id"))])
    rows.append([ui("run", "output_language"), language])
    counts = info.get("counts", {}) or {}
    if counts:
        rows.append([ui("run", "rows"), counts.get("rows")])
        rows.append([ui("run", "analysed"), counts.get("analysed")])
        for status, n in sorted((counts.get("by_status") or {}).items()):
            word = ui.group("statuses").get(status, status)
            rows.append([ui("run", "status_count", status=word), n])
        for lang, n in sorted((counts.get("by_language") or {}).items()):
            word = ui.group("languages").get(lang, lang)
            rows.append([ui("run", "language_count", language=word), n])
    rows.append([ui("run", "seed"), info.get("seed")])
    embedder = info.get("embedder")
    if embedder:
        rows.append([ui("run", "embedder"), _flat(embedder)])
    sectors = (info.get("taxonomies") or {}).get("sectors")
    if sectors:  # a county's own list: its title, and the hash that shows a later change
        rows.append([ui("run", "sector_list"), taxonomy_text(sectors, language, digest=True)])
    for name, value in sorted((info.get("input") or {}).items()):
        rows.append([ui("run", "input", name=name), _flat(value)])
    for name, value in sorted((info.get("config") or {}).items()):
        rows.append([ui("run", "setting", name=name), _flat(value)])
    for stage, seconds in (info.get("timings_s") or {}).items():
        rows.append([ui("run", "timing", stage=stage), seconds])
    columns = [Column("item", "wrap"), Column("value", "wrap")]
    return columns, [[r[0], _flat(r[1])] for r in rows]


def _flat(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}={_flat(v)}" for k, v in sorted(value.items()))
    if isinstance(value, (list, tuple)):
        return "; ".join(str(_flat(v)) for v in value)
    return "" if value is None else str(value)


def _valid_lists(
    parts: ResultParts, ui: UiText, sectors: Mapping[str, str]
) -> dict[str, list[str]]:
    theme_ids = sorted(
        {int(t) for t in parts.themes.get("theme_id", []) if _int(t) is not None}
        - {OUTLIER_THEME_ID}
    )
    sector_keys = list(sectors)
    if not sector_keys and "sectors_suggested" in parts.reports.columns:
        seen = {k for v in parts.reports["sectors_suggested"] for k in summaries.split_keys(v)}
        sector_keys = sorted(seen)
    return {
        "yes_no": [ui("values", "yes"), ui("values", "no")],
        "theme_ids": [str(t) for t in theme_ids],
        "shl_points": list(summaries.SHL_POINTS),
        "sector_keys": sector_keys,
    }


def _add_validation(writer: _SheetWriter, ranges: dict[str, str]) -> None:
    """Drop-down lists and input help on the review columns."""
    ui = writer.ui
    help_text = ui.group("review_help")
    sheets = {ws.get_name(): ws for ws in writer.book.worksheets()}
    for sheet_key, key, kind in _REVIEW_PLACES:
        name = ui("sheets", sheet_key)
        header = ui("columns", key)
        headers = writer.headers.get(name, [])
        if header not in headers:
            continue
        col = headers.index(header)
        last = max(writer.row_counts.get(name, 0), 1)
        # Excel shows at most 32 characters of an input title: a long header loses its
        # "Granskning: " part rather than the end of its last word
        title = header if len(header) <= 32 else header.partition(": ")[2] or header
        options: dict[str, Any] = {"input_title": title[:1].upper() + title[1:32]}
        if kind == "accept":
            options.update(validate="list", source=ranges["yes_no"])
        elif kind == "merge" and ranges.get("theme_ids"):
            options.update(validate="list", source=ranges["theme_ids"])
        else:
            options.update(validate="any")
        options["input_message"] = help_text[kind]
        sheets[name].data_validation(1, col, last, col, options)


# (sheet, review column, kind of help and list)
_REVIEW_PLACES = (
    ("themes", "review_accept", "accept"),
    ("themes", "review_merge", "merge"),
    ("weak_signals", "review_accept", "accept"),
    ("reports", "review_shl", "shl"),
    ("reports", "review_sectors", "sectors"),
)
