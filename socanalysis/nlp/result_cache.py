"""On-disk cache of each report's language and masking results (and the keyword matcher's word
lemmas), for runs on reports seen before.

The coordinator's run before a meeting reads last month's export again with a few reports
added. Language identification and masking depend on nothing but the text (and, for masking,
its language), so ``analyze`` keeps their results on disk while it runs (see
:func:`result_disk_cache`), next to the embedding and lemma caches: a report seen before costs
one lookup instead of the detector's and the masker's work, and their data files are not even
loaded when every report is found (about 1.4 s of a 1 000-report run on the 2-core machine,
docs/performance.md). The results are the same with and without the cache.

What is stored: per text, the 16-byte BLAKE2b hash of the text (for masking, of its language
and the text) and the result: the language tag and its confidence, or the masked text and the
number of masked spans; per word of the masked texts, the keyword matcher's folded lemma
(:meth:`socanalysis.classify.keywords.KeywordMatcher.prefetch_lemmas`). Never the text as
written: the masked text is what reports.csv shows.
Each kind of result has a namespace that names a fingerprint of everything the results depend
on (:func:`fingerprint`: the language, masking and keyword code and data files, the versions of
socanalysis, lingua, langdetect, simplemma and spaCy, Python's Unicode database) and, for the
language, the seed. A change to any of them starts a new namespace, so stale results are never
read. Safe to delete at any time; ``use_cache=False`` turns it off with the other caches.

Examples
--------
>>> import tempfile
>>> with result_disk_cache(tempfile.mkdtemp()):
...     cached_results("toy", ["a", "bb"], lambda rows: [[len(["a", "bb"][i])] for i in rows])
[[1], [2]]
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from socanalysis.nlp.sqlite_store import DigestStore, active_store, files_fingerprint

__all__ = [
    "CACHE_FILENAME",
    "ResultCache",
    "ResultCacheWarning",
    "active_result_cache",
    "cached_results",
    "fingerprint",
    "result_disk_cache",
]

CACHE_FILENAME = "results-v1.sqlite3"
# installed packages whose behaviour the language and masking results depend on
_DISTRIBUTIONS = (
    "socanalysis", "lingua-language-detector", "langdetect", "simplemma", "spacy", "marisa-trie",
)  # fmt: skip


class ResultCacheWarning(UserWarning):
    """The per-report results cache could not be used; results are computed without it."""


class ResultCache(DigestStore):
    """Per-report results (JSON values) in one SQLite file under ``directory``.

    Parameters
    ----------
    directory : str or Path
        Folder of the cache file (``<cache root>/reports`` in the pipeline).
    """

    table, value_column, filename = "results", "value", CACHE_FILENAME
    warning = ResultCacheWarning
    what = "report results cache"


@cache
def fingerprint() -> str:
    """Hash of everything language and masking results depend on besides the text and seed.

    Every source and data file of :mod:`socanalysis.nlp` (the detector, the masker and the
    lemmatiser they use) and of the keyword matcher's word handling, the installed versions
    of the packages they call and Python's Unicode database. Any edit or upgrade gives a new
    fingerprint.

    Examples
    --------
    >>> len(fingerprint())
    16
    """
    here = Path(__file__).parent
    files = sorted(here.glob("*.py")) + sorted(p for p in (here / "data").iterdir() if p.is_file())
    # the keyword matcher's lemmas (keyword-lemma entries) also depend on its own folding
    files += [here.parent / "_yaml.py", here.parent / "classify" / "keywords.py",
              here.parent / "classify" / "taxonomy.py"]  # fmt: skip
    return files_fingerprint(files, _DISTRIBUTIONS)


# the cache cached_results consults, set by result_disk_cache (None: compute everything)
_active: dict[str, ResultCache | None] = {"cache": None}


def active_result_cache() -> ResultCache | None:
    """The results cache in use in this process, or None (see :func:`result_disk_cache`)."""
    return _active["cache"]


@contextlib.contextmanager
def result_disk_cache(root: str | os.PathLike[str] | None) -> Iterator[ResultCache | None]:
    """Keep per-report results on disk, under ``<root>/reports``, while the block runs.

    ``root`` is the socanalysis cache folder (``AnalysisConfig.cache_dir``); None uses the
    default one (:mod:`socanalysis.cache_root`), and with disk caches off
    (``SOCANALYSIS_CACHE_DIR=""``) the block runs without one and gets None.
    """
    with active_store(_active, ResultCache, "reports", root) as disk:
        yield disk  # type: ignore[misc]


def _digest(key: str) -> bytes:
    # surrogatepass: a text read with errors="surrogateescape" still has a key
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def cached_results(
    kind: str, keys: Sequence[str], compute: Callable[[list[int]], list[Any]]
) -> list[Any]:
    """One result per key: from the active cache where stored, else from ``compute``.

    Parameters
    ----------
    kind : str
        What the results are, with every setting they depend on (``"language|seed=0"``); the
        :func:`fingerprint` is added to it.
    keys : sequence of str
        What each result is computed from (the text, or language and text).
    compute : callable
        ``positions -> results``: the results of the keys at these positions (those not
        found), in their order; each result a list of JSON values (str, int, float), so that
        stored and computed results are alike.

    Returns
    -------
    list
        The results, in the order of ``keys``.
    """
    disk = active_result_cache()
    if disk is None:
        return compute(list(range(len(keys))))
    namespace = f"{kind}|{fingerprint()}"
    digests = [_digest(key) for key in keys]
    results: list[Any] = [None] * len(keys)
    for i, value in disk.lookup(namespace, digests).items():
        results[i] = value
    missing = [i for i, value in enumerate(results) if value is None]
    if missing:
        computed = compute(missing)
        for i, value in zip(missing, computed, strict=True):
            results[i] = value
        disk.store(namespace, [digests[i] for i in missing], computed)
    return results
