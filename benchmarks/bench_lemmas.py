"""Benchmark: lemma accuracy on the gold list and lemmatisation speed on UD sentences.

Accuracy: ``benchmarks/data/lemma_gold.tsv`` (word forms typical of social reports -> lemma,
Finnish and Swedish, with a dev/test split: dev rows were used to tune ``lemma_*.yaml``, test
rows were not). Compares plain ``simplemma.lemmatize`` with ``socanalysis.nlp.lemmas``, and
counts how many lemma groups (all forms of one lemma) meet in a single lemma.

Speed: the raw sentences of the UD Finnish-TDT, Finnish-FTB and Swedish-Talbanken dev and test
files (``../shared/eval/ud``; only text, no gold lemmas) through ``LemmaAnalyzer``: tokens per
second on the first pass (empty caches) and on a second pass (warm caches), against spaCy's
blank tokenizer alone; plus how the lemmas of alphabetic tokens were found.

Run from the repository root::

    nice python benchmarks/bench_lemmas.py [--eval-dir ../shared/eval] [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")


def default_eval_dir() -> Path:
    for candidate in (ROOT.parent / "shared" / "eval", ROOT.parent.parent / "shared" / "eval"):
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared" / "eval"


def read_gold(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def accuracy_table(gold: list[dict[str, str]]) -> None:
    import simplemma

    from socanalysis.nlp.lemmas import lookup_lemma

    stats: dict[tuple[str, str], Counter] = defaultdict(Counter)
    groups: dict[tuple[str, str, str], dict[str, set[str]]] = defaultdict(
        lambda: {"ours": set(), "simplemma": set()}
    )
    for row in gold:
        lang, form, lemma, split = row["lang"], row["form"], row["lemma"], row["split"]
        ours = lookup_lemma(form, lang)[0]
        plain = simplemma.lemmatize(form, lang=lang).lower()
        for key in ((lang, split), (lang, "all")):
            stats[key]["n"] += 1
            stats[key]["ours"] += ours == lemma
            stats[key]["simplemma"] += plain == lemma
        group = groups[(lang, split, lemma)]
        group["ours"].add(ours)
        group["simplemma"].add(plain)
    group_stats: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (lang, split, _), found in groups.items():
        for key in ((lang, split), (lang, "all")):
            group_stats[key]["n"] += 1
            group_stats[key]["ours"] += len(found["ours"]) == 1
            group_stats[key]["simplemma"] += len(found["simplemma"]) == 1

    print("\nLemma accuracy on benchmarks/data/lemma_gold.tsv")
    print(
        f"{'lang':<5}{'split':<6}{'forms':>6}{'simplemma':>11}{'ours':>8}"
        f"{'groups':>8}{'met: simplemma':>16}{'ours':>7}"
    )
    for key in sorted(stats):
        s, g = stats[key], group_stats[key]
        print(
            f"{key[0]:<5}{key[1]:<6}{s['n']:>6}{s['simplemma'] / s['n']:>11.1%}"
            f"{s['ours'] / s['n']:>8.1%}{g['n']:>8}{g['simplemma'] / g['n']:>16.1%}"
            f"{g['ours'] / g['n']:>7.1%}"
        )
    print("Errors of ours on test rows (held out):")
    for row in gold:
        if row["split"] == "test":
            ours, method = lookup_lemma(row["form"], row["lang"])
            if ours != row["lemma"]:
                print(f"  {row['lang']} {row['form']}: {ours} ({method}), gold {row['lemma']}")


def read_ud(eval_dir: Path, limit: int | None) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {"fi": [], "sv": []}
    for path in sorted((eval_dir / "ud").glob("*.tsv")):
        with open(path, encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        texts[rows[0]["lang"]].extend(r["text"] for r in rows)
    if limit:
        texts = {k: v[:limit] for k, v in texts.items()}
    return texts


def speed_table(texts: dict[str, list[str]]) -> None:
    import spacy

    from socanalysis.nlp.analyzer import LemmaAnalyzer
    from socanalysis.nlp.lemmas import lookup_lemma
    from socanalysis.nlp.tokens import get_pipeline

    print("\nSpeed on UD dev+test sentences (raw text), tokens per second of CPU time")
    print("(wall-clock rates in brackets; other jobs share the machine, CPU time is steadier)")
    print(
        f"{'lang':<5}{'sentences':>10}{'tokens':>9}{'tokenizer':>20}{'ours cold':>20}"
        f"{'ours warm':>20}{'terms/sent':>11}"
    )

    def timed(run):
        wall, cpu = time.perf_counter(), time.process_time()
        value = run()
        return value, time.process_time() - cpu, time.perf_counter() - wall

    def rate(n, cpu, wall):
        return f"{n / cpu:,.0f} ({n / wall:,.0f})"

    methods: dict[str, Counter] = {}
    for lang, sentences in texts.items():
        blank = spacy.blank(lang)
        n_tokens, cpu_t, wall_t = timed(
            lambda blank=blank, sentences=sentences: sum(
                len(doc) for doc in blank.pipe(sentences, batch_size=256)
            )
        )
        get_pipeline(lang)  # load dictionaries and the pipeline outside the timed part
        lookup_lemma("a", lang)
        analyzer = LemmaAnalyzer(lang)
        lookup_lemma.cache_clear()
        terms, cpu_c, wall_c = timed(lambda a=analyzer, s=sentences: a.lemmatize_texts(s))
        again, cpu_w, wall_w = timed(lambda a=analyzer, s=sentences: a.lemmatize_texts(s))
        assert again == terms, "not deterministic"
        n_terms = sum(len(t) for t in terms) / len(sentences)
        print(
            f"{lang:<5}{len(sentences):>10}{n_tokens:>9}{rate(n_tokens, cpu_t, wall_t):>20}"
            f"{rate(n_tokens, cpu_c, wall_c):>20}{rate(n_tokens, cpu_w, wall_w):>20}"
            f"{n_terms:>11.1f}"
        )
        counter: Counter = Counter()
        for doc in get_pipeline(lang).pipe(sentences, batch_size=256):
            for token in doc:
                if token.is_alpha:
                    counter[token._.lemma_method or "none"] += 1
        methods[lang] = counter
    print("\nHow lemmas of alphabetic UD tokens were found (share of tokens)")
    names = ["dictionary", "override", "diacritics", "clitic", "passive", "compound"]
    names += ["simplemma", "restored", "abbreviation", "coordination", "unknown"]
    print(f"{'lang':<5}" + "".join(f"{n:>13}" for n in names))
    for lang, counter in methods.items():
        total = sum(counter.values())
        print(f"{lang:<5}" + "".join(f"{counter[n] / total:>13.1%}" for n in names))


def umlaut_table(texts: dict[str, list[str]]) -> None:
    """Robustness to ä/ö (å) typed as a/o: does a word get the same lemma without them?"""
    import simplemma

    from socanalysis.nlp.lemmas import lookup_lemma

    strip = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "A", "Ö": "O", "Å": "A"})
    print("\nSame lemma with ä/ö/å typed as a/o (UD words that contain them, types)")
    print(f"{'lang':<5}{'words':>7}{'simplemma':>11}{'ours':>8}")
    for lang, sentences in texts.items():
        words = sorted({w.strip(".,;:!?()\"'").lower() for s in sentences for w in s.split()})
        words = [w for w in words if w.isalpha() and w != w.translate(strip)]
        same_plain = sum(
            simplemma.lemmatize(w, lang=lang).lower()
            == simplemma.lemmatize(w.translate(strip), lang=lang).lower()
            for w in words
        )
        same_ours = sum(
            lookup_lemma(w, lang)[0] == lookup_lemma(w.translate(strip), lang)[0] for w in words
        )
        n = len(words)
        print(f"{lang:<5}{n:>7}{same_plain / n:>11.1%}{same_ours / n:>8.1%}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=default_eval_dir())
    parser.add_argument("--gold", type=Path, default=ROOT / "benchmarks/data/lemma_gold.tsv")
    parser.add_argument("--limit", type=int, default=None, help="sentences per language")
    args = parser.parse_args(argv)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    accuracy_table(read_gold(args.gold))
    if (args.eval_dir / "ud").is_dir():
        texts = read_ud(args.eval_dir, args.limit)
        speed_table(texts)
        umlaut_table(texts)
    else:
        print(f"\n{args.eval_dir / 'ud'} not found: speed not measured (pass --eval-dir)")


if __name__ == "__main__":
    main()
