"""Tests of the deterministic small-set clustering (socanalysis.themes.consensus)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from socanalysis.errors import ConfigError, InputError
from socanalysis.themes.consensus import (
    SmallSetClustering,
    dissolve_mixture_themes,
    fuzzy_knn_graph,
    plateau_cut,
    spectral_embedding,
)
from socanalysis.themes.model import ThemeModel
from socanalysis.themes.space import l2_normalize, plan_clustering


def _themes(n_themes: int = 6, per: int = 25, dim: int = 48, noise: float = 0.5, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_themes, dim))
    Z = np.repeat(centres, per, axis=0) + noise * rng.normal(size=(n_themes * per, dim))
    return l2_normalize(Z), np.repeat(np.arange(n_themes), per), rng


def test_graph_matches_umap():
    umap_ = pytest.importorskip("umap.umap_")
    Z, _, _ = _themes()
    W = fuzzy_knn_graph(Z, 15)
    dist = np.clip(1 - Z @ Z.T, 0, 2)
    np.fill_diagonal(dist, -1)
    idx = np.argsort(dist, axis=1, kind="stable")[:, :15]
    d = np.take_along_axis(dist, idx, axis=1)
    d[:, 0] = 0
    G, _, _ = umap_.fuzzy_simplicial_set(
        np.zeros((len(Z), 1)), 15, 0, "cosine", knn_indices=idx, knn_dists=d.astype(np.float32)
    )
    np.testing.assert_allclose(W, G.toarray(), atol=1e-4)
    assert np.allclose(W, W.T) and W.diagonal().max() == 0


def test_finds_the_themes_deterministically_without_a_seed():
    Z, truth, _ = _themes()
    model = SmallSetClustering().fit(Z)
    assert adjusted_rand_score(truth, model.labels_) >= 0.95
    # six well separated groups: the eigengap rule keeps 5 eigenvectors, not round(sqrt(150))
    assert model.n_dims_ == 5
    assert SmallSetClustering(eigengap=None).fit(Z).n_dims_ == round(np.sqrt(len(Z)))
    assert model.cut_ == pytest.approx(0.4)
    searched = SmallSetClustering(cut_search=(0.25, 0.6)).fit(Z)
    assert 0.25 <= searched.cut_ <= 0.6
    assert adjusted_rand_score(truth, searched.labels_) >= 0.95
    again = SmallSetClustering().fit(Z.copy())
    np.testing.assert_array_equal(model.labels_, again.labels_)
    np.testing.assert_array_equal(model.embedding_, again.embedding_)


def test_a_few_moved_rows_do_not_reshuffle_the_themes():
    """The property issue 4 needs: a small change of some inputs leaves the themes in place."""
    Z, truth, rng = _themes(noise=0.6)
    before = SmallSetClustering().fit_predict(Z)
    moved = Z.copy()
    rows = rng.choice(len(Z), 20, replace=False)
    moved[rows] = l2_normalize(moved[rows] + 0.3 * rng.normal(size=(20, Z.shape[1])))
    after = SmallSetClustering().fit_predict(moved)
    assert adjusted_rand_score(before, after) >= 0.9
    assert adjusted_rand_score(truth, after) >= 0.9


def test_mixture_theme_is_dissolved_into_the_content_themes():
    """Reports of several themes that share a side feature (a name) form no theme of their own."""
    Z, truth, rng = _themes(n_themes=6, per=20, noise=0.5)
    side = rng.normal(size=Z.shape[1])
    rows = np.concatenate([np.flatnonzero(truth == t)[:2] for t in range(6)])
    marked = Z.copy()
    marked[rows] = l2_normalize(Z[rows] + 1.3 * side / np.linalg.norm(side))
    labels = truth.copy()
    labels[rows] = 6  # as a clustering of the marked vectors would put them
    fixed = dissolve_mixture_themes(marked, labels, z_threshold=3.5, max_rounds=3)
    assert 6 not in set(fixed.tolist())
    assert (fixed[rows] == truth[rows]).mean() >= 0.8
    # real themes are not dissolved
    np.testing.assert_array_equal(dissolve_mixture_themes(Z, truth, 3.5, 3), truth)
    # and never below four themes
    few = np.where(truth < 3, truth, 2)
    np.testing.assert_array_equal(dissolve_mixture_themes(marked, few, 0.0, 3), few)


def test_reports_of_too_small_clusters_join_the_nearest_theme():
    Z = l2_normalize(np.random.default_rng(3).normal(size=(100, 16)))  # no themes: small clusters
    kept = SmallSetClustering(min_theme_size=4).fit_predict(Z)
    assert (kept < 0).any()
    attached = SmallSetClustering(min_theme_size=4, attach_small=True).fit_predict(Z)
    assert (attached >= 0).all()
    assert adjusted_rand_score(kept[kept >= 0], attached[kept >= 0]) >= 0.8


def test_plateau_cut_keeps_the_most_stable_number_of_themes():
    E = l2_normalize(np.eye(3)[[0] * 5 + [1] * 5 + [2] * 5] + 0.05)
    labels, cut, n = plateau_cut(E, np.arange(0.1, 0.9, 0.05), min_theme_size=3)
    assert n == 3 and 0.1 <= cut <= 0.9
    assert adjusted_rand_score(labels, np.repeat([0, 1, 2], 5)) == 1.0
    # clusters smaller than min_theme_size are outliers
    labels, _, n = plateau_cut(E[:12], np.arange(0.1, 0.9, 0.05), min_theme_size=3)
    assert n == 2 and labels.tolist()[-2:] == [-1, -1] and (labels[:10] >= 0).all()


def test_spectral_embedding_is_unit_rows_and_separates_the_groups():
    Z, truth, _ = _themes(n_themes=3, per=10)
    W = fuzzy_knn_graph(Z, 8)
    E = spectral_embedding(W, 4)
    assert E.shape == (30, 4)
    np.testing.assert_allclose(np.linalg.norm(E, axis=1), 1.0, atol=1e-9)
    np.testing.assert_array_equal(E, spectral_embedding(W.copy(), 4))
    # three separate groups: eigenvalue 1 three times, the eigengap rule keeps 2 vectors, and
    # rows of one group point the same way, rows of different groups apart
    E2 = spectral_embedding(W, 4, eigengap=0.2)
    assert E2.shape == (30, 2)
    cos = E2 @ E2.T
    same = truth[:, None] == truth[None, :]
    assert cos[same].min() > 0.99 and cos[~same].max() < 0.0


def test_degenerate_inputs():
    # identical rows: one theme, no error
    same = np.ones((45, 8))
    labels = SmallSetClustering().fit_predict(same)
    assert len(set(labels.tolist()) - {-1}) <= 1
    # fewer rows than neighbours
    few = _themes(n_themes=2, per=4, dim=8)[0]
    assert len(SmallSetClustering(n_neighbors=15, min_theme_size=2).fit_predict(few)) == 8
    with pytest.raises(InputError, match="at least 2"):
        SmallSetClustering().fit(np.ones((1, 4)))
    with pytest.raises(ConfigError, match="cut_search"):
        SmallSetClustering(cut_search=(0.7, 0.2)).fit(few)
    with pytest.raises(ConfigError, match="cut must"):
        SmallSetClustering(cut=2.5).fit(few)
    with pytest.raises(ConfigError, match="n_neighbors"):
        SmallSetClustering(n_neighbors=1).fit(few)


def test_plan_uses_the_small_set_path_only_where_it_applies():
    def algorithm(n: int, n_themes: int | str = "auto", reduction: str = "auto") -> str:
        plan = plan_clustering(n, n, n_themes, None, reduction, small_set_reports=(40, 500))
        return plan.algorithm

    small = plan_clustering(236, 236, "auto", None, "auto", small_set_reports=(40, 500))
    assert (small.algorithm, small.reduction, small.min_theme_size) == ("small_set", "none", 3)
    given = plan_clustering(236, 236, "auto", 6, "auto", small_set_reports=(40, 500))
    assert given.min_theme_size == 6
    # a fixed number of themes, an explicit reduction, too few or too many reports: as before
    assert algorithm(236, n_themes=7) == "kmeans"
    assert algorithm(236, reduction="umap") == "hdbscan"
    assert algorithm(30) == "agglomerative"
    assert algorithm(501) == "hdbscan"
    # off by default in plan_clustering itself
    assert plan_clustering(236, 236, "auto", None, "auto").algorithm == "hdbscan"


def test_theme_model_uses_it_and_is_seed_independent():
    # 120 reports (the small-set range); 64 dimensions: fewer fi-sv pairs than dimensions, so
    # no language rotation is fitted on these synthetic vectors
    Z, truth, _ = _themes(n_themes=5, per=24, dim=64)
    reports = pd.DataFrame(
        {
            "report_id": [f"r{i}" for i in range(len(Z))],
            "text": ["asunto vuokra"] * len(Z),
            "language": ["fi", "sv"] * (len(Z) // 2),
        }
    )
    first = ThemeModel(seed=1, analyzer_factory=lambda lang: str.split).fit(reports, Z)
    assert first.plan_.algorithm == "small_set"
    second = ThemeModel(seed=2, analyzer_factory=lambda lang: str.split).fit(reports, Z)
    np.testing.assert_array_equal(first.labels_, second.labels_)
    assert adjusted_rand_score(truth, first.labels_) >= 0.95
    assert first.outlier_share_ <= 0.1
