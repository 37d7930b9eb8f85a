"""What socanalysis keeps on disk, and deleting it (the ``socanalysis cache`` command).

Every cache lives under one root (:mod:`socanalysis.cache_root`). Its parts, the file patterns
that make them up and whether they are derived from report texts are data,
``socanalysis/data/caches.yaml``. Deleting any part is safe: it is rebuilt when next needed.
Report-derived parts (vectors, lemmas and masked texts of reports) can be deleted on their own,
e.g. once a reporting period is closed, keeping the dictionaries and compiled code that take a
minute to build again.

Only files that match a known part are ever deleted; anything else found in the cache's folders
is listed as "other files" and left alone, so a root set to a shared folder by mistake loses
nothing of its own.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> root = Path(tempfile.mkdtemp())
>>> (root / "reports").mkdir()
>>> _ = (root / "reports" / "results-v1.sqlite3").write_bytes(b"x" * 10)
>>> usage = cache_usage(root)
>>> usage.loc[usage["part"] == "report results", ["files", "bytes"]].values.tolist()
[[1, 10]]
>>> clear_cache(root, report_data_only=True)[["part", "files", "bytes"]].values.tolist()
[['report results', 1, 10]]
>>> int(cache_usage(root)["bytes"].sum())
0
"""

from __future__ import annotations

import fnmatch
import os
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from socanalysis.errors import CacheError, ConfigError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CachePart", "cache_parts", "cache_usage", "clear_cache", "resolve_cache_root"]

#: the part a file belongs to when it is in a cache folder but matches no known pattern
OTHER_FILES = "other files"
_COLUMNS = ["part", "folder", "files", "bytes", "report_data", "what"]


@dataclass(frozen=True)
class CachePart:
    """One part of the disk cache: the files of ``folder`` that match one of ``patterns``."""

    name: str
    folder: str
    patterns: tuple[str, ...]
    report_data: bool
    what: str

    def matches(self, filename: str) -> bool:
        return any(fnmatch.fnmatchcase(filename, pattern) for pattern in self.patterns)


@cache
def cache_parts() -> tuple[CachePart, ...]:
    """The parts listed in ``socanalysis/data/caches.yaml``, in its order.

    Examples
    --------
    >>> [p.name for p in cache_parts() if p.report_data]
    ['report vectors', 'report lemmas', 'report results']
    """
    from importlib import resources

    from socanalysis._yaml import safe_load_yaml

    source = "socanalysis/data/caches.yaml"
    data = safe_load_yaml(resources.files("socanalysis.data").joinpath("caches.yaml").read_text())
    parts = []
    for i, entry in enumerate((data or {}).get("parts") or []):
        try:
            if not isinstance(entry["patterns"], list):  # a lone string would be its letters
                raise TypeError("patterns must be a list of glob patterns")
            parts.append(
                CachePart(
                    name=str(entry["name"]),
                    folder=str(entry["folder"]),
                    patterns=tuple(str(p) for p in entry["patterns"]),
                    report_data=bool(entry["report_data"]),
                    what=str(entry["what"]),
                )
            )
        except (KeyError, TypeError) as exc:
            raise ConfigError(
                f"{source}: part {i + 1} needs name, folder, patterns, report_data and what "
                f"({exc.__class__.__name__}: {exc})"
            ) from exc
    if not parts:
        raise ConfigError(f"{source}: no parts listed under 'parts'")
    return tuple(parts)


def resolve_cache_root(root: str | os.PathLike[str] | None = None) -> Path | None:
    """``root`` itself, or the default root (None when disk caches are turned off).

    Examples
    --------
    >>> resolve_cache_root("/tmp/run-cache").as_posix()
    '/tmp/run-cache'
    """
    from socanalysis.cache_root import cache_root

    return Path(root).expanduser() if root else cache_root()


def _entry_size(path: Path) -> tuple[int, int]:
    """Files and bytes of one folder entry (a folder counts the files under it)."""
    if path.is_symlink() or not path.is_dir():
        try:
            return 1, path.lstat().st_size
        except OSError:  # removed meanwhile
            return 0, 0
    files = size = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            try:
                size += (Path(dirpath) / name).lstat().st_size
                files += 1
            except OSError:
                continue
    return files, size


def _entries(root: Path, parts: tuple[CachePart, ...]) -> list[tuple[str, str, Path]]:
    """``(part name, folder, path)`` of every entry in the cache's folders."""
    found = []
    for folder in dict.fromkeys(p.folder for p in parts):
        base = root / folder
        if not base.is_dir():
            continue
        candidates = [p for p in parts if p.folder == folder]
        try:
            listing = sorted(base.iterdir())
        except OSError as exc:
            raise CacheError(
                f"{base}: the cache folder cannot be read ({exc.strerror or exc}); check its "
                "permissions."
            ) from None
        for path in listing:
            part = next((p.name for p in candidates if p.matches(path.name)), OTHER_FILES)
            found.append((part, folder, path))
    return found


def _row(name: str, folder: str, files: int, size: int, part: CachePart | None) -> dict:
    """One row of the tables below (``part`` None: files no part claims)."""
    return {
        "part": name,
        "folder": folder,
        "files": files,
        "bytes": size,
        "report_data": part.report_data if part else False,
        "what": part.what if part else "not written by socanalysis; left alone",
    }


def _table(rows: list[dict]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=_COLUMNS)
    return frame.astype({"files": "int64", "bytes": "int64", "report_data": "bool"})


def cache_usage(
    root: str | os.PathLike[str] | None = None, report_data_only: bool = False
) -> pd.DataFrame:
    """Files and bytes of each part of the disk cache under ``root`` (default: the cache root).

    Returns a DataFrame with ``part``, ``folder``, ``files``, ``bytes``, ``report_data`` and
    ``what``: one row per part of ``caches.yaml`` (also when empty), plus an ``other files``
    row per folder holding files that match no part (never deleted). Empty when disk caches are
    off (``SOCANALYSIS_CACHE_DIR=""`` and no ``root``).
    """
    parts = cache_parts()
    base = resolve_cache_root(root)
    if base is None:
        return _table([])
    totals: dict[tuple[str, str], list[int]] = {(p.name, p.folder): [0, 0] for p in parts}
    for name, folder, path in _entries(base, parts):
        files, size = _entry_size(path)
        total = totals.setdefault((name, folder), [0, 0])
        total[0] += files
        total[1] += size
    by_name = {p.name: p for p in parts}
    rows = []
    for (name, folder), (files, size) in totals.items():
        part = by_name.get(name)
        if part is None and not files:
            continue
        if report_data_only and not (part and part.report_data):
            continue
        rows.append(_row(name, folder, files, size, part))
    return _table(rows)


def clear_cache(
    root: str | os.PathLike[str] | None = None, report_data_only: bool = False
) -> pd.DataFrame:
    """Delete the cached files under ``root`` (default: the cache root).

    Parameters
    ----------
    root : path, optional
        Cache root (``AnalysisConfig.cache_dir``); default ``$SOCANALYSIS_CACHE_DIR`` or the
        user cache folder.
    report_data_only : bool
        Delete only what is derived from report texts (their vectors, lemmas, masked texts) and
        keep the dictionaries and compiled code.

    Returns
    -------
    pandas.DataFrame
        What was deleted: ``part``, ``folder``, ``files``, ``bytes``, ``report_data``, ``what``,
        one row per part that had files.

    Raises
    ------
    CacheError
        When some files could not be deleted (e.g. in use by another process on Windows); the
        others are deleted, and the message names the first of those left.
    """
    parts = cache_parts()
    base = resolve_cache_root(root)
    if base is None:
        return _table([])
    by_name = {p.name: p for p in parts}
    removed: dict[str, list[int]] = {}
    failed: list[str] = []
    for name, _folder, path in _entries(base, parts):
        part = by_name.get(name)
        if part is None or (report_data_only and not part.report_data):
            continue
        files, size = _entry_size(path)
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        except OSError as exc:
            failed.append(f"{path}: {exc.strerror or exc}")
            continue
        total = removed.setdefault(name, [0, 0])
        total[0] += files
        total[1] += size
    if failed:
        raise CacheError(
            f"could not delete {len(failed)} cached file(s), e.g. {failed[0]}. Check that you "
            "may write to the cache folder, close other socanalysis runs or notebooks that use "
            "the cache, and run the command again."
        )
    rows = [
        _row(name, by_name[name].folder, files, size, by_name[name])
        for name, (files, size) in removed.items()
    ]
    return _table(rows)
