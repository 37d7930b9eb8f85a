"""The dictionary store: memory-mapped tries of simplemma's dictionaries, same answers."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

marisa_trie = pytest.importorskip("marisa_trie")

import simplemma  # noqa: E402
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy  # noqa: E402
from simplemma.strategies.dictionaries import DefaultDictionaryFactory  # noqa: E402

from socanalysis.nlp import dictionaries, lemmas  # noqa: E402
from socanalysis.nlp.dictionaries import DictionaryStore, default_cache_dir  # noqa: E402
from socanalysis.nlp.simplemma_files import DecodedDictionary  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SMALL = "ms"  # simplemma's smallest dictionary (about 15 000 forms): a real build in a blink

# Report vocabulary that exercises every path: dictionary forms, names (capitalised lemmas),
# compounds simplemma decomposes or not, ä/ö typed as a/o, abbreviations, hyphens, apostrophes
WORDS = [
    "asunnon", "Asunnon", "ASUNNON", "toimeentulotuesta", "mielenterveyspalveluihin",
    "paivahoidossa", "päivähoidossa", "omaishoidontuen", "lahisuhdevakivalta", "Matille",
    "Turussa", "Kelalta", "nuorilla", "tukea", "saa", "Opiskeleeko", "Aikuissosiaalityöhön",
    "Hirvikoski", "Virtaselle", "ttt", "SHL", "TE-palvelut", "mt-palveluihin", "ttt:n",
    "bostäderna", "mentalvårdstjänsterna", "närståendevårdarna", "Skolan", "eftervården",
    "hemvården", "barnskyddsanmälningar", "beslutet", "Mannen", "Dom", "Lindström",
    "Ungdomsstationen", "O'Brien", "d’Artagnan", "xyzzyq", "2024", "a", "å", "a\x00b",
    "a\u0308iti", "Ａ", "Ab" * 300,
]  # fmt: skip


def _sample_words() -> list[str]:
    """Every word type of the sample reports, as written and in lower case."""
    with open(ROOT / "sample_data/reports_webropol.csv", encoding="utf-8-sig") as fh:
        text = " ".join(cell for row in csv.reader(fh, delimiter=";") for cell in row)
    words = set(re.findall(r"[^\W\d_]+(?:[-:'’][^\W\d_]+)*", text))
    return sorted(words | {w.lower() for w in words})


def test_trie_holds_exactly_simplemmas_dictionary(tmp_path):
    store = DictionaryStore(tmp_path)
    ours = store.get_dictionary(SMALL)
    theirs = DefaultDictionaryFactory(cache_max_size=1).get_dictionary(SMALL)
    assert store.sources == {SMALL: "built"}
    assert len(ours) == len(theirs) > 10_000
    assert dict(ours.items()) == dict(theirs.items())
    assert ours.get("no-such-form-here") is None
    with pytest.raises(KeyError):
        ours["no-such-form-here"]
    assert "no-such-form-here" not in ours


def test_memo_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(dictionaries, "_MEMO_LIMIT", 3)
    mapping = DictionaryStore(tmp_path).get_dictionary(SMALL)
    words = ["rumah", "x1", "x2", "x3", "rumah"]
    assert [mapping.get(w) for w in words] == ["rumah", None, None, None, "rumah"]
    assert len(mapping._memo) <= 3


def test_built_once_then_memory_mapped(tmp_path):
    first = DictionaryStore(tmp_path)
    first.get_dictionary(SMALL)
    path = first.path(SMALL)
    assert path.is_file() and path.parent == tmp_path
    assert simplemma.__version__ in path.name and f"v{dictionaries.CACHE_FORMAT}" in path.name
    stamp = path.stat().st_mtime_ns
    again = DictionaryStore(tmp_path)
    assert again.get_dictionary(SMALL).get("rumah") == first.get_dictionary(SMALL).get("rumah")
    assert again.sources == {SMALL: "trie"}
    assert path.stat().st_mtime_ns == stamp  # read, not rebuilt
    # no temporary files left, only the trie and its build lock
    assert {p.name for p in tmp_path.iterdir()} == {path.name, path.stem + ".lock"}


def test_damaged_file_is_rebuilt(tmp_path):
    store = DictionaryStore(tmp_path)
    path = store.path(SMALL)
    path.write_bytes(b"not a trie at all")
    mapping = store.get_dictionary(SMALL)
    assert store.sources == {SMALL: "built"}
    assert len(mapping) == len(DefaultDictionaryFactory().get_dictionary(SMALL))


def test_other_simplemma_versions_are_removed(tmp_path):
    stale = tmp_path / f"simplemma-0.0.1-v1-{SMALL}.marisa"
    other_lang = tmp_path / "simplemma-0.0.1-v1-fi.marisa"
    stale.write_bytes(b"old")
    other_lang.write_bytes(b"old")
    DictionaryStore(tmp_path).get_dictionary(SMALL)
    assert not stale.exists()
    assert other_lang.exists()  # only the language just built is cleaned


def test_unwritable_folder_falls_back_to_simplemma(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the cache folder should be")
    store = DictionaryStore(blocker / "lemmas")
    mapping = store.get_dictionary(SMALL)
    assert store.sources == {SMALL: "simplemma"}
    assert mapping.get("rumah") == simplemma.lemmatize("rumah", SMALL)
    assert not (blocker / "lemmas").exists()


def test_no_cache_folder_uses_simplemma(monkeypatch):
    store = DictionaryStore(None)
    assert store.path(SMALL) is None
    store.get_dictionary(SMALL)
    assert store.sources == {SMALL: "simplemma"}


def test_cache_folder_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SOCANALYSIS_CACHE_DIR", str(tmp_path))
    assert default_cache_dir() == tmp_path / "lemmas"
    assert DictionaryStore().cache_dir == tmp_path / "lemmas"
    monkeypatch.setenv("SOCANALYSIS_CACHE_DIR", "")
    assert default_cache_dir() is None
    monkeypatch.delenv("SOCANALYSIS_CACHE_DIR")
    assert default_cache_dir().name == "lemmas"


def test_unknown_language_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="Unsupported language: xx"):
        DictionaryStore(tmp_path).get_dictionary("xx")
    assert list(tmp_path.iterdir()) == []


def test_processes_building_at_once_agree(tmp_path):
    """Two processes start on an empty folder together: both get the same dictionary, and only
    the finished file is left (the second waits for the first's build, then maps it)."""
    import subprocess
    import sys

    code = (
        "import sys; from socanalysis.nlp.dictionaries import DictionaryStore; "
        "s = DictionaryStore(sys.argv[1]); d = s.get_dictionary('ms'); "
        "print(s.sources['ms'], len(d), d.get('rumah'))"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE,
                         text=True, cwd=ROOT)
        for _ in range(2)
    ]  # fmt: skip
    outs = sorted(p.communicate(timeout=120)[0].split() for p in procs)
    assert [o[0] for o in outs] in (["built", "trie"], ["built", "built"])
    assert (
        outs[0][1:]
        == outs[1][1:]
        == [str(len(DefaultDictionaryFactory().get_dictionary("ms"))), "rumah"]
    )
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


@pytest.mark.parametrize("lang", ["fi", "sv", ("fi", "sv"), ("sv", "fi")])
def test_same_answers_as_simplemma(lang):
    for word in WORDS:
        assert dictionaries.lemmatize(word, lang) == simplemma.lemmatize(word, lang), word
        assert dictionaries.is_known(word, lang) == simplemma.is_known(word, lang), word
    assert dictionaries.lemmatize("Matille", "fi") == "Matti"  # names keep their capital
    assert dictionaries.is_known("asunnon", "fi") and not dictionaries.is_known("asunnon", "sv")


def test_input_errors_as_simplemma():
    with pytest.raises(ValueError):
        dictionaries.is_known("", "fi")
    with pytest.raises(TypeError):
        dictionaries.is_known(None, "fi")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        dictionaries.lemmatize("", "fi")


def _clear_store_caches() -> None:
    for cached in (dictionaries.dictionary_lookup, dictionaries.lemmatization_strategy):
        cached.cache_clear()
    dictionaries._lemmatizer.cache_clear()
    lemmas._simplemma.cache_clear()
    lemmas.lookup_lemma.cache_clear()


def test_lemmatiser_and_privacy_read_the_one_store(monkeypatch):
    from socanalysis.nlp import privacy_names

    fresh = DictionaryStore()  # the default folder: maps the files the other tests built
    monkeypatch.setattr(dictionaries, "default_store", lambda: fresh)
    _clear_store_caches()
    try:
        assert lemmas.lookup_lemma("asunnon", "fi") == ("asunto", "dictionary")
        assert set(fresh.sources) == {"fi"}
        # privacy's name test: a capitalised lemma marks a proper noun
        assert privacy_names._dictionary("Helsingissä", ("fi",)) == (True, True, True)
        assert privacy_names._known_anywhere.__wrapped__("bostaden")
        assert set(fresh.sources) == {"fi", "sv"}
        assert lemmas._simplemma()[0].get_lemma("bostaden", "sv") == "bostad"
    finally:
        _clear_store_caches()


def test_lemmatiser_answers_unchanged_on_the_sample_vocabulary(monkeypatch):
    """lookup_lemma and is_known_word on the store == the same code on simplemma's dicts."""
    words = _sample_words()
    assert len(words) > 3000
    langs = ("fi", "sv")
    lemmas.lookup_lemma.cache_clear()
    ours = {(w, g): lemmas.lookup_lemma(w, g) for g in langs for w in words}
    known = {(w, g): lemmas.is_known_word(w, g) for g in langs for w in words}
    monkeypatch.setattr(
        lemmas, "_simplemma", lambda: (DictionaryLookupStrategy(), DefaultStrategy())
    )
    lemmas.lookup_lemma.cache_clear()
    try:
        differ = [
            (w, g)
            for (w, g), got in ours.items()
            if got != lemmas.lookup_lemma(w, g) or known[(w, g)] != lemmas.is_known_word(w, g)
        ]
    finally:
        lemmas.lookup_lemma.cache_clear()
    assert differ == []
    assert sum(method == "dictionary" for _, method in ours.values()) > 2000


def test_a_trie_written_from_a_decode_made_elsewhere_is_the_one_built_here(tmp_path):
    shared, own = DictionaryStore(tmp_path / "shared"), DictionaryStore(tmp_path / "own")
    assert shared.write_trie(SMALL, dictionaries.shipped_dictionary(SMALL)) is True
    assert shared.write_trie(SMALL, DecodedDictionary([], [])) is False  # on disk: left alone
    own.get_dictionary(SMALL)
    assert shared.path(SMALL).read_bytes() == own.path(SMALL).read_bytes()
    reread = DictionaryStore(tmp_path / "shared")
    assert reread.get_dictionary(SMALL).get("rumah") == "rumah"
    assert reread.sources == {SMALL: "trie"}
    no_cache = DictionaryStore(None)
    assert no_cache.write_trie(SMALL, DecodedDictionary([b"a"], [b"a"])) is False
