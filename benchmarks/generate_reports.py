"""Seeded generator of realistic report tables of any size, built from the sample reports.

The speed benchmarks need 1 000 … 100 000 reports that look like the 236 synthetic sample
reports (``sample_data/reports_webropol.csv``: same Webropol columns and format, so
``socanalysis analyze`` reads a generated file unchanged) but are all different, so that neither
the embedding cache nor the duplicate detection can shortcut the work. Each generated report starts
from one sample report (drawn uniformly, which keeps the shares of languages, themes, polarity,
units and lengths) and then varies:

- sentences are replaced by, or joined with, sentences of other sample reports of the same language
  and theme (so the theme stays meaningful), dropped, typed twice, or reordered;
- synonyms, small numbers and place names are swapped (lists in ``data/generator.yaml``);
- ä/ö (å) are typed as a/o in some reports, letters are swapped, dropped or doubled;
- the date moves to another working day of the same month (weak signals stay late in 2025).

Every generated text is distinct even after case, spacing and diacritics are ignored. The source
report's gold theme travels with it: :func:`generate_reports_with_gold` returns it.

Usage::

    python benchmarks/generate_reports.py 10000 --seed 0 --out /tmp/reports_10k.csv [--gold G.csv]

Examples
--------
>>> reports = generate_reports(5, seed=1)
>>> reports.shape
(5, 9)
>>> reports["Havainto"].is_unique
True
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import io
import random
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "generator.yaml"
SAMPLE_DIR = HERE.parent / "sample_data"

TEXT_COL = "Havainto"
PROPOSAL_COL = "Toimenpide-ehdotus"
ID_COL = "Vastauksen ID"
DATE_COL = "Päivämäärä"

# A sentence ends at . ! ? followed by space and a capital, quote or bracket; lower-case
# starts and numbers stay joined ("esim. ttt", "n. 18 000 e" must not split).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ\"(])")
_NUMBER = re.compile(r"(?<![\w.,:/+-])\d{1,3}(?![\w.,:/-]|\s?\d)")
_AGE = re.compile(r"(?<!\w)\d{2}v\b")
_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})")


@dataclass
class _Slot:
    """One sentence of a report with what goes before it (separator and bullet)."""

    sep: str
    prefix: str
    sentence: str


@dataclass
class _Source:
    row: dict[str, str]
    lang: str  # fi, sv, mixed, or the other language (en, et)
    theme: str
    weak_signal: str
    polarity: str
    year: int
    month: int
    slots: list[_Slot] = field(default_factory=list)


def _split_slots(text: str) -> list[_Slot]:
    slots: list[_Slot] = []
    pending_sep = ""
    for line in text.split("\n"):
        if not line.strip():
            pending_sep = "\n\n" if slots else ""
            continue
        prefix = ""
        body = line.strip()
        if body.startswith("- "):
            prefix, body = "- ", body[2:]
        sep = pending_sep or ("\n" if slots else "")
        for j, sentence in enumerate(_SENTENCE_END.split(body)):
            if sentence:
                slots.append(_Slot(sep if j == 0 else " ", prefix if j == 0 else "", sentence))
        pending_sep = ""
    return slots


def _join_slots(slots: list[_Slot]) -> str:
    parts = []
    for i, s in enumerate(slots):
        if i and s.sep == " " and parts[-1][-1:] not in ".!?:":
            parts[-1] += "."  # a sentence moved from the end of a report may lack its full stop
        parts.append(("" if i == 0 else s.sep) + s.prefix + s.sentence)
    return "".join(parts)


class _Vocabulary:
    """Compiled substitution data of one language."""

    def __init__(self, lang: str, data: dict[str, Any]):
        langs = ("fi", "sv") if lang == "mixed" else (lang,)
        self.synonyms: dict[str, list[str]] = {}
        for ln in langs:
            for group in data["synonyms"].get(ln, []):
                for word in group:
                    self.synonyms[word] = group
                    caps = [g[:1].upper() + g[1:] for g in group]
                    self.synonyms[word[:1].upper() + word[1:]] = caps
        self.synonym_re = _alternation(self.synonyms)
        places: list[str] = [p for ln in langs for p in data["places"].get(ln, [])]
        self.places = places
        self.place_re = _alternation(places)
        self.openers: list[str] = data["openers"].get(lang, [])
        self.closers: list[str] = data["closers"].get(lang, [])
        self.fold = str.maketrans(data["fold"][lang]) if lang in data["fold"] else None
        self.fold_rate = float(data["rates"]["fold_diacritics"].get(lang, 0.0))
        alternatives = [
            rf"(?P<syn>{self.synonym_re.pattern})" if self.synonym_re else None,
            rf"(?P<place>{self.place_re.pattern})" if self.place_re else None,
            rf"(?P<num>{_NUMBER.pattern})",
            rf"(?P<age>{_AGE.pattern})",
        ]
        self.any_re = re.compile("|".join(a for a in alternatives if a))
        self._templates: dict[str, list[Any]] = {}

    def template(self, text: str) -> list[Any]:
        """``text`` cut into literal parts and the places where a word may vary (cached).

        The sample has about a thousand distinct sentences; parsing each once makes generating
        100 000 reports a matter of random choices and joins.
        """
        t = self._templates.get(text)
        if t is None:
            t, last = [], 0
            for m in self.any_re.finditer(text):
                t.append(text[last : m.start()])
                t.append((m.lastgroup, m.group(m.lastgroup)))
                last = m.end()
            t.append(text[last:])
            self._templates[text] = t
        return t


def _alternation(words) -> re.Pattern[str] | None:
    words = sorted(set(words), key=lambda w: (-len(w), w))
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")


@lru_cache(maxsize=4)
def _load(sample_dir: str, data_path: str) -> tuple[list[_Source], dict[str, Any], list[str]]:
    """Sample reports split into sentence slots, with their gold labels, and the YAML data."""
    data = yaml.safe_load(Path(data_path).read_text(encoding="utf-8"))
    d = Path(sample_dir)
    reports = pd.read_csv(
        d / "reports_webropol.csv", sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False
    )
    gold = pd.read_csv(d / "gold.csv", dtype=str, keep_default_na=False).set_index("report_id")
    sources = []
    for row in reports.to_dict("records"):
        g = gold.loc[row[ID_COL]]
        lang = g["other_language"] if g["language"] == "other" else g["language"]
        m = _DATE.match(row[DATE_COL])
        if m is None:
            raise ValueError(f"unexpected date {row[DATE_COL]!r} in the sample")
        sources.append(
            _Source(
                row=row,
                lang=lang,
                theme=g["theme"],
                weak_signal=g["weak_signal"],
                polarity=g["polarity"],
                year=int(m.group(3)),
                month=int(m.group(2)),
                slots=_split_slots(row[TEXT_COL]),
            )
        )
    return sources, data, list(reports.columns)


class _Generator:
    def __init__(self, seed: int, sample_dir: Path, data_path: Path):
        self.sources, self.data, self.columns = _load(str(sample_dir), str(data_path))
        self.rates = self.data["rates"]
        self.rng = random.Random(seed)
        self.vocab = {s.lang: None for s in self.sources}
        for lang in self.vocab:
            self.vocab[lang] = _Vocabulary(lang, self.data)
        # sentence pools: same language and theme (and polarity where it has enough sentences)
        by_theme: dict[tuple[str, str], list[str]] = defaultdict(list)
        by_polarity: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        proposals: dict[tuple[str, str], list[str]] = defaultdict(list)
        for s in self.sources:
            for slot in s.slots:
                by_theme[s.lang, s.theme].append(slot.sentence)
                by_polarity[s.lang, s.theme, s.polarity].append(slot.sentence)
            if s.row[PROPOSAL_COL].strip():
                proposals[s.lang, s.theme].append(s.row[PROPOSAL_COL])
        self.pools = {}
        for s in self.sources:
            key = (s.lang, s.theme, s.polarity)
            pool = by_polarity[key] if len(by_polarity[key]) >= 4 else by_theme[s.lang, s.theme]
            self.pools[key] = pool
        self.proposals = proposals

    # -- text variation -------------------------------------------------------------------------
    def _sentences(self, src: _Source) -> list[_Slot]:
        rng, r = self.rng, self.rates
        pool = self.pools[src.lang, src.theme, src.polarity]
        slots = [_Slot(s.sep, s.prefix, s.sentence) for s in src.slots]
        for s in slots:
            if rng.random() < r["replace_sentence"]:
                s.sentence = rng.choice(pool)
        if len(slots) > 1 and rng.random() < r["drop_sentence"]:
            del slots[rng.randrange(len(slots))]
        if rng.random() < r["add_sentence"]:
            at = rng.randrange(len(slots))
            like = slots[at]
            slots.insert(at + 1, _Slot(like.sep or " ", like.prefix, rng.choice(pool)))
        if rng.random() < r["duplicate_sentence"]:
            at = rng.randrange(len(slots))
            slots.insert(at + 1, _Slot(" ", "", slots[at].sentence))
        if len(slots) > 2 and rng.random() < r["reorder"]:
            rest = [s.sentence for s in slots[1:]]
            rng.shuffle(rest)
            for s, sentence in zip(slots[1:], rest, strict=True):
                s.sentence = sentence
        return slots

    def _words(self, text: str, vocab: _Vocabulary) -> str:
        rng, r = self.rng, self.rates
        p_syn, p_place = r["synonym"], r["place"]
        parts = []
        for item in vocab.template(text):
            if item.__class__ is str:
                parts.append(item)
                continue
            kind, word = item
            if kind == "syn":
                parts.append(rng.choice(vocab.synonyms[word]) if rng.random() < p_syn else word)
            elif kind == "place":
                parts.append(rng.choice(vocab.places) if rng.random() < p_place else word)
            elif kind == "num":
                parts.append(self._number(word))
            else:  # an age such as "29v"
                parts.append(f"{max(18, int(word[:-1]) + rng.randint(-4, 4))}v")
        return "".join(parts)

    def _number(self, digits: str) -> str:
        n = int(digits)
        if n < 2 or self.rng.random() >= self.rates["number"]:
            return digits
        return str(self.rng.randint(max(2, n // 2), n * 2))

    def _typos(self, text: str, k: int) -> str:
        rng = self.rng
        chars = list(text)
        for _ in range(k):
            for _try in range(8):  # find two adjacent letters
                i = rng.randrange(max(1, len(chars) - 1))
                if i + 1 < len(chars) and chars[i].isalpha() and chars[i + 1].isalpha():
                    op = rng.randrange(3)
                    if op == 0:
                        chars[i], chars[i + 1] = chars[i + 1], chars[i]
                    elif op == 1:
                        del chars[i]
                    else:
                        chars.insert(i, chars[i])
                    break
        return "".join(chars)

    def text(self, src: _Source) -> str:
        rng, r = self.rng, self.rates
        vocab = self.vocab[src.lang]
        slots = self._sentences(src)
        for s in slots:
            s.sentence = self._words(s.sentence, vocab)
        text = _join_slots(slots)
        if vocab.openers and rng.random() < r["opener"]:
            text = rng.choice(vocab.openers) + " " + text
        if vocab.closers and rng.random() < r["closer"]:
            text = text + " " + rng.choice(vocab.closers)
        if vocab.fold is not None and rng.random() < vocab.fold_rate:
            text = text.translate(vocab.fold)
        mean = r["typos_mean"]
        k = sum(rng.random() < mean / 3 for _ in range(3))
        return self._typos(text, k)

    def proposal(self, src: _Source) -> str:
        text = src.row[PROPOSAL_COL]
        if not text.strip():
            return text
        pool = self.proposals.get((src.lang, src.theme))
        if pool and self.rng.random() < self.rates["replace_proposal"]:
            text = self.rng.choice(pool)
        return self._words(text, self.vocab[src.lang])

    def when(self, src: _Source) -> dt.datetime:
        """A working day of the source report's month, office hours."""
        rng = self.rng
        days = calendar.monthrange(src.year, src.month)[1]
        while True:
            day = dt.date(src.year, src.month, rng.randint(1, days))
            if day.weekday() < 5:
                break
        return dt.datetime(src.year, src.month, day.day, rng.randint(8, 15), rng.randint(0, 59))


def _key(text: str) -> str:
    """Stricter than the intake's duplicate key: case, spacing and diacritics ignored."""
    # chained replace: much faster than str.translate on non-ASCII text
    return " ".join(text.casefold().replace("å", "a").replace("ä", "a").replace("ö", "o").split())


def generate_reports_with_gold(
    n: int,
    seed: int = 0,
    *,
    sample_dir: str | Path | None = None,
    data_path: str | Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate ``n`` reports and their gold labels.

    Parameters
    ----------
    n : int
        Number of reports (1 or more).
    seed : int
        Seed of the random generator; the same ``n`` and ``seed`` give the same table.
    sample_dir, data_path : path, optional
        The sample data folder and the variation YAML (defaults: the shipped ones).

    Returns
    -------
    reports : DataFrame
        The Webropol columns of ``sample_data/reports_webropol.csv`` (all strings), in date order
        with ids growing with time.
    gold : DataFrame
        ``report_id``, ``source_report_id``, ``language`` (fi, sv, mixed, other), ``theme``,
        ``weak_signal``, ``polarity``: the gold labels of the sample report each one came from.

    Examples
    --------
    >>> reports, gold = generate_reports_with_gold(3, seed=2)
    >>> list(gold.columns)
    ['report_id', 'source_report_id', 'language', 'theme', 'weak_signal', 'polarity']
    >>> reports["Vastauksen ID"].tolist() == gold["report_id"].tolist()
    True
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    gen = _Generator(
        seed, Path(sample_dir) if sample_dir else SAMPLE_DIR, Path(data_path) if data_path else DATA
    )
    rng = gen.rng
    # the sample's own texts count as seen: a generated report never repeats one
    seen: set[str] = {_key(s.row[TEXT_COL]) for s in gen.sources}
    rows = []
    for i in range(n):
        src = rng.choice(gen.sources)
        text = gen.text(src)
        tries = 0
        while _key(text) in seen:
            # a collision (short sources are few): vary again, harder each time
            tries += 1
            text = gen._typos(gen._words(text, gen.vocab[src.lang]), 1 + tries // 4)
            if tries > 40:
                text = f"{text} ({i})"
        seen.add(_key(text))
        rows.append((gen.when(src), i, src, text, gen.proposal(src)))
    rows.sort(key=lambda t: (t[0], t[1]))
    first_id = int(gen.data["first_id"])
    out: dict[str, list[str]] = {c: [] for c in gen.columns}
    gold: dict[str, list[str]] = defaultdict(list)
    for rank, (when, _i, src, text, proposal) in enumerate(rows):
        rid = str(first_id + rank)
        for c in gen.columns:
            out[c].append(src.row[c])
        out[ID_COL][-1] = rid
        out[DATE_COL][-1] = f"{when.day}.{when.month}.{when.year} klo {when.hour}.{when.minute:02d}"
        out[TEXT_COL][-1] = text
        out[PROPOSAL_COL][-1] = proposal
        gold["report_id"].append(rid)
        gold["source_report_id"].append(src.row[ID_COL])
        gold["language"].append(src.lang if src.lang in ("fi", "sv", "mixed") else "other")
        gold["theme"].append(src.theme)
        gold["weak_signal"].append(src.weak_signal)
        gold["polarity"].append(src.polarity)
    return pd.DataFrame(out, dtype=str), pd.DataFrame(gold, dtype=str)


def generate_reports(n: int, seed: int = 0) -> pd.DataFrame:
    """Generate ``n`` distinct reports in the Webropol format of the sample (see module doc).

    Examples
    --------
    >>> generate_reports(2, seed=0).columns[0]
    'Vastauksen ID'
    """
    return generate_reports_with_gold(n, seed)[0]


def write_webropol_csv(reports: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as Webropol writes it: ``;``, UTF-8 with BOM, CRLF rows, quoted cells."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(list(reports.columns))
    w.writerows(reports.itertuples(index=False, name=None))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of reports")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True, help="CSV file to write (Webropol format)")
    ap.add_argument("--gold", help="also write the gold labels (CSV) here")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be 1 or more")
    reports, gold = generate_reports_with_gold(args.n, args.seed)
    write_webropol_csv(reports, args.out)
    if args.gold:
        Path(args.gold).parent.mkdir(parents=True, exist_ok=True)
        gold.to_csv(args.gold, index=False)
    print(f"wrote {len(reports)} reports to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
