"""Trend of a theme over time: rising, stable, falling or new, from its share per period.

The period (week, month or quarter) follows from the span of all report dates, so that a
three-month pilot and a five-year national pool both get a handful of periods. A theme's share of
each period's reports (not its raw count, which follows the total volume) is fitted with a
straight line; the fitted change over the span, relative to the theme's mean share, decides the
trend with the thresholds in ``data/themes.yaml``.

Examples
--------
>>> import pandas as pd
>>> dates = pd.to_datetime(["2024-01-05"] * 3 + ["2024-02-05"] * 3 + ["2024-03-05"] * 3
...                        + ["2024-04-05"] * 3)
>>> labels = [0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1]
>>> theme_trends(dates, labels)
{0: 'falling', 1: 'rising'}
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["choose_period", "theme_trends"]


def choose_period(span_days: float) -> str:
    """Pandas period code ("W", "M" or "Q") for a span of ``span_days`` days.

    Examples
    --------
    >>> choose_period(30), choose_period(365), choose_period(2000)
    ('W', 'M', 'Q')
    """
    from socanalysis.themes.keywords import settings

    for rule in settings()["trend"]["periods"]:
        if span_days <= rule["max_days"]:
            return str(rule["freq"])
    return "Y"


def theme_trends(dates: Sequence, labels: Sequence[int]) -> dict[int, str]:
    """Trend label of each theme (outliers, -1, excluded).

    Parameters
    ----------
    dates : sequence of datetime-like
        Date of each report; missing dates (NaT) are ignored.
    labels : sequence of int
        Theme of each report.

    Returns
    -------
    dict
        ``theme_id -> "rising" | "stable" | "falling" | "new" | "unknown"``; "unknown" when the
        dates cover fewer periods than ``trend.min_periods``.
    """
    import pandas as pd

    from socanalysis.intake.dates import as_datetimes
    from socanalysis.themes.keywords import settings

    cfg = settings()["trend"]
    labels = np.asarray(labels, dtype=np.int64)
    themes = sorted(int(t) for t in set(labels.tolist()) if t >= 0)
    when = as_datetimes(dates).reset_index(drop=True)
    known = when.notna().to_numpy()
    if known.sum() == 0:
        return dict.fromkeys(themes, "unknown")
    start, end = when[known].min(), when[known].max()
    span = (end - start).days
    freq = choose_period(span)
    periods = when[known].dt.to_period(freq)
    all_periods = pd.period_range(periods.min(), periods.max(), freq=freq)
    if len(all_periods) < cfg["min_periods"]:
        return dict.fromkeys(themes, "unknown")
    table = pd.crosstab(periods.to_numpy(), labels[known]).reindex(all_periods, fill_value=0)
    totals = table.sum(axis=1).to_numpy().astype(float)
    x = np.arange(len(all_periods), dtype=float)
    has = totals > 0
    out: dict[int, str] = {}
    new_from = start + (end - start) * (1 - cfg["new_share"])
    for theme in themes:
        if theme not in table.columns:
            out[theme] = "unknown"
            continue
        first = when[known][labels[known] == theme].min()
        if span > 0 and first >= new_from:
            out[theme] = "new"
            continue
        share = table[theme].to_numpy()[has] / totals[has]
        if has.sum() < cfg["min_periods"] or share.mean() == 0:
            out[theme] = "unknown"
            continue
        slope = np.polyfit(x[has], share, 1)[0]
        change = slope * (x[has].max() - x[has].min()) / share.mean()
        if change >= cfg["rising"]:
            out[theme] = "rising"
        elif change <= cfg["falling"]:
            out[theme] = "falling"
        else:
            out[theme] = "stable"
    return out
