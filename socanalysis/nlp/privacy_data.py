"""Data for the privacy detectors: spans, and the YAML lists they read, loaded once.

The lists live in ``socanalysis/nlp/data/privacy_*.yaml`` so that a county can extend them
without touching code.

Examples
--------
>>> span = PiiSpan(0, 11, "hetu", "131052-308T", True, 1.0)
>>> span.length
11
>>> PRIVACY_TYPES[0]
'hetu'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from socanalysis.errors import ConfigError

DATA_DIR = Path(__file__).with_name("data")

#: every type find_pii() reports, in the order used for tables
PRIVACY_TYPES: tuple[str, ...] = (
    "hetu",
    "phone",
    "email",
    "iban",
    "address",
    "postal_code",
    "vehicle",
    "name",
    "url",
    "handle",
)

#: languages that have their own placeholders
PLACEHOLDER_LANGUAGES: tuple[str, ...] = ("fi", "sv")


@dataclass(frozen=True, order=True)
class PiiSpan:
    """One piece of personal data found in a text.

    Attributes
    ----------
    start, end : int
        Character offsets in the text (``text[start:end] == self.text``).
    type : str
        One of :data:`PRIVACY_TYPES`.
    text : str
        The characters found (never write this anywhere people read).
    valid : bool or None
        For identifiers with a check (hetu, IBAN): whether date and checksum are right. A wrong
        one is still masked as a likely identifier. ``None`` where no check exists.
    score : float
        Confidence in 0..1 (1.0 for a checked identifier, lower for heuristics).
    """

    start: int
    end: int
    type: str
    text: str
    valid: bool | None = None
    score: float = 1.0

    @property
    def length(self) -> int:
        return self.end - self.start


def _read_yaml(name: str) -> dict[str, Any]:
    from socanalysis._yaml import safe_load_yaml

    path = DATA_DIR / name
    try:
        with path.open(encoding="utf-8") as handle:
            data = safe_load_yaml(handle)
    except FileNotFoundError as exc:  # pragma: no cover - broken installation
        raise ConfigError(f"privacy data file {path} is missing; reinstall socanalysis") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"privacy data file {path} must hold a mapping at the top level")
    return data


@lru_cache(maxsize=1)
def patterns() -> dict[str, Any]:
    """Parameters of the structured detectors and the placeholders (privacy_patterns.yaml)."""
    data = _read_yaml("privacy_patterns.yaml")
    placeholders = data.get("placeholders", {})
    for lang in PLACEHOLDER_LANGUAGES:
        missing = set(PRIVACY_TYPES) - set(placeholders.get(lang, {}))
        if missing:
            raise ConfigError(
                f"privacy_patterns.yaml: placeholders for {lang!r} lack {sorted(missing)}"
            )
    return data


_PLAIN = str.maketrans("äöåÄÖÅ", "aoaAOA")


def _word_set(words: list[Any]) -> frozenset[str]:
    """Case-folded words plus their spelling without ä/ö/å (reports are often typed that way)."""
    folded = {str(w).casefold() for w in words}
    return frozenset(folded | {w.translate(_PLAIN) for w in folded})


@lru_cache(maxsize=1)
def name_lists() -> dict[str, frozenset[str]]:
    """Name lists and context cues (privacy_names.yaml), case-folded, also without ä/ö/å."""
    data = _read_yaml("privacy_names.yaml")
    return {key: _word_set(words) for key, words in data.items()}


@lru_cache(maxsize=1)
def stop_words() -> dict[str, frozenset[str]]:
    """Words never masked as names (privacy_stoplist.yaml), per group, also without ä/ö/å."""
    data = _read_yaml("privacy_stoplist.yaml")
    return {key: _word_set(words) for key, words in data.items()}
