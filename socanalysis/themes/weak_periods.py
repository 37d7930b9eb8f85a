"""Time periods for weak-signal detection: choose a period length and number the reports' periods.

A weak signal is defined against time ("new in the latest period"), so every time-based method
works on consecutive calendar periods: months, quarters, half-years or years. Periods are counted
from the first report's period to the last one's, empty periods included, because a gap in
reporting is information too (a theme that is absent for two quarters has faded).

The default length follows the date span, so that a typical export gives enough periods to see a
change while each period still holds several reports:

=====================  ============
span of the dates      period
=====================  ============
up to 6 months         month
up to 2 years          quarter
longer                 half-year
=====================  ============

Examples
--------
>>> import pandas as pd
>>> dates = pd.to_datetime(pd.Series(["2024-01-15", "2024-05-02", "2025-11-30"]))
>>> choose_period(dates)
'quarter'
>>> index, labels = assign_periods(dates, "quarter")
>>> index.tolist(), labels[0], labels[-1], len(labels)
([0, 1, 7], '2024-Q1', '2025-Q4', 8)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socanalysis.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["PERIODS", "assign_periods", "choose_period", "period_start"]

#: Accepted period names and their length in months.
PERIODS: dict[str, int] = {"month": 1, "quarter": 3, "half-year": 6, "year": 12}
# "auto": the longest span (in days) that still gets the period on the right
_AUTO_LIMITS: tuple[tuple[float, str], ...] = ((186.0, "month"), (732.0, "quarter"))
_AUTO_LONGER = "half-year"


def check_period(period: str) -> str:
    """Return ``period`` if it is a known name or ``"auto"``; raise ConfigError otherwise."""
    if period == "auto" or period in PERIODS:
        return period
    raise ConfigError(f"period={period!r} is not known: use 'auto' or one of {', '.join(PERIODS)}.")


def choose_period(dates: pd.Series) -> str:
    """Choose the period length from the span of the (non-missing) dates.

    Parameters
    ----------
    dates : Series of datetime64
        Report dates; missing values are ignored.

    Returns
    -------
    str
        ``"month"`` for a span of up to 6 months, ``"quarter"`` up to 2 years, else
        ``"half-year"``. With no dates at all, ``"quarter"``.
    """
    valid = dates.dropna()
    if valid.empty:
        return "quarter"
    span_days = (valid.max() - valid.min()).total_seconds() / 86400.0
    for limit, name in _AUTO_LIMITS:
        if span_days <= limit:
            return name
    return _AUTO_LONGER


def _absolute_index(dates: pd.Series, period: str) -> np.ndarray:
    months = PERIODS[check_period(period)] if period != "auto" else 3
    absolute_month = dates.dt.year.to_numpy() * 12 + dates.dt.month.to_numpy() - 1
    return absolute_month // months


def _label(absolute: int, period: str) -> str:
    months = PERIODS[period]
    year, part = divmod(int(absolute) * months, 12)
    if period == "month":
        return f"{year}-{part + 1:02d}"
    if period == "quarter":
        return f"{year}-Q{part // 3 + 1}"
    if period == "half-year":
        return f"{year}-H{part // 6 + 1}"
    return f"{year}"


def period_start(label: str) -> str:
    """Return the first month of a period label as ``YYYY-MM``.

    Examples
    --------
    >>> [period_start(p) for p in ("2025-Q4", "2025-H2", "2025", "2025-09")]
    ['2025-10', '2025-07', '2025-01', '2025-09']
    """
    if len(label) == 4:
        return f"{label}-01"
    year, part = label.split("-")
    if part.startswith("Q"):
        return f"{year}-{(int(part[1:]) - 1) * 3 + 1:02d}"
    if part.startswith("H"):
        return f"{year}-{(int(part[1:]) - 1) * 6 + 1:02d}"
    return label


def assign_periods(dates: pd.Series, period: str) -> tuple[np.ndarray, list[str]]:
    """Number each report's period, counting from the earliest report's period.

    Parameters
    ----------
    dates : Series of datetime64
        Report dates; missing dates get period -1.
    period : str
        One of :data:`PERIODS`.

    Returns
    -------
    index : ndarray of int
        Period number per report (0 = the first period), -1 where the date is missing.
    labels : list of str
        Label of every period from the first to the last, empty periods included
        (``2025-09``, ``2025-Q4``, ``2025-H2`` or ``2025``).
    """
    check_period(period)
    if period == "auto":
        raise ConfigError("assign_periods needs a resolved period; call choose_period first.")
    present = dates.notna().to_numpy()
    index = np.full(len(dates), -1, dtype=np.int64)
    if not present.any():
        return index, []
    absolute = _absolute_index(dates[present], period)
    first, last = int(absolute.min()), int(absolute.max())
    index[present] = absolute - first
    labels = [_label(a, period) for a in range(first, last + 1)]
    return index, labels
