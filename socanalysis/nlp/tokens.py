"""spaCy pipelines for Finnish and Swedish reports: tokens, lemmas, stop words, identifiers.

No trained spaCy models exist offline for Finnish or Swedish here, so the pipelines are
``spacy.blank("fi")`` / ``spacy.blank("sv")`` (rule-based tokenizers) plus one component,
registered by name as ``"socanalysis_lemmatizer"``, that sets for every token:

- ``token.lemma_``: lower-case lemma from :mod:`socanalysis.nlp.lemmas`; abbreviations are
  expanded from ``data/abbreviations.yaml`` ("ttt:n" -> toimeentulotuki, "mt-palvelut" ->
  mielenterveyspalvelu), and a truncated first part of a coordination gets the head of the
  next word ("päihde- ja mielenterveyspalvelut" -> päihdepalvelu, mielenterveyspalvelu);
- ``token.is_stop``: spaCy's stop words of the language plus domain stop words from
  ``data/stopwords_<lang>.yaml`` (matched on the surface form or the lemma);
- ``token._.is_identifier``: numbers, dates, times, identity codes, phone numbers, e-mails,
  URLs and the privacy placeholders ("[HETU]"), from ``data/lemma_common.yaml``;
- ``token._.in_stop_phrase``: part of a domain stop phrase ("tänä vuonna", "i år");
- ``token._.lemma_method``: how the lemma was found (see
  :func:`socanalysis.nlp.lemmas.lookup_lemma`, plus "abbreviation", "coordination");
- ``token._.is_term``: the token should count as a term (none of the above drops it).

The flags are stored per document (``doc._.identifiers``, ``doc._.stop_phrases``,
``doc._.lemma_methods``, one value per token) and read by the token attributes.

With several languages (``languages=["fi", "sv"]``, for mixed reports) the first one is the
text's language; a word unknown to it but known to another is lemmatised in that other
language, and the stop words of all of them apply.

Examples
--------
>>> nlp = get_pipeline("fi")
>>> doc = nlp("Asiakkaan ttt:n käsittely kesti tänä vuonna 3 kk.")
>>> [t.lemma_ for t in doc if t._.is_term]
['toimeentulotuki', 'käsittely', 'kestää']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from socanalysis.errors import ConfigError
from socanalysis.nlp.analyzer import import_spacy
from socanalysis.nlp.lemmas import (
    SUPPORTED_LANGUAGES,
    _identifier_patterns,
    _read_yaml,
    lemma_settings,
    lookup_lemma,
)
from socanalysis.nlp.normalize import _no_split_abbreviations

import_spacy()  # spaCy without torch, whichever module imports it first (see there)

from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc, Token  # noqa: E402

__all__ = ["FACTORY_NAME", "SocanalysisLemmatizer", "get_pipeline", "stop_words"]

FACTORY_NAME = "socanalysis_lemmatizer"
# How much a lemma method says that a word belongs to a language: in mixed text a word goes to
# the language with the strongest evidence (ties to the text's main language).
_EVIDENCE = {
    "override": 3,
    "dictionary": 3,
    "diacritics": 2,
    "clitic": 2,  # a known word with a particle attached
    "passive": 2,  # a known verb's passive present, probed for a passive after "ei"
    "simplemma": 2,
    "compound": 1,
    "restored": 1,  # an affix analysis of a guessed spelling: a guess on a guess
    "unknown": 0,
}
_CONJUNCTIONS = frozenset({"ja", "tai", "sekä", "eli", "och", "eller", "samt", ","})

# Per-token flags are stored once per document as tuples (writing token._ attributes one by
# one is the slowest part of a Python spaCy component) and read through token getters.
for _name in ("identifiers", "stop_phrases", "lemma_methods"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=())


def _doc_flag(name: str, default: Any) -> Any:
    def getter(token: Token) -> Any:
        values = getattr(token.doc._, name)
        return values[token.i] if values else default

    return getter


for _name, _doc_name, _default in (
    ("is_identifier", "identifiers", False),
    ("in_stop_phrase", "stop_phrases", False),
    ("lemma_method", "lemma_methods", None),
):
    if not Token.has_extension(_name):
        Token.set_extension(_name, getter=_doc_flag(_doc_name, _default))
if not Token.has_extension("is_term"):
    Token.set_extension(
        "is_term",
        getter=lambda t: (
            not (
                t.is_punct
                or t.is_space
                or t.is_stop
                or t._.is_identifier
                or t._.in_stop_phrase
                or not any(c.isalpha() for c in t.lemma_)
            )
        ),
    )


@dataclass(frozen=True)
class _Abbreviation:
    lemma: str
    prefix: str
    case_sensitive: bool


@cache
def _abbreviations(language: str) -> dict[str, _Abbreviation]:
    data = _read_yaml("abbreviations.yaml").get(language, {}) or {}
    out = {}
    for key, entry in (data.get("expand") or {}).items():
        entry = entry or {}
        if "lemma" not in entry:
            raise ConfigError(f"abbreviations.yaml: {language}.expand.{key} has no 'lemma'")
        lemma = str(entry["lemma"])
        out[str(key).lower()] = _Abbreviation(
            lemma=lemma,
            prefix=str(entry.get("prefix", lemma)),
            case_sensitive=bool(entry.get("case_sensitive", False)),
        )
    return out


@cache
def _stop_data(language: str) -> tuple[frozenset[str], frozenset[tuple[str, ...]], frozenset[str]]:
    """(stop words incl. spaCy's, stop phrases as lemma tuples, keep words) of one language."""
    import importlib

    spacy_stops = importlib.import_module(f"spacy.lang.{language}.stop_words").STOP_WORDS
    raw = _read_yaml(f"stopwords_{language}.yaml")
    words = {str(w).lower() for w in raw.get("words") or []}
    # also the lemma of each listed word, so a list entry in any form matches
    words |= {lookup_lemma(w, language)[0] for w in words if " " not in w}
    keep = {str(w).lower() for w in raw.get("keep") or []}
    phrases = set()
    for phrase in raw.get("phrases") or []:
        parts = str(phrase).lower().split()
        phrases.add(tuple(parts))
        phrases.add(tuple(lookup_lemma(p, language)[0] for p in parts))
    stops = (set(spacy_stops) | words) - keep
    return frozenset(stops), frozenset(phrases), frozenset(keep)


def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words of ``language`` plus the domain stop words, minus the keep list.

    Examples
    --------
    >>> "asiakas" in stop_words("fi"), "klient" in stop_words("sv"), "ja" in stop_words("fi")
    (True, True, True)
    """
    if language not in SUPPORTED_LANGUAGES:
        raise ConfigError(f"Stop words exist for 'fi' and 'sv', not {language!r}.")
    return _stop_data(language)[0]


class SocanalysisLemmatizer:
    """The spaCy component behind :func:`get_pipeline`; see the module docstring.

    Parameters
    ----------
    languages : list of str
        Languages of the text, the main one first ("fi", "sv").
    expand_abbreviations : bool
        Replace abbreviations by what they stand for.
    """

    def __init__(self, languages: list[str], expand_abbreviations: bool = True) -> None:
        if not languages or any(lang not in SUPPORTED_LANGUAGES for lang in languages):
            raise ConfigError(f"languages must be a non-empty list of 'fi'/'sv', got {languages!r}")
        self.languages = tuple(dict.fromkeys(languages))
        self.expand_abbreviations = expand_abbreviations
        stops, phrases, keep = set(), set(), set()
        for lang in self.languages:
            s, p, k = _stop_data(lang)
            stops |= s
            phrases |= p
            keep |= k
        # abbreviations like "esim.", "bl.a.", "t.ex." are function words: stop words too
        for lang in self.languages:
            stops |= {a for a in _no_split_abbreviations(lang) if len(a) > 1}
            stops |= {a + "." for a in _no_split_abbreviations(lang) if len(a) > 1}
        self._stops = frozenset(stops - keep)
        self._keep = frozenset(keep)
        self._phrases = frozenset(phrases)
        self._max_phrase = max((len(p) for p in phrases), default=0)
        self._abbreviations = [_abbreviations(lang) for lang in self.languages]
        self._identifier, self._placeholder = _identifier_patterns()

    # -- single words -------------------------------------------------------------------
    def _lemma(self, word: str) -> tuple[str, str]:
        best = lookup_lemma(word, self.languages[0])
        for other in self.languages[1:]:
            if _EVIDENCE[best[1]] == 3:
                break
            candidate = lookup_lemma(word, other)
            if _EVIDENCE[candidate[1]] > _EVIDENCE[best[1]]:
                best = candidate
        return best

    def _abbreviation(self, text: str) -> _Abbreviation | None:
        for table in self._abbreviations:
            entry = table.get(text.lower())
            if entry is not None and (not entry.case_sensitive or text.isupper()):
                return entry
        return None

    def _expand(self, text: str) -> str | None:
        """Lemma of an abbreviation, inflected ("ttt:n") or as a compound's first part."""
        base = text.split(":", 1)[0]
        entry = self._abbreviation(base)
        if entry is not None:
            return entry.lemma
        if "-" in base:
            first, rest = base.split("-", 1)
            entry = self._abbreviation(first)
            if entry is not None and rest and rest[0].isalpha():
                return entry.prefix + self._lemma(rest)[0]
        return None

    def _is_identifier(self, token: Token) -> bool:
        return (
            token.like_num
            or token.like_email
            or token.like_url
            or self._identifier.fullmatch(token.text) is not None
        )

    # -- the component ------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        tokens = list(doc)
        n = len(tokens)
        identifier = [False] * n
        for match in self._placeholder.finditer(doc.text):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is not None:
                for i in range(span.start, span.end):
                    identifier[i] = True
        methods: list[str | None] = [None] * n
        for i, token in enumerate(tokens):
            if token.is_space or token.is_punct:
                token.lemma_ = token.text
                continue
            if identifier[i] or self._is_identifier(token):
                identifier[i] = True
                token.lemma_ = token.lower_
                continue
            expanded = self._expand(token.text) if self.expand_abbreviations else None
            if expanded is not None:
                token.lemma_, methods[i] = expanded, "abbreviation"
            else:
                token.lemma_, methods[i] = self._lemma(token.lower_)
        self._coordinations(tokens, methods)
        lemmas = [t.lemma_ for t in tokens]
        lowers = [t.lower_ for t in tokens]
        for i, token in enumerate(tokens):
            if methods[i] is None:  # punctuation, space, identifier
                continue
            lemma, lower = lemmas[i], lowers[i]
            if methods[i] in ("abbreviation", "coordination"):
                lower = lemma  # "TE" is te-palvelu here, not the pronoun "te"
            stop = (lower in self._stops or lemma in self._stops) and not (
                lower in self._keep or lemma in self._keep
            )
            # is_stop lives on the vocabulary entry; the value depends only on the form
            # (its lemma is context-free), so setting it is consistent across documents
            if token.is_stop != stop:
                token.lex.is_stop = stop
        doc._.identifiers = tuple(identifier)
        doc._.stop_phrases = tuple(self._stop_phrases(lemmas, lowers))
        doc._.lemma_methods = tuple(methods)
        return doc

    def _coordinations(self, doc: list[Token], methods: list[str | None]) -> None:
        """'päihde- ja mielenterveyspalvelut': give 'päihde-' the next compound's head."""
        for i, token in enumerate(doc):
            text = token.text
            if not (len(text) > 3 and text.endswith("-") and text[-2].isalpha()):
                continue
            j = i + 1
            while j < len(doc) and doc[j].lower_ in _CONJUNCTIONS:
                j += 1
            if j == i + 1 or j >= len(doc):
                continue
            head = self._shortest_head(doc[j].lemma_)
            if head is not None:
                stem = text[:-1].lower()
                expanded = self._expand(stem)
                token.lemma_ = (expanded if expanded is not None else stem) + head
                methods[i] = "coordination"

    def _shortest_head(self, compound: str) -> str | None:
        settings = lemma_settings(self.languages[0])
        for cut in range(len(compound) - settings.min_head, settings.min_modifier - 1, -1):
            head = compound[cut:]
            lemma, method = lookup_lemma(head, self.languages[0])
            if method == "dictionary" and lemma == head:
                return head
        return None

    def _stop_phrases(self, lemmas: list[str], lowers: list[str]) -> list[bool]:
        n = len(lemmas)
        in_phrase = [False] * n
        for start in range(n):
            for length in range(min(self._max_phrase, n - start), 1, -1):
                end = start + length
                if (
                    tuple(lemmas[start:end]) in self._phrases
                    or tuple(lowers[start:end]) in self._phrases
                ):
                    for i in range(start, end):
                        in_phrase[i] = True
                    break
        return in_phrase


@Language.factory(
    FACTORY_NAME,
    default_config={"languages": ["fi"], "expand_abbreviations": True},
)
def make_socanalysis_lemmatizer(
    nlp: Language, name: str, languages: list[str], expand_abbreviations: bool
) -> SocanalysisLemmatizer:
    """spaCy factory: ``nlp.add_pipe("socanalysis_lemmatizer", config={"languages": [...]})``."""
    return SocanalysisLemmatizer(list(languages), expand_abbreviations)


#: A straight single quote that closes a word: split off as punctuation (see _cached_pipeline).
_CLOSING_QUOTE = r"(?<=\w)'"


@cache
def _cached_pipeline(languages: tuple[str, ...], expand_abbreviations: bool) -> Language:
    import spacy

    nlp = spacy.blank(languages[0])
    # spaCy's Finnish rules keep a closing straight quote on its word ("'helppoa rahaa'" gave
    # the term "rahaa'", which no dictionary knows and which became a theme label); Swedish
    # splits it. A word-internal apostrophe (vaa'an, rei'itys, Bush'n) is no suffix and stays.
    suffixes = [*nlp.Defaults.suffixes, _CLOSING_QUOTE]
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
    nlp.add_pipe(
        FACTORY_NAME,
        config={"languages": list(languages), "expand_abbreviations": expand_abbreviations},
    )
    return nlp


def get_pipeline(
    language: str | tuple[str, ...] | list[str], *, expand_abbreviations: bool = True
) -> Language:
    """Return the cached spaCy pipeline for a language or an ordered tuple of languages.

    Parameters
    ----------
    language : str or sequence of str
        "fi", "sv", or e.g. ("sv", "fi") for Swedish text with Finnish words in it.
    expand_abbreviations : bool
        Whether abbreviations are replaced by what they stand for.

    Returns
    -------
    spacy.language.Language
        A blank pipeline with the ``socanalysis_lemmatizer`` component. Shared: do not add
        components to it.

    Raises
    ------
    ConfigError
        For a language other than "fi" or "sv".

    Examples
    --------
    >>> [t.lemma_ for t in get_pipeline("sv")("Bostäderna är dyra")]
    ['bostad', 'vara', 'dyr']
    """
    languages = (language,) if isinstance(language, str) else tuple(language)
    if not languages or any(lang not in SUPPORTED_LANGUAGES for lang in languages):
        raise ConfigError(
            f"Pipelines exist for 'fi' and 'sv'; got {language!r}. Detect the language first "
            "(socanalysis.nlp.language) or use LemmaAnalyzer(language='auto')."
        )
    return _cached_pipeline(tuple(dict.fromkeys(languages)), bool(expand_abbreviations))
