"""One rule for every disk cache: $SOCANALYSIS_CACHE_DIR, the user cache folder, or "" for none."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from socanalysis.cache_root import CACHE_ENV, cache_folder, cache_root
from socanalysis.classify.embedding import _disk_cache_dir as category_vectors_dir
from socanalysis.errors import ConfigError
from socanalysis.nlp import dictionaries, embed_cache, language_lexicon
from socanalysis.nlp.embeddings import get_embedder
from socanalysis.nlp.lemma_cache import active_lemma_cache, lemma_disk_cache
from socanalysis.themes.jit_cache import numba_cache_dir

ROOT = Path(__file__).resolve().parents[1]


def _folders() -> dict[str, Path | None]:
    """Each cache's folder as its own module computes it."""
    return {
        "embeddings": embed_cache.default_cache_dir(),
        "tries": dictionaries.default_cache_dir(),
        "language": language_lexicon.default_cache_dir(),
        "category vectors": category_vectors_dir(),
        "numba": numba_cache_dir(),
    }


def test_a_set_folder_holds_every_cache(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    assert cache_root() == tmp_path
    folders = _folders()
    assert {name: folder.parent for name, folder in folders.items()} == dict.fromkeys(
        folders, tmp_path
    )
    assert folders["embeddings"].name == "embeddings" and folders["numba"].name == "numba"
    monkeypatch.setenv(CACHE_ENV, "~/somewhere")
    assert cache_folder("lemmas") == Path("~/somewhere").expanduser() / "lemmas"


def test_unset_means_the_user_cache_folder(monkeypatch):
    import platformdirs

    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    user = Path(platformdirs.user_cache_dir("socanalysis"))
    assert cache_root() == user
    assert {folder.parent for folder in _folders().values()} == {user}


def test_empty_turns_every_disk_cache_off(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, "")
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    assert cache_root() is None
    assert _folders() == dict.fromkeys(_folders())  # every one None
    # the embedder caches nothing unless given a folder of its own
    assert get_embedder("e5-small-bundled").cache is None
    given = get_embedder("e5-small-bundled", cache_dir=tmp_path).cache
    assert given is not None and given.directory == tmp_path / "embeddings"
    with pytest.raises(ConfigError, match="SOCANALYSIS_CACHE_DIR is set to the empty string"):
        embed_cache.EmbeddingCache()
    # the lemma terms: no cache while the block runs
    with lemma_disk_cache(None) as disk:
        assert disk is None and active_lemma_cache() is None
    # the language dictionaries' word tables are built in memory, and still work
    tables = language_lexicon.Dictionaries()
    assert tables.cache_dir is None
    exact, _ = tables.arrays("sv")
    assert len(exact) > 100_000 and not isinstance(exact, np.memmap)
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere under the test's folder


def test_empty_compiles_umap_in_memory(tmp_path):
    # numba picks its cache folder when umap is imported, so this needs a fresh process
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env[CACHE_ENV] = ""
    code = (
        "from socanalysis.themes.jit_cache import active_cache_dir, import_umap\n"
        "import_umap()\n"
        "print(active_cache_dir())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "None"
