"""Does masking personal data change the themes? ARI between themes of masked and raw text.

Issue 4 asks that masked text keeps the language tag and the theme of a report (ARI >= 0.9).
Runs the real stages on the sample data: language identification, masking, embeddings (cached),
and the theme model with the same seed on both versions of the text.

With ``--no-small-sets`` the small-set clustering (themes.yaml ``small_sets``) is switched off,
which measures the UMAP + HDBSCAN path that sets of this size took before.

Usage: python benchmarks/bench_masking_themes.py [--seeds 0 1 2] [--data sample_data/...csv]
       [--no-small-sets] [--keep-placeholders] [--embedder e5-small-bundled-c]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's socanalysis, not an installed one


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "sample_data" / "reports_webropol.csv"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--no-small-sets", action="store_true")
    parser.add_argument(
        "--kind", choices=["query", "passage"], default=None,
        help="e5 prefix of the report vectors (default: the one analyze uses)",
    )  # fmt: skip
    parser.add_argument(
        "--keep-placeholders", action="store_true",
        help="embed masked text with its [NIMI], [PUHELIN]... (before 2026-11-23 09 UTC)",
    )  # fmt: skip
    parser.add_argument("--embedder", default="e5-small-bundled", help="embedder spec")
    args = parser.parse_args()
    if args.no_small_sets:
        import socanalysis.themes.keywords as keywords

        read = keywords.settings

        def without_small_sets() -> dict:
            cfg = read()  # cached: copied, not changed
            return {**cfg, "small_sets": {**cfg.get("small_sets", {}), "enabled": False}}

        keywords.settings = without_small_sets

    from sklearn.metrics import adjusted_rand_score

    import socanalysis as sa
    from socanalysis.nlp.analyzer import LemmaAnalyzer
    from socanalysis.nlp.embeddings import get_embedder
    from socanalysis.nlp.language import detect_languages
    from socanalysis.nlp.privacy import mask_reports
    from socanalysis.themes.model import ThemeModel

    reports = sa.read_reports(args.data)
    reports = reports[reports["status"] == "ok"].reset_index(drop=True)
    raw_lang = detect_languages(reports["text"])["language"]
    masked = mask_reports(reports["text"], raw_lang)
    masked_lang = detect_languages(masked["text_masked"])["language"]
    from socanalysis.nlp.embeddings import REPORT_KIND

    kind = args.kind or REPORT_KIND
    embedder = get_embedder(args.embedder)
    x_raw = embedder.encode(reports["text"].tolist(), kind=kind)
    from socanalysis.nlp.embed_text import texts_for_embedding

    masked_texts = masked["text_masked"].tolist()
    if not args.keep_placeholders:  # analyze embeds masked text without its placeholders
        masked_texts = texts_for_embedding(masked_texts)
    x_masked = embedder.encode(masked_texts, kind=kind)
    print(
        f"reports: {len(reports)}, identifiers masked: {int(masked['pii_masked'].sum())} "
        f"in {int((masked['pii_masked'] > 0).sum())} reports; report vectors: {kind!r}"
    )
    print(f"language tag unchanged by masking: {(raw_lang == masked_lang).mean():.3f}")
    print("| seed | ARI masked vs raw | themes raw | themes masked | clustering | seconds |")
    print("|---|---|---|---|---|---|")
    scores = []
    for seed in args.seeds:
        start = time.perf_counter()
        raw = reports.assign(language=raw_lang.to_numpy())
        mine = reports.assign(language=raw_lang.to_numpy(), text=masked["text_masked"].to_numpy())
        model = ThemeModel(seed=seed, analyzer_factory=LemmaAnalyzer).fit(raw, x_raw)
        a = model.labels_
        b = ThemeModel(seed=seed, analyzer_factory=LemmaAnalyzer).fit(mine, x_masked).labels_
        scores.append(adjusted_rand_score(a, b))
        print(
            f"| {seed} | {scores[-1]:.3f} | {len(set(a) - {-1})} | {len(set(b) - {-1})} | "
            f"{model.plan_.algorithm} | {time.perf_counter() - start:.1f} |"
        )
    print(f"mean ARI: {sum(scores) / len(scores):.3f}")


if __name__ == "__main__":
    main()
