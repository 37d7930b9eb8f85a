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

import numpy as np

__all__ = ["EXACT_KNN_MAX_POINTS", "cosine_distance_matrix", "exact_cosine_knn"]

#: UMAP computes exact neighbours below this many points (``umap_.py``: ``< 4096``).
EXACT_KNN_MAX_POINTS = 4096


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
