"""Start-up and repeated work of the lemmatiser: spaCy without torch, terms memoised."""

from __future__ import annotations

import subprocess
import sys

import pytest

from socanalysis.nlp import analyzer as analyzer_module
from socanalysis.nlp.analyzer import LemmaAnalyzer

TEXTS = [
    "Asunnot ja asuntojen vuokrat nousevat, nuoret eivät löydä asuntoa.",
    "Bostäderna är dyra och bostaden saknas för unga.",
    "Toimeentulotuen käsittely viivästyy ja asiakas jää ilman rahaa.",
]


def test_spacy_is_imported_without_torch_and_torch_still_imports_later():
    code = (
        "import sys\n"
        "from socanalysis.nlp.analyzer import LemmaAnalyzer\n"
        "print(LemmaAnalyzer('fi')('Asunnot ovat kalliita'))\n"
        "print('torch' in sys.modules, 'spacy' in sys.modules)\n"
        "import torch\n"  # a later user of torch (sentence-transformers) is not affected
        "print(hasattr(torch, 'tensor'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split("\n")
    assert out[0] == "['asunto', 'kallis']"
    assert out[1] == "False True"
    assert out[2] == "True"


@pytest.fixture
def empty_memo(monkeypatch):
    monkeypatch.setattr(analyzer_module, "_MEMO", {})
    return analyzer_module._MEMO


def test_memoised_terms_equal_fresh_ones(empty_memo):
    fi = LemmaAnalyzer("fi")
    first = fi.lemmatize_texts(TEXTS)
    assert len(empty_memo) == len(TEXTS)
    again = fi.lemmatize_texts(TEXTS)
    assert again == first
    empty_memo.clear()
    assert fi.lemmatize_texts(TEXTS) == first
    # a caller changing the returned list does not change the memo
    again[0].append("x")
    assert fi.lemmatize_texts(TEXTS)[0] == first[0]


def test_memo_hit_skips_the_pipeline(empty_memo, monkeypatch):
    sv = LemmaAnalyzer("sv")
    expected = sv.lemmatize_texts(TEXTS[1:2])

    def no_pipeline(*args, **kwargs):
        raise AssertionError("the pipeline ran for a text analysed before")

    monkeypatch.setattr("socanalysis.nlp.tokens.get_pipeline", no_pipeline)
    assert sv.lemmatize_texts(TEXTS[1:2]) == expected


def test_memo_keeps_settings_and_languages_apart(empty_memo):
    text = TEXTS[0]
    kept = LemmaAnalyzer("fi", drop_stopwords=False).lemmatize_texts([text])[0]
    dropped = LemmaAnalyzer("fi").lemmatize_texts([text])[0]
    pairs = LemmaAnalyzer("fi", ngram_range=(1, 2)).lemmatize_texts([text])[0]
    as_swedish = LemmaAnalyzer("sv").lemmatize_texts([text])[0]
    assert "ja" in kept and "ja" not in dropped
    assert any(" " in term for term in pairs) and not any(" " in term for term in dropped)
    assert as_swedish != dropped
    # per-text languages: each text keyed by the pipeline it ran through
    mixed = LemmaAnalyzer().lemmatize_texts(TEXTS, ["fi", "sv", "fi"])
    assert mixed[0] == dropped and mixed[1] == LemmaAnalyzer("sv")(TEXTS[1])


def test_memo_is_bounded(empty_memo, monkeypatch):
    monkeypatch.setattr(analyzer_module, "_MEMO_MAX", 2)
    fi = LemmaAnalyzer("fi")
    results = fi.lemmatize_texts(TEXTS)
    assert len(empty_memo) <= 2
    assert fi.lemmatize_texts(TEXTS) == results
