"""Tests of cross-language pairs: the blockwise search and keeping pairs in one theme."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socanalysis.themes import pairs as pairs_module
from socanalysis.themes.pairs import (
    cross_language_pairs,
    keep_pairs_together,
    mutual_nearest_pairs,
)
from socanalysis.themes.space import l2_normalize


def _brute_force(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mutual nearest neighbours and margins from the whole similarity matrix at once."""
    sims = A @ B.T
    best_b, best_a = sims.argmax(axis=1), sims.argmax(axis=0)
    a = np.flatnonzero(best_a[best_b] == np.arange(len(A)))
    b = best_b[a]
    second_row = np.sort(sims, axis=1)[:, -2][a] if sims.shape[1] > 1 else np.full(len(a), -np.inf)
    second_col = np.sort(sims, axis=0)[-2, :][b] if sims.shape[0] > 1 else np.full(len(a), -np.inf)
    return a, b, sims[a, b] - np.maximum(second_row, second_col)


@pytest.mark.parametrize("n_a, n_b, block", [(50, 40, 7), (13, 60, 5), (30, 1, 4), (1, 30, 4)])
def test_blockwise_search_equals_the_whole_matrix(monkeypatch, n_a, n_b, block):
    rng = np.random.default_rng(n_a * 100 + n_b)
    A = l2_normalize(rng.normal(size=(n_a, 8)).astype(np.float32))
    B = l2_normalize(rng.normal(size=(n_b, 8)).astype(np.float32))
    monkeypatch.setattr(pairs_module, "_BLOCK_ROWS", block)
    a, b, margins = mutual_nearest_pairs(A, B)
    want_a, want_b, want_margins = _brute_force(A, B)
    np.testing.assert_array_equal(a, want_a)
    np.testing.assert_array_equal(b, want_b)
    np.testing.assert_allclose(margins, want_margins, atol=1e-6)
    assert len(a) >= 1  # the globally most similar pair is always mutual
    # the margin filter keeps exactly the pairs at or above it
    cut = float(np.median(margins)) if np.isfinite(margins).all() else 0.5
    kept_a, _, kept_margins = mutual_nearest_pairs(A, B, min_margin=cut)
    np.testing.assert_array_equal(kept_a, a[margins >= cut])
    assert (kept_margins >= cut).all()


def test_ties_go_to_the_earlier_row_in_every_block(monkeypatch):
    A = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], dtype=np.float32)  # rows 0 and 2 equal
    B = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    monkeypatch.setattr(pairs_module, "_BLOCK_ROWS", 2)  # row 2 in a later block than row 0
    a, b, margins = mutual_nearest_pairs(A, B)
    assert a.tolist() == [0, 1] and b.tolist() == [0, 1]
    # row 0's counterpart has a second, equal match (row 2): no margin at all
    assert margins[0] == pytest.approx(0.0) and margins[1] == pytest.approx(1.0)
    assert mutual_nearest_pairs(A, B, min_margin=0.05)[0].tolist() == [1]


def test_empty_sides_give_no_pairs():
    A = np.ones((3, 4), dtype=np.float32)
    for a, b, margins in (
        mutual_nearest_pairs(A, A[:0]),
        mutual_nearest_pairs(A[:0], A),
    ):
        assert a.size == b.size == margins.size == 0


def _translations(n: int, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """``n`` Finnish vectors, Swedish near-copies of them, and two reports in other languages."""
    rng = np.random.default_rng(seed)
    fi = rng.normal(size=(n, 16))
    sv = fi + 0.05 * rng.normal(size=(n, 16))
    other = rng.normal(size=(2, 16))
    Z = l2_normalize(np.vstack([fi, other, sv[::-1]]).astype(np.float32))
    return Z, ["fi"] * n + ["mixed", "other"] + ["sv"] * n


def test_translations_are_found_and_other_languages_left_out():
    Z, langs = _translations(30)
    a, b = cross_language_pairs(Z, langs, min_margin=0.05)
    assert len(a) == 30
    # Swedish rows are stored in reverse order after the two other-language rows
    np.testing.assert_array_equal(b, 32 + (29 - a))
    assert all(langs[i] == "fi" for i in a) and all(langs[i] == "sv" for i in b)
    none_a, none_b = cross_language_pairs(Z, langs, min_margin=0.05, max_reports=len(Z) - 1)
    assert none_a.size == none_b.size == 0  # above max_reports the search is skipped


def test_topic_neighbours_without_a_clear_match_are_no_pairs():
    # Finnish and Swedish reports drawn independently around the same 3 topics: mutual
    # nearest neighbours exist, but few beat their runners-up clearly
    rng = np.random.default_rng(4)
    centres = rng.normal(size=(3, 16))
    X = centres[rng.integers(0, 3, 300)] + 0.6 * rng.normal(size=(300, 16))
    Z = l2_normalize(X.astype(np.float32))
    langs = ["fi"] * 150 + ["sv"] * 150
    loose = cross_language_pairs(Z, langs, min_margin=0.0)[0]
    strict = cross_language_pairs(Z, langs, min_margin=0.05)[0]
    assert len(loose) >= 20 and len(strict) <= len(loose) // 2


def test_split_pairs_take_the_nearer_theme():
    # themes 0 and 1 around the two axes; reports 4-9 are three pairs
    Z = l2_normalize(
        np.array(
            [
                [1.0, 0.0, 0.0], [1.0, 0.1, 0.0],  # theme 0
                [0.0, 1.0, 0.0], [0.1, 1.0, 0.0],  # theme 1
                [0.9, 0.3, 0.0], [0.6, 0.4, 0.1],  # pair split 0 / 1, nearer theme 0
                [0.2, 0.9, 0.1], [0.0, 0.0, 1.0],  # pair split 1 / -1
                [0.0, 0.1, 1.0], [0.1, 0.0, 1.0],  # pair both in -1
            ],
            dtype=np.float32,
        )
    )  # fmt: skip
    labels = np.array([0, 0, 1, 1, 0, 1, 1, -1, -1, -1])
    a, b = np.array([4, 6, 8]), np.array([5, 7, 9])
    out = keep_pairs_together(Z, labels, a, b)
    assert out.tolist() == [0, 0, 1, 1, 0, 0, 1, 1, -1, -1]
    assert labels.tolist() == [0, 0, 1, 1, 0, 1, 1, -1, -1, -1]  # input not modified
    # the choice does not depend on which side of the pair is Finnish
    np.testing.assert_array_equal(keep_pairs_together(Z, labels, b, a), out)
    # no pairs, or pairs already together: nothing changes
    np.testing.assert_array_equal(keep_pairs_together(Z, labels, a[:0], b[:0]), labels)
    together = np.array([0, 0, 1, 1, 0, 0, 1, 1, -1, -1])
    np.testing.assert_array_equal(keep_pairs_together(Z, together, a, b), together)


def test_theme_model_keeps_translation_pairs_together(monkeypatch):
    from socanalysis.nlp.embed_text import embedded_lengths
    from socanalysis.themes.keywords import settings
    from socanalysis.themes.model import ThemeModel

    # 60 Finnish vectors around 3 overlapping topics and noisy Swedish translations of them:
    # the clustering alone splits some pairs between themes
    rng = np.random.default_rng(11)
    topics = rng.integers(0, 3, 60)
    fi = 0.3 * rng.normal(size=(3, 32))[topics] + rng.normal(size=(60, 32))
    sv = fi + 0.8 * rng.normal(size=(60, 32))
    X = np.vstack([fi, sv]).astype(np.float32)
    frame = pd.DataFrame(
        {
            "report_id": [f"r{i}" for i in range(120)],
            "text": [f"teksti {i}" for i in range(120)],
            "language": ["fi"] * 60 + ["sv"] * 60,
        }
    )

    def fit(enabled: bool) -> ThemeModel:
        monkeypatch.setitem(settings()["space"]["pairs_together"], "enabled", enabled)
        return ThemeModel(n_themes=3, seed=1).fit(frame, X)

    off, on = fit(False), fit(True)
    assert off.n_pairs_ == 0 and on.n_pairs_ >= 30
    split_before = np.mean(off.labels_[:60] != off.labels_[60:])
    assert split_before > 0  # the case this guards: the clustering alone splits pairs
    Z = on.centering_.transform(X, frame["language"], embedded_lengths(frame["text"]))
    a, b = cross_language_pairs(Z, frame["language"], min_margin=0.05)
    assert len(a) == on.n_pairs_
    np.testing.assert_array_equal(on.labels_[a], on.labels_[b])
    assert np.mean(on.labels_[:60] != on.labels_[60:]) < split_before
    # analyze records how many pairs were kept together in run.json
    from socanalysis.pipeline import _theme_run_info

    assert _theme_run_info(on)["cross_language_pairs"] == on.n_pairs_
