"""Personal-name detector: lists, context cues and a dictionary heuristic.

A word is taken as a name when

* it is a first name or surname from ``data/privacy_names.yaml`` (also inflected: *Matille*,
  *Virtaselta*, *Eriks*), capitalised inside a sentence, or at the start of one when the name is
  not also an everyday word of the report's language (*Anna*, *Hans*, *Kivi* are; they need more
  evidence, such as a reporting verb after them: *Anna kertoi*);
* it follows a context cue (*asiakas Matti*, *äiti Anna*, *herr Lindholm*, even *klienten elvira*);
* it is capitalised inside a sentence and the lemmatiser's dictionary (simplemma) knows it as a
  proper noun (its lemma stays capitalised), or does not know it at all (*Abdirahman*), or it
  has a surname ending (*-nen*, *-sson*, *-ström*); unknown compounds ending in an ordinary word
  (*Aikuissosiaalityöhön*) and ordinary words with a clitic (*Opiskeleeko*) are not names;
* it is capitalised next to a name found above (*Anna Virtanen*, *Matti Salo*) or in a list of
  names (*Pekka, Sirpa ja Iiris*).

Words on the stop list (institutions such as Kela, FPA, TE, Ohjaamo, HUS, Varha; organisations,
eponyms such as Alzheimer; months, weekdays, holidays, regions, municipalities, districts) are
never names on their own. Adjacent name words are merged into one span ("Matti Virtanen" is one
name).

Ordinary words are kept out: a word that is an ordinary word typed without ä/ö/å (in a text
typed without them: "eivat", "Han") or, lower case after a cue, with one typing slip
("joutuui"); lower-case words after a plural or inflected cue ("asiakkaat eivat"); in a report
in another language, anything that only the Finnish or Swedish dictionary would call a name
("Syria", "Arabic"); case forms of ordinary -s words ("Perhekeskuksessa").

Examples
--------
>>> [s.text for s in find_names("Tapasin asiakas Matti Virtasen ja hänen äitinsä Kelassa.")]
['Matti Virtasen']
>>> [s.text for s in find_names("Klienten Ahmed bor i Vasa med sin mamma Olena.", "sv")]
['Ahmed', 'Olena']
>>> find_names("Moni asiakas elaa yksin, aiti kertoi.")  # elää typed without ä
[]
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from socanalysis.nlp.privacy_data import PiiSpan, name_lists, patterns, stop_words

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_VOWELS = set("aeiouyäöå")
_BULLETS = set("•*–—·▪►-")
_QUOTES = "\"'«»”“‘’([{"
_SPACE_QUOTES = frozenset(" \t\u00a0" + _QUOTES)
_ABBREVIATION_END = re.compile(r"(?:^|[\s(])([^\W\d_]+)\.$")
_DOTTED = set("äöåÄÖÅ")
_SENTENCE_END = re.compile(r"[.!?\n]+")
_PART_BREAK = re.compile(r"['’\-]")  # between the parts of "Anna-Liisa", "O'Brien"


@dataclass(frozen=True)
class _Lexicon:
    first: frozenset[str]
    surnames: frozenset[str]
    ambiguous: dict[str, frozenset[str]]  # per report language
    cues: frozenset[str]
    cues_after: frozenset[str]
    institutions: frozenset[str]
    places: frozenset[str]  # municipalities, regions, months, weekdays, holidays, eponyms
    eponyms: frozenset[str]  # Alzheimer, Asperger: a diagnosis, or a surname after a first name
    name_stems: dict[str, str]
    stop_stems: dict[str, str]
    endings: frozenset[str]
    name_endings_sv: tuple[str, ...]  # what a Swedish name takes: "" and the genitive "s"
    abbreviations: frozenset[str]
    scores: dict[str, float]
    min_length: int
    street_suffixes: tuple[str, ...]
    surname_shape: re.Pattern[str]
    case_surname_shape: re.Pattern[str]
    joiners: frozenset[str]
    surname_heads: frozenset[str]
    clitics: tuple[str, ...]
    compound_min_length: int
    compound_short_tail: dict[str, int]  # per dictionary language
    compound_min_first_part: dict[str, int]
    compound_combining_forms: tuple[tuple[str, str], ...]
    joiner_words: frozenset[str]
    restore: dict[str, tuple[str, ...]]  # a -> (ä, å), o -> (ö): letters typed without dots
    max_variants: int
    alphabet: str
    slip_min_length: int
    restore_min_length_capitalised: int
    stop_typo_min_length: int


def _stems(word: str, gradation: dict[str, str]) -> set[str]:
    """Stems to which a Finnish case ending can attach (Virtanen -> virtase, virtas)."""
    stems = {word}
    if word.endswith("nen"):
        stems |= {word[:-3] + "se", word[:-3] + "s"}
    if word[-1:] not in _VOWELS:
        stems.add(word + "i")  # Ahmed -> Ahmedille, Erik -> Erikin
    if word.endswith("e") and word[-2:-1] not in _VOWELS:
        stems.add(word + "e")  # Lauste -> Laustee|lle, as perhe -> perhee|lle
    bases = [word]
    if word.endswith("i"):
        bases.append(word[:-1] + "e")  # Lahti -> Lahde|ssa, Niemi -> Nieme|n
    for base in bases:
        stems.add(base)
        if base[-1:] in _VOWELS:
            for strong, weak in gradation.items():
                if base[:-1].endswith(strong):
                    stems.add(base[: -1 - len(strong)] + weak + base[-1])
    return stems


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    lists = name_lists()
    stops = stop_words()
    cfg = patterns()["names"]
    gradation = {str(k): str(v) for k, v in cfg["gradation"].items()}
    first = lists["first_names_fi"] | lists["first_names_sv"] | lists["first_names_other"]
    surnames = lists["surnames_fi"] | lists["surnames_sv"]
    # institutions and organisations are never part of a name; places, eponyms and the like
    # can be a surname right after a first name ("Matti Salo")
    institutions = stops["institutions"] | stops.get("organisations", frozenset())
    places = frozenset().union(
        *(words for key, words in stops.items() if key not in ("institutions", "organisations"))
    )
    name_stems: dict[str, str] = {}
    # sorted so that a stem shared by two names always maps to the same one
    for word in sorted(first | surnames):
        for stem in _stems(word, gradation):
            name_stems.setdefault(stem, word)
    stop_stems: dict[str, str] = {}
    for word in sorted(institutions | places):
        for stem in _stems(word, gradation):
            stop_stems.setdefault(stem, word)
    address = patterns()["address"]
    all_suffixes = address["street_suffixes_fi"] + address["street_suffixes_sv"]
    suffixes = tuple(sorted({s.casefold() for s in all_suffixes}))
    return _Lexicon(
        first=first,
        surnames=surnames,
        ambiguous={"fi": lists["ambiguous_fi"], "sv": lists["ambiguous_sv"]},
        # every cue list of the data file (cues_fi, cues_sv, cues_en, ...): a county may add one
        cues=frozenset().union(
            *(
                words
                for key, words in lists.items()
                if key.startswith("cues_") and not key.startswith("cues_after_")
            )
        ),
        cues_after=lists["cues_after_fi"] | lists["cues_after_sv"],
        institutions=institutions,
        eponyms=stops.get("eponyms", frozenset()),
        places=places,
        name_stems=name_stems,
        stop_stems=stop_stems,
        endings=frozenset(str(e) for e in cfg["inflection_endings"]),
        name_endings_sv=tuple(str(e) for e in cfg["name_endings_sv"]),
        abbreviations=frozenset(str(a).casefold() for a in cfg["abbreviations"]),
        scores={str(k): float(v) for k, v in cfg["scores"].items()},
        min_length=int(cfg["min_length"]),
        street_suffixes=suffixes,
        joiners=frozenset(str(j) for j in cfg["joiners"]),
        surname_heads=frozenset(str(h).casefold() for h in cfg["surname_heads"]),
        clitics=tuple(str(c) for c in cfg["clitics"]),
        compound_min_length=int(cfg["compound_min_length"]),
        compound_short_tail={str(k): int(v) for k, v in cfg["compound_short_tail"].items()},
        compound_min_first_part={str(k): int(v) for k, v in cfg["compound_min_first_part"].items()},
        compound_combining_forms=tuple(
            (str(k), str(v)) for k, v in cfg["compound_combining_forms"].items()
        ),
        joiner_words=frozenset(str(j).casefold() for j in cfg["joiner_words"]),
        restore={
            str(k): tuple(str(x) for x in v) for k, v in cfg["misspelling"]["restore"].items()
        },
        max_variants=int(cfg["misspelling"]["max_variants"]),
        alphabet=str(cfg["misspelling"]["alphabet"]),
        slip_min_length=int(cfg["misspelling"]["slip_min_length"]),
        restore_min_length_capitalised=int(cfg["misspelling"]["restore_min_length_capitalised"]),
        stop_typo_min_length=int(cfg["stop_typo_min_length"]),
        surname_shape=re.compile(
            "(?:" + "|".join(re.escape(str(s)) for s in cfg["surname_endings"]) + ")$"
        ),
        case_surname_shape=re.compile(
            "(?:" + "|".join(re.escape(str(s)) for s in cfg["surname_case_endings"]) + ")$"
        ),
    )


def _languages(language: str) -> tuple[str, ...]:
    return (language,) if language in ("fi", "sv") else ("fi", "sv")


@dataclass
class _Token:
    start: int
    end: int
    text: str
    cf: str
    initial: bool
    capitalised: bool
    name: str | None = None  # base form in the name lists
    stop: str | None = None  # "institution", "eponym" or "place"
    cue: bool = False
    known: bool = True  # the report language's dictionary has the word (any case)
    proper: bool = False  # a dictionary knows it as a proper noun (its lemma is capitalised)
    proper_here: bool = False  # ... the report language's dictionary does
    surname_shape: bool = False  # looks like a surname: Koskinen, Virtaselle, Lindström
    score: float = 0.0  # > 0 once taken as a name


def _lemmas(token: str, langs: tuple[str, ...]) -> set[str]:
    from socanalysis.nlp import dictionaries

    out = set()
    for lang in langs:
        out.add(dictionaries.lemmatize(token, lang=lang).casefold())
    return out


def _common_compound(lower: str, langs: tuple[str, ...], lex: _Lexicon) -> str | None:
    """Whether an unknown word is a compound ending in an ordinary word.

    Finnish writes service and unit names as long compounds the dictionary lacks
    ("Aikuissosiaalityöhön", "Mielenterveysseuran"); capitalised inside a sentence they would
    look like names. Surnames are compounds too ("Hirvikoski", "Lindström"), so a compound
    whose last part is a usual surname element (koski, niemi, ström) does not count.
    An ordinary word at the end of a name in no list is often there by chance ("Hombalalle" =
    homb + alalle, "Rautalassa" = raut + alassa, "Kaupilalla" = kau + pilalla), so the first
    part must be a word too ("toimi|alalle", "tutkimus|alalla", "ala-|asteelle"), or, for a
    last part longer than ``compound_short_tail`` letters in its base form, at least
    ``compound_min_first_part`` letters long: first parts that only occur in compounds
    ("sosiaali|päivystykseen", "omaishoitaj|uudesta") are longer than the stem of a name.
    Both numbers are per language: Swedish compounds often start with a proper noun
    ("Kyotoprotokollet", "Indusdalen"), so there any first part counts, as before.
    Returns the language whose dictionary explains the word, or None.
    """
    from socanalysis.nlp import dictionaries

    for cut in range(3, len(lower) - 4):
        tail = lower[cut:]
        for lang in langs:
            if not dictionaries.is_known(tail, lang=lang):
                continue
            lemma = dictionaries.lemmatize(tail, lang=lang)
            if not lemma[:1].islower() or lemma in lex.surname_heads:
                continue
            head = lower[:cut]
            long_enough = (
                len(lemma) > lex.compound_short_tail[lang]
                and len(head.rstrip("-")) >= lex.compound_min_first_part[lang]
            )
            if long_enough or _first_part_is_a_word(head, lang, lex):
                return lang
    return None


def _first_part_is_a_word(head: str, lang: str, lex: _Lexicon) -> bool:
    """Whether the first part of a compound is a word: as it stands ("toimi", "kaupungin"),
    without a joining hyphen ("ala-"), a stop-list word ("Sote|keskus", "Kela|korvaus"), typed
    without ä/ö ("paiva|rytmi"), or in the combining form of a -nen word ("aikuis" from
    aikuinen, ``compound_combining_forms`` in the data)."""
    from socanalysis.nlp import dictionaries

    head = head.rstrip("-")
    if head in lex.institutions or head in lex.places:
        return True
    if len(head) >= 2 and any(
        dictionaries.is_known(spelling, lang=lang) for spelling in (head, *_restorations(head, lex))
    ):
        return True
    return any(
        head.endswith(form) and dictionaries.is_known(head[: -len(form)] + base, lang=lang)
        for form, base in lex.compound_combining_forms
    )


def _dictionary(word: str, langs: tuple[str, ...]) -> tuple[bool, bool, bool]:
    """(known, proper, proper_here) from the lemmatiser's dictionaries.

    simplemma keeps proper nouns' lemmas capitalised (Matille -> Matti, Turussa -> Turku) and
    lower-cases common words (Asunnon -> asunto), which tells a name from an ordinary word
    better than a plain "is it in the dictionary" test. A word whose lower-case form is an
    ordinary word of the report language ("Dom", "Jos", "Mannen") is never taken as proper.
    ``proper_here`` asks the report language only (used at the start of a sentence).
    """
    from socanalysis.nlp import dictionaries

    known = any(dictionaries.is_known(word, lang=lang) for lang in langs)
    lower = word.lower()
    common = any(
        dictionaries.is_known(lower, lang=lang)
        and dictionaries.lemmatize(lower, lang=lang)[:1].islower()
        for lang in langs
    )
    if common:
        return known, False, False
    proper_in = {
        lang
        for lang in ("fi", "sv")
        if dictionaries.is_known(word, lang=lang)
        and dictionaries.lemmatize(word, lang=lang)[:1].isupper()
    }
    return known, bool(proper_in), bool(proper_in & set(langs))


def _restorations(cf: str, lex: _Lexicon) -> list[str]:
    """Spellings of ``cf`` with a/o restored to ä/å/ö, for words typed without any of them."""
    restored = {c for options in lex.restore.values() for c in options}
    if any(c in restored for c in cf):
        return []
    positions = [i for i, c in enumerate(cf) if c in lex.restore]
    choices = [(cf[i], *lex.restore[cf[i]]) for i in positions]
    total = 1
    for options in choices:
        total *= len(options)
    if not positions or total - 1 > lex.max_variants:
        return []
    variants = set()
    for combo in itertools.product(*choices):
        chars = list(cf)
        for c, i in zip(combo, positions, strict=True):
            chars[i] = c
        variants.add("".join(chars))
    variants.discard(cf)
    return sorted(variants)


def _typing_slips(cf: str, alphabet: str, dropped: bool = True) -> list[str]:
    """Words that ``cf`` could be a quick-typing slip of, sorted.

    Only the slips of fast typing: a letter dropped ("jotui" <- joutui; left out with
    ``dropped=False``), a letter doubled ("assunnottomuus" <- asunnottomuus), two neighbours
    swapped ("tieod" <- tieto). Changed letters are left out: a name is often one changed
    letter away from an ordinary word or an institution ("Farhan" / "Varhan"). The first
    letter is kept as typed.
    """
    out = set()
    if dropped:
        out |= {cf[:i] + c + cf[i:] for i in range(1, len(cf) + 1) for c in alphabet}
    out |= {cf[:i] + cf[i + 1 :] for i in range(1, len(cf)) if cf[i] == cf[i - 1]}
    out |= {cf[:i] + cf[i + 1] + cf[i] + cf[i + 2 :] for i in range(1, len(cf) - 1)}
    out.discard(cf)
    return sorted(out)


@lru_cache(maxsize=1 << 14)
def _misspelt_ordinary(cf: str, langs: tuple[str, ...], where: str, dots: bool) -> bool:
    """Whether ``cf`` is an ordinary word of ``langs`` typed without ä/ö/å or with one slip.

    ``where`` is "lower" (a lower-case word after a cue: missing dots, and one slip from
    ``slip_min_length`` letters on), "initial" (a capitalised word starting a sentence: missing
    dots only, any length: "Han" / hän, "Pa" / på, "Siina" / siinä) or "inside" (capitalised
    inside a sentence: missing dots only, from ``restore_min_length_capitalised`` letters;
    shorter names in no list are too often an ordinary word with dots: "Ma" / må,
    "Gore" / göre, "Kahman" / kähmän). Capitalised words get no slip rule: a name in no list
    is too often one slip from some dictionary form ("Halimalle" / halimalla). With ``dots``
    (the sentence has an ä, ö or å somewhere: its writer does type them) no letters are
    restored.

    "eivat" -> eivät, "jattaa" -> jättää (simplemma knows "jattaa" only as a form of the rare
    name Jatta), "jotui" -> joutui, "assunnottomuus" -> asunnottomuus. A candidate that is a
    listed name, or that the dictionary knows only as a proper noun, is no evidence: a name
    one letter away from another name is still a name.
    """
    from socanalysis.nlp.lemmas import is_known_word

    lex = _lexicon()
    if where == "inside" and len(cf) < lex.restore_min_length_capitalised:
        return False
    candidates = [] if dots else _restorations(cf, lex)
    if where == "lower" and len(cf) >= lex.slip_min_length:
        candidates += _typing_slips(cf, lex.alphabet)
    names = lex.first | lex.surnames
    for candidate in candidates:
        if candidate in names:
            continue
        for lang in langs:
            if is_known_word(candidate, lang) and not _dictionary(candidate, (lang,))[1]:
                return True
    return False


def _stop_kind(stop: str | None, lex: _Lexicon) -> str | None:
    if stop is None:
        return None
    if stop in lex.institutions:
        return "institution"
    return "eponym" if stop in lex.eponyms else "place"


def _stop_typo(cf: str, lex: _Lexicon) -> str | None:
    """The stop-list word that ``cf`` misspells ("telegrram" -> telegram).

    Only a doubled letter or two swapped neighbours, and only the word as listed: with a
    dropped letter or a case ending the candidates are so many that names match by chance
    ("Lunalle" would be "Luonalle", "Brandoon" Brändö).
    """
    stops = lex.institutions | lex.places
    for candidate in _typing_slips(cf, lex.alphabet, dropped=False):
        if candidate in stops:
            return candidate
    return None


def _lookup(cf: str, lemmas: set[str], words: frozenset[str], stems: dict[str, str], lex: _Lexicon):
    """The base word of ``cf`` in ``words``: exact, by lemma, or by stem plus case ending."""
    if cf in words:
        return cf
    for lemma in sorted(lemmas):
        if lemma in words:
            return lemma
    for cut in range(len(cf) - 1, max(1, len(cf) - 7), -1):
        if cf[cut:] in lex.endings and cf[:cut] in stems:
            return stems[cf[:cut]]
    return None


def _is_sentence_initial(text: str, start: int, lex: _Lexicon) -> bool:
    # what text[:start].rstrip(_SPACE_QUOTES) would leave ends at i, found without copying the
    # text before every word (the copies made masking quadratic in a report's length)
    i = start
    while i and text[i - 1] in _SPACE_QUOTES:
        i -= 1
    if not i:
        return True
    last = text[i - 1]
    if last in "\n\r":
        return True
    if last in "!?":
        return True
    if last == ".":
        word = _ABBREVIATION_END.search(text, 0, i)  # "esim." but not "§:n."
        return not (word and word.group(1).casefold() in lex.abbreviations)
    if last in _BULLETS:
        rest = text[: i - 1].rstrip(" \t")
        return not rest or rest[-1] in "\n\r"
    return False


@lru_cache(maxsize=1 << 16)
def _capitalised(token: str) -> bool:
    parts = _PART_BREAK.split(token)
    return all(p[:1].isupper() and any(c.islower() for c in p) for p in parts if p)


@lru_cache(maxsize=1 << 16)
def _word_facts(word: str, langs: tuple[str, ...]) -> tuple:
    """(stop, name, known, proper, proper_here, surname_shape) of one word; cached because
    report vocabularies repeat a lot."""
    lex = _lexicon()
    cf = word.casefold()
    lemmas = _lemmas(word, langs)
    stops = lex.institutions | lex.places
    parts = _PART_BREAK.split(cf)
    stop = _lookup(cf, lemmas, stops, lex.stop_stems, lex)
    if stop is None and len(parts) > 1:
        stop = _lookup(parts[0], set(), stops, lex.stop_stems, lex)
    names = lex.first | lex.surnames
    name = _lookup(cf, lemmas, names, lex.name_stems, lex)
    if len(parts) > 1 and all(p in names for p in parts):
        name = cf  # a double name ("Marja-Liisa", "Juha-Pekka") is a name as a whole
    elif name is None and len(parts) > 1:
        name = next((p for p in parts if p in names), None)
    if name == cf and stop is not None and stop != cf:
        # a word that is a listed name as written is that name, not a case form of a stop
        # word: "Turunen" is the surname, although "turun" (Turun yliopisto) + the ending -en
        # would make it the institution
        stop = None
    kind = _stop_kind(stop, lex)
    known, proper, proper_here = _dictionary(word, langs)
    if (
        stop is None
        and name is None
        and not known
        and len(cf) >= lex.stop_typo_min_length
        and lex.surname_shape.search(cf) is None
    ):
        stop = _stop_typo(cf, lex)
        kind = _stop_kind(stop, lex)
    if not known:
        # "Opiskeleeko", "Osakaan": an ordinary word with a clitic particle
        known = any(
            _dictionary(word[: -len(c)], langs)[0] and not _dictionary(word[: -len(c)], langs)[1]
            for c in lex.clitics
            if cf.endswith(c) and len(cf) - len(c) >= 3
        )
    surname_shape = lex.surname_shape.search(cf) is not None
    if not known and len(cf) >= lex.compound_min_length:
        compound_lang = _common_compound(cf, langs, lex)
        known = compound_lang is not None
        # Swedish definite forms end in -en ("Ungdomsstationen"): there a compound the
        # dictionary explains is not a Finnish surname in -nen
        if compound_lang == "sv" and cf.endswith("en"):
            surname_shape = False
    # "Perhekeskuksessa", "Kokouksessa": the case forms of -us/-os nouns (k before the surname
    # ending, which no -nen surname has) say nothing when the dictionary knows the word
    if surname_shape and known and not proper and lex.case_surname_shape.search(cf):
        surname_shape = False
    return kind, name, known, proper, proper_here, surname_shape


@lru_cache(maxsize=1 << 16)
def _known_anywhere(word: str) -> bool:
    from socanalysis.nlp import dictionaries

    return any(dictionaries.is_known(word, lang=lang) for lang in ("fi", "sv"))


@lru_cache(maxsize=1 << 16)
def _is_cue(word: str, langs: tuple[str, ...]) -> bool:
    lex = _lexicon()
    cf = word.casefold()
    return cf in lex.cues or bool(_lemmas(word, langs) & lex.cues)


def _analyse(text: str, language: str, lex: _Lexicon, sentences: bool = True) -> list[_Token]:
    langs = _languages(language)
    tokens: list[_Token] = []
    for match in _WORD_RE.finditer(text):
        word = match.group(0)
        cf = word.casefold()
        tok = _Token(
            match.start(),
            match.end(),
            word,
            cf,
            sentences and _is_sentence_initial(text, match.start(), lex),
            _capitalised(word),
        )
        # a cue word capitalised inside a sentence is part of a name or title ("Nguyen Van Anh")
        tok.cue = _is_cue(word, langs) and (tok.initial or not tok.capitalised)
        after_cue = bool(tokens) and tokens[-1].cue
        if tok.capitalised or cf in lex.first or after_cue:
            (
                tok.stop,
                tok.name,
                tok.known,
                tok.proper,
                tok.proper_here,
                tok.surname_shape,
            ) = _word_facts(word, langs)
        tokens.append(tok)
    return tokens


def _gap(text: str, left: _Token, right: _Token) -> str:
    return text[left.end : right.start]


def _follows_cue(text: str, tokens: list[_Token], i: int) -> bool:
    if i == 0 or not tokens[i - 1].cue:
        return False
    return _gap(text, tokens[i - 1], tokens[i]).strip(" ,:") == ""


def _street_suffixes_of(tok: _Token, lex: _Lexicon) -> list[str]:
    """The street suffixes that the word ends in, after at least two letters of its own."""
    # one C-level test first: most words end in no street suffix at all
    if not tok.cf.endswith(lex.street_suffixes):
        return []
    return [s for s in lex.street_suffixes if tok.cf.endswith(s) and len(tok.cf) > len(s) + 1]


@lru_cache(maxsize=1)
def _surname_street_suffixes() -> frozenset[str]:
    """Street suffixes that are also usual surname elements (niemi, ranta, mäki, strand, also
    in a case: niemelle, rannalla), from the two lists in privacy_patterns.yaml.

    A word ending in one of them is as often a surname (Jokiniemi, Sjöstrand) or a place as a
    street, so only a house number makes it a street.
    """
    from socanalysis.nlp import dictionaries

    lex = _lexicon()
    return frozenset(
        s
        for s in lex.street_suffixes
        if s in lex.surname_heads
        # the suffix's own language reads it: "niemelle" -> niemi, "stranden" -> strand
        or any(dictionaries.lemmatize(s, lang=lang) in lex.surname_heads for lang in ("fi", "sv"))
    )


# a house number after a street name, as the address finder reads it ("Rantatie 5", "… 12 B");
# none starts with 0 (a phone number does: "Jokiniemi 050–123 4567" is a name and a phone),
# and none is an age ("Jokiniemi 12 v.", "12 vuotta", "12 år")
_HOUSE_NUMBER = re.compile(r"\s[1-9]\d{0,2}(?!\d)(?!\s*(?:v\.?(?!\w)|vuo|år(?!\w)))")


def _street_reading(text: str, tok: _Token, lex: _Lexicon) -> bool:
    """Whether the word reads as a street rather than a name ("Rantatie 5", "Kauppatorilla").

    A house number after it always makes it a street. Without one, a listed name is a name
    (Jokiniemi, Sjöstrand, Nestori); a word whose street ending is also a usual surname element
    (Rantaniemelle, Lindstrand) is left to the other rules; a word with an ending that only
    streets have (-katu, -tie, -tori, -gatan) stays a street.
    """
    suffixes = _street_suffixes_of(tok, lex)
    if not suffixes:
        return False
    if _HOUSE_NUMBER.match(text, tok.end):
        return True
    if tok.name is not None:
        return False
    surname_like = _surname_street_suffixes()
    return any(s not in surname_like for s in suffixes)


def _ordinary_reading(tok: _Token, langs: tuple[str, ...], lex: _Lexicon) -> bool:
    """Whether a dictionary of ``langs`` knows the word as something other than a name."""
    from socanalysis.nlp.lemmas import is_known_word

    return any(
        is_known_word(tok.cf, lang) and not _reads_as_a_name(tok, lex, (lang,)) for lang in langs
    )


def _reads_as_a_name(tok: _Token, lex: _Lexicon, langs: tuple[str, ...] = ("fi",)) -> bool:
    """Whether the lower-case word's lemma is its listed name or another listed name: "Tomin"
    is Tom's or Tomi's (the dictionary says tom, the name lists found tomi), either way a
    name; "Pian" is soon, whatever Pia's would be.

    A Swedish name is inflected only in the genitive ("Anderssons", "Eriks"), so a Swedish
    lemma counts only for the lemma plus one of ``name_endings_sv``: "Britterna" (the Brits)
    has the lemma britt, and is still no form of the name Britt.
    """
    lemmas = _lemmas(tok.cf, tuple(lang for lang in langs if lang != "sv"))
    if "sv" in langs:
        lemmas |= {
            lemma
            for lemma in _lemmas(tok.cf, ("sv",))
            if any(tok.cf == lemma + ending for ending in lex.name_endings_sv)
        }
    return (
        tok.name in lemmas
        or not lemmas.isdisjoint(lex.first)
        or not lemmas.isdisjoint(lex.surnames)
    )


def _standalone_score(
    text: str,
    tokens: list[_Token],
    i: int,
    lex: _Lexicon,
    amb: frozenset[str],
    language: str,
    dots: bool,
) -> float:
    """Score of token i from its own evidence (0 when it is not a name on its own).

    ``language`` "other" (a report in neither Finnish nor Swedish) keeps only the evidence that
    does not depend on the Finnish and Swedish dictionaries: the name lists, a capitalised
    word after a cue, surname shapes. There every English or Estonian word is "unknown" and
    English capitalises languages and nationalities ("Arabic", "Finnish"). ``dots`` says
    whether the token's sentence has any ä, ö or å (then no word in it was typed without them).
    """
    langs = _languages(language)
    foreign = language == "other"
    tok = tokens[i]
    sc = lex.scores
    if len(tok.text) < lex.min_length or _street_reading(text, tok, lex):
        return 0.0
    cue = _follows_cue(text, tokens, i)
    if tok.cue:
        return 0.0
    if not tok.capitalised:
        # a name typed in lower case right after a cue: "asiakas matti", "klienten elvira"
        if not cue or tok.stop is not None or tok.name in amb:
            return 0.0
        if _first_name_as_written(tok, lex):
            return sc["cue"]
        # Other lower-case words only right after a cue as listed ("asiakas", "klienten"): an
        # inflected or plural cue ("asiakkaat eivat", "nuorten assunnottomuus") is followed by
        # a verb or a noun, not by a name; and never a misspelt ordinary word ("asiakas elaa")
        if (
            foreign
            or tokens[i - 1].cf not in lex.cues
            or _misspelt_ordinary(tok.cf, langs, "lower", dots)
        ):
            return 0.0
        if tok.proper:
            return sc["cue"]
        # unknown in both languages: a Swedish verb in a report tagged Finnish is no name
        if not tok.known and len(tok.text) >= 3 and not _known_anywhere(tok.text):
            return sc["unknown_word"]
        return 0.0
    if tok.stop is not None:
        # a stop word that is also a listed name ("Hilma" the procurement service and a first
        # name, "Salo" the town and a surname) is that name right after a cue: "tytär Hilma"
        return sc["cue"] if cue and tok.name is not None else 0.0
    verb_after = (
        i + 1 < len(tokens)
        and tokens[i + 1].cf in lex.cues_after
        and _gap(text, tok, tokens[i + 1]) == " "
    )
    if tok.name is not None:
        if not tok.initial or cue:
            return sc["list"]
        if tok.name in amb:
            return sc["cue"] if verb_after and tok.cf == tok.name else 0.0
        # at the start of a sentence only a word that is the name itself, not an everyday word
        # that happens to look like an inflected name ("Pian" is "soon", not Pia's;
        # "Matinköpen" is the food shopping: Swedish knows it, a Finnish rule reads Matti in it)
        # the report's own languages read the word: "Anderssons" is Andersson's only to the
        # Swedish lemmatiser, so a Finnish-only reading would miss every Swedish genitive
        if tok.cf == tok.name or (
            _reads_as_a_name(tok, lex, langs) and not _ordinary_reading(tok, langs, lex)
        ):
            return sc["list_sentence_initial"]
        return 0.0
    if cue:
        return sc["cue"]
    if foreign:
        return sc["proper"] if tok.surname_shape and not tok.initial else 0.0
    if tok.initial:
        # "Han sanoi", "Pa den tiden": a word typed without dots starts many sentences
        if _misspelt_ordinary(tok.cf, langs, "initial", dots):
            return 0.0
        if tok.proper_here:
            return sc["proper_sentence_initial"]
        # "Farhan kertoi": unknown to the dictionary, right before a reporting verb
        return sc["unknown_word"] if verb_after and not tok.known else 0.0
    if tok.proper or tok.surname_shape:
        return sc["proper"]
    if not tok.initial and not tok.known:
        if _misspelt_ordinary(tok.cf, langs, "inside", dots):
            return 0.0
        return sc["unknown_word"]
    return 0.0


def _list_pass(text: str, tokens: list[_Token], i: int, lex: _Lexicon) -> bool:
    """A list of names: "Pekka, Sirpa ja Iiris" (capitalised members inside a sentence only)."""
    left, right = tokens[i], tokens[i + 1]
    gap = _gap(text, left, right)
    if gap not in lex.joiners:
        if gap != " " or right.cf not in lex.joiner_words or i + 2 >= len(tokens):
            return False
        right = tokens[i + 2]  # "Sirpa ja Iiris": skip the conjunction
        if _gap(text, tokens[i + 1], right) != " ":
            return False
    if (left.score > 0) == (right.score > 0):
        return False
    cand = right if left.score > 0 else left
    if (
        cand.capitalised
        and not cand.initial
        and cand.stop is None
        and not cand.cue
        and len(cand.text) >= lex.min_length
        and not _street_reading(text, cand, lex)
    ):
        cand.score = lex.scores["neighbour"]
        return True
    return False


def _neighbour_pass(text: str, tokens: list[_Token], lex: _Lexicon, language: str) -> bool:
    """Extend names to capitalised neighbours ("Anna Virtanen", "Matti Salo"); True if changed."""
    changed = False
    sc = lex.scores["neighbour"]
    for i in range(len(tokens) - 1):
        if _list_pass(text, tokens, i, lex):
            changed = True
        left, right = tokens[i], tokens[i + 1]
        if (left.score > 0) == (right.score > 0) or _gap(text, left, right) != " ":
            continue
        if left.score > 0:
            cand = right
            ok = cand.capitalised and not cand.cue
            # a place is a surname after a name only when listed as one ("Matti Salo"); an
            # eponym always is ("Matti Parkinson"); an institution only when it is a listed
            # name right after a first name as written ("Anna Hilma Virtanen"), never after a
            # surname ("Ilmoitin Virtaselle Hilmassa": the procurement service)
            if cand.stop == "place":
                ok = ok and cand.name in lex.surnames
            elif cand.stop == "institution":
                ok = ok and cand.name is not None and _first_name_as_written(left, lex)
        else:
            cand = left
            # inside a sentence a capitalised word right before a name is its first name
            # at the start of a sentence an unknown word is more often a verb with a clitic
            # ("Välittikö Tom") than a first name, so it needs the dictionary or a surname
            # ... but not an inflected ordinary word that happens to start the sentence before
            # a surname ("Tapasin Virtasen", "Soitin Laitiselle"); a first name before its
            # surname is in its base form, even when it is also a word ("Hertta Koskinen")
            evidence = (
                not cand.initial
                or cand.name is not None
                or cand.proper_here
                or (
                    (right.name in lex.surnames or right.surname_shape)
                    and not (
                        cand.known
                        and not cand.proper
                        and cand.cf not in _lemmas(cand.text, _languages(language))
                    )
                )
            )
            # a stop word before a name is its first name only when it is a listed first name
            # as written ("Hilma Virtanen", "Kaarina Virtanen"; not "Kelan Virtanen")
            first = cand.stop is None or _first_name_as_written(cand, lex)
            ok = cand.capitalised and first and not cand.cue and evidence
        if ok and len(cand.text) >= lex.min_length and not _street_reading(text, cand, lex):
            cand.score = sc
            changed = True
    return changed


def _first_name_as_written(tok: _Token, lex: _Lexicon) -> bool:
    """Whether the word is a listed first name in its base form ("Pekka", "marja-liisa").

    Finnish inflects only the last word of a name ("Matti Virtaselle"), so a first name in a
    case form ("Pekan", "Eriks") is not followed by its surname: "Pekan ruotsalaisen ystävän"
    is Pekka's Swedish friend, although Ruotsalainen is a listed surname.
    """
    return tok.name is not None and tok.cf == tok.name and _is_first_name(tok.name, lex)


def _is_first_name(name: str, lex: _Lexicon) -> bool:
    return all(part in lex.first for part in _PART_BREAK.split(name))


def _lowercase_surnames(
    text: str, tokens: list[_Token], lex: _Lexicon, amb: frozenset[str], language: str
) -> None:
    """A listed surname in lower case right after a first name: "asiakas Pekka nieminen",
    "klienten erik lindholm", "matti virtanen" typed all in lower case.

    A lower-case word has no capital for the other rules to read, so only the surname lists
    vouch for it (also inflected: "pekka niemiselle"), and only right after a first name: one
    already masked (listed, as written, or in no list at all: "asiakas Hertta nieminen"), or a
    listed first name typed in lower case. Surnames that are also everyday words ("kivi",
    "salo", "berg": the ambiguous lists) stay words in lower case, as they do on their own.
    """
    langs = _languages(language)
    for left, right in zip(tokens, tokens[1:], strict=False):
        # most words are neither masked nor a listed name: nothing more to look at
        if (left.score <= 0 and left.name is None) or right.capitalised or right.score > 0:
            continue
        if not _may_precede_a_surname(left, lex, amb) or _gap(text, left, right) != " ":
            continue
        # the word's facts are looked up only here: most lower-case words never need them
        kind, name, *_ = _word_facts(right.text, langs)
        if kind == "institution" or name not in lex.surnames or name in amb:
            continue
        left.score = right.score = max(left.score, lex.scores["neighbour"])


def _may_precede_a_surname(tok: _Token, lex: _Lexicon, amb: frozenset[str]) -> bool:
    """A masked first name (listed, as written, or in no list), or a listed first name in
    lower case that is not also an everyday word ("anna" = give)."""
    if tok.score > 0:
        return tok.name is None or _first_name_as_written(tok, lex)
    return not tok.capitalised and tok.cf not in amb and _first_name_as_written(tok, lex)


# a word in capitals (Latin, Latin-1 and Cyrillic letters), hyphenated parts included
_CAPITALS = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0400-\u042f"
_WORD_IN_CAPITALS = re.compile(rf"(?<![\w'’\-])[{_CAPITALS}]+(?:['’\-][{_CAPITALS}]+)*(?![\w'’\-])")


def _uncapitalised(text: str, language: str) -> str:
    """The text with words in capitals written as a name or a word would be ("MATTI VIRTANEN
    SOITTI" -> "Matti Virtanen soitti"), same length, so that spans found in it fit the text.

    Every rule reads capitalisation, and a word in capitals has none to read. A word of the
    name lists, or with a surname shape, gets a capital first letter; any other word (KELA,
    SOITTI, ADHD) is written in lower case and so is never a name on its own.
    """
    if _WORD_IN_CAPITALS.search(text) is None:  # most texts: nothing to rewrite
        return text
    langs = _languages(language)
    dots = not _DOTTED.isdisjoint(text)

    def rewrite(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        # a word in capitals of two letters or more; a letter whose lower case is longer
        # would move the spans: such a word is left as it is
        if len(word) < 2 or not word.isupper() or len(lower) != len(word):
            return word
        stop, name, *_, surname_shape = _word_facts(word.capitalize(), langs)
        if stop is not None or (name is None and not surname_shape):
            return lower
        # headings in capitals are often typed without dots ("PAATTAMINEN", "MAARITELMAT"
        # read as a -nen surname and as Maarit + an ending): a word that is an ordinary word
        # once its letters are restored is one, unless it is a listed name as it stands
        if name != lower and _misspelt_ordinary(lower, langs, "inside", dots):
            return lower
        return "-".join(part.capitalize() for part in lower.split("-"))

    return _WORD_IN_CAPITALS.sub(rewrite, text)


def find_names(text: str, language: str = "fi", sentences: bool = True) -> list[PiiSpan]:
    """Personal names in ``text``.

    Parameters
    ----------
    text : str
        A report text, or a short value such as a report id.
    language : str, default "fi"
        "fi", "sv", or anything else for both.
    sentences : bool, default True
        Whether ``text`` is written in sentences. With False (an id, a label) no word is at the
        start of a sentence, so a capitalised word gets no sentence-start leniency.

    Returns
    -------
    list of PiiSpan
        Spans of type ``"name"``, adjacent name words merged, in text order.
    """
    lex = _lexicon()
    amb = frozenset().union(*(lex.ambiguous[lang] for lang in _languages(language)))
    tokens = _analyse(_uncapitalised(text, language), language, lex, sentences)
    # ä/ö/å typed somewhere in a sentence: its writer did not leave them out in its other words
    # (per sentence, because a report may join parts typed in different ways)
    ends = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text) + 1]
    dotted, start = [], 0
    for end in ends:
        dotted.append(not _DOTTED.isdisjoint(text[start:end]))
        start = end
    for i, tok in enumerate(tokens):
        dots = dotted[bisect.bisect_right(ends, tok.start)]
        tok.score = _standalone_score(text, tokens, i, lex, amb, language, dots)
    _lowercase_surnames(text, tokens, lex, amb, language)
    for _ in range(3):  # a name of three or four words grows by one word per pass
        if not _neighbour_pass(text, tokens, lex, language):
            break
    spans: list[PiiSpan] = []
    for tok in tokens:
        if tok.score <= 0:
            continue
        start, end = tok.start, tok.end
        # initials next to a name: "M. Virtanen", "Matti V."
        before = re.search(r"(?<![\w])[A-ZÅÄÖ]\.\s$", text[:start])
        if before:
            start = before.start()
        after = re.match(r"\s[A-ZÅÄÖ]\.(?!\w)", text[end:])
        if after:
            end += after.end()
        if spans and text[spans[-1].end : start].strip(" ") == "" and start - spans[-1].end <= 2:
            prev = spans.pop()
            start, score = prev.start, max(prev.score, tok.score)
        else:
            score = tok.score
        spans.append(PiiSpan(start, end, "name", text[start:end], None, score))
    return spans


def is_listed_name(word: str) -> bool:
    """Whether ``word`` is on the shipped lists of first names or surnames, as written.

    Examples
    --------
    >>> is_listed_name("Aino"), is_listed_name("Virtanen"), is_listed_name("Boende")
    (True, True, False)
    """
    folded = word.strip().casefold()
    lex = _lexicon()
    return folded in lex.first or folded in lex.surnames


def looks_like_a_person(word: str) -> bool:
    """Whether one word is on the lists of people's names or has a surname's shape
    (``surname_endings``: Pölönen, Pölösen), the positive evidence a lone word in a form field
    needs before it is masked as a name, since places in no list look the same otherwise.

    Examples
    --------
    >>> [looks_like_a_person(w) for w in ("Aino", "Pölösen", "Nauvo", "Korppoo")]
    [True, True, False, False]
    """
    folded = word.strip().casefold()
    lex = _lexicon()
    return is_listed_name(folded) or lex.surname_shape.search(folded) is not None


def find_names_in_identifier(value: str) -> list[PiiSpan]:
    """Personal names in a report id ("Kahinda", "asiakas-kahinda-7", "r-Hombala-3").

    An id is no sentence: its first word gets none of the sentence-start leniency (an unknown
    capitalised word there is a name, as inside a sentence), both dictionaries are asked (an
    id has no language), and the hyphens that join its parts separate words ("asiakas-kahinda"
    is the cue *asiakas* and a name), except in a hyphenated word that is itself a listed name
    or a stop word ("Anna-Liisa", "Mänttä-Vilppula"). The spans are in the offsets of ``value``.

    Examples
    --------
    >>> [s.text for s in find_names_in_identifier("asiakas-kahinda-7")]
    ['kahinda']
    >>> find_names_in_identifier("Turku-12"), find_names_in_identifier("Kela-3")
    ([], [])
    """
    langs = _languages("mixed")

    def split(match: re.Match[str]) -> str:
        word = match.group(0)
        if "-" not in word:
            return word
        stop, name, *_ = _word_facts(word, langs)
        if stop is not None or name == word.casefold():
            return word
        return word.replace("-", " ")  # same length: the spans fit the id as typed

    return find_names(_WORD_RE.sub(split, value), "mixed", sentences=False)
