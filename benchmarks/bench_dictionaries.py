"""The dictionary store (``socanalysis.nlp.dictionaries``) against simplemma's own dictionaries.

Measures, each case in a fresh process (``trie`` = the memory-mapped store, ``simplemma`` =
simplemma's in-memory dicts, which every stage used before the store):

* the one-off build of the fi and sv tries into an empty cache folder;
* the time and memory to the first Finnish and Swedish lemma;
* the privacy and lemmas stages of ``analyze`` on generated reports (language detected first,
  not timed), as the pipeline runs them;
* the lemmatiser's speed on the UD sentences (tokens per CPU second, cold and warm caches),
  both sources in one process in alternating rounds, so that the load of a shared machine
  hits both alike;

and, in this process, that the answers are identical: ``lemmatize`` and ``is_known`` against
simplemma's, and ``lookup_lemma`` / ``is_known_word`` against the same functions on simplemma's
dictionaries, for every word type of the sample data and the UD sentences, as written and in
lower case.

    nice python benchmarks/bench_dictionaries.py --reports 1000
    nice python benchmarks/bench_dictionaries.py --skip-identity --repeats 2

CPU seconds are given next to wall-clock seconds: the machine is shared.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

_WORD = re.compile(r"[^\W\d_]+(?:[-:'’][^\W\d_]+)*")


def _rss_mb() -> float:
    """Resident memory now (Linux), MB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Timer:
    def __enter__(self) -> _Timer:
        self.wall, self.cpu, self.rss = time.perf_counter(), time.process_time(), _rss_mb()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.rss = _rss_mb() - self.rss

    def row(self) -> dict[str, float]:
        return {"wall_s": round(self.wall, 3), "cpu_s": round(self.cpu, 3), "rss_mb": self.rss}


def _use_mode(mode: str) -> None:
    """``simplemma``: route the store to simplemma's own dicts (what the code did before)."""
    if mode == "simplemma":
        from socanalysis.nlp import dictionaries

        store = dictionaries.DictionaryStore(None)
        dictionaries.default_store = lambda: store  # type: ignore[assignment]


# --- cases (run in a fresh process) -------------------------------------------------------------
def case_build(args: argparse.Namespace) -> dict[str, Any]:
    from socanalysis.nlp.dictionaries import DictionaryStore

    folder = Path(tempfile.mkdtemp(prefix="lemstore-build-"))
    store = DictionaryStore(folder)
    out: dict[str, Any] = {}
    for lang in ("fi", "sv"):
        with _Timer() as t:
            store.get_dictionary(lang)
        out[lang] = {**t.row(), "mb": round(store.path(lang).stat().st_size / 1e6, 1)}
        out[lang]["source"] = store.sources[lang]
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    return out


def case_first(args: argparse.Namespace) -> dict[str, Any]:
    rss0 = _rss_mb()
    with _Timer() as t:
        _use_mode(args.mode)
        from socanalysis.nlp.lemmas import lemmatize_word

        lemmas = (lemmatize_word("asunnon", "fi"), lemmatize_word("bostäderna", "sv"))
    assert lemmas == ("asunto", "bostad"), lemmas
    return {**t.row(), "rss_before_mb": round(rss0, 1), "rss_after_mb": round(_rss_mb(), 1)}


def case_stages(args: argparse.Namespace) -> dict[str, Any]:
    import pandas as pd

    from socanalysis import pipeline
    from socanalysis.config import AnalysisConfig
    from socanalysis.reports import read_reports

    _use_mode(args.mode)
    table = read_reports(pd.read_csv(args.data, sep=";", encoding="utf-8-sig", dtype=str))
    analysed = (table["status"] == "ok").to_numpy()
    with_text = table["status"].isin(pipeline._MASKED_STATUSES).to_numpy()
    pipeline._stage_language(table, analysed, AnalysisConfig())
    out: dict[str, Any] = {"reports": int(len(table)), "rss_before_mb": round(_rss_mb(), 1)}
    with _Timer() as t:
        pipeline._stage_privacy(table, with_text)
    out["privacy"] = t.row()
    with _Timer() as t:
        lemmas = pipeline._stage_lemmas(table, analysed)
    out["lemmas"] = t.row()
    out["rss_after_mb"] = round(_rss_mb(), 1)
    out["peak_mb"] = round(_peak_mb(), 1)
    out["terms"] = sum(map(len, lemmas))
    # a fingerprint of what the stages produced: both sources must give the same
    produced = json.dumps(
        [table["text_masked"].tolist(), table["pii_masked"].tolist(), lemmas], default=str
    )
    out["output_sha1"] = hashlib.sha1(produced.encode("utf-8")).hexdigest()
    return out


def case_paired(args: argparse.Namespace) -> dict[str, Any]:
    """Lemmatiser speed, both sources in one process, alternating rounds (each cold with a
    fresh store and cleared caches, then warm): load changes hit both alike."""
    from bench_lemmas import read_ud
    from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy

    from socanalysis.nlp import lemmas
    from socanalysis.nlp.analyzer import LemmaAnalyzer
    from socanalysis.nlp.dictionaries import DictionaryStore
    from socanalysis.nlp.tokens import get_pipeline

    texts = read_ud(Path(args.eval_dir), None)
    for lang in texts:
        get_pipeline(lang)
        DefaultStrategy().get_lemma("a", lang)  # simplemma's dicts decoded outside the timing

    def source(mode: str) -> Any:
        if mode == "simplemma":
            return lambda: (DictionaryLookupStrategy(), DefaultStrategy())
        store = DictionaryStore()
        pair = (DictionaryLookupStrategy(store), DefaultStrategy(dictionary_factory=store))
        return lambda: pair

    out: dict[str, Any] = {}
    for _ in range(args.rounds):
        for mode in ("simplemma", "trie"):
            lemmas._simplemma = source(mode)  # type: ignore[assignment]
            for lang, sentences in texts.items():
                nlp = get_pipeline(lang)
                n_tokens = sum(len(doc) for doc in nlp.tokenizer.pipe(sentences))
                analyzer = LemmaAnalyzer(lang)
                lemmas.lookup_lemma.cache_clear()
                rates = []
                for _warm in (False, True):
                    start = time.process_time()
                    analyzer.lemmatize_texts(sentences)
                    rates.append(n_tokens / (time.process_time() - start))
                row = out.setdefault(mode, {}).setdefault(lang, {"tokens": n_tokens})
                row.setdefault("cold", []).append(rates[0])
                row.setdefault("warm", []).append(rates[1])
    return out


CASES = {
    "build": case_build,
    "first": case_first,
    "stages": case_stages,
    "paired": case_paired,
}


def run_case(name: str, mode: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--case", name, "--mode", mode, "--eval-dir", args.eval_dir]
    cmd += ["--rounds", str(args.rounds)]
    if args.data:
        cmd += ["--data", str(args.data)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"case {name}/{mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- identity check (in this process) -----------------------------------------------------------
def vocabulary(eval_dir: Path) -> list[str]:
    """Word types of the sample data (every text cell) and the UD sentences, as written."""
    texts: list[str] = []
    with open(ROOT / "sample_data/reports_webropol.csv", encoding="utf-8-sig") as fh:
        for row in csv.reader(fh, delimiter=";"):
            texts.extend(row)
    for path in sorted((eval_dir / "ud").glob("*.tsv")):
        with open(path, encoding="utf-8") as fh:
            texts.extend(r["text"] for r in csv.DictReader(fh, delimiter="\t"))
    words = {w for text in texts for w in _WORD.findall(text)}
    words |= {w.lower() for w in words}
    return sorted(words)


def identity(words: list[str]) -> dict[str, int]:
    import simplemma
    from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy

    from socanalysis.nlp import dictionaries, lemmas

    assert dictionaries.default_store().get_dictionary("fi") is not None
    counts = {"words": len(words), "compared": 0, "differing": 0}
    examples: list[str] = []

    def check(what: str, ours: Any, theirs: Any) -> None:
        counts["compared"] += 1
        if ours != theirs:
            counts["differing"] += 1
            if len(examples) < 10:
                examples.append(f"{what}: {ours!r} != {theirs!r}")

    for lang in ("fi", "sv", ("fi", "sv"), ("sv", "fi")):
        for w in words:
            check(
                f"lemmatize {w} {lang}",
                dictionaries.lemmatize(w, lang),
                simplemma.lemmatize(w, lang),
            )
            check(
                f"is_known {w} {lang}", dictionaries.is_known(w, lang), simplemma.is_known(w, lang)
            )
    ours = {(w, lang): lemmas.lookup_lemma(w, lang) for lang in ("fi", "sv") for w in words}
    known = {(w, lang): lemmas.is_known_word(w, lang) for lang in ("fi", "sv") for w in words}
    # the same functions on simplemma's own dictionaries
    lemmas._simplemma.cache_clear()
    lemmas._simplemma = lambda: (DictionaryLookupStrategy(), DefaultStrategy())  # type: ignore
    lemmas.lookup_lemma.cache_clear()
    for (w, lang), got in ours.items():
        check(f"lookup_lemma {w} {lang}", got, lemmas.lookup_lemma(w, lang))
        check(f"is_known_word {w} {lang}", known[(w, lang)], lemmas.is_known_word(w, lang))
    counts["sources"] = dict(dictionaries.default_store().sources)  # type: ignore[assignment]
    for line in examples:
        print("  differs:", line)
    return counts


# --- report -------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    ap.add_argument("--mode", default="trie", choices=("trie", "simplemma"), help=argparse.SUPPRESS)
    ap.add_argument("--eval-dir", default=str(ROOT.parents[1] / "shared" / "eval"))
    ap.add_argument("--reports", type=int, default=1000, help="generated reports for the stages")
    ap.add_argument("--data", type=Path, help="report CSV for the stages (default: generated)")
    ap.add_argument("--repeats", type=int, default=1, help="runs of each timed case per mode")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds, paired speed")
    ap.add_argument("--skip-identity", action="store_true")
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    if args.case:
        print(json.dumps(CASES[args.case](args)))
        return
    if not Path(args.eval_dir).is_dir():
        default = Path("/work/shared/eval")
        args.eval_dir = str(default)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"load {os.getloadavg()[0]:.2f}"
    )
    results: dict[str, Any] = {}
    if not args.skip_build:
        results["build"] = build = run_case("build", "trie", args)
        print("\nOne-off build into an empty cache folder (per language)")
        print(f"{'lang':<6}{'wall s':>8}{'CPU s':>8}{'file MB':>9}")
        for lang, row in build.items():
            print(f"{lang:<6}{row['wall_s']:>8.2f}{row['cpu_s']:>8.2f}{row['mb']:>9.1f}")
    if args.data is None:
        from generate_reports import generate_reports

        work = Path(tempfile.mkdtemp(prefix="lemstore-bench-"))
        args.data = work / f"reports_{args.reports}.csv"
        generate_reports(args.reports, seed=0).to_csv(
            args.data, sep=";", index=False, encoding="utf-8-sig"
        )
    run_case("first", "trie", args)  # builds the tries in the cache folder if not there yet
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for _ in range(args.repeats):
        for mode in ("simplemma", "trie"):  # interleaved: load changes hit both alike
            for case in ("first", "stages"):
                rows.setdefault(case, {}).setdefault(mode, []).append(run_case(case, mode, args))
    results["cases"] = rows

    def best(case: str, mode: str, key: Any) -> float:
        return min(key(r) for r in rows[case][mode])

    print("\nFresh process, time and memory to the first fi and sv lemma (best of runs)")
    print(f"{'source':<11}{'wall s':>8}{'CPU s':>8}{'RSS before MB':>15}{'RSS after MB':>14}")
    for mode in ("simplemma", "trie"):
        r = min(rows["first"][mode], key=lambda r: r["cpu_s"])
        print(
            f"{mode:<11}{r['wall_s']:>8.2f}{r['cpu_s']:>8.2f}"
            f"{r['rss_before_mb']:>15.0f}{r['rss_after_mb']:>14.0f}"
        )
    n = rows["stages"]["trie"][0]["reports"]
    print(f"\nStages on {n} generated reports, fresh process each (best of runs)")
    print(
        f"{'source':<11}{'privacy wall':>13}{'CPU':>7}{'+RSS MB':>9}"
        f"{'lemmas wall':>12}{'CPU':>7}{'+RSS MB':>9}{'peak MB':>9}"
    )
    for mode in ("simplemma", "trie"):
        r = min(rows["stages"][mode], key=lambda r: r["privacy"]["cpu_s"] + r["lemmas"]["cpu_s"])
        p, lm = r["privacy"], r["lemmas"]
        print(
            f"{mode:<11}{p['wall_s']:>13.2f}{p['cpu_s']:>7.2f}{p['rss_mb']:>9.0f}"
            f"{lm['wall_s']:>12.2f}{lm['cpu_s']:>7.2f}{lm['rss_mb']:>9.0f}{r['peak_mb']:>9.0f}"
        )
    hashes = {r["output_sha1"] for runs in rows["stages"].values() for r in runs}
    print(
        "masked texts, PII counts and lemmas identical for both sources: "
        f"{'yes' if len(hashes) == 1 else 'NO'} ({len(hashes)} distinct fingerprint(s))"
    )
    results["paired"] = paired = run_case("paired", "trie", args)
    print(
        f"\nLemmatiser on the UD sentences, tokens per CPU second: both sources in one process, "
        f"{args.rounds} alternating rounds (best; cold = fresh store and empty lemma cache)"
    )
    print(
        f"{'lang':<6}{'tokens':>8}{'cold simplemma':>16}{'trie':>9}"
        f"{'warm simplemma':>16}{'trie':>9}"
    )
    for lang in ("fi", "sv"):
        plain, trie = paired["simplemma"][lang], paired["trie"][lang]
        print(
            f"{lang:<6}{plain['tokens']:>8}{max(plain['cold']):>16,.0f}"
            f"{max(trie['cold']):>9,.0f}{max(plain['warm']):>16,.0f}"
            f"{max(trie['warm']):>9,.0f}"
        )
    if not args.skip_identity:
        start = time.process_time()
        results["identity"] = same = identity(vocabulary(Path(args.eval_dir)))
        print(
            f"\nIdentical answers: {same['words']} word types (as written + lower case), "
            f"{same['compared']} comparisons, {same['differing']} differing "
            f"({time.process_time() - start:.0f} CPU s; store: {same['sources']})"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
