"""Neighbours handed to UMAP: the exact path is bit-identical to UMAP's, the BLAS path exact."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from socanalysis.themes import knn as knn_module
from socanalysis.themes.knn import (
    BLAS_KNN_MAX_POINTS,
    EXACT_KNN_MAX_POINTS,
    blas_cosine_knn,
    cosine_distance_matrix,
    exact_cosine_knn,
    umap_cosine_knn,
)
from socanalysis.themes.space import ClusterPlan, l2_normalize, plan_clustering, reduce


def _vectors(n: int, dim: int = 24, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(6, dim))
    X = centres[rng.integers(0, 6, n)] + 0.4 * rng.normal(size=(n, dim))
    return l2_normalize(X.astype(np.float32))


def test_distance_matrix_is_bit_identical_to_umaps_own():
    from sklearn.metrics import pairwise_distances
    from umap import distances

    X = _vectors(150)
    X[7] = 0.0  # a zero vector: distance 1 to the others, as umap.distances.cosine says
    ours = cosine_distance_matrix(X)
    theirs = pairwise_distances(X, metric=distances.cosine)  # UMAP's path below 4 096 points
    # scikit-learn 1.9 stores the callable's values in the input's float32; 1.7 (what pip
    # installs on Python 3.10) in float64, which the same float32 rounding turns into exactly
    # these numbers
    assert ours.dtype == np.float32
    assert theirs.dtype in (np.float32, np.float64)
    theirs = theirs.astype(np.float32, copy=False)
    np.testing.assert_array_equal(ours.view(np.uint32), theirs.view(np.uint32))


def test_exact_neighbours_are_umaps_precomputed_ones():
    from umap.umap_ import nearest_neighbors

    X = _vectors(120, seed=1)
    dmat = cosine_distance_matrix(X)
    expected_idx, expected_dist, _ = nearest_neighbors(
        dmat, 15, "precomputed", {}, False, np.random.RandomState(0)
    )
    indices, dists = exact_cosine_knn(X, 15)
    np.testing.assert_array_equal(indices, expected_idx)
    np.testing.assert_array_equal(dists, expected_dist)


def test_umap_fit_with_the_exact_neighbours_gives_the_same_layout():
    """The point of the exact path: the same graph and layout as UMAP computing it itself."""
    from socanalysis.themes.jit_cache import import_umap

    umap = import_umap()
    X = _vectors(200, seed=2)
    params = dict(n_components=3, n_neighbors=10, min_dist=0.0, metric="cosine",
                  random_state=5, n_epochs=30)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        own = umap.UMAP(**params).fit_transform(X)
        given = umap.UMAP(**params, precomputed_knn=exact_cosine_knn(X, 10)).fit_transform(X)
    np.testing.assert_array_equal(own, given)


def test_blas_neighbours_match_brute_force():
    X = _vectors(300, seed=3)
    X[11] = X[10]  # a duplicate: its twin comes first by index, at distance 0
    indices, dists = blas_cosine_knn(X, 8, block_rows=64)
    full = np.maximum(1.0 - X @ X.T, 0.0)
    np.fill_diagonal(full, 0.0)
    for i in range(len(X)):
        order = np.lexsort((np.arange(len(X)), full[i]))[:8]
        assert set(indices[i]) == set(order)
        np.testing.assert_allclose(dists[i], np.sort(full[i])[:8], atol=1e-6)
        assert np.all(np.diff(dists[i]) >= 0)
    assert indices[10, 0] == 10 and indices[10, 1] == 11 and indices[11, :2].tolist() == [10, 11]
    assert indices.dtype == np.int32 and dists.dtype == np.float32
    # the same input gives the same neighbours, whatever the block size
    again = blas_cosine_knn(X, 8, block_rows=300)
    np.testing.assert_array_equal(indices, again[0])


def test_knn_path_chosen_by_size(monkeypatch):
    calls = []
    monkeypatch.setattr(knn_module, "exact_cosine_knn", lambda X, k: calls.append("exact"))
    monkeypatch.setattr(knn_module, "blas_cosine_knn", lambda X, k: calls.append("blas"))
    for n in (EXACT_KNN_MAX_POINTS - 1, EXACT_KNN_MAX_POINTS, BLAS_KNN_MAX_POINTS):
        umap_cosine_knn(np.zeros((n, 2), dtype=np.float32), 15)
    assert calls == ["exact", "blas", "blas"]
    beyond = umap_cosine_knn(np.zeros((BLAS_KNN_MAX_POINTS + 1, 2), dtype=np.float32), 15)
    assert beyond == (None, None, None)  # NN-descent, O(n log n)


def test_single_layout_epochs_only_for_one_layout():
    one = plan_clustering(8000, 8000, "auto", None, "auto", n_layouts=1, single_layout_epochs=200)
    assert (one.n_layouts, one.n_epochs) == (1, 200)
    three = plan_clustering(1000, 1000, "auto", None, "auto", n_layouts=3, n_epochs=170,
                            single_layout_epochs=200)  # fmt: skip
    assert (three.n_layouts, three.n_epochs) == (3, 170)


@pytest.mark.parametrize("n", [EXACT_KNN_MAX_POINTS + 4])
def test_large_single_layout_is_seeded_and_uses_exact_neighbours(monkeypatch, n):
    """From 4 096 points: exact neighbours, one BLAS thread, the same layout for the same seed."""
    from threadpoolctl import threadpool_info

    seen = {}
    original = knn_module.blas_cosine_knn

    def spy(X, k):
        seen["blas"] = len(X)
        seen["threads"] = [p["num_threads"] for p in threadpool_info()]
        return original(X, k)

    monkeypatch.setattr(knn_module, "blas_cosine_knn", spy)
    Z = _vectors(n, dim=8, seed=4)
    plan = ClusterPlan("umap", "hdbscan", None, 10, 2, 15, 1, 5, "eom")
    first = reduce(Z, plan, seed=3)
    assert seen["blas"] == n and first.shape == (n, 2)
    np.testing.assert_array_equal(first, reduce(Z, plan, seed=3))
