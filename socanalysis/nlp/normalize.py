"""Text normalisation and sentence splitting for unedited social reports.

Reports are typed quickly into web forms: bullet lists with assorted bullet characters, line
breaks instead of full stops, curly and straight quotes mixed, abbreviations with full stops
("esim.", "t.ex.") and dates ("31.12.2024"). The functions here are pure: they return new
strings or offsets and never change the caller's text, so the original report is always kept.

Examples
--------
>>> normalize_text("• Asunnot  kalliita\\n▪ Jonot pitkiä")
'- Asunnot kalliita\\n- Jonot pitkiä'
>>> split_sentences("Esim. ttt:n käsittely kestää 31.12.2024 asti. Asiakas odottaa")
['Esim. ttt:n käsittely kestää 31.12.2024 asti.', 'Asiakas odottaa']
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

__all__ = ["normalize_text", "sentence_spans", "split_sentences"]

_DATA = Path(__file__).with_name("data")

# Characters that mean "a bullet" when they open a line. Dashes are included because people type
# "- " or "– " as bullets; "*" because it is a Markdown habit.
_BULLET_CHARS = "•▪◦‣●○■□►▶➢➤✓✔·∙⁃*–—-"
_BULLET_RE = re.compile(rf"^[ \t]*[{re.escape(_BULLET_CHARS)}]+[ \t]*(?=\S)", re.MULTILINE)
# Numbered or lettered list items: "1.", "2)", "a)", "b." at line start.
_ENUM_RE = re.compile(r"^[ \t]*(?:\d{1,2}|[a-zA-Z])[.)][ \t]+(?=\S)", re.MULTILINE)
_LIST_MARK_RE = re.compile(
    rf"[ \t]*(?:[{re.escape(_BULLET_CHARS)}]+|(?:\d{{1,2}}|[a-zA-Z])[.)])[ \t]+"
    rf"|[ \t]*[{re.escape(_BULLET_CHARS)}]+(?=\S)"
)

_TRANSLATE = str.maketrans(
    {
        # double quotes
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "″": '"',
        # single quotes and apostrophes
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "‹": "'",
        "›": "'",
        "′": "'",
        "`": "'",
        "´": "'",
        # dashes and minus signs
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        # spaces that are not plain spaces
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u3000": " ",
        "\t": " ",
        "\f": "\n",
        "\v": "\n",
        "\u2028": "\n",
        "\u2029": "\n\n",
        # invisible characters that split words for the tokenizer
        "\u00ad": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
        "…": "...",
    }
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SPACES_RE = re.compile(r"[ ]{2,}")
_MANY_BREAKS_RE = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """Return a cleaned copy of a report text.

    Unicode NFC; curly quotes, guillemets and primes to ``"`` and ``'``; all dashes to ``-``;
    bullets at line start (``•``, ``▪``, ``–``, ``*``, ``-`` and similar) to ``"- "``; runs of
    spaces and tabs to one space; line breaks kept (``\\r\\n`` to ``\\n``, at most one empty
    line in a row) because a line break in a report usually ends an item; soft hyphens and
    zero-width characters removed.

    Parameters
    ----------
    text : str
        The report text as written.

    Returns
    -------
    str
        The normalised text. The input is not changed.

    Raises
    ------
    TypeError
        If ``text`` is not a string.

    Examples
    --------
    >>> normalize_text("“Vuokrat” – liian   korkeat\\r\\n\\r\\n\\r\\n* ttt\\u00adhakemus")
    '"Vuokrat" - liian korkeat\\n\\n- ttthakemus'
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize_text expects a str, got {type(text).__name__}")
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # bullets first, while the original dash characters still tell bullets from hyphens
    text = _BULLET_RE.sub("- ", text)
    text = text.translate(_TRANSLATE)
    text = _CONTROL_RE.sub("", text)
    text = _SPACES_RE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_BREAKS_RE.sub("\n\n", text)
    return text.strip()


@lru_cache(maxsize=8)
def _no_split_abbreviations(language: str | None) -> frozenset[str]:
    """Abbreviations that end with a full stop without ending a sentence (lower case, no dot)."""
    from socanalysis._yaml import safe_load_yaml

    with open(_DATA / "abbreviations.yaml", encoding="utf-8") as fh:
        data = safe_load_yaml(fh)
    languages = [language] if language in data else sorted(data)
    words: set[str] = set()
    for lang in languages:
        words.update(str(w).lower().rstrip(".") for w in data[lang].get("no_split", []))
    return frozenset(words)


# A candidate sentence end: terminal punctuation (possibly repeated, possibly followed by a
# closing quote or bracket), then whitespace on the same line.
_END_RE = re.compile(r"[.!?]+[\"')\]]*(?=[ ]+\S)")
_WORD_BEFORE_RE = re.compile(r"(\S+)$")
_LETTERS_RE = re.compile(r"[^\W\d_]")


def _is_list_item(line: str) -> bool:
    return bool(_BULLET_RE.match(line) or _ENUM_RE.match(line))


def _ends_sentence(line: str, end: int, match_text: str, abbreviations: frozenset[str]) -> bool:
    """Decide whether the punctuation ending at ``end`` in ``line`` closes a sentence."""
    if "!" in match_text or "?" in match_text:
        return True
    before = _WORD_BEFORE_RE.search(line[: end - len(match_text)])
    word = before.group(1).lstrip("\"'([") if before else ""
    if word.lower().rstrip(".") in abbreviations or word.lower() in abbreviations:
        return False
    following = line[end:].lstrip()
    first = following[:1]
    if first.isupper() or first in "\"'(-":
        return True
    if first.isdigit():
        # "31. joulukuuta" or "s. 5" are not sentence ends; a number after a full stop rarely
        # starts a sentence in a report, but a date after a real word does ("...asti. 1.1.2025")
        return bool(_LETTERS_RE.search(word)) and len(word) > 3
    # lower case after a full stop: people skip capitals, so a real word (not an initial, not
    # an unknown short abbreviation) before the stop still ends the sentence
    letters = _LETTERS_RE.findall(word)
    return len(letters) >= 4 and len(letters) == len(word) and word.isalpha()


def sentence_spans(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character offsets of the sentences in ``text``.

    Each non-empty line that is a list item (bullet or ``1.``/``a)`` marker) is a sentence of its
    own, without its marker. A line break ends a sentence unless the next line starts in lower
    case and neither line is a list item (a hard-wrapped sentence). Inside a line, ``.``, ``!``
    and ``?`` end a sentence, except after abbreviations listed in ``abbreviations.yaml``
    (``esim.``, ``mm.``, ``t.ex.``, ``bl.a.``, ``ca.`` ...) and inside numbers and dates
    (``31.12.2024``, ``12.30``).

    Parameters
    ----------
    text : str
        Any text; offsets refer to this exact string (normalise first if you want clean output).
    language : {"fi", "sv", None}
        Chooses the abbreviation list; ``None`` (or any other value) uses both.

    Returns
    -------
    list of (int, int)
        Offsets with ``text[start:end]`` stripped of surrounding whitespace and list markers.

    Examples
    --------
    >>> t = "Havainnot:\\n- asunnot kalliita\\n- jonot pitkiä"
    >>> [t[s:e] for s, e in sentence_spans(t, "fi")]
    ['Havainnot:', 'asunnot kalliita', 'jonot pitkiä']
    """
    if not isinstance(text, str):
        raise TypeError(f"sentence_spans expects a str, got {type(text).__name__}")
    abbreviations = _no_split_abbreviations(language)
    # 1) lines -> blocks: a block is a run of lines that belong to one sentence stream
    blocks: list[list[tuple[int, int]]] = []
    offset = 0
    previous_item = True
    for raw in text.split("\n"):
        start, end = offset, offset + len(raw)
        offset = end + 1
        line = raw.strip()
        if not line.strip(_BULLET_CHARS + " \t"):  # empty, or a bullet with nothing after it
            previous_item = True  # an empty line always breaks
            continue
        lead = len(raw) - len(raw.lstrip())
        start += lead
        end = start + len(line)
        is_item = _is_list_item(line)
        if is_item:
            marker = _LIST_MARK_RE.match(line)
            if marker and marker.end() < len(line):
                start += marker.end()
        continues = not is_item and not previous_item and line[:1].islower()
        if continues and blocks:
            blocks[-1].append((start, end))
        else:
            blocks.append([(start, end)])
        previous_item = is_item
    # 2) split each block at sentence-final punctuation; a block's lines stay separate pieces
    spans: list[tuple[int, int]] = []
    for block in blocks:
        sent_start = block[0][0]
        for line_start, line_end in block:
            line = text[line_start:line_end]
            for match in _END_RE.finditer(line):
                if _ends_sentence(line, match.end(), match.group(0), abbreviations):
                    spans.append((sent_start, line_start + match.end()))
                    rest = line[match.end() :]
                    sent_start = line_start + match.end() + (len(rest) - len(rest.lstrip()))
        spans.append((sent_start, block[-1][1]))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """Split a report into sentences; see :func:`sentence_spans` for the rules.

    Parameters
    ----------
    text : str
        Report text (normalised or not).
    language : {"fi", "sv", None}
        Chooses the abbreviation list; ``None`` uses both Finnish and Swedish.

    Returns
    -------
    list of str
        The sentences in order, stripped, list markers removed.

    Examples
    --------
    >>> split_sentences("Klienten fick bl.a. stöd ca. 300 euro. Väntetiden var lång", "sv")
    ['Klienten fick bl.a. stöd ca. 300 euro.', 'Väntetiden var lång']
    >>> split_sentences("• vuokrat nousseet\\n• ttt ei riitä")
    ['vuokrat nousseet', 'ttt ei riitä']
    """
    return [text[s:e].strip() for s, e in sentence_spans(text, language)]
