"""Report vectors are computed from masked text without its placeholders."""

from __future__ import annotations

import numpy as np
import pandas as pd

from socanalysis.config import AnalysisConfig
from socanalysis.nlp.embed_text import texts_for_embedding
from socanalysis.nlp.privacy import mask_reports
from socanalysis.pipeline import _stage_embeddings


def test_every_placeholder_is_removed_in_both_languages() -> None:
    texts = [
        "Asiakas [NIMI] ([HETU]), puh. [PUHELIN], asuu [OSOITE].",
        "Klienten [NAMN] har väntat, mobil [TELEFON].",
        "[NIMI]",
        "Ei tunnisteita [sic] tässä.",  # lower case in brackets is not a mask
    ]
    out = texts_for_embedding(texts)
    assert out[:3] == ["Asiakas (), puh., asuu.", "Klienten har väntat, mobil.", ""]
    assert out[3] == texts[3]
    assert all("[" not in t for t in out[:3])


def test_what_the_masker_writes_is_removed() -> None:
    raw = ["Soita Matti Virtaselle numeroon 040 123 4567, hetu 010190-123A."]
    masked = mask_reports(raw, ["fi"])["text_masked"].tolist()
    assert masked[0] != raw[0] and "[" in masked[0]
    (clean,) = texts_for_embedding(masked)
    assert "[" not in clean and "Soita" in clean and "040" not in clean


class RecordingEmbedder:
    dim = 3

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts, kind="passage", show_progress=False):
        self.texts = list(texts)
        return np.ones((len(self.texts), self.dim), dtype=np.float32)


def test_the_pipeline_embeds_text_without_placeholders() -> None:
    table = pd.DataFrame(
        {"text_masked": ["Omaishoitaja [NIMI] väsynyt.", "Ei tunnisteita.", "skip [NIMI]"]}
    )
    rows = pd.Series([True, True, False])
    embedder = RecordingEmbedder()
    _, vectors = _stage_embeddings(table, rows, AnalysisConfig(), None, embedder)
    assert embedder.texts == ["Omaishoitaja väsynyt.", "Ei tunnisteita."]
    assert vectors.shape == (2, 3)
