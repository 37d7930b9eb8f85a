"""Theme model (BERTopic-based) and weak signals.

``from socanalysis.themes import ThemeModel, plot_themes`` loads lazily: nothing heavy is
imported until a model is fitted.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "ThemeModel": "socanalysis.themes.model",
    "plot_themes": "socanalysis.themes.plot",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'socanalysis.themes' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)
