"""UI strings of the human-readable outputs in Finnish, Swedish and English, and category labels.

The strings live in ``data/ui_strings.yaml``. Category labels (§11 points, sectors) are not UI
strings: they belong to the taxonomies, so the writers take them as a mapping ``key -> label``
(or ``key -> {"fi": ..., "sv": ...}``, or a taxonomy object with ``keys()`` and
``label(key, language)``) and :func:`category_labels` turns any of these into ``key -> label``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from socanalysis.config import OUTPUT_LANGUAGES
from socanalysis.errors import ConfigError

#: Where a label is missing in the reader's language, try these in order.
_FALLBACK = {"fi": ("fi", "sv", "en"), "sv": ("sv", "fi", "en"), "en": ("en", "fi", "sv")}


@lru_cache(maxsize=1)
def _strings() -> dict[str, dict[str, dict[str, str]]]:
    from socanalysis._yaml import safe_load_yaml

    text = resources.files("socanalysis.export.data").joinpath("ui_strings.yaml").read_text("utf-8")
    return safe_load_yaml(text)


def check_language(language: str) -> str:
    """Return ``language`` if it is an output language, else raise ConfigError.

    Examples
    --------
    >>> check_language("sv")
    'sv'
    """
    if language not in OUTPUT_LANGUAGES:
        raise ConfigError(
            f"output language {language!r} is not one of: {', '.join(OUTPUT_LANGUAGES)}"
        )
    return language


class UiText:
    """Look-up of UI strings in one language: ``ui("sheets", "themes")``.

    Parameters
    ----------
    language : str
        fi, sv or en.

    Examples
    --------
    >>> ui = UiText("sv")
    >>> ui("sheets", "weak_signals")
    'Svaga signaler'
    >>> ui("report", "period_range", first=ui.date("2024-01-02"), last=ui.date("2025-12-30"))
    'Tidsperiod: 2.1.2024 – 30.12.2025'
    """

    def __init__(self, language: str = "fi") -> None:
        self.language = check_language(language)

    def __call__(self, group: str, key: str, **values: Any) -> str:
        try:
            text = _strings()[group][key][self.language]
        except KeyError:
            raise KeyError(f"no UI string {group}.{key}") from None
        return text.format(**values) if values else text

    def all_languages(self, group: str, key: str) -> tuple[str, ...]:
        """The string in every output language (readers accept any of them)."""
        return tuple(_strings()[group][key][lang] for lang in OUTPUT_LANGUAGES)

    def group(self, group: str) -> dict[str, str]:
        """Every key of a group in this language."""
        return {k: v[self.language] for k, v in _strings()[group].items()}

    def date(self, value: Any) -> str:
        """A date as readers of this language write it (see
        :func:`socanalysis.reader_formats.format_date`).

        Examples
        --------
        >>> UiText("fi").date("2025-09-08"), UiText("en").date("2025-09-08")
        ('8.9.2025', '2025-09-08')
        """
        from socanalysis.reader_formats import format_date

        return format_date(value, self.language)

    def decimal(self, value: float, decimals: int = 2) -> str:
        """A number with this language's decimal mark.

        Examples
        --------
        >>> UiText("sv").decimal(0.8167)
        '0,82'
        """
        from socanalysis.reader_formats import format_decimal

        return format_decimal(value, self.language, decimals)


def ui_groups() -> dict[str, dict[str, dict[str, str]]]:
    """All UI strings: group -> key -> language -> text (a copy)."""
    return {g: {k: dict(v) for k, v in keys.items()} for g, keys in _strings().items()}


def category_labels(source: Any, language: str = "fi") -> dict[str, str]:
    """Turn a label source into ``key -> label`` in ``language``; keys become strings.

    Parameters
    ----------
    source : mapping, taxonomy object or None
        ``{key: "label"}``, ``{key: {"fi": ..., "sv": ...}}`` (also under a ``label`` entry) or
        an object with ``keys()`` and ``label(key, language)``. ``None`` gives an empty mapping.
    language : str
        fi, sv or en; a missing language falls back to the other two.

    Examples
    --------
    >>> category_labels({3: {"fi": "taloudellinen tuki", "sv": "ekonomiskt stöd"}}, "sv")
    {'3': 'ekonomiskt stöd'}
    >>> category_labels({"kela": {"label": {"fi": "Kela", "sv": "FPA"}}}, "en")
    {'kela': 'Kela'}
    """
    check_language(language)
    if source is None:
        return {}
    if not isinstance(source, Mapping) and hasattr(source, "label") and hasattr(source, "keys"):
        return {str(k): str(source.label(k, language)) for k in _taxonomy_keys(source)}
    if not isinstance(source, Mapping):
        raise ConfigError(
            f"category labels must be a mapping key -> label or a taxonomy, not {type(source)!r}"
        )
    labels = {}
    for key, value in source.items():
        labels[str(key)] = _pick_label(value, language, key)
    return labels


def category_descriptions(source: Any, language: str = "fi") -> dict[str, str]:
    """``key -> description`` where the source has descriptions, else empty strings.

    Examples
    --------
    >>> category_descriptions({"2": {"label": "asuminen", "description": {"fi": "Asunto."}}})
    {'2': 'Asunto.'}
    """
    if source is None:
        return {}
    if not isinstance(source, Mapping) and hasattr(source, "category"):
        out = {}
        for key in _taxonomy_keys(source):
            described = getattr(source.category(key), "description", None)
            out[str(key)] = _pick_label(described, language, key) if described else ""
        return out
    out = {}
    for key, value in source.items():
        described = value.get("description") if isinstance(value, Mapping) else None
        out[str(key)] = _pick_label(described, language, key) if described else ""
    return out


def _taxonomy_keys(taxonomy: Any) -> list[Any]:
    keys = taxonomy.keys  # a property (socanalysis.classify.Taxonomy) or a method
    return list(keys() if callable(keys) else keys)


def _pick_label(value: Any, language: str, key: Any) -> str:
    if isinstance(value, Mapping):
        if "label" in value:
            return _pick_label(value["label"], language, key)
        for lang in _FALLBACK[language]:
            if value.get(lang):
                return str(value[lang])
        return str(key)
    return str(value) if value not in (None, "") else str(key)


def taxonomy_text(record: Mapping[str, Any], language: str = "fi", digest: bool = False) -> str:
    """One line naming the category list a run used (``taxonomies`` in run.json): its title
    in ``language`` (else its first title, else its name), then its name, source and, with
    ``digest``, the first 12 characters of its content hash.

    Examples
    --------
    >>> taxonomy_text({"name": "pohjanmaa", "title": {"fi": "Toimialat", "sv": "Sektorer"},
    ...     "source": "verkosto 2025", "sha256": "0123456789abcdef"}, "sv", digest=True)
    'Sektorer (pohjanmaa; verkosto 2025; sha256 0123456789ab)'
    """
    titles = record.get("title") or {}
    name = str(record.get("name", ""))
    title = titles.get(language) or next(iter(titles.values()), "") or name
    details = [name] if title != name else []
    if record.get("source"):
        details.append(str(record["source"]))
    if digest and record.get("sha256"):
        details.append(f"sha256 {str(record['sha256'])[:12]}")
    return f"{title} ({'; '.join(details)})" if details else str(title)
