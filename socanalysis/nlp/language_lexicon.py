"""Word-level evidence for language identification: tokens, folding and dictionary coverage.

simplemma ships full-form dictionaries (``simplemma.is_known``) but decoding them takes 0.1-3 s per
language (Finnish has 3.5 million forms), far over the cold-load budget of the language detector.
So on first use each dictionary is decoded once, its forms are hashed (vectorised, 32 bits) into a
sorted array cached on disk as ``.npy`` (memory-mapped on later loads, a few milliseconds), with a
second, smaller array for the a/o-typed forms (ä, ö, å typed as a, o, a) of the forms that have
those letters. Membership is then a ``numpy.searchsorted`` over the distinct words of a batch. For
the seven languages this is about 40 MB, built once in about 11 s of CPU (decoding simplemma's
files with :mod:`socanalysis.nlp.simplemma_files`, 4 s, is the largest part; simplemma's own
decoder took 8 s). A word outside a dictionary of n forms hits it by hash collision
with probability n / 2**32 (under 0.1 % for Finnish), harmless for a coverage feature.

Examples
--------
>>> tokenize("Asiakas EI saanut 3 kk:n ajalta tukea!")
['asiakas', 'ei', 'saanut', 'kk', 'n', 'ajalta', 'tukea']
>>> fold("Pöytä och väg på")
'Poyta och vag pa'
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Letters of the Latin alphabets in play plus other scripts (\w minus digits and underscore).
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_FOLD_TABLE = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "A", "Ö": "O", "Å": "A"})
_CACHE_FORMAT = 2
_LOCK = threading.Lock()


_NOISE_RE = re.compile(
    r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\b[\w-]+\.(?:fi|se|com|org|net)\b", re.IGNORECASE
)


def strip_noise(text: str) -> str:
    """Drop URLs, e-mail addresses and bare domain names: they carry no language."""
    return _NOISE_RE.sub(" ", text)


def tokenize(text: str) -> list[str]:
    """Lower-cased runs of letters; digits, punctuation and symbols separate words."""
    return _WORD_RE.findall(text.lower())


def fold(text: str) -> str:
    """Type ä, ö and å as a, o and a, the way text written without a Nordic keyboard looks."""
    return text.translate(_FOLD_TABLE)


_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_FOLD_FROM = tuple(ord(c) for c in "äöåÄÖÅ")
_FOLD_TO = tuple(ord(c) for c in "aoaAOA")
_CHUNK = 1 << 17


def _codepoints(words: list[str]) -> Any:
    """Words as a zero-padded (n, longest) ``uint32`` array of code points (one C-level copy)."""
    import numpy as np

    width = max(1, max(map(len, words), default=1))
    return np.asarray(words, dtype=f"<U{width}").view(np.uint32).reshape(len(words), width)


def _hash_codepoints(cp: Any) -> Any:
    """FNV-1a over code points, then murmur3's finaliser, top 32 bits, per row of ``cp``.

    Vectorised over words (a loop over character positions only), so hashing the millions of
    forms of simplemma's Finnish dictionary takes about a second instead of half a minute.
    """
    import numpy as np

    h = np.full(cp.shape[0], _FNV_OFFSET, dtype=np.uint64)
    prime = np.uint64(_FNV_PRIME)
    with np.errstate(over="ignore"):
        for j in range(cp.shape[1]):
            c = cp[:, j].astype(np.uint64)
            # padding (code point 0) leaves the hash alone, so it does not depend on the width
            h = np.where(c != 0, (h ^ c) * prime, h)
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xC4CEB93E53FE1A85)
        h ^= h >> np.uint64(33)
    return (h >> np.uint64(32)).astype(np.uint32)


def word_hash(words: Iterable[str]) -> Any:
    """Stable 32-bit hashes of words as a ``uint32`` array (see :func:`_hash_codepoints`).

    Python's ``hash`` is salted per process, so it cannot key a disk cache. 32 bits are enough
    for a coverage feature: a word that is not in Finnish's 3.5 million forms still hits one
    with probability below 0.1 %.
    """
    import numpy as np

    words = list(words)
    if not words:
        return np.zeros(0, dtype=np.uint32)
    parts = [
        _hash_codepoints(_codepoints(words[k : k + _CHUNK])) for k in range(0, len(words), _CHUNK)
    ]
    return np.concatenate(parts)


def _fold_hashes(words: list[str]) -> tuple[Any, Any]:
    """(hashes of the words, hashes of their a/o-typed forms for those that change)."""
    import numpy as np

    exact, folded = [], []
    for k in range(0, len(words), _CHUNK):
        cp = _codepoints(words[k : k + _CHUNK])
        exact.append(_hash_codepoints(cp))
        changes = np.isin(cp, _FOLD_FROM).any(axis=1)
        sub = cp[changes]
        for a, b in zip(_FOLD_FROM, _FOLD_TO, strict=True):
            sub[sub == a] = b
        folded.append(_hash_codepoints(sub))
    return np.concatenate(exact), np.concatenate(folded)


def default_cache_dir() -> Path | None:
    """Where dictionary hash arrays live: ``$SOCANALYSIS_CACHE_DIR/language`` or the user cache
    folder's; None with disk caches off (``SOCANALYSIS_CACHE_DIR=""``)."""
    from socanalysis.cache_root import cache_folder

    return cache_folder("language")


def _simplemma_version() -> str:
    try:
        from importlib.metadata import version

        return version("simplemma")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        return "unknown"


def _build_arrays(lang: str, store: Any = None) -> tuple[Any, Any]:
    """Decode simplemma's dictionary for ``lang`` (slow, once) into two sorted hash arrays: the
    forms as written, and the a/o-typed forms of those with ä, ö or å that are not forms already.

    With a :class:`~socanalysis.nlp.dictionaries.DictionaryStore`, its lemmatiser trie of
    ``lang`` is written from the same decode when it is not on disk yet.
    """
    from socanalysis.nlp.dictionaries import shipped_dictionary

    # decoded here, not through simplemma's factory, so the multi-megabyte lists are freed after
    decoded = shipped_dictionary(lang)
    # one decode and one lower() over the joined forms instead of millions of calls
    words = b"\n".join(decoded.forms).decode().lower().split("\n")
    if store is not None:
        store.write_trie(lang, decoded)
    del decoded
    exact, folded = _fold_hashes(words)
    exact = _sorted_unique(exact)
    folded = _sorted_unique(folded)
    return exact, folded[~_member(folded, exact)]


def _sorted_unique(values: Any) -> Any:
    """Sorted distinct values; ``np.unique``'s hash-based path is ten times slower here."""
    import numpy as np

    values = np.sort(values)
    if len(values) < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


class Dictionaries:
    """Exact and ä/ö-folded word-form sets of simplemma dictionaries, loaded lazily per language.

    Parameters
    ----------
    cache_dir : path or None
        Folder for the hash arrays; ``None`` uses :func:`default_cache_dir`. If there is none
        (disk caches off) or it cannot be written, the arrays are built in memory in every
        process (slower, but it works offline).
    trie_store : DictionaryStore, "default" or None
        Where a dictionary decoded to build the arrays of a language the lemmatiser reads
        (Finnish, Swedish) also becomes a lemmatiser trie, if that is not on disk yet, so the
        first run on a machine decodes it once, not twice (2 s for the two). "default": the
        process-wide store (:func:`socanalysis.nlp.dictionaries.default_store`); None: never.
    """

    def __init__(
        self, cache_dir: str | os.PathLike[str] | None = None, trie_store: Any = "default"
    ) -> None:
        self.cache_dir: Path | None = (
            Path(cache_dir) if cache_dir is not None else default_cache_dir()
        )
        self.trie_store = trie_store
        self._arrays: dict[str, tuple[Any, Any]] = {}

    def _store_for(self, lang: str) -> Any:
        """The trie store to share a decode of ``lang`` with (None: none)."""
        from socanalysis.nlp.lemmas import SUPPORTED_LANGUAGES

        if self.trie_store is None or lang not in SUPPORTED_LANGUAGES:
            return None
        if isinstance(self.trie_store, str) and self.trie_store == "default":
            from socanalysis.nlp.dictionaries import default_store

            return default_store()
        return self.trie_store

    def _paths(self, lang: str) -> tuple[Path, Path]:
        stem = f"simplemma-{_simplemma_version()}-v{_CACHE_FORMAT}-{lang}"
        return self.cache_dir / f"{stem}.npy", self.cache_dir / f"{stem}-folded.npy"

    def arrays(self, lang: str) -> tuple[Any, Any]:
        """The (exact, folded) sorted hash arrays for ``lang``."""
        got = self._arrays.get(lang)
        if got is not None:
            return got
        with _LOCK:
            if self.cache_dir is None:
                got = _build_arrays(lang)
            else:
                exact_path, folded_path = self._paths(lang)
                from socanalysis.nlp.dictionaries import build_once

                def build() -> tuple[Any, Any]:
                    built = _build_arrays(lang, self._store_for(lang))
                    self._save(folded_path, built[1])
                    self._save(exact_path, built[0])  # last: it says "built"
                    return built

                # one process on the machine builds (Dask workers, two analyses at once); the
                # others wait and read its files
                got = build_once(exact_path, lambda: self._load(exact_path, folded_path), build)
            self._arrays[lang] = got
        return got

    @staticmethod
    def _load(exact_path: Path, folded_path: Path) -> tuple[Any, Any] | None:
        """The memory-mapped arrays, or None when they are not (both) on disk."""
        import numpy as np

        try:
            return np.load(exact_path, mmap_mode="r"), np.load(folded_path, mmap_mode="r")
        except (OSError, ValueError):
            return None

    @staticmethod
    def _save(path: Path, array: Any) -> None:
        import numpy as np

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # write then rename: a reader in another process never sees half a file
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                np.save(fh, array)
            os.replace(tmp, path)
        except OSError:
            pass  # read-only cache location: keep the arrays in memory only

    def known(self, hashes: Any, lang: str, *, folded: bool = False) -> Any:
        """Boolean array: which hashed words are forms in ``lang``; with ``folded``, which are
        forms or a/o-typed forms (pass the hashes of the a/o-typed words then)."""

        exact, extra = self.arrays(lang)
        hit = _member(hashes, exact)
        if folded:
            hit |= _member(hashes, extra)
        return hit


def _member(hashes: Any, table: Any) -> Any:
    import numpy as np

    if len(hashes) == 0 or len(table) == 0:
        return np.zeros(len(hashes), dtype=bool)
    pos = np.searchsorted(table, hashes)
    pos[pos == len(table)] = 0
    return np.asarray(table[pos] == hashes)
