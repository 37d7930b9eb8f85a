"""The SQLite file behind the on-disk caches (embeddings, lemma terms, per-report results).

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
import json
import os
import sqlite3
import time
import warnings
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

#: Most keys bound in one query: SQLite's default limit on bound parameters is 999 in old
#: builds, so the caches look texts up this many at a time
MAX_PARAMETERS = 900

#: Seconds a connection waits for another process's lock before giving up
BUSY_TIMEOUT = 60.0


def _is_lock_error(exc: sqlite3.OperationalError) -> bool:
    """Whether ``exc`` is SQLite's "database is locked" (SQLITE_BUSY / SQLITE_LOCKED)."""
    return "locked" in str(exc).lower() or "busy" in str(exc).lower()


def _set_up_connection(conn: sqlite3.Connection, schema: str, timeout: float) -> None:
    """Switch ``conn`` to write-ahead logging and run ``schema``, retrying while locked.

    Two processes that open a new cache file at the same moment (two Dask workers on one
    machine) can each hold a read lock while one of them asks for the exclusive lock that the
    switch to WAL needs; SQLite then answers "database is locked" at once instead of waiting
    on the busy timeout, since waiting could deadlock. The other process finishes in
    milliseconds, so waiting a little and trying again succeeds.
    """
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(schema)
            return
        except sqlite3.OperationalError as exc:
            if not _is_lock_error(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(2 * pause, 0.25)


def _close_connection(conn: sqlite3.Connection, pid: int) -> None:
    """Close ``conn`` in the process that opened it (never a forked copy's)."""
    if os.getpid() == pid:
        with contextlib.suppress(sqlite3.Error):  # closing a broken handle
            conn.close()


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
        self._finalizer: weakref.finalize | None = None
        self.disabled = False

    def connect(self) -> sqlite3.Connection | None:
        """The open connection, (re)opened as needed; None when the cache is switched off."""
        if self.disabled:
            return None
        # a connection must not cross a fork (multiprocessing workers reopen their own)
        if self._conn is not None and self._pid == os.getpid() and self.path.exists():
            return self._conn
        self._close()
        conn = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT,
                isolation_level=None,
                check_same_thread=self.same_thread_only,
            )
            _set_up_connection(conn, self.schema, BUSY_TIMEOUT)
        except (sqlite3.Error, OSError) as exc:
            if conn is not None:
                _close_connection(conn, os.getpid())
            self.disable(exc)
            return None
        self._conn, self._pid = conn, os.getpid()
        # closed when the store is dropped, or when the interpreter exits with it still held:
        # closing is what folds the write-ahead log into the file and removes the -wal and
        # -shm files, and a connection left to the garbage collector is never closed when the
        # command line skips the final collection (cli._skip_the_final_collection)
        self._finalizer = weakref.finalize(self, _close_connection, conn, self._pid)
        self._connected()
        return conn

    def __getstate__(self) -> dict[str, Any]:
        # a pickled or copied store (an analysis result saved with pickle, copy.deepcopy)
        # carries where its file is, not the open connection: it reopens on first use
        state = self.__dict__.copy()
        state.update(_conn=None, _pid=None, _finalizer=None)
        if "_lock" in state:
            state["_lock"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        import threading

        self.__dict__.update(state)
        if "_lock" in state:
            self._lock = threading.Lock()

    def _connected(self) -> None:
        """Hook: a new connection was opened."""

    def _close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()  # closes the connection (in this process) and is then spent
            self._finalizer = None
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


class DigestStore(SqliteStore):
    """A cache of one JSON value per (namespace, text digest), shared by processes and threads.

    The layout of the lemma terms' and the per-report results' caches: a namespace names what
    the values depend on besides the text (settings, code and data fingerprint), the digest is
    a hash of the text. Every use of the connection holds one lock, so threads of one process
    (a threaded Dask worker) may share the object.

    Parameters
    ----------
    directory : str or Path
        Folder of the file.
    filename : str
        Name of the file in ``directory``.

    Notes
    -----
    Subclasses set :attr:`table` and :attr:`value_column` (the table's schema follows from
    them), usually :attr:`filename`, and may override :meth:`decode` to give stored values
    another type than the JSON's. :func:`active_store` makes one the cache a block of code consults,
    :func:`files_fingerprint` keys its namespaces.

    Examples
    --------
    >>> import tempfile
    >>> class Toy(DigestStore):
    ...     table, value_column = "toy", "v"
    >>> store = Toy(tempfile.mkdtemp(), "toy.sqlite3")
    >>> store.store("a", [b"k1", b"k2"], [["x", 1], ["y", 2]])
    2
    >>> sorted(store.lookup("a", [b"k2", b"k3", b"k1"]).items())
    [(0, ['y', 2]), (2, ['x', 1])]
    >>> store.lookup("b", [b"k1"])
    {}
    """

    table = ""
    value_column = ""
    #: the file's name when the subclass names one
    filename = ""
    same_thread_only = False  # every use holds self._lock

    def __init__(self, directory: str | os.PathLike[str], filename: str | None = None) -> None:
        import threading

        super().__init__(directory, filename or self.filename)
        self._lock = threading.Lock()
        # (namespace, digest) of entries read or written through this object: on disk
        self._known: set[tuple[str, bytes]] = set()

    @property
    def schema(self) -> str:  # type: ignore[override]
        """One row per (namespace, digest) holding the JSON text of its value."""
        # table and column are class constants, never user input
        return (
            f"CREATE TABLE IF NOT EXISTS {self.table} (\n"
            "    ns TEXT NOT NULL,\n"
            "    digest BLOB NOT NULL,\n"
            f"    {self.value_column} TEXT NOT NULL,\n"
            "    PRIMARY KEY (ns, digest)\n"
            ") WITHOUT ROWID;\n"
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.directory)!r})"

    def holds(self, namespace: str, digest: bytes) -> bool:
        """Whether this object read or wrote the entry (so it is on disk); no database query."""
        return (namespace, digest) in self._known

    def decode(self, stored: str) -> Any:
        """The value of one stored JSON text (subclasses may convert it)."""
        return json.loads(stored)

    def lookup(self, namespace: str, digests: Sequence[bytes]) -> dict[int, Any]:
        """Return ``{position in digests: value}`` for the digests found in the cache."""
        position: dict[bytes, list[int]] = {}
        for i, digest in enumerate(digests):
            position.setdefault(digest, []).append(i)
        found: dict[int, Any] = {}
        with self._lock:
            conn = self.connect()
            if conn is None or not position:
                return found
            unique = list(position)
            query = (
                # table and column are class constants, never user input
                f"SELECT digest, {self.value_column} FROM {self.table} "
                "WHERE ns = ? AND digest IN ({marks})"
            )
            try:
                for start in range(0, len(unique), MAX_PARAMETERS):
                    chunk = unique[start : start + MAX_PARAMETERS]
                    rows = conn.execute(
                        query.format(marks=",".join("?" * len(chunk))), (namespace, *chunk)
                    ).fetchall()
                    for digest, stored in rows:
                        value = self.decode(stored)
                        self._known.add((namespace, bytes(digest)))
                        for i in position[bytes(digest)]:
                            found[i] = value
            except (sqlite3.DatabaseError, ValueError) as exc:  # damaged file or row
                self.disable(exc)
                return {}
        return found

    def store(self, namespace: str, digests: Sequence[bytes], values: Sequence[Any]) -> int:
        """Store one value per digest (JSON-encoded) in one transaction; rows written."""
        if len(digests) != len(values):
            raise ValueError(f"expected {len(digests)} values, got {len(values)}")
        with self._lock:
            conn = self.connect()
            if conn is None or not digests:
                return 0
            # ASCII JSON: a text with a lone surrogate still stores
            rows = [
                (namespace, digest, json.dumps(value))
                for digest, value in zip(digests, values, strict=True)
            ]
            try:
                with conn:  # one transaction; commits on success, rolls back on error
                    conn.execute("BEGIN")
                    # existing entries are kept: two processes storing a text do not conflict
                    conn.executemany(f"INSERT OR IGNORE INTO {self.table} VALUES (?, ?, ?)", rows)
            except sqlite3.DatabaseError as exc:
                self.disable(exc)
                return 0
            self._known.update((namespace, bytes(digest)) for digest in digests)
        return len(rows)


@contextlib.contextmanager
def active_store(
    active: dict[str, Any],
    make: Callable[[Path], DigestStore],
    subfolder: str,
    root: str | os.PathLike[str] | None,
) -> Iterator[DigestStore | None]:
    """Make ``make(<root>/<subfolder>)`` the store ``active["cache"]`` names while the block runs.

    ``root`` is the socanalysis cache folder (``AnalysisConfig.cache_dir``); None uses the
    default one (:mod:`socanalysis.cache_root`), and with disk caches off
    (``SOCANALYSIS_CACHE_DIR=""``) the block runs without a store and gets None. The store
    named before is named again afterwards, and this one's connection is closed.
    """
    from socanalysis.cache_root import cache_folder

    folder = cache_folder(subfolder, root)
    if folder is None:  # no root and SOCANALYSIS_CACHE_DIR="": no disk caches
        yield None
        return
    disk = make(folder)
    before = active["cache"]
    active["cache"] = disk
    try:
        yield disk
    finally:
        active["cache"] = before
        disk.close()


def files_fingerprint(files: Sequence[Path], distributions: Sequence[str]) -> str:
    """Hash of files' names and contents, installed packages' versions and Unicode's version.

    The namespace part of a cache whose entries depend on code and data: an edited file or an
    upgraded package gives another fingerprint, so entries stored before are not read.

    Examples
    --------
    >>> a = files_fingerprint([Path(__file__)], ["numpy"])
    >>> len(a), a == files_fingerprint([Path(__file__)], ["numpy", "scipy"])
    (16, False)
    """
    import hashlib
    import unicodedata
    from importlib import metadata

    digest = hashlib.blake2b(digest_size=8)
    for path in files:
        digest.update(path.name.encode())
        try:
            digest.update(path.read_bytes())
        except OSError:  # a broken installation fails elsewhere, not in the cache's key
            digest.update(b"\0missing")
    for name in distributions:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:  # a source checkout without installation
            version = "?"
        digest.update(f"{name}={version}".encode())
    digest.update(unicodedata.unidata_version.encode())
    return digest.hexdigest()
