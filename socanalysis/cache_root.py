"""Where socanalysis keeps its caches on disk: one root folder, one rule for every cache.

The root is

- ``$SOCANALYSIS_CACHE_DIR`` when that variable is set to a folder;
- the user cache folder (``platformdirs.user_cache_dir("socanalysis")``, e.g.
  ``~/.cache/socanalysis``) when it is not set;
- none when it is set to the empty string: then nothing is cached on disk. Embeddings, lemma
  terms and category-description vectors are computed in every run, the dictionaries' word
  tables are built in memory in every process, and numba compiles UMAP's code in every process.

Each cache has its own subfolder (``embeddings``, ``lemmas``, ``reports``, ``language``,
``category_prototypes``, ``numba``); deleting any of them is safe
(:mod:`socanalysis.cache_admin` and ``socanalysis cache`` list and delete them).
``AnalysisConfig.cache_dir`` gives ``analyze`` a root of its own, whatever the variable says.

Examples
--------
>>> import os
>>> from unittest import mock
>>> with mock.patch.dict(os.environ, {"SOCANALYSIS_CACHE_DIR": "/tmp/socanalysis-cache"}):
...     print(cache_folder("embeddings").as_posix())
/tmp/socanalysis-cache/embeddings
>>> with mock.patch.dict(os.environ, {"SOCANALYSIS_CACHE_DIR": ""}):
...     print(cache_folder("embeddings"))
...     print(cache_folder("embeddings", "/tmp/run-cache").as_posix())
None
/tmp/run-cache/embeddings
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CACHE_ENV", "cache_folder", "cache_root"]

#: environment variable that moves (or, set to "", turns off) every socanalysis cache on disk
CACHE_ENV = "SOCANALYSIS_CACHE_DIR"


def cache_root() -> Path | None:
    """The folder all socanalysis caches live under; None when disk caches are off."""
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return Path(env).expanduser() if env else None
    import platformdirs  # a dependency; imported here to keep `import socanalysis` light

    return Path(platformdirs.user_cache_dir("socanalysis"))


def cache_folder(name: str, root: str | os.PathLike[str] | None = None) -> Path | None:
    """The subfolder ``name`` of ``root``, or of :func:`cache_root` when no root is given
    (e.g. ``AnalysisConfig.cache_dir`` unset); None when that is off."""
    base = Path(root).expanduser() if root else cache_root()
    return None if base is None else base / name
