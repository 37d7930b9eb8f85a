"""Word-level evidence for language identification: tokens, folding and dictionary coverage.

simplemma ships full-form dictionaries (``simplemma.is_known``) but decoding the Finnish one takes
about 4 s, far over the cold-load budget of the language detector. So each dictionary is decoded
once, its word forms are hashed to sorted 64-bit integers and cached on disk as ``.npy`` files
(memory-mapped on later loads, a few milliseconds). A second array holds the forms with ä, ö and
å folded to a and o, which is how hurried writers type them. Membership is then a vectorised
``numpy.searchsorted`` over all distinct words of a batch. With 64-bit hashes a false hit needs a
collision among a few million keys, which has probability around 1e-13 per query.

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
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Letters of the Latin alphabets in play plus other scripts (\w minus digits and underscore).
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_FOLD_TABLE = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "A", "Ö": "O", "Å": "A"})
_CACHE_FORMAT = 1
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


def word_hash(words: Iterable[str]) -> Any:
    """Stable 64-bit hashes (two independent 32-bit checksums) as a ``uint64`` array.

    Python's ``hash`` is salted per process, so it cannot key a disk cache.
    """
    import numpy as np

    out = []
    for w in words:
        b = w.encode("utf-8")
        out.append((zlib.crc32(b) << 32) | zlib.adler32(b))
    return np.asarray(out, dtype=np.uint64)


def default_cache_dir() -> Path:
    """Where dictionary hash arrays live: ``$SOCANALYSIS_CACHE_DIR`` or the user cache folder."""
    env = os.environ.get("SOCANALYSIS_CACHE_DIR")
    if env:
        return Path(env) / "language"
    import platformdirs

    return Path(platformdirs.user_cache_dir("socanalysis")) / "language"


def _simplemma_version() -> str:
    try:
        from importlib.metadata import version

        return version("simplemma")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        return "unknown"


def _build_arrays(lang: str) -> tuple[Any, Any]:
    """Decode simplemma's dictionary for ``lang`` (slow, once) into exact and folded hash sets."""
    import numpy as np
    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    # a private factory so the multi-megabyte decoded dict is freed after hashing
    mapping = DefaultDictionaryFactory(cache_max_size=1).get_dictionary(lang)
    words = [w.lower() for w in mapping]
    exact = np.unique(word_hash(words))
    folded = np.unique(word_hash({fold(w) for w in words}))
    return exact, folded


class Dictionaries:
    """Exact and ä/ö-folded word-form sets of simplemma dictionaries, loaded lazily per language.

    Parameters
    ----------
    cache_dir : path or None
        Folder for the hash arrays; ``None`` uses :func:`default_cache_dir`. If the folder cannot
        be written the arrays are built in memory each time (slow, but it works offline).
    """

    def __init__(self, cache_dir: str | os.PathLike[str] | None = None) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self._arrays: dict[str, tuple[Any, Any]] = {}

    def _paths(self, lang: str) -> tuple[Path, Path]:
        stem = f"simplemma-{_simplemma_version()}-v{_CACHE_FORMAT}-{lang}"
        return self.cache_dir / f"{stem}.npy", self.cache_dir / f"{stem}-folded.npy"

    def arrays(self, lang: str) -> tuple[Any, Any]:
        """The (exact, folded) sorted hash arrays for ``lang``."""
        got = self._arrays.get(lang)
        if got is not None:
            return got
        import numpy as np

        with _LOCK:
            exact_path, folded_path = self._paths(lang)
            try:
                got = (
                    np.load(exact_path, mmap_mode="r"),
                    np.load(folded_path, mmap_mode="r"),
                )
            except (OSError, ValueError):
                got = _build_arrays(lang)
                self._save(exact_path, got[0])
                self._save(folded_path, got[1])
            self._arrays[lang] = got
        return got

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
        """Boolean array: which hashed words are forms in ``lang`` (folded forms if asked)."""
        import numpy as np

        table = self.arrays(lang)[1 if folded else 0]
        if len(hashes) == 0 or len(table) == 0:
            return np.zeros(len(hashes), dtype=bool)
        pos = np.searchsorted(table, hashes)
        pos[pos == len(table)] = 0
        return np.asarray(table[pos] == hashes)
