"""Do reports in neither Finnish nor Swedish join the themes of what they say? (issue 5)

About 2 % of the generated reports (``generate_reports.py``) are English or Estonian
translations of sample reports. Centred between the Finnish and the Swedish mean, they used
to cluster by language: a theme of English and Estonian reports about several phenomena. The
theme model now gives each other language an offset of its own and dissolves themes made only
of other-language reports (docs/themes.md, "Other-language reports"). This benchmark runs
``analyze`` on generated sets, then fits the theme model again on the same masked texts,
languages and vectors with the two steps off, with the dissolving step only, and with both
(the shipped settings), and prints per variant:

- *NMI* against the generated reports' gold themes (weak signals counted as their own theme);
- *placed right*: share of the ``other`` reports whose theme's Finnish and Swedish reports
  have the report's gold theme as their most common one;
- *in other-only themes*: share of them in a theme without a Finnish, Swedish or mixed report;
- *themes*: number of themes.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_other_languages.py [--sizes 1000]
        [--sets 0 1] [--seeds 42 1 2] [--cache DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_themes import to_markdown  # noqa: E402
from generate_reports import generate_reports_with_gold  # noqa: E402

VARIANTS = {
    "before": {"dissolve_other_language_themes": False, "other_language_min_reports": 0},
    "dissolve": {"dissolve_other_language_themes": True, "other_language_min_reports": 0},
    "both (shipped)": None,  # the settings as shipped
}


def analysed_set(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The pipeline's table of one generated set, its report vectors and gold themes."""
    import socanalysis as sa
    from socanalysis.nlp.embed_text import texts_for_embedding
    from socanalysis.nlp.embeddings import REPORT_KIND, get_embedder

    reports, gold = generate_reports_with_gold(n, seed=seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reports.csv"
        reports.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
        result = sa.analyze(path, seed=42)
    table = result.reports[result.reports["status"] == "ok"].reset_index(drop=True)
    vectors = get_embedder("e5-small-bundled").encode(
        texts_for_embedding(table["text_masked"]), kind=REPORT_KIND
    )
    gold = gold.astype(str).set_index("report_id").reindex(table["report_id"].astype(str))
    labels = np.where(gold["weak_signal"].fillna("") != "", gold["weak_signal"], gold["theme"])
    return table, vectors, np.asarray(labels, dtype=str)


def scores(table: pd.DataFrame, labels: np.ndarray, gold: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import normalized_mutual_info_score

    other = (table["language"] == "other").to_numpy()
    right, alone = [], []
    for i in np.flatnonzero(other):
        peers = (labels == labels[i]) & ~other
        alone.append(not peers.any())
        right.append(bool(peers.any()) and pd.Series(gold[peers]).mode()[0] == gold[i])
    return {
        "NMI": normalized_mutual_info_score(gold, labels),
        "placed right": float(np.mean(right)) if right else float("nan"),
        "in other-only themes": float(np.mean(alone)) if alone else float("nan"),
        "themes": float(len(set(labels[labels >= 0].tolist()))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--sets", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 1, 2])
    parser.add_argument("--cache", type=Path, help="cache folder (SOCANALYSIS_CACHE_DIR)")
    args = parser.parse_args()
    if args.cache is not None:
        os.environ["SOCANALYSIS_CACHE_DIR"] = str(args.cache)

    from socanalysis.nlp.analyzer import LemmaAnalyzer
    from socanalysis.themes.keywords import settings
    from socanalysis.themes.model import ThemeModel

    space = settings()["space"]
    shipped = {k: space[k] for k in VARIANTS["before"]}
    columns = ["report_id", "text", "text_masked", "language", "date", "unit", "polarity"]
    rows = []
    for n in args.sizes:
        for set_seed in args.sets:
            table, vectors, gold = analysed_set(n, set_seed)
            n_other = int((table["language"] == "other").sum())
            named = table["other_language"].value_counts().to_dict()
            named.pop("", None)
            for name, overrides in VARIANTS.items():
                space.update(shipped if overrides is None else overrides)
                runs = []
                for seed in args.seeds:
                    model = ThemeModel(seed=seed, analyzer_factory=LemmaAnalyzer)
                    model.fit(table[[*columns, "other_language"]], vectors)
                    runs.append(scores(table, np.asarray(model.labels_), gold))
                space.update(shipped)
                mean = pd.DataFrame(runs).mean()
                rows.append(
                    {
                        "reports": n,
                        "set": set_seed,
                        "other (named)": f"{n_other} {named}",
                        "variant": name,
                        **mean.round(3).to_dict(),
                    }
                )
                print(pd.DataFrame([rows[-1]]).to_string(index=False), flush=True)
    print()
    print(to_markdown(pd.DataFrame(rows)))


if __name__ == "__main__":
    main()
