"""One process-wide source of simplemma's dictionaries, memory-mapped from a cache on disk.

simplemma ships its dictionaries as lzma-compressed, front-coded streams; decoding one into a
Python dict costs about 3 s of CPU and 360 MB for Finnish (3.5 million forms) and 0.8 s and
100 MB for Swedish, in every process that lemmatises. Privacy masking, the lemmatiser and the
category keyword matcher all need them. So, on first use per machine, each language's
dictionary is decoded once and written as a MARISA trie (``marisa-trie``, about 18 MB for
Finnish) into the project cache folder; every later process memory-maps that file in under a
millisecond, and processes on one machine share its pages. Found words are memoised per
process, so repeated look-ups stay as fast as with simplemma's own dict.

Answers are identical to ``simplemma.lemmatize`` / ``simplemma.is_known``: the same simplemma
strategies run, only the mapping behind them differs. The trie holds exactly the keys and
values simplemma decodes.

Where the trie cannot be used (``marisa-trie`` not installed, ``SOCANALYSIS_CACHE_DIR=""``, a
cache folder that cannot be written), the store falls back to simplemma's own process-wide
dictionaries: slower to load, same answers. Cache files are named after the simplemma version
and a format number, so an upgrade rebuilds them; deleting the folder is always safe.

Examples
--------
>>> lemmatize("asunnon", "fi"), lemmatize("bostäderna", "sv")
('asunto', 'bostad')
>>> is_known("asunnon", "fi"), is_known("asunnon", "sv")
(True, False)
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from socanalysis.nlp.simplemma_files import DecodedDictionary

__all__ = [
    "CACHE_FORMAT",
    "DictionaryStore",
    "build_lock",
    "build_once",
    "default_cache_dir",
    "default_store",
    "dictionary_lookup",
    "is_known",
    "lemmatize",
    "lemmatization_strategy",
    "shipped_dictionary",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")

CACHE_FORMAT = 1
"""Bumped when the file layout changes; part of every cache file name."""

# distinct look-ups memoised per language: about 30 MB when full (the UD Finnish sentences,
# 72 000 tokens, fill 190 000); a full memo starts again empty, keeping recent words
_MEMO_LIMIT = 1 << 18
_MISSING = object()


def default_cache_dir() -> Path | None:
    """Where the tries live: ``$SOCANALYSIS_CACHE_DIR/lemmas`` or the user cache folder.

    ``SOCANALYSIS_CACHE_DIR=""`` turns the disk caches off (``None``), as for every
    socanalysis cache (:mod:`socanalysis.cache_root`).
    """
    from socanalysis.cache_root import cache_folder

    return cache_folder("lemmas")


def _simplemma_version() -> str:
    try:
        from simplemma.__metadata__ import __version__

        return str(__version__)
    except ImportError:  # pragma: no cover - older layouts
        from importlib.metadata import version

        return version("simplemma")


def shipped_dictionary(lang: str) -> DecodedDictionary:
    """simplemma's shipped dictionary for ``lang``, decoded: forms and lemmas, both UTF-8.

    Decoding is the slow part of building any cache from it (1.5 s for Finnish), so a caller
    that decodes one can write the trie from it too (:meth:`DictionaryStore.write_trie`).
    """
    from socanalysis.nlp.simplemma_files import read_dictionary

    return read_dictionary(lang)


def _trie_items(decoded: DecodedDictionary) -> Iterator[tuple[str, bytes]]:
    """(form, lemma as UTF-8) pairs, as the trie stores them."""
    return ((form.decode(), lemma) for form, lemma in decoded.items())


class _TrieMapping(Mapping[str, str]):
    """Read-only ``str -> str`` view over a memory-mapped ``marisa_trie.BytesTrie``.

    simplemma's strategies only call ``get``; answers (found or not) are memoised so that the
    affix and compound searches, which probe the same strings again and again, pay the trie's
    few microseconds once.
    """

    __slots__ = ("_memo", "_trie")

    def __init__(self, trie: Any) -> None:
        self._trie = trie
        self._memo: dict[str, str | None] = {}

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        value = self._memo.get(key, _MISSING)
        if value is _MISSING:
            # marisa-trie mishandles keys with a NUL character; no dictionary form has one
            found = None if "\x00" in key else self._trie.get(key)
            value = found[0].decode() if found else None
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = value
        return default if value is None else value

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._trie.iterkeys())

    def __len__(self) -> int:
        return len(self._trie)


class DictionaryStore:
    """simplemma's dictionaries per language, from memory-mapped tries cached on disk.

    A ``simplemma`` dictionary factory (it has ``get_dictionary(lang)``), so simplemma's own
    strategies run on it unchanged.

    Parameters
    ----------
    cache_dir : path, "default" or None
        Folder for the trie files. "default" uses :func:`default_cache_dir` (read when first
        needed); None keeps no files and uses simplemma's own in-memory dictionaries.

    Attributes
    ----------
    sources : dict
        Per language loaded so far, where its dictionary came from: "trie" (memory-mapped
        file), "built" (built now and written), "memory" (built now, not written: the folder
        is not writable) or "simplemma" (simplemma's own dictionary: no trie possible).

    Examples
    --------
    >>> import tempfile
    >>> store = DictionaryStore(tempfile.mkdtemp())
    >>> store.get_dictionary("nn").get("husa")
    'hus'
    >>> store.sources
    {'nn': 'built'}
    >>> DictionaryStore(store.cache_dir).get_dictionary("nn").get("husa")
    'hus'
    """

    def __init__(self, cache_dir: str | os.PathLike[str] | None = "default") -> None:
        self._cache_dir = cache_dir
        self._dictionaries: dict[str, Mapping[str, str]] = {}
        self._lock = threading.Lock()
        self.sources: dict[str, str] = {}

    @property
    def cache_dir(self) -> Path | None:
        """The folder of the trie files (None: no disk cache)."""
        if isinstance(self._cache_dir, str) and self._cache_dir == "default":
            return default_cache_dir()
        return None if self._cache_dir is None else Path(self._cache_dir)

    def path(self, lang: str) -> Path | None:
        """The trie file of ``lang`` for the installed simplemma (None: no disk cache)."""
        folder = self.cache_dir
        if folder is None:
            return None
        return folder / f"simplemma-{_simplemma_version()}-v{CACHE_FORMAT}-{lang}.marisa"

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        """The ``form -> lemma`` mapping of ``lang`` (loaded once per store).

        Raises
        ------
        ValueError
            For a language simplemma has no dictionary for (as simplemma does).
        """
        found = self._dictionaries.get(lang)
        if found is not None:
            return found
        with self._lock:
            found = self._dictionaries.get(lang)
            if found is None:
                found, self.sources[lang] = self._load(lang)
                self._dictionaries[lang] = found
        return found

    def _load(self, lang: str) -> tuple[Mapping[str, str], str]:
        from simplemma.strategies.dictionaries.dictionary_factory import (
            DEFAULT_DICTIONARY_FACTORY,
            SUPPORTED_LANGUAGES,
        )

        if lang not in SUPPORTED_LANGUAGES:
            raise ValueError(f"Unsupported language: {lang}")
        path = self.path(lang)
        try:
            import marisa_trie
        except ImportError:
            marisa_trie = None
        if marisa_trie is None or path is None or not _writable_or_present(path):
            # simplemma's shared dict: what every simplemma call in this process uses anyway
            return DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang), "simplemma"

        def on_disk() -> tuple[Mapping[str, str], str] | None:
            mapped = _open_trie(marisa_trie, path)
            return None if mapped is None else (mapped, "trie")

        # one process builds, others on the machine (Dask workers) wait and then map its file
        return build_once(path, on_disk, lambda: self._build(marisa_trie, lang, path))

    @staticmethod
    def _write(
        marisa_trie: Any, lang: str, path: Path, decoded: DecodedDictionary
    ) -> tuple[Any, bool]:
        """Build the trie of the decoded dictionary and write it to ``path`` (stale versions
        removed); the trie, and whether it was written."""
        trie = marisa_trie.BytesTrie(_trie_items(decoded), cache_size=marisa_trie.HUGE_CACHE)
        written = _save(trie, path)
        if written:
            _remove_other_versions(path, lang)
        return trie, written

    @classmethod
    def _build(cls, marisa_trie: Any, lang: str, path: Path) -> tuple[Mapping[str, str], str]:
        trie, written = cls._write(marisa_trie, lang, path, shipped_dictionary(lang))
        if not written:
            return _TrieMapping(trie), "memory"
        mapped = marisa_trie.BytesTrie()
        mapped.mmap(str(path))  # the file's pages are shared; the built trie can go
        return _TrieMapping(mapped), "built"

    def write_trie(self, lang: str, decoded: DecodedDictionary) -> bool:
        """Write the trie of ``lang`` from its decoded dictionary, unless it is on disk.

        For a caller that decoded the dictionary for another purpose (the language tables of
        :mod:`socanalysis.nlp.language_lexicon`): the first run on a machine then decodes
        each dictionary once instead of twice.

        Parameters
        ----------
        lang : str
            Language code.
        decoded : DecodedDictionary
            :func:`shipped_dictionary` of ``lang``.

        Returns
        -------
        bool
            True when the trie was written now.
        """
        path = self.path(lang)
        try:
            import marisa_trie
        except ImportError:
            return False
        if path is None or path.exists() or not _writable_or_present(path):
            return False
        with build_lock(path):
            if _open_trie(marisa_trie, path) is not None:
                return False
            return self._write(marisa_trie, lang, path, decoded)[1]


def _open_trie(marisa_trie: Any, path: Path) -> _TrieMapping | None:
    """The memory-mapped trie at ``path``; None when there is none or it is damaged."""
    if not path.exists():
        return None
    try:
        trie = marisa_trie.BytesTrie()
        trie.mmap(str(path))
        if len(trie):
            return _TrieMapping(trie)
    except Exception as exc:  # marisa raises several kinds on a damaged file: build it again
        logger.warning("Rebuilding the damaged dictionary cache %s (%s)", path, exc)
    return None


def build_once(path: Path, on_disk: Callable[[], T | None], build: Callable[[], T]) -> T:
    """What ``on_disk()`` finds, else what ``build()`` makes, built by one process at a time.

    ``on_disk`` is asked again under :func:`build_lock` (``path``): a process that waited for
    another one's build reads its files instead of building them again.
    """
    found = on_disk()
    if found is not None:
        return found
    with build_lock(path):
        found = on_disk()
        return build() if found is None else found


@contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``<path>.lock`` while building (POSIX; elsewhere no lock, and two
    processes may both build: harmless, the rename is atomic). The folder is made if missing."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_suffix(".lock"), "a")  # noqa: SIM115 - held across the yield
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _writable_or_present(path: Path) -> bool:
    """Whether the trie file exists or can be written (tested with a throw-away file)."""
    if path.exists():
        return True
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=path.parent, suffix=".probe")
        os.close(fd)
        os.unlink(probe)
        return True
    except OSError:
        return False


def _save(trie: Any, path: Path) -> bool:
    """Write the trie atomically (temporary file, then rename): a process that opens the file
    meanwhile never sees half of it. False if it could not be written."""
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
        os.close(fd)
        trie.save(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; it is a public dictionary
        os.replace(tmp, path)
        return True
    except OSError as exc:
        logger.warning("Cannot write the dictionary cache %s (%s); kept in memory", path, exc)
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        return False


def _remove_other_versions(path: Path, lang: str) -> None:
    """Delete this language's tries of other simplemma versions or formats (stale now)."""
    pattern = re.compile(rf"simplemma-.+-v\d+-{re.escape(lang)}\.marisa")
    for other in path.parent.glob(f"simplemma-*-{lang}.marisa"):
        if other != path and pattern.fullmatch(other.name):
            other.unlink(missing_ok=True)


@cache
def default_store() -> DictionaryStore:
    """The process-wide store (cache folder from :func:`default_cache_dir`)."""
    return DictionaryStore("default")


@cache
def dictionary_lookup() -> Any:
    """simplemma's dictionary look-up strategy on the process-wide store."""
    from simplemma.strategies import DictionaryLookupStrategy

    return DictionaryLookupStrategy(default_store())


@cache
def lemmatization_strategy() -> Any:
    """simplemma's full default strategy (rules, clitics, affixes) on the process-wide store."""
    from simplemma.strategies import DefaultStrategy

    return DefaultStrategy(dictionary_factory=default_store())


@cache
def _lemmatizer() -> Any:
    from simplemma import Lemmatizer

    return Lemmatizer(lemmatization_strategy=lemmatization_strategy())


def lemmatize(token: str, lang: str | tuple[str, ...]) -> str:
    """``simplemma.lemmatize(token, lang=lang)``, answered from the process-wide store.

    Examples
    --------
    >>> lemmatize("Matille", "fi"), lemmatize("Turussa", ("sv", "fi"))
    ('Matti', 'Turku')
    """
    return _lemmatizer().lemmatize(token, lang)


def is_known(token: str, lang: str | tuple[str, ...]) -> bool:
    """``simplemma.is_known(token, lang=lang)``, answered from the process-wide store.

    Examples
    --------
    >>> is_known("Turussa", "fi"), is_known("Turussa", "sv")
    (True, False)
    """
    from simplemma.utils import normalize_token, validate_lang_input

    if not isinstance(token, str):
        raise TypeError(f"Wrong input type, expected string, got {type(token)}")
    if token == "":
        raise ValueError("Wrong input value: empty string")
    token = normalize_token(token)
    lookup = dictionary_lookup()
    return any(lookup.get_lemma(token, code) is not None for code in validate_lang_input(lang))
