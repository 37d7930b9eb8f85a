"""simplemma's shipped dictionary files, decoded into two lists instead of a dict.

simplemma 2 ships each language as an lzma-compressed, front-coded stream (format ``SMFC1``):
the forms sorted, each stored as the number of leading bytes it shares with the previous form
plus the rest, and each lemma as an edit of its own form. simplemma decodes a stream into a
``dict`` through a generator, about 0.8 µs per form (2.9 s for Finnish's 3.5 million). The
caches built from it (language tables, lemmatiser tries) only walk the pairs once, so
:func:`read_dictionary` decodes the same stream in one loop into a list of forms and a list of
lemmas: about half the time (1.5 s for Finnish), the same pairs in the same order
(tests/test_simplemma_files.py compares them with simplemma's own decoder).

A stream in a format this module does not know, or a simplemma without the private reader,
goes through simplemma's own decoder instead: slower, same pairs.

Examples
--------
>>> decoded = read_dictionary("ms")
>>> len(decoded) > 10_000, decoded.forms[:2] == sorted(decoded.forms[:2])
(True, True)
>>> dict(decoded.items())[b"rumahnya"]
b'rumah'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

__all__ = ["FRONT_CODED_MAGIC", "DecodedDictionary", "decode_front_coded", "read_dictionary"]

#: The stream format :func:`decode_front_coded` reads (simplemma 2's ``frontcode`` module).
FRONT_CODED_MAGIC = b"SMFC1"
_REVERSED_KEYS = 0x01  # flag bit: forms (and lemmas) are stored back to front
_SAME_AS_PREVIOUS = 254  # edit byte: the lemma is the previous record's
_LITERAL = 255  # edit byte: the lemma follows in full


@dataclass(frozen=True)
class DecodedDictionary:
    """A decoded dictionary: ``forms[i]`` has the lemma ``lemmas[i]``, both UTF-8 bytes.

    Examples
    --------
    >>> d = DecodedDictionary.from_mapping({b"talot": b"talo"})
    >>> len(d), list(d.items())
    (1, [(b'talot', b'talo')])
    """

    forms: list[bytes]
    lemmas: list[bytes]

    def __len__(self) -> int:
        return len(self.forms)

    def items(self) -> Iterator[tuple[bytes, bytes]]:
        """(form, lemma) pairs, in the stream's order."""
        return zip(self.forms, self.lemmas, strict=True)

    @classmethod
    def from_mapping(cls, mapping: Mapping[bytes, bytes]) -> DecodedDictionary:
        """The pairs of a ``form -> lemma`` mapping (bytes), in its order."""
        return cls(list(mapping), list(mapping.values()))


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """A little-endian base-128 integer at ``pos``: (value, position after it)."""
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def decode_front_coded(data: bytes) -> DecodedDictionary:
    """Decode a decompressed ``SMFC1`` stream.

    Raises
    ------
    ValueError
        When ``data`` is not such a stream, or is truncated or corrupt.

    Examples
    --------
    Two records: "talo" (lemma: the form minus 0 bytes, plus nothing), then "talot" (4
    bytes shared, "t" added; lemma: the previous one).

    >>> header = FRONT_CODED_MAGIC + bytes([0, 2])  # no flags, 2 records
    >>> first = bytes([0, 4]) + b"talo" + bytes([0, 0])
    >>> second = bytes([4, 1]) + b"t" + bytes([254])
    >>> stream = header + first + second
    >>> list(decode_front_coded(stream).items())
    [(b'talo', b'talo'), (b'talot', b'talo')]
    """
    if not data.startswith(FRONT_CODED_MAGIC) or len(data) <= len(FRONT_CODED_MAGIC):
        raise ValueError(f"not a {FRONT_CODED_MAGIC.decode()} front-coded stream")
    reversed_keys = bool(data[len(FRONT_CODED_MAGIC)] & _REVERSED_KEYS)
    try:
        count, pos = _varint(data, len(FRONT_CODED_MAGIC) + 1)
        forms, lemmas = _records(data, pos)
    except IndexError:  # a length, varint or edit byte runs past the end
        raise ValueError("truncated front-coded stream") from None
    if len(forms) != count:
        raise ValueError(f"front-coded stream has {len(forms)} records, its header says {count}")
    if reversed_keys:
        forms = [form[::-1] for form in forms]
        lemmas = [lemma[::-1] for lemma in lemmas]
    return DecodedDictionary(forms, lemmas)


def _records(data: bytes, pos: int) -> tuple[list[bytes], list[bytes]]:
    """The (stored) forms and lemmas of the records from ``pos`` to the end.

    One flat loop with the one-byte lengths read inline: nearly every length is under 128,
    and a function call or a generator step per record is what makes the general decoder slow.
    """
    n = len(data)
    forms: list[bytes] = []
    lemmas: list[bytes] = []
    add_form, add_lemma = forms.append, lemmas.append
    form = lemma = b""
    while pos < n:
        shared = data[pos]
        if shared < 0x80:
            pos += 1
        else:
            shared, pos = _varint(data, pos)
        rest = data[pos]
        if rest < 0x80:
            pos += 1
        else:
            rest, pos = _varint(data, pos)
        end = pos + rest
        if end > n:
            raise IndexError
        form = form[:shared] + data[pos:end]
        edit = data[end]
        pos = end + 1
        if edit != _SAME_AS_PREVIOUS:
            size = data[pos]
            if size < 0x80:
                pos += 1
            else:
                size, pos = _varint(data, pos)
            end = pos + size
            if end > n:
                raise IndexError
            # the lemma is the form minus its last `edit` bytes plus the stored ending
            lemma = data[pos:end] if edit == _LITERAL else form[: len(form) - edit] + data[pos:end]
            pos = end
        add_form(form)
        add_lemma(lemma)
    return forms, lemmas


def read_dictionary(lang: str) -> DecodedDictionary:
    """simplemma's shipped dictionary of ``lang``, decoded (form -> lemma, UTF-8).

    Raises
    ------
    ValueError
        For a language simplemma does not ship.
    """
    try:
        from simplemma.strategies.dictionaries.dictionary_factory import _read_decompressed
    except ImportError:  # pragma: no cover - the private reader moved: the public path
        return _through_simplemma(lang)
    data = _read_decompressed(lang)
    if not data.startswith(FRONT_CODED_MAGIC):  # a format this module does not know
        return _through_simplemma(lang)
    return decode_front_coded(data)


def _through_simplemma(lang: str) -> DecodedDictionary:
    """The same pairs through simplemma's own (slower) decoder."""
    try:
        from simplemma.strategies.dictionaries.dictionary_factory import (
            _load_dictionary_from_disk,
        )
    except ImportError:
        from simplemma.strategies.dictionaries import DefaultDictionaryFactory

        mapping = DefaultDictionaryFactory(cache_max_size=1).get_dictionary(lang)
        return DecodedDictionary(
            [form.encode() for form in mapping], [mapping[form].encode() for form in mapping]
        )
    return DecodedDictionary.from_mapping(_load_dictionary_from_disk(lang))
