"""CPU seconds per stage of ``analyze`` (not wall time: the machine is shared), and a state file
to re-run the late stages alone under cProfile.

``run`` analyses the first N reports of a file once and prints the CPU seconds of every stage
(``time.process_time`` at each stage start, via the progress callback), optionally saving the
contract tables (reports.csv, themes.csv, weak_signals.csv) for a byte-for-byte comparison and
a state file (the inputs of the weak-signal and category stages). ``stage`` loads a state file
and runs one stage alone (privacy, weak signals or categories), best of ``--repeats``, under
cProfile with ``--profile``.

Usage::

    python benchmarks/bench_stage_cpu.py run reports.csv --n 10000 --embedder tfidf-lsa \
        --cache DIR --out OUT --state state.pkl
    python benchmarks/bench_stage_cpu.py stage state.pkl categories --profile 30
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pickle
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _first_rows(path: str, n: int | None) -> str:
    """A file with the header and the first n rows of ``path`` (the path itself when n is None)."""
    if n is None:
        return path
    import csv

    out = Path(tempfile.mkdtemp(prefix="stagecpu_")) / f"first_{n}.csv"
    with open(path, encoding="utf-8-sig", newline="") as src:
        reader = csv.reader(src, delimiter=";")
        with open(out, "w", encoding="utf-8", newline="") as dst:
            writer = csv.writer(dst, delimiter=";")
            for i, row in enumerate(reader):
                if i > n:
                    break
                writer.writerow(row)
    return str(out)


def run(args: argparse.Namespace) -> None:
    import socanalysis as sa
    from socanalysis import pipeline

    source = _first_rows(args.input, args.n)
    config = sa.AnalysisConfig(
        seed=args.seed,
        embedder=args.embedder,
        cache_dir=args.cache,
        use_cache=args.embedder != "tfidf-lsa",
    )
    marks: list[tuple[str, float]] = []
    captured: dict[str, Any] = {}
    if args.state:
        # keep the late stages' inputs: wrap the stage functions to see their arguments
        original_weak = pipeline._stage_weak_signals
        original_cat = pipeline._start_categories

        def weak(table, rows, embeddings, lemmas, themes, cfg):  # type: ignore[no-untyped-def]
            captured.update(
                table=table.copy(),
                rows=rows,
                embeddings=embeddings,
                lemmas=lemmas,
                themes=themes,
                config=cfg,
            )
            return original_weak(table, rows, embeddings, lemmas, themes, cfg)

        def cat(table, rows, embeddings, embedder, cfg, review=None):  # type: ignore[no-untyped-def]
            captured["embedder"] = embedder
            return original_cat(table, rows, embeddings, embedder, cfg, review)

        pipeline._stage_weak_signals = weak
        pipeline._start_categories = cat

    def progress(stage: str) -> None:
        marks.append((stage, time.process_time()))

    c0 = time.process_time()
    result = sa.analyze(source, config, progress=progress)
    c1 = time.process_time()
    marks.append(("end", c1))
    cpu: dict[str, float] = {}
    for a, b in zip(marks, marks[1:], strict=False):
        # the categories stage is started before the themes and finished after weak signals
        cpu[a[0]] = round(cpu.get(a[0], 0.0) + b[1] - a[1], 2)
    wall = result.run_info["timings_s"]
    print(f"{'stage':<14}{'CPU s':>9}{'wall s':>9}")
    for stage, sec in cpu.items():
        print(f"{stage:<14}{sec:>9.2f}{wall.get(stage, float('nan')):>9.2f}")
    print(f"{'analyze':<14}{c1 - c0:>9.2f}")
    if args.out:
        result.save(args.out, human_readable=False)
    if args.state:
        try:
            pickle.dumps(captured["embedder"])
        except TypeError:  # an open cache: made again from the settings when loaded
            captured["embedder"] = None
        with open(args.state, "wb") as fh:
            pickle.dump(captured, fh, protocol=pickle.HIGHEST_PROTOCOL)


def stage(args: argparse.Namespace) -> None:
    from socanalysis import pipeline

    with open(args.state, "rb") as fh:
        s = pickle.load(fh)
    if s["embedder"] is None:
        s["embedder"] = pipeline.make_embedder(s["config"])

    def once() -> Any:
        table = s["table"].copy()
        if args.stage == "weak":
            return pipeline._stage_weak_signals(
                table, s["rows"], s["embeddings"], s["lemmas"], s["themes"], s["config"]
            )
        if args.stage == "categories":
            started = pipeline._start_categories(
                table, s["rows"], s["embeddings"], s["embedder"], s["config"]
            )
            return pipeline._finish_categories(table, s["rows"], s["embeddings"], started)
        if args.stage == "privacy":
            with_text = table["status"].isin(pipeline._MASKED_STATUSES).to_numpy()
            return pipeline._stage_privacy(table, with_text)
        raise SystemExit(f"unknown stage {args.stage!r}: weak, categories or privacy")

    times = []
    for _ in range(args.repeats):
        c0 = time.process_time()
        once()
        times.append(time.process_time() - c0)
    if times:
        print(f"{args.stage}: CPU s per run {[round(t, 2) for t in times]}, best {min(times):.2f}")
    if args.profile:
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        once()
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(args.profile)
        buf.write("\n--- by own time ---\n")
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(args.profile)
        print(buf.getvalue())


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="analyze the first N reports, CPU seconds per stage")
    r.add_argument("input")
    r.add_argument("--n", type=int)
    r.add_argument("--embedder", default="e5-small-bundled")
    r.add_argument("--cache", help="cache folder (a warm e5 cache for e5)")
    r.add_argument("--seed", type=int, default=42)
    r.add_argument("--out", help="write the contract tables here")
    r.add_argument("--state", help="pickle the late stages' inputs here")
    s = sub.add_parser("stage", help="run one stage alone from a state file")
    s.add_argument("state")
    s.add_argument("stage", choices=["weak", "categories", "privacy"])
    s.add_argument("--repeats", type=int, default=1, help="timed runs before the profiled one")
    s.add_argument("--profile", type=int, default=0, help="print the top N cProfile rows")
    args = ap.parse_args()
    {"run": run, "stage": stage}[args.cmd](args)


if __name__ == "__main__":
    main()
