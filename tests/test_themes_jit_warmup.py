"""The helper process that compiles UMAP's code during a machine's first analysis."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from socanalysis.config import AnalysisConfig
from socanalysis.themes import jit_warmup


def test_a_helper_compiles_umap_once_and_the_analysis_then_loads_its_code(tmp_path):
    """In a fresh process with an empty cache folder: one helper starts, a second call starts
    none, and after it UMAP's functions come from the disk cache (hits, no misses)."""
    script = (
        "import numpy as np\n"
        "from socanalysis.themes.jit_cache import import_umap, numba_cache_dir\n"
        "from socanalysis.themes import jit_warmup as w\n"
        "folder = numba_cache_dir()\n"
        "assert not w.is_compiled(folder)\n"
        "assert w.start_umap_warmup() is True\n"
        "assert (folder / 'warmup.lock').exists()\n"
        "assert w.start_umap_warmup() is False\n"
        "umap = import_umap()\n"  # waits for the helper
        "assert w.is_compiled(folder) and not (folder / 'warmup.lock').exists()\n"
        "from socanalysis.themes.model import ThemeModel\n"
        "from socanalysis.themes.space import reduce\n"
        "Z = np.random.default_rng(1).normal(size=(120, 8)).astype(np.float32)\n"
        "from dataclasses import replace\n"
        "reduce(Z, replace(ThemeModel().plan(1000), n_epochs=10), 0)\n"
        "fn = umap.umap_.smooth_knn_dist\n"
        "print(sum(fn._cache_hits.values()), sum(fn._cache_misses.values()))\n"
        "print(w.start_umap_warmup())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["SOCANALYSIS_CACHE_DIR"] = str(tmp_path)
    run = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-3000:]
    hits, misses, again = run.stdout.split()
    assert int(hits) >= 1 and int(misses) == 0
    assert again == "False"  # compiled: no helper the next time


def test_no_helper_without_a_disk_cache(monkeypatch):
    monkeypatch.setenv("SOCANALYSIS_CACHE_DIR", "")
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setattr(jit_warmup, "_state", {})
    monkeypatch.setattr("socanalysis.themes.jit_cache._state", {})
    assert jit_warmup.start_umap_warmup() is False
    assert jit_warmup._state == {}


def test_a_live_lock_is_respected_and_a_stale_one_replaced(tmp_path):
    lock = tmp_path / "warmup.lock"
    assert jit_warmup._take_lock(lock) is True
    assert jit_warmup._take_lock(lock) is False  # a helper is compiling
    old = time.time() - 16 * 60
    os.utime(lock, (old, old))
    assert jit_warmup._take_lock(lock) is True  # its helper died
    assert time.time() - lock.stat().st_mtime < 60


def test_the_helper_removes_its_lock_even_when_compiling_fails(tmp_path, monkeypatch):
    lock = tmp_path / "warmup.lock"
    lock.touch()

    def broken(folder):
        raise RuntimeError("no compiler")

    monkeypatch.setattr(jit_warmup, "_compile", broken)
    # the helper lowers its own priority; this test runs its main() inside pytest's process
    monkeypatch.setattr("socanalysis.background.lower_priority", lambda: None)
    monkeypatch.setattr("socanalysis.themes.jit_cache.active_cache_dir", lambda: tmp_path)
    with pytest.raises(RuntimeError, match="no compiler"):
        jit_warmup.main([str(lock)])
    assert not lock.exists()
    assert not jit_warmup.is_compiled(tmp_path)


def test_a_helper_that_hangs_is_stopped_and_the_analysis_goes_on(monkeypatch):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    monkeypatch.setattr(jit_warmup, "_state", {"process": sleeper})
    started = time.perf_counter()
    jit_warmup.wait_for_umap_warmup(timeout=0.5)
    assert time.perf_counter() - started < 30
    assert sleeper.poll() is not None
    assert jit_warmup._state == {}
    jit_warmup.wait_for_umap_warmup()  # nothing left to wait for


def test_analyze_starts_a_helper_only_where_umap_will_run(monkeypatch):
    from socanalysis import pipeline

    calls: list[bool] = []
    monkeypatch.setattr(jit_warmup, "start_umap_warmup", lambda: calls.append(True) or True)
    pipeline._start_umap_warmup(236, AnalysisConfig())  # the small-set clustering: no UMAP
    pipeline._start_umap_warmup(10, AnalysisConfig())
    assert calls == []
    pipeline._start_umap_warmup(1000, AnalysisConfig())
    pipeline._start_umap_warmup(236, AnalysisConfig(n_themes=7))  # a fixed number: UMAP
    assert calls == [True, True]


def test_the_marker_names_the_versions_that_make_compiled_code_valid(tmp_path):
    from importlib.metadata import version

    name = jit_warmup.marker_path(tmp_path).name
    assert version("numba") in name and version("umap-learn") in name
    assert name.endswith(f"py{sys.version_info.major}{sys.version_info.minor}")


def test_no_helper_where_python_is_embedded_in_another_program(monkeypatch, tmp_path):
    monkeypatch.setenv("SOCANALYSIS_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setattr(jit_warmup, "_state", {})
    monkeypatch.setattr("socanalysis.themes.jit_cache._state", {})
    monkeypatch.setattr(sys, "executable", "/usr/sbin/uwsgi")
    assert jit_warmup.start_umap_warmup() is False
    assert not list(tmp_path.rglob("warmup.lock"))
    assert jit_warmup._runs_python("/opt/venv/bin/python3.11")
    assert jit_warmup._runs_python("C:\\Python311\\python.exe")
