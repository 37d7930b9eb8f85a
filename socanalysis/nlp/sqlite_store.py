"""The SQLite file behind the on-disk caches (embeddings, lemma terms): open, reopen, give up.

One file per cache, in write-ahead-log mode, so any number of processes read while one writes
(the Dask workers and the main process share a cache). A connection is never carried across a
fork. When the file cannot be opened, or turns out damaged, the cache switches itself off for
the rest of the run with a warning: a cache makes runs faster, it must never make one fail.

Examples
--------
>>> import tempfile
>>> store = SqliteStore(tempfile.mkdtemp(), "toy.sqlite3")
>>> conn = store.connect()
>>> conn.execute("CREATE TABLE IF NOT EXISTS t (x)").fetchall()
[]
>>> store.path.exists()
True
>>> store.clear(); store.path.exists()
False
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import warnings
from pathlib import Path

#: Most keys bound in one query: SQLite's default limit on bound parameters is 999 in old
#: builds, so the caches look texts up this many at a time
MAX_PARAMETERS = 900


class SqliteStore:
    """One SQLite cache file: lazy connection, per-process reopening, switching off on errors.

    Parameters
    ----------
    directory : str or Path
        Folder of the file; created when the file is first opened.
    filename : str
        Name of the file in ``directory``.

    Notes
    -----
    Subclasses set :attr:`schema` (run on every connection, so it must be idempotent),
    :attr:`warning` (the warning category), :attr:`what` (the cache's name in the message)
    and :attr:`same_thread_only`, and may override :meth:`_connected` to reset state kept per
    connection.
    """

    schema = ""
    warning: type[Warning] = UserWarning
    what = "cache"
    #: False where the subclass serialises its use of the connection across threads itself
    same_thread_only = True

    def __init__(self, directory: str | os.PathLike[str], filename: str) -> None:
        self.directory = Path(directory).expanduser()
        self.path = self.directory / filename
        self._conn: sqlite3.Connection | None = None
        self._pid: int | None = None
        self.disabled = False

    def connect(self) -> sqlite3.Connection | None:
        """The open connection, (re)opened as needed; None when the cache is switched off."""
        if self.disabled:
            return None
        # a connection must not cross a fork (multiprocessing workers reopen their own)
        if self._conn is not None and self._pid == os.getpid() and self.path.exists():
            return self._conn
        self._close()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path,
                timeout=60.0,
                isolation_level=None,
                check_same_thread=self.same_thread_only,
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(self.schema)
        except (sqlite3.Error, OSError) as exc:
            self.disable(exc)
            return None
        self._conn, self._pid = conn, os.getpid()
        self._connected()
        return conn

    def _connected(self) -> None:
        """Hook: a new connection was opened."""

    def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):  # closing a broken handle
                self._conn.close()
        self._conn = None

    def close(self) -> None:
        """Close the database connection (it reopens on the next use)."""
        self._close()

    def disable(self, exc: BaseException) -> None:
        """Switch the cache off for this run, with a warning that says why and what to do."""
        self.disabled = True
        self._close()
        warnings.warn(
            f"{self.what} at {self.path} cannot be used ({exc}); the run goes on without it. "
            "Delete the file or set SOCANALYSIS_CACHE_DIR to a writable folder.",
            self.warning,
            stacklevel=3,
        )

    def clear(self) -> None:
        """Delete the cache file (and its write-ahead log); safe while nothing is writing."""
        self._close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        self.disabled = False
