"""Recognise which input column holds which field, from header aliases kept as data.

Exports from Webropol, Microsoft Forms and Excel name their columns in Finnish, Swedish or
English, often as the whole question ("Kuvaa havaintosi"). Aliases live in
``socanalysis/data/header_aliases.yaml``; an explicit mapping from the user always wins.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from socanalysis.errors import InputError

# The order in which fields claim columns when two match equally well.
FIELD_PRIORITY = (
    "text",
    "report_id",
    "date",
    "proposal",
    "polarity",
    "unit",
    "municipality",
    "shl_reported",
    "sectors_reported",
)
HEADER_SEARCH_ROWS = 30  # exports put at most a title block above the header
_FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u"})
_NON_WORD = re.compile(r"[^\w]+")
_MIN_CONTAINED_ALIAS = 4  # "id" or "nro" inside a long question is a coincidence, not a match
_MIN_PREFIX_ALIAS = 5  # "havainto" in "Kuvaa havaintosi": Finnish inflects the last word


def normalize_header(value: Any) -> str:
    """Fold a header for matching: case, punctuation, spacing and ä/ö/å typed as a/o.

    Examples
    --------
    >>> normalize_header("  Myönteinen/kielteinen HAVAINTO: ")
    'myonteinen kielteinen havainto'
    >>> normalize_header("SHL 11 §")
    'shl 11'
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).casefold().translate(_FOLD)
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


@lru_cache(maxsize=1)
def header_aliases() -> dict[str, tuple[str, ...]]:
    """Canonical field -> aliases, normalised, from the shipped data file."""
    from socanalysis._yaml import safe_load_yaml

    text = resources.files("socanalysis.data").joinpath("header_aliases.yaml").read_text("utf-8")
    raw = safe_load_yaml(text)
    return {
        name: tuple(dict.fromkeys(normalize_header(a) for a in aliases))
        for name, aliases in raw.items()
    }


def _alias_score(header: str, alias: str) -> float:
    if not header or not alias:
        return 0.0
    if header == alias:
        return 3.0
    if len(alias) >= _MIN_CONTAINED_ALIAS and re.search(
        rf"(?<!\w){re.escape(alias)}(?!\w)", header
    ):
        # a longer alias contained in the header is stronger evidence than a shorter one
        return 2.0 + min(len(alias), 99) / 100
    if len(alias) >= _MIN_PREFIX_ALIAS and re.search(rf"(?<!\w){re.escape(alias)}", header):
        return 1.5 + min(len(alias), 99) / 100
    return 0.0


@dataclass(frozen=True)
class ColumnMatch:
    """Which column index serves which canonical field, and how it was found."""

    field: str
    column: int
    header: str
    how: str  # "mapping", "alias" (exact), "contains" (whole words), "prefix" (inflected)


def match_columns(
    headers: list[Any], mapping: dict[str, str] | None = None
) -> dict[str, ColumnMatch]:
    """Assign input columns to canonical fields.

    Parameters
    ----------
    headers : list
        The header cells, in column order.
    mapping : dict, optional
        Canonical field -> header text given by the user; always wins.

    Returns
    -------
    dict
        Field -> :class:`ColumnMatch` for every field found.

    Examples
    --------
    >>> found = match_columns(["Vastauksen ID", "Päivämäärä", "Kuvaa havaintosi", "Kunta"])
    >>> {f: m.column for f, m in sorted(found.items())}
    {'date': 1, 'municipality': 3, 'report_id': 0, 'text': 2}
    """
    normalized = [normalize_header(h) for h in headers]
    taken: dict[int, str] = {}
    found: dict[str, ColumnMatch] = {}
    for field, wanted in (mapping or {}).items():
        target = normalize_header(wanted)
        for col, header in enumerate(normalized):
            if header == target and col not in taken:
                found[field] = ColumnMatch(field, col, str(headers[col]), "mapping")
                taken[col] = field
                break
    candidates = []
    for field, aliases in header_aliases().items():
        if field in found or field in (mapping or {}):
            continue  # a field the user named is never guessed from aliases instead
        for col, header in enumerate(normalized):
            score = max((_alias_score(header, a) for a in aliases), default=0.0)
            if score:
                candidates.append((-score, FIELD_PRIORITY.index(field), col, field))
    for neg_score, _, col, field in sorted(candidates):
        if field in found or col in taken:
            continue
        how = "alias" if neg_score <= -3.0 else "contains" if neg_score <= -2.0 else "prefix"
        found[field] = ColumnMatch(field, col, str(headers[col]), how)
        taken[col] = field
    return found


def find_header_row(rows: list[list[Any]], mapping: dict[str, str] | None = None) -> int | None:
    """Index of the row that holds the headers: the first that names a text column.

    Examples
    --------
    >>> find_header_row([["Raportit 2025"], [], ["ID", "Havainto"], ["1", "Teksti"]])
    2
    """
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [c for c in row if c is not None and str(c).strip()]
        if len(cells) < 1:
            continue
        if any(_is_data_value(c) for c in cells):
            # a report that starts "Havainto: ..." beside its id and date is a row of data: taking
            # it for the header would drop the rows above it and show its text as a column name
            continue
        if "text" in match_columns(list(row), mapping):
            return index
    return None


_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _is_data_value(value: Any) -> bool:
    """Whether a cell holds a number or a date, which no header cell does.

    Examples
    --------
    >>> [_is_data_value(v) for v in (3, "12", "3.2.2024", "Pvm", "Vuosi 2025", None)]
    [True, True, True, False, False, False]
    """
    import datetime as dt

    from socanalysis.intake.dates import parse_date

    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float, dt.date)):
        return True
    text = str(value).strip()
    if _NUMBER.fullmatch(text):
        return True
    return bool(text) and text[0].isdigit() and parse_date(text)[0] is not None


def describe_missing_text(
    source: str, rows: list[list[Any]], mapping: dict[str, str] | None, sheet: str | None = None
) -> InputError:
    """An error that lists the columns found and the aliases tried for the report text."""
    first = header_like_row(rows)
    found = ", ".join(repr(_cell_text(c)) for c in first if _cell_text(c)) or "(none)"
    where = f"{source}" + (f", sheet {sheet!r}" if sheet else "")
    if mapping and "text" in mapping:
        return InputError(
            f"{where}: the column {mapping['text']!r} given for the report text was not found. "
            f"Columns found: {found}."
        )
    tried = ", ".join(sorted(header_aliases()["text"]))
    return InputError(
        f"{where}: no column with the report text was recognised. Columns found: {found}. "
        f"Header names tried for the text: {tried}. Name the column with "
        "--column text=HEADER (command line) or columns={'text': 'HEADER'} (Python)."
    )


def header_like_row(rows: list[list[Any]]) -> list[Any]:
    """The row that looks most like a header when none is recognised: the fullest of the
    first rows, the earliest of equals (a title block above the header has one cell; the
    header has one per column).

    Examples
    --------
    >>> header_like_row([["Raportit 2025"], [], ["ID", "Kuvaus", "Pvm"], ["1", "x", "y"]])
    ['ID', 'Kuvaus', 'Pvm']
    """
    searched = rows[:HEADER_SEARCH_ROWS]
    filled = [sum(1 for c in r if _cell_text(c)) for r in searched]
    return searched[filled.index(max(filled))] if filled and max(filled) else []


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()
