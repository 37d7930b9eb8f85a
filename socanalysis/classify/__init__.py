"""§11 support-need and sector taxonomies, suggesters and their evaluation.

Names are loaded lazily (PEP 562) so that importing the package stays cheap.

>>> from socanalysis.classify import load_taxonomy
>>> load_taxonomy("shl11").label("10", "fi")
'omaiset ja läheiset'
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "Taxonomy": "socanalysis.classify.taxonomy",
    "Category": "socanalysis.classify.taxonomy",
    "load_taxonomy": "socanalysis.classify.taxonomy",
    "KeywordMatcher": "socanalysis.classify.keywords",
    "CategorySuggester": "socanalysis.classify.suggester",
    "suggest_categories": "socanalysis.classify.categories",
    "agreement_table": "socanalysis.classify.categories",
    "agreement_summary": "socanalysis.classify.categories",
    "cross_fitted_suggestions": "socanalysis.classify.categories",
    "cross_validate": "socanalysis.classify.evaluate",
    "learning_curve": "socanalysis.classify.evaluate",
    "EvaluationResult": "socanalysis.classify.evaluate",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'socanalysis.classify' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
