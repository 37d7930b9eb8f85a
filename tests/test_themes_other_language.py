"""Reports in neither Finnish nor Swedish join the theme of what they say, not one of their own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socanalysis.themes.space import dissolve_other_language_themes, l2_normalize

WORDS = {0: "asunto", 1: "terapia", 2: "omaishoitaja", 3: "velka", 4: "koulu"}
OTHER_OFFSET = 12.0


def _planted(seed: int = 0, n_per_topic: int = 30, n_other: int = 12, dim: int = 48):
    """Five topics in Finnish and Swedish, and English reports of topic 0. Each language adds
    an offset of its own, orthogonal to the topics; the English one is twice as long as the
    others (e5's vectors of another language stay apart once the Finnish and Swedish means are
    subtracted)."""
    rng = np.random.default_rng(seed)
    centres = 3.0 * rng.normal(size=(len(WORDS), dim))
    basis, _ = np.linalg.qr(centres.T)

    def offset(length: float) -> np.ndarray:
        v = rng.normal(size=dim)
        v -= basis @ (basis.T @ v)
        return length * v / np.linalg.norm(v)

    offsets = {"fi": offset(6.0), "sv": offset(6.0), "other": offset(OTHER_OFFSET)}
    n_fi_sv = len(WORDS) * n_per_topic
    topic = np.concatenate([np.repeat(np.arange(len(WORDS)), n_per_topic), np.zeros(n_other, int)])
    langs = np.concatenate(
        [np.where(np.arange(n_fi_sv) % 2 == 0, "fi", "sv"), np.full(n_other, "other")]
    )
    X = centres[topic] + rng.normal(size=(len(topic), dim))
    X += np.stack([offsets[lang] for lang in langs])
    texts = [f"{WORDS[t]} " * 40 for t in topic]
    frame = pd.DataFrame(
        {"report_id": [f"r{i}" for i in range(len(topic))], "text": texts, "language": langs}
    )
    return frame, X.astype(np.float32), topic, langs


@pytest.mark.parametrize("seed", [0, 1])
def test_other_language_reports_join_their_topic(monkeypatch, seed):
    from socanalysis.themes.keywords import settings
    from socanalysis.themes.model import ThemeModel

    frame, X, topic, langs = _planted(seed)
    other = langs == "other"
    monkeypatch.setitem(settings()["space"], "dissolve_other_language_themes", False)
    before = ThemeModel(seed=seed).fit(frame, X).labels_
    # what the step is for: without it the English reports are a theme of their own
    assert len(set(before[other])) == 1
    assert not np.isin(before[~other], before[other]).any()
    monkeypatch.setitem(settings()["space"], "dissolve_other_language_themes", True)
    after = ThemeModel(seed=seed).fit(frame, X).labels_
    topic0 = pd.Series(after[(topic == 0) & ~other]).mode()[0]
    assert (after[other] == topic0).all()
    # the Finnish and Swedish reports keep their themes (ids renumbered by size)
    kept = ~other
    pairs = set(zip(before[kept].tolist(), after[kept].tolist(), strict=True))
    assert len(pairs) == len(set(before[kept].tolist()))


def test_fixed_number_of_themes_is_left_alone(monkeypatch):
    from socanalysis.themes.keywords import settings
    from socanalysis.themes.model import ThemeModel

    monkeypatch.setitem(settings()["space"], "dissolve_other_language_themes", True)
    frame, X, _, langs = _planted(0)
    labels = ThemeModel(n_themes=6, seed=0).fit(frame, X).labels_
    # six themes asked for: the English reports' own theme is one of them and stays
    assert len(set(labels.tolist())) == 6
    other = langs == "other"
    assert len(set(labels[other])) == 1 and not np.isin(labels[~other], labels[other]).any()


def test_far_reports_stay_and_mixed_themes_are_untouched():
    Z = l2_normalize(
        np.array([[1, 0.1, 0], [1, -0.1, 0], [0.9, 0.2, 0.1], [0, 0, 1], [0.2, 0, 1], [0, 1, 0]])
    )
    langs = ["fi", "sv", "other", "other", "fi", "other"]
    labels = np.array([0, 0, 1, 2, 2, 3])
    out = dissolve_other_language_themes(Z, labels, langs, threshold=0.1)
    # theme 1 (other only) joins theme 0; theme 2 has a Finnish report, so it stays; theme 3
    # (other only) is orthogonal to every theme with Finnish or Swedish reports: it stays
    assert out.tolist() == [0, 0, 0, 2, 2, 3]
    # no theme has Finnish or Swedish reports: nothing to join
    only_other = ["other"] * 6
    np.testing.assert_array_equal(
        dissolve_other_language_themes(Z, labels, only_other, 0.1), labels
    )
    # outliers (-1) are not a theme, and "unknown" is not "other"
    labels = np.array([0, 0, -1, 1, 1, 1])
    langs = ["fi", "sv", "other", "unknown", "unknown", "unknown"]
    np.testing.assert_array_equal(dissolve_other_language_themes(Z, labels, langs, 0.1), labels)


def test_shipped_setting_is_on():
    from socanalysis.themes.keywords import settings

    assert settings()["space"]["dissolve_other_language_themes"] is True
    assert settings()["space"]["other_language_min_reports"] == 5


def _topic0_cosine(Z: np.ndarray, topic: np.ndarray, other: np.ndarray) -> float:
    centroid = l2_normalize(Z[(topic == 0) & ~other].mean(axis=0)[None])[0]
    return float((l2_normalize(Z[other]) @ centroid).mean())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_other_language_offset_is_matched_to_finnish_and_swedish_neighbours(seed):
    from socanalysis.themes.space import LanguageCentering

    frame, X, topic, langs = _planted(seed)
    other = langs == "other"
    keyed = np.where(other, "other:en", langs)
    between = LanguageCentering().fit(X, langs).transform(X, langs)
    centring = LanguageCentering(other_min_reports=5).fit(X, keyed)
    matched = centring.transform(X, keyed)
    assert set(centring.means_) == {"fi", "sv", "other:en"}
    # the English reports are all about topic 0: centred between Finnish and Swedish they keep
    # their language's offset; their own mean would take topic 0 away with the language
    Xn = l2_normalize(X)
    own_mean = Xn - np.where(other[:, None], Xn[other].mean(axis=0), centring._means(langs))
    assert _topic0_cosine(matched, topic, other) > 0.9
    assert _topic0_cosine(matched, topic, other) > _topic0_cosine(between, topic, other) + 0.1
    assert _topic0_cosine(own_mean, topic, other) < 0.5
    # the Finnish and Swedish reports are centred as before
    np.testing.assert_allclose(matched[~other], between[~other], atol=1e-6)


def test_other_languages_with_few_reports_or_no_name_stay_between():
    from socanalysis.themes.space import LanguageCentering

    frame, X, topic, langs = _planted(0, n_other=4)
    keyed = np.where(langs == "other", "other:et", langs)
    centring = LanguageCentering(other_min_reports=5).fit(X, keyed)
    assert "other:et" not in centring.means_
    np.testing.assert_array_equal(
        centring.transform(X, keyed), LanguageCentering().fit(X, langs).transform(X, langs)
    )
    # turned off, a named language with enough reports is centred between as well
    keyed = np.where(langs == "other", "other:en", langs)
    assert "other:en" not in LanguageCentering(other_min_reports=0).fit(X, keyed).means_


def test_theme_model_uses_the_detected_other_language_and_saves_it(tmp_path):
    from socanalysis.themes.model import ThemeModel

    frame, X, topic, langs = _planted(1)
    other = langs == "other"
    named = frame.assign(other_language=np.where(other, "en", ""))
    model = ThemeModel(seed=1).fit(named, X)
    assert "other:en" in model.centering_.means_
    topic0 = pd.Series(model.labels_[(topic == 0) & ~other]).mode()[0]
    assert (model.labels_[other] == topic0).all()
    # without the column the model centres them between Finnish and Swedish, as before
    assert "other:en" not in ThemeModel(seed=1).fit(frame, X).centering_.means_
    model.save(tmp_path / "m")
    loaded = ThemeModel.load(tmp_path / "m")
    np.testing.assert_array_equal(
        loaded.centering_.means_["other:en"], model.centering_.means_["other:en"]
    )
    pd.testing.assert_frame_equal(loaded.transform(named, X), model.transform(named, X))
    # the offset is what transform uses for new English reports
    assert not loaded.transform(named, X).equals(loaded.transform(frame, X))


def test_pipeline_names_the_language_of_other_reports():
    from socanalysis.config import AnalysisConfig
    from socanalysis.pipeline import _stage_language

    table = pd.DataFrame(
        {
            "text": [
                "Asiakas odottaa päätöstä toimeentulotuesta.",
                "The family does not understand the letters from Kela, which are only in Finnish.",
                "Klienten väntar på beslut om utkomststöd.",
                "Klient võttis mitu kiirlaenu ja nüüd on tal täitemenetlus.",
            ],
            "language": "",
            "language_confidence": float("nan"),
            "other_language": "",
        }
    )
    _stage_language(table, np.ones(len(table), dtype=bool), AnalysisConfig())
    assert table["language"].tolist() == ["fi", "other", "sv", "other"]
    assert table["other_language"].tolist() == ["", "en", "", "et"]
