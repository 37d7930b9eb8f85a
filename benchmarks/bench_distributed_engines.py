"""Dask against Ray for the per-report stages: cluster start, cost per partition, memory.

Measures what the choice of engine changes, with no model work in the tasks: each task gets a
partition of reports (a DataFrame of ``--rows`` texts) and returns what our partition task
returns (one 384-d float32 vector and a list of lemmas per report), so the figures are the
engine's own overhead. Both engines run two single-threaded worker processes on this machine.

Run (Ray is optional; install it somewhere apart to measure it, it is not a dependency)::

    python benchmarks/bench_distributed_engines.py
    PYTHONPATH=/path/to/ray-target python benchmarks/bench_distributed_engines.py

Prints a table and writes it as JSON (``--json``).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil

WORKERS = 2
DIM = 384


def _partition(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    words = ["asunto", "vuokra", "toimeentulotuki", "bostad", "stöd", "nuori", "jono", "kela"]
    texts = [" ".join(rng.choice(words, 40)) for _ in range(rows)]
    return pd.DataFrame(
        {"report_id": [f"r{seed}-{i}" for i in range(rows)], "text": texts, "status": "ok"}
    )


def task(frame: pd.DataFrame) -> dict[str, Any]:
    """Stand-in for the partition task: results of the same shape, no model work."""
    n = len(frame)
    return {
        "embeddings": np.zeros((n, DIM), dtype=np.float32),
        "lemmas": [t.split()[:20] for t in frame["text"]],
        "language": np.asarray(["fi"] * n, dtype=object),
    }


def _tree_rss_mb() -> float:
    me = psutil.Process()
    total = me.memory_info().rss
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):  # a process that just ended
            total += child.memory_info().rss
    return total / 2**20


def _engine_figures(
    start_s: float,
    one_s: float,
    per_partition: list[float],
    idle_mb: float,
    busy_mb: float,
    stop_s: float,
) -> dict[str, float]:
    """One engine's row of the comparison table."""
    return {
        "start_s": start_s,
        "one_task_s": one_s,
        "per_partition_ms": 1000 * statistics.median(per_partition),
        "cluster_rss_idle_mb": idle_mb,
        "cluster_rss_after_mb": busy_mb,
        "stop_s": stop_s,
    }


def _children_rss_mb() -> float:
    return _tree_rss_mb() - psutil.Process().memory_info().rss / 2**20


def bench_dask(parts: list[pd.DataFrame], repeats: int) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    cluster = LocalCluster(
        n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster, set_as_default=False)
    client.submit(task, parts[0], pure=False).result()  # workers up and answering
    start_s = time.perf_counter() - t0
    idle_mb = _children_rss_mb()
    t0 = time.perf_counter()
    client.submit(task, parts[0], pure=False).result()
    one_s = time.perf_counter() - t0
    per_partition = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        data = client.scatter(parts, hash=False)
        futures = client.map(task, data, pure=False)
        results = client.gather(futures)
        per_partition.append((time.perf_counter() - t0) / len(parts))
        del data, futures, results
    busy_mb = _children_rss_mb()
    t0 = time.perf_counter()
    client.close()
    cluster.close()
    stop_s = time.perf_counter() - t0
    return _engine_figures(start_s, one_s, per_partition, idle_mb, busy_mb, stop_s)


def bench_ray(parts: list[pd.DataFrame], repeats: int) -> dict[str, Any]:
    import ray

    t0 = time.perf_counter()
    ray.init(
        num_cpus=WORKERS,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
    )
    remote = ray.remote(num_cpus=1)(task)
    ray.get([remote.remote(parts[0]) for _ in range(WORKERS)])  # both workers up
    start_s = time.perf_counter() - t0
    idle_mb = _children_rss_mb()
    t0 = time.perf_counter()
    ray.get(remote.remote(parts[0]))
    one_s = time.perf_counter() - t0
    per_partition = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        refs = [remote.remote(ray.put(p)) for p in parts]
        results = ray.get(refs)
        per_partition.append((time.perf_counter() - t0) / len(parts))
        del refs, results
    busy_mb = _children_rss_mb()
    t0 = time.perf_counter()
    ray.shutdown()
    stop_s = time.perf_counter() - t0
    return _engine_figures(start_s, one_s, per_partition, idle_mb, busy_mb, stop_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partitions", type=int, default=64)
    parser.add_argument("--rows", type=int, default=500, help="reports per partition")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    parts = [_partition(args.rows, seed) for seed in range(args.partitions)]
    rows: dict[str, dict[str, Any]] = {}
    for name, bench in (("dask", bench_dask), ("ray", bench_ray)):
        try:
            __import__("distributed" if name == "dask" else "ray")
        except ImportError:
            print(f"{name}: not installed, skipped")
            continue
        gc.collect()
        rows[name] = {
            "version": __import__("dask" if name == "dask" else "ray").__version__,
            **bench(parts, args.repeats),
        }
    print(
        f"{WORKERS} worker processes x 1 thread; {args.partitions} partitions of {args.rows} "
        f"reports; machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d')}"
    )
    header = f"{'engine':<6} {'version':<10} {'start s':>8} {'1 task s':>9} "
    header += f"{'ms/part':>8} {'RSS idle MB':>12} {'RSS after MB':>13} {'stop s':>7}"
    print(header)
    for name, r in rows.items():
        print(
            f"{name:<6} {r['version']:<10} {r['start_s']:>8.2f} {r['one_task_s']:>9.3f} "
            f"{r['per_partition_ms']:>8.1f} {r['cluster_rss_idle_mb']:>12.0f} "
            f"{r['cluster_rss_after_mb']:>13.0f} {r['stop_s']:>7.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
