"""Parse the dates found in report exports: Finnish, ISO and Excel serial forms."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# 31.12.2024, 31.12.2024 klo 14.05, 31.12.2024 kl. 14:05, 31/12/2024 14:05:33, and the
# month-first 1/13/2024 10:01 AM of English-locale exports (read so when the column says so)
_DMY = re.compile(
    r"^(?P<d>\d{1,2})(?P<sep>[./])(?P<m>\d{1,2})[./](?P<y>\d{4}|\d{2})"
    r"(?:[ T,]+(?:klo|kl\.?|at)?\s*(?P<H>\d{1,2})[.:](?P<M>\d{2})(?:[.:](?P<S>\d{2}))?"
    r"(?:\s*(?P<ampm>[ap])\.?m\.?)?)?$",
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


@dataclass(frozen=True)
class DateOrder:
    """How the slash dates of one column are read: day first (31/12/2024) or month first.

    Attributes
    ----------
    month_first : bool
        Read ``1/8/2024`` as 8 January.
    reason : str
        Why, for the intake ledger; ``""`` when the column has no slash dates.
    ambiguous : bool
        No value settles the order (no part over 12), so it was chosen by the column's header
        or the Finnish default.
    """

    month_first: bool = False
    reason: str = ""
    ambiguous: bool = False


def parse_date(value: Any, month_first: bool = False) -> tuple[dt.datetime | None, str]:
    """Parse one cell into a datetime, or say why it could not be read.

    Parameters
    ----------
    value : Any
        A datetime, text or an Excel serial number.
    month_first : bool
        Read slash dates month first (``1/13/2024``), as :func:`slash_date_order` decided for
        the column; dotted dates (``1.8.2024``) are always day first.

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
    >>> parse_date(45300.37083333333)
    (datetime.datetime(2024, 1, 9, 8, 54), '')
    >>> parse_date("32.13.2024")
    (None, "date '32.13.2024' is not a real date")
    >>> parse_date("31.12.24")
    (datetime.datetime(2024, 12, 31, 0, 0), '')
    >>> parse_date("1/13/2024 2:05 PM", month_first=True)
    (datetime.datetime(2024, 1, 13, 14, 5), '')
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
    groups = match.groupdict()
    parts = {k: int(v) for k, v in groups.items() if v is not None and k not in ("sep", "ampm")}
    if month_first and groups.get("sep") == "/":
        parts["d"], parts["m"] = parts["m"], parts["d"]
    if groups.get("ampm"):
        # 12 AM is midnight and 12 PM noon; an hour over 12 beside AM/PM is no time
        if not 1 <= parts["H"] <= 12:
            return None, f"date {text!r} is not a real date"
        parts["H"] = parts["H"] % 12 + (12 if groups["ampm"].lower() == "p" else 0)
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


def slash_date_order(values: Iterable[Any], header: Any = None) -> DateOrder:
    """Decide whether a column's slash dates are day first or month first.

    A value settles it when one part is over 12 (``13/1/2024`` is day first, ``1/13/2024``
    month first). When none does, a header that an English-locale form writes month first
    (``socanalysis/data/value_aliases.yaml``, ``month_first_date_headers``: Microsoft Forms'
    "Start time") makes it month first, else the Finnish day first stays. The whole column is
    read one way, so no report moves to another month because of its own digits.

    Parameters
    ----------
    values : iterable
        The column's cells; only text in the slash form counts.
    header : Any, optional
        The column's header.

    Returns
    -------
    DateOrder

    Examples
    --------
    >>> slash_date_order(["1/8/2024 10:01", "1/13/2024 9:00"]).month_first
    True
    >>> slash_date_order(["1/8/2024", "13/8/2024"]).month_first
    False
    >>> order = slash_date_order(["1/8/2024 10:01"], "Start time")
    >>> order.month_first, order.ambiguous
    (True, True)
    >>> slash_date_order(["8.1.2024"]).reason
    ''
    """
    first_over: str | None = None  # a value whose first part is over 12: day first
    second_over: str | None = None
    seen = 0
    for value in values:
        if not isinstance(value, str) or "/" not in value:
            continue
        match = _DMY.match(value.strip())
        if match is None or match.group("sep") != "/":
            continue
        seen += 1
        if first_over is None and int(match.group("d")) > 12:
            first_over = value.strip()
        if second_over is None and int(match.group("m")) > 12:
            second_over = value.strip()
    if not seen:
        return DateOrder()
    if second_over and not first_over:
        return DateOrder(True, f"slash dates read month first: {second_over!r} can only be so")
    if first_over and not second_over:
        return DateOrder(False, f"slash dates read day first: {first_over!r} can only be so")
    if first_over and second_over:
        return DateOrder(
            False,
            f"slash dates in both orders ({first_over!r}, {second_over!r}): read day first, "
            "and those that are no date so are kept without one; give the dates as 2024-12-31",
            ambiguous=True,
        )
    from socanalysis.intake.headers import normalize_header

    if normalize_header(header) in _month_first_headers():
        return DateOrder(
            True,
            f"no slash date has a part over 12: read month first, as {header!r} is written "
            "by an English-locale form; give the dates as 2024-12-31 if that is wrong",
            ambiguous=True,
        )
    return DateOrder(
        False,
        "no slash date has a part over 12: read day first (the Finnish order); give the "
        "dates as 2024-12-31 if they are month first",
        ambiguous=True,
    )


@lru_cache(maxsize=1)
def value_aliases() -> dict[str, Any]:
    """``socanalysis/data/value_aliases.yaml``, read once: what cell values and headers mean
    (polarity words, the headers of month-first dates)."""
    from socanalysis._yaml import safe_load_yaml

    text = resources.files("socanalysis.data").joinpath("value_aliases.yaml").read_text("utf-8")
    return safe_load_yaml(text)


@lru_cache(maxsize=1)
def _month_first_headers() -> frozenset[str]:
    from socanalysis.intake.headers import normalize_header

    return frozenset(normalize_header(h) for h in value_aliases()["month_first_date_headers"])


def _from_serial(number: float, shown: str) -> tuple[dt.datetime | None, str]:
    low, high = _EXCEL_SERIAL_RANGE
    if low <= number <= high:
        # a serial date-time is a float of days: 8:54 is 45300.37083333333, a hair under the
        # minute, so truncating gave 08:53:59; Excel shows it rounded, to the second
        return _EXCEL_EPOCH + dt.timedelta(seconds=round(number * 86400)), ""
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
    # the column's slash dates are read one way, as read_reports reads a file's column
    month_first = slash_date_order(
        dict.fromkeys(v for v in series if isinstance(v, str))
    ).month_first
    read: dict[Any, Any] = {}
    stamps = []
    for value in series:
        if is_missing(value):
            stamps.append(None)
            continue
        try:
            stamp = read.get(value)
        except TypeError:  # an unhashable cell: read it without remembering it
            stamps.append(parse_date(value, month_first)[0])
            continue
        if stamp is None and value not in read:
            stamp = read[value] = parse_date(value, month_first)[0]
        stamps.append(stamp)
    return pd.Series(pd.to_datetime(stamps), index=series.index)
