"""Decayed topic popularity with percentile bands (BERTrend).

Boutaleb, A., Picault, J. and Grosjean, G. (2024). BERTrend: Neural Topic Modeling for Emerging
Trends Detection. *Proceedings of the Workshop on the Future of Event Detection (FuturED),
EMNLP 2024*, 1-17. Reference implementation: github.com/rte-france/BERTrend
(``bertrend/trend_analysis/weak_signals.py``).

Popularity of topic *k* accumulates the reports it receives and decays exponentially while it
receives none:

- a period with n_k > 0 reports:  P_k(t) = P_k(t-1) + n_k(t)
- a period without reports:       P_k(t) = P_k(t-1) × exp(-δ × Δ ** p)

where Δ is the number of periods since the topic's last report, δ the decay factor (0.01) and
p the decay power (2). As in the reference implementation, the decay compounds: each empty period
multiplies the previous value again. A topic has no popularity before its first report.

Classification at the last period uses percentile bands of all positive popularity values that
topics had in the retrospective window (the last ``window`` periods): below the lower percentile
(10th) a topic is ``noise``; between the lower and the upper percentile (50th) it is a ``weak``
signal if its popularity is rising (least-squares slope over the window > 0; with fewer than two
points it counts as rising), else ``noise``; above the upper percentile it is ``strong``.

Examples
--------
>>> import numpy as np
>>> counts = np.array([[3, 3, 3, 3, 3, 3],    # recurring: popular, strong
...                    [4, 4, 0, 0, 0, 0],    # faded
...                    [0, 0, 0, 0, 1, 3],    # new and rising
...                    [2, 2, 2, 2, 2, 2]])
>>> pop = decayed_popularity(counts)
>>> table = classify_popularity(["rec", "faded", "new", "other"], pop, window=2)
>>> table.set_index("topic")["signal"].to_dict()
{'rec': 'strong', 'faded': 'noise', 'new': 'weak', 'other': 'strong'}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from socanalysis.errors import ConfigError, InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["POPULARITY_COLUMNS", "classify_popularity", "decayed_popularity"]

POPULARITY_COLUMNS = ("topic", "popularity", "slope", "rising", "signal", "low_band", "high_band")


def decayed_popularity(
    counts: np.ndarray, decay_factor: float = 0.01, decay_power: float = 2.0
) -> np.ndarray:
    """Popularity of each topic in each period (BERTrend), NaN before the topic's first report.

    Parameters
    ----------
    counts : ndarray, shape (n_topics, n_periods)
        Reports per topic and period.
    decay_factor, decay_power : float
        δ and p of ``exp(-δ × Δ ** p)``.

    Returns
    -------
    ndarray of float, shape (n_topics, n_periods)

    Examples
    --------
    >>> decayed_popularity(np.array([[0, 2, 1, 0, 0]])).round(3).tolist()
    [[nan, 2.0, 3.0, 2.97, 2.854]]
    """
    if decay_factor < 0 or decay_power <= 0:
        raise ConfigError(
            f"decay_factor={decay_factor!r} must be >= 0 and decay_power={decay_power!r} > 0."
        )
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 2:
        raise InputError(f"decayed_popularity needs (topics, periods) counts, got {counts.shape}.")
    pop = np.full(counts.shape, np.nan)
    for k in range(counts.shape[0]):
        value = np.nan
        last = -1
        for t in range(counts.shape[1]):
            n = counts[k, t]
            if n > 0:
                value = n if last < 0 else value + n
                last = t
            elif last >= 0:
                value = value * np.exp(-decay_factor * float(t - last) ** decay_power)
            pop[k, t] = value
    return pop


def _slope(values: np.ndarray) -> float:
    points = values[~np.isnan(values)]
    if len(points) < 2:
        return float("nan")
    x = np.arange(len(points), dtype=float)
    return float(np.polyfit(x, points, 1)[0])


def classify_popularity(
    topics: Sequence[str],
    popularity: np.ndarray,
    window: int = 3,
    bands: tuple[float, float] = (10.0, 50.0),
) -> pd.DataFrame:
    """Classify topics as noise, weak or strong signals at the last period (BERTrend).

    Parameters
    ----------
    topics : sequence of str
        Topic names, one per row of ``popularity``.
    popularity : ndarray, shape (n_topics, n_periods)
        From :func:`decayed_popularity`.
    window : int
        Retrospective window in periods, for the percentile bands and the slope.
    bands : (float, float)
        Lower and upper percentiles (BERTrend: 10 and 50 in the paper's setting).

    Returns
    -------
    DataFrame
        topic, popularity (at the last period; 0 for a topic never seen), slope (over the
        window), rising, signal (noise / weak / strong), low_band, high_band.
    """
    import pandas as pd

    low_q, high_q = bands
    if not 0 <= low_q <= high_q <= 100:
        raise ConfigError(f"popularity_bands={bands!r} must be two percentiles, low <= high.")
    popularity = np.asarray(popularity, dtype=float)
    n_topics = len(topics)
    if n_topics == 0 or popularity.size == 0:
        return pd.DataFrame({c: [] for c in POPULARITY_COLUMNS})
    window = max(1, min(int(window), popularity.shape[1]))
    recent = popularity[:, -window:]
    values = recent[np.isfinite(recent) & (recent > 1e-5)]
    low, high = (
        (float(np.percentile(values, low_q)), float(np.percentile(values, high_q)))
        if values.size
        else (0.0, 0.0)
    )
    rows = []
    for k, topic in enumerate(topics):
        latest = popularity[k, -1]
        latest = 0.0 if np.isnan(latest) else float(latest)
        slope = _slope(recent[k])
        rising = bool(np.isnan(slope) or slope > 0)
        if latest <= 1e-5 or latest < low:
            signal = "noise"
        elif latest <= high:
            signal = "weak" if rising else "noise"
        else:
            signal = "strong"
        rows.append((topic, latest, slope, rising, signal, low, high))
    return pd.DataFrame(rows, columns=list(POPULARITY_COLUMNS))
