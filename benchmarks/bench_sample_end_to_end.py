"""End-to-end quality on the sample data: run ``analyze`` and score every stage against gold.

Prints language accuracy, theme NMI/ARI and bilingual themes kept together, weak-signal recall
and precision in the top 5 (and where recurring themes rank), §11 and sector top-1/top-3 of the
primary label, and the stage timings.

Usage: python benchmarks/bench_sample_end_to_end.py [--seed 42]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _hit(primary: str, suggested: str, k: int) -> bool:
    return primary in [s for s in suggested.split(";") if s][:k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "sample_data" / "reports_webropol.csv"))
    parser.add_argument("--gold", default=str(ROOT / "sample_data" / "gold.csv"))
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    import pandas as pd
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    import socanalysis as sa

    start = time.perf_counter()
    result = sa.analyze(args.data, seed=args.seed)
    seconds = time.perf_counter() - start
    gold = pd.read_csv(args.gold, dtype=str, keep_default_na=False)
    rows = result.reports.merge(gold, on="report_id", suffixes=("", "_gold"))
    truth = rows["weak_signal"].where(rows["weak_signal"] != "", rows["theme"])
    themes = rows["theme_id"].astype(int)

    print(
        f"reports: {len(rows)}; analyse: {seconds:.1f} s; timings: {result.run_info['timings_s']}"
    )
    print("| measure | value |")
    print("|---|---|")
    print(f"| language accuracy | {(rows['language'] == rows['language_gold']).mean():.3f} |")
    print(
        f"| theme NMI / ARI | {normalized_mutual_info_score(truth, themes):.3f} / "
        f"{adjusted_rand_score(truth, themes):.3f} |"
    )
    bilingual = together = 0
    for _, group in rows.groupby("theme"):
        fi, sv = group[group["language_gold"] == "fi"], group[group["language_gold"] == "sv"]
        if len(fi) and len(sv):
            bilingual += 1
            top_fi, top_sv = fi["theme_id"].mode().iloc[0], sv["theme_id"].mode().iloc[0]
            together += int(top_fi == top_sv)
    print(f"| bilingual gold themes kept together | {together}/{bilingual} |")
    print(f"| outlier share | {(themes == -1).mean():.3f} |")

    top5 = result.weak_signals.head(5)
    by_id = rows.set_index("report_id")
    found, true_candidates, ranks_of_recurring = set(), 0, []
    every_period = rows.groupby("theme")["date"].apply(
        lambda d: d.dt.to_period("Q").nunique() == rows["date"].dt.to_period("Q").nunique()
    )
    for rank, candidate in enumerate(result.weak_signals.itertuples(), start=1):
        labels = by_id.loc[candidate.report_ids.split(";"), "weak_signal"]
        majority = labels.mode().iloc[0]
        themes_of = by_id.loc[candidate.report_ids.split(";"), "theme"].mode().iloc[0]
        if rank <= 5 and majority and (labels == majority).mean() >= 0.5:
            found.add(majority)
            true_candidates += 1
        if not majority and every_period.get(themes_of, False):
            ranks_of_recurring.append(rank)
    gold_signals = set(gold["weak_signal"]) - {""}
    print(f"| gold weak signals in top 5 | {len(found & gold_signals)}/{len(gold_signals)} |")
    print(f"| true weak signals among top 5 | {true_candidates}/{len(top5)} |")
    print(
        f"| best rank of a recurring theme present in every quarter | "
        f"{min(ranks_of_recurring) if ranks_of_recurring else 'none listed'} |"
    )

    for name, column, gold_column in (
        ("§11", "shl_suggested", "shl_primary"),
        ("sector", "sectors_suggested", "sector_primary"),
    ):
        for k in (1, 3):
            hits = [_hit(g, s, k) for g, s in zip(rows[gold_column], rows[column], strict=True)]
            print(f"| {name} primary in top {k} | {sum(hits) / len(hits):.3f} |")


if __name__ == "__main__":
    main()
