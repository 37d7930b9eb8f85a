"""Save and load a fitted ThemeModel as safetensors arrays plus a JSON file (no pickle).

Loading executes nothing from the files: arrays come from safetensors, everything else from
JSON, and the theme tables are restored as saved (not recomputed), so a loaded model assigns
the same themes, with the same labels, as the one that was saved.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from socanalysis.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from socanalysis.themes.model import ThemeModel

__all__ = ["load_model", "save_model"]

ARRAYS = "arrays.safetensors"
META = "model.json"
FORMAT = "socanalysis.ThemeModel"
VERSION = 1


def _records(frame: Any) -> list[dict[str, Any]]:
    return json.loads(frame.to_json(orient="records", force_ascii=False))


def _iso_or_none(value: Any) -> str | None:
    import pandas as pd

    return None if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def save_model(model: ThemeModel, path: Path) -> Path:
    """Write ``model`` into directory ``path`` (created; existing files are replaced)."""
    from safetensors.numpy import save_file

    if path.exists() and not path.is_dir():
        raise InputError(
            f"{path} is a file; ThemeModel.save writes a folder: give a new or existing folder."
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder {path} ({exc.strerror or exc}).") from None
    frame = model._frame
    arrays: dict[str, np.ndarray] = {
        "centroids": np.ascontiguousarray(model.centroids_, dtype=np.float32),
        "theme_ids": np.ascontiguousarray(model.theme_ids_, dtype=np.int64),
        "labels": np.ascontiguousarray(model.labels_, dtype=np.int64),
        "train_vectors": np.ascontiguousarray(model._Z, dtype=np.float32),
        "default_mean": np.ascontiguousarray(model.centering_.default_mean_, dtype=np.float32),
    }
    for lang, mean in model.centering_.means_.items():
        arrays[f"mean.{lang}"] = np.ascontiguousarray(mean, dtype=np.float32)
    for lang, rotation in getattr(model.centering_, "rotations_", {}).items():
        arrays[f"rotation.{lang}"] = np.ascontiguousarray(rotation, dtype=np.float32)
    slope = getattr(model.centering_, "length_slope_", None)
    if slope is not None:
        arrays["length_slope"] = np.ascontiguousarray(slope, dtype=np.float32)
    for lang, terms in model._terms.items():
        csr = terms.counts.tocsr()
        arrays[f"terms.{lang}.data"] = np.ascontiguousarray(csr.data, dtype=np.float32)
        arrays[f"terms.{lang}.indices"] = np.ascontiguousarray(csr.indices, dtype=np.int64)
        arrays[f"terms.{lang}.indptr"] = np.ascontiguousarray(csr.indptr, dtype=np.int64)
    save_file(arrays, str(path / ARRAYS))
    params = model.get_params()
    params.pop("analyzer_factory")
    plan = model.plan_
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "params": params,
        "analyzer_factory": None
        if model.analyzer_factory is None
        else repr(model.analyzer_factory),
        "plan": {k: getattr(plan, k) for k in plan.__dataclass_fields__},
        "centering": {
            "enabled": model.centering_.enabled,
            "min_reports": model.centering_.min_reports,
            "align": model.centering_.align,
            "max_align_sample": model.centering_.max_align_sample,
            "align_iterations": model.centering_.align_iterations,
            "align_min_margin": model.centering_.align_min_margin,
            "seed": model.centering_.seed,
            "partial_out_length": model.centering_.partial_out_length,
            "length_min_reports": model.centering_.length_min_reports,
            "other_min_reports": model.centering_.other_min_reports,
            "other_neighbours": model.centering_.other_neighbours,
            "other_rounds": model.centering_.other_rounds,
        },
        "shortness_means": getattr(model.centering_, "shortness_means_", {}),
        "default_shortness_mean": getattr(model.centering_, "default_shortness_mean_", 0.0),
        "length_reference": getattr(model.centering_, "length_reference_", 0.0),
        "n_align_pairs": int(getattr(model.centering_, "n_align_pairs_", 0)),
        "n_initial_outliers": model.n_initial_outliers_,
        "n_pairs": model.n_pairs_,
        "reports": {
            "report_id": frame["report_id"].tolist(),
            "language": frame["language"].tolist(),
            "text_shown": frame["text_shown"].tolist(),
            "date": [_iso_or_none(d) for d in frame["date"].tolist()],
            "polarity": frame["polarity"].tolist(),
            "unit": frame["unit"].tolist(),
        },
        "vocabulary": {lang: terms.vocabulary for lang, terms in model._terms.items()},
        "custom_labels": {str(k): v for k, v in model.custom_labels_.items()},
        "themes": _records(model.themes_),
        "representatives": _records(model.representatives_),
    }
    with open(path / META, "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False, indent=1, sort_keys=True)
    return path


def load_model(cls: type[ThemeModel], path: Path, analyzer_factory: Any) -> ThemeModel:
    """Read a model written by :func:`save_model`; ``InputError`` naming the file when it is
    missing, not JSON, cut short or edited so that a part is missing."""
    from safetensors import SafetensorError

    try:
        return _read_model(cls, path, analyzer_factory)
    except InputError:  # already says what is wrong (an InputError is also a ValueError)
        raise
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path / META} is not valid JSON ({exc}); save the model again."
        ) from None
    except SafetensorError as exc:
        raise InputError(f"{path / ARRAYS} cannot be read ({exc}); save the model again.") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        what = f"{exc} is missing" if isinstance(exc, KeyError) else str(exc)
        raise InputError(
            f"{path} is a damaged ThemeModel ({what}); save the model again."
        ) from None


def _read_model(cls: type[ThemeModel], path: Path, analyzer_factory: Any) -> ThemeModel:
    import pandas as pd
    from safetensors.numpy import load_file
    from scipy import sparse

    from socanalysis.themes.keywords import LanguageTerms
    from socanalysis.themes.model import THEME_COLUMNS
    from socanalysis.themes.space import ClusterPlan, LanguageCentering

    if not (path / META).is_file() or not (path / ARRAYS).is_file():
        raise InputError(
            f"{path} is not a saved ThemeModel: it needs {META} and {ARRAYS} (write one with "
            "ThemeModel.save(path))."
        )
    with open(path / META, encoding="utf-8") as fh:
        meta = json.load(fh)
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise InputError(
            f"{path / META} is not a ThemeModel file of version {VERSION} "
            f"(format={meta.get('format')!r}, version={meta.get('version')!r})."
        )
    arrays = load_file(str(path / ARRAYS))
    model = cls(**meta["params"], analyzer_factory=analyzer_factory)
    model.plan_ = ClusterPlan(**meta["plan"])
    centering = LanguageCentering(**meta["centering"])
    centering.means_ = {k.split(".", 1)[1]: v for k, v in arrays.items() if k.startswith("mean.")}
    centering.default_mean_ = arrays["default_mean"]
    centering.rotations_ = {
        k.split(".", 1)[1]: v for k, v in arrays.items() if k.startswith("rotation.")
    }
    centering.n_align_pairs_ = int(meta.get("n_align_pairs", 0))
    # models saved before the length trend existed have none (and centre as they did)
    centering.length_slope_ = arrays.get("length_slope")
    centering.shortness_means_ = {k: float(v) for k, v in meta.get("shortness_means", {}).items()}
    centering.default_shortness_mean_ = float(meta.get("default_shortness_mean", 0.0))
    centering.length_reference_ = float(meta.get("length_reference", 0.0))
    model.centering_ = centering
    model.centroids_ = arrays["centroids"]
    model.theme_ids_ = arrays["theme_ids"]
    model.labels_ = arrays["labels"]
    model._Z = arrays["train_vectors"]
    model.n_initial_outliers_ = int(meta["n_initial_outliers"])
    model.n_pairs_ = int(meta.get("n_pairs", 0))  # absent before 2026-11-23
    rep = meta["reports"]
    model._frame = pd.DataFrame(
        {
            "report_id": rep["report_id"],
            "text": rep["text_shown"],
            "language": rep["language"],
            "text_shown": rep["text_shown"],
            "date": pd.to_datetime(pd.Series(rep["date"], dtype=object), errors="coerce"),
            "polarity": rep["polarity"],
            "unit": rep["unit"],
        }
    )
    n = len(rep["report_id"])
    model._terms = {}
    for lang, vocab in meta["vocabulary"].items():
        counts = sparse.csr_matrix(
            (arrays[f"terms.{lang}.data"], arrays[f"terms.{lang}.indices"],
             arrays[f"terms.{lang}.indptr"]),
            shape=(n, len(vocab)),
        )  # fmt: skip
        model._terms[lang] = LanguageTerms(lang, list(vocab), counts)
    model.custom_labels_ = {int(k): v for k, v in meta["custom_labels"].items()}
    model.outlier_share_ = float(np.mean(model.labels_ < 0)) if n else 0.0
    themes = pd.DataFrame.from_records(meta["themes"], columns=list(THEME_COLUMNS))
    for col in ("theme_id", "n_reports", "n_fi", "n_sv", "n_positive", "n_negative"):
        themes[col] = themes[col].astype(np.int64)
    for col in THEME_COLUMNS:
        if col not in {"theme_id", "n_reports", "n_fi", "n_sv", "n_positive", "n_negative"}:
            themes[col] = themes[col].fillna("").astype(str)
    model.themes_ = themes
    reps = pd.DataFrame.from_records(
        meta["representatives"], columns=["theme_id", "rank", "report_id", "language", "text"]
    )
    reps[["theme_id", "rank"]] = reps[["theme_id", "rank"]].astype(np.int64)
    model.representatives_ = reps
    model._auto_labels = {}
    return model
