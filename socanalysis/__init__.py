"""socanalysis: themes, weak signals and §11 suggestions for Finnish and Swedish social reports.

The public API is loaded lazily so that ``import socanalysis`` stays fast: pandas, spaCy,
torch and BERTopic are imported only when a function that needs them is called.

Examples
--------
>>> import socanalysis as sa
>>> sa.__version__ != ""
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from socanalysis._version import __version__

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from socanalysis.classify.suggester import CategorySuggester
    from socanalysis.classify.taxonomy import load_taxonomy
    from socanalysis.config import AnalysisConfig
    from socanalysis.errors import ConfigError, InputError, SocanalysisError
    from socanalysis.nlp.analyzer import LemmaAnalyzer
    from socanalysis.nlp.embeddings import get_embedder
    from socanalysis.nlp.language import detect_languages
    from socanalysis.nlp.privacy import mask_reports
    from socanalysis.pipeline import AnalysisResult, analyze
    from socanalysis.reports import read_reports
    from socanalysis.themes.model import ThemeModel
    from socanalysis.themes.weak_signals import WeakSignalDetector

# public name -> module that defines it; resolved on first attribute access (PEP 562)
_LAZY_EXPORTS: dict[str, str] = {
    "read_reports": "socanalysis.reports",
    "analyze": "socanalysis.pipeline",
    "AnalysisResult": "socanalysis.pipeline",
    "AnalysisConfig": "socanalysis.config",
    "SocanalysisError": "socanalysis.errors",
    "InputError": "socanalysis.errors",
    "ConfigError": "socanalysis.errors",
    # building blocks, for research use one by one
    "detect_languages": "socanalysis.nlp.language",
    "mask_reports": "socanalysis.nlp.privacy",
    "LemmaAnalyzer": "socanalysis.nlp.analyzer",
    "get_embedder": "socanalysis.nlp.embeddings",
    "ThemeModel": "socanalysis.themes.model",
    "WeakSignalDetector": "socanalysis.themes.weak_signals",
    "CategorySuggester": "socanalysis.classify.suggester",
    "load_taxonomy": "socanalysis.classify.taxonomy",
}

__all__ = [
    "AnalysisConfig",
    "AnalysisResult",
    "CategorySuggester",
    "ConfigError",
    "InputError",
    "LemmaAnalyzer",
    "SocanalysisError",
    "ThemeModel",
    "WeakSignalDetector",
    "__version__",
    "analyze",
    "detect_languages",
    "get_embedder",
    "load_taxonomy",
    "mask_reports",
    "read_reports",
]


def __getattr__(name: str) -> Any:
    module_name = _LAZY_EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'socanalysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # cache: later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
