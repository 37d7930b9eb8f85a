"""Clean one text cell without losing what the reporter wrote.

Only what is certainly not part of the report goes: HTML left by a web form, zero-width and
control characters. Each removal is recorded as a note on the row.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,5}|#x[0-9a-fA-F]{2,4});")
_BREAKS = re.compile(r"<\s*(?:br|/p|/div|/li|/h\d|tr)\s*/?>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<\s*li(?:\s[^<>]*)?>", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_EXCEL_ERRORS = frozenset({"#VALUE!", "#REF!", "#N/A", "#NAME?", "#DIV/0!", "#NULL!", "#NUM!"})
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


@dataclass
class CleanText:
    """A cleaned cell with what was done to it and whether it is readable at all."""

    text: str
    notes: list[str] = field(default_factory=list)
    unreadable: str = ""


def cell_to_text(value: Any) -> str:
    """Turn a cell value into text; whole floats lose their ``.0``.

    Examples
    --------
    >>> cell_to_text(12.0), cell_to_text(None), cell_to_text(" a ")
    ('12', '', ' a ')
    """
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value)


def clean_text(value: Any) -> CleanText:
    """Strip HTML remnants and invisible characters; flag cells that cannot be read.

    Examples
    --------
    >>> clean_text("Asumis&shy;tuki<br>loppui &amp; vuokra").text
    'Asumistuki\\nloppui & vuokra'
    >>> clean_text("#REF!").unreadable
    'the cell holds the Excel error #REF!'
    """
    text = cell_to_text(value)
    notes: list[str] = []
    if text.strip() in _EXCEL_ERRORS:
        return CleanText("", notes, f"the cell holds the Excel error {text.strip()}")
    if _TAG.search(text) or _ENTITY.search(text):
        text = _LIST_ITEM.sub("\n- ", _BREAKS.sub("\n", text))
        text = html.unescape(_TAG.sub(" ", text))
        notes.append("HTML removed")
    invisible = _INVISIBLE.findall(text)
    control = [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t\r"]
    if invisible or control:
        text = _INVISIBLE.sub("", text)
        text = "".join(c for c in text if c not in control)
        notes.append(f"{len(invisible) + len(control)} invisible or control characters removed")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in text.split("\n"))).strip()
    replaced = text.count("\ufffd")
    if replaced and replaced >= max(3, len(text) // 20):
        return CleanText(
            text,
            notes,
            "the text contains characters that could not be decoded; re-export the file as UTF-8",
        )
    if replaced:
        # a few are kept, the text is still worth reading, but a letter may be missing
        notes.append(
            f"{replaced} character{'s' if replaced > 1 else ''} could not be decoded (shown "
            "as \ufffd); re-export the file as UTF-8 if a letter is missing"
        )
    return CleanText(text, notes)


def count_letters(text: str) -> int:
    """Number of alphabetic characters, the measure of whether a text says anything.

    Examples
    --------
    >>> count_letters("ok!"), count_letters("12 €")
    (2, 0)
    """
    return sum(ch.isalpha() for ch in text)


def dedup_key(text: str) -> str:
    """Key under which two texts count as the same report (case and spacing ignored)."""
    return " ".join(text.casefold().split())
