"""The text a report's vector is computed from: its masked text without the masks.

Masking replaces identifiers with placeholders such as ``[NIMI]``, ``[PUHELIN]`` or ``[HETU]``
(:mod:`socanalysis.nlp.privacy`). Those words say which identifiers a report contained, not what
it is about, yet an embedding model reads them like any other word: in the sample data, reports
from six different gold themes that each mention a masked name and phone number formed a theme
of their own (docs/themes.md, "Placeholders are not content"). The keyword analyzer already
ignores them (``placeholder_pattern`` in ``nlp/data/lemma_common.yaml``); vectors for themes and
categories ignore them the same way, with the same pattern.

Examples
--------
>>> texts_for_embedding(["Omaishoitaja [NIMI], puh. [PUHELIN], toivoo yhteydenottoa."])
['Omaishoitaja, puh., toivoo yhteydenottoa.']
>>> texts_for_embedding(["Ei tunnisteita."])
['Ei tunnisteita.']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["embedded_lengths", "texts_for_embedding"]


@lru_cache(maxsize=1)
def _placeholder_with_space() -> re.Pattern[str]:
    from socanalysis.nlp.lemmas import _identifier_patterns

    # the space before a mask goes with it, so "puh. [PUHELIN]," leaves "puh.,"
    return re.compile(r"\s*(?:" + _identifier_patterns()[1].pattern + ")")


def texts_for_embedding(texts: Iterable[str]) -> list[str]:
    """Masked report texts with every placeholder removed, in order.

    Parameters
    ----------
    texts : iterable of str
        Masked texts (``text_masked``).

    Returns
    -------
    list of str
        The same texts without placeholders; a text without any is returned unchanged, so its
        cached vector is reused.
    """
    pattern = _placeholder_with_space()
    return [pattern.sub("", text) if "[" in text else text for text in texts]


def embedded_lengths(texts: Iterable[str]) -> list[int]:
    """Length in characters of the text each vector is computed from (placeholders removed).

    Examples
    --------
    >>> embedded_lengths(["Asunto [NIMI] puuttuu.", "Ei tunnisteita."])
    [15, 15]
    """
    return [len(text) for text in texts_for_embedding(texts)]
