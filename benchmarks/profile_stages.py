"""CPU seconds of each stage of one ``analyze`` + ``save``, in a fresh process (shared machine).

On a machine shared with other jobs wall time measures the neighbours; the process's own CPU
time (``time.process_time``, all its threads) measures the work. This script runs
``socanalysis.analyze`` + ``result.save`` once on a report file with a given cache folder and
prints one table row: CPU seconds of the imports of ``socanalysis`` and of every stage (taken
from the progress callback, so a stage's imports count in that stage), of ``save``, and the
theme figures against the generator's gold themes when ``--gold`` is given.

Usage::

    python benchmarks/profile_stages.py reports_1000_s0.csv --cache CACHE --out OUT \
        --gold gold_1000_s0.csv [--profile prof.out] [--embedder tfidf-lsa] [--rows 30000]

``--profile`` writes a cProfile file (CPU-time clock) of the whole run for ``pstats``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("--cache", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--gold")
    parser.add_argument("--profile")
    parser.add_argument("--embedder", default="e5-small-bundled")
    parser.add_argument("--rows", type=int, default=0, help="only the first N rows of the input")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-charts", action="store_true")
    parser.add_argument("--json", help="append the row as one JSON line to this file")
    args = parser.parse_args(argv)

    c0 = time.process_time()
    import socanalysis as sa

    import_cpu = time.process_time() - c0
    source: object = args.input
    if args.rows:
        import pandas as pd

        source = pd.read_csv(
            args.input, sep=";", dtype=str, keep_default_na=False, nrows=args.rows,
            encoding="utf-8-sig",
        )  # fmt: skip
    marks: list[tuple[str, float]] = []

    def progress(stage: str) -> None:
        marks.append((stage, time.process_time()))

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
    w0, c1 = time.perf_counter(), time.process_time()
    config = sa.AnalysisConfig(
        seed=args.seed, cache_dir=args.cache, embedder=args.embedder,
        use_cache=args.embedder != "tfidf-lsa",
    )  # fmt: skip
    result = sa.analyze(source, config, progress=progress)
    marks.append(("export", time.process_time()))
    result.save(args.out, charts=not args.no_charts)
    c_end = time.process_time()
    wall = time.perf_counter() - w0
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    stages = {
        name: round(after - before, 2)
        for (name, before), (_, after) in zip(marks, [*marks[1:], ("end", c_end)], strict=True)
    }
    row = {
        "input": Path(args.input).name,
        "rows": len(result.reports),
        "import_cpu": round(import_cpu, 2),
        "total_cpu": round(c_end - c1, 2),
        "wall": round(wall, 2),
        "stages_cpu": stages,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if args.gold:
        sys.path.insert(0, str(Path(__file__).parent))
        from _perf_case import theme_scores

        reports = result.reports
        ok = reports["status"] == "ok"
        row.update(
            theme_scores(
                reports.loc[ok, "report_id"].tolist(),
                reports.loc[ok, "theme_id"].astype(int).tolist(),
                args.gold,
            )
        )
    print(json.dumps(row))
    if args.json:
        with open(args.json, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
    return row


if __name__ == "__main__":
    main()
