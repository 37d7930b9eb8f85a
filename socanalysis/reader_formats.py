"""Dates and decimal numbers written as the readers of each output language write them.

The workbook, the meeting report, the weak-signal evidence and the charts are read by Finnish-
and Swedish-speaking social workers, who write 18.9.2025 and 0,82; English readers get ISO
dates and decimal points. The machine-readable files (reports.csv, themes.csv,
weak_signals.csv, run.json) keep ISO dates and decimal points in every language. The patterns
are data, in ``data/reader_formats.yaml``.

Examples
--------
>>> format_date("2025-09-08", "fi"), format_date("2025-09-08", "en")
('8.9.2025', '2025-09-08')
>>> format_decimal(0.8167, "sv"), format_decimal(0.8167, "en", decimals=1)
('0,82', '0.8')
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["decimal_mark", "excel_date_format", "format_date", "format_decimal", "read_date"]


@lru_cache(maxsize=1)
def _formats() -> dict[str, dict[str, str]]:
    from socanalysis._yaml import safe_load_yaml

    text = resources.files("socanalysis.data").joinpath("reader_formats.yaml").read_text("utf-8")
    return safe_load_yaml(text)


def _of(language: str) -> dict[str, str]:
    try:
        return _formats()[language]
    except KeyError:
        known = ", ".join(_formats())
        raise ValueError(
            f"no reader formats for language {language!r}; use one of: {known}"
        ) from None


def format_date(value: Any, language: str) -> str:
    """``value`` (a date, datetime, pandas Timestamp or ISO text) as a reader of ``language``
    writes it; ``""`` for a missing value or empty text.

    Text that is not an ISO date is returned as it is: it is a label someone wrote, such as
    "(no date)", and is shown rather than lost.

    Examples
    --------
    >>> import datetime
    >>> format_date(datetime.date(2024, 1, 31), "sv"), format_date(None, "fi")
    ('31.1.2024', '')
    >>> format_date("2024-01-31 00:00:00", "fi"), format_date("(inget datum)", "sv")
    ('31.1.2024', '(inget datum)')
    """
    found = read_date(value)
    if found is None:
        return ""
    if isinstance(found, str):
        return found
    return _of(language)["date"].format(year=found.year, month=found.month, day=found.day)


def read_date(value: Any) -> dt.date | str | None:
    """``value`` as a date for a reader: None when missing, a date, datetime or Timestamp as it
    is, ISO text as a datetime, and other text as it is (stripped), a label such as "(no date)".

    Examples
    --------
    >>> read_date(" 2024-01-31 "), read_date("(no date)"), read_date(float("nan"))
    (datetime.datetime(2024, 1, 31, 0, 0), '(no date)', None)
    """
    from socanalysis.nlp.per_text import is_missing

    if is_missing(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    if not isinstance(value, dt.date):
        raise TypeError(f"a date, datetime or ISO date text was expected, not {value!r}")
    return value


def format_decimal(value: float, language: str, decimals: int = 2) -> str:
    """``value`` with ``decimals`` decimals and the decimal mark of ``language``.

    Examples
    --------
    >>> format_decimal(-0.5, "fi"), format_decimal(3, "en", decimals=0)
    ('-0,50', '3')
    """
    return f"{float(value):.{decimals}f}".replace(".", decimal_mark(language))


def decimal_mark(language: str) -> str:
    """The character between the whole and the fractional part: ``,`` in Finnish and Swedish.

    Examples
    --------
    >>> decimal_mark("fi"), decimal_mark("en")
    (',', '.')
    """
    return _of(language)["decimal_mark"]


def excel_date_format(language: str) -> str:
    """The number format of date cells in a workbook for readers of ``language``.

    Examples
    --------
    >>> excel_date_format("sv")
    'd.m.yyyy'
    """
    return _of(language)["excel_date"]
