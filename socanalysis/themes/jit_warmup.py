"""Compile UMAP's code in a helper process while the first run on a machine does other work.

The first analysis on a machine compiles UMAP's numba code (about 12 s of one core at 1 000
reports, kept on disk afterwards: :mod:`socanalysis.themes.jit_cache`). It is needed only at
the themes stage, after language identification, masking and embedding, which take longer
and leave a core free for most of it. So :func:`start_umap_warmup`, called by ``analyze`` as
soon as it knows UMAP will run, starts ``python -m socanalysis.themes.jit_warmup``: a process
at low priority that fits UMAP once on random vectors, which compiles and saves the same
functions, and then leaves a marker file. :func:`~socanalysis.themes.jit_cache.import_umap`
waits for it to finish, then loads the compiled code from disk. The compiled code is the same
whoever compiles it, so results do not change; if the helper fails or is slow, the analysis
compiles as before.

Nothing starts when disk caches are off, the cache folder is not writable, the marker says
the code is compiled already for the installed versions, another helper is compiling into the
same folder, or Python is embedded in another program (``sys.executable`` is not Python).

Examples
--------
>>> is_compiled(None)
False
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["is_compiled", "marker_path", "start_umap_warmup", "wait_for_umap_warmup"]

_LOCK_NAME = "warmup.lock"
# a lock older than this was left by a helper that died; another may start
_STALE_LOCK_S = 15 * 60
# the themes stage waits at most this long for a helper, then compiles itself
_WAIT_S = 300
_state: dict[str, Any] = {}


def marker_path(folder: Path) -> Path:
    """The file that says UMAP's code is compiled in ``folder`` for the installed versions.

    numba keeps a compiled function valid while its source file and the CPU stay the same; an
    upgrade of any of these packages means compiling again, so each is part of the name.
    """
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for package in ("socanalysis", "numba", "llvmlite", "umap-learn", "pynndescent"):
        try:
            parts.append(version(package))
        except PackageNotFoundError:  # pragma: no cover - a source checkout without metadata
            parts.append("0")
    py = f"py{sys.version_info.major}{sys.version_info.minor}"
    return folder / f"umap-compiled-{'-'.join(parts)}-{py}"


def is_compiled(folder: Path | None) -> bool:
    """Whether a helper finished compiling UMAP's code into ``folder`` (None: no disk cache)."""
    return folder is not None and marker_path(folder).exists()


def start_umap_warmup() -> bool:
    """Start the helper process if UMAP's code is not compiled on this machine yet.

    Returns
    -------
    bool
        True when a helper was started by this call.
    """
    from socanalysis.themes.jit_cache import is_writable_folder, numba_cache_dir, umap_imported

    if "process" in _state or umap_imported() or not _runs_python(sys.executable):
        return False
    folder = numba_cache_dir()
    if folder is None or not is_writable_folder(folder) or is_compiled(folder):
        return False
    lock = folder / _LOCK_NAME
    if not _take_lock(lock):
        return False
    env = {**os.environ, "NUMBA_CACHE_DIR": str(folder)}
    # one core: the analysis keeps the other
    env.update(dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1"))
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "socanalysis.themes.jit_warmup", str(lock)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        lock.unlink(missing_ok=True)
        return False
    _state["process"] = process
    return True


def _runs_python(executable: str) -> bool:
    """Whether ``executable`` is a Python interpreter (not an application embedding Python,
    whose ``sys.executable`` would start the application again)."""
    from pathlib import PureWindowsPath  # splits at slashes and backslashes, wherever this runs

    return PureWindowsPath(executable).name.lower().startswith(("python", "pypy"))


def wait_for_umap_warmup(timeout: float = _WAIT_S) -> None:
    """Wait for this process's helper, if any (stopped after ``timeout`` seconds)."""
    process = _state.pop("process", None)
    if process is None:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()  # compile here instead; its lock goes stale
        process.wait()


def _take_lock(lock: Path) -> bool:
    """Create ``lock`` unless a live helper holds it (one older than 15 minutes is dead)."""
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                age = time.time() - lock.stat().st_mtime
            except OSError:
                continue  # removed meanwhile: try again
            if age < _STALE_LOCK_S:
                return False
            lock.unlink(missing_ok=True)
            continue
        except OSError:
            return False
        os.close(fd)
        return True
    return False


def _compile(folder: Path) -> None:
    """Fit UMAP as the themes stage does, on random vectors: its code is compiled and saved."""
    from dataclasses import replace

    import numpy as np

    from socanalysis.themes.model import ThemeModel
    from socanalysis.themes.space import reduce

    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(300, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    plan = ThemeModel().plan(1000)  # layouts as for 1 000 reports; fewer epochs, same code
    reduce(vectors, replace(plan, n_epochs=20), 0)
    marker_path(folder).touch()


def main(argv: list[str] | None = None) -> int:
    """The helper's entry point: ``python -m socanalysis.themes.jit_warmup LOCK``."""
    args = sys.argv[1:] if argv is None else argv
    lock = Path(args[0]) if args else None
    from socanalysis.background import lower_priority

    lower_priority()  # the analysis comes first
    try:
        from socanalysis.themes.jit_cache import active_cache_dir, import_umap

        import_umap()
        folder = active_cache_dir()
        if folder is None:
            return 1
        _compile(folder)
        return 0
    finally:
        if lock is not None:
            lock.unlink(missing_ok=True)


if __name__ == "__main__":  # pragma: no cover - run as a process by start_umap_warmup
    sys.exit(main())
