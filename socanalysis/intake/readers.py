"""Read an input source into a raw grid of cells, whatever its format.

A *grid* is what a person sees when opening the file: rows of cells, the header somewhere near the
top, each row carrying the number a spreadsheet would show for it. Formats: CSV/TSV/TXT (any
delimiter, UTF-8 with or without BOM, UTF-16 "Unicode text", cp1252/latin-1), XLSX, JSON, JSON
Lines and pandas DataFrames. Nothing here knows what a report is.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import io
import itertools
import json
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from socanalysis.errors import InputError

CSV_DELIMITERS = (";", "\t", ",", "|")  # order breaks ties: Finnish Excel writes ';'
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")  # bytes cp1252 has no letter for
#: Reads a CSV as one column: the ASCII unit separator, which report text never holds (the
#: cleaning removes control characters), so no cell is ever split.
ONE_COLUMN = "\x1f"
# documents that are no export of reports, though their text would read as one column of it
_DOCUMENT_KINDS = {
    ".md": "Markdown",
    ".markdown": "Markdown",
    ".html": "HTML",
    ".htm": "HTML",
    ".pdf": "PDF",
    ".doc": "Word",
    ".docx": "Word",
    ".odt": "OpenDocument text",
    ".pptx": "PowerPoint",
}
_EXTENSION_FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".tab": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


@dataclass
class RawGrid:
    """Cells of one table as read from a source, before headers are recognised.

    Attributes
    ----------
    rows : list of list
        Cell values (str, numbers, datetimes or None), ragged rows allowed.
    row_numbers : list of int
        For each row, the number a person would use to find it in the source (1-based; for CSV the
        record number, for XLSX the sheet row, for JSON Lines the line).
    source : str
        File name, or ``"<DataFrame>"``.
    header_known : bool
        True when the first row is certainly the header (JSON keys, DataFrame columns).
    broken_rows : dict
        Row index -> reason, for rows that could not be parsed at all (a bad JSON line).
    row_notes : dict
        Row index -> what reading did to the row (bytes of another encoding), for its
        ``status_reason``.
    details : dict
        Format, encoding, delimiter, sheet: recorded in the intake ledger.
    """

    rows: list[list[Any]]
    row_numbers: list[int]
    source: str
    header_known: bool = False
    broken_rows: dict[int, str] = field(default_factory=dict)
    row_notes: dict[int, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class DecodedText:
    """A decoded export, with what decoding had to do and where.

    Attributes
    ----------
    text : str
        The decoded text.
    encoding : str
        The encoding of most of the file, as recorded in the intake ledger.
    line_notes : dict
        Physical line (1-based; lines end at \\r, \\n or \\r\\n) -> a note for the row that
        holds it, where part of the line was read in another encoding than the file.
    problem : str
        One sentence for the intake ledger when decoding was not clean, else ``""``.
    """

    text: str
    encoding: str
    line_notes: dict[int, str] = field(default_factory=dict)
    problem: str = ""


def detect_format(path: Path) -> str:
    """Guess the format of a file from its extension, then from its first bytes.

    A file whose first bytes say it is no text export (gzip, an old .xls, a LibreOffice .ods,
    ``socanalysis/data/file_kinds.yaml``) is refused with what it is and what to do, whatever
    its name: read as text, its bytes were shown as garbage "columns".

    Raises
    ------
    InputError
        The file is a document, an archive or a spreadsheet that is not read.

    Examples
    --------
    >>> detect_format(Path("export.xlsx"))
    'xlsx'
    """
    suffix = path.suffix.lower()
    kind = _DOCUMENT_KINDS.get(suffix)
    if kind:
        raise InputError(
            f"{path}: a {kind} document, not an export of reports. Export the reports from the "
            "form as CSV or Excel (.xlsx)."
        )
    head = b""
    if path.is_file():
        with open(path, "rb") as fh:
            head = fh.read(64)
    kinds = _file_kinds()
    # a name that promises a readable export is said, so the user looks at how it was saved
    named = f" under a {path.suffix} name" if suffix in _EXTENSION_FORMATS else ""
    for magic, kind, action in kinds["signatures"]:
        if head.startswith(magic):
            raise InputError(f"{path}: {kind}{named}, which cannot be read. {action}")
    if suffix in kinds["ods_suffixes"] or (head.startswith(b"PK") and _is_opendocument(path)):
        kind, action = kinds["zip_mimetypes"]["application/vnd.oasis.opendocument.spreadsheet"]
        raise InputError(f"{path}: {kind}{named}, which cannot be read. {action}")
    fmt = _EXTENSION_FORMATS.get(suffix)
    if fmt == "csv" and head.startswith(b"PK"):
        # its bytes would be read as text, and their garbage shown as its columns
        raise InputError(
            f"{path}: an Excel workbook (or another zip file) under a {path.suffix} name. "
            "Give it the name it has (.xlsx), or export the reports as CSV again."
        )
    if fmt:
        return fmt
    if suffix == ".xls":
        raise InputError(
            f"{path}: old Excel 97-2003 (.xls) files are not supported. "
            "Open the file in Excel or LibreOffice and save it as .xlsx or CSV."
        )
    if head.startswith(b"PK"):
        return "xlsx"
    stripped = head.lstrip(codecs.BOM_UTF8).lstrip()
    if stripped[:1] in (b"[", b"{"):
        return "jsonl" if stripped[:1] == b"{" and b"\n{" in path.read_bytes()[:65536] else "json"
    return "csv"


@lru_cache(maxsize=1)
def _file_kinds() -> dict[str, Any]:
    """``socanalysis/data/file_kinds.yaml``: signatures as (bytes, kind, action)."""
    from socanalysis._yaml import safe_load_yaml

    text = resources.files("socanalysis.data").joinpath("file_kinds.yaml").read_text("utf-8")
    raw = safe_load_yaml(text)
    return {
        "signatures": tuple(
            (bytes.fromhex(s["magic"]), s["kind"], s["action"]) for s in raw["signatures"]
        ),
        "zip_mimetypes": {k: (v["kind"], v["action"]) for k, v in raw["zip_mimetypes"].items()},
        "ods_suffixes": frozenset(raw["ods_suffixes"]),
    }


def _is_opendocument(path: Path) -> bool:
    """Whether a zip file is an OpenDocument spreadsheet, by the mimetype member it starts with."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            mimetype = archive.read("mimetype").decode("ascii", errors="replace").strip()
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return mimetype in _file_kinds()["zip_mimetypes"]


def decode_bytes(data: bytes, source: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode a text export and say which encoding was used (see :func:`decode_text`).

    Examples
    --------
    >>> decode_bytes("Hyvä".encode("cp1252"), "x.csv")
    ('Hyvä', 'cp1252')
    >>> decode_bytes(codecs.BOM_UTF8 + "Å".encode(), "x.csv")
    ('Å', 'utf-8-sig')
    """
    decoded = decode_text(data, source, encoding)
    return decoded.text, decoded.encoding


def decode_text(data: bytes, source: str, encoding: str | None = None) -> DecodedText:
    """Decode a text export, saying which encoding was used and which lines needed another.

    Finnish exports come as UTF-8 with a BOM (Excel "CSV UTF-8"), plain UTF-8, UTF-16 ("Unicode
    text"), or cp1252 from older Excel versions; ä, ö and å must come through intact. A UTF-8
    file with a few bytes that are not UTF-8 (a cell edited in a Windows editor, pasted from
    an older file) stays UTF-8: only those bytes are read as cp1252, and their lines get a note.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    source : str
        The file name, for messages.
    encoding : str, optional
        Read strictly in this encoding; detected when left out.

    Returns
    -------
    DecodedText

    Raises
    ------
    InputError
        ``encoding`` was given and does not decode the file.

    Examples
    --------
    >>> decoded = decode_text("Hyvä\\nmyös ".encode() + "tämä".encode("cp1252"), "x.csv")
    >>> decoded.text, decoded.encoding, sorted(decoded.line_notes)
    ('Hyvä\\nmyös tämä', 'utf-8', [2])
    """
    if encoding:
        try:
            return DecodedText(data.decode(encoding), encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(
                f"{source}: cannot decode the file as {encoding!r} ({exc}). "
                "Leave the encoding out to let socanalysis detect it, or give the right one."
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        # the BOM settles UTF-8: bytes that are not are another editor's, as without a BOM
        decoded = _decode_utf8_lines(data, utf8_certain=True)
        decoded.encoding = "utf-8-sig"
        return decoded
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _decode_utf16(data, name)
    # UTF-16 without a BOM shows as every other byte being NUL in mostly-Latin text
    if len(data) >= 4 and data[1::2].count(0) > len(data) // 4:
        return _decode_utf16(data, "utf-16-le")
    return _decode_utf8_lines(data, utf8_certain=False)


def _decode_utf16(data: bytes, name: str) -> DecodedText:
    """UTF-16, with what cannot be decoded (a lone surrogate) shown as U+FFFD and counted:
    the rows that hold one say so (cleaning.clean_text), the ledger says how many."""
    try:
        return DecodedText(data.decode(name), name)
    except UnicodeDecodeError:
        text = data.decode(name, errors="replace")
    lines = [no for no, line in enumerate(_lines(text), start=1) if "\ufffd" in line]
    problem = (
        f"{_count(text.count(chr(0xFFFD)), 'character')} could not be decoded as UTF-16 "
        f"(shown as \ufffd; first on line {lines[0]}); status_reason names the rows"
    )
    return DecodedText(text, name, problem=problem)


def _lines(text: str) -> list[str]:
    """Physical lines as the csv module reads them: ended by \\r, \\n or \\r\\n only."""
    return io.StringIO(text, newline="").readlines()


def _decode_utf8_lines(data: bytes, *, utf8_certain: bool) -> DecodedText:
    """UTF-8, or cp1252 (latin-1 as a last resort), decided for the file by its lines.

    A line that is not valid UTF-8 in a file whose other non-ASCII lines are, keeps its UTF-8
    and has only its bad bytes read as cp1252; a file with no valid UTF-8 beyond ASCII is
    cp1252 as a whole. Which encoding most lines have is the file's; the lines of the other
    get a note (a silent choice for the whole file garbled every ä of the majority).
    """
    body = data[len(codecs.BOM_UTF8) :] if utf8_certain else data
    try:
        return DecodedText(body.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if not utf8_certain and _has_no_utf8(body):
        return _whole_cp1252(data)  # no UTF-8 beyond ASCII anywhere: one pass, no lines
    raw_lines = body.splitlines(keepends=True)  # bytes split at \r, \n, \r\n only, as _lines
    utf8_lines: list[int] = []  # lines beyond ASCII that are valid UTF-8
    bad_lines: list[int] = []  # lines with bytes that are not
    for index, raw in enumerate(raw_lines):
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            bad_lines.append(index)
        else:
            utf8_lines.append(index)
    parts = [raw.decode("ascii") if raw.isascii() else "" for raw in raw_lines]
    for index in utf8_lines:
        parts[index] = raw_lines[index].decode("utf-8")
    read_as: dict[int, list[str]] = {}  # line -> the letters its bad bytes were read as
    for index in bad_lines:
        parts[index], read_as[index] = _utf8_with_cp1252_bytes(raw_lines[index])
    notes: dict[int, str] = {}
    if utf8_certain or len(utf8_lines) >= len(bad_lines):
        encoding, other = "utf-8", bad_lines
        read = "bytes there that are not UTF-8 were read as cp1252 (Windows)"
        for index in bad_lines:
            notes[index + 1] = (
                f"{_count(len(read_as[index]), 'byte')} that are not UTF-8 were read as Windows "
                f"(cp1252) letters ({', '.join(dict.fromkeys(read_as[index]))}); check this "
                "row's letters, or save the file as UTF-8"
            )
    else:
        # a cp1252 file: the lines with UTF-8 in them, whole or beside cp1252 bytes, are the
        # exception (a line added from another export)
        encoding, read = "cp1252", "UTF-8 there was read as UTF-8"
        other = sorted([*utf8_lines, *(i for i in bad_lines if len(parts[i]) < len(raw_lines[i]))])
        for index in other:
            notes[index + 1] = (
                "this line holds UTF-8 in a file that is otherwise Windows (cp1252) text, read "
                "as UTF-8; check this row's letters, or save the file as UTF-8"
            )
    where = (
        f"line {other[0] + 1}"
        if len(other) == 1
        else f"{len(other)} lines (first: line {other[0] + 1})"
    )
    problem = f"the file is {encoding} except {where}: {read}; status_reason names the rows"
    return DecodedText("".join(parts), encoding, notes, problem)


def _has_no_utf8(raw: bytes) -> bool:
    """Whether no byte sequence in ``raw`` is a UTF-8 character beyond ASCII.

    With the bytes that are not UTF-8 dropped, what is left is ASCII only when none was (in
    C: a regular expression for the sequences took 7 times as long on a 5 MB file).
    """
    return raw.decode("utf-8", errors="ignore").isascii()


def _whole_cp1252(data: bytes) -> DecodedText:
    """A file with no UTF-8 in it: cp1252, or latin-1 when a byte is not cp1252."""
    try:
        return DecodedText(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError:
        return DecodedText(data.decode("latin-1"), "latin-1")


def _cp1252(raw: bytes) -> str:
    """cp1252, its five undefined bytes as latin-1 (control characters, removed with a note)."""
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return "".join(
            chr(b) if b in _CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in raw
        )


#: The codec error handler that reads a UTF-8 line's invalid bytes as cp1252 (registered once).
_CP1252_FOR_INVALID = "socanalysis-cp1252-for-invalid-utf8"
_read_as_cp1252 = threading.local()  # the letters the handler made, per thread


def _cp1252_for_invalid(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    letters = _cp1252(exc.object[exc.start : exc.end])
    _read_as_cp1252.letters.extend(letters)
    return letters, exc.end


codecs.register_error(_CP1252_FOR_INVALID, _cp1252_for_invalid)


def _utf8_with_cp1252_bytes(raw: bytes) -> tuple[str, list[str]]:
    """A line decoded as UTF-8 but for its invalid bytes, read as cp1252; and those letters.

    One pass of the decoder with an error handler: decoding the rest of the line again after
    each invalid byte took time in the square of the line's length (a minified one-line JSON
    export of 4 MB with a cp1252 letter in every record: 25 s).
    """
    if _has_no_utf8(raw):  # no UTF-8 in it at all: a cp1252 line, read fast
        text = _cp1252(raw)
        return text, [c for c in text if not c.isascii()]
    _read_as_cp1252.letters = []
    text = raw.decode("utf-8", errors=_CP1252_FOR_INVALID)
    return text, _read_as_cp1252.letters


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first lines into the most consistent number of cells.

    Examples
    --------
    >>> sniff_delimiter("a;b;c\\n1;2,5;3\\n")
    ';'
    >>> sniff_delimiter("a,b\\n1,2\\n")
    ','
    >>> sniff_delimiter("a;b\\r1;2,5\\r")
    ';'
    """
    sample = text[:65536]
    best, best_key = ",", (-1.0, 0)
    for rank, delim in enumerate(CSV_DELIMITERS):
        try:
            # newline="" splits lines at \r, \n and \r\n alike, as read_csv_grid reads them; the
            # default would keep a Mac "CSV (Macintosh)" file's \r-only lines as one line, every
            # delimiter would fail on it, and "," would win by default
            lines = io.StringIO(sample, newline="")
            rows = list(itertools.islice(csv.reader(lines, delimiter=delim), 50))
        except csv.Error:
            continue
        counts = [len(r) for r in rows if any(c.strip() for c in r)]
        if not counts:
            continue
        width, freq = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        key = (freq / len(counts), width - rank * 1e-3)
        if key > best_key:
            best, best_key = delim, key
    return best


def read_csv_grid(path: Path, encoding: str | None = None, delimiter: str | None = None) -> RawGrid:
    """Read a CSV, TSV or text export into a grid, one row per CSV record.

    Parameters
    ----------
    path : Path
        The file.
    encoding, delimiter : str, optional
        Detected when left out (:func:`decode_bytes`, :func:`sniff_delimiter`).

    Returns
    -------
    RawGrid
        Rows numbered by CSV record (a quoted cell with line breaks is one record).

    Raises
    ------
    InputError
        The file cannot be parsed, or a quote opened in a cell is never closed.
    """
    decoded = decode_text(path.read_bytes(), str(path), encoding)
    text = decoded.text.lstrip("\ufeff")
    delim = delimiter or sniff_delimiter(text)
    rows: list[list[Any]] = []
    numbers: list[int] = []
    starts: list[int] = []  # 0-based index of each record's first line
    # physical lines, split at \r, \n and \r\n as the csv module expects (newline=""); kept so
    # that the lines of the last record can be looked at again
    lines = _lines(text)
    reader = csv.reader(lines, delimiter=delim)
    next_start = 0
    try:
        for record_no, row in enumerate(reader, start=1):
            rows.append(row)
            numbers.append(record_no)
            starts.append(next_start)
            next_start = reader.line_num
    except csv.Error as exc:
        raise InputError(
            f"{path}: the CSV cannot be parsed near line {reader.line_num} ({exc}). "
            "Check for an unclosed quote in that row, or re-export the file."
        ) from None
    last_start = starts[-1] if starts else 0
    if rows and _ends_inside_quotes("".join(lines[last_start:]), delim):
        # the csv module (not strict) ends a quoted cell at the end of the file without a
        # word, so a quote left open takes every later report into one cell
        later = len(lines) - last_start - 1
        swallowed = (
            f"so {_count(later, 'later line')} would be read into that one cell"
            if later
            else "and the file ends inside it"
        )
        raise InputError(
            f"{path}: the CSV cannot be parsed from line {last_start + 1}: a quote opened in "
            f"row {numbers[-1]}, column {len(rows[-1])} is never closed, {swallowed}. Check "
            "for an unclosed quote in that row: close it or remove it, and read the file again."
        )
    shown = "" if delim == ONE_COLUMN else delim  # run.json: no delimiter, one column
    details = {"format": "csv", "encoding": decoded.encoding, "delimiter": shown}
    if decoded.problem:
        details["decoding"] = decoded.problem
    row_notes: dict[int, str] = {}
    for line, note in decoded.line_notes.items():
        # the record whose lines include this one (a quoted cell may span several lines)
        row = bisect.bisect_right(starts, line - 1) - 1
        if row >= 0 and note not in row_notes.get(row, ""):
            row_notes[row] = f"{row_notes[row]}; {note}" if row in row_notes else note
    return RawGrid(rows, numbers, str(path), row_notes=row_notes, details=details)


def _count(n: int, noun: str) -> str:
    """``n`` and the noun, plural when ``n`` is not 1 ("1 later line", "3 later lines")."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _ends_inside_quotes(record: str, delimiter: str, quote: str = '"') -> bool:
    """Whether the raw text of one CSV record ends inside a quoted cell.

    Follows the states of the csv module's parser (not strict): a quote opens a quoted cell
    only at the start of a cell, a doubled quote inside it is a quote, and text after the
    closing quote belongs to the cell.

    Examples
    --------
    >>> _ends_inside_quotes('1;"Avoin lainaus;;\\n2;x\\n', ";")
    True
    >>> _ends_inside_quotes('1;"Sanoi ""hei""\\nja meni";x\\n', ";")
    False
    >>> _ends_inside_quotes('1;tuuma 5" pitkä\\n', ";")
    False
    """
    state = "start"  # start of a cell, in an unquoted cell, in a quoted one, after its quote
    for char in record:
        if state == "quoted":
            if char == quote:
                state = "closing"
        elif char == delimiter or char in "\r\n":
            state = "start"
        elif state in ("start", "closing"):
            # a quote opens a cell at its start, and after a closing quote it is a doubled one
            state = "quoted" if char == quote else "plain"
    return state == "quoted"


def _sheet_grid(sheet: Any) -> tuple[list[list[Any]], list[int]]:
    rows, numbers = [], []
    for row_no, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        rows.append(list(row))
        numbers.append(row_no)
    return rows, numbers


def read_xlsx_grids(path: Path) -> list[tuple[str, RawGrid]]:
    """Read every worksheet of a workbook; the caller picks the one holding reports."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # read-only keeps memory flat for big exports; merged title cells read as their top-left
        # value and empty cells elsewhere, which is what header search expects
        workbook = load_workbook(path, read_only=True, data_only=True)
    except InvalidFileException:
        # openpyxl goes by the name: a workbook without .xlsx at the end of it
        raise InputError(
            f"{path}: a zip file that is read as an Excel workbook only under an .xlsx name. "
            "If it is a workbook, name it .xlsx; else export the reports as CSV or .xlsx."
        ) from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(
            f"{path}: not a readable .xlsx workbook ({exc.__class__.__name__}: {exc}). "
            "Open it in Excel or LibreOffice and save it again as .xlsx, or export CSV."
        ) from None
    try:
        grids = []
        for sheet in workbook.worksheets:
            rows, numbers = _sheet_grid(sheet)
            details = {"format": "xlsx", "sheet": sheet.title}
            grids.append((sheet.title, RawGrid(rows, numbers, str(path), details=details)))
        return grids
    finally:
        workbook.close()


def _records_to_grid(
    records: Sequence[Any],
    source: str,
    numbers: list[int],
    broken: dict[int, str],
    details: dict[str, Any],
) -> RawGrid:
    if not records:
        raise InputError(
            f"{source}: the file holds no reports (no JSON objects). "
            "Export the reports again, or check that the right file was given."
        )
    keys: dict[str, None] = {}
    for record in records:
        if isinstance(record, dict):
            keys.update(dict.fromkeys(str(k) for k in record))
    header = list(keys)
    rows: list[list[Any]] = [header]
    for record in records:
        if isinstance(record, dict):
            rows.append([_json_cell(record.get(k)) for k in header])
        else:
            rows.append([None] * len(header))
    return RawGrid(
        rows,
        [0, *numbers],
        source,
        header_known=True,
        broken_rows={i + 1: why for i, why in broken.items()},
        details=details,
    )


def _json_cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def read_json_grid(path: Path, encoding: str | None = None) -> RawGrid:
    decoded = decode_text(path.read_bytes(), str(path), encoding)
    try:
        data = json.loads(decoded.text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            "If the file has one JSON object per line, name it .jsonl."
        ) from None
    records = _find_records(data, path)
    broken = {
        i: f"item {i + 1} is a JSON {type(r).__name__}, not an object"
        for i, r in enumerate(records)
        if not isinstance(r, dict)
    }
    numbers = list(range(1, len(records) + 1))
    details = {"format": "json", "encoding": decoded.encoding}
    if decoded.problem:  # which object a line belongs to is not known: the ledger says it
        details["decoding"] = decoded.problem
    return _records_to_grid(records, str(path), numbers, broken, details)


def _find_records(data: Any, path: Path) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        lists = {
            k: v for k, v in data.items() if isinstance(v, list) and v and isinstance(v[0], dict)
        }
        if len(lists) == 1:
            return next(iter(lists.values()))
        if len(lists) > 1:
            raise InputError(
                f"{path}: the object holds {len(lists)} lists of objects "
                f"({', '.join(map(repr, lists))}) and it is not clear which holds the reports. "
                "Save the reports' list on its own, as a JSON list or JSON Lines."
            )
        columns = [v for v in data.values() if isinstance(v, (list, dict))]
        if columns and len(columns) == len(data):  # column-oriented: {"text": [...], "date": [...]}
            import pandas as pd

            lengths = {len(v) for v in columns}
            if len(lengths) > 1:
                raise InputError(
                    f"{path}: the object's columns have different lengths "
                    f"({', '.join(f'{k!r}: {len(v)}' for k, v in data.items())}); "
                    "every column needs one value per report."
                )
            return pd.DataFrame(data).to_dict(orient="records")
    raise InputError(
        f"{path}: expected a list of report objects, or an object with one such list "
        '(e.g. {"reports": [{"text": ...}, ...]}); found something else.'
    )


def read_jsonl_grid(path: Path, encoding: str | None = None) -> RawGrid:
    decoded = decode_text(path.read_bytes(), str(path), encoding)
    records: list[Any] = []
    numbers: list[int] = []
    broken: dict[int, str] = {}
    notes: dict[int, str] = {}
    # lines end at \r, \n or \r\n only: str.splitlines would also split a JSON string at a
    # U+2028 or U+0085 that JSON allows unescaped
    for line_no, line in enumerate(_lines(decoded.text.lstrip("\ufeff")), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            broken[len(records)] = f"line {line_no} is not valid JSON ({exc.msg})"
            record = None
        else:
            if not isinstance(record, dict):
                broken[len(records)] = f"line {line_no} is not a JSON object"
        if line_no in decoded.line_notes:
            notes[len(records) + 1] = decoded.line_notes[line_no]  # row 0 is the header
        records.append(record)
        numbers.append(line_no)
    details = {"format": "jsonl", "encoding": decoded.encoding}
    if decoded.problem:
        details["decoding"] = decoded.problem
    grid = _records_to_grid(records, str(path), numbers, broken, details)
    grid.row_notes = notes
    return grid


def dataframe_grid(frame: Any) -> RawGrid:
    header = [str(c) for c in frame.columns]
    rows = [header, *frame.astype(object).where(frame.notna(), None).values.tolist()]
    numbers = [0, *range(1, len(frame) + 1)]
    return RawGrid(rows, numbers, "<DataFrame>", header_known=True, details={"format": "dataframe"})
