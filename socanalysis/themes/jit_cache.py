"""Keep UMAP's compiled (numba) code on disk, so only the first process on a machine compiles it.

UMAP compiles its layout optimiser, fuzzy simplicial set and distance functions with numba the
first time they run in a process. Most of them are not marked ``cache=True``, so every fresh
process paid the compilation again: measured on the shared 2-core machine, UMAP on 1 000
reports took 127 s in a fresh process against 14 s for a second fit in the same process, and
28 s in a fresh process once the compiled code was on disk (docs/complexity.md).

:func:`import_umap` imports ``umap`` with numba's on-disk cache switched on for every compiled
function of umap and pynndescent, stored in ``<socanalysis cache>/numba`` (the folder of
:func:`socanalysis.nlp.embed_cache.default_cache_dir`'s parent), unless ``NUMBA_CACHE_DIR``
is set, which is kept. numba keys each cached function by its source file and time stamp and
by the CPU, so an upgraded umap or another machine simply compiles again; the cache is safe to
delete. The compiled code is the same either way, so results do not change.

Examples
--------
>>> umap = import_umap()
>>> umap.UMAP.__name__
'UMAP'
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

_UMAP_MODULES = ("umap.umap_", "umap.layouts", "umap.distances", "umap.utils", "umap.spectral")
_PYNNDESCENT_MODULES = (
    "pynndescent.pynndescent_", "pynndescent.utils", "pynndescent.kernels", "pynndescent.rp_trees",
    "pynndescent.distances", "pynndescent.sparse", "pynndescent.sparse_nndescent",
    "pynndescent.graph_utils",
)  # fmt: skip
_state: dict[str, Any] = {}


def numba_cache_dir() -> Path | None:
    """Folder for numba's compiled code: ``NUMBA_CACHE_DIR`` or the socanalysis cache.

    None when ``SOCANALYSIS_CACHE_DIR`` is "" (disk caches off) and ``NUMBA_CACHE_DIR`` unset.

    Examples
    --------
    >>> folder = numba_cache_dir()
    >>> folder is None or folder.name in ("numba", os.environ.get("NUMBA_CACHE_DIR", "numba"))
    True
    """
    env = os.environ.get("NUMBA_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from socanalysis.cache_root import cache_folder

    return cache_folder("numba")


def is_writable_folder(folder: Path) -> bool:
    """Whether ``folder`` exists or can be made, and can be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def import_umap() -> ModuleType:
    """Import ``umap`` with numba's disk cache on for its compiled functions (once per process).

    Returns
    -------
    module
        The ``umap`` package.
    """
    if "umap" in _state:
        return _state["umap"]
    import importlib

    from socanalysis.themes.jit_warmup import wait_for_umap_warmup

    # a helper compiling the same code into the same folder: load its work instead
    wait_for_umap_warmup()

    import numba
    from numba.core.registry import CPUDispatcher

    folder = numba_cache_dir()
    if folder is not None and is_writable_folder(folder):
        # set before umap (and pynndescent, whose functions are cache=True) are imported: numba
        # picks each function's cache folder when the function is decorated
        numba.config.CACHE_DIR = str(folder)
        with _eager_compiles_cached(numba):
            import umap

        for name in _UMAP_MODULES + _PYNNDESCENT_MODULES:
            _enable_caching(importlib.import_module(name), CPUDispatcher)
        _state["folder"] = folder
    else:  # disk caches off, or a read-only home: compile in memory in every process
        import umap
    _state["umap"] = umap
    return umap


@contextlib.contextmanager
def _eager_compiles_cached(numba: ModuleType) -> Iterator[None]:
    """While umap and pynndescent are imported, their ``numba.njit``/``numba.jit`` calls get
    ``cache=True``, and functions declared with signatures compile when first used.

    Functions decorated with explicit signatures (umap.utils, pynndescent.rp_trees, ...) are
    compiled when their module is imported, before :func:`_enable_caching` can reach them:
    without ``cache=True`` every fresh process compiled them again (about 0.5 s of the import,
    measured with ``python -X importtime``). Even cached, the first import on a machine
    compiled them all (about 16 s, pynndescent's trees and distances, which socanalysis calls
    above 20 000 reports only): :func:`~socanalysis.themes.jit_defer.deferred_jit` compiles
    each one's declared signatures at its first use instead, the same code. Calls from any
    other module are passed on unchanged.
    """
    originals = {name: getattr(numba, name) for name in ("njit", "jit")}

    from socanalysis.themes.jit_defer import declared_signatures, deferred_jit

    def with_cache(original: Any) -> Any:
        def decorate(*args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if caller.split(".")[0] not in ("umap", "pynndescent"):
                return original(*args, **kwargs)
            kwargs.setdefault("cache", True)
            signatures = declared_signatures(args, kwargs)
            if signatures is None:
                return original(*args, **kwargs)
            kwargs.pop("signature_or_function", None)
            return deferred_jit(original, signatures, kwargs)

        return decorate

    try:
        for name, original in originals.items():
            setattr(numba, name, with_cache(original))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a function numba cannot cache compiles as before
            yield
    finally:
        for name, original in originals.items():
            setattr(numba, name, original)


def umap_imported() -> bool:
    """Whether :func:`import_umap` ran in this process."""
    return "umap" in _state


def active_cache_dir() -> Path | None:
    """The folder this process keeps UMAP's compiled code in, once :func:`import_umap` ran.

    It is fixed at the first import (numba picks a function's cache folder when it is compiled),
    so a later change of ``SOCANALYSIS_CACHE_DIR`` in the same process does not move it.
    ``None`` before the import, with disk caches off, or when the folder was not writable.

    Examples
    --------
    >>> _ = import_umap()
    >>> active_cache_dir() is None or active_cache_dir().exists()
    True
    """
    return _state.get("folder")


def _enable_caching(module: ModuleType, dispatcher_type: type) -> int:
    """Turn on the disk cache of every not-yet-cached numba function defined in ``module``."""
    n = 0
    for obj in vars(module).values():
        if not isinstance(obj, dispatcher_type):
            continue
        if getattr(obj.py_func, "__module__", "") != module.__name__:  # imported from elsewhere
            continue
        if type(obj._cache).__name__ != "NullCache":  # already cache=True
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                obj.enable_caching()
            except Exception:  # a function numba cannot cache just compiles in memory
                continue
        n += 1
    return n
