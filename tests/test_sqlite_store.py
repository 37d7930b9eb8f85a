"""The caches' SQLite files are closed cleanly: no write-ahead log is left beside them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from socanalysis.nlp.sqlite_store import DigestStore


class _Toy(DigestStore):
    table, value_column, filename = "toy", "v", "toy.sqlite3"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(("-wal", "-shm")))


def test_dropping_a_store_closes_its_file(tmp_path):
    store = _Toy(tmp_path)
    store.store("ns", [b"k"], [["x"]])
    assert _leftovers(tmp_path) == ["toy.sqlite3-shm", "toy.sqlite3-wal"]  # open, in WAL mode
    cursor = store.connect().execute("SELECT COUNT(*) FROM toy")
    assert cursor.fetchall() == [(1,)]  # the cursor keeps the connection object alive
    del store
    assert _leftovers(tmp_path) == []


def test_close_then_reopen(tmp_path):
    store = _Toy(tmp_path)
    store.store("ns", [b"k"], [["x"]])
    store.close()
    assert _leftovers(tmp_path) == []
    assert store.lookup("ns", [b"k"]) == {0: ["x"]}  # reopens on the next use


def test_a_store_held_to_the_end_of_a_command_line_run_leaves_no_log(tmp_path):
    # the command line freezes the garbage collector at exit (cli._skip_the_final_collection),
    # so a store still referenced then, in a cycle here, is closed by nothing but its finalizer
    script = textwrap.dedent(
        f"""
        from socanalysis.cli import _skip_the_final_collection
        from socanalysis.nlp.sqlite_store import DigestStore

        class Toy(DigestStore):
            table, value_column, filename = "toy", "v", "toy.sqlite3"

        store = Toy({str(tmp_path)!r})
        store.store("ns", [b"k"], [["x"]])
        store.cycle = store
        _skip_the_final_collection()
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    assert (tmp_path / "toy.sqlite3").exists()
    assert _leftovers(tmp_path) == []
