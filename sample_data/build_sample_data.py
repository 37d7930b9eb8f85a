"""Build the shipped synthetic social reports from the hand-written sources in ``source/``.

Every sentence lives in readable YAML files under ``sample_data/source/``; this script only
chooses, orders and combines them (seeded), adds typing noise and fake identifiers, and writes:

- ``reports_webropol.csv``: Webropol-style export (``;``, UTF-8 with BOM, CRLF, quoted cells),
- ``reports.xlsx``: the same reports as a messy Excel export with Swedish headers,
- ``gold.csv``: language, theme, weak signal, §11 points, sectors and polarity per report,
- ``gold_pii.csv``: every planted fake identifier (report_id, type, value),
- ``themes_gold.yaml``: the theme and weak-signal keys with labels and descriptions.

Running it twice gives byte-identical files. Only the standard library, pandas-free csv,
PyYAML and openpyxl are used.

Usage::

    python sample_data/build_sample_data.py            # writes next to this script
    python sample_data/build_sample_data.py --out DIR  # writes into DIR
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source"
HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
# century signs of the personal identity code; the extra ones were added in 2023
HETU_SIGNS = {1900: "-YXWVU", 2000: "ABCDEF"}
FIXED_ZIP_TIME = (2025, 12, 31, 12, 0, 0)


# --------------------------------------------------------------------------------------------
# source loading
# --------------------------------------------------------------------------------------------
def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_sources(source: Path = SOURCE) -> dict[str, Any]:
    settings = load_yaml(source / "settings.yaml")
    units = load_yaml(source / "units.yaml")["units"]
    themes = [load_yaml(p) for p in sorted((source / "themes").glob("*.yaml"))]
    weak = [load_yaml(p) for p in sorted((source / "weak_signals").glob("*.yaml"))]
    misc = load_yaml(source / "misc.yaml")
    pii = load_yaml(source / "pii.yaml")
    return {
        "settings": settings,
        "units": units,
        "themes": themes,
        "weak": weak,
        "misc": misc,
        "pii": pii,
    }


def entry(item: Any) -> dict[str, Any]:
    """A pool item: a plain string, or a mapping with the text ``t`` and optional tags.

    Tags: ``shl`` and ``sec`` (labels the sentence adds to the report), and conditions on where
    the sentence may be used: ``months`` (calendar months), ``after`` / ``before`` (ISO dates)
    and ``units`` (unit types), so that "this autumn" is not written in March and "in adult
    social work" not by a youth unit.
    """
    if isinstance(item, str):
        item = {"t": item}
    unknown = set(item) - {"t", "shl", "sec", "months", "after", "before", "units"}
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)} in sentence {item.get('t')!r}")
    out = {"t": item["t"], "shl": list(item.get("shl", [])), "sec": list(item.get("sec", []))}
    for key in ("after", "before"):
        if key in item:
            out[key] = dt.date.fromisoformat(str(item[key]))
    if "months" in item:
        out["months"] = set(item["months"])
    if "units" in item:
        out["units"] = set(item["units"])
    return out


class Context:
    """Where a report is written: its date and the types of its unit."""

    def __init__(self, when: dt.datetime, unit_types: list[str]) -> None:
        self.date = when.date()
        self.unit_types = set(unit_types)

    def allows(self, item: dict[str, Any]) -> bool:
        if "months" in item and self.date.month not in item["months"]:
            return False
        if "after" in item and self.date < item["after"]:
            return False
        if "before" in item and self.date >= item["before"]:
            return False
        return not ("units" in item and not item["units"] & self.unit_types)


# --------------------------------------------------------------------------------------------
# composition
# --------------------------------------------------------------------------------------------
class Deck:
    """Draw items without replacement, reshuffling when empty, so every sentence gets used."""

    def __init__(self, items: list[Any], rng: random.Random) -> None:
        self.items = [entry(i) for i in items or []]
        self.rng = rng
        self.stack: list[dict[str, Any]] = []

    def available(self, ctx: Context) -> int:
        return sum(ctx.allows(i) for i in self.items)

    def draw(self, ctx: Context, avoid: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        avoid_texts = {a["t"] for a in avoid or []}

        def ok(item: dict[str, Any]) -> bool:
            return ctx.allows(item) and item["t"] not in avoid_texts

        if not any(ok(i) for i in self.items):
            raise ValueError(f"no usable sentence in pool starting {self.items[:1]}")
        if not any(ok(i) for i in self.stack):
            # a fresh round; what is left of the old one stays underneath
            fresh = list(self.items)
            self.rng.shuffle(fresh)
            self.stack = fresh + self.stack
        for pos in range(len(self.stack) - 1, -1, -1):
            if ok(self.stack[pos]):
                return self.stack.pop(pos)
        raise AssertionError("unreachable")

    def draw_many(self, k: int, ctx: Context) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        k = min(k, self.available(ctx))
        while len(out) < k:
            out.append(self.draw(ctx, avoid=out))
        return out


class LangPools:
    """The sentence pools of one theme in one language."""

    KINDS = ("short", "open", "detail", "close", "proposal")

    def __init__(self, spec: dict[str, Any] | None, rng: random.Random) -> None:
        spec = spec or {}
        self.neg = {k: Deck(spec.get(k, []), rng) for k in self.KINDS}
        pos = spec.get("positive", {}) or {}
        self.pos = {k: Deck(pos.get(k, []), rng) for k in self.KINDS}

    def get(self, polarity: str) -> dict[str, Deck]:
        return self.pos if polarity == "positive" else self.neg


def strip_period(text: str) -> str:
    return text[:-1] if text.endswith(".") else text


def compose(
    pools: dict[str, LangPools],
    langs: list[str],
    polarity: str,
    ctx: Context,
    rng: random.Random,
) -> tuple[str, str, list[dict[str, Any]]]:
    """Return (text, proposal, used sentence entries) for one report.

    ``langs`` has one language, or two for a mixed report (first one opens).
    """
    main = pools[langs[0]].get(polarity)
    used: list[dict[str, Any]] = []
    style_weights = {"short": 0.16, "prose": 0.44, "bullets": 0.2, "long": 0.2}
    if not main["short"].available(ctx) or len(langs) > 1:
        style_weights.pop("short")
    styles = list(style_weights)
    style = rng.choices(styles, weights=[style_weights[s] for s in styles])[0]

    if style == "short":
        item = main["short"].draw(ctx)
        used.append(item)
        text = item["t"]
    else:
        opener = main["open"].draw(ctx)
        used.append(opener)
        n_details = {
            "prose": rng.choice([1, 1, 2]),
            "bullets": rng.choice([2, 3, 3, 4]),
            "long": rng.choice([3, 4, 4, 5]),
        }[style]
        details: list[dict[str, Any]] = []
        if len(langs) == 1:
            details = main["detail"].draw_many(n_details, ctx)
        else:
            details = main["detail"].draw_many(1, ctx)
            other = pools[langs[1]].get(polarity)
            details += other["detail"].draw_many(max(1, n_details - 1), ctx)
        used += details
        close = None
        close_deck = (pools[langs[-1]].get(polarity))["close"]
        if close_deck.available(ctx) and (style == "long" or rng.random() < 0.4):
            close = close_deck.draw(ctx)
            used.append(close)
        if style == "bullets":
            lines = [opener["t"]]
            drop_periods = rng.random() < 0.6
            for d in details:
                lines.append("- " + (strip_period(d["t"]) if drop_periods else d["t"]))
            if close:
                lines.append(close["t"])
            text = "\n".join(lines)
        elif style == "long":
            cut = rng.choice([2, 3]) if len(details) > 3 else 2
            body = " ".join([opener["t"], *(d["t"] for d in details[:cut])])
            rest = " ".join([d["t"] for d in details[cut:]] + ([close["t"]] if close else []))
            text = body + ("\n\n" if rng.random() < 0.6 else " ") + rest if rest else body
        else:
            text = " ".join(
                [opener["t"], *(d["t"] for d in details)] + ([close["t"]] if close else [])
            )

    proposal = ""
    prop_lang = langs[rng.randrange(len(langs))]
    prop_deck = pools[prop_lang].get(polarity)["proposal"]
    if prop_deck.available(ctx):
        p_field = 0.45 if style == "short" else 0.68
        roll = rng.random()
        if roll < p_field:
            props = prop_deck.draw_many(2 if rng.random() < 0.2 else 1, ctx)
            used += props
            proposal = " ".join(p["t"] for p in props)
        elif roll < p_field + 0.12 and style != "short":
            # the proposal written into the observation itself, as reporters often do
            prop = prop_deck.draw(ctx)
            used.append(prop)
            text = text + ("\n" if "\n" in text else " ") + prop["t"]
    return text, proposal, used


# --------------------------------------------------------------------------------------------
# typing noise
# --------------------------------------------------------------------------------------------
FOLD = str.maketrans({"ä": "a", "ö": "o", "Ä": "A", "Ö": "O", "å": "a", "Å": "A"})
WORD = re.compile(r"[A-Za-zÅÄÖåäö]{6,}")


def fold_diacritics(text: str) -> str:
    return text.translate(FOLD)


def add_typo(text: str, rng: random.Random) -> str:
    words = [m for m in WORD.finditer(text) if not m.group().isupper()]
    if not words:
        return text
    m = rng.choice(words)
    w = m.group()
    i = rng.randrange(1, len(w) - 2)
    kind = rng.choice(["swap", "drop", "double"])
    if kind == "swap":
        new = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    elif kind == "drop":
        new = w[:i] + w[i + 1 :]
    else:
        new = w[: i + 1] + w[i] + w[i + 1 :]
    return text[: m.start()] + new + text[m.end() :]


def casual(text: str, rng: random.Random) -> str:
    if rng.random() < 0.1 and text[:1].isupper() and not text[:2].isupper():
        text = text[0].lower() + text[1:]
    if rng.random() < 0.12 and text.endswith("."):
        text = text[:-1]
    return text


# --------------------------------------------------------------------------------------------
# fake identifiers
# --------------------------------------------------------------------------------------------
def hetu_check(ddmmyy: str, individual: str) -> str:
    return HETU_CHECK[int(ddmmyy + individual) % 31]


def make_hetu(rng: random.Random, year: int, sign: str | None = None, valid: bool = True) -> str:
    """A syntactically valid (or, with ``valid=False``, wrongly checked) identity code."""
    century = 2000 if year >= 2000 else 1900
    sign = sign or ("A" if century == 2000 else "-")
    if sign not in HETU_SIGNS[century]:
        raise ValueError(f"pii.yaml: sign {sign!r} is not a century sign for {year}")
    date = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    ddmmyy = date.strftime("%d%m%y")
    individual = f"{rng.randrange(2, 900):03d}"
    check = hetu_check(ddmmyy, individual)
    if not valid:
        check = HETU_CHECK[(HETU_CHECK.index(check) + rng.randrange(1, 30)) % 31]
    return f"{ddmmyy}{sign}{individual}{check}"


def make_phone(rng: random.Random, style: str) -> str:
    if style == "intl":
        pre = rng.choice(["40", "44", "45", "50"])
        return f"+358 {pre} {rng.randrange(100, 1000)} {rng.randrange(1000, 10000)}"
    if style == "dash":
        pre = rng.choice(["040", "044", "045", "050"])
        return f"{pre}-{rng.randrange(1000000, 10000000)}"
    area = rng.choice(["09", "02", "06", "019"])
    return f"{area} {rng.randrange(100, 1000)} {rng.randrange(1000, 10000)}"


def make_iban(rng: random.Random) -> str:
    bban = "".join(str(rng.randrange(10)) for _ in range(14))
    # ISO 13616: move country code and "00" to the end, letters to numbers, 98 - mod 97
    numeric = bban + "1518" + "00"  # F=15, I=18
    check = 98 - int(numeric) % 97
    raw = f"FI{check:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def make_vehicle(rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCEFGHIJKLMNOPRSTUVXYZ") for _ in range(3))
    return f"{letters}-{rng.randrange(1, 1000)}"


def make_value(kind: str, lang: str, plant: dict, pii: dict, rng: random.Random, used: set[str]):
    """A fresh fake value for placeholder ``kind``; a value given in the plant itself wins."""
    if kind in plant:
        used.add(str(plant[kind]))
        return str(plant[kind])
    for _ in range(50):
        if kind in ("hetu", "hetu_invalid"):
            v = make_hetu(rng, int(plant["born"]), plant.get("sign"), valid=kind == "hetu")
        elif kind.startswith("phone"):
            v = make_phone(rng, kind.split("_", 1)[1])
        elif kind == "email":
            v = rng.choice(pii["emails"])
        elif kind == "name":
            v = rng.choice(pii["names"]["sv" if lang == "sv" else "fi"])
        elif kind == "address":
            v = rng.choice(pii["addresses"]["sv" if lang == "sv" else "fi"])
        elif kind == "iban":
            v = make_iban(rng)
        elif kind == "vehicle":
            v = make_vehicle(rng)
        else:
            raise ValueError(f"unknown identifier type {kind!r} in pii.yaml")
        if v not in used:
            used.add(v)
            return v
    raise ValueError(f"ran out of fake values for {kind}")


# --------------------------------------------------------------------------------------------
# dates, units, reporter columns
# --------------------------------------------------------------------------------------------
# reports are written on working days: skip weekends and the main public holidays
HOLIDAYS = {(1, 1), (1, 6), (5, 1), (12, 6), (12, 24), (12, 25), (12, 26)}


def is_workday(day: dt.date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in HOLIDAYS


def workday(day: dt.date, start: dt.date, end: dt.date) -> dt.date:
    step = dt.timedelta(days=1)
    fwd = day
    while not is_workday(fwd):
        fwd += step
    if fwd <= end:
        return fwd
    back = day
    while not is_workday(back) and back > start:
        back -= step
    return back


def spread_dates(n: int, start: dt.date, end: dt.date, rng: random.Random) -> list[dt.datetime]:
    """n dates spread evenly over [start, end] with jitter, on working days, office hours."""
    span = (end - start).days + 1
    out = []
    for i in range(n):
        day = start + dt.timedelta(days=int((i + rng.uniform(0.1, 0.9)) / n * span))
        day = workday(min(max(day, start), end), start, end)
        hour = rng.choice([8, 9, 9, 10, 10, 11, 12, 13, 13, 14, 14, 15, 15, 16])
        out.append(dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60)))
    return out


def interleave(counts: dict[str, int]) -> list[str]:
    """Spread languages evenly over the slots (largest deficit first, ties by name)."""
    n = sum(counts.values())
    out: list[str] = []
    got = Counter()
    for i in range(n):
        best = max(
            (c for c in sorted(counts) if got[c] < counts[c]),
            key=lambda c: ((i + 1) * counts[c] / n - got[c], -sorted(counts).index(c)),
        )
        got[best] += 1
        out.append(best)
    return out


def pick_unit(units, lang, types, usage: Counter, rng: random.Random, names=None):
    def ok_lang(u):
        if lang == "mixed":
            return u.get("mixed", False)
        if lang == "other":
            return u.get("other", False)
        return lang in u["langs"]

    cands = [u for u in units if ok_lang(u) and (names is None or u["name"] in names)]
    typed = [u for u in cands if set(u["types"]) & set(types)] if types else cands
    cands = typed or cands
    if not cands:
        raise ValueError(f"no unit writes {lang} for types {types}")
    # busy units report more: share out reports in proportion to each unit's activity
    load = {u["name"]: usage[u["name"]] / float(u.get("activity", 1.0)) for u in cands}
    low = min(load.values())
    least = [u for u in cands if load[u["name"]] <= low + 0.75]
    unit = rng.choice(least)
    usage[unit["name"]] += 1
    return unit


def reporter_shl(shl: list[int], lang: str, settings: dict, rng: random.Random) -> str:
    """What the reporter typed in the §11 column: often filled, in many forms, sometimes wrong."""
    if rng.random() > settings["reporter_shl_fill"]:
        return ""
    points = list(shl)
    if rng.random() < settings["reporter_shl_wrong"]:
        wrong = rng.choice([p for p in range(1, 11) if p not in points])
        points = [wrong] + points[1:] if rng.random() < 0.6 else [wrong]
    labels = settings["shl_short"]["sv" if lang == "sv" else "fi"]
    form = rng.choice(["numbers", "numbers", "label", "num_label", "labels"])
    if form == "numbers":
        return ", ".join(str(p) for p in points)
    if form == "label":
        return labels[points[0]]
    if form == "num_label":
        return f"{points[0]} {labels[points[0]].lower()}"
    return ", ".join(labels[p].lower() if i else labels[p] for i, p in enumerate(points[:2]))


def reporter_sector(sectors: list[str], lang: str, settings: dict, rng: random.Random) -> str:
    """What the reporter typed in the free-text sector column (often nothing)."""
    if rng.random() > settings["reporter_sector_fill"]:
        return ""
    free = settings["sector_freetext"]
    side = "sv" if lang == "sv" else "fi"
    first = 0 if rng.random() < 0.8 or len(sectors) == 1 else 1
    text = rng.choice(free[sectors[first]][side])
    if len(sectors) > 1 and rng.random() < 0.25:
        second = rng.choice(free[sectors[1 - first]][side])
        text = f"{text}, {second.lower() if rng.random() < 0.5 else second}"
    return text


# --------------------------------------------------------------------------------------------
# main build
# --------------------------------------------------------------------------------------------
def merge_tags(primary: Any, used: list[dict[str, Any]], key: str, cap: int = 3) -> list:
    """Primary label first, then the labels of the sentences used, in order, at most ``cap``."""
    out = [primary]
    for item in used:
        for tag in item[key]:
            if tag not in out:
                out.append(tag)
    return out[:cap]


def validate_spec(spec: dict[str, Any]) -> None:
    """Catch source mistakes early: one-liners must be one line of 5-15 words."""
    for lang in ("fi", "sv"):
        side = spec.get(lang) or {}
        for pool in (side.get("short"), (side.get("positive") or {}).get("short")):
            for item in pool or []:
                text = entry(item)["t"]
                if not 5 <= len(text.split()) <= 15 or "\n" in text:
                    raise ValueError(f"{spec['key']}: one-liner must have 5-15 words: {text!r}")


def build_theme_reports(spec, kind, units, settings, usage) -> list[dict[str, Any]]:
    validate_spec(spec)
    key = spec["key"]
    rng = random.Random(f"{settings['seed']}:{key}")
    pools = {lang: LangPools(spec.get(lang), rng) for lang in ("fi", "sv")}
    others = spec.get("other", []) or []
    counts = dict(spec["counts"])
    counts["other"] = len(others)
    counts = {k: v for k, v in counts.items() if v}
    start = dt.date.fromisoformat(str(spec.get("start", settings["start"])))
    end = dt.date.fromisoformat(str(spec.get("end", settings["end"])))
    n = sum(counts.values())
    dates = spread_dates(n, start, end, rng)
    langs = interleave(counts)
    # positive observations: spread over the fi/sv slots that have positive pools
    n_pos = int(spec.get("n_positive", 0))
    pos_slots = [
        i for i, lang in enumerate(langs) if lang in ("fi", "sv") and pools[lang].pos["open"].items
    ]
    if n_pos > len(pos_slots):
        raise ValueError(f"{key}: n_positive={n_pos} but only {len(pos_slots)} slots")
    positive = set()
    if n_pos:
        step = len(pos_slots) / n_pos
        positive = {pos_slots[int(step * j + rng.uniform(0, step * 0.99))] for j in range(n_pos)}
        while len(positive) < n_pos:  # fill rare collisions deterministically
            positive.add(next(i for i in pos_slots if i not in positive))
    other_iter = iter(others)
    reports = []
    seen_texts: set[str] = set()
    for i, (when, lang) in enumerate(zip(dates, langs, strict=True)):
        polarity = "positive" if i in positive else "negative"
        noise = {"folded": False}
        unit = pick_unit(units, lang, spec.get("unit_types"), usage, rng, names=spec.get("units"))
        ctx = Context(when, unit["types"])
        if lang == "other":
            o = next(other_iter)
            text, proposal = o["text"].strip(), (o.get("proposal") or "").strip()
            shl = [int(p) for p in o["shl"]]
            sectors = list(o["sec"])
            polarity = o.get("polarity", "negative")
            gold_lang = "other"
            other_lang = o["lang"]
        else:
            if lang == "mixed":
                mix = ["fi", "sv"] if rng.random() < 0.5 else ["sv", "fi"]
            else:
                mix = [lang]
            for _attempt in range(20):
                text, proposal, used = compose(pools, mix, polarity, ctx, rng)
                if text not in seen_texts:
                    break
            else:
                raise ValueError(f"{key}: cannot compose a unique {lang} report")
            seen_texts.add(text)
            pkey = "positive" if polarity == "positive" else "negative"
            prim = spec.get("primary", {}).get(pkey, {})
            always = [{"t": "", "shl": spec.get("shl_also", []), "sec": spec.get("sec_also", [])}]
            shl = merge_tags(int(prim.get("shl", spec["shl_primary"])), always + used, "shl")
            sectors = merge_tags(prim.get("sector", spec["sector_primary"]), always + used, "sec")
            gold_lang = lang
            other_lang = ""
            # typing noise: only the reporter's own text, never the identifiers added later
            fold_p = settings["noise"]["fold"].get(lang, 0.0)
            if rng.random() < fold_p:
                text, proposal = fold_diacritics(text), fold_diacritics(proposal)
                noise["folded"] = True
            for _ in range(rng.choice([0, 0, 0, 0, 1, 1, 2])):
                text = add_typo(text, rng)
            if proposal and rng.random() < 0.15:
                proposal = add_typo(proposal, rng)
            text = casual(text, rng)
        reports.append(
            {
                "key": key,
                "kind": kind,
                "idx": i,
                "when": when,
                "unit": unit,
                "lang": gold_lang,
                "other_lang": other_lang,
                "text": text,
                "proposal": proposal,
                "polarity": polarity,
                "shl": shl,
                "sectors": sectors,
                "folded": noise["folded"],
                "rng": random.Random(f"{settings['seed']}:{key}:{i}:cols"),
            }
        )
    return reports


def build_misc_reports(misc, units, settings, usage) -> list[dict[str, Any]]:
    rng = random.Random(f"{settings['seed']}:misc")
    out = []
    for i, m in enumerate(misc["reports"]):
        day = dt.date.fromisoformat(str(m["date"]))
        when = dt.datetime(day.year, day.month, day.day, rng.randrange(8, 16), rng.randrange(60))
        lang = m["lang"]
        unit = pick_unit(units, lang, m.get("unit_types"), usage, rng)
        out.append(
            {
                "key": "misc",
                "kind": "misc",
                "idx": i,
                "when": when,
                "unit": unit,
                "lang": lang,
                "other_lang": m.get("other_lang", ""),
                "text": m["text"].strip(),
                "proposal": (m.get("proposal") or "").strip(),
                "polarity": m.get("polarity", "negative"),
                "shl": [int(p) for p in m["shl"]],
                "sectors": list(m["sec"]),
                "folded": False,
                "rng": random.Random(f"{settings['seed']}:misc:{i}:cols"),
            }
        )
    return out


def insert_sentence(text: str, sentence: str, where: str) -> str:
    if where != "start" and text[-1] not in ".!?:":
        text += "."  # a sentence added after one without a full stop would run into it
    if where == "start":
        return sentence + ("\n" if "\n" in text else " ") + text
    if where == "end" or "\n" in text:
        return text + ("\n" if "\n" in text else " ") + sentence
    # after the first sentence
    m = re.search(r"[.!?] ", text)
    if not m:
        return text + " " + sentence
    return text[: m.end()] + sentence + " " + text[m.end() :]


def plant_pii(reports, pii, settings) -> list[dict[str, str]]:
    rng = random.Random(f"{settings['seed']}:pii")
    used_values: set[str] = set()
    taken: set[int] = set()
    rows = []
    for plant in pii["plants"]:
        cands = [
            (j, r)
            for j, r in enumerate(reports)
            if j not in taken
            and r["lang"] == plant["lang"]
            and r["key"] == plant["theme"]
            and len(r["text"]) > 60
        ]
        if not cands:
            raise ValueError(f"pii.yaml: no free {plant['lang']} report in theme {plant['theme']}")
        j, r = cands[rng.randrange(len(cands))]
        taken.add(j)
        # a report typed without ä/ö is typed so throughout; the identifiers stay verbatim
        sentence = fold_diacritics(plant["t"]) if r["folded"] else plant["t"]
        values = []
        for ph in re.findall(r"\{(\w+)\}", sentence):
            v = make_value(ph, r["lang"], plant, pii, rng, used_values)
            sentence = sentence.replace("{" + ph + "}", v, 1)
            values.append(("phone" if ph.startswith("phone") else ph, v))
        where = rng.choice(["after_first", "after_first", "end", "start"])
        r["text"] = insert_sentence(r["text"], sentence, plant.get("where", where))
        for kind, v in values:
            rows.append({"_j": j, "type": kind, "value": v})
    return rows


def assign_ids(reports, settings) -> None:
    reports.sort(key=lambda r: (r["when"], r["key"], r["idx"]))
    rng = random.Random(f"{settings['seed']}:ids")
    rid = int(settings["first_id"])
    for r in reports:
        rid += rng.randrange(3, 41)
        r["id"] = str(rid)


def build(out_dir: Path = HERE, source: Path = SOURCE) -> dict[str, Path]:
    src = load_sources(source)
    settings = src["settings"]
    units = src["units"]
    usage: Counter = Counter()
    reports: list[dict[str, Any]] = []
    for spec in src["themes"]:
        reports += build_theme_reports(spec, "recurring", units, settings, usage)
    for spec in src["weak"]:
        reports += build_theme_reports(spec, "weak_signal", units, settings, usage)
    reports += build_misc_reports(src["misc"], units, settings, usage)
    assign_ids(reports, settings)
    pii_rows = plant_pii(reports, src["pii"], settings)
    texts = Counter(r["text"] for r in reports)
    dup = [t for t, c in texts.items() if c > 1]
    if dup:
        raise ValueError(f"duplicate report texts: {dup[:2]}")
    for r in reports:
        lang = "sv" if r["lang"] == "sv" else "fi"
        r["shl_col"] = reporter_shl(r["shl"], lang, settings, r["rng"])
        r["sector_col"] = reporter_sector(r["sectors"], lang, settings, r["rng"])
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "csv": out_dir / "reports_webropol.csv",
        "xlsx": out_dir / "reports.xlsx",
        "gold": out_dir / "gold.csv",
        "gold_pii": out_dir / "gold_pii.csv",
        "themes": out_dir / "themes_gold.yaml",
    }
    write_webropol(reports, settings, paths["csv"])
    write_xlsx(reports, settings, paths["xlsx"])
    write_gold(reports, paths["gold"])
    write_gold_pii(reports, pii_rows, paths["gold_pii"])
    write_themes(src, paths["themes"])
    return paths


# --------------------------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------------------------
def webropol_date(when: dt.datetime) -> str:
    return f"{when.day}.{when.month}.{when.year} klo {when.hour}.{when.minute:02d}"


def write_webropol(reports, settings, path: Path) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(settings["webropol_columns"])
    for r in reports:
        w.writerow(
            [
                r["id"],
                webropol_date(r["when"]),
                r["unit"]["name"],
                r["unit"]["municipality"],
                r["text"],
                r["proposal"],
                "Myönteinen" if r["polarity"] == "positive" else "Kielteinen",
                r["shl_col"],
                r["sector_col"],
            ]
        )
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def write_xlsx(reports, settings, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    x = settings["xlsx"]
    wb = Workbook()
    ws = wb.active
    ws.title = x["sheet"]
    headers = list(x["columns"])
    # an extra column with no header and no data, as hand-edited exports often have
    gap = int(x["empty_column_after"])
    layout = headers[:gap] + [None] + headers[gap:]
    ncols = len(layout)
    ws.cell(row=1, column=1, value=x["title"]).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    for c, h in enumerate(layout, start=1):
        if h is not None:
            ws.cell(row=3, column=c, value=h).font = Font(bold=True)
    for i, r in enumerate(reports, start=4):
        values = [
            int(r["id"]),
            r["when"],
            r["unit"]["name"],
            r["unit"]["municipality"],
            r["text"],
            r["proposal"] or None,
            x["polarity"][r["polarity"]],
            r["shl_col"] or None,
            r["sector_col"] or None,
        ]
        row = values[:gap] + [None] + values[gap:]
        for c, v in enumerate(row, start=1):
            if v is None:
                continue
            cell = ws.cell(row=i, column=c, value=v)
            if isinstance(v, dt.datetime):
                cell.number_format = "d.m.yyyy h:mm"
            elif isinstance(v, str) and "\n" in v:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for c, width in enumerate(x["widths"], start=1):
        ws.column_dimensions[ws.cell(row=3, column=c).column_letter].width = width
    guide = wb.create_sheet(x["guide_sheet"])
    for i, line in enumerate(x["guide_lines"], start=1):
        guide.cell(row=i, column=1, value=line)
    guide.column_dimensions["A"].width = 110
    fixed = dt.datetime(2026, 1, 5, 9, 0, 0)
    wb.properties.creator = "socanalysis sample data"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    raw = io.BytesIO()
    wb.save(raw)
    path.write_bytes(normalise_zip(raw.getvalue(), fixed))


def normalise_zip(data: bytes, fixed: dt.datetime) -> bytes:
    """Rewrite the xlsx zip with fixed timestamps so that rebuilding is byte-identical."""
    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    lambda m: m.group(1) + stamp + m.group(3),
                    text,
                )
                content = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, content)
    return out.getvalue()


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def write_gold(reports, path: Path) -> None:
    header = [
        "report_id",
        "language",
        "theme",
        "weak_signal",
        "shl_primary",
        "shl",
        "sector_primary",
        "sectors",
        "polarity",
        "other_language",
        "typed_without_diacritics",
    ]
    rows = [
        [
            r["id"],
            r["lang"],
            r["key"],
            r["key"] if r["kind"] == "weak_signal" else "",
            r["shl"][0],
            ";".join(str(p) for p in r["shl"]),
            r["sectors"][0],
            ";".join(r["sectors"]),
            r["polarity"],
            r["other_lang"],
            int(r["folded"]),
        ]
        for r in reports
    ]
    write_csv(path, header, rows)


def write_gold_pii(reports, pii_rows, path: Path) -> None:
    rows = sorted(
        ([reports[p["_j"]]["id"], p["type"], p["value"]] for p in pii_rows),
        key=lambda x: (int(x[0]), x[1], x[2]),
    )
    write_csv(path, ["report_id", "type", "value"], rows)


def write_themes(src, path: Path) -> None:
    doc: dict[str, Any] = {"themes": {}, "weak_signals": {}, "other": {}}
    for spec in src["themes"]:
        doc["themes"][spec["key"]] = theme_meta(spec)
    for spec in src["weak"]:
        doc["weak_signals"][spec["key"]] = theme_meta(spec)
    doc["other"]["misc"] = theme_meta(src["misc"])
    header = (
        "# Generated by sample_data/build_sample_data.py from sample_data/source/ - do not edit.\n"
        "# Theme and weak-signal keys used in gold.csv (all reports are fictional).\n"
    )
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    path.write_bytes((header + body).encode("utf-8"))


def theme_meta(spec) -> dict[str, Any]:
    meta = {
        "label_fi": spec["label"]["fi"],
        "label_sv": spec["label"]["sv"],
        "label_en": spec["label"]["en"],
        "description": spec["description"].strip(),
    }
    for k in ("shl_primary", "sector_primary", "polarity_note"):
        if k in spec:
            meta[k] = spec[k]
    if "start" in spec:  # weak signals: the window their reports fall in
        meta["window"] = [str(spec["start"]), str(spec["end"])]
    return meta


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: here)")
    args = ap.parse_args(argv)
    for name, p in build(args.out).items():
        print(f"{name:9s} {p}")


if __name__ == "__main__":
    main()
