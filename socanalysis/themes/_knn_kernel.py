"""numba kernel of :func:`socanalysis.themes.knn.exact_cosine_knn` (import after umap).

Kept in a module of its own because numba picks a function's on-disk cache folder when the
function is decorated: :func:`socanalysis.themes.jit_cache.import_umap` sets that folder, and
:mod:`socanalysis.themes.knn` imports this module only afterwards, so the compiled kernel is
cached next to UMAP's own code and a fresh process loads it instead of compiling it.
"""

from __future__ import annotations

import numba
import numpy as np
from umap import distances


@numba.njit(cache=True, parallel=True)
def cosine_distance_matrix(X: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """All pairwise cosine distances of the rows of ``X``, as UMAP computes them.

    Each entry is UMAP's own ``umap.distances.cosine`` of the pair (strict IEEE arithmetic, no
    fastmath), stored as float32, upper triangle mirrored and the diagonal computed, exactly
    as ``sklearn.metrics.pairwise_distances(X, metric=umap.distances.cosine)`` fills it (the
    path UMAP takes below 4 096 points), so the matrix is bit-identical, only without one
    Python call per pair (scikit-learn 1.7 keeps that matrix in float64; rounded to float32
    it is the same). Rows are independent, so the parallel loop does not change a bit.
    """
    n = X.shape[0]
    out = np.zeros((n, n), dtype=np.float32)
    for i in numba.prange(n):
        for j in range(i + 1, n):
            out[i, j] = distances.cosine(X[i], X[j])
    for i in numba.prange(n):
        for j in range(i + 1, n):
            out[j, i] = out[i, j]
        out[i, i] = distances.cosine(X[i], X[i])
    return out
