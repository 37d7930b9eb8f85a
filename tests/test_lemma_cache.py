"""The lemma terms' disk cache: a run on texts seen before reads their terms instead of spaCy."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from socanalysis.nlp import analyzer, lemma_cache, tokens
from socanalysis.nlp.analyzer import LemmaAnalyzer, lemmatize_texts
from socanalysis.nlp.lemma_cache import (
    LemmaCache,
    LemmaCacheWarning,
    active_lemma_cache,
    fingerprint,
    lemma_disk_cache,
)

TEXTS = ["Nuorten asunnottomuus kasvaa kaupungissa", "Bostäderna är dyra för unga", "Asuntoja"]
LANGS = ["fi", "sv", "fi"]


def _refuse(*args, **kwargs):
    raise AssertionError("the spaCy pipeline was used")


def test_terms_come_back_from_disk_without_spacy(tmp_path, monkeypatch):
    with lemma_disk_cache(tmp_path) as disk:
        assert active_lemma_cache() is disk
        first = lemmatize_texts(TEXTS, LANGS)
    assert active_lemma_cache() is None
    assert disk.path == tmp_path / "lemmas" / "lemmas-v1.sqlite3" and disk.path.exists()
    assert first[0] == ["nuori", "asunnottomuus", "kasvaa", "kaupunki"]

    monkeypatch.setattr(analyzer, "_MEMO", {})
    monkeypatch.setattr(tokens, "get_pipeline", _refuse)
    with lemma_disk_cache(tmp_path):
        assert lemmatize_texts(TEXTS, LANGS) == first
        # a text seen before among new ones: only the new ones need the pipeline
        with pytest.raises(AssertionError, match="pipeline"):
            lemmatize_texts([*TEXTS, "Uusi teksti"], [*LANGS, "fi"])
    # no cache active: memory only, so the forgotten terms need the pipeline again
    monkeypatch.setattr(analyzer, "_MEMO", {})
    with pytest.raises(AssertionError, match="pipeline"):
        lemmatize_texts(TEXTS, LANGS)


def test_other_settings_or_languages_are_not_read_from_each_others_entries(tmp_path, monkeypatch):
    with lemma_disk_cache(tmp_path):
        stored = lemmatize_texts(TEXTS[:1], LANGS[:1])
    monkeypatch.setattr(analyzer, "_MEMO", {})
    monkeypatch.setattr(tokens, "get_pipeline", _refuse)
    with lemma_disk_cache(tmp_path):
        assert lemmatize_texts(TEXTS[:1], LANGS[:1]) == stored  # the same settings: read back
        with pytest.raises(AssertionError):
            LemmaAnalyzer("fi", min_len=5).lemmatize_texts(TEXTS[:1])
        with pytest.raises(AssertionError):
            lemmatize_texts(TEXTS[:1], ["sv"])


def test_a_new_lemmatiser_gives_a_new_fingerprint(monkeypatch):
    here = Path(lemma_cache.__file__).parent
    for name in lemma_cache._CODE:
        assert (here / name).is_file(), name
    for name in lemma_cache._DATA:
        assert (here / "data" / name).is_file(), name
    before = fingerprint()
    fingerprint.cache_clear()
    monkeypatch.setattr(lemma_cache, "_DATA", lemma_cache._DATA[1:])  # as if a file changed
    try:
        assert fingerprint() != before
    finally:
        fingerprint.cache_clear()


def test_a_damaged_cache_file_warns_and_the_terms_are_still_right(tmp_path):
    expected = lemmatize_texts(TEXTS, LANGS)
    path = tmp_path / "lemmas" / "lemmas-v1.sqlite3"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database" * 100)
    analyzer._MEMO.clear()
    with pytest.warns(LemmaCacheWarning, match="lemma cache"), lemma_disk_cache(tmp_path) as disk:
        assert lemmatize_texts(TEXTS, LANGS) == expected
    assert disk.disabled


def test_store_and_lookup_keep_positions_and_duplicates(tmp_path):
    cache = LemmaCache(tmp_path)
    keys = [b"a" * 16, b"b" * 16, b"a" * 16]
    assert cache.store("ns", keys[:2], [("yksi",), ()]) == 2
    assert cache.lookup("ns", keys) == {0: ("yksi",), 1: (), 2: ("yksi",)}
    assert cache.store("ns", keys[:1], [("muu",)]) == 1  # kept: the first entry stays
    assert cache.lookup("ns", keys[:1]) == {0: ("yksi",)}
    with pytest.raises(ValueError, match="expected 3 values"):
        cache.store("ns", keys, [()])
    cache.clear()
    assert not cache.path.exists() and cache.lookup("ns", keys) == {}


def test_a_second_analysis_of_the_same_reports_needs_no_spacy(tmp_path, monkeypatch):
    import socanalysis

    path = Path(__file__).parent.parent / "sample_data" / "reports_webropol.csv"
    table = socanalysis.read_reports(path).head(40)
    settings = {"embedder": "tfidf-lsa", "cache_dir": str(tmp_path), "seed": 3}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tfidf-lsa warns that it is monolingual
        first = socanalysis.analyze(table, **settings)
        assert (tmp_path / "lemmas" / "lemmas-v1.sqlite3").exists()
        monkeypatch.setattr(analyzer, "_MEMO", {})
        monkeypatch.setattr(tokens, "get_pipeline", _refuse)
        second = socanalysis.analyze(table, **settings)
        # use_cache=False keeps nothing on disk, so the lemmas need spaCy again
        monkeypatch.setattr(analyzer, "_MEMO", {})
        with pytest.raises(AssertionError, match="pipeline"):
            socanalysis.analyze(table, **{**settings, "cache_dir": str(tmp_path / "off")},
                                use_cache=False)  # fmt: skip
    assert not (tmp_path / "off" / "lemmas").exists()
    columns = ["report_id", "theme_id", "theme_label", "shl_suggested", "sectors_suggested"]
    assert second.reports[columns].equals(first.reports[columns])
    assert second.themes.equals(first.themes)


def test_terms_computed_before_the_cache_was_active_are_stored_too(tmp_path, monkeypatch):
    monkeypatch.setattr(analyzer, "_MEMO", {})
    before = lemmatize_texts(TEXTS, LANGS)  # memory only
    with lemma_disk_cache(tmp_path) as disk:
        assert lemmatize_texts(TEXTS, LANGS) == before  # from memory, and written to disk
    assert len(disk._known) == len(TEXTS)
    monkeypatch.setattr(analyzer, "_MEMO", {})
    monkeypatch.setattr(tokens, "get_pipeline", _refuse)
    with lemma_disk_cache(tmp_path):
        assert lemmatize_texts(TEXTS, LANGS) == before
