"""A scikit-learn analyzer that turns Finnish and Swedish reports into lemma terms.

``LemmaAnalyzer`` is a plain picklable callable: pass it as ``analyzer=`` to scikit-learn's
``CountVectorizer`` / ``TfidfVectorizer`` (and so to BERTopic's ``vectorizer_model``) so that
"asunto, asunnon, asuntoa" count as one term and "bostad, bostaden, bostäder" as one. It
normalises the text (:func:`socanalysis.nlp.normalize.normalize_text`), runs the cached spaCy
pipeline of :mod:`socanalysis.nlp.tokens` and keeps lemmas of tokens that are not stop words,
numbers, identifiers, e-mails, URLs or punctuation.

This module imports nothing heavy; spaCy is loaded on the first call.

Examples
--------
>>> from sklearn.feature_extraction.text import CountVectorizer
>>> vec = CountVectorizer(analyzer=LemmaAnalyzer("fi"))
>>> X = vec.fit_transform(["Asunto puuttuu.", "Asunnon vuokra", "ei asuntoa"])
>>> list(vec.get_feature_names_out())
['asunto', 'puuttua', 'vuokra']
>>> X.sum(axis=0).tolist()
[[3, 1, 1]]
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import cache
from numbers import Integral
from typing import Any

from socanalysis.errors import ConfigError, InputError
from socanalysis.nlp.lemma_cache import active_lemma_cache, fingerprint

__all__ = [
    "LANGUAGE_CHOICES",
    "LemmaAnalyzer",
    "add_lemmas",
    "guess_language",
    "import_spacy",
    "lemmatize_texts",
]

LANGUAGE_CHOICES: tuple[str, ...] = ("fi", "sv", "auto")
_LANGUAGES = ("fi", "sv")
# letters that only one of the two languages uses
_SV_LETTERS = frozenset("å")


# Terms already computed in this process, keyed by everything they depend on (see
# LemmaAnalyzer.lemmatize_texts); cleared when it reaches _MEMO_MAX entries.
_MEMO: dict[tuple[Any, ...], tuple[str, ...]] = {}
_MEMO_MAX = 400_000


def import_spacy() -> Any:
    """Import spaCy without letting thinc import torch, which the tokenizers never use.

    ``import spacy`` imports thinc, and ``thinc.compat`` tries ``import torch`` to offer its
    torch wrappers: about 0.9-1.3 CPU s and 200 MB in a fresh process, for rule-based
    tokenizers that run no neural network (measured: ``import spacy`` 1.96 CPU s, 0.59 with
    torch hidden). While spaCy is imported, ``sys.modules["torch"]`` is set to ``None`` (so
    ``import torch`` raises ImportError and thinc records that torch is absent) and then
    removed again, so a later ``import torch`` (sentence-transformers, BERTopic) works as usual.
    When torch or spaCy is imported already nothing is hidden. Another thread importing torch
    during these 0.6 s would get an ImportError; the pipeline imports nothing in parallel.

    Examples
    --------
    >>> import_spacy().__name__
    'spacy'
    """
    import sys

    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    hide = "torch" not in sys.modules
    if hide:
        sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        if hide and "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]
    return spacy


@cache
def _function_words(language: str) -> frozenset[str]:
    """spaCy's stop words: short, frequent and language-specific, a cheap language cue.

    Read from spaCy's ``lang/<language>/stop_words.py`` without importing spaCy when it is not
    imported yet: a run whose lemma terms all come from the disk cache needs no spaCy, and
    importing it takes about 0.5 s. The file is run in a namespace of its own, as the import
    would run it; if spaCy ever lays it out otherwise, it is imported after all.
    """
    import importlib
    import sys

    if "spacy" not in sys.modules:
        import importlib.util
        from pathlib import Path

        spec = importlib.util.find_spec("spacy")  # a top-level name: nothing is imported
        if spec is not None and spec.origin:
            path = Path(spec.origin).parent / "lang" / language / "stop_words.py"
            namespace: dict[str, Any] = {}
            try:
                exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
                return frozenset(namespace["STOP_WORDS"])
            except (OSError, SyntaxError, KeyError, TypeError, NameError, ImportError):
                pass
    import_spacy()
    return frozenset(importlib.import_module(f"spacy.lang.{language}.stop_words").STOP_WORDS)


def guess_language(text: str) -> str:
    """Cheap per-text guess between Finnish and Swedish from function words and letters.

    Meant for texts whose language is not known (``language="auto"``), not as a language
    identifier: use :mod:`socanalysis.nlp.language` for that. Ties go to Finnish.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    {"fi", "sv"}

    Examples
    --------
    >>> guess_language("Klienten har inte fått stöd"), guess_language("Asiakas ei saanut tukea")
    ('sv', 'fi')
    """
    words = [w.strip(".,;:!?()\"'").lower() for w in text.split()]
    fi_words, sv_words = _function_words("fi"), _function_words("sv")
    score = {"fi": 0.0, "sv": 0.0}
    for word in words:
        # words in both lists ("on", "se", "ja"?) say nothing
        in_fi, in_sv = word in fi_words, word in sv_words
        if in_fi != in_sv:
            score["fi" if in_fi else "sv"] += 1
        if any(c in _SV_LETTERS for c in word):
            score["sv"] += 0.5
    return "sv" if score["sv"] > score["fi"] else "fi"


def _pipeline_key(language: Any, text: str) -> tuple[str, ...]:
    """Languages for one text: a known language alone; anything else guessed, with fallback."""
    if language in _LANGUAGES:
        return (language,)
    first = guess_language(text)
    return (first, *[lang for lang in _LANGUAGES if lang != first])


class LemmaAnalyzer:
    """Callable analyzer: text -> list of lemma terms (and n-grams of them).

    Parameters
    ----------
    language : {"fi", "sv", "auto"}
        Language of the texts. "auto" guesses per text (:func:`guess_language`) and lets words
        unknown in that language be lemmatised in the other one, for mixed reports.
    ngram_range : tuple of int
        ``(min_n, max_n)`` as in scikit-learn; n-grams join consecutive kept lemmas with a
        space, after stop words are removed (as scikit-learn does).
    drop_stopwords : bool
        Drop spaCy's and the domain stop words (and stop phrases such as "tänä vuonna").
    min_len : int
        Drop lemmas with fewer letters than this ("n.", "e." and an initial "S." count one;
        until 2026-11-25 characters were counted, and "5g" and "b12" were kept at 2).
    expand_abbreviations : bool
        Replace abbreviations ("ttt", "mt-", "FPA") by what they stand for.

    Examples
    --------
    >>> LemmaAnalyzer("sv")("Bostäderna är dyra, bostaden saknas")
    ['bostad', 'dyr', 'bostad', 'sakna']
    >>> LemmaAnalyzer("fi", ngram_range=(1, 2))("Nuorten asunnottomuus kasvaa")
    ['nuori', 'asunnottomuus', 'kasvaa', 'nuori asunnottomuus', 'asunnottomuus kasvaa']
    """

    def __init__(
        self,
        language: str = "auto",
        ngram_range: tuple[int, int] = (1, 1),
        drop_stopwords: bool = True,
        min_len: int = 2,
        expand_abbreviations: bool = True,
    ) -> None:
        # stored as given (scikit-learn convention): checked when the analyzer is first used
        self.language = language
        self.ngram_range = ngram_range
        self.drop_stopwords = drop_stopwords
        self.min_len = min_len
        self.expand_abbreviations = expand_abbreviations

    def _validate(self) -> None:
        _check_params(self.get_params())

    def __repr__(self) -> str:
        return (
            f"LemmaAnalyzer(language={self.language!r}, "
            f"ngram_range={_plain(self.ngram_range)!r}, "
            f"drop_stopwords={self.drop_stopwords!r}, min_len={_plain(self.min_len)!r}, "
            f"expand_abbreviations={self.expand_abbreviations!r})"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LemmaAnalyzer) and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Parameters, scikit-learn style (so that ``sklearn.base.clone`` and grid search work)."""
        return {
            "language": self.language,
            "ngram_range": self.ngram_range,
            "drop_stopwords": self.drop_stopwords,
            "min_len": self.min_len,
            "expand_abbreviations": self.expand_abbreviations,
        }

    def set_params(self, **params: Any) -> LemmaAnalyzer:
        """Set parameters, scikit-learn style.

        The new values are checked before any is set: an unknown name or a bad value raises
        ``ConfigError`` and leaves the analyzer as it was.
        """
        from socanalysis.params import set_known_params

        set_known_params(self, params, check=_check_params)
        return self

    # -- analysis -----------------------------------------------------------------------
    def _terms(self, doc: Any) -> list[str]:
        terms = []
        # one read of the per-document flags instead of a token._ look-up per token
        identifiers, phrases = doc._.identifiers, doc._.stop_phrases
        for i, token in enumerate(doc):
            if token.is_punct or token.is_space or identifiers[i]:
                continue
            if self.drop_stopwords and (token.is_stop or phrases[i]):
                continue
            lemma = token.lemma_
            # letters, not characters: "n." (noin), "e." (euro) and an initial "S." are no
            # terms, whatever the period that the tokenizer keeps on them
            if sum(c.isalpha() for c in lemma) < self.min_len:
                continue
            terms.append(lemma)
        return self._ngrams(terms)

    def _ngrams(self, terms: list[str]) -> list[str]:
        min_n, max_n = self.ngram_range
        if (min_n, max_n) == (1, 1):
            return terms
        out = list(terms) if min_n == 1 else []
        for n in range(max(min_n, 2), max_n + 1):
            out.extend(" ".join(terms[i : i + n]) for i in range(len(terms) - n + 1))
        return out

    def __call__(self, doc: str) -> list[str]:
        """Return the terms of one text (the scikit-learn analyzer contract)."""
        return self.lemmatize_texts([doc])[0]

    def lemmatize_texts(
        self, texts: Iterable[str], languages: str | Sequence[Any] | None = None
    ) -> list[list[str]]:
        """Terms of many texts at once, using ``nlp.pipe`` per language (faster than calls).

        Parameters
        ----------
        texts : list, tuple, pandas.Series or other iterable of str
            The texts (not one string: wrap it in a list). ``None``, NaN or pandas' ``NA``
            counts as an empty text.
        languages : str, sequence or None
            One language for all texts, or one per text (e.g. the ``language`` column from
            :mod:`socanalysis.nlp.language`). "fi" and "sv" are used as given; anything else
            ("mixed", "other", "unknown", None, pandas' ``NA``) is handled like
            ``language="auto"``. Default: the analyzer's ``language``.

        Returns
        -------
        list of list of str
            Terms per text, in input order.

        Raises
        ------
        InputError
            If ``texts`` is one string (or not a collection of texts), ``languages`` is neither
            a language nor a sequence of them, a sequence of another length than ``texts``, or
            a text is not a string.

        Examples
        --------
        >>> texts = ["Asunnoista on pulaa", "Bostäder saknas"]
        >>> LemmaAnalyzer().lemmatize_texts(texts, ["fi", "sv"])
        [['asunto', 'pula'], ['bostad', 'sakna']]
        """
        # checked here, on every use, and not in the constructor: a check costs microseconds
        # next to spaCy, and the analyzer's parameters may change after construction
        self._validate()
        from socanalysis.nlp.per_text import check_texts, is_missing, per_text_languages

        check_texts(texts, "lemmatize_texts", "LemmaAnalyzer()(text)")
        texts = [_as_text(t, i) for i, t in enumerate(texts)]
        if languages is None:
            languages = self.language
        per_text = per_text_languages(languages, len(texts), "lemmatize_texts")
        # pandas' NA is an unknown language, like None (comparing it to "fi" would raise)
        per_text = [None if is_missing(lang) else lang for lang in per_text]
        from socanalysis.nlp.normalize import normalize_text

        normalized = [normalize_text(t) for t in texts]
        groups: dict[tuple[str, ...], list[int]] = {}
        for i, (text, language) in enumerate(zip(normalized, per_text, strict=True)):
            groups.setdefault(_pipeline_key(language, text), []).append(i)
        result: list[list[str]] = [[] for _ in texts]
        # plain ints: numpy's would give the same terms another memo key and cache namespace
        settings = (self.expand_abbreviations, self.drop_stopwords, _plain(self.min_len),
                    _plain(self.ngram_range))  # fmt: skip
        disk = active_lemma_cache()
        for key in sorted(groups):
            # A text's terms depend only on its normalised text, the pipeline (languages) and
            # these settings, so a text analysed before in this process (the lemmas stage,
            # then the theme keywords of the same masked texts) is not run through spaCy again,
            # nor, while a lemma disk cache is active, one analysed in an earlier run.
            todo: list[tuple[int, tuple[Any, ...]]] = []
            remembered: list[tuple[int, tuple[Any, ...]]] = []
            for i in groups[key]:
                memo_key = (key, settings, _digest(normalized[i]))
                known = _MEMO.get(memo_key)
                if known is None:
                    todo.append((i, memo_key))
                else:
                    result[i] = list(known)
                    remembered.append((i, memo_key))
            namespace = f"{'+'.join(key)}|{settings}|{fingerprint()}" if disk is not None else ""
            if disk is not None:
                todo = _read_disk(disk, namespace, todo, result)
                # terms computed in this process before the cache was active go on disk too
                _write_disk(disk, namespace, remembered, result, only_new=True)
            if not todo:
                continue
            import_spacy()  # before tokens.py imports spaCy: without torch
            from socanalysis.nlp.tokens import get_pipeline

            nlp = get_pipeline(key, expand_abbreviations=self.expand_abbreviations)
            docs = nlp.pipe((normalized[i] for i, _ in todo), batch_size=256)
            for (i, memo_key), doc in zip(todo, docs, strict=True):
                result[i] = self._terms(doc)
                _remember(memo_key, tuple(result[i]))
            if disk is not None:
                _write_disk(disk, namespace, todo, result)
        return result


def _is_count(value: Any) -> bool:
    """A whole number (Python's or numpy's), not a bool."""
    return isinstance(value, Integral) and not isinstance(value, bool)


def _plain(value: Any) -> Any:
    """``value`` with numpy integers as Python ints (a pair as a tuple), for keys and repr."""
    if _is_count(value):
        return int(value)
    if isinstance(value, (tuple, list)):
        return tuple(int(n) if _is_count(n) else n for n in value)
    return value


def _check_params(params: dict[str, Any]) -> None:
    """``ConfigError`` naming the first bad value among a LemmaAnalyzer's parameters."""
    language = params["language"]
    if not isinstance(language, str) or language not in LANGUAGE_CHOICES:
        raise ConfigError(
            f"LemmaAnalyzer language must be one of {LANGUAGE_CHOICES}, got {language!r}."
        )
    ngram = params["ngram_range"]
    if (
        not isinstance(ngram, (tuple, list))
        or len(ngram) != 2
        or not all(_is_count(n) and n >= 1 for n in ngram)
        or ngram[0] > ngram[1]
    ):
        raise ConfigError(
            f"ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n, got {ngram!r}."
        )
    min_len = params["min_len"]
    if not _is_count(min_len) or min_len < 1:
        raise ConfigError(f"min_len must be a positive integer, got {min_len!r}.")


def _read_disk(
    disk: Any, namespace: str, todo: list[tuple[int, tuple[Any, ...]]], result: list[list[str]]
) -> list[tuple[int, tuple[Any, ...]]]:
    """Fill ``result`` (and the memo) from the disk cache; return the texts still to do."""
    if not todo:
        return todo
    stored = disk.lookup(namespace, [memo_key[2] for _, memo_key in todo])
    for j, terms in stored.items():
        i, memo_key = todo[j]
        result[i] = list(terms)
        _remember(memo_key, terms)
    return [item for j, item in enumerate(todo) if j not in stored]


def _write_disk(
    disk: Any,
    namespace: str,
    done: list[tuple[int, tuple[Any, ...]]],
    result: list[list[str]],
    only_new: bool = False,
) -> None:
    """Store the terms of ``done`` texts; ``only_new``: those the cache does not hold yet."""
    if only_new:
        done = [(i, k) for i, k in done if not disk.holds(namespace, k[2])]
    if done:
        disk.store(namespace, [k[2] for _, k in done], [result[i] for i, _ in done])


def _remember(memo_key: tuple[Any, ...], terms: tuple[str, ...]) -> None:
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[memo_key] = terms


def _digest(text: str) -> bytes:
    """16-byte key of a text for the memo (the texts themselves would double its memory)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _as_text(value: Any, index: int) -> str:
    if isinstance(value, str):
        return value
    from socanalysis.nlp.per_text import is_missing

    if is_missing(value):  # None, NaN, or pandas' NA from a nullable string column
        return ""
    raise InputError(
        f"Text number {index} is a {type(value).__name__}, not a string; convert the "
        "column to text first (for example df['text'].astype(str))."
    )


def lemmatize_texts(
    texts: Iterable[str],
    languages: str | Sequence[Any] | None = "auto",
    *,
    drop_stopwords: bool = True,
    min_len: int = 2,
) -> list[list[str]]:
    """Lemma terms of many texts; a shortcut for ``LemmaAnalyzer().lemmatize_texts``.

    Examples
    --------
    >>> lemmatize_texts(["Mielenterveyspalveluihin on jonoa", "mt-palvelut"], "fi")
    [['mielenterveyspalvelu', 'jono'], ['mielenterveyspalvelu']]
    """
    analyzer = LemmaAnalyzer("auto", drop_stopwords=drop_stopwords, min_len=min_len)
    return analyzer.lemmatize_texts(texts, languages)


def add_lemmas(
    reports: Any,
    text_column: str = "text",
    language_column: str | None = "language",
    out_column: str = "lemmas",
    analyzer: LemmaAnalyzer | None = None,
) -> Any:
    """Return a copy of a report table with a column of lemma terms per report.

    Parameters
    ----------
    reports : pandas.DataFrame
        One row per report.
    text_column : str
        Column with the text (normalised inside; the column itself is not changed).
    language_column : str or None
        Column with "fi"/"sv"/"mixed"/"other" per report (from the language stage); None uses
        the analyzer's language for every row.
    out_column : str
        Name of the new column; each cell is a list of terms.
    analyzer : LemmaAnalyzer, optional
        Default ``LemmaAnalyzer("auto")``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``reports`` with ``out_column`` added, same index and row order.

    Raises
    ------
    InputError
        If ``reports`` is not a DataFrame, or a named column is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["Asunnoista on pulaa", "Bostäder saknas"]})
    >>> df["language"] = ["fi", "sv"]
    >>> add_lemmas(df)["lemmas"].tolist()
    [['asunto', 'pula'], ['bostad', 'sakna']]
    """
    import pandas as pd

    if not isinstance(reports, pd.DataFrame):
        what = "a Series" if isinstance(reports, pd.Series) else type(reports).__name__
        raise InputError(
            f"add_lemmas takes a report table (a pandas DataFrame with a {text_column!r} "
            f"column), not {what}; for a column or list of texts use lemmatize_texts(texts), "
            "or make a table of it: series.to_frame('text')."
        )
    for column in (text_column, language_column):
        if column is not None and column not in reports.columns:
            raise InputError(
                f"The report table has no column {column!r} (columns: {list(reports.columns)}). "
                "Name the right column, or pass language_column=None to guess per text."
            )
    analyzer = analyzer if analyzer is not None else LemmaAnalyzer("auto")
    languages = None if language_column is None else reports[language_column].tolist()
    out = reports.copy()
    out[out_column] = analyzer.lemmatize_texts(reports[text_column].tolist(), languages)
    return out
