"""Tests of the theme space: language alignment, consensus layouts, centroid refinement."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socanalysis.themes.space import (
    LanguageCentering,
    l2_normalize,
    layout_seeds,
    plan_clustering,
    reduce,
    refine_to_centroids,
)


def _rotated_languages(n: int, dim: int, seed: int = 0) -> tuple[np.ndarray, list[str], np.ndarray]:
    """``n`` Finnish vectors and their Swedish "translations": the same point, rotated, shifted."""
    rng = np.random.default_rng(seed)
    fi = rng.normal(size=(n, dim))
    # the "language" rotation: partial, like e5's (its vectors of translations are close, not
    # equal), so that mutual nearest neighbours are mostly right before the alignment
    q, r = np.linalg.qr(np.eye(dim) + 0.35 * rng.normal(size=(dim, dim)))
    q = q * np.sign(np.diag(r))
    sv = fi @ q + 0.02 * rng.normal(size=(n, dim)) + 0.5  # plus a language mean
    X = np.vstack([fi, sv]).astype(np.float32)
    return X, ["fi"] * n + ["sv"] * n, q


def _pairs_found(Z: np.ndarray, n: int) -> float:
    return float(np.mean((Z[:n] @ Z[n:].T).argmax(axis=1) == np.arange(n)))


def test_alignment_recovers_a_rotation_between_languages():
    X, langs, _ = _rotated_languages(200, 16)
    centred = LanguageCentering(align=False).fit(X, langs).transform(X, langs)
    aligner = LanguageCentering(align=True, seed=3).fit(X, langs)
    aligned = aligner.transform(X, langs)
    # mean centering alone cannot undo a rotation; the Procrustes map does
    assert _pairs_found(centred, 200) < 0.9
    assert aligner.n_align_pairs_ >= 16 and set(aligner.rotations_) == {"sv"}
    assert _pairs_found(aligned, 200) >= 0.95
    rotation = aligner.rotations_["sv"]
    np.testing.assert_allclose(rotation @ rotation.T, np.eye(16), atol=1e-4)
    # determinism, and Finnish rows are not rotated
    again = LanguageCentering(align=True, seed=3).fit(X, langs).transform(X, langs)
    np.testing.assert_array_equal(aligned, again)
    np.testing.assert_allclose(aligned[:200], centred[:200], atol=1e-6)


def test_margin_keeps_translations_and_drops_chance_pairs():
    X, langs, _ = _rotated_languages(200, 16, seed=1)
    translations = LanguageCentering(align=True, align_min_margin=0.05, seed=3).fit(X, langs)
    assert set(translations.rotations_) == {"sv"} and translations.n_align_pairs_ >= 50
    assert _pairs_found(translations.transform(X, langs), 200) >= 0.85  # centred alone: 0.18
    # no translations: Finnish and Swedish points drawn independently from the same 4 topics
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 16))
    fi = centres[rng.integers(0, 4, 400)] + 0.5 * rng.normal(size=(400, 16))
    sv = centres[rng.integers(0, 4, 400)] + 0.5 * rng.normal(size=(400, 16)) + 0.5
    Xc, langs_c = np.vstack([fi, sv]).astype(np.float32), ["fi"] * 400 + ["sv"] * 400
    loose = LanguageCentering(align=True, seed=1).fit(Xc, langs_c)
    assert loose.n_align_pairs_ >= 16 and loose.rotations_  # chance pairs, rotated anyway
    strict = LanguageCentering(align=True, align_min_margin=0.05, seed=1).fit(Xc, langs_c)
    assert strict.n_align_pairs_ < 16 and strict.rotations_ == {}
    plain = LanguageCentering(align=False).fit(Xc, langs_c).transform(Xc, langs_c)
    np.testing.assert_array_equal(strict.transform(Xc, langs_c), plain)


def test_alignment_needs_as_many_pairs_as_dimensions():
    X, langs, _ = _rotated_languages(10, 32)  # at most 10 pairs for 32 dimensions
    aligner = LanguageCentering(align=True).fit(X, langs)
    assert aligner.rotations_ == {}
    plain = LanguageCentering(align=False).fit(X, langs).transform(X, langs)
    np.testing.assert_array_equal(aligner.transform(X, langs), plain)
    # one language only: nothing to align
    one = LanguageCentering(align=True).fit(X[:10], langs[:10])
    assert one.rotations_ == {} and one.n_align_pairs_ == 0


def test_layout_seeds_are_independent_between_runs():
    assert layout_seeds(5, 3) == layout_seeds(5, 3)
    assert len(set(layout_seeds(5, 3))) == 3
    # neighbouring run seeds share no layout (seed + i would: 1+1 == 2+0)
    assert not set(layout_seeds(1, 3)) & set(layout_seeds(2, 3))


def test_plan_consensus_only_for_the_umap_path():
    plan = plan_clustering(500, 500, "auto", None, "auto", n_layouts=3, n_epochs=170)
    assert (plan.n_layouts, plan.n_epochs, plan.selection) == (3, 170, "eom")
    small = plan_clustering(30, 30, "auto", None, "auto", n_layouts=3)
    assert small.reduction == "none"
    big = plan_clustering(30_000, 30_000, "auto", None, "auto", n_layouts=3, n_epochs=170)
    assert (big.reduction, big.n_layouts, big.n_epochs) == ("pca+umap", 1, None)
    # a plan saved before these fields existed still loads with the old behaviour
    from socanalysis.themes.space import ClusterPlan

    old = ClusterPlan("umap", "hdbscan", None, 5, 5, 15)
    assert (old.n_layouts, old.n_epochs, old.selection) == (1, None, "eom")


@pytest.mark.slow
def test_consensus_layouts_are_seeded_and_stacked():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 24))
    Z = l2_normalize(np.repeat(centres, 20, axis=0) + 0.3 * rng.normal(size=(80, 24)))
    plan = plan_clustering(len(Z), len(Z), "auto", None, "auto", n_layouts=3, n_epochs=60)
    R = reduce(Z, plan, seed=4)
    assert R.shape == (80, 15) and R.dtype == np.float32
    np.testing.assert_array_equal(R, reduce(Z, plan, seed=4))
    # each layout is standardised: no layout dominates the distances
    spreads = [float(R[:, 5 * i : 5 * i + 5].std(axis=0).mean()) for i in range(3)]
    np.testing.assert_allclose(spreads, 1.0, rtol=1e-3)
    # the layouts differ (independent seeds), yet agree on the four groups
    assert not np.allclose(R[:, :5], R[:, 5:10])
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    truth = np.repeat(np.arange(4), 20)
    for i in range(3):
        part = KMeans(4, n_init=4, random_state=0).fit_predict(R[:, 5 * i : 5 * i + 5])
        assert adjusted_rand_score(truth, part) >= 0.9


def test_refine_moves_border_reports_to_the_nearest_centroid():
    Z = l2_normalize(
        np.array([[1, 0.0], [0.95, 0.1], [0.9, 0.2], [0.1, 1], [0.0, 1], [0.8, 0.3]], dtype=float)
    )
    labels = np.array([0, 0, 0, 1, 1, 1])  # the last report sits with theme 0's reports
    refined = refine_to_centroids(Z, labels, iterations=5)
    assert refined.tolist() == [0, 0, 0, 1, 1, 0]
    assert refine_to_centroids(Z, labels, iterations=0).tolist() == labels.tolist()
    # outliers stay outliers
    with_outlier = np.array([0, 0, 0, 1, 1, -1])
    assert refine_to_centroids(Z, with_outlier, iterations=3)[-1] == -1


def test_alignment_is_on_with_a_margin_by_default():
    # measured in docs/themes.md ("Deciding the alignment"): without the margin it fits chance
    # pairs on reports and costs NMI
    from socanalysis.themes.keywords import settings

    space = settings()["space"]
    assert space["align_languages"] is True and space["align_min_margin"] == 0.05


def test_default_model_rotates_translations_only():
    from socanalysis.themes.model import ThemeModel

    X, langs, _ = _rotated_languages(400, 16, seed=2)
    frame = pd.DataFrame(
        {"report_id": [f"r{i}" for i in range(len(X))], "text": ["a"] * 800, "language": langs}
    )
    model = ThemeModel(n_themes=3, reduction="none", seed=1).fit(frame, X)
    assert set(model.centering_.rotations_) == {"sv"}
    assert model.centering_.align_min_margin == 0.05
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 16))
    no_translations = np.vstack(
        [centres[rng.integers(0, 4, 400)] + 0.5 * rng.normal(size=(400, 16)),
         centres[rng.integers(0, 4, 400)] + 0.5 * rng.normal(size=(400, 16)) + 0.5]
    ).astype(np.float32)  # fmt: skip
    other = ThemeModel(n_themes=3, reduction="none", seed=1).fit(frame, no_translations)
    assert other.centering_.rotations_ == {}


def test_saved_model_keeps_the_alignment(tmp_path):
    from socanalysis.themes.model import ThemeModel

    X, langs, _ = _rotated_languages(400, 16, seed=2)
    frame = pd.DataFrame(
        {
            "report_id": [f"r{i}" for i in range(len(X))],
            "text": ["asunto vuokra"] * 400 + ["bostad hyra"] * 400,
            "language": langs,
        }
    )
    model = ThemeModel(n_themes=3, reduction="none", seed=1).fit(frame, X)
    assert set(model.centering_.rotations_) == {"sv"}
    model.save(tmp_path / "m")
    loaded = ThemeModel.load(tmp_path / "m")
    np.testing.assert_array_equal(
        loaded.centering_.rotations_["sv"], model.centering_.rotations_["sv"]
    )
    pd.testing.assert_frame_equal(model.transform(frame, X), loaded.transform(frame, X))
