"""Lemma keyword evidence: which taxonomy keywords a report contains, and how strongly.

Reports are typed in a hurry: inflected (``Kelalta``), compounded (``vuokrarästit``,
``bostadslöshet``), without ä/ö, with abbreviations (``ttt:n``). Each token is therefore compared to
the keywords by its folded surface form and its folded lemma, and a keyword of four or more letters
also matches a compound that starts with it (six or more letters: that ends with it). Keywords of
up to three letters (``ttt``, ``mt``, ``ls``) match whole tokens only. A keyword listed by several
categories counts less for each (weight ``1 / number of categories``).

Examples
--------
>>> from socanalysis.classify.taxonomy import load_taxonomy
>>> m = KeywordMatcher(load_taxonomy("shl11")).fit()
>>> hits = m.match("Nuori jäi ilman asuntoa, vuokrarästit kasvoivat ja ttt:n päätös viipyy.", "fi")
>>> sorted(hits["2"])
['asuntoa', 'vuokrarästit']
>>> hits["3"]
['ttt']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from socanalysis.classify.taxonomy import Taxonomy, fold

__all__ = ["KeywordMatcher", "WordLemmatizer", "default_analyzer_factory", "tokenize"]

Analyzer = Callable[[str], list[str]]
AnalyzerFactory = Callable[[str], Analyzer]

_DEFAULT_CACHE: dict[tuple[str, str], str] = {}
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_MIN_PREFIX = 4
_MIN_SUFFIX = 6


def tokenize(text: str) -> list[str]:
    """Word tokens (letters, inner hyphens kept); ``ttt:n`` gives ``ttt`` and ``n``.

    >>> tokenize("TE-palvelut ja ttt:n 2. päätös")
    ['TE-palvelut', 'ja', 'ttt', 'n', 'päätös']
    """
    return _TOKEN.findall(text or "")


class WordLemmatizer:
    """Tokens lemmatised one by one with the project's lemmatiser for one language.

    The same word-level lemmatiser as :class:`socanalysis.nlp.analyzer.LemmaAnalyzer`
    (:func:`socanalysis.nlp.lemmas.lemmatize_word`: simplemma plus overrides, ä/ö restored,
    compounds kept whole), without spaCy: the matcher looks up each distinct word once, and stop
    words must stay (a keyword may be one). Any callable ``text -> list of lemmas`` can replace it
    through ``analyzer_factory``.

    >>> WordLemmatizer("fi")("Nuoret eivät saa asumistukea")
    ['nuori', 'ei', 'saada', 'asumistuki']
    """

    def __init__(self, language: str = "fi") -> None:
        self.language = language if language in ("fi", "sv") else "fi"

    def __call__(self, text: str) -> list[str]:
        from socanalysis.nlp.lemmas import lemmatize_word

        return [lemmatize_word(tok, self.language).lower() for tok in tokenize(text)]


def _keyword_lemma(word: str, lemma: str) -> str:
    """The lemma of a keyword, unless the lemmatiser cut a compound down to its first part.

    Keywords are written as lemmas already; some lemmatisers shorten unknown compounds
    (``vapaapäivä`` -> ``vapaa``), which would turn a specific keyword into a generic one.
    """
    if word.startswith(lemma) and len(lemma) < len(word) - 2:
        return word
    return lemma


def default_analyzer_factory(language: str) -> Analyzer:
    """The analyzer used when none is given: :class:`WordLemmatizer`."""
    return WordLemmatizer(language)


@dataclass(frozen=True)
class _Keyword:
    category: int  # index into taxonomy.categories
    text: str  # as written in the data file
    forms: tuple[tuple[str, ...], ...]  # alternatives, each a tuple of folded components
    weight: float


class KeywordMatcher:
    """Find taxonomy keywords in report texts.

    Parameters
    ----------
    taxonomy : Taxonomy
    analyzer_factory : callable, optional
        ``language -> (text -> list of lemmas)``; default :class:`WordLemmatizer`.
    """

    def __init__(self, taxonomy: Taxonomy, analyzer_factory: AnalyzerFactory | None = None):
        self.taxonomy = taxonomy
        self.analyzer_factory = analyzer_factory

    # -- set-up ----------------------------------------------------------------------------
    def fit(self) -> KeywordMatcher:
        """Compile the keyword forms (as written and lemmatised) and their weights."""
        self._analyzers: dict[str, Analyzer] = {}
        self._lemma_cache: dict[tuple[str, str], str] = {}
        self._hits_cache: dict[tuple[str, str], tuple] = {}
        owners: dict[str, set[int]] = {}
        raw: list[tuple[int, str, str]] = []
        for ci, cat in enumerate(self.taxonomy.categories):
            for lang, words in cat.keywords.items():
                for w in words:
                    raw.append((ci, lang, w))
                    owners.setdefault(fold(w), set()).add(ci)
        self.keywords_: dict[str, list[_Keyword]] = {}
        parts_by_lang: dict[str, set[str]] = {}
        for _, lang, w in raw:
            parts_by_lang.setdefault(lang, set()).update(fold(p) for p in w.split())
        self._prefetch(parts_by_lang)
        for ci, lang, w in raw:
            parts = [fold(p) for p in w.split()]
            lemma_parts = [_keyword_lemma(p, self._lemma(p, lang)) for p in parts]
            forms = tuple(dict.fromkeys([tuple(parts), tuple(lemma_parts)]))
            kw = _Keyword(ci, w, forms, 1.0 / len(owners[fold(w)]))
            self.keywords_.setdefault(lang, []).append(kw)
        # index: first component -> keywords, split by how the component may match
        self._exact: dict[str, dict[str, list[tuple[_Keyword, tuple[str, ...]]]]] = {}
        self._prefix: dict[str, dict[str, list[tuple[_Keyword, tuple[str, ...]]]]] = {}
        self._suffix: dict[str, dict[str, list[tuple[_Keyword, tuple[str, ...]]]]] = {}
        for lang, kws in self.keywords_.items():
            ex, pre, suf = {}, {}, {}
            for kw in kws:
                for form in kw.forms:
                    head = form[0]
                    ex.setdefault(head, []).append((kw, form))
                    if len(head) >= _MIN_PREFIX:
                        pre.setdefault(head, []).append((kw, form))
                    if len(form) == 1 and len(head) >= _MIN_SUFFIX:
                        suf.setdefault(head, []).append((kw, form))
            self._exact[lang], self._prefix[lang], self._suffix[lang] = ex, pre, suf
        self._langs_with_keywords = [lg for lg in self.taxonomy.languages if lg in self.keywords_]
        return self

    def _analyzer(self, language: str) -> Analyzer:
        if language not in self._analyzers:
            factory = self.analyzer_factory or default_analyzer_factory
            self._analyzers[language] = factory(language)
        return self._analyzers[language]

    def _lemma(self, token: str, language: str) -> str:
        """Folded lemma of one token, cached: the analyzer is called once per distinct word."""
        key = (language, token)
        # the default lemmatiser is deterministic and shared: its cache outlives one matcher
        cache = _DEFAULT_CACHE if self.analyzer_factory is None else self._lemma_cache
        hit = cache.get(key)
        if hit is None:
            lemmas = self._analyzer(language)(token)
            hit = fold(lemmas[0]) if lemmas else fold(token)
            if len(cache) < 500_000:
                cache[key] = hit
        return hit

    def prefetch_lemmas(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> None:
        """Read the lemmas of every word of ``texts`` from the per-report results cache at once.

        Inside ``analyze`` (where :func:`socanalysis.nlp.result_cache.result_disk_cache` is
        active) a run on reports seen before then lemmatises no word again: the words of a
        1 000-report run cost about 0.5 s to lemmatise on the 2-core machine. Words not stored
        are lemmatised and stored. Nothing happens with a custom ``analyzer_factory`` (not ours
        to cache) or when no cache is active; :meth:`evidence` and :meth:`lemmas` give the same
        answers either way.
        """
        if not self._lemmas_on_disk():
            return  # nothing to read: the words are not even collected
        first = self.taxonomy.languages[0]
        wanted: dict[str, set[str]] = {}
        langs = languages if languages is not None else [None] * len(texts)
        for text, language in zip(texts, langs, strict=False):
            tokens = tokenize(str(text or ""))
            words = set(tokens)
            for token in tokens:  # hyphenated compounds: _token_hits also reads their parts
                folded = fold(token)
                if "-" in folded:
                    words.update(part for part in folded.split("-") if part)
            # the languages _match_indices and lemmas() lemmatise this text in
            own = language if language in self.taxonomy.languages else first
            for lang in {*self._match_langs(language), own}:
                wanted.setdefault(lang, set()).update(words)
        self._prefetch(wanted)

    def _lemmas_on_disk(self) -> bool:
        """Whether lemmas go through the results cache: the default lemmatiser, a cache active."""
        from socanalysis.nlp.result_cache import active_result_cache

        return self.analyzer_factory is None and active_result_cache() is not None

    def _prefetch(self, wanted: dict[str, set[str]]) -> None:
        """Fill the lemma memo with these words per language from the results cache (the words
        not stored are lemmatised and stored); see :meth:`prefetch_lemmas`."""
        from socanalysis.nlp.result_cache import cached_results

        if not self._lemmas_on_disk():
            return
        for lang, words in sorted(wanted.items()):
            todo = sorted(w for w in words if (lang, w) not in _DEFAULT_CACHE)

            def lemmatise(positions: list[int], todo: list[str] = todo, lang: str = lang) -> list:
                return [[self._lemma(todo[i], lang)] for i in positions]

            for word, (lemma,) in zip(
                todo, cached_results(f"keyword-lemma|{lang}", todo, lemmatise), strict=True
            ):
                if len(_DEFAULT_CACHE) < 500_000:
                    _DEFAULT_CACHE[(lang, word)] = lemma

    # -- matching ----------------------------------------------------------------------------
    def _match_langs(self, language: str | None) -> list[str]:
        langs = self._langs_with_keywords
        if language in langs:
            return [language]
        return langs  # mixed, other or unknown: try every language's keywords

    @staticmethod
    def _component_ok(cands: tuple[str, ...], comp: str) -> bool:
        for c in cands:
            if c == comp:
                return True
            if len(comp) >= _MIN_PREFIX and c.startswith(comp):
                return True
        return False

    def match(self, text: str, language: str | None = None) -> dict[str, list[str]]:
        """Matched words per category key (words as written in the text, lower case, in order).

        Parameters
        ----------
        text : str
        language : str, optional
            "fi" or "sv" selects that language's keywords; anything else tries all languages.
        """
        found = self._match_indices(text, language)
        out: dict[str, list[str]] = {}
        for ci, hits in found.items():
            out[self.taxonomy.categories[ci].key] = list(dict.fromkeys(w for w, _ in hits))
        return out

    def _token_hits(
        self, tok: str, lang: str
    ) -> tuple[tuple[str, ...], list[tuple[_Keyword, tuple[str, ...]]]]:
        """Candidate forms of one token and the keywords whose first part they match (cached)."""
        key = (lang, tok)
        hit = self._hits_cache.get(key)
        if hit is not None:
            return hit
        f = fold(tok)
        forms = [f, self._lemma(tok, lang)]
        if "-" in f:  # hyphenated compounds: also their parts (mt-palvelut, vuokra-asunto)
            for part in f.split("-"):
                if part:
                    forms += [part, self._lemma(part, lang)]
        cand = tuple(dict.fromkeys(forms))
        ex, pre, suf = self._exact[lang], self._prefix[lang], self._suffix[lang]
        hits: list[tuple[_Keyword, tuple[str, ...]]] = []
        for c in cand:
            hits += ex.get(c, [])
            for n in range(_MIN_PREFIX, len(c)):
                hits += pre.get(c[:n], [])
            for n in range(_MIN_SUFFIX, len(c)):
                hits += suf.get(c[-n:], [])
        hit = (cand, hits)
        if len(self._hits_cache) < 500_000:
            self._hits_cache[key] = hit
        return hit

    def _match_indices(
        self, text: str, language: str | None
    ) -> dict[int, list[tuple[str, _Keyword]]]:
        tokens = tokenize(text)
        found: dict[int, list[tuple[str, _Keyword]]] = {}
        seen: set[tuple[int, str]] = set()
        cached = self._hits_cache.get
        for lang in self._match_langs(language):
            # most words were seen in earlier reports: their hits come from the cache directly
            analysed = [cached((lang, tok)) or self._token_hits(tok, lang) for tok in tokens]
            cands = [a[0] for a in analysed]
            for i, (_, hits) in enumerate(analysed):
                for kw, form in hits:
                    if len(form) > 1:
                        if i + len(form) > len(cands) or not all(
                            self._component_ok(cands[i + j], form[j]) for j in range(1, len(form))
                        ):
                            continue
                        surface = " ".join(tokens[i : i + len(form)]).lower()
                    else:
                        surface = tokens[i].lower()
                    if (kw.category, kw.text) in seen:
                        # one keyword counts once; still list a new surface word for it
                        if all(s != surface for s, _ in found.get(kw.category, [])):
                            found[kw.category].append((surface, kw))
                        continue
                    seen.add((kw.category, kw.text))
                    found.setdefault(kw.category, []).append((surface, kw))
        return found

    def evidence(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> tuple[np.ndarray, list[dict[str, list[str]]]]:
        """Keyword evidence for many texts.

        Returns
        -------
        scores : ndarray of shape (n_texts, n_categories)
            Sum of the weights of the distinct keywords matched, per category.
        matches : list of dict
            Per text, matched words per category key (see :meth:`match`).
        """
        n, k = len(texts), len(self.taxonomy.categories)
        scores = np.zeros((n, k), dtype=np.float64)
        matches: list[dict[str, list[str]]] = []
        langs = languages if languages is not None else [None] * n
        self.prefetch_lemmas(texts, langs)
        for r, (text, lang) in enumerate(zip(texts, langs, strict=False)):
            found = self._match_indices(str(text or ""), lang)
            row: dict[str, list[str]] = {}
            for ci, hits in found.items():
                weights: dict[str, float] = {}
                for _, kw in hits:
                    weights[kw.text] = kw.weight
                scores[r, ci] = sum(weights.values())
                row[self.taxonomy.categories[ci].key] = list(dict.fromkeys(w for w, _ in hits))
            matches.append(row)
        return scores, matches

    def lemmas(self, text: str, language: str | None = None) -> list[str]:
        """Folded lemmas of a text (the report language's analyzer; Finnish when unknown)."""
        lang = language if language in self.taxonomy.languages else self.taxonomy.languages[0]
        cache = _DEFAULT_CACHE if self.analyzer_factory is None else self._lemma_cache
        cached = cache.get
        # a cached lemma directly (an empty one, never cached as such, is looked up again)
        return [cached((lang, tok)) or self._lemma(tok, lang) for tok in tokenize(text)]
