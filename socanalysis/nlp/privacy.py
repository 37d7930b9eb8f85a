"""Find and mask personal data in Finnish and Swedish social reports.

Everything written for people to read must go through :func:`mask` (or :func:`mask_reports`
for a whole table): report texts may identify clients, relatives and workers.

* :func:`find_pii` is pure: text in, non-overlapping :class:`PiiSpan` list out (identity codes,
  phones, e-mail, IBANs, street addresses, postal codes with places, vehicle plates, names,
  web addresses, social media user names).
* :func:`mask` replaces the spans with typed placeholders in the report's language
  (``[HETU]``/``[PERSONBETECKNING]``, ``[PUHELIN]``/``[TELEFON]``, ``[NIMI]``/``[NAMN]`` ...) and
  counts them per type. Masking a masked text changes nothing.
* :func:`mask_reports` does that for a column of texts and returns a DataFrame for the pipeline.

Identity codes and IBANs with a wrong date or checksum are still masked (a typo does not make
them less identifying) but carry ``valid=False`` and are counted apart in ``MaskResult.invalid``.

Examples
--------
>>> text = "Asiakas Matti Virtanen (131052-308T), puh. 040 123 4567, asuu Rauhankatu 5 B 12."
>>> result = mask(text)
>>> result.text
'Asiakas [NIMI] ([HETU]), puh. [PUHELIN], asuu [OSOITE].'
>>> result.counts["hetu"], result.n_masked
(1, 4)
>>> mask("Klienten Erik Lindholm, tel. 040-765 4321.", language="sv").text
'Klienten [NAMN], tel. [TELEFON].'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from socanalysis.errors import InputError
from socanalysis.nlp.privacy_data import (
    PLACEHOLDER_LANGUAGES,
    PRIVACY_TYPES,
    PiiSpan,
    patterns,
    stop_words,
)
from socanalysis.nlp.privacy_names import find_names
from socanalysis.nlp.privacy_structured import (
    find_addresses,
    find_emails,
    find_handles,
    find_hetus,
    find_ibans,
    find_phones,
    find_postal_codes,
    find_urls,
    find_vehicles,
    hetu_is_valid,
    iban_is_valid,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "PRIVACY_TYPES",
    "MaskResult",
    "PiiSpan",
    "find_pii",
    "hetu_is_valid",
    "iban_is_valid",
    "mask",
    "mask_reports",
    "mask_value",
    "placeholder",
]

#: language values accepted besides "fi" and "sv" (the language stage's other labels)
_OTHER_LANGUAGES = ("mixed", "other", "unknown", "")


def _check_language(language: Any) -> str:
    """Normalise a language label; None/NaN/"mixed"/"other" mean "unknown" (both lists used)."""
    if language is None or (isinstance(language, float) and math.isnan(language)):
        return "unknown"
    if not isinstance(language, str):
        raise InputError(
            f"language must be a string such as 'fi' or 'sv', got {type(language).__name__} "
            f"{language!r}"
        )
    lang = language.strip().lower()
    if lang in PLACEHOLDER_LANGUAGES:
        return lang
    if lang in _OTHER_LANGUAGES:
        return lang or "unknown"
    raise InputError(
        f"unknown language {language!r} for privacy masking; use 'fi', 'sv', 'mixed', 'other' "
        "or leave it empty"
    )


def placeholder(pii_type: str, language: str = "fi") -> str:
    """The placeholder for a PII type in a report language (Finnish for anything but "sv").

    Examples
    --------
    >>> placeholder("phone", "sv"), placeholder("name", "fi"), placeholder("iban", "mixed")
    ('[TELEFON]', '[NIMI]', '[TILINUMERO]')
    """
    lang = _check_language(language)
    table = patterns()["placeholders"]["sv" if lang == "sv" else "fi"]
    if pii_type not in table:
        raise InputError(f"unknown PII type {pii_type!r}; expected one of {list(PRIVACY_TYPES)}")
    return table[pii_type]


def _resolve_overlaps(spans: Iterable[PiiSpan]) -> list[PiiSpan]:
    """Keep the best of overlapping spans: type priority, then length, then position."""
    rank = {t: i for i, t in enumerate(patterns()["priority"])}
    ordered = sorted(spans, key=lambda s: (rank.get(s.type, len(rank)), -s.length, s.start, s.end))
    kept: list[PiiSpan] = []
    for span in ordered:
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: (s.start, s.end))


def find_pii(text: str, language: str = "fi") -> list[PiiSpan]:
    """Find personal data in one text.

    Parameters
    ----------
    text : str
        A report text.
    language : str, default "fi"
        "fi" or "sv" (the name heuristic checks words against that language's dictionary);
        "mixed", "other" or None check both.

    Returns
    -------
    list of PiiSpan
        Non-overlapping, sorted by position. Types are those in :data:`PRIVACY_TYPES`.

    Examples
    --------
    >>> [(s.type, s.valid) for s in find_pii("Hetu 131052-308T, väärä 131052-308A.")]
    [('hetu', True), ('hetu', False)]
    >>> find_pii("Maksu 31.12.2024 klo 14.05: 1 200 € (SHL 11 §, 1301/2014).")
    []
    """
    if not isinstance(text, str):
        raise InputError(f"find_pii expects a text (str), got {type(text).__name__}")
    lang = _check_language(language)
    institutions = stop_words()["institutions"]
    spans: list[PiiSpan] = [
        *find_emails(text),
        *find_urls(text),
        *find_handles(text),
        *find_ibans(text),
        *find_hetus(text),
        *find_phones(text),
        *find_addresses(text),
        *find_postal_codes(text, institutions),
        *find_vehicles(text),
        *find_names(text, lang),
    ]
    return _resolve_overlaps(spans)


@dataclass(frozen=True)
class MaskResult:
    """A masked text and what was masked.

    Attributes
    ----------
    text : str
        The text with every span replaced by its placeholder.
    counts : Mapping[str, int]
        Spans masked per PII type (all types present, zeros included).
    invalid : Mapping[str, int]
        Of those, identifiers whose checksum or date failed (hetu, iban).
    spans : tuple of PiiSpan
        The spans masked, in the original text's offsets (do not show their ``text``).
    """

    text: str
    counts: Mapping[str, int]
    invalid: Mapping[str, int]
    spans: tuple[PiiSpan, ...] = field(repr=False)

    @property
    def n_masked(self) -> int:
        """All spans masked."""
        return sum(self.counts.values())

    @property
    def n_invalid(self) -> int:
        """Likely identifiers that failed their check."""
        return sum(self.invalid.values())


def mask(text: str, spans: Sequence[PiiSpan] | None = None, language: str = "fi") -> MaskResult:
    """Replace personal data with typed placeholders in the report's language.

    Parameters
    ----------
    text : str
        The text to mask.
    spans : sequence of PiiSpan, optional
        Spans to mask (from :func:`find_pii`); found with ``find_pii(text, language)`` if None.
        Overlapping spans are resolved as in :func:`find_pii`.
    language : str, default "fi"
        "sv" gives Swedish placeholders; anything else Finnish ones.

    Returns
    -------
    MaskResult

    Examples
    --------
    >>> r = mask("Ring 040 123 4567 eller mejla anna@example.com.", language="sv")
    >>> r.text, r.counts["phone"], r.counts["email"]
    ('Ring [TELEFON] eller mejla [E-POST].', 1, 1)
    >>> mask(r.text, language="sv").text == r.text  # idempotent
    True
    """
    if not isinstance(text, str):
        raise InputError(f"mask expects a text (str), got {type(text).__name__}")
    lang = _check_language(language)
    if spans is None:
        chosen = find_pii(text, lang)
    else:
        for span in spans:
            if not isinstance(span, PiiSpan):
                raise InputError("spans must be PiiSpan objects as returned by find_pii()")
            if span.type not in PRIVACY_TYPES:
                raise InputError(f"unknown PII type {span.type!r} in spans")
            if not 0 <= span.start < span.end <= len(text):
                raise InputError(
                    f"span {span.start}:{span.end} lies outside the text (length {len(text)}); "
                    "pass spans found in this very text"
                )
        chosen = _resolve_overlaps(spans)
    table = patterns()["placeholders"]["sv" if lang == "sv" else "fi"]
    pieces: list[str] = []
    cursor = 0
    counts = dict.fromkeys(PRIVACY_TYPES, 0)
    invalid = dict.fromkeys(PRIVACY_TYPES, 0)
    for span in chosen:
        pieces += [text[cursor : span.start], table[span.type]]
        cursor = span.end
        counts[span.type] += 1
        if span.valid is False:
            invalid[span.type] += 1
    pieces.append(text[cursor:])
    return MaskResult(
        "".join(pieces),
        MappingProxyType(counts),
        MappingProxyType(invalid),
        tuple(chosen),
    )


def mask_value(value: str, language: str = "fi") -> MaskResult:
    """Mask a one-word form value that is no sentence, such as a municipality cell.

    :func:`mask` reads a lone word as the start of a sentence, where a word in no list is no
    name. A single word is read here as in a report id
    (:func:`socanalysis.nlp.privacy_names.find_names_in_identifier`), and masked when it is
    on the lists of people's names or has a surname's shape (``looks_like_a_person``:
    "Aino", "Pölösen"). A place in no list stays ("Nauvo", "Korppoo": former municipalities
    and villages that reporters still write; masked, they would all count as one place
    "[NIMI]"), and so does a name in no list and of no surname shape ("Kahinda").
    A value that is a listed municipality as a whole is kept ("S:t Karins"); other values of
    more than one word are masked as by :func:`mask`.

    Parameters
    ----------
    value : str
        The cell.
    language : str, default "fi"
        The placeholders' language, as for :func:`mask`.

    Returns
    -------
    MaskResult

    Examples
    --------
    >>> mask_value("Pölönen").text, mask_value("Turku").text, mask_value("Nauvo").text
    ('[NIMI]', 'Turku', 'Nauvo')
    """
    from socanalysis.nlp.privacy_names import find_names_in_identifier, looks_like_a_person

    lang = _check_language(language)
    if value.strip().casefold() in stop_words().get("municipalities", frozenset()):
        # a municipality as listed, also of two words whose parts alone are no place
        # ("S:t Karins", where "Karins" would read as a name)
        return mask(value, [], lang)
    spans = find_pii(value, lang)
    if len(value.split()) == 1 and looks_like_a_person(value):
        spans = [*spans, *find_names_in_identifier(value)]
    return mask(value, spans, lang)


def _format_types(counts: Mapping[str, int]) -> str:
    return ";".join(f"{t}:{n}" for t, n in counts.items() if n)


def mask_reports(
    texts: Sequence[Any] | pd.Series,
    languages: Sequence[Any] | pd.Series | str | None = None,
) -> pd.DataFrame:
    """Mask a column of report texts, for ``reports.csv`` and every human-readable output.

    Parameters
    ----------
    texts : sequence or Series of str
        Report texts; None/NaN count as empty.
    languages : sequence, Series or str, optional
        One language label per text ("fi", "sv", "mixed", "other", None), or one label for all.
        None means unknown: Finnish placeholders, names checked against both dictionaries.

    Returns
    -------
    pandas.DataFrame
        Same index as ``texts`` (a RangeIndex for a plain sequence), columns
        ``text_masked`` (str), ``pii_masked`` (int, spans masked), ``pii_types`` (e.g.
        ``"hetu:1;name:2"``, empty when nothing was found) and ``pii_invalid`` (int, identifiers
        with a failed checksum among ``pii_masked``).

    Examples
    --------
    >>> df = mask_reports(["Soita Matille 040 123 4567.", "Inga personuppgifter."], ["fi", "sv"])
    >>> df["text_masked"].tolist()
    ['Soita [NIMI] [PUHELIN].', 'Inga personuppgifter.']
    >>> df["pii_masked"].tolist(), df["pii_types"].tolist()
    ([2, 0], ['phone:1;name:1', ''])
    """
    import pandas as pd

    from socanalysis.nlp.per_text import check_texts, is_missing, per_text_languages

    # list("Matti ...") would mask one letter at a time, and find nothing
    check_texts(texts, "mask_reports", "mask(text)")
    index = texts.index if isinstance(texts, pd.Series) else None
    text_list = list(texts)
    lang_list = per_text_languages(languages, len(text_list), "mask_reports")
    rows = []
    for position, (text, lang) in enumerate(zip(text_list, lang_list, strict=True)):
        if is_missing(text):
            text = ""
        if is_missing(lang):
            lang = None
        if not isinstance(text, str):
            raise InputError(
                f"text at position {position} is {type(text).__name__}, not str; convert the "
                "text column to strings first"
            )
        result = mask(text, language=lang)
        rows.append((result.text, result.n_masked, _format_types(result.counts), result.n_invalid))
    frame = pd.DataFrame(
        rows, columns=["text_masked", "pii_masked", "pii_types", "pii_invalid"], index=index
    )
    return frame.astype({"pii_masked": "int64", "pii_invalid": "int64"})
