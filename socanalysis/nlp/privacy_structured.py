"""Detectors for structured personal data: identity codes, phones, e-mail, IBAN, addresses,
web addresses and social media user names.

Each ``find_*`` function takes a text and returns a list of :class:`PiiSpan`. They are pure and
independent; :func:`socanalysis.nlp.privacy.find_pii` runs them all and resolves overlaps.
Parameters (century signs, lengths, street suffixes, exclusions) come from
``data/privacy_patterns.yaml``.

Examples
--------
>>> hetu_is_valid("131052-308T")
True
>>> hetu_is_valid("131052-308A")
False
>>> iban_is_valid("FI21 1234 5600 0007 85")
True
>>> [s.text for s in find_phones("Soita 040-123 4567 tai +358 9 123 4567.")]
['040-123 4567', '+358 9 123 4567']
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache

from socanalysis.nlp.privacy_data import PiiSpan, patterns


# ---------------------------------------------------------------------------------------------
# Finnish personal identity code (henkilötunnus): DDMMYY C NNN Q
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _dashes() -> str:
    """The dashes typed between digits, escaped for a character class: the hyphen, and the en
    and em dashes that word processors and Excel put in its place ("010190–123A"); from
    ``dashes`` in privacy_patterns.yaml."""
    return "".join(re.escape(str(d)) for d in patterns()["dashes"])


def _hyphenated(text: str) -> str:
    """The text with every dash of ``dashes`` written as a hyphen (same length)."""
    return text.translate({ord(str(d)): "-" for d in patterns()["dashes"]})


@lru_cache(maxsize=1)
def _hetu_re() -> re.Pattern[str]:
    d = _dashes()
    return re.compile(
        rf"(?<![\d_+{d}/.,])(\d{{2}})(\d{{2}})(\d{{2}})([+A-FU-Ya-fu-y{d}])(\d{{3}})([0-9A-Za-z])"
        rf"(?![\w{d}/])"
    )


def hetu_is_valid(code: str) -> bool:
    """Whether ``code`` is a Finnish identity code with a real date and the right check char.

    Both the old century signs (``+ - A``) and those of the 2023 reform (``B-F``, ``U-Y``) are
    accepted. Individual numbers 002-999 are accepted (900-999 are temporary codes).

    Examples
    --------
    >>> hetu_is_valid("010594Y9032"), hetu_is_valid("010594Y9022")  # 2023 sign Y
    (True, False)
    >>> hetu_is_valid("290200A1239"), hetu_is_valid("300200A1239")  # 29 Feb 2000 existed
    (True, False)
    """
    # an en or em dash for the century sign is the hyphen typed by autocorrect
    match = _hetu_re().fullmatch(_hyphenated(code.strip()))
    if match is None:
        return False
    day, month, year, sign, number, check = match.groups()
    cfg = patterns()["hetu"]
    century = cfg["century_signs"].get(sign.upper())
    if century is None:
        return False
    try:
        _dt.date(century + int(year), int(month), int(day))
    except ValueError:
        return False
    if int(number) < 2:
        return False
    expected = cfg["check_chars"][int(day + month + year + number) % 31]
    return check.upper() == expected


# the same typed with a space for the century sign or with none ("131052 308T", "131052308T"):
# masked only when a century makes the date real and the check character holds, which 1 in 31
# random digit groups with a real date pass, so ten-digit numbers are seldom taken for one
@lru_cache(maxsize=1)
def _unsigned_hetu_re() -> re.Pattern[str]:
    d = _dashes()
    return re.compile(rf"(?<![\d_+{d}/.,])(\d{{6}}) ?(\d{{3}}[0-9A-Za-z])(?![\w{d}/])")


def _phone_shaped(code: str) -> bool:
    """Whether an identity code typed without a separator is also a phone number as typed.

    Ten digits starting with 0 ("0405037641") are far more often a phone number typed without
    spaces than the code of someone born on the 1st to 9th of a month whose check character is
    a digit; the phone finder masks them either way, under the type they most likely are.
    """
    return len(code) == 10 and code.isdigit() and code.startswith("0")


def find_hetus(text: str) -> list[PiiSpan]:
    """Identity-code-shaped strings; ``valid`` says whether date and checksum hold.

    >>> [(s.text, s.valid) for s in find_hetus("Hetu 131052 308T, ei 131052 308A.")]
    [('131052 308T', True)]
    >>> [s.text for s in find_hetus("Hetu 131052308T, tilaus 1310523080.")]
    ['131052308T']
    """
    invalid_score = float(patterns()["hetu"]["invalid_score"])
    spans = []
    for match in _hetu_re().finditer(text):
        code = match.group(0)
        valid = hetu_is_valid(code)
        score = 1.0 if valid else invalid_score
        spans.append(PiiSpan(match.start(), match.end(), "hetu", code, valid, score))
    for match in _unsigned_hetu_re().finditer(text):
        digits, rest = match.groups()
        if _phone_shaped(match.group(0)):
            continue
        if any(hetu_is_valid(f"{digits}{sign}{rest}") for sign in "-A"):
            spans.append(PiiSpan(match.start(), match.end(), "hetu", match.group(0), True, 0.9))
    return sorted(spans, key=lambda span: span.start)


# ---------------------------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _phone_re() -> re.Pattern[str]:
    d = _dashes()
    # between digit groups: a space, or a dash with or without spaces ("050–123", "040 - 123")
    sep = rf"(?:\ ?[{d}]\ ?|\ )"
    return re.compile(
        rf"""
        (?<![\d_+/,{d}])(?<!\d\.)       # not glued to a number, a decimal, a range or a date
                                         # (letters may touch: "puh040 123 4567")
        (?:
            (?:\+|00)\d{{1,3}}{sep}?(?:\(0\){sep}?)?\d{{1,4}}   # +358 40 / 00358 40 / +358 (0)40
          | \(0\d{{1,4}}\)                                       # (09)
          | 0\d{{1,4}}/?                                         # 040, 09, 0800, 040/
        )
        (?:{sep}?\d{{1,5}}){{1,5}}
        (?!\w)(?![.,/]\d)              # nor followed by a decimal or a month/year ("06/2024")
        """,
        re.VERBOSE,
    )


_GROUP_RE = re.compile(r"\d+")
_BUSINESS_ID_RE = re.compile(r"\d{7}-\d")  # matched on the text with its dashes as hyphens


def _phone_digits_ok(digits: str, international: bool) -> bool:
    cfg = patterns()["phone"]
    if international:
        country = cfg["finland_country_code"]
        if digits.startswith(country):
            rest = digits[len(country) :].removeprefix("0")
            return (
                cfg["international_min_digits"] <= len(rest) <= cfg["international_max_digits"] - 2
                and rest[:1] != "0"
            )
        return cfg["international_min_digits"] + 2 <= len(digits) <= 15
    return (
        cfg["national_min_digits"] <= len(digits) <= cfg["national_max_digits"]
        and digits[1:2] != "0"
    )


def find_phones(text: str) -> list[PiiSpan]:
    """Phone numbers in Finnish national or international formats.

    A candidate written as digit groups is cut back group by group until its digit count fits
    a phone number, so a number followed by another figure is still found.
    """
    spans = []
    for match in _phone_re().finditer(text):
        raw = match.group(0)
        if _BUSINESS_ID_RE.fullmatch(_hyphenated(raw)):
            continue  # a business ID (Y-tunnus) such as 0145678-9, not a phone
        international = raw.startswith("+") or raw.startswith("00")
        groups = list(_GROUP_RE.finditer(raw))
        # drop trailing groups while there are too many digits
        while groups:
            digits = "".join(g.group(0) for g in groups)
            if international and digits.startswith("00"):
                digits = digits[2:]
            if _phone_digits_ok(digits, international):
                end = match.start() + groups[-1].end()
                spans.append(PiiSpan(match.start(), end, "phone", text[match.start() : end]))
                break
            if len(groups) <= 2:
                break
            groups.pop()
    return spans


# ---------------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------------
_EMAIL_RE = re.compile(
    r"(?<![\w.+\-])[\w.+\-]*\w(?:@|\s?[(\[]at[)\]]\s?)\w[\w\-]*(?:\.[\w\-]+)*\.[^\W\d_]{2,}"
    r"(?![\w@])",
    re.UNICODE,
)


def find_emails(text: str) -> list[PiiSpan]:
    """E-mail addresses (``matti.virtanen@example.fi``, also ``matti(at)example.fi``)."""
    return [PiiSpan(m.start(), m.end(), "email", m.group(0)) for m in _EMAIL_RE.finditer(text)]


# ---------------------------------------------------------------------------------------------
# Web addresses and social media user names
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _url_re() -> re.Pattern[str]:
    cfg = patterns()["url"]
    starts = "|".join(re.escape(str(s)) for s in cfg["starts"])
    domains = "|".join(re.escape(str(d)) for d in cfg["top_level_domains"])
    return re.compile(
        rf"(?<![\w@.\-/])(?:(?:{starts})[^\s<>\"]+"
        rf"|[\w\-]+(?:\.[\w\-]+)*\.(?:{domains})/[^\s<>\"]*)",
        re.IGNORECASE,
    )


def find_urls(text: str) -> list[PiiSpan]:
    """Web addresses: ``https://…``, ``www.…``, or a domain with a path (``facebook.com/…``).

    >>> [s.text for s in find_urls("Katso https://facebook.com/matti.v.1985, tai kela.fi.")]
    ['https://facebook.com/matti.v.1985']
    >>> [s.text for s in find_urls("Profiili instagram.com/mikkohyvonen (julkinen).")]
    ['instagram.com/mikkohyvonen']
    """
    cfg = patterns()["url"]
    # every address has a path or one of the starts: most texts have neither, and need no
    # search (the pattern would be tried at every word)
    if "/" not in text and not any(str(s) in text.casefold() for s in cfg["starts"]):
        return []
    trailing = str(cfg["trailing"])
    spans = []
    for match in _url_re().finditer(text):
        # a full stop or a closing bracket after the address belongs to the sentence
        end = match.start() + len(match.group(0).rstrip(trailing))
        if end > match.start():
            spans.append(PiiSpan(match.start(), end, "url", text[match.start() : end]))
    return spans


@lru_cache(maxsize=1)
def _handle_re() -> re.Pattern[str]:
    return re.compile(str(patterns()["handle"]["pattern"]))


def find_handles(text: str) -> list[PiiSpan]:
    """Social media user names: ``@mikko_h``, ``@zyrtek.hombala`` (not e-mail addresses).

    >>> [s.text for s in find_handles("Instagramissa @mikko_h. Posti: mikko@example.fi")]
    ['@mikko_h']
    """
    if "@" not in text:  # most texts: no search
        return []
    return [PiiSpan(m.start(), m.end(), "handle", m.group(0)) for m in _handle_re().finditer(text)]


# ---------------------------------------------------------------------------------------------
# IBAN
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _iban_re() -> re.Pattern[str]:
    d = _dashes()
    # groups of four separated by spaces or dashes ("FI21 1234 5600 0007 85", "FI21-1234-...")
    return re.compile(rf"(?<![\w{d}])([A-Za-z]{{2}})(\d{{2}})((?:[ {d}]?[A-Za-z0-9]){{10,32}})")


def iban_is_valid(iban: str) -> bool:
    """ISO 13616 mod-97 check of an IBAN (spaces allowed).

    Examples
    --------
    >>> iban_is_valid("SE45 5000 0000 0583 9825 7466"), iban_is_valid("FI21 1234 5600 0007 86")
    (True, False)
    """
    compact = re.sub(r"\s+", "", _hyphenated(iban)).replace("-", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", compact):
        return False
    expected = patterns()["iban"]["lengths"].get(compact[:2])
    if expected is not None and len(compact) != expected:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def find_ibans(text: str) -> list[PiiSpan]:
    """IBANs, with or without spaces; mod-97 failures of a known country are kept as invalid."""
    cfg = patterns()["iban"]
    lengths: dict[str, int] = cfg["lengths"]
    spans: list[PiiSpan] = []
    pos = 0
    # a manual scan: the greedy pattern may run into the next account number, so the search
    # resumes right after the span actually taken
    while (match := _iban_re().search(text, pos)) is not None:
        pos = match.start() + 1
        country = match.group(1).upper()
        if not match.group(1).isupper() and country not in lengths:
            continue
        wanted = lengths.get(country)
        # walk the characters until the expected length (or the longest valid prefix)
        chars = 0
        ends: dict[int, int] = {}
        for offset in range(match.start(), match.end()):
            if text[offset].isalnum():  # not the spaces and dashes between the groups
                chars += 1
                ends[chars] = offset + 1
        candidates = [wanted] if wanted else range(min(chars, cfg["max_length"]), 14, -1)
        for length in candidates:
            end = ends.get(length)
            if end is None:
                continue
            if end < len(text) and text[end].isalnum():
                continue  # the account number goes on: not this length
            value = text[match.start() : end]
            valid = iban_is_valid(value)
            if valid or wanted:
                score = 1.0 if valid else float(cfg["invalid_score"])
                spans.append(PiiSpan(match.start(), end, "iban", value, valid, score))
                pos = end
                break
    return spans


# ---------------------------------------------------------------------------------------------
# Street addresses, postal codes, vehicle registration numbers
# ---------------------------------------------------------------------------------------------
_UPPER = "A-ZÅÄÖÜ"
_LOWER = "a-zåäöüé"


@lru_cache(maxsize=1)
def _address_re() -> re.Pattern[str]:
    cfg = patterns()["address"]
    prefixes = "|".join(re.escape(w) for w in cfg["street_prefix_words"])
    flat_words = sorted(cfg["apartment_words"], key=len, reverse=True)
    apartment = "|".join(re.escape(w) for w in flat_words)
    # the street word is any capitalised word here; find_addresses keeps those that end in a
    # street suffix (one string test instead of a regular alternation of a hundred suffixes
    # tried at every letter)
    return re.compile(
        rf"(?<![\w\-])(?:(?:{prefixes})\s)?"
        rf"(?P<street>(?=[{_UPPER}])[{_LOWER}{_UPPER}\-]+)"
        rf"\s(?P<number>\d{{1,3}}(?:\s?-\s?\d{{1,3}})?)(?!\d)"
        rf"(?P<stair>(?:\s[A-H]|[a-hA-H])(?![\w]))?"
        rf"(?P<flat>(?:\s?(?:{apartment})\s?\d{{1,3}}|(?(stair)\s?\d{{1,3}}|(?!)))(?![\w]))?"
        rf"(?P<after>\s?[^\s\d]*)"
    )


@lru_cache(maxsize=1)
def _address_exclusions() -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """Words that are no street name, words after a number that make it no house number, and
    the endings of street names."""
    cfg = patterns()["address"]
    not_streets = frozenset(w.casefold() for w in cfg["not_streets"])
    units = frozenset(w.casefold() for w in cfg["number_not_followed_by"])
    suffixes = tuple(s.casefold() for s in cfg["street_suffixes_fi"] + cfg["street_suffixes_sv"])
    return not_streets, units, suffixes


def find_addresses(text: str) -> list[PiiSpan]:
    """Street addresses with a house number: ``Rauhankatu 5 B 12``, ``Storgatan 3 lgh 4``."""
    not_streets, units, suffixes = _address_exclusions()
    spans = []
    pattern, pos = _address_re(), 0
    while (match := pattern.search(text, pos)) is not None:
        # a capitalised word and a number that is no address ("Kela 5") must not swallow an
        # address right after it: the search goes on after the word, not after the match
        pos = match.end("street")
        street = match.group("street").casefold()
        if street in not_streets or not street.endswith(suffixes):
            continue
        pos = match.end()
        after = match.group("after").strip().rstrip(".,;:!?)").casefold()
        if match.group("flat") is None and match.group("stair") is None and after in units:
            continue  # "Kantatie 5 km", "... 3 vuotta": a distance or count
        end = max(match.end("number"), match.end("stair"), match.end("flat"))
        spans.append(PiiSpan(match.start(), end, "address", text[match.start() : end], None, 0.9))
    return spans


_POSTAL_RE = re.compile(
    rf"(?<![\w\-,.])(?:FI-)?\d{{5}}\s(?P<place>[{_UPPER}][{_LOWER}{_UPPER}]+"
    rf"(?:[\- ][{_UPPER}][{_LOWER}{_UPPER}]+)?)(?![\w])"
)


def find_postal_codes(text: str, stop: frozenset[str] = frozenset()) -> list[PiiSpan]:
    """A five-digit postal code followed by a place name: ``20100 Turku``, ``65100 Vasa``.

    ``stop`` holds case-folded words (institutions) that cannot be the place.
    """
    not_places = {w.casefold() for w in patterns()["postal_code"]["not_places"]}
    spans = []
    for match in _POSTAL_RE.finditer(text):
        place = match.group("place")
        first = place.split()[0].split("-")[0].casefold()
        if first in not_places or first in stop:
            continue
        end = match.end()
        # a two-word "place" whose second word is ordinary text: keep only the first word
        if " " in place and place.split()[1].casefold() in stop:
            end = match.start("place") + len(place.split()[0])
        spans.append(PiiSpan(match.start(), end, "postal_code", text[match.start() : end]))
    return spans


_VEHICLE_RE = re.compile(rf"(?<![\w\-])([{_UPPER}]{{2,3}})-(\d{{1,3}})(?![\w\-])")


def find_vehicles(text: str) -> list[PiiSpan]:
    """Finnish registration plates: ``ABC-123``, ``AB-1`` (abbreviations like SHL-11 excluded)."""
    not_plates = {w.upper() for w in patterns()["vehicle"]["not_plates"]}
    return [
        PiiSpan(m.start(), m.end(), "vehicle", m.group(0), None, 0.9)
        for m in _VEHICLE_RE.finditer(text)
        if m.group(1) not in not_plates and not m.group(2).startswith("0")
    ]
