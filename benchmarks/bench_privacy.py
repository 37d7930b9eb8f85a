"""Precision and recall per PII type on the planted set from make_pii_set.py.

A planted identifier counts as found when spans of its own type cover all its characters
(also reported: covered by a span of any type, which is what matters for privacy). A detected
span is a true positive when it overlaps a planted identifier of its type. Negatives (dates,
amounts, statute references, ...) count as false positives when any detected span touches them.

With ``--eval-dir`` (the shared evaluation corpora, e.g. ../shared/eval) it also checks real,
non-social-care text: detections of structured types on UD, SIB-200 and Tatoeba sentences (all
should be false positives: that text holds no phone numbers or identity codes) and name recall on
Tatoeba's recurring characters (Tom, Mary, John, ...), whose sentences nobody on the team wrote.

With ``--sample`` it checks real report-like text: every span found in the sample reports
(``sample_data``, text and proposal, languages from the language stage) against the judged list
``benchmarks/data/privacy_sample_judged.csv`` (each span found by any version of the detector,
judged personal data or not, plus identifiers a detector missed). It prints true masks, false
masks, missed identifiers and spans nobody has judged yet (judge those and add them to the list).

Usage::

    python benchmarks/make_pii_set.py --out /tmp/pii_set.jsonl
    python benchmarks/bench_privacy.py /tmp/pii_set.jsonl
    python benchmarks/bench_privacy.py            # generates the set in memory (seed 0)
    python benchmarks/bench_privacy.py --eval-dir ../shared/eval
    python benchmarks/bench_privacy.py --sample --show-fp   # judged sample masks
    python benchmarks/bench_privacy.py --theme-control 0 1 2  # does masking move the themes?
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from socanalysis.nlp.privacy import PRIVACY_TYPES, find_pii, mask  # noqa: E402

STRUCTURED = ("hetu", "phone", "email", "iban")


def _covered(gold: dict, spans: list, text: str, same_type: bool) -> bool:
    chars = [i for i in range(gold["start"], gold["end"]) if not text[i].isspace()]
    for i in chars:
        if not any(
            s.start <= i < s.end and (not same_type or s.type == gold["type"]) for s in spans
        ):
            return False
    return True


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def evaluate(reports: list[dict]) -> dict:
    found = Counter()
    found_any = Counter()
    gold_n = Counter()
    tp = Counter()
    pred_n = Counter()
    groups = defaultdict(lambda: [0, 0])  # label -> [found, total]
    neg_hit = Counter()
    neg_n = Counter()
    not_idempotent = 0
    fp_examples: list[str] = []
    chars = 0
    find_pii("Matti", "fi"), find_pii("Erik", "sv")  # load the dictionaries before timing
    t0 = time.perf_counter()
    predictions = []
    for report in reports:
        spans = find_pii(report["text"], report["language"])
        predictions.append(spans)
        chars += len(report["text"])
    elapsed = time.perf_counter() - t0
    for report, spans in zip(reports, predictions, strict=True):
        text = report["text"]
        for gold in report["spans"]:
            gold_n[gold["type"]] += 1
            ok = _covered(gold, spans, text, same_type=True)
            found[gold["type"]] += ok
            found_any[gold["type"]] += _covered(gold, spans, text, same_type=False)
            if gold["type"] == "hetu":
                groups["hetu valid" if gold["valid"] else "hetu invalid"][0] += ok
                groups["hetu valid" if gold["valid"] else "hetu invalid"][1] += 1
                flag_ok = ok and any(
                    s.type == "hetu" and s.valid == gold["valid"]
                    for s in spans
                    if _overlaps(s.start, s.end, gold["start"], gold["end"])
                )
                groups["hetu valid flag right"][0] += flag_ok
                groups["hetu valid flag right"][1] += 1
            if gold["type"] == "name":
                key = "names in lists" if gold["in_list"] else "names held out"
                groups[key][0] += ok
                groups[key][1] += 1
                if gold["sentence_initial"]:
                    groups["names at sentence start"][0] += ok
                    groups["names at sentence start"][1] += 1
        for span in spans:
            pred_n[span.type] += 1
            hit = any(
                g["type"] == span.type and _overlaps(span.start, span.end, g["start"], g["end"])
                for g in report["spans"]
            )
            tp[span.type] += hit
            if not hit and len(fp_examples) < 40:
                fp_examples.append(f"{span.type}: {span.text!r} in {report['id']}")
        for neg in report["negatives"]:
            neg_n[neg["kind"]] += 1
            neg_hit[neg["kind"]] += any(
                _overlaps(s.start, s.end, neg["start"], neg["end"]) for s in spans
            )
        once = mask(text, spans, report["language"]).text
        not_idempotent += mask(once, language=report["language"]).text != once
    return {
        "found": found, "found_any": found_any, "gold_n": gold_n, "tp": tp, "pred_n": pred_n,
        "groups": groups, "neg_hit": neg_hit, "neg_n": neg_n, "not_idempotent": not_idempotent,
        "fp_examples": fp_examples, "seconds": elapsed, "chars": chars, "n_reports": len(reports),
    }  # fmt: skip


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:6.1f}" if b else "     -"


def print_table(r: dict, show_fp: bool = False) -> None:
    print(f"{'type':<16}{'planted':>8}{'recall %':>10}{'any-type %':>11}{'detected':>9}"
          f"{'precision %':>12}")  # fmt: skip
    rows = [*PRIVACY_TYPES, "structured"]
    for t in rows:
        types = STRUCTURED if t == "structured" else (t,)
        g = sum(r["gold_n"][x] for x in types)
        f = sum(r["found"][x] for x in types)
        fa = sum(r["found_any"][x] for x in types)
        p = sum(r["pred_n"][x] for x in types)
        tp = sum(r["tp"][x] for x in types)
        print(f"{t:<16}{g:>8}{_pct(f, g):>10}{_pct(fa, g):>11}{p:>9}{_pct(tp, p):>12}")
    g_all = sum(r["gold_n"].values())
    print(f"{'all':<16}{g_all:>8}{_pct(sum(r['found'].values()), g_all):>10}"
          f"{_pct(sum(r['found_any'].values()), g_all):>11}{sum(r['pred_n'].values()):>9}"
          f"{_pct(sum(r['tp'].values()), sum(r['pred_n'].values())):>12}")  # fmt: skip
    print()
    print(f"{'subgroup':<26}{'found':>7}{'of':>6}{'%':>8}")
    for key in sorted(r["groups"]):
        a, b = r["groups"][key]
        print(f"{key:<26}{a:>7}{b:>6}{_pct(a, b):>8}")
    print()
    print(f"{'negative kind':<16}{'n':>6}{'touched':>9}{'FP rate %':>11}")
    for kind in sorted(r["neg_n"]):
        print(f"{kind:<16}{r['neg_n'][kind]:>6}{r['neg_hit'][kind]:>9}"
              f"{_pct(r['neg_hit'][kind], r['neg_n'][kind]):>11}")  # fmt: skip
    n, h = sum(r["neg_n"].values()), sum(r["neg_hit"].values())
    print(f"{'all negatives':<16}{n:>6}{h:>9}{_pct(h, n):>11}")
    print()
    print(f"reports: {r['n_reports']}, masking changed by a second pass: {r['not_idempotent']}")
    speed = r["chars"] / r["seconds"] / 1000
    print(f"find_pii speed: {r['n_reports'] / r['seconds']:.0f} reports/s, {speed:.0f} k chars/s "
          "(dictionaries loaded before timing)")  # fmt: skip
    if show_fp:
        print("\nfalse positives (first 40; benchmark text is synthetic):")
        for line in r["fp_examples"]:
            print("  " + line)


# the UD test files were not looked at while writing the rules (held out); the others were
REAL_FILES = [
    ("ud/fi_tdt-dev", "fi"), ("ud/fi_ftb-dev", "fi"), ("ud/sv_talbanken-dev", "sv"),
    ("ud/fi_tdt-test", "fi"), ("ud/fi_ftb-test", "fi"), ("ud/sv_talbanken-test", "sv"),
    ("sib200/fin_Latn", "fi"), ("sib200/swe_Latn", "sv"), ("tatoeba/fin", "fi"),
    ("tatoeba/swe", "sv"),
]  # fmt: skip
TATOEBA_NAMES = ("Tom", "Mary", "John", "Alice", "Ken", "Jack", "Mike", "Jim", "Bill")
# the name followed by a Finnish case ending or Swedish genitive, as one word
_TATOEBA_RE = re.compile(
    r"\b(" + "|".join(TATOEBA_NAMES) + r")(?:in|ille|ia|illa|ista|iin|ilta|ilta|n|lle|a|ä|sta|stä"
    r"|yn|ltä|llä|lla|lta|s|kin)?\b"
)


_PLAIN = str.maketrans("äöåÄÖÅ", "aoaAOA")


def _typed_quickly(text: str, rng) -> str:
    """The sentence as quick report typing leaves it: ä/ö/å typed as a/o, and one slip (a
    letter dropped or doubled, or two swapped) in one lower-case word of 7+ letters."""
    text = text.translate(_PLAIN)
    words = [m for m in re.finditer(r"\b[a-z]{7,}\b", text)]
    if not words:
        return text
    m = rng.choice(words)
    w = m.group(0)
    i = rng.randrange(1, len(w) - 1)
    kind = rng.choice(("drop", "double", "swap"))
    slip = {"drop": w[:i] + w[i + 1 :], "double": w[:i] + w[i] + w[i:],
            "swap": w[:i] + w[i + 1] + w[i] + w[i + 2 :]}[kind]  # fmt: skip
    return text[: m.start()] + slip + text[m.end() :]


def real_text_checks(eval_dir: Path) -> None:
    """Structured detections on real text (false positives) and Tatoeba name recall.

    Also the same sentences typed quickly (see :func:`_typed_quickly`): every name span there
    that does not overlap a name span of the original sentence is a mask caused by the typing
    alone, so a false one (real text, nobody planted anything).
    """
    import random

    from socanalysis.nlp.privacy_data import name_lists

    lists = name_lists()
    listed = set().union(*(lists[k] for k in lists if k.startswith(("first_", "surnames_"))))
    print(f"{'real text':<22}{'texts':>7}{'words':>8}  structured detections / names / "
          "extra names when typed quickly")  # fmt: skip
    recall = Counter()
    for name, lang in REAL_FILES:
        path = eval_dir / f"{name}.tsv"
        if not path.exists():
            print(f"{name:<22} missing ({path})")
            continue
        with path.open(encoding="utf-8") as handle:
            texts = [row["text"] for row in csv.DictReader(handle, delimiter="\t")]
        kinds = Counter()
        rng = random.Random(0)
        extra = 0
        for text in texts:
            spans = find_pii(text, lang)
            kinds.update(s.type for s in spans)
            quick = _typed_quickly(text, rng)
            if quick != text:
                base = [(s.start, s.end) for s in spans if s.type == "name"]
                # the slip shifts offsets by at most one character
                extra += sum(
                    not any(_overlaps(s.start - 1, s.end + 1, a, b) for a, b in base)
                    for s in find_pii(quick, lang)
                    if s.type == "name"
                )
            if name.startswith("tatoeba"):
                for m in _TATOEBA_RE.finditer(text):
                    before = text[: m.start()].rstrip()
                    where = "start" if not before or before[-1] in ".!?" else "inside"
                    in_list = "in list" if m.group(1).casefold() in listed else "not in list"
                    hit = any(s.type == "name" and s.start <= m.start() and s.end >= m.end()
                              for s in spans)  # fmt: skip
                    recall[(lang, in_list, where, "found" if hit else "missed")] += 1
        structured = {k: v for k, v in kinds.items() if k != "name"}
        words = sum(len(t.split()) for t in texts)
        print(f"{name:<22}{len(texts):>7}{words:>8}  {structured or 0} / {kinds['name']} / "
              f"{extra}")  # fmt: skip
    print("\nTatoeba names (Tom, Mary, ...): found / total")
    for lang in ("fi", "sv"):
        for in_list in ("in list", "not in list"):
            for where in ("start", "inside"):
                found = recall[(lang, in_list, where, "found")]
                total = found + recall[(lang, in_list, where, "missed")]
                if total:
                    print(f"  {lang} {in_list:<12} sentence {where:<7} {found:>4} / {total:<4}"
                          f"{_pct(found, total)} %")  # fmt: skip


JUDGED = ROOT / "benchmarks" / "data" / "privacy_sample_judged.csv"


def sample_check(judged_path: Path = JUDGED, show: bool = False) -> dict:
    """Masks on the sample reports against the judged list: true, false, missed, unjudged.

    A judged item counts as masked when a span of its type covers all its characters; a span
    found counts as true when it overlaps an item judged personal data ("yes"), false when it
    overlaps one judged "no", "service" when it overlaps an identifier of a service (a shared
    mailbox: not personal data, masked by policy) and unjudged otherwise.
    """
    import socanalysis as sa
    from socanalysis.nlp.language import detect_languages

    reports = sa.read_reports(ROOT / "sample_data" / "reports_webropol.csv")
    reports = reports.set_index("report_id")
    languages = detect_languages(reports["text"])["language"]
    with judged_path.open(encoding="utf-8") as handle:
        judged = list(csv.DictReader(handle))
    by_text = defaultdict(list)
    for item in judged:
        start = int(item["start"])
        text = reports.loc[item["report_id"], item["field"]]
        if text[start : start + len(item["span"])] != item["span"]:
            raise SystemExit(f"judged span does not match the sample text: {item}")
        by_text[(item["report_id"], item["field"])].append((start, start + len(item["span"]), item))
    counts = Counter()
    lines = []
    n_texts = 0
    for field in ("text", "proposal"):
        for rid, text in reports[field].items():
            if not isinstance(text, str) or not text.strip():
                continue
            n_texts += 1
            spans = find_pii(text, languages[rid])
            items = by_text.get((rid, field), [])
            for span in spans:
                hit = [it for s, e, it in items if _overlaps(span.start, span.end, s, e)]
                verdicts = {it["personal"] for it in hit}
                kind = (
                    "true" if "yes" in verdicts else "service" if "service" in verdicts
                    else "false" if "no" in verdicts else "unjudged"
                )  # fmt: skip
                counts[kind] += 1
                counts[(kind, span.type)] += 1
                if kind in ("false", "unjudged"):
                    lines.append(f"  {kind:<9}{rid} {field:<9}{span.start:>5} {span.type:<12}"
                                 f"{span.text!r}")  # fmt: skip
            for start, end, item in items:
                if item["personal"] != "yes":
                    continue
                covered = all(
                    any(s.type == item["type"] and s.start <= i < s.end for s in spans)
                    for i in range(start, end)
                    if not text[i].isspace()
                )
                counts["found" if covered else "missed"] += 1
                if not covered:
                    lines.append(f"  missed   {rid} {field:<9}{start:>5} {item['type']:<12}"
                                 f"{item['span']!r}")  # fmt: skip
    masks = counts["true"] + counts["false"] + counts["service"] + counts["unjudged"]
    print(f"sample reports: {len(reports)} ({n_texts} texts incl. proposals), "
          f"judged items: {len(judged)}")  # fmt: skip
    print(f"{'masks':<12}{masks:>5}")
    for kind in ("true", "service", "false", "unjudged"):
        per_type = ", ".join(f"{t} {counts[(kind, t)]}" for t in PRIVACY_TYPES if counts[(kind, t)])
        print(f"{kind:<12}{counts[kind]:>5}  {per_type}")
    personal = counts["found"] + counts["missed"]
    print(f"{'missed':<12}{counts['missed']:>5}  of {personal} identifiers judged personal data")
    judged_masks = counts["true"] + counts["false"]
    print(f"precision (true / (true + false)): {_pct(counts['true'], judged_masks).strip()} %, "
          f"recall: {_pct(counts['found'], personal).strip()} %")  # fmt: skip
    if show and lines:
        print("\nfalse, unjudged and missed (sample text is synthetic):")
        print("\n".join(lines))
    return counts


def theme_control(seeds: list[int]) -> None:
    """How far the theme model moves when masking changes reports, against two controls.

    ARI between themes of raw and masked sample text (as bench_masking_themes.py), of raw text
    and raw text with " ." appended to exactly the reports that masking changes (a change
    without meaning), and of raw text fitted with two seeds. Needs the e5 embedder (cached).
    """
    import numpy as np
    from sklearn.metrics import adjusted_rand_score

    import socanalysis as sa
    from socanalysis.nlp.analyzer import LemmaAnalyzer
    from socanalysis.nlp.embeddings import get_embedder
    from socanalysis.nlp.language import detect_languages
    from socanalysis.nlp.privacy import mask_reports
    from socanalysis.themes.model import ThemeModel

    reports = sa.read_reports(ROOT / "sample_data" / "reports_webropol.csv")
    reports = reports[reports["status"] == "ok"].reset_index(drop=True)
    lang = detect_languages(reports["text"])["language"]
    masked = mask_reports(reports["text"], lang)
    changed = (masked["pii_masked"] > 0).to_numpy()
    control = reports["text"].where(~changed, reports["text"] + " .")
    embedder = get_embedder("e5-small-bundled")
    x_raw = embedder.encode(reports["text"].tolist())
    x_masked = embedder.encode(masked["text_masked"].tolist())
    x_control = embedder.encode(control.tolist())

    def cos(a, b):
        return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)

    print(f"reports changed by masking: {changed.sum()}, lowest cosine to raw: masked "
          f"{cos(x_raw, x_masked)[changed].min():.3f}, control "
          f"{cos(x_raw, x_control)[changed].min():.3f}")  # fmt: skip
    print("| seed | ARI masked | ARI control ' .' | ARI raw, seed + 10 |")
    print("|---|---|---|---|")
    raw = reports.assign(language=lang.to_numpy())
    for seed in seeds:

        def fit(frame, x, s=seed):
            return ThemeModel(seed=s, analyzer_factory=LemmaAnalyzer).fit(frame, x).labels_

        a = fit(raw, x_raw)
        b = fit(raw.assign(text=masked["text_masked"].to_numpy()), x_masked)
        c = fit(raw.assign(text=control.to_numpy()), x_control)
        d = fit(raw, x_raw, seed + 10)
        print(f"| {seed} | {adjusted_rand_score(a, b):.3f} | {adjusted_rand_score(a, c):.3f} | "
              f"{adjusted_rand_score(a, d):.3f} |")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Privacy detector precision/recall per type")
    parser.add_argument("path", nargs="?", type=Path, help="JSONL from make_pii_set.py")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reports", type=int, default=700)
    parser.add_argument("--show-fp", action="store_true", help="list false positives")
    parser.add_argument("--eval-dir", type=Path, help="shared eval corpora for real-text checks")
    parser.add_argument("--sample", action="store_true", help="judged masks on sample_data only")
    parser.add_argument("--theme-control", type=int, nargs="*", metavar="SEED",
                        help="ARI of themes: masked, a meaningless edit, another seed")  # fmt: skip
    args = parser.parse_args(argv)
    if args.theme_control is not None:
        theme_control(args.theme_control or [0, 1, 2])
        return
    if args.sample:
        sample_check(show=args.show_fp)
        return
    if args.path:
        with args.path.open(encoding="utf-8") as handle:
            reports = [json.loads(line) for line in handle if line.strip()]
    else:
        from make_pii_set import generate

        reports = generate(args.seed, args.reports)
    print_table(evaluate(reports), args.show_fp)
    if args.eval_dir:
        print()
        real_text_checks(args.eval_dir)


if __name__ == "__main__":
    main()
