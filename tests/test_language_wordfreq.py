"""Word-frequency features for language identification (wordfreq at training time only)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from socanalysis.errors import ConfigError
from socanalysis.nlp.language import LanguageDetector
from socanalysis.nlp.language_wordfreq import WordFreqFeaturizer, build_word_freq_table


def _table(rows: dict[str, list[int]], languages: list[str]) -> dict[str, object]:
    """A word-frequency table in the weights-file layout from Zipf values in tenths."""
    words = sorted(rows)
    raw = bytes(v for w in words for v in rows[w])
    return {
        "languages": languages,
        "words": "\n".join(words),
        "zipf": base64.b64encode(raw).decode("ascii"),
        "top": 3,
        "wordfreq_version": "test",
    }


LANGS = ["fi", "sv", "da"]
TABLE = _table(
    {
        "och": [10, 70, 0],  # Swedish
        "det": [0, 70, 70],  # Swedish and Danish alike
        "ja": [75, 60, 0],  # Finnish, also Swedish "yes"
        "paiva": [50, 0, 0],  # a/o-typed "päivä"
    },
    LANGS,
)


def test_features_are_scaled_zipf_frequency_shares_and_a_seen_flag() -> None:
    wf = WordFreqFeaturizer(TABLE)
    assert wf.feature_names_ == [
        "wf_zipf_fi",
        "wf_zipf_sv",
        "wf_zipf_da",
        "wf_share_fi",
        "wf_share_sv",
        "wf_share_other",
        "wf_seen",
    ]
    X = wf.transform([["och"], ["det"], ["ja", "xyz"], ["paiva"], []])
    assert X.shape == (5, 7)
    np.testing.assert_allclose(X[0, :3], [1.0 / 8, 7.0 / 8, 0.0], rtol=1e-6)
    # "och": fi at Zipf 1 against sv at 7, a millionth of its frequency
    np.testing.assert_allclose(X[0, 3:], [1e-6, 1 - 1e-6, 0.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(X[1, 3:], [0.0, 0.5, 0.5, 1.0], atol=1e-6)  # "det" is shared
    # a segment is the mean of its words; an unknown word has no preference and is not seen
    ja = 10**7.5 / (10**7.5 + 10**6)
    np.testing.assert_allclose(
        X[2, 3:], [(ja + 1 / 3) / 2, (1 - ja + 1 / 3) / 2, (0 + 1 / 3) / 2, 0.5], rtol=1e-5
    )
    np.testing.assert_allclose(X[3, :3], [50 / 80, 0.0, 0.0], rtol=1e-6)
    assert not X[4].any()
    only_share = WordFreqFeaturizer(TABLE, features=("share",)).transform([["och"]])
    np.testing.assert_allclose(only_share[0], X[0, 3:], rtol=1e-6)


def test_bad_tables_and_settings_raise_config_errors() -> None:
    with pytest.raises(ConfigError, match="zipf"):
        WordFreqFeaturizer(TABLE, features=("ratio",))
    with pytest.raises(ConfigError, match="lacks 'zipf'"):
        WordFreqFeaturizer({"languages": LANGS, "words": "och"})
    with pytest.raises(ConfigError, match="do not match"):
        WordFreqFeaturizer({**TABLE, "zipf": base64.b64encode(b"\x01\x02").decode()})
    with pytest.raises(ConfigError, match="fi and sv"):
        WordFreqFeaturizer(_table({"og": [70, 70]}, ["da", "nb"]))


def _fit_texts() -> tuple[list[str], list[str]]:
    from tests.test_language import _fit_texts as texts

    return texts()


def test_fit_stores_the_table_and_detecting_never_needs_wordfreq(monkeypatch) -> None:
    texts, labels = _fit_texts()
    plain = LanguageDetector().fit(texts, labels)
    det = LanguageDetector().fit(texts, labels, word_freq=TABLE, word_freq_features=("share",))
    assert det.weights_["word_freq"] == TABLE
    assert det.weights_["word_freq_features"] == ["share"]
    n_coef = len(det.weights_["buckets"][0]["full"]["coef"][0])
    assert n_coef == len(plain.weights_["buckets"][0]["full"]["coef"][0]) + 4
    assert "word_freq" not in plain.weights_  # weights without it keep their old layout
    again = LanguageDetector().fit(texts, labels, word_freq=TABLE, word_freq_features=("share",))
    assert again.weights_ == det.weights_  # deterministic
    # through JSON, with wordfreq unimportable: the same tags
    monkeypatch.setitem(sys.modules, "wordfreq", None)
    loaded = LanguageDetector(weights=json.loads(json.dumps(det.weights_)))
    pd.testing.assert_frame_equal(loaded.detect(texts[:30]), det.detect(texts[:30]))


def test_building_a_table_without_wordfreq_says_how_to_install_it(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "wordfreq", None)
    with pytest.raises(ConfigError, match="pip install 'wordfreq"):
        build_word_freq_table(100)


def test_package_and_detector_work_without_wordfreq() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["wordfreq"] = None  # as if not installed: importing it raises
        import socanalysis
        from socanalysis.nlp.language import detect_languages
        out = detect_languages(["Asiakas odottaa päätöstä", "Klienten väntar på beslut", "ja"])
        print(",".join(out["language"]))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd="."
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().split(",")[:2] == ["fi", "sv"]


def test_table_from_wordfreq_is_deterministic_with_a_o_typed_forms() -> None:
    pytest.importorskip("wordfreq")
    table = build_word_freq_table(top=300)
    assert table == build_word_freq_table(top=300)
    assert table["languages"] == ["fi", "sv", "da", "nb", "en", "de"]
    words = table["words"].split("\n")
    assert words == sorted(words) and len(words) == len(set(words))
    assert all(w.isalpha() and w == w.lower() for w in words)  # one token each, no digits
    wf = WordFreqFeaturizer(table, features=("zipf",))
    X = wf.transform([["och"], ["är"], ["ar"], ["että"], ["etta"]])
    sv, fi = wf.feature_names_.index("wf_zipf_sv"), wf.feature_names_.index("wf_zipf_fi")
    assert X[0, sv] * 8 > 7.0 and X[0, fi] * 8 < 5.0  # "och" is very common Swedish only
    # "ar" is no top-300 word, so it stands for "är" (and whatever else folds to it)
    assert X[2, sv] >= X[1, sv] > 0.8
    assert X[4, fi] >= X[3, fi] > 0.8
    # the training settings turn a vocabulary size into this table
    from socanalysis.nlp.language_training import fit_settings

    params = fit_settings({"min_groups": 1, "word_freq_top": 300, "word_freq_features": ["zipf"]})
    assert params == {"min_groups": 1, "word_freq": table, "word_freq_features": ["zipf"]}
