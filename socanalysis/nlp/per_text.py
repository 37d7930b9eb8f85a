"""The ``texts`` and ``languages`` arguments of the per-text stages, checked once.

The lemmatiser and the masker take a collection of texts, and either one language for every
text or one per text; this module refuses what would be read wrongly (one string would be read
letter by letter), turns both forms of ``languages`` into a list and says clearly when the
lengths do not match. A missing value (None, NaN, pandas' NA) is an empty text or an unknown
language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from socanalysis.errors import InputError


def is_missing(value: Any) -> bool:
    """Whether ``value`` is a missing scalar: None, NaN, pandas' NA or NaT (not a string).

    Examples
    --------
    >>> import pandas as pd
    >>> [is_missing(v) for v in (None, float("nan"), pd.NA, "", "fi", ["fi"])]
    [True, True, True, False, False, False]
    """
    if value is None:
        return True
    if isinstance(value, str):
        return False
    if isinstance(value, float):
        return value != value
    import pandas as pd  # only for values that are neither text nor None: pandas is loaded

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # array-likes: not a missing scalar
        return False


def check_texts(texts: Any, caller: str, one_text: str) -> None:
    """``InputError`` unless ``texts`` is a collection of texts (a list, tuple, Series, ...).

    One string would be read letter by letter, a DataFrame as its column names; ``one_text``
    names what to call for a single text instead.

    Examples
    --------
    >>> check_texts(["Asunnoista on pulaa"], "mask_reports", "mask(text)")
    >>> check_texts("Asunnoista on pulaa", "mask_reports", "mask(text)")
    Traceback (most recent call last):
    ...
    socanalysis.errors.InputError: mask_reports takes a list or Series of texts, not one string; wrap it in a list: mask_reports([text]) (or use mask(text) for one text)
    """  # noqa: E501
    if texts is None or isinstance(texts, (str, bytes)):
        raise InputError(
            f"{caller} takes a list or Series of texts, not "
            f"{'None' if texts is None else 'one string'}; wrap it in a list: {caller}([text]) "
            f"(or use {one_text} for one text)"
        )
    if hasattr(texts, "columns") and hasattr(texts, "iloc"):  # a DataFrame, without pandas
        raise InputError(
            f"{caller} takes a list or Series of texts, not a DataFrame; pass its text column, "
            f"e.g. {caller}(reports['text'])"
        )
    if not isinstance(texts, Iterable):
        raise InputError(
            f"{caller} takes a list or Series of texts, not {type(texts).__name__}; "
            f"e.g. {caller}(['first text', 'second text'])"
        )


def per_text_languages(
    languages: str | Sequence[str | None] | None, n_texts: int, caller: str
) -> list[str | None]:
    """``languages`` as one entry per text (a single value, or None, is used for every text).

    Raises :class:`~socanalysis.errors.InputError`, naming ``caller``, when a sequence has
    another length than the texts, or ``languages`` is neither a language nor a collection.

    Examples
    --------
    >>> per_text_languages("fi", 2, "lemmatize_texts")
    ['fi', 'fi']
    >>> per_text_languages(["fi", "sv"], 2, "mask_reports")
    ['fi', 'sv']
    >>> per_text_languages(["fi"], 2, "mask_reports")
    Traceback (most recent call last):
    ...
    socanalysis.errors.InputError: mask_reports got 2 texts but 1 languages; pass one language per text or a single language for all.
    """  # noqa: E501
    if languages is None or isinstance(languages, str):
        return [_code(languages)] * n_texts
    if not isinstance(languages, Iterable) or isinstance(languages, bytes):
        if is_missing(languages):  # pandas' NA or NaN for all: unknown, as None
            return [None] * n_texts
        raise InputError(
            f"{caller} got languages={languages!r}; pass one language for all texts "
            "('fi', 'sv', or None for unknown) or a list with one language per text."
        )
    per_text = [_code(language) for language in languages]
    if len(per_text) != n_texts:
        raise InputError(
            f"{caller} got {n_texts} texts but {len(per_text)} languages; pass one language per "
            "text or a single language for all."
        )
    return per_text


def _code(language: Any) -> Any:
    """A language label as the dictionaries are keyed: "FI" and " sv " are fi and sv."""
    return language.strip().lower() if isinstance(language, str) else language
