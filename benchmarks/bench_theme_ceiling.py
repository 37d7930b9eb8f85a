"""How far can a k = 7 clustering of SIB-200 go with these vectors? (issue 5, k = 7 NMI ≥ 0.55)

The theme model's k = 7 NMI on SIB-200 (fi + sv pooled, 2 008 texts) stays near 0.48 whatever
the clustering. This benchmark asks whether the topics are there to be found: in the same
space as the theme model (each language centred, Swedish aligned to Finnish; and UMAP layouts
of it as the model makes them), it prints the NMI of

- *gold centroids, nearest*: every text to the nearest of the 7 topics' own centroids (an
  oracle: it uses the gold labels; the best a centroid partition of this space can be);
- *k-means from the gold centroids*: k-means started at those centroids, run to convergence:
  where the clustering objective goes when it starts at the answer;
- *k-means, random starts*: what an unsupervised k-means finds (10 starts, seeded);
- *logistic regression, 5-fold*: a supervised reference (the labels of the other folds).

If k-means started at the answer drifts to the NMI that random starts reach, the objective's
optimum on these vectors is not the topics, and no choice of clustering settings closes the gap:
a better embedder would (``--vectors`` takes any other model's vectors of the same 2 008 texts).

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_theme_ceiling.py [--eval ../shared/eval]
        [--cache DIR] [--vectors FILE.npy] [--seeds 1 2 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_themes import embed, load_sib  # noqa: E402


def centred_space(X: np.ndarray, languages: list[str], seed: int) -> np.ndarray:
    """The theme model's space: languages centred, Swedish aligned (themes.yaml settings)."""
    from socanalysis.themes.keywords import settings
    from socanalysis.themes.space import LanguageCentering

    space = settings()["space"]
    centering = LanguageCentering(
        align=bool(space["align_languages"]),
        align_min_margin=float(space.get("align_min_margin", 0.0)),
        seed=seed,
    ).fit(X, languages)
    return centering.transform(X, languages)


def umap_layout(Z: np.ndarray, seed: int) -> np.ndarray:
    """The layout the theme model clusters with k-means for a fixed number of themes."""
    from socanalysis.themes.model import ThemeModel
    from socanalysis.themes.space import reduce

    plan = ThemeModel(n_themes=7, seed=seed).plan(len(Z), len(Z))
    return reduce(Z, plan, seed)


def ceiling_rows(space: str, V: np.ndarray, y: np.ndarray, seed: int) -> list[dict]:
    """NMI of the four partitions of the module docstring in one space."""
    from sklearn.cluster import KMeans
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import normalized_mutual_info_score as nmi
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    topics = np.unique(y)
    centroids = np.stack([V[y == t].mean(axis=0) for t in topics])
    # squared euclidean distance, so the oracle partition is the Voronoi partition k-means uses
    nearest = (V @ centroids.T - 0.5 * (centroids**2).sum(axis=1)).argmax(axis=1)
    from_gold = KMeans(len(topics), init=centroids, n_init=1).fit_predict(V)
    random = KMeans(len(topics), n_init=10, random_state=seed).fit_predict(V)
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    supervised = cross_val_predict(LogisticRegression(C=10, max_iter=3000), V, y, cv=folds)
    parts = {
        "gold centroids, nearest (oracle)": nearest,
        "k-means from the gold centroids": from_gold,
        "k-means, random starts": random,
        "logistic regression, 5-fold (supervised)": supervised,
    }
    return [
        {"space": space, "seed": seed, "partition": name, "NMI": nmi(y, labels)}
        for name, labels in parts.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get(
        "SOCANALYSIS_BENCH_CACHE", Path.home() / ".cache" / "socanalysis-bench")))  # fmt: skip
    parser.add_argument("--vectors", type=Path, help="vectors of the 2 008 texts (.npy)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    df = load_sib(args.eval)
    texts = df["text"].tolist()
    X = (
        np.load(args.vectors)
        if args.vectors
        else embed(texts, args.cache, "sib200_fin_swe_e5small_query")
    )
    if len(X) != len(df):
        sys.exit(f"{args.vectors}: {len(X)} vectors for {len(df)} texts")
    y = pd.factorize(df["category"])[0]
    languages = df["language"].tolist()
    rows: list[dict] = []
    for seed in args.seeds:
        Z = centred_space(X, languages, seed)
        rows += ceiling_rows("centred 384-d", Z, y, seed)
        rows += ceiling_rows("UMAP 5-d layout", umap_layout(Z, seed), y, seed)
    table = pd.DataFrame(rows)
    summary = (
        table.groupby(["space", "partition"], sort=False)["NMI"]
        .agg(["mean", "min", "max", "count"])
        .round(3)
    )
    print(f"SIB-200 fi + sv pooled, {len(df)} texts, {len(np.unique(y))} topics; NMI")
    print(summary.to_string())


if __name__ == "__main__":
    main()
