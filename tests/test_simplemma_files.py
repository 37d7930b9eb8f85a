"""Our decoder of simplemma's shipped dictionaries against simplemma's own, and on hand-made
streams that use every part of the format."""

from __future__ import annotations

import pytest
from simplemma.strategies.dictionaries.dictionary_factory import (
    _load_dictionary_from_disk,
)

from socanalysis.nlp.simplemma_files import (
    FRONT_CODED_MAGIC,
    DecodedDictionary,
    decode_front_coded,
    read_dictionary,
)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _encode(pairs: list[tuple[bytes, bytes]], *, reverse: bool = False) -> bytes:
    """A stream in simplemma's format (written for this test from the format's description):
    forms sorted and front-coded, each lemma stored as "same as before", as an edit of its
    form (drop the last n bytes, add the rest) or in full."""
    if reverse:
        pairs = [(form[::-1], lemma[::-1]) for form, lemma in pairs]
    pairs = sorted(pairs)
    out = bytearray(FRONT_CODED_MAGIC + bytes([1 if reverse else 0]) + _varint(len(pairs)))
    previous_form = previous_lemma = b""
    for form, lemma in pairs:
        shared = 0
        while shared < min(len(form), len(previous_form)) and (
            form[shared] == previous_form[shared]
        ):
            shared += 1
        out += _varint(shared) + _varint(len(form) - shared) + form[shared:]
        if lemma == previous_lemma and previous_form:
            out.append(254)
        else:
            common = 0
            while common < min(len(form), len(lemma)) and form[common] == lemma[common]:
                common += 1
            trim = len(form) - common
            if trim >= 254:
                out += bytes([255]) + _varint(len(lemma)) + lemma
            else:
                out += bytes([trim]) + _varint(len(lemma) - common) + lemma[common:]
        previous_form, previous_lemma = form, lemma
    return bytes(out)


PAIRS = [
    (b"talo", b"talo"),
    (b"talot", b"talo"),  # same lemma as the record before
    (b"taloissa", b"talo"),
    ("bostäderna".encode(), b"bostad"),  # an edit with non-ASCII bytes
    (b"x" * 300, b"y"),  # a length of two varint bytes, and a lemma stored in full
    (b"a" * 260, b"a" * 3),  # a trim over 253 bytes: stored in full
    (b"", b""),  # the empty form
]


@pytest.mark.parametrize("reverse", [False, True])
def test_hand_made_streams_decode_to_their_pairs(reverse):
    decoded = decode_front_coded(_encode(PAIRS, reverse=reverse))
    assert dict(decoded.items()) == dict(PAIRS)
    assert len(decoded) == len(PAIRS)


@pytest.mark.parametrize("lang", ["ms", "nn"])
def test_the_shipped_dictionaries_decode_as_simplemma_decodes_them(lang):
    ours = read_dictionary(lang)
    theirs = _load_dictionary_from_disk(lang)
    assert ours.forms == list(theirs)  # the same forms in the same order, none repeated
    assert ours.lemmas == list(theirs.values())
    assert len(ours) > 15_000


def test_damaged_streams_are_refused_with_a_reason():
    stream = _encode(PAIRS)
    with pytest.raises(ValueError, match="not a SMFC1"):
        decode_front_coded(b"SMFC2" + stream[5:])
    with pytest.raises(ValueError, match="truncated"):
        decode_front_coded(stream[:-3])
    header_says_more = FRONT_CODED_MAGIC + bytes([0]) + _varint(len(PAIRS) + 1)
    with pytest.raises(ValueError, match="7 records, its header says 8"):
        decode_front_coded(header_says_more + stream[len(header_says_more) :])


def test_from_mapping_keeps_the_order():
    mapping = {b"b": b"x", b"a": b"y"}
    decoded = DecodedDictionary.from_mapping(mapping)
    assert decoded.forms == [b"b", b"a"] and list(decoded.items()) == list(mapping.items())


def test_a_stream_of_another_format_goes_through_simplemma(monkeypatch):
    from simplemma.strategies.dictionaries import dictionary_factory

    real = dictionary_factory._read_decompressed
    monkeypatch.setattr(dictionary_factory, "_read_decompressed", lambda lang: b"SMFC9")
    monkeypatch.setattr(dictionary_factory, "_load_dictionary_from_disk", lambda lang: {b"a": b"b"})
    assert list(read_dictionary("ms").items()) == [(b"a", b"b")]
    monkeypatch.setattr(dictionary_factory, "_read_decompressed", real)
    assert len(read_dictionary("ms")) > 15_000
