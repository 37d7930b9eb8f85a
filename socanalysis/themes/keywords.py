"""Keywords and labels of themes, computed separately for Finnish and Swedish.

A theme holds reports in both languages, and a reader wants its keywords in their own language.
So the class-based TF-IDF of BERTopic (:class:`bertopic.vectorizers.ClassTfidfTransformer`) runs
once per language on that language's reports (``mixed`` reports count for both, each with its
sentences in that language), over lemmas
from a language-specific analyzer, so "asunto, asunnon, asuntoa" count as one term.

The default analyzer is the project's :class:`socanalysis.nlp.analyzer.LemmaAnalyzer` (lemmas
without stop words, domain stop words included); any picklable callable
``factory(language) -> analyzer`` works.

Examples
--------
>>> analyzer = default_analyzer_factory("fi")
>>> analyzer("Asunnot ja asuntojen vuokrat nousevat.")
['asunto', 'asunto', 'vuokra', 'nousta']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "KEYWORD_LANGUAGES",
    "LanguageTerms",
    "build_language_terms",
    "ctfidf_keywords",
    "default_analyzer_factory",
    "make_label",
    "mixed_text_parts",
    "settings",
]

KEYWORD_LANGUAGES: tuple[str, ...] = ("fi", "sv")
_DATA = Path(__file__).with_name("data")


@cache
def settings() -> dict[str, Any]:
    """The theme settings in ``data/themes.yaml`` (read once)."""
    from socanalysis._yaml import safe_load_yaml

    with open(_DATA / "themes.yaml", encoding="utf-8") as fh:
        return safe_load_yaml(fh)


def default_analyzer_factory(language: str) -> Callable[[str], list[str]]:
    """The analyzer used when ``ThemeModel(analyzer_factory=None)``: the project's lemmatiser."""
    from socanalysis.nlp.analyzer import LemmaAnalyzer

    analyzer = LemmaAnalyzer(language)
    # a factory hands out an analyzer per language: an unknown language is refused here, not
    # at the first text (the analyzer checks its parameters on use, as scikit-learn's do)
    analyzer._validate()
    return analyzer


@dataclass
class LanguageTerms:
    """Bag of lemmas of one language: a sparse report x term count matrix and its vocabulary.

    Rows are all reports of the fit (rows of reports in other languages are empty), so theme
    counts follow from summing rows by theme, also after a merge or split.
    """

    language: str
    vocabulary: list[str]
    counts: Any  # scipy.sparse.csr_matrix, shape (n_reports, len(vocabulary))


def _strip_placeholders(text: str) -> str:
    return re.sub(settings()["keywords"]["placeholder_pattern"], " ", text)


def mixed_text_parts(texts: Sequence[str], seed: int = 0) -> list[dict[str, str]]:
    """Each text's Finnish and Swedish sentences, for the keywords of ``mixed`` reports.

    A mixed report's Finnish sentences read by the Swedish lemmatiser (and the other way
    round) give uninflected foreign words as Swedish keywords (``ajanvarausta``), so each
    language's keywords take only that language's sentences of a mixed report. A sentence
    tagged neither (too short, another language) goes to both, as whole reports did before.
    The sentence tags are kept in the per-report results cache when one is active.

    Returns
    -------
    list of dict
        Per text ``{"fi": ..., "sv": ...}``: its sentences of each language, joined by spaces.

    Examples
    --------
    >>> mixed_text_parts(["Asiakas odottaa päätöstä. Klienten väntar på beslut."])
    [{'fi': 'Asiakas odottaa päätöstä.', 'sv': 'Klienten väntar på beslut.'}]
    """
    from socanalysis.nlp.language import detect_languages, split_sentences
    from socanalysis.nlp.result_cache import cached_results

    def tag(positions: list[int]) -> list[list[Any]]:
        spans = [split_sentences(texts[i]) for i in positions]
        sentences = [
            texts[i][a:b] for i, pairs in zip(positions, spans, strict=True) for a, b in pairs
        ]
        tags = iter(detect_languages(sentences, seed=seed)["language"].tolist())
        # flat [start, end, language, start, end, language, ...] per text: plain JSON values
        return [[x for a, b in pairs for x in (a, b, next(tags))] for pairs in spans]

    parts = []
    for text, flat in zip(
        texts, cached_results(f"sentence-language|seed={seed}", list(texts), tag), strict=True
    ):
        by_language: dict[str, list[str]] = {lang: [] for lang in KEYWORD_LANGUAGES}
        for k in range(0, len(flat), 3):
            start, end, lang = int(flat[k]), int(flat[k + 1]), str(flat[k + 2])
            for target in by_language if lang not in by_language else (lang,):
                by_language[target].append(text[start:end])
        parts.append({lang: " ".join(chunks) for lang, chunks in by_language.items()})
    return parts


def build_language_terms(
    texts: Sequence[str],
    languages: Sequence[str],
    analyzer_factory: Callable[[str], Callable[[str], list[str]]],
) -> dict[str, LanguageTerms]:
    """Count lemmas per report for each keyword language.

    Parameters
    ----------
    texts : sequence of str
        The texts keywords are drawn from (masked texts, so that no name becomes a keyword).
    languages : sequence of str
        Language code of each text; which codes feed which keyword language is set in
        ``themes.yaml`` (``mixed`` feeds both, each language with its own sentences:
        :func:`mixed_text_parts`).
    analyzer_factory : callable
        ``factory(language)`` returns a callable ``text -> list of terms``.

    Returns
    -------
    dict
        ``{"fi": LanguageTerms, "sv": LanguageTerms}``.
    """
    from scipy import sparse

    feeds = settings()["keyword_languages"]
    langs = np.asarray([str(x) for x in languages])
    mixed = np.flatnonzero(langs == "mixed")
    split = dict(
        zip(
            mixed.tolist(),
            mixed_text_parts([_strip_placeholders(str(texts[i])) for i in mixed]),
            strict=True,
        )
    )
    out: dict[str, LanguageTerms] = {}
    for lang in KEYWORD_LANGUAGES:
        analyzer = analyzer_factory(lang)
        rows = np.flatnonzero(np.isin(langs, feeds[lang]))
        vocab: dict[str, int] = {}
        indptr, indices, data = [0], [], []
        row_terms: dict[int, dict[int, int]] = {}
        stripped = [
            split[i][lang] if i in split else _strip_placeholders(str(texts[i])) for i in rows
        ]
        batch = getattr(analyzer, "lemmatize_texts", None)
        # one nlp.pipe over the language's texts (LemmaAnalyzer) rather than one call per
        # text: the same terms (the pipeline keeps no state between texts), less overhead
        analysed = batch(stripped) if callable(batch) else [analyzer(t) for t in stripped]
        for i, terms in zip(rows, analysed, strict=True):
            counts: dict[int, int] = {}
            for term in terms:
                j = vocab.setdefault(term, len(vocab))
                counts[j] = counts.get(j, 0) + 1
            row_terms[int(i)] = counts
        # sort the vocabulary so that the matrix does not depend on the order terms first appear
        order = sorted(vocab, key=str)
        remap = {vocab[t]: k for k, t in enumerate(order)}
        for i in range(len(texts)):
            counts = row_terms.get(i, {})
            cols = sorted(remap[j] for j in counts)
            inverse = {remap[j]: c for j, c in counts.items()}
            indices.extend(cols)
            data.extend(inverse[c] for c in cols)
            indptr.append(len(indices))
        matrix = sparse.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int64), indptr),
            shape=(len(texts), len(order)),
        )
        out[lang] = LanguageTerms(lang, order, matrix)
    return out


def _inflection_duplicate(word: str, kept: Sequence[str]) -> int | None:
    """Position of a kept keyword that ``word`` is an inflection variant of, else None."""
    cfg = settings()["keywords"]
    for k, other in enumerate(kept):
        shorter = min(len(word), len(other))
        prefix = 0
        while prefix < shorter and word[prefix] == other[prefix]:
            prefix += 1
        long_enough = prefix >= cfg["duplicate_min_prefix"]
        if long_enough and prefix >= cfg["duplicate_prefix_share"] * shorter:
            return k
    return None


def class_tfidf_transformer() -> type:
    """BERTopic's :class:`bertopic.vectorizers.ClassTfidfTransformer`, without importing all
    of BERTopic when it is not loaded yet.

    ``import bertopic.vectorizers`` first runs ``bertopic/__init__.py``, which imports
    sentence-transformers, transformers and torch (about 5 s of CPU in a fresh process) that
    describing themes never uses; the class's own module needs only scikit-learn, scipy and
    numpy. So its file is loaded on its own from the installed bertopic package (the same code,
    not a copy), under a private module name. When bertopic is imported already, or its layout
    is not the expected one, the class comes from the package as usual.

    >>> class_tfidf_transformer().__name__
    'ClassTfidfTransformer'
    """
    import importlib.util
    import sys

    for loaded_name in ("bertopic.vectorizers", "bertopic.vectorizers._ctfidf"):
        loaded = sys.modules.get(loaded_name)
        if loaded is not None and hasattr(loaded, "ClassTfidfTransformer"):
            return loaded.ClassTfidfTransformer
    name = "socanalysis.themes._bertopic_ctfidf"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.find_spec("bertopic")  # locates the package, does not run it
        locations = list(spec.submodule_search_locations or []) if spec else []
        path = Path(locations[0]) / "vectorizers" / "_ctfidf.py" if locations else None
        if path is None or not path.is_file():
            from bertopic.vectorizers import ClassTfidfTransformer

            return ClassTfidfTransformer
        file_spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(file_spec)
        try:
            file_spec.loader.exec_module(module)
        except ImportError:  # a later bertopic whose file imports its own package
            from bertopic.vectorizers import ClassTfidfTransformer

            return ClassTfidfTransformer
        sys.modules[name] = module
    return module.ClassTfidfTransformer


def ctfidf_keywords(
    terms: LanguageTerms,
    labels: np.ndarray,
    theme_ids: Sequence[int],
    n_keywords: int,
    min_reports: int = 1,
) -> dict[int, list[tuple[str, float]]]:
    """Top c-TF-IDF keywords of each theme in one language.

    c-TF-IDF alone ranks a word that one report of a small theme uses (often a typo, or a
    detail of that one case) as high as a word the theme's reports share. So the words used by
    at least ``min_reports`` of the theme's reports in this language come first, best score
    first, and words of fewer reports only fill the list after them (a theme with fewer
    reports in the language than ``min_reports`` ranks by score alone).

    Parameters
    ----------
    terms : LanguageTerms
        Lemma counts of every report (empty rows for reports in other languages).
    labels : ndarray of int
        Theme of each report (-1 for outliers, which form a class of their own as in BERTopic).
    theme_ids : sequence of int
        Themes to return keywords for.
    n_keywords : int
        How many keywords per theme.
    min_reports : int, default 1
        Reports of the theme (in this language) a word must occur in to rank before the words
        of fewer reports; 1 ranks by c-TF-IDF alone.

    Returns
    -------
    dict
        ``theme_id -> [(keyword, score), ...]`` best first; empty for a theme without reports in
        this language. Ties are broken alphabetically.

    Examples
    --------
    >>> from scipy import sparse
    >>> counts = sparse.csr_matrix(np.array(  # reports x ["asunto", "kelaa", "vuokra"]
    ...     [[1, 1, 0], [1, 0, 0], [1, 0, 1], [1, 0, 1]], dtype=np.float32))
    >>> terms = LanguageTerms("fi", ["asunto", "kelaa", "vuokra"], counts)
    >>> labels = np.array([0, 0, 1, 1])
    >>> [w for w, _ in ctfidf_keywords(terms, labels, [0], 2)[0]]  # by c-TF-IDF alone
    ['kelaa', 'asunto']
    >>> [w for w, _ in ctfidf_keywords(terms, labels, [0], 2, min_reports=2)[0]]
    ['asunto', 'kelaa']
    """
    from scipy import sparse

    ClassTfidfTransformer = class_tfidf_transformer()
    classes = sorted(set(int(x) for x in labels) | set(int(t) for t in theme_ids))
    result: dict[int, list[tuple[str, float]]] = {int(t): [] for t in theme_ids}
    if not terms.vocabulary:
        return result
    index = {c: k for k, c in enumerate(classes)}
    member = sparse.csr_matrix(
        (
            np.ones(len(labels), dtype=np.float32),
            ([index[int(x)] for x in labels], np.arange(len(labels))),
        ),
        shape=(len(classes), len(labels)),
    )
    per_class = (member @ terms.counts).tocsr()
    raw = np.asarray(per_class.todense())
    # reports of each class that use each word, and reports of each class in this language
    used = terms.counts.astype(bool).astype(np.float32)
    support = np.asarray((member @ used).todense())
    in_language = np.asarray(member @ (np.asarray(used.sum(axis=1)).ravel() > 0)).ravel()
    if len(terms.vocabulary) == 1:
        # BERTopic's transformer fails on a one-word vocabulary (its idf becomes a scalar);
        # the one word is then every theme's only keyword, whatever its weight
        scores = (raw > 0).astype(np.float64)
    else:
        scores = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(per_class)
        scores = np.asarray(scores.todense())
    vocab = np.asarray(terms.vocabulary, dtype=object)
    for theme in theme_ids:
        row = index[int(theme)]
        present = np.flatnonzero(raw[row] > 0)
        if present.size == 0:
            continue
        # shared words first, then best score first, alphabetical among equal scores
        # (the vocabulary is sorted)
        needed = min(int(min_reports), int(in_language[row]))
        rare = support[row, present] < needed
        order = present[np.lexsort((present, -np.round(scores[row, present], 9), rare))]
        kept: list[tuple[str, float]] = []
        for j in order:
            word = str(vocab[j])
            dup = _inflection_duplicate(word, [w for w, _ in kept])
            if dup is not None:
                # keep the better rank but the shorter form, more likely the base form
                if len(word) < len(kept[dup][0]):
                    kept[dup] = (word, kept[dup][1])
                continue
            kept.append((word, float(scores[row, j])))
            if len(kept) >= n_keywords:
                break
        result[int(theme)] = kept
    return result


def make_label(keywords: Sequence[str], n_words: int) -> str:
    """Join the first ``n_words`` keywords into a readable label.

    Examples
    --------
    >>> make_label(["asunto", "vuokra", "nuori", "velka"], 3)
    'asunto, vuokra, nuori'
    """
    return ", ".join(keywords[:n_words])
