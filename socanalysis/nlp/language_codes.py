"""The language labels a report can carry, and reading them from a table someone made by hand.

:func:`socanalysis.detect_languages` writes one of :data:`REPORT_LANGUAGES`; the building blocks
that take a ``language`` column (themes, weak signals) read it with :func:`report_languages`, so
that ``"FI"`` or ``" sv "`` from a researcher's own table mean what they say instead of silently
turning off the Finnish or Swedish keywords and centring.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["REPORT_LANGUAGES", "report_languages"]

#: What a report's ``language`` can be; a report in a third language is ``other`` and carries
#: its ISO code in ``other_language``.
REPORT_LANGUAGES: tuple[str, ...] = ("fi", "sv", "mixed", "other", "unknown")


def report_languages(values: Iterable[Any], ids: Sequence[Any] | None = None) -> list[str]:
    """Language labels in canonical form: lower case, empty or missing as ``"unknown"``.

    Parameters
    ----------
    values : iterable
        One label per report.
    ids : sequence, optional
        Report ids, to name the report in an error.

    Returns
    -------
    list of str

    Raises
    ------
    InputError
        For a label that is none of :data:`REPORT_LANGUAGES`, naming the report.

    Examples
    --------
    >>> report_languages(["FI", " sv", None, "", "Mixed"])
    ['fi', 'sv', 'unknown', 'unknown', 'mixed']
    """
    from socanalysis.errors import InputError
    from socanalysis.nlp.per_text import is_missing

    labels = []
    for position, value in enumerate(values):
        if is_missing(value):
            labels.append("unknown")
            continue
        label = str(value).strip().lower() or "unknown"
        if label not in REPORT_LANGUAGES:
            who = f"report number {position + 1}" if ids is None else f"report {ids[position]!r}"
            raise InputError(
                f"{who} has the language {value!r}; the language column takes "
                f"{', '.join(REPORT_LANGUAGES)} (a report in a third language is 'other', with "
                "its code in an other_language column). Run socanalysis.detect_languages on the "
                "texts, or map your column to these values."
            )
        labels.append(label)
    return labels
