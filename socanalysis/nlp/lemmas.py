"""Word-level Finnish and Swedish lemmas on top of simplemma, tuned for social reports.

simplemma gives good lemmas for words in its dictionaries and decomposes many Finnish
compounds, but report texts also contain Swedish compounds it does not know
("mentalvårdstjänsterna"), words typed with a/o instead of ä/ö ("paivahoito") and domain forms
it gets wrong. :func:`lookup_lemma` tries, in order:

1. an override from ``data/lemma_<lang>.yaml`` (a word form; ``lemma_map`` there renames a
   lemma found by the steps below);
2. simplemma's dictionary (a verb form it gives a noun's lemma, "maksamatta" -> "maksama", is
   looked up again as another form of the verb: ``form_rewrites``, -> "maksaa"; an action
   noun it gives its verb keeps the noun: ``action_nouns``, "kotoutumista" -> "kotoutuminen";
   an adjective's partitive it gives a verb keeps the adjective: ``adjective_partitives``,
   "edullista" -> "edullinen");
3. for a word without any ä/ö/å: the same word with a/o replaced (``paivahoito`` ->
   ``päivähoito``) if that is a dictionary word (or an override);
4. without a clitic particle (``clitics``: "vuokrakin" -> "vuokra") when the rest is known;
5. a passive after "ei" the dictionary does not know, as the verb whose passive present it
   probes (``passive_negatives``: "jakseta" -> "jaksaa");
6. simplemma's other strategies (rules, clitics, affix decomposition) when they end in a
   dictionary word and did not just cut a compound back to its first part;
7. a compound split into two known words, as typed and then with ä/ö restored: the last part
   is lemmatised and the first kept, so the compound stays the keyword
   ("mielenterveyspalveluihin" -> "mielenterveyspalvelu", never "palvelu");
8. for a word without any ä/ö/å that nothing above knows: simplemma's affix analysis of a
   spelling with ä/ö restored, when it keeps that spelling's beginning and agrees with its
   ending in vowel harmony (``restored_analyses``: "lisaantyneet" -> "lisääntyä");
9. any other simplemma result, then a split whose last part alone is known;
10. the lower-cased word itself.

Look-ups are cached per (word, language).

Examples
--------
>>> lemmatize_word("asunnon", "fi"), lemmatize_word("bostäderna", "sv")
('asunto', 'bostad')
>>> lemmatize_word("mentalvårdstjänsterna", "sv")
'mentalvårdstjänst'
>>> lookup_lemma("paivahoidon", "fi")
('päivähoito', 'diacritics')
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypeVar

from socanalysis.errors import ConfigError

__all__ = [
    "SUPPORTED_LANGUAGES",
    "LemmaSettings",
    "is_known_word",
    "lemma_settings",
    "lemmatize_word",
    "lookup_lemma",
]

SUPPORTED_LANGUAGES: tuple[str, ...] = ("fi", "sv")
_DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class FormRewrite:
    """A verb form whose dictionary lemma is sometimes a noun made from the verb.

    A word ending in ``ending`` whose dictionary lemma is the word with ``noun_ending`` in its
    place (``maksamatta`` -> ``maksama``) is looked up again with each of ``rewrites`` in its
    place (``maksamaan`` -> ``maksaa``); the first lemma that differs from both the noun and
    the rewritten form itself is taken (a form that is its own lemma, such as the participle
    ``tekevä``, is an adjective, not the verb).
    """

    ending: str
    noun_ending: str
    rewrites: tuple[str, ...]


@dataclass(frozen=True)
class ActionNounRule:
    """An action noun that the dictionary gives the lemma of the verb it is made from.

    A word ending in one of ``endings`` ("kotoutuminen", "kotoutumista") whose dictionary
    lemma is a verb (ends in ``verb_ending``: "kotoutua") and also the lemma of the word with
    ``probe`` in place of the ending (the verb's "kotoutumaan") takes the word with
    ``noun_ending`` in place of the ending ("kotoutuminen"), the lemma its other cases already
    get ("kotoutumisen"). A lemma that is the stem with ``participle_ending`` ("ongelma" for
    "ongelmista", whose "ongelmaan" is the noun's illative) is left as it is.
    """

    endings: tuple[str, ...]
    probe: str
    verb_ending: str
    participle_ending: str
    noun_ending: str


@dataclass(frozen=True)
class AdjectivePartitiveRule:
    """An adjective's partitive that the dictionary gives a verb made from the adjective.

    A word of at least ``min_length`` letters that ends in ``ending`` ("taloudellista") but
    in none of ``except_endings``, whose dictionary lemma is the word with ``verb_ending`` in
    place of the ending ("taloudellistaa", whose imperative it also is), takes the word with
    ``adjective_ending`` there ("taloudellinen") when the dictionary knows that as a lemma.
    """

    ending: str
    verb_ending: str
    adjective_ending: str
    except_endings: tuple[str, ...]
    min_length: int


@dataclass(frozen=True)
class PassiveNegativeRule:
    """The passive form after "ei" ("ei jakseta"), for words the dictionary does not know.

    A word ending in ``ending`` after one of the letters ``after`` ("jakseta") whose form with
    ``probe`` in place of the ending ("jaksetaan", the passive present) is a known form of a
    verb (its lemma ends in ``verb_ending``: "jaksaa") takes that verb as its lemma.
    """

    after: tuple[str, ...]
    ending: str
    probe: str
    verb_ending: str


@dataclass(frozen=True)
class RestoredAnalysisRule:
    """simplemma's affix analysis of a spelling with ä/ö restored, for a word nothing else
    knows ("lisaantyneet": "lisääntyneet" -> "lisääntyä").

    The analysis is taken when it is a dictionary word, keeps the spelling's first
    ``min_stem`` letters and all but at most ``max_stem_change`` of its own, and agrees with
    the spelling's ending (what follows their shared beginning) in vowel harmony: a lemma whose
    last harmonic vowel is one of ``front``, or that has none ("tie"), takes no ending with one
    of ``back``, and a lemma whose last is one of ``back`` no ending with one of ``front``
    ("välitun" is not "välit" + "un").
    """

    min_stem: int
    max_stem_change: int
    back: tuple[str, ...]
    front: tuple[str, ...]

    def accepts(self, spelling: str, lemma: str) -> bool:
        """Whether ``lemma``, simplemma's analysis of ``spelling``, passes the rule.

        Examples
        --------
        >>> rule = RestoredAnalysisRule(3, 3, ("a", "o", "u"), ("ä", "ö", "y"))
        >>> rule.accepts("lisääntyneet", "lisääntyä"), rule.accepts("välitun", "välit")
        (True, False)
        """
        shared = 0
        for a, b in zip(spelling, lemma, strict=False):
            if a != b:
                break
            shared += 1
        if shared < self.min_stem or len(lemma) - shared > self.max_stem_change:
            return False
        harmonic = [c for c in lemma if c in self.back or c in self.front]
        clashing = self.back if not harmonic or harmonic[-1] in self.front else self.front
        return not any(c in clashing for c in spelling[shared:])


_Rule = TypeVar(
    "_Rule",
    FormRewrite,
    ActionNounRule,
    AdjectivePartitiveRule,
    PassiveNegativeRule,
    RestoredAnalysisRule,
)


#: the rule lists of ``lemma_<lang>.yaml``: key -> the record each item is read into
_RULE_LISTS: dict[str, type] = {
    "form_rewrites": FormRewrite,
    "action_nouns": ActionNounRule,
    "adjective_partitives": AdjectivePartitiveRule,
    "passive_negatives": PassiveNegativeRule,
    "restored_analyses": RestoredAnalysisRule,
}


@dataclass(frozen=True)
class LemmaSettings:
    """Lemmatiser settings of one language, read from ``data/lemma_<lang>.yaml``."""

    language: str
    overrides: dict[str, str]
    lemma_map: dict[str, str]
    form_rewrites: tuple[FormRewrite, ...]
    action_nouns: tuple[ActionNounRule, ...]
    adjective_partitives: tuple[AdjectivePartitiveRule, ...]
    passive_negatives: tuple[PassiveNegativeRule, ...]
    restored_analyses: tuple[RestoredAnalysisRule, ...]
    clitics: tuple[str, ...]
    diacritics: dict[str, tuple[str, ...]]
    max_diacritic_variants: int
    min_modifier: int
    min_head: int
    min_unsure_head: int
    linking: tuple[str, ...]


def _check_language(language: str) -> str:
    if language not in SUPPORTED_LANGUAGES:
        raise ConfigError(
            f"Lemmas are available for {', '.join(SUPPORTED_LANGUAGES)}; got language="
            f"{language!r}. Use 'fi' or 'sv' (or 'auto' in LemmaAnalyzer)."
        )
    return language


def _read_yaml(name: str) -> Any:
    import yaml

    from socanalysis._yaml import safe_load_yaml

    path = _DATA / name
    try:
        with open(path, encoding="utf-8") as fh:
            return safe_load_yaml(fh) or {}
    except (OSError, yaml.YAMLError) as exc:  # a broken install or an edited data file
        raise ConfigError(f"Cannot read the data file {path}: {exc}") from exc


@lru_cache(maxsize=1)
def _identifier_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Identifiers (numbers, dates, e-mails, ...) and privacy placeholders, as regexes.

    Kept here, with no spaCy import, for the embedding texts' placeholder removal.
    """
    raw = _read_yaml("lemma_common.yaml")
    patterns = [str(p) for p in raw.get("identifier_patterns") or []]
    placeholder = str(raw.get("placeholder_pattern", r"\[[A-ZÅÄÖ_]+\]"))
    try:
        return (
            re.compile("(?:" + "|".join(patterns) + ")", re.IGNORECASE),
            re.compile(placeholder),
        )
    except re.error as exc:
        raise ConfigError(f"lemma_common.yaml: invalid regular expression: {exc}") from exc


@cache
def lemma_settings(language: str) -> LemmaSettings:
    """Return the lemmatiser settings of ``language`` ("fi" or "sv").

    Examples
    --------
    >>> lemma_settings("fi").diacritics["a"]
    ('ä',)
    """
    language = _check_language(language)
    raw = _read_yaml(f"lemma_{language}.yaml")
    compound = raw.get("compound") or {}
    return LemmaSettings(
        language=language,
        overrides={str(k).lower(): str(v) for k, v in (raw.get("overrides") or {}).items()},
        lemma_map={str(k).lower(): str(v) for k, v in (raw.get("lemma_map") or {}).items()},
        **{
            key: _rules(raw.get(key) or [], language, key, rule_type)
            for key, rule_type in _RULE_LISTS.items()
        },
        clitics=_clitics(raw.get("clitics") or [], language),
        diacritics={
            str(k): tuple(str(x) for x in v) for k, v in (raw.get("diacritics") or {}).items()
        },
        max_diacritic_variants=int(raw.get("max_diacritic_variants", 256)),
        min_modifier=int(compound.get("min_modifier", 3)),
        min_head=int(compound.get("min_head", 4)),
        min_unsure_head=int(compound.get("min_unsure_head", 6)),
        linking=tuple(str(x) for x in compound.get("linking") or ()),
    )


def _clitics(raw: Any, language: str) -> tuple[str, ...]:
    """The ``clitics`` list of ``lemma_<language>.yaml``, checked, longest first (so "kaan"
    is tried before a shorter clitic it ends in)."""
    if not isinstance(raw, list) or not all(isinstance(c, str) and c for c in raw):
        raise ConfigError(
            f"lemma_{language}.yaml: clitics must be a list of non-empty texts "
            f"(e.g. [kin, kaan]); got {raw!r}"
        )
    return tuple(sorted((c.lower() for c in raw), key=len, reverse=True))


_FIELD_KINDS = {"str": "text", "tuple[str, ...]": "a list of texts", "int": "a whole number"}


def _rules(raw: Any, language: str, key: str, rule_type: type[_Rule]) -> tuple[_Rule, ...]:
    """The ``key`` list of ``lemma_<language>.yaml``, checked, as ``rule_type`` records: each
    item a mapping with exactly the record's fields, texts non-empty and lower-cased."""
    kinds = {f.name: str(f.type) for f in dataclasses.fields(rule_type)}

    def value_ok(value: Any, kind: str) -> bool:
        if kind == "int":
            return isinstance(value, int) and not isinstance(value, bool) and value >= 0
        if kind == "str":
            return isinstance(value, str) and bool(value)
        return isinstance(value, list) and all(isinstance(v, str) and v for v in value)

    def item_ok(item: Any) -> bool:
        return (
            isinstance(item, dict)
            and set(item) == set(kinds)
            and all(value_ok(item[name], kind) for name, kind in kinds.items())
        )

    if not isinstance(raw, list) or not all(item_ok(item) for item in raw):
        described = [f"{name} ({_FIELD_KINDS[kind]})" for name, kind in kinds.items()]
        raise ConfigError(
            f"lemma_{language}.yaml: {key} must be a list of mappings with the keys "
            f"{', '.join(described[:-1])} and {described[-1]}; got {raw!r}"
        )

    def converted(value: Any) -> Any:
        if isinstance(value, str):
            return value.lower()
        return value if isinstance(value, int) else tuple(v.lower() for v in value)

    return tuple(rule_type(**{name: converted(item[name]) for name in kinds}) for item in raw)


@lru_cache(maxsize=1)
def _simplemma() -> tuple[Any, Any]:
    """simplemma's dictionary look-up and its full default strategy, both on the process-wide
    dictionary store (memory-mapped tries shared with privacy masking and the keyword
    matcher; see :mod:`socanalysis.nlp.dictionaries`)."""
    from socanalysis.nlp.dictionaries import dictionary_lookup, lemmatization_strategy

    return dictionary_lookup(), lemmatization_strategy()


def _dictionary_lemma(word: str, language: str) -> str | None:
    if not word:
        return None
    return _simplemma()[0].get_lemma(word, language)


def is_known_word(word: str, language: str) -> bool:
    """Whether ``word`` (any case) is a form in simplemma's dictionary of ``language``.

    Examples
    --------
    >>> is_known_word("asunnon", "fi"), is_known_word("asunnon", "sv")
    (True, False)
    """
    return _dictionary_lemma(word.lower(), _check_language(language)) is not None


def _diacritic_variants(word: str, settings: LemmaSettings) -> list[str]:
    """Spellings of ``word`` with typed a/o restored to ä/ö (å), fewest changes first.

    Only for words without any of the restored letters: someone who types ä as a types no ä at
    all. Ordered by number of changes, then alphabetically, so the choice is deterministic.
    """
    restored = {c for options in settings.diacritics.values() for c in options}
    if any(c in restored for c in word):
        return []
    positions = [i for i, c in enumerate(word) if c in settings.diacritics]
    if not positions:
        return []
    choices = [(word[i], *settings.diacritics[word[i]]) for i in positions]
    total = 1
    for options in choices:
        total *= len(options)
    if total - 1 > settings.max_diacritic_variants:
        return []
    variants = []
    for combo in itertools.product(*choices):
        changes = sum(1 for c, i in zip(combo, positions, strict=True) if c != word[i])
        if changes == 0:
            continue
        chars = list(word)
        for c, i in zip(combo, positions, strict=True):
            chars[i] = c
        variants.append((changes, "".join(chars)))
    variants.sort()
    return [v for _, v in variants]


def _override_or_dictionary(word: str, settings: LemmaSettings) -> str | None:
    """An override of ``word``, else its dictionary lemma (lower case), else None."""
    if word in settings.overrides:
        return settings.overrides[word]
    found = _dictionary_lemma(word, settings.language)
    return None if found is None else found.lower()


@cache
def _folding(language: str) -> dict[int, str]:
    """Translation table from the restored letters back to the typed ones (ä -> a, ö -> o)."""
    diacritics = lemma_settings(language).diacritics
    return str.maketrans({r: t for t, restored in diacritics.items() for r in restored})


def _rewritten_form_lemma(word: str, found: str, settings: LemmaSettings) -> str | None:
    """The verb's lemma of a verb form whose dictionary lemma ``found`` is a noun made from
    the verb (``form_rewrites``: "maksamatta" -> "maksama", rather "maksaa"), else None.

    The noun is recognised with ä/ö folded to a/o, so a form typed without them
    ("tekematta", lemma "tekemä") is caught too; each rewritten form is looked up as typed,
    then with ä/ö restored.
    """
    for rule in settings.form_rewrites:
        if not word.endswith(rule.ending):  # checked first: this runs for every known word
            continue
        fold = _folding(settings.language)
        stem = word[: -len(rule.ending)]
        if found.translate(fold) != (stem + rule.noun_ending).translate(fold):
            continue
        for rewrite in rule.rewrites:
            rewritten = stem + rewrite
            folded = rewritten.translate(fold)
            # the dictionary also lists some forms typed without ä/ö ("tekemaan" -> "tekemä"),
            # so the restored spellings are tried after a known form that gave no verb
            for candidate in (rewritten, *_diacritic_variants(folded, settings)):
                lemma = _override_or_dictionary(candidate, settings)
                if lemma is not None and lemma != found and lemma.translate(fold) != folded:
                    return lemma
    return None


def _action_noun_lemma(word: str, found: str, settings: LemmaSettings) -> str | None:
    """The action noun itself for an action noun whose dictionary lemma ``found`` is its verb
    (``action_nouns``: "kotoutuminen" -> "kotoutua", rather "kotoutuminen"), else None."""
    for rule in settings.action_nouns:
        ending = next((e for e in rule.endings if word.endswith(e)), None)
        if ending is None:  # checked first: this runs for every known word
            continue
        stem = word[: -len(ending)]
        if (
            found.endswith(rule.verb_ending)
            and found != stem + rule.participle_ending
            and found != stem + rule.noun_ending
            and _override_or_dictionary(stem + rule.probe, settings) == found
        ):
            return stem + rule.noun_ending
    return None


def _adjective_lemma(word: str, found: str, settings: LemmaSettings) -> str | None:
    """The adjective for an adjective's partitive whose dictionary lemma ``found`` is a verb
    made from it (``adjective_partitives``: "edullista" -> "edullistaa", rather
    "edullinen"), else None."""
    for rule in settings.adjective_partitives:
        if (
            not word.endswith(rule.ending)  # checked first: this runs for every known word
            or len(word) < rule.min_length
            or word.endswith(rule.except_endings)
        ):
            continue
        stem = word[: -len(rule.ending)]
        adjective = stem + rule.adjective_ending
        if found == stem + rule.verb_ending and (
            _override_or_dictionary(adjective, settings) == adjective
        ):
            return adjective
    return None


def _passive_negative_lemma(word: str, settings: LemmaSettings) -> str | None:
    """The verb of a passive form after "ei" that the dictionary does not know
    (``passive_negatives``: "jakseta" -> "jaksaa"), else None."""
    for rule in settings.passive_negatives:
        if not word.endswith(rule.ending) or len(word) <= len(rule.ending):
            continue
        stem = word[: -len(rule.ending)]
        if stem[-1] not in rule.after:
            continue
        probe = stem + rule.probe
        fold = _folding(settings.language)
        for candidate in (probe, *_diacritic_variants(probe, settings)):
            lemma = _known_lemma(candidate, settings)
            if lemma is not None:
                # folded: a word typed without ä ("siirreta") has a verb in -ä ("siirtää")
                verb = lemma.translate(fold).endswith(rule.verb_ending.translate(fold))
                return lemma if verb else None
    return None


def _restored_analysis(variants: list[str], settings: LemmaSettings) -> str | None:
    """simplemma's affix analysis of the first of ``variants`` (spellings with ä/ö restored,
    fewest changes first) that a ``restored_analyses`` rule accepts, else None."""
    if not settings.restored_analyses:
        return None
    for variant in variants:
        analysed = _affix_analysis(variant, settings.language)
        if analysed is None or not _is_trusted_analysis(variant, analysed, settings):
            continue
        if any(rule.accepts(variant, analysed) for rule in settings.restored_analyses):
            return analysed
    return None


def _affix_analysis(word: str, language: str) -> str | None:
    """simplemma's full strategy (rules, affix decomposition) for ``word``, lower case; None
    when it finds nothing but the word itself."""
    analysed = _simplemma()[1].get_lemma(word, language)
    return None if analysed is None or analysed.lower() == word else analysed.lower()


def _is_trusted_analysis(word: str, analysed: str, settings: LemmaSettings) -> bool:
    """Whether simplemma's ``analysed`` lemma of ``word`` ends in a dictionary word and did
    not just cut the compound ``word`` back to its first part."""
    return _dictionary_lemma(analysed, settings.language) is not None and not _is_truncation(
        word, analysed, settings
    )


def _form_lemma(word: str, found: str, settings: LemmaSettings) -> str:
    """The lemma of a dictionary word whose dictionary lemma is ``found`` (lower case), after
    ``form_rewrites``, ``action_nouns`` and ``adjective_partitives``."""
    return (
        _rewritten_form_lemma(word, found, settings)
        or _action_noun_lemma(word, found, settings)
        or _adjective_lemma(word, found, settings)
        or found
    )


def _clitic_lemma(word: str, language: str, settings: LemmaSettings) -> str | None:
    """Lemma of ``word`` without a clitic particle (``clitics``: "vuokrakin" -> "vuokra"),
    when what is left is a word the dictionary knows, as typed or with ä/ö restored, or a
    compound of two known words; else None.

    Without this step the compound split reads the clitic as part of a last word
    ("vanhanakin" -> "vanhana" + "nakki", "kertaakaan" -> "kertaakaa").
    """
    for clitic in settings.clitics:
        rest = word[: -len(clitic)]
        if not word.endswith(clitic) or len(rest) < settings.min_head:
            continue
        lemma, method = _lookup(rest, language, settings)
        if method in ("dictionary", "override", "diacritics") or (
            method == "compound" and max(_compound_splits(rest, settings, 0)).modifier_known
        ):
            return lemma  # lookup_lemma applies lemma_map, as to any step's lemma
    return None


def _known_lemma(word: str, settings: LemmaSettings) -> str | None:
    """Lemma of a known word (a compound's last part, a word with ä/ö restored): an override,
    else a dictionary form."""
    if word in settings.overrides:
        return settings.overrides[word]
    found = _dictionary_lemma(word, settings.language)
    if found is None:
        return None
    found = _form_lemma(word, found.lower(), settings)
    return settings.lemma_map.get(found, found)


def _is_word_stem(part: str, settings: LemmaSettings) -> bool:
    """Whether ``part`` can be a compound's first part: a known word form, optionally followed
    by a hyphen or a linking letter of the language (Swedish "mentalvård-s-tjänst")."""
    stripped = part.rstrip("-")
    if _dictionary_lemma(stripped, settings.language) is not None:
        return True
    return any(
        stripped.endswith(link) and _dictionary_lemma(stripped[: -len(link)], settings.language)
        for link in settings.linking
    )


def _is_truncation(word: str, lemma: str, settings: LemmaSettings) -> bool:
    """Whether ``lemma`` is only the first part of compound ``word``: simplemma's affix rules
    sometimes return "toimeentulo" for "toimeentulotuesta" or "omaishoito" for
    "omaishoidontuen" (the first part's lemma, with a known word left over)."""
    for cut in range(settings.min_modifier, len(word) - settings.min_head + 1):
        first = _dictionary_lemma(word[:cut], settings.language)
        if (
            first is not None
            and first.lower() == lemma
            and _known_lemma(word[cut:], settings) is not None
        ):
            return True
    return False


@dataclass(frozen=True, order=True)
class _Split:
    """One way to read a token as modifier + known head; compared by preference."""

    modifier_known: bool  # both parts are real words: the strongest evidence
    head_length: int  # a longer known head is less likely an accident ("ären" in "ledaren")
    fewer_changes: int  # minus the number of a/o restored to ä/ö/å
    lemma: str = ""


def _compound_splits(word: str, settings: LemmaSettings, changes: int) -> list[_Split]:
    """All readings of ``word`` as modifier + known head; the head is lemmatised, the
    modifier kept as written, so the compound (not its head) is the lemma."""
    splits = []
    for cut in range(settings.min_modifier, len(word) - settings.min_head + 1):
        head = word[cut:]
        if not head[0].isalpha():
            continue
        head_lemma = _known_lemma(head, settings)
        if head_lemma is None:
            continue
        modifier = word[:cut]
        splits.append(
            _Split(_is_word_stem(modifier, settings), len(head), -changes, modifier + head_lemma)
        )
    return splits


@lru_cache(maxsize=200_000)
def lookup_lemma(word: str, language: str) -> tuple[str, str]:
    """Return ``(lemma, method)`` for one word.

    Parameters
    ----------
    word : str
        One token; case is ignored (lemmas are lower case).
    language : {"fi", "sv"}
        The word's language.

    Returns
    -------
    lemma : str
        Lower-case lemma; the lower-cased word itself when nothing matched.
    method : str
        How it was found: "override", "dictionary", "diacritics", "clitic", "passive",
        "simplemma", "compound", "restored" or "unknown". Useful to inspect coverage.

    Raises
    ------
    ConfigError
        For a language other than "fi" or "sv".

    Examples
    --------
    >>> lookup_lemma("toimeentulotuen", "fi")
    ('toimeentulotuki', 'dictionary')
    >>> lookup_lemma("närståendevårdarna", "sv")
    ('närståendevårdare', 'compound')
    """
    settings = lemma_settings(_check_language(language))
    lemma, method = _lookup(word, language, settings)
    if method == "simplemma":
        lemma = _mapped_head(word.lower(), lemma, settings)
    if method != "override":
        # a lemma the dictionary gives that reports (almost) never mean: "paatos" (pathos)
        # is päätös typed without dots, "tulkka" is no word at all
        lemma = settings.lemma_map.get(lemma, lemma)
    return lemma, method


def _mapped_head(word: str, lemma: str, settings: LemmaSettings) -> str:
    """``lemma`` with ``lemma_map`` applied to its last part, when simplemma's affix rules
    built it as the word's beginning + the dictionary lemma of the word's end
    ("sijaishuoltopaikkojen" -> "sijaishuolto" + "paikko", the dictionary's lemma of
    "paikkojen"; the map makes it "paikka"); else ``lemma`` as it is."""
    if lemma in settings.lemma_map:
        return lemma
    # the lemma's end names the map entry, and with it the one place the word could be cut
    for old, new in settings.lemma_map.items():
        cut = len(lemma) - len(old)
        if (
            lemma.endswith(old)
            and settings.min_modifier <= cut <= len(word) - settings.min_head
            and word[:cut] == lemma[:cut]
            and (_dictionary_lemma(word[cut:], settings.language) or "").lower() == old
        ):
            return lemma[:cut] + new
    return lemma


def _lookup(word: str, language: str, settings: LemmaSettings) -> tuple[str, str]:
    """:func:`lookup_lemma` before ``lemma_map`` (not cached)."""
    word = word.lower()
    if not word:
        return word, "unknown"
    if word in settings.overrides:
        return settings.overrides[word], "override"
    found = _dictionary_lemma(word, language)
    if found is not None:
        return _form_lemma(word, found.lower(), settings), "dictionary"
    if word.isnumeric() or not any(c.isalpha() for c in word):
        return word, "unknown"
    variants = _diacritic_variants(word, settings)
    # Evidence, strongest first: a dictionary word after restoring ä/ö, simplemma's own
    # analysis when it ends in a dictionary word (and is not just the first part of a
    # compound), a split into two known words (as typed, then restored), any simplemma
    # analysis, a split with a known last part only. A whole word found with ä/ö restored
    # beats simplemma's affix rules, which cut a typed "jattavat" (jättävät) to "ja" and
    # "kasittely" (käsittely) to "kasi"; on the UD word types without ä/ö/å, which need no
    # restoring, the order changes no lemma (docs/text_processing.md).
    for variant in variants:
        found = _known_lemma(variant, settings)
        if found is not None:
            return found, "diacritics"
    found = _clitic_lemma(word, language, settings)
    if found is not None:
        return found, "clitic"
    found = _passive_negative_lemma(word, settings)
    if found is not None:
        return found, "passive"
    analysed = _affix_analysis(word, language)
    if analysed is not None and _is_trusted_analysis(word, analysed, settings):
        return analysed, "simplemma"
    splits = _compound_splits(word, settings, 0)
    best = max(splits, default=None)
    if best is not None and best.modifier_known:
        return best.lemma, "compound"
    variant_splits = [
        split
        for variant in variants
        for split in _compound_splits(
            variant, settings, sum(1 for a, b in zip(word, variant, strict=True) if a != b)
        )
        if split.modifier_known
    ]
    if variant_splits:
        return max(variant_splits).lemma, "diacritics"
    found = _restored_analysis(variants, settings)
    if found is not None:
        return found, "restored"
    if analysed is not None:
        return analysed, "simplemma"
    if best is not None and best.head_length >= settings.min_unsure_head:
        return best.lemma, "compound"
    return word, "unknown"


def lemmatize_word(word: str, language: str) -> str:
    """Return the lower-case lemma of one word; see :func:`lookup_lemma`.

    Examples
    --------
    >>> [lemmatize_word(w, "fi") for w in ("asunto", "asunnon", "asuntoa")]
    ['asunto', 'asunto', 'asunto']
    >>> [lemmatize_word(w, "sv") for w in ("bostad", "bostaden", "bostäder")]
    ['bostad', 'bostad', 'bostad']
    """
    return lookup_lemma(word, language)[0]
