"""Terms for weak signals: a fallback lemmatiser and the distinctive keywords of a candidate.

The pipeline passes the lemmas of :mod:`socanalysis.nlp.lemmas`; when it does not (a researcher
calling :class:`~socanalysis.themes.weak_signals.WeakSignalDetector` on its own), the small
fallback here lemmatises with simplemma, keeps alphabetic tokens of three letters or more and
drops the function words of ``data/weak_stopwords.yaml``.

A candidate's keywords are the terms its reports share and the rest of the reports do not:
``share in the candidate × log((1 + N) / (1 + reports with the term))``, a class-based TF-IDF
with document frequencies (as BERTopic's c-TF-IDF, Grootendorst 2022, on report presence).

Examples
--------
>>> lemmas = [["tili", "raha"], ["tili", "nuori"], ["vuokra"], ["vuokra", "raha"]]
>>> distinctive_terms(lemmas, [0, 1], top=2)
['tili']
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

__all__ = ["distinctive_terms", "fallback_lemmas", "keywords_by_language"]

_DATA = Path(__file__).with_name("data") / "weak_stopwords.yaml"
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


@lru_cache(maxsize=1)
def _stopwords() -> dict[str, frozenset[str]]:
    from socanalysis._yaml import safe_load_yaml

    with _DATA.open(encoding="utf-8") as fh:
        data = safe_load_yaml(fh)
    return {lang: frozenset(str(w).lower() for w in words) for lang, words in data.items()}


def _lang_tuple(language: str) -> tuple[str, ...]:
    if language in ("fi", "sv"):
        return (language,)
    return ("fi", "sv")


def fallback_lemmas(
    texts: Sequence[str], languages: Sequence[str] | None = None
) -> list[list[str]]:
    """Lemmatise texts with simplemma (used only when no lemma lists are given).

    Parameters
    ----------
    texts : sequence of str
    languages : sequence of str, optional
        ``fi``, ``sv``, or anything else (both are tried); default: both for every text.

    Examples
    --------
    >>> fallback_lemmas(["Nuoret rahanvälittäjinä!"], ["fi"])
    [['nuori', 'rahanvälittäjä']]
    """
    from socanalysis.nlp import dictionaries

    stop = _stopwords()
    languages = list(languages) if languages is not None else [""] * len(texts)
    out: list[list[str]] = []
    for text, language in zip(texts, languages, strict=True):
        langs = _lang_tuple(str(language))
        dropped = frozenset().union(*(stop.get(lang, frozenset()) for lang in ("fi", "sv")))
        words = []
        for token in _WORD.findall(str(text or "").lower()):
            lemma = dictionaries.lemmatize(token, lang=langs).lower()
            if len(lemma) >= 3 and lemma not in dropped and token not in dropped:
                words.append(lemma)
        out.append(words)
    return out


def distinctive_terms(
    lemmas: Sequence[Sequence[str]],
    members: Sequence[int],
    top: int = 10,
    doc_freq: Counter[str] | None = None,
    min_share: float = 0.0,
) -> list[str]:
    """The ``top`` terms most specific to the reports ``members`` (best first).

    A term must appear in at least two members (one if the group has one report) and in at
    least ``min_share`` of them. Ties are broken alphabetically.
    """
    members = list(members)
    if not members:
        return []
    if doc_freq is None:
        doc_freq = Counter(t for words in lemmas for t in set(words))
    n_total = len(lemmas)
    in_group = Counter(t for i in members for t in set(lemmas[i]))
    needed = max(1 if len(members) == 1 else 2, math.ceil(min_share * len(members)))
    scored = [
        (
            -(count / len(members)) * math.log((1 + n_total) / (1 + doc_freq[t])),
            t,
        )
        for t, count in in_group.items()
        if count >= needed
    ]
    scored.sort()
    return [t for _, t in scored[:top]]


def keywords_by_language(
    lemmas: Sequence[Sequence[str]],
    members: Sequence[int],
    languages: Sequence[str],
    top: int = 3,
    doc_freq: Counter[str] | None = None,
) -> dict[str, list[str]]:
    """Keywords of a group in Finnish and in Swedish, from that language's reports.

    Mixed-language reports count for both. A language with no report in the group borrows the
    keywords of all the group's reports, so that a label is never empty when terms exist.
    """
    result: dict[str, list[str]] = {}
    overall = distinctive_terms(lemmas, members, top, doc_freq)
    for lang in ("fi", "sv"):
        own = [i for i in members if str(languages[i]) in (lang, "mixed")]
        terms = []
        if own:
            terms = distinctive_terms(lemmas, own, top, doc_freq)
            if len(own) > 1 and len(terms) < top:
                # few shared terms in a small language subset: single-report terms fill in
                extra = _single_report_terms(lemmas, own, doc_freq, len(lemmas))
                terms += [t for t in extra if t not in terms][: top - len(terms)]
        result[lang] = terms or overall
    return result


def _single_report_terms(
    lemmas: Sequence[Sequence[str]],
    members: Sequence[int],
    doc_freq: Counter[str] | None,
    n_total: int,
) -> list[str]:
    if doc_freq is None:
        doc_freq = Counter(t for words in lemmas for t in set(words))
    in_group = Counter(t for i in members for t in set(lemmas[i]))
    scored = sorted(
        (-(c / len(members)) * math.log((1 + n_total) / (1 + doc_freq[t])), t)
        for t, c in in_group.items()
    )
    return [t for _, t in scored]
