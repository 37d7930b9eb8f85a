"""One language per text: the ``languages`` argument of the per-text stages, checked once.

The lemmatiser and the masker take either one language for every text or one per text; this
module turns both forms into a list and says clearly when the lengths do not match.
"""

from __future__ import annotations

from collections.abc import Sequence

from socanalysis.errors import InputError


def per_text_languages(
    languages: str | Sequence[str | None] | None, n_texts: int, caller: str
) -> list[str | None]:
    """``languages`` as one entry per text (a single value, or None, is used for every text).

    Raises :class:`~socanalysis.errors.InputError`, naming ``caller``, when a sequence has
    another length than the texts.

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
        return [languages] * n_texts
    per_text = list(languages)
    if len(per_text) != n_texts:
        raise InputError(
            f"{caller} got {n_texts} texts but {len(per_text)} languages; pass one language per "
            "text or a single language for all."
        )
    return per_text
