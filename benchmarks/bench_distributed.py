"""One process against a local Dask cluster: wall time, stage times and memory of ``analyze``.

Runs ``socanalysis.analyze`` on the reports of INPUT, cold (a new, empty embedding cache) and
then warm (the cache that run filled), either in this process (``--engine local``) or with the
per-report stages on a ``LocalCluster`` of ``--workers`` single-threaded worker processes
(``--engine dask``). Run each engine in its own process, so that peak memory is its own:

    python benchmarks/generate_reports.py 2000 --seed 0 --out /tmp/r2000.csv
    python benchmarks/bench_distributed.py /tmp/r2000.csv --engine local --save /tmp/b/local
    python benchmarks/bench_distributed.py /tmp/r2000.csv --engine dask --save /tmp/b/dask \\
        --compare /tmp/b/local

``--compare`` checks that reports.csv, themes.csv and weak_signals.csv are byte-identical to
an earlier run's. Peak memory: this process's peak RSS (``ru_maxrss``) and the largest RSS sum
of the cluster's processes (scheduler, nannies, workers), sampled every 0.2 s. Prints a table;
``--json`` writes it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

PER_REPORT_STAGES = ("language", "privacy", "lemmas", "embeddings")
CONTRACT_FILES = ("reports.csv", "themes.csv", "weak_signals.csv")


class _ChildMemory:
    """Largest RSS sum of this process's descendants while running (the Dask cluster)."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.2):
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    continue
            self.peak_mb = max(self.peak_mb, total / 2**20)

    def __enter__(self) -> _ChildMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _per_report_s(timings: dict[str, float]) -> float:
    if "per-report stages (dask)" in timings:
        return timings["per-report stages (dask)"]
    return sum(timings[k] for k in PER_REPORT_STAGES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path, help="reports file (e.g. from generate_reports.py)")
    parser.add_argument("--engine", choices=["local", "dask"], required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--save", type=Path, help="write the contract CSVs of each run here")
    parser.add_argument("--compare", type=Path, help="a --save folder of another run")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    import socanalysis as sa

    rows: list[dict[str, Any]] = []
    identical: dict[str, bool] = {}
    with tempfile.TemporaryDirectory() as cache, _ChildMemory() as memory:
        client = cluster = None
        start_s = 0.0
        if args.engine == "dask":
            from distributed import Client, LocalCluster

            t0 = time.perf_counter()
            cluster = LocalCluster(
                n_workers=args.workers, threads_per_worker=1, dashboard_address=None
            )
            client = Client(cluster, set_as_default=False)
            start_s = time.perf_counter() - t0
        for state in ("cold", "warm"):
            t0 = time.perf_counter()
            result = sa.analyze(args.input, cache_dir=cache, client=client)
            wall = time.perf_counter() - t0 + (start_s if state == "cold" else 0.0)
            timings = result.run_info["timings_s"]
            row = {
                "engine": args.engine if client is None else f"dask x{args.workers}",
                "cache": state,
                "reports": result.run_info["counts"]["analysed"],
                "wall_s": round(wall, 2),
                "cluster_start_s": round(start_s, 2) if state == "cold" else 0.0,
                "per_report_s": round(_per_report_s(timings), 2),
                "timings_s": timings,
                "engine_info": result.run_info.get("engine", {}),
                "client_peak_mb": round(_peak_rss_mb()),
                "cluster_peak_mb": round(memory.peak_mb),
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
            if args.save:
                result.save(args.save / state, human_readable=False)
                if args.compare:
                    identical[state] = all(
                        (args.save / state / f).read_bytes()
                        == (args.compare / state / f).read_bytes()
                        for f in CONTRACT_FILES
                    )
        if client is not None:
            client.close()
            cluster.close()
    print(
        f"\n{platform.machine()}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d %H:%M')}"
    )
    print(
        f"{'engine':<8} {'cache':<5} {'reports':>7} {'wall s':>7} {'start s':>8} "
        f"{'per-report s':>13} {'themes s':>9} {'client MB':>10} {'cluster MB':>11}"
    )
    for r in rows:
        print(
            f"{r['engine']:<8} {r['cache']:<5} {r['reports']:>7} {r['wall_s']:>7.1f} "
            f"{r['cluster_start_s']:>8.1f} {r['per_report_s']:>13.1f} "
            f"{r['timings_s']['themes']:>9.1f} {r['client_peak_mb']:>10.0f} "
            f"{r['cluster_peak_mb']:>11.0f}"
        )
    if identical:
        print(f"contract CSVs identical to {args.compare}: {identical}")
    if args.json:
        args.json.write_text(
            json.dumps({"rows": rows, "identical": identical}, indent=2), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
