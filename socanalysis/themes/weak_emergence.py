"""Keyword Emergence Map and Keyword Issue Map (Yoon 2012) for terms or themes over periods.

Yoon, J. (2012). Detecting weak signals for long-term business opportunities using text mining
of Web news. *Expert Systems with Applications* 39(16), 12543-12550.
doi:10.1016/j.eswa.2012.04.059

For a term *i* in period *j* of *n* periods (j = 1 … n), with TF_ij its number of occurrences,
DF_ij the number of reports that contain it and NN_j the number of reports in the period:

- degree of visibility  DoV_ij = (TF_ij / NN_j) × (1 − tw × (n − j))
- degree of diffusion   DoD_ij = (DF_ij / NN_j) × (1 − tw × (n − j))

The time weight ``tw`` (0.05 in the paper) makes recent periods count more. The Keyword
Emergence Map (KEM) plots the average term frequency (mean TF_ij over periods) against the
growth of DoV; the Keyword Issue Map (KIM) the average document frequency against the growth of
DoD. Growth is the geometric mean of the period-to-period rates of increase,
``(Π_j DoV_ij / DoV_i,j-1) ** (1 / (n - 1)) - 1``. Because a term absent from a period has
DoV = 0, a small constant (half of the smallest visibility one report can give, ``0.5 /
max_j NN_j``) is added to every DoV before the ratios are taken; the product of the ratios
telescopes, so growth compares the (smoothed, time-weighted) first and last periods.

Each map is cut at the median frequency and the median growth into four quadrants, named as in
the paper: ``weak`` (low frequency, high growth: a weak signal), ``strong`` (high, high),
``latent`` (low, low) and ``well_known`` (high frequency, low growth: well known but not a
strong signal). A point exactly on a median counts as low frequency / low growth.

Examples
--------
>>> import numpy as np
>>> tf = np.array([[4, 4, 4, 4], [0, 0, 1, 3]])   # a steady term and a late, rising one
>>> n_docs = np.array([10, 10, 10, 10])
>>> kem = emergence_map(["steady", "new"], tf, tf, n_docs)
>>> kem[["term", "quadrant"]].values.tolist()
[['steady', 'well_known'], ['new', 'weak']]
>>> bool(kem.loc[1, "growth"] > kem.loc[0, "growth"])
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from socanalysis.errors import ConfigError, InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "EMERGENCE_COLUMNS",
    "QUADRANTS",
    "emergence_map",
    "growth_rate",
    "term_period_counts",
    "time_weights",
]

#: Quadrant names, in the order low/high frequency × high/low growth.
QUADRANTS = ("weak", "strong", "latent", "well_known")
EMERGENCE_COLUMNS = (
    "term",
    "kind",
    "frequency",
    "growth",
    "quadrant",
    "doc_frequency",
    "doc_growth",
    "issue_quadrant",
    "first_period",
    "n_reports",
)


def time_weights(n_periods: int, tw: float = 0.05) -> np.ndarray:
    """Return ``1 - tw * (n - j)`` for j = 1 … n (the last period weighs 1).

    Examples
    --------
    >>> time_weights(3, 0.05).round(2).tolist()
    [0.9, 0.95, 1.0]
    """
    if not 0.0 <= tw < 1.0:
        raise ConfigError(f"time_weight={tw!r} must be in [0, 1).")
    j = np.arange(1, n_periods + 1, dtype=float)
    # a long series would push early weights below zero; the paper's periods are few, so
    # clip at a small positive floor rather than let old periods count negatively
    return np.clip(1.0 - tw * (n_periods - j), 1e-3, None)


def growth_rate(values: np.ndarray, smoothing: float) -> np.ndarray:
    """Geometric mean rate of increase along the last axis, with additive smoothing.

    Parameters
    ----------
    values : ndarray, shape (n_terms, n_periods)
        Non-negative series (DoV or DoD).
    smoothing : float
        Constant added to every value so that zeros give finite ratios.

    Returns
    -------
    ndarray, shape (n_terms,)
        ``(Π_j v_j / v_{j-1}) ** (1 / (n - 1)) - 1``; 0 when there is only one period.

    Examples
    --------
    >>> growth_rate(np.array([[1.0, 2.0, 4.0]]), 0.0).tolist()
    [1.0]
    """
    values = np.asarray(values, dtype=float)
    n = values.shape[-1]
    if n < 2:
        return np.zeros(values.shape[:-1])
    smoothed = values + smoothing
    ratios = smoothed[..., 1:] / smoothed[..., :-1]
    return np.exp(np.log(ratios).mean(axis=-1)) - 1.0


def _quadrants(frequency: np.ndarray, growth: np.ndarray) -> np.ndarray:
    if len(frequency) == 0:
        return np.array([], dtype=object)
    high_f = frequency > np.median(frequency)
    high_g = growth > np.median(growth)
    return np.where(
        high_g,
        np.where(high_f, "strong", "weak"),
        np.where(high_f, "well_known", "latent"),
    ).astype(object)


def emergence_map(
    terms: Sequence[str],
    tf: np.ndarray,
    df: np.ndarray,
    n_docs: np.ndarray,
    tw: float = 0.05,
    kind: str = "term",
) -> pd.DataFrame:
    """Compute the KEM and KIM coordinates and quadrants of every term.

    Parameters
    ----------
    terms : sequence of str
        Term (or theme) names, one per row of ``tf`` and ``df``.
    tf, df : ndarray, shape (n_terms, n_periods)
        Occurrences and reports containing the term, per period.
    n_docs : ndarray, shape (n_periods,)
        Reports per period (NN_j); empty periods are allowed.
    tw : float
        Time weight (Yoon 2012 uses 0.05).
    kind : str
        Written into the ``kind`` column (``"term"``, ``"theme"`` …).

    Returns
    -------
    DataFrame
        One row per term: term, kind, frequency (average TF), growth (of DoV), quadrant (KEM),
        doc_frequency (average DF), doc_growth (of DoD), issue_quadrant (KIM), first_period
        (index of the first period with the term), n_reports (total DF).
    """
    import pandas as pd

    tf = np.asarray(tf, dtype=float)
    df = np.asarray(df, dtype=float)
    n_docs = np.asarray(n_docs, dtype=float)
    if tf.ndim != 2 or tf.shape != df.shape or tf.shape[1] != len(n_docs):
        raise InputError(
            f"emergence_map: tf {tf.shape}, df {df.shape} and n_docs {n_docs.shape} do not fit "
            "(need (terms, periods), (terms, periods) and (periods,))."
        )
    if len(terms) != tf.shape[0]:
        raise InputError(f"emergence_map: {len(terms)} terms for {tf.shape[0]} rows of counts.")
    n_periods = tf.shape[1]
    weights = time_weights(n_periods, tw)
    safe_docs = np.where(n_docs > 0, n_docs, 1.0)
    dov = tf / safe_docs * weights
    dod = df / safe_docs * weights
    smoothing = 0.5 / max(float(n_docs.max()) if n_periods else 1.0, 1.0)
    frequency = tf.mean(axis=1) if n_periods else np.zeros(len(terms))
    doc_frequency = df.mean(axis=1) if n_periods else np.zeros(len(terms))
    growth = growth_rate(dov, smoothing) if n_periods else np.zeros(len(terms))
    doc_growth = growth_rate(dod, smoothing) if n_periods else np.zeros(len(terms))
    present = df > 0
    first = np.where(present.any(axis=1), present.argmax(axis=1), -1) if n_periods else []
    return pd.DataFrame(
        {
            "term": list(terms),
            "kind": kind,
            "frequency": frequency,
            "growth": growth,
            "quadrant": _quadrants(frequency, growth),
            "doc_frequency": doc_frequency,
            "doc_growth": doc_growth,
            "issue_quadrant": _quadrants(doc_frequency, doc_growth),
            "first_period": np.asarray(first, dtype=np.int64),
            "n_reports": df.sum(axis=1).astype(np.int64) if n_periods else 0,
        },
        columns=list(EMERGENCE_COLUMNS),
    )


def term_period_counts(
    lemmas: Sequence[Sequence[str]],
    period_index: np.ndarray,
    n_periods: int,
    min_reports: int = 2,
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Count each term per period: occurrences (TF) and reports containing it (DF).

    Reports with period -1 (no date) are skipped. Terms found in fewer than ``min_reports``
    reports are dropped: a term one reporter used once cannot show a change.

    Returns
    -------
    terms : list of str
        Sorted alphabetically, so that the output is deterministic.
    tf, df : ndarray, shape (n_terms, n_periods)
    """
    from collections import Counter

    tf_counts: dict[str, np.ndarray] = {}
    df_counts: dict[str, np.ndarray] = {}
    for words, period in zip(lemmas, period_index, strict=True):
        if period < 0:
            continue
        counts = Counter(words)
        for word, count in counts.items():
            if word not in tf_counts:
                tf_counts[word] = np.zeros(n_periods)
                df_counts[word] = np.zeros(n_periods)
            tf_counts[word][period] += count
            df_counts[word][period] += 1
    terms = sorted(t for t, d in df_counts.items() if d.sum() >= min_reports)
    if not terms:
        empty = np.zeros((0, n_periods))
        return [], empty, empty.copy()
    tf = np.vstack([tf_counts[t] for t in terms])
    df = np.vstack([df_counts[t] for t in terms])
    return terms, tf, df
