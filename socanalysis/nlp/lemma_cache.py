"""On-disk cache of the lemma terms of texts, so a run on reports seen before needs no spaCy.

:class:`~socanalysis.nlp.analyzer.LemmaAnalyzer` keeps the terms of every text it analysed in
memory for the rest of the process. ``analyze`` also keeps them on disk while it runs (see
:func:`lemma_disk_cache`), next to the embedding cache: a second run on the same reports (the
coordinator's run the morning after, with a few reports added) then reads the terms instead of
importing spaCy, building its pipelines and lemmatising every report again, about 1.5 s of a
fresh 1 000-report run on the 2-core machine (docs/performance.md).

What is stored: per text, the 16-byte BLAKE2b hash of its normalised text and its terms, keyed
by a *namespace* that names the languages and settings of the analyzer and a fingerprint of
everything the terms depend on (the lemmatiser's code and data files, the spaCy, simplemma and
Unicode versions). A change to any of them starts a new namespace, so stale terms are never
read. The texts the pipeline lemmatises are masked (names, identity codes, addresses and
contacts replaced by placeholders), and the terms leave out stop words and identifiers: the
cache holds the same words as the masked text in reports.csv. It is safe to delete at any time;
``use_cache=False`` turns it off together with the embedding cache.

Examples
--------
>>> import tempfile
>>> cache = LemmaCache(tempfile.mkdtemp())
>>> keys = [b"k" * 16, b"q" * 16]
>>> cache.store("fi|toy", keys[:1], [("asunto", "puuttua")])
1
>>> cache.lookup("fi|toy", keys)
{0: ('asunto', 'puuttua')}
>>> cache.lookup("sv|toy", keys)
{}
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from socanalysis.nlp.sqlite_store import DigestStore, active_store, files_fingerprint

CACHE_FILENAME = "lemmas-v1.sqlite3"
# what the terms of a text depend on besides the text and the analyzer's settings
_CODE = ("normalize.py", "tokens.py", "lemmas.py", "analyzer.py", "dictionaries.py")
_DATA = (
    "abbreviations.yaml", "lemma_common.yaml", "lemma_fi.yaml", "lemma_sv.yaml",
    "stopwords_fi.yaml", "stopwords_sv.yaml",
)  # fmt: skip
_DISTRIBUTIONS = ("socanalysis", "spacy", "simplemma")


class LemmaCacheWarning(UserWarning):
    """The lemma cache could not be used; the terms are computed without it."""


class LemmaCache(DigestStore):
    """Lemma terms of texts in one SQLite file under ``directory``.

    Parameters
    ----------
    directory : str or Path
        Folder of the cache file (``<cache root>/lemmas`` in the pipeline).
    """

    table, value_column, filename = "terms", "terms", CACHE_FILENAME
    warning = LemmaCacheWarning
    what = "lemma cache"

    def decode(self, stored: str) -> tuple[str, ...]:
        """Stored terms as a tuple."""
        return tuple(json.loads(stored))


@cache
def fingerprint() -> str:
    """Hash of everything a text's terms depend on besides the text and the settings.

    The lemmatiser's source files and data files, the installed socanalysis, spaCy and
    simplemma versions and Python's Unicode database: editing a stop word list or upgrading
    spaCy gives a new fingerprint, so terms cached before are not used.

    Examples
    --------
    >>> len(fingerprint())
    16
    """
    here = Path(__file__).parent
    files = [here / name for name in _CODE] + [here / "data" / name for name in _DATA]
    return files_fingerprint(files, _DISTRIBUTIONS)


# the cache lemmatize_texts consults, set by lemma_disk_cache (None: memory only)
_active: dict[str, LemmaCache | None] = {"cache": None}


def active_lemma_cache() -> LemmaCache | None:
    """The lemma cache in use in this process, or None (see :func:`lemma_disk_cache`)."""
    return _active["cache"]


@contextlib.contextmanager
def lemma_disk_cache(root: str | os.PathLike[str] | None) -> Iterator[LemmaCache | None]:
    """Keep lemma terms on disk, under ``<root>/lemmas``, while the block runs.

    ``analyze`` wraps its stages in this (unless ``use_cache=False``); any code that calls
    :class:`~socanalysis.nlp.analyzer.LemmaAnalyzer` can do the same. ``root`` is the
    socanalysis cache folder (``AnalysisConfig.cache_dir``); None uses the default one
    (:mod:`socanalysis.cache_root`), and with disk caches off (``SOCANALYSIS_CACHE_DIR=""``)
    the block runs without a lemma cache and gets None.

    Examples
    --------
    >>> import tempfile
    >>> from socanalysis.nlp.analyzer import lemmatize_texts
    >>> root = tempfile.mkdtemp()
    >>> with lemma_disk_cache(root) as disk:
    ...     lemmatize_texts(["Asunnoista on pulaa"], "fi")
    [['asunto', 'pula']]
    >>> disk.path.exists(), active_lemma_cache() is None
    (True, True)
    """
    with active_store(_active, LemmaCache, "lemmas", root) as disk:
        yield disk  # type: ignore[misc]
