"""Benchmark: socanalysis language identification against plain langdetect and lingua.

Reads the held-out evaluation text from ``--eval-dir`` (default ``../shared/eval`` next to the
repository): the held-out half of Tatoeba (the other half is tuning text, see
``language_training.tatoeba_split``), UD ``*-test`` and SIB-200 ``test`` rows. It prints, per
slice, the share of gold Finnish labelled ``fi``, of gold Swedish labelled ``sv`` and of
confounders (et, nb, nn, da, en) kept out of fi/sv/mixed, for three systems in the same run:

* ``socanalysis``: :class:`socanalysis.nlp.language.LanguageDetector`;
* ``langdetect``: plain langdetect (seeded), all its languages, top guess;
* ``lingua-8``: lingua high-accuracy mode restricted to fi sv et nb nn da en de.

Slices: full sentences; 2- and 1-word snippets cut from Tatoeba sentences (seeded); full
sentences with ä→a, ö→o, å→a (confounders typed the same way); fi+sv sentence pairs joined into
one text (share labelled ``mixed``) and single-language sentences wrongly labelled ``mixed``.
Then texts per second (one process, one thread) and cold-load time (fresh process).

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_language.py [--eval-dir DIR] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from socanalysis.nlp.language_lexicon import fold  # noqa: E402
from socanalysis.nlp.language_training import cut_snippet, read_tsv, tatoeba_split  # noqa: E402

SIB = {"fin": "fi", "swe": "sv", "est": "et", "nob": "nb", "dan": "da", "eng": "en"}
UD_TEST = {"fi_tdt-test.tsv": "fi", "fi_ftb-test.tsv": "fi", "sv_talbanken-test.tsv": "sv"}
LINGUA_8 = ("fi", "sv", "et", "nb", "nn", "da", "en", "de")
TARGETS = {
    "full sentences": (99.5, 99.0, 98.0),
    "2-word snippets": (97.0, 92.0, 90.0),
    "1-word snippets": (88.0, 80.0, 80.0),
    "ä/ö typed as a/o": (99.0, 95.0, 97.0),
}


def load_sets(eval_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """Held-out (text, gold language) pairs per source."""
    # the other half of Tatoeba is tuning text (see language_training.tatoeba_split)
    _, tatoeba = tatoeba_split(eval_dir)
    ud = [
        (row["text"], code)
        for name, code in UD_TEST.items()
        for row in read_tsv(eval_dir / "ud" / name)
    ]
    sib = [
        (row["text"], code)
        for stem, code in SIB.items()
        for row in read_tsv(eval_dir / "sib200" / f"{stem}_Latn.tsv")
        if row["split"] == "test"
    ]
    return {"Tatoeba": tatoeba, "UD test": ud, "SIB-200 test": sib}


def mixed_pairs(eval_dir: Path, seed: int) -> list[str]:
    """Finnish and Swedish sentences joined into one text, both orders."""
    rng = random.Random(seed)
    _, held_out = tatoeba_split(eval_dir)
    fin = [t for t, code in held_out if code == "fi"]
    swe = [t for t, code in held_out if code == "sv"]
    rng.shuffle(swe)
    out = [
        f"{a} {b}" if k % 2 == 0 else f"{b} {a}"
        for k, (a, b) in enumerate(zip(fin, swe, strict=False))
    ]
    for k, row in enumerate(read_tsv(eval_dir / "sib200" / "fin_swe_parallel.tsv")):
        if row["split"] == "test":
            a, b = row["fin"], row["swe"]
            out.append(f"{a} {b}" if k % 2 == 0 else f"{b} {a}")
    return out


def same_language_pairs(eval_dir: Path, seed: int) -> list[str]:
    """Two Finnish or two Swedish sentences joined: must not come out ``mixed``."""
    out = []
    _, held_out = tatoeba_split(eval_dir)
    for lang in ("fi", "sv"):
        sents = [t for t, code in held_out if code == lang]
        other = sents[:]
        random.Random(seed + 1).shuffle(other)
        out += [f"{a} {b}" for a, b in zip(sents, other, strict=True)]
    return out


def three_way(code: str) -> str:
    return code if code in ("fi", "sv", "mixed") else "other"


def make_systems(
    seed: int, wanted: Sequence[str]
) -> dict[str, tuple[Callable[[Sequence[str]], list[str]], float]]:
    """name -> (labeller, load seconds); each labeller returns fi/sv/mixed/other/unknown."""
    systems = {}
    t = time.perf_counter()
    from socanalysis.nlp.language import LanguageDetector

    ours = LanguageDetector(seed=seed).warm()
    systems["socanalysis"] = (
        lambda texts: ours.detect(list(texts))["language"].tolist(),
        time.perf_counter() - t,
    )

    if "langdetect" not in wanted:
        return systems
    t = time.perf_counter()
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    def run_langdetect(texts: Sequence[str]) -> list[str]:
        out = []
        for text in texts:
            DetectorFactory.seed = seed
            try:
                out.append(three_way(detect_langs(text)[0].lang))
            except LangDetectException:
                out.append("unknown")
        return out

    run_langdetect(["warm up"])
    systems["langdetect"] = (run_langdetect, time.perf_counter() - t)

    if "lingua-8" not in wanted:
        return systems
    t = time.perf_counter()
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in LINGUA_8]
    lingua = LanguageDetectorBuilder.from_languages(*langs).with_preloaded_language_models().build()

    def run_lingua(texts: Sequence[str]) -> list[str]:
        out = []
        for text in texts:
            lang = lingua.detect_language_of(text)
            out.append("unknown" if lang is None else three_way(lang.iso_code_639_1.name.lower()))
        return out

    systems["lingua-8"] = (run_lingua, time.perf_counter() - t)
    return systems


def scores(pred: Sequence[str], gold: Sequence[str]) -> tuple[float, float, float]:
    """(% gold fi labelled fi, % gold sv labelled sv, % confounders kept out of fi/sv/mixed)."""

    def pct(sel: list[int], ok: Callable[[str], bool]) -> float:
        return 100.0 * sum(ok(pred[i]) for i in sel) / max(1, len(sel))

    fi = [i for i, g in enumerate(gold) if g == "fi"]
    sv = [i for i, g in enumerate(gold) if g == "sv"]
    conf = [i for i, g in enumerate(gold) if g not in ("fi", "sv")]
    return (
        pct(fi, lambda p: p == "fi"),
        pct(sv, lambda p: p == "sv"),
        pct(conf, lambda p: p not in ("fi", "sv", "mixed")),
    )


COLD_REPORTS = [
    "Asiakas ei saanut tukea ajoissa.",
    "Klienten fick inget stöd.",
    "paatos viivastyi",
    "The client got no help.",
]
# one-word texts the cue model is unsure of, so lingua's short-text models must load too
COLD_SNIPPETS = ["det", "klienten", "tukea", "han", "kommer"]


def cold_load(texts: Sequence[str]) -> float:
    """Seconds from a fresh interpreter to the first tags of ``texts`` (median of 3)."""
    code = (
        "import sys, time; t=time.perf_counter();"
        "from socanalysis.nlp.language import detect_languages;"
        f"detect_languages({list(texts)!r});"
        "print(time.perf_counter()-t)"
    )
    runs = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
        )
        runs.append(float(out.stdout.strip().splitlines()[-1]))
    return sorted(runs)[1]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=REPO.parent / "shared" / "eval")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--systems", default="socanalysis,langdetect,lingua-8", help="comma-separated subset"
    )
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-load measurement")
    args = parser.parse_args(argv)
    if not args.eval_dir.is_dir():
        sys.exit(f"evaluation folder {args.eval_dir} not found; pass --eval-dir")
    rng = random.Random(args.seed)
    sets = load_sets(args.eval_dir)
    full = [pair for pairs in sets.values() for pair in pairs]
    tatoeba = sets["Tatoeba"]
    snip2 = [(s, g) for t, g in tatoeba if (s := cut_snippet(t, 2, rng)) is not None]
    snip1 = [(s, g) for t, g in tatoeba if (s := cut_snippet(t, 1, rng)) is not None]
    folded = [(fold(t), g) for t, g in full]
    pairs = mixed_pairs(args.eval_dir, args.seed)
    same_pairs = same_language_pairs(args.eval_dir, args.seed)
    slices = {
        "full sentences": full,
        "2-word snippets": snip2,
        "1-word snippets": snip1,
        "ä/ö typed as a/o": folded,
    }
    for name, pairs_ in sets.items():
        slices[f"  of which {name}"] = pairs_

    wanted = args.systems.split(",")
    systems = {k: v for k, v in make_systems(args.seed, wanted).items() if k in wanted}
    names = list(systems)
    results: dict[str, dict[str, tuple[float, float, float]]] = {}
    speed: dict[str, float] = {}
    speed_again: dict[str, float] = {}
    mixed_share: dict[str, float] = {}
    false_mixed: dict[str, float] = {}
    false_mixed_pairs: dict[str, float] = {}
    for sys_name, (run, _) in systems.items():
        for slice_name, data in slices.items():
            if slice_name.startswith("  of which"):
                continue
            texts = [t for t, _ in data]
            t = time.perf_counter()
            pred = run(texts)
            dt = time.perf_counter() - t
            results.setdefault(slice_name, {})[sys_name] = scores(pred, [g for _, g in data])
            if slice_name == "full sentences":
                speed[sys_name] = len(texts) / dt
                start = 0
                for src, src_pairs in sets.items():
                    part = pred[start : start + len(src_pairs)]
                    results.setdefault(f"  of which {src}", {})[sys_name] = scores(
                        part, [g for _, g in src_pairs]
                    )
                    start += len(src_pairs)
                single = [i for i, (_, g) in enumerate(data) if g in ("fi", "sv")]
                false_mixed[sys_name] = (
                    100.0 * sum(pred[i] == "mixed" for i in single) / len(single)
                )
        texts = [t for t, _ in slices["full sentences"]]
        t = time.perf_counter()
        run(texts)
        speed_again[sys_name] = len(texts) / (time.perf_counter() - t)
        pred = run(pairs)
        mixed_share[sys_name] = 100.0 * sum(p == "mixed" for p in pred) / len(pairs)
        pred = run(same_pairs)
        false_mixed_pairs[sys_name] = 100.0 * sum(p == "mixed" for p in pred) / len(same_pairs)

    print(f"# language identification benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(
        f"# machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}"
    )
    print()
    print("gold fi / gold sv / confounders kept out, % (target in brackets)")
    print()
    print("| slice | n | " + " | ".join(names) + " | target |")
    print("|---|---|" + "---|" * len(names) + "---|")
    for slice_name, data in slices.items():
        n_fi = sum(g == "fi" for _, g in data)
        n_sv = sum(g == "sv" for _, g in data)
        n_o = len(data) - n_fi - n_sv
        cells = [
            " / ".join(
                "–" if k == 2 and not n_o else f"{v:.1f}"
                for k, v in enumerate(results[slice_name][s])
            )
            for s in names
        ]
        target = TARGETS.get(slice_name)
        tcell = " / ".join(f"≥{v:g}" for v in target) if target else ""
        print(f"| {slice_name} | {n_fi}/{n_sv}/{n_o} | " + " | ".join(cells) + f" | {tcell} |")
    print()
    print("| measure | " + " | ".join(names) + " | target |")
    print("|---|" + "---|" * len(names) + "---|")
    print(
        f"| fi+sv pairs labelled mixed, % (n={len(pairs)}) | "
        + " | ".join(f"{mixed_share[s]:.1f}" for s in names)
        + " | ≥90 |"
    )
    print(
        "| single-language sentences labelled mixed, % | "
        + " | ".join(f"{false_mixed[s]:.2f}" for s in names)
        + " | ≤1 |"
    )
    print(
        f"| two fi or two sv sentences joined, labelled mixed, % (n={len(same_pairs)}) | "
        + " | ".join(f"{false_mixed_pairs[s]:.2f}" for s in names)
        + " | ≤1 |"
    )
    print(
        "| texts/s, full sentences, one thread, first pass | "
        + " | ".join(f"{speed[s]:.0f}" for s in names)
        + " | ≥2000 |"
    )
    print(
        "| texts/s, same sentences again (word cache warm) | "
        + " | ".join(f"{speed_again[s]:.0f}" for s in names)
        + " | ≥2000 |"
    )
    print(
        "| load in this process, s (warm-up incl.) | "
        + " | ".join(f"{systems[s][1]:.2f}" for s in names)
        + " | |"
    )
    if not args.no_cold:
        pad = " |" * len(names)  # closes our cell, then an empty one per other system
        print(
            f"| cold load, fresh process to first tags of 4 reports, s (median of 3) | "
            f"{cold_load(COLD_REPORTS):.2f}{pad} ≤1.5 |"
        )
        print(
            f"| cold load, same with 5 one-word texts added, s (median of 3) | "
            f"{cold_load(COLD_REPORTS + COLD_SNIPPETS):.2f}{pad} ≤1.5 |"
        )


if __name__ == "__main__":
    main()
