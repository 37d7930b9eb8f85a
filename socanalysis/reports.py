"""Intake: read social-report exports into the canonical report table, losing no row.

The canonical table has one row per input row, in input order, whatever happened to it. A row
that cannot be analysed (empty, duplicate, too short, too long, unreadable, outside the date range)
keeps its place with a ``status`` and a ``status_reason`` in plain words, so that every per-report
output can account for every input row (the *ledger*).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socanalysis.errors import InputError
from socanalysis.intake import cleaning, dates, headers, readers

if TYPE_CHECKING:
    import pandas as pd

#: Canonical columns, in output order; other input columns follow, unchanged.
CANONICAL_COLUMNS = (
    "report_id",
    "source_row",
    "status",
    "status_reason",
    "text",
    "proposal",
    "date",
    "unit",
    "municipality",
    "polarity",
    "shl_reported",
    "sectors_reported",
    "duplicate_of",
)
#: Fields that a column mapping may name.
MAPPABLE_FIELDS = tuple(headers.FIELD_PRIORITY)
#: Row statuses; only ``ok`` rows are analysed.
#: The note of a row whose date cell held something that is not a date (the row is kept); the
#: intake ledger counts these rows, also in a table re-checked after edits.
DATE_NOT_READ = "the report is kept without a date"
STATUSES = ("ok", "empty", "duplicate", "too_short", "too_long", "unreadable", "out_of_range")

DEFAULT_MIN_TEXT_LETTERS = 3
DEFAULT_MAX_TEXT_CHARS = 20_000


def read_reports(
    source: str | os.PathLike[str] | pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    min_text_letters: int = DEFAULT_MIN_TEXT_LETTERS,
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS,
    date_from: str | dt.date | None = None,
    date_to: str | dt.date | None = None,
) -> pd.DataFrame:
    """Read reports from a CSV, XLSX, JSON or JSON Lines file, or a DataFrame.

    Parameters
    ----------
    source : path, DataFrame or list of texts
        The export. Format is taken from the extension, else from the content. A list (or
        Series) of texts is one report per text.
    columns : mapping, optional
        Canonical field -> input header, e.g. ``{"text": "Kuvaus", "date": "Lähetetty"}``.
        Overrides the header aliases. Fields: text, report_id, date, proposal, polarity, unit,
        municipality, shl_reported, sectors_reported.
    sheet : str or int, optional
        Worksheet name or 0-based index for XLSX; by default the first sheet with a text column.
    encoding, delimiter : str, optional
        For CSV; detected when left out.
    min_text_letters : int
        Texts with fewer letters get status ``too_short``.
    max_text_chars : int
        Longer texts get status ``too_long`` (often a pasted document rather than a report).
    date_from, date_to : str or date, optional
        Inclusive date range; rows outside it get status ``out_of_range``.

    Returns
    -------
    pandas.DataFrame
        The canonical report table (see ``CANONICAL_COLUMNS``), one row per input row, in order.
        ``table.attrs["intake"]`` records the file, format, encoding, sheet, header row, column
        mapping and status counts.

    Raises
    ------
    InputError
        The file is missing or unreadable, or no text column can be found; the message names
        the file and lists the columns found.

    Examples
    --------
    >>> import pandas as pd
    >>> table = read_reports(pd.DataFrame({"Havainto": ["Vuokrat nousivat.", ""],
    ...                                    "Pvm": ["31.12.2024", "1.1.2025"]}))
    >>> table[["status", "text"]].values.tolist()
    [['ok', 'Vuokrat nousivat.'], ['empty', '']]
    """
    _check_limits(min_text_letters, max_text_chars)
    source = as_report_source(source, "read_reports")
    mapping = _check_mapping(columns)
    grid, header_index = _load_grid(
        source, mapping, sheet=sheet, encoding=encoding, delimiter=delimiter
    )
    header_cells = grid.rows[header_index]
    matches = headers.match_columns(header_cells, mapping)
    missing = [f for f in mapping if f not in matches]
    if missing:
        found = ", ".join(repr(cleaning.cell_to_text(c)) for c in header_cells if c is not None)
        raise InputError(
            f"{grid.source}: column(s) given in the mapping not found: "
            + ", ".join(f"{f}={mapping[f]!r}" for f in missing)
            + f". Columns found: {found}."
        )
    _refuse_a_second_text_column(grid, header_cells, matches)
    table, dates_not_read, date_order = _build_table(
        grid,
        header_index,
        matches,
        min_text_letters,
        max_text_chars,
        _as_date(date_from, "date_from"),
        _as_date(date_to, "date_to"),
    )
    table.attrs["intake"] = {
        **grid.details,
        "source": grid.source,
        "header_row": grid.row_numbers[header_index],
        "columns": {f: m.header for f, m in sorted(matches.items())},
        "rows": len(table),
        "status_counts": {
            k: int(v) for k, v in table["status"].value_counts().sort_index().items()
        },
        # rows whose date cell held something that is not a date: kept, without a date
        "dates_not_read": dates_not_read,
    }
    if date_order.reason:  # how slash dates (1/8/2024) were read, and whether it was a guess
        table.attrs["intake"]["date_order"] = date_order.reason
        table.attrs["intake"]["date_order_ambiguous"] = date_order.ambiguous
    return table


def _refuse_a_second_text_column(
    grid: readers.RawGrid, header_cells: list[Any], matches: dict[str, headers.ColumnMatch]
) -> None:
    """Two columns with the text column's header: which one holds the reports is a guess, and
    the other one's texts would go unanalysed without a word."""
    text = matches["text"]
    name = headers.normalize_header(text.header)
    same = [
        i + 1
        for i, cell in enumerate(header_cells)
        if headers.normalize_header(cell) == name and i != text.column
    ]
    if same:
        raise InputError(
            f"{grid.source}: {len(same) + 1} columns are named {text.header!r} (columns "
            f"{', '.join(map(str, sorted([text.column + 1, *same])))}), and only one can be the "
            "report text. Rename the others in the file, or join them into one column."
        )


def _check_limits(min_letters: int, max_chars: int) -> None:
    if min_letters < 0 or max_chars < 1 or max_chars <= min_letters:
        raise InputError(
            f"min_text_letters={min_letters} and max_text_chars={max_chars} leave no valid text "
            "length; use e.g. 3 and 20000."
        )


def _check_mapping(columns: Mapping[str, str] | None) -> dict[str, str]:
    mapping = dict(columns or {})
    unknown = sorted(set(mapping) - set(MAPPABLE_FIELDS))
    if unknown:
        raise InputError(
            f"unknown field(s) in the column mapping: {', '.join(unknown)}. "
            f"Fields that can be mapped: {', '.join(MAPPABLE_FIELDS)}."
        )
    return mapping


def _load_grid(
    source: Any,
    mapping: dict[str, str],
    *,
    sheet: str | int | None,
    encoding: str | None,
    delimiter: str | None,
) -> tuple[readers.RawGrid, int]:
    if hasattr(source, "columns") and hasattr(source, "iloc"):
        grid = readers.dataframe_grid(source)
        return grid, _header_or_error(grid, mapping)
    path = Path(source)
    if not path.exists():
        raise InputError(f"{path}: file not found. Check the path (current folder: {Path.cwd()}).")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the export file itself.")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty. Export the reports again.")
    fmt = readers.detect_format(path)
    if sheet is not None and fmt != "xlsx":
        # a sheet of a file that has none would be silently ignored
        raise InputError(
            f"{path}: sheet={sheet!r} is for Excel workbooks, and this is a {fmt.upper()} "
            "file; leave the sheet setting (--sheet) out."
        )
    try:
        if fmt == "xlsx":
            return pick_report_sheet(readers.read_xlsx_grids(path), path, mapping, sheet)
        if fmt == "json":
            grid = readers.read_json_grid(path, encoding)
        elif fmt == "jsonl":
            grid = readers.read_jsonl_grid(path, encoding)
        else:
            grid = readers.read_csv_grid(path, encoding, delimiter)
            if not any(cleaning.cell_to_text(c).strip() for row in grid.rows for c in row):
                raise InputError(
                    f"{path}: the file holds no text (only a byte-order mark or blank lines). "
                    "Export the reports again."
                )
            index = _header_or_error(grid, mapping)
            if delimiter is None and _one_column_header(grid, index):
                # a header without any delimiter is a one-column export: the commas or
                # semicolons the sniffer saw are in the report texts, which must stay whole
                grid = readers.read_csv_grid(path, encoding, readers.ONE_COLUMN)
            else:
                return grid, index
    except PermissionError:
        raise InputError(
            f"{path}: permission denied; close the file in Excel or check its permissions."
        ) from None
    return grid, _header_or_error(grid, mapping)


def _one_column_header(grid: readers.RawGrid, index: int) -> bool:
    """Whether the header row is one cell while rows below it were split into more.

    ``csv.writer(delimiter=";")`` leaves the commas of a one-column file unquoted, and the
    delimiter sniffer then splits every report at its commas.
    """
    return len(grid.rows[index]) == 1 and any(len(r) > 1 for r in grid.rows[index + 1 :])


def _header_or_error(grid: readers.RawGrid, mapping: dict[str, str]) -> int:
    if grid.header_known:
        if "text" not in headers.match_columns(grid.rows[0], mapping):
            raise headers.describe_missing_text(grid.source, grid.rows, mapping)
        return 0
    index = headers.find_header_row(grid.rows, mapping)
    if index is None:
        raise headers.describe_missing_text(grid.source, grid.rows, mapping)
    return index


def pick_report_sheet(
    grids: list[tuple[str, readers.RawGrid]],
    path: Path,
    mapping: dict[str, str],
    sheet: str | int | None,
) -> tuple[readers.RawGrid, int]:
    """The sheet of a workbook's ``grids`` that holds reports, and its header row: ``sheet``
    (a name or 0-based number) when given, else the first sheet with a text column.

    Text of digits names a sheet when one has that name (a sheet per year, "2024"), else it is
    read as a number, as ``--sheet 1`` on the command line, which gives text."""
    names = [name for name, _ in grids]
    if isinstance(sheet, str) and sheet not in names and sheet.strip().isdecimal():
        sheet = int(sheet)
    if sheet is not None:
        if isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(grids):
                raise InputError(
                    f"{path}: there is no sheet number {sheet} (0-based); "
                    f"sheets: {', '.join(map(repr, names))}."
                )
            name, grid = grids[sheet]
        else:
            by_name = dict(grids)
            if sheet not in by_name:
                raise InputError(
                    f"{path}: no sheet named {sheet!r}; sheets: {', '.join(map(repr, names))}."
                )
            name, grid = sheet, by_name[sheet]
        index = headers.find_header_row(grid.rows, mapping)
        if index is None:
            raise headers.describe_missing_text(str(path), grid.rows, mapping, sheet=name)
        return grid, index
    for position, (_name, grid) in enumerate(grids):
        index = headers.find_header_row(grid.rows, mapping)
        if index is not None:
            # a workbook with a sheet per year: the others are not read, and the user is told.
            # Such a sheet has the same columns; an instructions sheet whose title reads as a
            # text header ("Ohje") does not.
            fields = set(headers.match_columns(grid.rows[index], mapping))
            later = [
                name
                for name, other in grids[position + 1 :]
                if (found := headers.find_header_row(other.rows, mapping)) is not None
                and set(headers.match_columns(other.rows[found], mapping)) == fields
            ]
            if later:  # a copy: the grid's own details stay as the reader made them
                grid.details = {**grid.details, "other_report_sheets": later}
            return grid, index
    if not grids:
        raise InputError(f"{path}: the workbook has no sheets.")
    # the sheet that looks most like a table of reports (not an instructions sheet before it)
    name, grid = max(
        grids, key=lambda item: sum(1 for c in headers.header_like_row(item[1].rows) if c)
    )
    error = headers.describe_missing_text(str(path), grid.rows, mapping, sheet=name)
    raise InputError(f"{error} Sheets searched: {', '.join(map(repr, names))}.")


@lru_cache(maxsize=1)
def _polarity_aliases() -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = dates.value_aliases()["polarity"]
    return tuple((label, tuple(words)) for label, words in raw.items())


def parse_polarity(value: Any) -> str:
    """Map a polarity cell to ``positive``, ``negative`` or ``unknown``.

    Examples
    --------
    >>> parse_polarity("Myönteinen"), parse_polarity("Negativ iakttagelse"), parse_polarity("")
    ('positive', 'negative', 'unknown')
    """
    raw = cleaning.cell_to_text(value).strip()
    if raw in ("+", "-"):
        return "positive" if raw == "+" else "negative"
    folded = headers.normalize_header(raw)
    if not folded:
        return "unknown"
    padded = f" {folded} "
    hits = set()
    for label, words in _polarity_aliases():
        for word in words:
            key = headers.normalize_header(word)
            if key and (folded == key or f" {key} " in padded):
                hits.add(label)
    return hits.pop() if len(hits) == 1 else "unknown"


def _as_date(value: str | dt.date | None, name: str) -> dt.datetime | None:
    if value is None or value == "":
        return None
    parsed, problem = dates.parse_date(value)
    if parsed is None:
        raise InputError(f"{name}: {problem or 'not a date'}; give it as 2024-12-31 or 31.12.2024.")
    return parsed


def _stable_id(*parts: str) -> str:
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=5).hexdigest()
    return f"r{digest}"


def _build_table(
    grid: readers.RawGrid,
    header_index: int,
    matches: dict[str, headers.ColumnMatch],
    min_letters: int,
    max_chars: int,
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
) -> tuple[pd.DataFrame, int, dates.DateOrder]:
    """The report table, how many rows had a date cell that is not a date, and how the
    column's slash dates were read."""
    import pandas as pd

    header_cells = grid.rows[header_index]
    repair_notes: dict[int, str] = {}  # row index -> what the split-text repair did
    split_text = _SplitTextRepair.for_grid(grid, header_index, matches)
    if split_text is not None:
        rows = []
        for index, row in enumerate(grid.rows):
            cells, note = split_text.repair(row)
            rows.append(cells)
            if note:
                repair_notes[index] = note
        grid = dataclasses.replace(grid, rows=rows)
    width = max((len(r) for r in grid.rows[header_index:]), default=0)
    field_of_column = {m.column: f for f, m in matches.items()}
    extra_columns = _extra_column_names(header_cells, width, field_of_column, grid, header_index)
    if date_to is not None and (date_to.hour, date_to.minute, date_to.second) == (0, 0, 0):
        date_to = date_to.replace(hour=23, minute=59, second=59)  # a day range includes that day

    records: list[dict[str, Any]] = []
    first_by_text: dict[str, str] = {}
    first_by_id: dict[str, tuple[int, str]] = {}
    used_ids: set[str] = set()
    typed_ids = _typed_ids(grid, header_index, matches)
    date_order = _date_order(grid, header_index, matches)
    dates_not_read = 0
    for offset, row in enumerate(grid.rows[header_index + 1 :], start=header_index + 1):
        cells = list(row) + [None] * (width - len(row))
        blank = not any(cleaning.cell_to_text(c).strip() for c in cells)
        if blank and not grid.header_known and offset not in grid.broken_rows:
            continue  # a blank line in a sheet or CSV is layout; a record in JSON is a row
        record, notes = _row_fields(
            cells, matches, grid.row_numbers[offset], date_order.month_first
        )
        if offset in grid.row_notes:  # what decoding did to the row's bytes
            notes.append(grid.row_notes[offset])
        if offset in repair_notes:
            notes.append(repair_notes[offset])
        dates_not_read += record.pop("_date_unread")
        for column, name in extra_columns.items():
            record[name] = cleaning.cell_to_text(cells[column])
        status, reason = _row_status(
            record, grid.broken_rows.get(offset), min_letters, max_chars, date_from, date_to
        )
        _assign_id(record, first_by_id, used_ids, typed_ids, notes)
        if status == "ok":
            key = cleaning.dedup_key(record["text"])
            original = first_by_text.get(key)
            if original is not None:
                status, reason = "duplicate", f"same text as report {original}"
                record["duplicate_of"] = original
            else:
                first_by_text[key] = record["report_id"]
        record["status"] = status
        record["status_reason"] = "; ".join([reason, *notes] if reason else notes)
        records.append(record)

    table = pd.DataFrame.from_records(
        records, columns=[*CANONICAL_COLUMNS, *extra_columns.values()]
    )
    table["date"] = pd.to_datetime(table["date"])
    table["source_row"] = table["source_row"].astype("int64")
    return table, dates_not_read, date_order


def _date_order(
    grid: readers.RawGrid, header_index: int, matches: dict[str, headers.ColumnMatch]
) -> dates.DateOrder:
    """How the date column's slash dates are read, decided once for the whole column."""
    match = matches.get("date")
    if match is None:
        return dates.DateOrder()
    column = match.column
    cells = (row[column] for row in grid.rows[header_index + 1 :] if column < len(row))
    return dates.slash_date_order(cells, match.header)


@dataclasses.dataclass(frozen=True)
class _SplitTextRepair:
    """Joins back the report text of a CSV row that has more cells than its header.

    An export tool that does not quote cells leaves the delimiters inside the report text
    as they are, and the row then has more cells than the header: the text is cut at its
    first delimiter and the rest pushed into the columns after it (a date column then holds
    words). The report text is the free-text column, so the surplus cells are taken to be
    its pieces and joined back with the delimiter; the row says so in its status reason.
    Only for CSV (a spreadsheet's or JSON's cells are what they are), and only when the
    surplus cells hold something (Excel pads rows with empty cells).
    """

    header_width: int
    text_column: int
    delimiter: str

    @classmethod
    def for_grid(
        cls, grid: readers.RawGrid, header_index: int, matches: dict[str, headers.ColumnMatch]
    ) -> _SplitTextRepair | None:
        """The repair for a CSV grid with a delimiter and a text column, else None."""
        delimiter = grid.details.get("delimiter", "")
        if grid.details.get("format") != "csv" or not delimiter or "text" not in matches:
            return None
        return cls(len(grid.rows[header_index]), matches["text"].column, delimiter)

    def repair(self, row: list[Any]) -> tuple[list[Any], str]:
        if len(row) <= self.header_width:
            return row, ""
        row = list(row)
        while len(row) > self.header_width and not cleaning.cell_to_text(row[-1]).strip():
            row.pop()  # empty cells after the last column are padding, not text
        surplus = len(row) - self.header_width
        if surplus <= 0:
            return row, ""
        t = self.text_column
        text = self.delimiter.join(cleaning.cell_to_text(c) for c in row[t : t + surplus + 1])
        note = (
            f"the row had {surplus} more cell(s) than the header; they were joined back into "
            f"the text, which held {self.delimiter!r} without quotes"
        )
        return [*row[:t], text, *row[t + surplus + 1 :]], note


def _extra_column_names(
    header_cells: list[Any],
    width: int,
    field_of_column: dict[int, str],
    grid: readers.RawGrid,
    header_index: int,
) -> dict[int, str]:
    names: dict[int, str] = {}
    taken = set(CANONICAL_COLUMNS)
    for column in range(width):
        if column in field_of_column:
            continue
        header = cleaning.cell_to_text(header_cells[column] if column < len(header_cells) else None)
        values = (r[column] if column < len(r) else None for r in grid.rows[header_index + 1 :])
        if not header.strip() and not any(cleaning.cell_to_text(v).strip() for v in values):
            continue  # an empty spacer column
        name = header.strip() or f"column_{column + 1}"
        while name in taken:
            name = f"input_{name}"
        taken.add(name)
        names[column] = name
    return names


def _row_fields(
    cells: list[Any],
    matches: dict[str, headers.ColumnMatch],
    source_row: int,
    month_first: bool = False,
) -> tuple[dict[str, Any], list[str]]:
    def cell(field: str) -> Any:
        match = matches.get(field)
        return cells[match.column] if match is not None else None

    notes: list[str] = []
    text = cleaning.clean_text(cell("text"))
    proposal = cleaning.clean_text(cell("proposal"))
    notes += text.notes + [f"proposal: {n}" for n in proposal.notes]
    date, problem = dates.parse_date(cell("date"), month_first)
    if problem:
        notes.append(f"{problem}; {DATE_NOT_READ}")
    record: dict[str, Any] = {
        "report_id": cleaning.cell_to_text(cell("report_id")).strip(),
        "source_row": source_row,
        "text": text.text,
        "proposal": proposal.text,
        "date": date,
        "unit": cleaning.cell_to_text(cell("unit")).strip(),
        "municipality": cleaning.cell_to_text(cell("municipality")).strip(),
        "polarity": parse_polarity(cell("polarity")),
        "shl_reported": " ".join(cleaning.cell_to_text(cell("shl_reported")).split()),
        "sectors_reported": " ".join(cleaning.cell_to_text(cell("sectors_reported")).split()),
        "duplicate_of": "",
        "_unreadable": text.unreadable,
        "_date_unread": bool(problem),  # counted by _build_table for the intake ledger
    }
    return record, notes


def _row_status(
    record: dict[str, Any],
    broken: str | None,
    min_letters: int,
    max_chars: int,
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
) -> tuple[str, str]:
    unreadable = record.pop("_unreadable")
    text = record["text"]
    if broken:
        return "unreadable", broken
    if unreadable:
        return "unreadable", unreadable
    if not text:
        return "empty", "no text"
    letters = cleaning.count_letters(text)
    if letters < min_letters:
        return "too_short", f"only {letters} letters (min_text_letters={min_letters})"
    if len(text) > max_chars:
        return "too_long", (
            f"{len(text)} characters, over max_text_chars={max_chars}; "
            "shorten the text or raise the limit"
        )
    date = record["date"]
    if date is not None and ((date_from and date < date_from) or (date_to and date > date_to)):
        return "out_of_range", f"date {date:%Y-%m-%d} outside the chosen date range"
    return "ok", ""


def as_report_source(source: Any, who: str) -> Any:
    """``source`` as :func:`read_reports` reads it: a path or a DataFrame; a list, tuple or
    Series of texts becomes a one-column table, one report per text.

    Examples
    --------
    >>> as_report_source(["Vuokrat nousivat.", None], "read_reports").columns.tolist()
    ['text']
    """
    import pandas as pd

    if isinstance(source, (list, tuple, pd.Series)):
        # a list of texts is what an analyst has at hand: one report per text
        from socanalysis.nlp.per_text import is_missing

        if not all(isinstance(t, str) or is_missing(t) for t in source):
            raise InputError(
                f"{who} got a list that is not all texts; give an export file, a DataFrame or a "
                "list of report texts"
            )
        return pd.DataFrame({"text": list(source)})
    if not isinstance(source, (str, os.PathLike, pd.DataFrame)):
        raise InputError(
            f"{who} takes an export file's path, a DataFrame or a list of report texts, not "
            f"{type(source).__name__}"
        )
    return source


def recheck_table(
    table: pd.DataFrame,
    min_letters: int,
    max_chars: int,
    date_from: str | dt.date | None = None,
    date_to: str | dt.date | None = None,
) -> pd.DataFrame:
    """A copy of a report table, checked again as :func:`read_reports` checks a file.

    A table from :func:`read_reports` may be edited before it is analysed: a text cleared or
    shortened, dates written out as text, rows filtered (perhaps a duplicate's original with
    them), two exports put one after the other. The rows that are ``ok`` or ``duplicate`` get
    the status they would get from a file: the text limits, the date range, and which report
    of the same text comes first. Rows with another status stay as they are. An index that
    repeats (two tables concatenated) is replaced by 0, 1, ...; a report id that repeats gets
    a suffix, with a note, as in :func:`read_reports`.

    Examples
    --------
    >>> import pandas as pd
    >>> table = read_reports(pd.DataFrame({"teksti": ["Vuokrat nousivat.", "Kela viivyttelee."]}))
    >>> table.loc[1, "text"] = None
    >>> recheck_table(table, 3, 20000)[["status", "text", "status_reason"]].values.tolist()[1]
    ['empty', '', 'no text (checked again on the table given to analyze)']
    """
    import numpy as np
    import pandas as pd

    out = table.copy()
    if not out.index.is_unique:
        # concatenated tables repeat 0, 1, 2, ...: a label must name one row
        out = out.reset_index(drop=True)
    # a table saved to CSV and read back has NaN in its empty text columns
    for column in ("text", "proposal", "status_reason", "duplicate_of", "report_id"):
        if column in out:
            out[column] = [_cell_text(v) for v in out[column]]
    _rename_repeated_ids(out)
    _reread_dates(out)
    start, end = _as_date(date_from, "date_from"), _as_date(date_to, "date_to")
    if end is not None and (end.hour, end.minute, end.second) == (0, 0, 0):
        end = end.replace(hour=23, minute=59, second=59)  # a day range includes that day
    rows = out.index[out["status"].isin(["ok", "duplicate"])]
    part = out.loc[rows]
    statuses, reasons = [], []
    for text, stamp in zip(part["text"], part["date"], strict=True):
        record = {
            "text": text,
            "date": None if pd.isna(stamp) else stamp.to_pydatetime(),
            "_unreadable": "",
        }
        status, reason = _row_status(record, None, min_letters, max_chars, start, end)
        if status in ("empty", "too_short", "too_long"):
            reason += " (checked again on the table given to analyze)"
        statuses.append(status)
        reasons.append(reason)
    status = pd.Series(statuses, index=rows, dtype=object)
    reason = pd.Series(reasons, index=rows, dtype=object)
    # of the reports still ok, the first of each text is the original, as in read_reports
    ok = status == "ok"
    keys = part.loc[ok, "text"].map(cleaning.dedup_key)
    first_id = part.loc[ok, "report_id"].groupby(keys.to_numpy()).transform("first")
    repeated = first_id != part.loc[ok, "report_id"]
    original = pd.Series("", index=rows, dtype=object)
    original[repeated[repeated].index] = first_id[repeated]
    status[original != ""] = "duplicate"
    reason[original != ""] = "same text as report " + original[original != ""]
    # notes of earlier checks stay; a duplicate's first part named its original, found again
    notes = [
        note.partition("; ")[2] if was == "duplicate" else note
        for note, was in zip(part["status_reason"], part["status"], strict=True)
    ]
    out.loc[rows, "status"] = status
    out.loc[rows, "duplicate_of"] = original
    out.loc[rows, "status_reason"] = [
        "; ".join(p for p in pair if p) for pair in zip(reason, notes, strict=True)
    ]
    # the ledger describes the table analysed, not the file it was once read from
    counts = out["status"].value_counts().sort_index()
    unread = [DATE_NOT_READ in reason for reason in out["status_reason"]]
    out.attrs = {
        **table.attrs,
        "intake": {
            **table.attrs.get("intake", {}),
            "rows": len(out),
            "status_counts": {str(k): int(v) for k, v in counts.items()},
            "dates_not_read": int(np.sum(unread)),
        },
    }
    return out


def _cell_text(value: Any) -> str:
    """A text cell of a report table: missing as "", anything else as its text."""
    from socanalysis.nlp.per_text import is_missing

    return "" if is_missing(value) else value if isinstance(value, str) else str(value)


def _reread_dates(table: pd.DataFrame) -> None:
    """Dates written out as text again read day first; one that is not a date gets a note."""
    raw = table["date"]
    table["date"] = dates.as_datetimes(raw)  # also drops a time zone, as read_reports does
    for index in table.index[table["date"].isna() & raw.notna()]:
        problem = dates.parse_date(raw.at[index])[1]
        if problem:
            _add_note(table, index, f"{problem}; {DATE_NOT_READ}")


def _add_note(table: pd.DataFrame, index: Any, note: str) -> None:
    """Add ``note`` to a row's ``status_reason``, after what it already says."""
    reason = str(table.at[index, "status_reason"] or "")
    table.at[index, "status_reason"] = f"{reason}; {note}" if reason else note


def _rename_repeated_ids(table: pd.DataFrame) -> None:
    """Give a report id that an earlier row already has a suffix (``-2``), with a note."""
    ids = table["report_id"].astype(str)
    if ids.is_unique:
        return
    used = set(ids)
    for index in table.index[ids.duplicated()]:
        given = str(table.at[index, "report_id"])
        suffix = 2
        while f"{given}-{suffix}" in used:
            suffix += 1
        table.at[index, "report_id"] = f"{given}-{suffix}"
        used.add(f"{given}-{suffix}")
        _add_note(
            table,
            index,
            f"id {given} also used on an earlier row of the table; renamed {given}-{suffix}",
        )


@lru_cache(maxsize=1)
def _name_sized_word() -> re.Pattern[str]:
    """Letters in a row as many as the shortest name the name finder takes ("Bo", "Ek")."""
    from socanalysis.nlp.privacy_data import patterns

    return re.compile(rf"[^\W\d_]{{{int(patterns()['names']['min_length'])}}}")


def _identifies_a_person(value: str) -> bool:
    """Whether a report id holds an identity code, a phone number, an e-mail address or a name.

    Examples
    --------
    >>> _identifies_a_person("131052-308T"), _identifies_a_person("4827119")
    (True, False)
    >>> _identifies_a_person("Matti Virtanen"), _identifies_a_person("Turku-12")
    (True, False)
    """
    from socanalysis.nlp.privacy_structured import find_emails, find_hetus, find_phones

    if any(find(value) for find in (find_hetus, find_phones, find_emails)):
        return True
    # an id with no word as long as the shortest name ("4827119", "r001") cannot hold one, and
    # needs no dictionary loaded to say so
    if _name_sized_word().search(value) is None:
        return False
    from socanalysis.nlp.privacy_names import find_names_in_identifier

    # an id is no sentence and has no language: see find_names_in_identifier
    return bool(find_names_in_identifier(value))


def _typed_ids(
    grid: readers.RawGrid, header_index: int, matches: dict[str, headers.ColumnMatch]
) -> frozenset[str]:
    """Every report id typed in the input, which no renamed or generated id may take."""
    match = matches.get("report_id")
    if match is None:
        return frozenset()
    column = match.column
    cells = (row[column] for row in grid.rows[header_index + 1 :] if column < len(row))
    return frozenset(filter(None, (cleaning.cell_to_text(c).strip() for c in cells)))


def _assign_id(
    record: dict[str, Any],
    first_by_id: dict[str, tuple[int, str]],
    used: set[str],
    typed: frozenset[str],
    notes: list[str],
) -> None:
    """Give ``record`` its report id: the id typed, else a content-based one, made unique.

    A repeated id gets the first suffix (``12-2``, ``12-3`` ...) that no row of the input has
    typed, so that a later row keeps the id its user gave it and review decisions keyed by id
    go to the report they name; the renamed row says so.
    """
    given = record["report_id"]
    if given and _identifies_a_person(given):
        # ids are shown wherever a report is named (examples of a theme, weak signals): an
        # id that is someone's identity code, phone, e-mail or name cannot be, so it is replaced
        notes.append(
            "the id held personal data (an identity code, phone number, e-mail or name); "
            "a generated id is used instead"
        )
        given = ""
    if given:
        base = given
    else:
        stamp = record["date"].isoformat() if record["date"] is not None else ""
        base = _stable_id(
            record["text"],
            stamp,
            record["unit"],
            record["municipality"],
            record["proposal"] if record["text"] else str(record["source_row"]),
        )
    candidate, suffix = base, 1
    # a typed id is the row's own unless an earlier row has it; any other must be free of both
    while candidate in used or (candidate != given and candidate in typed):
        suffix += 1
        candidate = f"{base}-{suffix}"
    if given and candidate != given:
        first_row, _ = first_by_id[given]
        notes.append(f"id {given} also used on row {first_row}; renamed {candidate}")
    used.add(candidate)
    first_by_id.setdefault(given or candidate, (record["source_row"], candidate))
    record["report_id"] = candidate


def analysable(table: pd.DataFrame) -> pd.DataFrame:
    """The rows that later stages analyse (status ``ok``).

    Examples
    --------
    >>> import pandas as pd
    >>> t = read_reports(pd.DataFrame({"text": ["Hyvä käytäntö toimii.", "x"]}))
    >>> len(analysable(t))
    1
    """
    return table[table["status"] == "ok"]
