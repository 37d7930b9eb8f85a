"""Exact cosine nearest neighbours for UMAP on small sets, computed as UMAP does, only faster.

Below 4 096 points UMAP computes every pairwise distance with
``sklearn.metrics.pairwise_distances(X, metric=umap.distances.cosine)``: one Python call of a
numba function per pair (500 500 calls for 1 000 reports, 1.0 CPU s; 8.4 million for 4 095,
about 15 s). :func:`exact_cosine_knn` fills the same matrix in one compiled loop calling the
same ``umap.distances.cosine`` (bit-identical entries, checked in tests/test_themes_knn.py),
then picks the neighbours with UMAP's own ``fast_knn_indices`` and prunes them as UMAP's
``nearest_neighbors(metric="precomputed")`` does. Passed to ``umap.UMAP(precomputed_knn=...)``
it gives the fuzzy graph, and so the layouts, that UMAP would have built itself.

Examples
--------
>>> import numpy as np
>>> X = np.random.default_rng(0).normal(size=(50, 8)).astype(np.float32)
>>> indices, dists = exact_cosine_knn(X, 5)
>>> indices.shape, dists.dtype.name, bool((indices[:, 0] == np.arange(50)).all())
((50, 5), 'float32', True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "BLAS_KNN_MAX_POINTS",
    "EXACT_KNN_MAX_POINTS",
    "blas_cosine_knn",
    "cosine_distance_matrix",
    "exact_cosine_knn",
    "umap_cosine_knn",
]

#: UMAP computes exact neighbours below this many points (``umap_.py``: ``< 4096``).
EXACT_KNN_MAX_POINTS = 4096
#: Up to this many points the exact neighbours come from matrix products (O(n^2 d) time, but
#: 10 000 reports take about 1 CPU s); above it NN-descent as in UMAP (O(n log n)).
BLAS_KNN_MAX_POINTS = 20_000


def umap_cosine_knn(X: np.ndarray, n_neighbors: int) -> tuple[Any, ...]:
    """``precomputed_knn`` for ``umap.UMAP(metric="cosine")`` on ``X``, by the data size.

    Below :data:`EXACT_KNN_MAX_POINTS`: :func:`exact_cosine_knn`, UMAP's own exact neighbours
    (bit-identical); up to :data:`BLAS_KNN_MAX_POINTS`: :func:`blas_cosine_knn`, exact
    neighbours instead of UMAP's NN-descent approximation; above: ``(None, None, None)``,
    UMAP's NN-descent.

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(20, 4)).astype(np.float32)
    >>> [part.shape for part in umap_cosine_knn(X, 3)]
    [(20, 3), (20, 3)]
    """
    n = len(X)
    if n < EXACT_KNN_MAX_POINTS:
        return exact_cosine_knn(X, n_neighbors)
    if n <= BLAS_KNN_MAX_POINTS:
        return blas_cosine_knn(X, n_neighbors)
    return (None, None, None)


def cosine_distance_matrix(X: np.ndarray) -> np.ndarray:
    """Pairwise cosine distances (float32) of the rows of ``X``, bit-identical to UMAP's.

    Examples
    --------
    >>> cosine_distance_matrix(np.eye(2, dtype=np.float32)).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    from socanalysis.themes.jit_cache import import_umap

    import_umap()  # sets numba's cache folder before the kernel below is decorated
    from socanalysis.themes._knn_kernel import cosine_distance_matrix as kernel

    X = np.ascontiguousarray(X, dtype=np.float32)
    return kernel(X)


def exact_cosine_knn(
    X: np.ndarray, n_neighbors: int, disconnection_distance: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The ``n_neighbors`` nearest rows of each row (itself first) by cosine distance.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Vectors (float32, as UMAP receives them).
    n_neighbors : int
        Neighbours per row, the row itself included (UMAP's ``n_neighbors``).
    disconnection_distance : float or None
        Distances at or above it count as infinite (index -1), as UMAP does; None: UMAP's
        default for the cosine metric (2).

    Returns
    -------
    indices : ndarray of int32, shape (n, n_neighbors)
    dists : ndarray of float32, shape (n, n_neighbors)
        Ready for ``umap.UMAP(precomputed_knn=(indices, dists))``.
    """
    from socanalysis.themes.jit_cache import import_umap

    umap = import_umap()
    from umap.utils import fast_knn_indices

    if disconnection_distance is None:
        disconnection_distance = umap.umap_.DISCONNECTION_DISTANCES.get("cosine", np.inf)
    dmat = cosine_distance_matrix(X)
    # as UMAP's small-data path: far pairs become infinite before the neighbours are chosen
    dmat[dmat >= disconnection_distance] = np.inf
    indices = fast_knn_indices(dmat, int(n_neighbors))
    dists = dmat[np.arange(dmat.shape[0])[:, None], indices].copy()
    indices[dists == np.inf] = -1
    return indices, dists


def blas_cosine_knn(
    X: np.ndarray, n_neighbors: int, block_rows: int = 2048
) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine nearest neighbours by blocks of matrix products (for 4 096 to 20 000 rows).

    Above 4 096 points UMAP finds approximate neighbours with NN-descent (pynndescent), whose
    main functions take the distance function as an argument and so cannot be cached by numba:
    every fresh process compiled them again, 22-32 CPU s at 10 000 reports against 0.5 s for
    the search itself (measured). The exact neighbours of 10 000 vectors of 384 dimensions
    are one 10 000 x 10 000 matrix product (about 1 CPU s with BLAS), with no compilation,
    and they are the neighbours NN-descent approximates. Each row's neighbours are sorted by
    distance, ties by row index (the row itself first unless it has duplicates with a lower
    index, as UMAP's own exact path sorts them).

    Memory: ``block_rows`` x n float32 distances at a time (2 048 x 20 000: 160 MB).

    Parameters
    ----------
    X : ndarray of shape (n, d)
    n_neighbors : int
        Neighbours per row, itself included.
    block_rows : int
        Rows per matrix product.

    Returns
    -------
    indices : ndarray of int32, shape (n, n_neighbors)
    dists : ndarray of float32, shape (n, n_neighbors)
        Cosine distances, for ``umap.UMAP(precomputed_knn=(indices, dists))``.

    Examples
    --------
    >>> X = np.random.default_rng(0).normal(size=(30, 4)).astype(np.float32)
    >>> idx, dist = blas_cosine_knn(X, 3, block_rows=7)
    >>> bool((idx[:, 0] == np.arange(30)).all()), bool((np.diff(dist, axis=1) >= 0).all())
    (True, True)
    """
    X = np.asarray(X, dtype=np.float32)
    n = X.shape[0]
    k = int(min(n_neighbors, n))
    norms = np.linalg.norm(X, axis=1)
    # as umap.distances.cosine: a zero vector is at distance 1 from others, 0 from another zero
    unit = X / np.where(norms > 0, norms, 1.0)[:, None]
    zero = norms == 0
    indices = np.empty((n, k), dtype=np.int32)
    dists = np.empty((n, k), dtype=np.float32)
    columns = np.arange(n)
    for start in range(0, n, int(block_rows)):
        stop = min(n, start + int(block_rows))
        block = 1.0 - unit[start:stop] @ unit.T
        if zero.any():
            block[:, zero] = 1.0
            block[zero[start:stop]] = 1.0
            block[np.ix_(zero[start:stop], zero)] = 0.0
        np.maximum(block, 0.0, out=block)
        rows = np.arange(stop - start)
        block[rows, start + rows] = 0.0  # a row is at distance 0 from itself, not 1e-7
        if k < n:
            part = np.argpartition(block, k - 1, axis=1)[:, :k]
            kth = block[rows[:, None], part].max(axis=1)
            # a tie at the k-th distance (duplicate reports) goes to the lower indices, not to
            # whichever argpartition happened to keep
            chosen = (block[rows[:, None], part] == kth[:, None]).sum(axis=1)
            tied = np.flatnonzero((block == kth[:, None]).sum(axis=1) > chosen)
            for r in tied:
                near = np.flatnonzero(block[r] <= kth[r])
                part[r] = near[np.lexsort((near, block[r, near]))][:k]
        else:
            part = np.tile(columns, (len(rows), 1))
        values = block[rows[:, None], part]
        # distance first, then the lower index: the same order for the same input on any run
        order = np.lexsort((part, values), axis=1)
        indices[start:stop] = np.take_along_axis(part, order, axis=1)
        dists[start:stop] = np.take_along_axis(values, order, axis=1)
    return indices, dists
