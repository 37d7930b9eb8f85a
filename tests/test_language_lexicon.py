"""Dictionary coverage for language identification: word hashes and the on-disk hash arrays."""

from __future__ import annotations

import numpy as np
import pytest

from socanalysis.nlp.language_lexicon import Dictionaries, fold, word_hash


def test_word_hash_is_stable_and_independent_of_batch() -> None:
    words = ["päivä", "paiva", "och", "på", "ikkje", "a" * 70]
    h = word_hash(words)
    assert h.dtype == np.uint32
    assert len(set(h.tolist())) == len(words)
    # the same word hashes alike whatever the longest word of its batch
    assert word_hash(["och"])[0] == h[2]
    assert word_hash(["och", "x" * 200])[0] == h[2]
    # fixed across processes and platforms (a disk cache is keyed by it)
    assert int(word_hash(["och"])[0]) == int(word_hash(["och"])[0])
    assert len(word_hash([])) == 0


def test_dictionaries_build_cache_and_reload(tmp_path) -> None:
    # Nynorsk is simplemma's smallest of the seven (about 0.14 million forms): a quick real build
    built = Dictionaries(tmp_path)
    exact, folded = built.arrays("nn")
    assert len(exact) > 100_000
    assert np.all(np.diff(exact.astype(np.int64)) > 0)  # sorted, unique
    # only a/o-typed forms of forms with å/ä/ö that are not forms already: a small array
    assert 0 < len(folded) < len(exact) // 5
    files = sorted(p.name for p in tmp_path.glob("*.npy"))
    assert len(files) == 2 and all("-nn" in f for f in files)
    words = ["ikkje", "frå", "fra", "kjøpa", "qzxw"]
    known = built.known(word_hash(words), "nn")
    assert known.tolist() == [True, True, False, True, False]
    folded_known = built.known(word_hash([fold(w) for w in words]), "nn", folded=True)
    # "frå" typed as "fra" is found in the folded view only
    assert folded_known.tolist() == [True, True, True, True, False]
    reloaded = Dictionaries(tmp_path)
    again = reloaded.arrays("nn")
    assert isinstance(again[0], np.memmap)
    assert np.array_equal(again[0], exact) and np.array_equal(again[1], folded)


def test_a_lemmatiser_languages_arrays_and_trie_come_from_one_decode(tmp_path) -> None:
    from socanalysis.nlp.dictionaries import DictionaryStore

    store = DictionaryStore(tmp_path / "tries")
    Dictionaries(tmp_path / "arrays", trie_store=store).arrays("sv")
    assert store.path("sv").is_file()
    reread = DictionaryStore(tmp_path / "tries")
    assert reread.get_dictionary("sv").get("bostäderna") == "bostad"
    assert reread.sources == {"sv": "trie"}
    # Nynorsk is no lemmatiser language: no trie; without a store: none either
    Dictionaries(tmp_path / "arrays", trie_store=store).arrays("nn")
    assert not store.path("nn").exists()
    quiet = DictionaryStore(tmp_path / "quiet")
    Dictionaries(tmp_path / "arrays2", trie_store=None).arrays("sv")
    assert not quiet.path("sv").exists()


def test_a_table_another_process_is_building_is_waited_for_and_read(tmp_path, monkeypatch):
    """Processes on one machine (Dask workers, two analyses at once) build a table once: a
    table another one is building is waited for and read, not built twice."""
    import threading
    import time

    pytest.importorskip("fcntl")  # the build lock is POSIX's; elsewhere both may build
    from socanalysis.nlp import language_lexicon
    from socanalysis.nlp.dictionaries import build_lock

    real = language_lexicon._build_arrays("nn")

    def built_twice(*args, **kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr(language_lexicon, "_build_arrays", built_twice)
    exact_path, folded_path = Dictionaries(tmp_path)._paths("nn")
    result = {}
    with build_lock(exact_path):  # "another process" is building nn
        reader = threading.Thread(
            target=lambda: result.update(
                arrays=Dictionaries(tmp_path, trie_store=None).arrays("nn")
            )
        )
        reader.start()
        time.sleep(0.3)
        assert reader.is_alive()  # waiting
        Dictionaries._save(folded_path, real[1])
        Dictionaries._save(exact_path, real[0])
    reader.join(timeout=60)
    assert np.array_equal(result["arrays"][0], real[0])
    assert np.array_equal(result["arrays"][1], real[1])
    assert sorted(p.name for p in tmp_path.glob("*.npy")) == sorted(
        [exact_path.name, folded_path.name]
    )
