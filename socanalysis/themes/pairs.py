"""Cross-language pairs: a Finnish and a Swedish report that are each other's clear best match.

Two reports form a pair when, in the centred space, each is the other's nearest neighbour
among the other language's reports and that cosine beats both sides' second-best match by a
margin. Translations do (SIB-200: 936 of 1 004), reports that merely share a topic mostly do
not (docs/themes.md). Pairs serve twice:

- :class:`~socanalysis.themes.space.LanguageCentering` fits its Swedish-to-Finnish rotation on
  them;
- :func:`keep_pairs_together` gives both reports of a pair the same theme after the
  clustering, so that a report and its clear counterpart in the other language are never
  split (clustering the pairs as single points instead kept them together too, but cost seed
  stability; docs/themes.md).

Examples
--------
>>> import numpy as np
>>> fi = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
>>> sv = np.array([[0.0, 1.0], [0.9, 0.1]], dtype=np.float32)
>>> a, b, margin = mutual_nearest_pairs(fi, sv)
>>> a.tolist(), b.tolist()
([0, 1], [1, 0])
>>> Z = np.vstack([fi, sv])
>>> a, b = cross_language_pairs(Z, ["fi", "fi", "sv", "sv"], min_margin=0.05)
>>> a.tolist(), b.tolist()
([0, 1], [3, 2])
>>> keep_pairs_together(Z, np.array([0, 1, 1, -1]), a, b).tolist()
[0, 1, 1, 0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["cross_language_pairs", "keep_pairs_together", "mutual_nearest_pairs"]

# rows of ``A`` per block of similarities: 2 048 x 10 000 float32 is 80 MB
_BLOCK_ROWS = 2048


def _top_two(values: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Largest and second-largest value along ``axis`` (second -inf where there is one value)."""
    best = values.max(axis=axis)
    if values.shape[axis] < 2:
        return best, np.full_like(best, -np.inf)
    second = np.take(np.partition(values, -2, axis=axis), -2, axis=axis)
    return best, second


def mutual_nearest_pairs(
    A: np.ndarray, B: np.ndarray, min_margin: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of ``A`` and ``B`` (unit vectors) that are each other's nearest neighbour.

    The margin of a pair is its cosine minus the larger of the two sides' second-best
    cosines (a side with a single candidate has none; with one candidate on both sides the
    margin is infinite); pairs below ``min_margin`` are dropped when ``min_margin`` > 0.
    The similarities are computed in blocks of rows, so memory stays bounded for large sets;
    time is O(len(A) * len(B) * dim).

    Returns
    -------
    a_rows, b_rows, margins : numpy.ndarray
        Paired row indices (ascending in ``a_rows``) and each pair's margin.
    """
    n_a, n_b = len(A), len(B)
    empty = np.zeros(0, dtype=np.int64)
    if n_a == 0 or n_b == 0:
        return empty, empty, np.zeros(0, dtype=np.float32)
    best_b = np.empty(n_a, dtype=np.int64)  # each A row's nearest B row
    row_second = np.empty(n_a, dtype=np.float32)
    col_best = np.full(n_b, -np.inf, dtype=np.float32)
    col_second = np.full(n_b, -np.inf, dtype=np.float32)
    best_a = np.zeros(n_b, dtype=np.int64)  # each B row's nearest A row
    for start in range(0, n_a, _BLOCK_ROWS):
        sims = A[start : start + _BLOCK_ROWS] @ B.T
        best_b[start : start + len(sims)] = sims.argmax(axis=1)
        row_second[start : start + len(sims)] = _top_two(sims, axis=1)[1]
        block_best, block_second = _top_two(sims, axis=0)
        # strictly greater: on ties the earlier A row stays nearest, as argmax over all rows
        better = block_best > col_best
        best_a[better] = start + sims.argmax(axis=0)[better]
        col_second = np.maximum.reduce([col_second, block_second, np.minimum(col_best, block_best)])
        col_best = np.maximum(col_best, block_best)
    a_rows = np.flatnonzero(best_a[best_b] == np.arange(n_a))
    b_rows = best_b[a_rows]
    cosines = col_best[b_rows]
    margins = cosines - np.maximum(row_second[a_rows], col_second[b_rows])
    if min_margin > 0:
        keep = margins >= min_margin
        a_rows, b_rows, margins = a_rows[keep], b_rows[keep], margins[keep]
    return a_rows, b_rows, margins.astype(np.float32)


def cross_language_pairs(
    Z: np.ndarray,
    languages: Sequence[str],
    min_margin: float,
    max_reports: int | None = None,
    pair_languages: tuple[str, str] = ("fi", "sv"),
) -> tuple[np.ndarray, np.ndarray]:
    """Clear cross-language pairs among the reports, as report indices.

    Parameters
    ----------
    Z : numpy.ndarray
        Centred (and aligned) unit vectors, one row per report.
    languages : sequence of str
        Language code per report; pairs join a ``pair_languages[0]`` report with a
        ``pair_languages[1]`` one.
    min_margin : float
        A pair's cosine must beat both reports' second-best matches by this much.
    max_reports : int, optional
        No pairs above this many reports: the search is quadratic in the number of reports.

    Returns
    -------
    a_rows, b_rows : numpy.ndarray
        Indices of the ``pair_languages[0]`` and ``pair_languages[1]`` report of each pair.
    """
    langs = np.asarray([str(x) for x in languages])
    if max_reports is not None and len(langs) > max_reports:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    rows_a = np.flatnonzero(langs == pair_languages[0])
    rows_b = np.flatnonzero(langs == pair_languages[1])
    a, b, _ = mutual_nearest_pairs(Z[rows_a], Z[rows_b], min_margin)
    return rows_a[a], rows_b[b]


def keep_pairs_together(
    Z: np.ndarray, labels: np.ndarray, a_rows: np.ndarray, b_rows: np.ndarray
) -> np.ndarray:
    """Give both reports of a split pair one theme: of their two, the one nearer the pair.

    "Nearer" is the cosine between the theme's centroid (centred space, themes as they were
    before this step) and the pair's summed vectors. A pair with one report in theme -1 joins
    the other's theme; a pair with both in -1 stays there.
    """
    # imported here: the space module imports this one
    from socanalysis.themes.space import theme_centroids

    labels = labels.copy()
    split = labels[a_rows] != labels[b_rows]
    a_rows, b_rows = a_rows[split], b_rows[split]
    ids, cents = theme_centroids(Z, labels)
    if ids.size == 0 or a_rows.size == 0:
        return labels
    pair_vectors = Z[a_rows] + Z[b_rows]

    def closeness(themes: np.ndarray) -> np.ndarray:
        at = np.searchsorted(ids, np.maximum(themes, 0)).clip(max=len(ids) - 1)
        score = (cents[at] * pair_vectors).sum(axis=1)
        return np.where(themes >= 0, score, -np.inf)

    theme_a, theme_b = labels[a_rows], labels[b_rows]
    chosen = np.where(closeness(theme_a) >= closeness(theme_b), theme_a, theme_b)
    labels[a_rows] = chosen
    labels[b_rows] = chosen
    return labels
