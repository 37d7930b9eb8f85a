"""Parse the dates found in report exports: Finnish, ISO and Excel serial forms."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# 31.12.2024, 31.12.2024 klo 14.05, 31.12.2024 kl. 14:05, 31/12/2024 14:05:33
_DMY = re.compile(
    r"^(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4}|\d{2})"
    r"(?:[ T,]+(?:klo|kl\.?|at)?\s*(?P<H>\d{1,2})[.:](?P<M>\d{2})(?:[.:](?P<S>\d{2}))?)?$",
    re.IGNORECASE,
)
# 2024-12-31, 2024-12-31T14:05:00, 2024-12-31 14:05, 2024/12/31, with optional fraction and zone
_YMD = re.compile(
    r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?$"
)
# Excel serial day numbers between 1950 and 2100; plain years and ids fall outside this window
_EXCEL_SERIAL_RANGE = (18264, 73051)
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def parse_date(value: Any) -> tuple[dt.datetime | None, str]:
    """Parse one cell into a datetime, or say why it could not be read.

    Returns
    -------
    (datetime or None, problem)
        ``problem`` is ``""`` for a parsed or empty cell, else a short reason.

    Examples
    --------
    >>> parse_date("31.12.2024 klo 14.05")
    (datetime.datetime(2024, 12, 31, 14, 5), '')
    >>> parse_date("2025-03-01")
    (datetime.datetime(2025, 3, 1, 0, 0), '')
    >>> parse_date(45658)
    (datetime.datetime(2025, 1, 1, 0, 0), '')
    >>> parse_date("32.13.2024")
    (None, "date '32.13.2024' is not a real date")
    >>> parse_date("31.12.24")
    (datetime.datetime(2024, 12, 31, 0, 0), '')
    """
    if value is None or (isinstance(value, float) and value != value):
        return None, ""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None), ""
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day), ""
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime().replace(tzinfo=None), ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(float(value), str(value))
    text = str(value).strip()
    if not text:
        return None, ""
    match = _DMY.match(text) or _YMD.match(text)
    if match is None:
        try:
            return _from_serial(float(text.replace(",", ".")), text)
        except ValueError:
            return None, f"date {text!r} is not in a known form (31.12.2024 or 2024-12-31)"
    parts = {k: int(v) for k, v in match.groupdict().items() if v is not None}
    if len(match.group("y")) == 2:
        # "31.12.24", as Finnish forms often write it: 00-69 are 2000s, 70-99 1900s (a fixed
        # pivot, as strptime's %y, so that the same file always gives the same dates)
        parts["y"] += 2000 if parts["y"] <= 69 else 1900
    try:
        return dt.datetime(
            parts["y"],
            parts["m"],
            parts["d"],
            parts.get("H", 0),
            parts.get("M", 0),
            parts.get("S", 0),
        ), ""
    except ValueError:
        return None, f"date {text!r} is not a real date"


def _from_serial(number: float, shown: str) -> tuple[dt.datetime | None, str]:
    low, high = _EXCEL_SERIAL_RANGE
    if low <= number <= high:
        stamp = _EXCEL_EPOCH + dt.timedelta(days=number)
        return stamp.replace(microsecond=0), ""
    return None, f"date {shown!r} is not in a known form (31.12.2024 or 2024-12-31)"


def as_datetimes(values: Any) -> pd.Series:
    """A column of dates as ``datetime64`` (``NaT`` where a value is empty or not a date).

    A datetime column is returned as it is. Text is read in the forms that
    :func:`socanalysis.read_reports` reads (31.12.2024, 31.12.24, 2024-12-31, Excel serial
    numbers), so the building blocks that take a hand-made table never read a Finnish day-first
    date month first, as ``pandas.to_datetime`` does ("8.1.2024" as 1 August).

    Parameters
    ----------
    values : Series or sequence
        Dates as datetimes, text or Excel serial numbers.

    Returns
    -------
    Series
        ``datetime64``, with the index of ``values`` when that is a Series.

    Examples
    --------
    >>> as_datetimes(["8.1.2024", "2024-01-09", "", None, "soon"]).dt.strftime("%d.%m.").tolist()
    ['08.01.', '09.01.', nan, nan, nan]
    """
    import pandas as pd

    from socanalysis.nlp.per_text import is_missing

    if not isinstance(values, pd.Series):
        values = list(values)
        # a list of datetimes becomes a datetime column; of text or numbers an object one
        values = pd.Series(values) if values else pd.Series([], dtype=object)
    series = values
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_localize(None)
        return series
    read: dict[Any, Any] = {}
    stamps = []
    for value in series:
        if is_missing(value):
            stamps.append(None)
            continue
        try:
            stamp = read.get(value)
        except TypeError:  # an unhashable cell: read it without remembering it
            stamps.append(parse_date(value)[0])
            continue
        if stamp is None and value not in read:
            stamp = read[value] = parse_date(value)[0]
        stamps.append(stamp)
    return pd.Series(pd.to_datetime(stamps), index=series.index)
