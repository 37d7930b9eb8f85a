"""``analyze()``: run the stages in order; each adds columns or tables keyed by report_id.

Stages never call each other; this module composes them and keeps the ledger: every input row
comes out exactly once, in input order, with its status. Rows that are not analysable keep empty
analysis columns; duplicates take the results of the report they repeat.

The order is intake, language, privacy, lemmas, embeddings, then the categories stage in two
halves around themes and weak signals: its first half starts the category models, which fit
in worker processes (when the labels are many enough) while this process finds the themes and
weak signals, and its second half collects them. The two do not depend on each other, so the
results are those of running them one after the other.
"""

from __future__ import annotations

import contextlib
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socanalysis._version import __version__
from socanalysis.config import AnalysisConfig
from socanalysis.errors import ConfigError, InputError
from socanalysis.export.contract import (
    OUTLIER_THEME_ID,
    REPORTS_COLUMNS,
    REPORTS_TRACE_COLUMNS,
    THEMES_COLUMNS,
    WEAK_SIGNALS_COLUMNS,
)
from socanalysis.reports import CANONICAL_COLUMNS, read_reports

if TYPE_CHECKING:
    import pandas as pd

#: Called as ``progress(stage_name)`` when a stage starts; the CLI shows it.
ProgressCallback = Callable[[str], None]

# Analysis columns with their empty value for rows that are not analysed.
_EMPTY_ANALYSIS = {
    "language": "",
    "language_confidence": float("nan"),
    # the detector's ISO code of an "other" report's language; not an output column, the
    # themes centre each such language by itself (themes.yaml, other_language_min_reports)
    "other_language": "",
    "theme_id": OUTLIER_THEME_ID,
    "theme_label": "",
    "weak_signal_id": "",
    "shl_suggested": "",
    "shl_scores": "",
    "sectors_suggested": "",
    "sector_scores": "",
    "pii_masked": 0,
    "text_masked": "",
}
# Rows whose text is masked: analysed reports and the duplicates that repeat them.
_MASKED_STATUSES = ("ok", "duplicate")
# Results a duplicate row copies from the report it repeats.
_COPIED_TO_DUPLICATES = tuple(c for c in _EMPTY_ANALYSIS if c not in ("pii_masked", "text_masked"))


@dataclass
class AnalysisResult:
    """Everything one analysis produced; every part is a pandas DataFrame.

    Attributes
    ----------
    reports : DataFrame
        The canonical report table plus analysis columns, one row per input row.
    themes : DataFrame
        One row per theme (columns of themes.csv).
    weak_signals : DataFrame
        Candidate weak signals (columns of weak_signals.csv).
    run_info : dict
        Version, settings, counts and timings (run.json).
    config : AnalysisConfig
        The settings used.

    Examples
    --------
    >>> import pandas as pd
    >>> result = analyze(pd.DataFrame({"teksti": ["Asiakas Matti Virtanen odottaa Kelaa.", ""]}))
    >>> table = result.report_table()  # the columns of reports.csv, masked text only
    >>> table[["status", "text_masked"]].values.tolist()
    [['ok', 'Asiakas [NIMI] odottaa Kelaa.'], ['empty', '']]
    >>> "text" in table.columns  # the raw text stays in result.reports
    False
    """

    reports: pd.DataFrame
    themes: pd.DataFrame
    weak_signals: pd.DataFrame
    run_info: dict[str, Any]
    config: AnalysisConfig = field(default_factory=AnalysisConfig)
    #: ``shl_labels`` and ``sector_labels`` (taxonomies) for human-readable outputs.
    category_labels: dict[str, Any] = field(default_factory=dict)
    #: Per taxonomy (``shl``, ``sectors``): reporters' choices against the suggestions, where
    #: the input has them; ``differ`` rows are where a reporter may have misfiled, or the
    #: suggester is wrong.
    agreement: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: The fitted :class:`~socanalysis.themes.model.ThemeModel` (save it, apply it to new
    #: reports, merge or rename themes), or None when nothing could be analysed. Its edits
    #: change the model, not this result's tables and files: the network's merges and names
    #: reach the outputs through the review workbook (``analyze(..., review=...)``).
    theme_model: Any = None
    #: The fitted :class:`~socanalysis.themes.weak_signals.WeakSignalDetector` with the evidence
    #: of each method (``emergence_``, ``novelty_``, ``popularity_``).
    weak_signal_detector: Any = None
    #: Per taxonomy (``shl``, ``sectors``): the fitted
    #: :class:`~socanalysis.classify.suggester.CategorySuggester` (``train_ids_`` and
    #: ``train_labels_`` show the labels it learned from; ``save()`` keeps it for later runs).
    category_models: dict[str, Any] = field(default_factory=dict)
    #: With ``review=``: the review decisions this run carries on, keyed by its own theme ids
    #: (:func:`socanalysis.review_flow.carried_decisions`); ``save()`` writes them to
    #: review_carried.json and shows them in the review columns of summary.xlsx.
    review_carried: Any = None

    def plot_themes(self, language: str | None = None, *, ax: Any = None) -> Any:
        """Themes by size and language (matplotlib Figure), the chart of the meeting report.

        ``language`` defaults to the result's output language; with ``ax`` (a matplotlib Axes,
        e.g. one of ``plt.subplots``) the chart is drawn into it and its figure returned.
        """
        from socanalysis.export.charts import themes_by_size

        return themes_by_size(self.themes, language or self.config.output_language, ax=ax)

    def plot_weak_signals(self, language: str | None = None, *, ax: Any = None) -> Any:
        """Keyword emergence map: frequency against growth, weak quadrant marked (matplotlib
        Figure), in ``language`` (default: the result's output language), into ``ax`` when
        given. Without analysed reports: the map's title and "No data", as the other charts."""
        language = language or self.config.output_language
        if self.weak_signal_detector is None:  # nothing was analysed
            import pandas as pd

            from socanalysis.themes.weak_emergence import EMERGENCE_COLUMNS
            from socanalysis.themes.weak_plots import plot_emergence_map

            empty = pd.DataFrame({column: [] for column in EMERGENCE_COLUMNS})
            return plot_emergence_map(empty, language=language, ax=ax)
        return self.weak_signal_detector.plot_emergence_map(language=language, ax=ax)

    def save(
        self, out_dir: str | os.PathLike[str], *, human_readable: bool = True, charts: bool = True
    ) -> list[Path]:
        """Write the result files into ``out_dir`` and return their paths.

        Parameters
        ----------
        out_dir : path
            Created when missing.
        human_readable : bool
            Also write summary.xlsx, report.html, report.md, charts and codebook.qdc (masked text
            only); False writes just the contract CSV files and run.json, and leaves those
            files of an earlier run in the folder as they are (a workbook may hold reviewers'
            work).
        charts : bool
            Draw the charts for the meeting report (the slowest part of writing).

        Raises
        ------
        InputError
            When ``out_dir`` cannot hold the results, or holds the review.json of an earlier
            run (the decisions would then point at other themes).
        """
        from socanalysis.export.review import CARRIED_FILE
        from socanalysis.export.tables import write_contract_tables, write_json

        if not isinstance(out_dir, (str, os.PathLike)):
            raise InputError(f"save needs a folder path, not {type(out_dir).__name__}")
        out = Path(out_dir)
        check_review_out_dir(self.config.review, out)
        check_out_dir(out)
        import shutil
        import tempfile

        stage: Path | None = None
        try:
            out.mkdir(parents=True, exist_ok=True)
            # every file is written into a staging folder first and moved into place at the
            # end: a run stopped while writing (Ctrl-C, a full disk) leaves the folder as it
            # was, not a new reports.csv beside an earlier run's report
            stage = Path(tempfile.mkdtemp(prefix=".socanalysis-", dir=out))
            staged = write_contract_tables(self.reports, self.themes, self.weak_signals, stage)
            staged += self._fingerprint(stage)
            if human_readable:
                from socanalysis.export.outputs import write_outputs

                staged += write_outputs(self, stage, charts=charts, **self.category_labels)
            staged.append(write_json(self.run_info, stage / "run.json"))
            paths = _move_into_place(staged, stage, out)
            if self.review_carried is None:
                # a carried file of an earlier run here belongs to other themes
                (out / CARRIED_FILE).unlink(missing_ok=True)
        except OSError as exc:
            # a folder where a result file goes, a file where the charts folder goes, a full
            # disk, no permission: the user's to fix, so a message, not a traceback
            raise InputError(
                f"{exc.filename or out}: cannot write the results there ({exc.strerror or exc}). "
                "Move what is in the way, free some space, or choose another --out folder."
            ) from None
        finally:
            if stage is not None:
                shutil.rmtree(stage, ignore_errors=True)
        return paths

    def _fingerprint(self, stage: Path) -> list[Path]:
        """Set ``run_info["run_id"]`` from the tables written into ``stage`` (what review
        decisions refer to), and write the carried review decisions with it; returns the
        files written."""
        from socanalysis.export.review import CARRIED_FILE, run_fingerprint

        self.run_info["run_id"] = run_fingerprint(stage)
        if self.review_carried is None:
            return []
        self.review_carried.run_id = self.run_info["run_id"]
        return [self.review_carried.save(stage / CARRIED_FILE)]

    def report_table(self) -> pd.DataFrame:
        """The per-report results as reports.csv has them: masked text only.

        ``reports`` also holds the raw ``text`` and ``proposal`` (and any other input column),
        which may identify people; this is the table to show in a notebook that others will
        read.
        """
        from socanalysis.export.tables import reports_frame

        return reports_frame(self.reports)

    def summary(self) -> dict[str, Any]:
        """Counts for the end-of-run summary: rows read, analysed, skipped by reason."""
        return self.run_info["counts"]

    def __repr__(self) -> str:
        counts = self.run_info["counts"]
        return (
            f"AnalysisResult({counts['rows']} reports, {counts['analysed']} analysed, "
            f"{len(self.themes)} themes, {len(self.weak_signals)} weak signals)"
        )

    def _repr_html_(self) -> str:
        """What a notebook shows: counts, the largest themes, weak signals (no report text)."""
        from socanalysis.export.notebook import result_html

        return result_html(self)


class _StageClock:
    """Times each stage and tells the progress display which one is running."""

    def __init__(self, progress: ProgressCallback | None) -> None:
        self.progress = progress
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if self.progress is not None:
            self.progress(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            # a stage that runs in two parts (categories) adds its parts up
            elapsed = time.perf_counter() - start
            self.timings[name] = round(self.timings.get(name, 0.0) + elapsed, 3)


def analyze(
    source: str | os.PathLike[str] | pd.DataFrame,
    config: AnalysisConfig | None = None,
    *,
    progress: ProgressCallback | None = None,
    client: Any = None,
    **settings: Any,
) -> AnalysisResult:
    """Analyse social reports: intake, language, privacy, themes, weak signals, categories.

    Parameters
    ----------
    source : path, DataFrame or report table
        An export file, a raw DataFrame, or a table from :func:`socanalysis.read_reports`.
    config : AnalysisConfig, optional
        Settings; keyword arguments override single settings (``seed=7``).
    progress : callable, optional
        Called with each stage's name as it starts.
    client : dask.distributed.Client, optional
        Run the per-report stages (language, privacy, lemmas, embeddings) on this Dask cluster;
        the same as ``engine="dask"`` with a cluster of your own (see
        :mod:`socanalysis.distributed`). The results are the same as without it.

    Returns
    -------
    AnalysisResult

    Examples
    --------
    >>> import pandas as pd
    >>> result = analyze(pd.DataFrame({"teksti": ["Nuorten asumiskulut nousevat.", ""]}))
    >>> result.reports["status"].tolist()
    ['ok', 'empty']
    """

    config = _settings(config).replace(**settings)
    clock = _StageClock(progress)
    # read the taxonomies and the review first: a wrong path or a broken file should fail
    # before minutes of analysis
    taxonomies = _taxonomies(config)
    saved_models = _saved_category_models(config, taxonomies)
    review = _load_review_source(config, taxonomies)
    per_report = _per_report_engine(config, client)
    with clock("intake"):
        table = _intake(source, config)
        _mask_fields(table, taxonomies)
    ledger_ids = table["report_id"].tolist()
    for column, empty in _EMPTY_ANALYSIS.items():
        table[column] = empty
    table["language_confidence"] = table["language_confidence"].astype("float64")
    table["proposal_masked"] = ""
    analysed = (table["status"] == "ok").to_numpy()
    _start_umap_warmup(int(analysed.sum()), config)
    _start_category_workers(table, analysed, config)
    categories: dict[str, Any] = {}

    def start_categories(embedder: Any, embeddings: Any) -> None:
        with clock("categories"):
            # started as soon as the embeddings exist (the suggesters lemmatise on their own):
            # where the category models fit in worker processes, they fit while this process
            # computes the lemmas, themes and weak signals (which do not depend on them), and
            # the second half of the stage below only collects them
            categories.update(
                _start_categories(
                    table,
                    analysed,
                    embeddings,
                    embedder,
                    config,
                    review,
                    taxonomies,
                    saved_models,
                )
            )

    try:
        with _per_report_caches(config):
            lemmas, embedder, embeddings = per_report(
                table, config, clock, progress, on_embeddings=start_categories
            )
            with clock("themes"):
                theme_model, themes, theme_review, carried = _stage_themes(
                    table, analysed, embeddings, config, review
                )
            with clock("weak signals"):
                detector, weak_signals = _stage_weak_signals(
                    table, analysed, embeddings, lemmas, themes, config
                )
    except BaseException:
        # an error or Ctrl-C: nobody will collect the fits, so the workers need not finish them
        # (the interpreter would wait for them before it exits)
        from socanalysis.classify.category_fits import stop_submitted_fits

        stop_submitted_fits()
        raise
    with clock("categories"):
        _use_the_wait(categories)
        taxonomies, agreement, category_models, category_review = _finish_categories(
            table, analysed, embeddings, categories
        )
        _reported_keys(table, agreement)
    themes = _theme_category_profile(themes, table, analysed)

    _copy_to_duplicates(table)
    if table["report_id"].tolist() != ledger_ids:  # the ledger is a promise; never break it
        raise RuntimeError("internal error: the analysis lost or reordered report rows")
    run_info = _run_info(table, config, clock.timings, embedder=embedder.info())
    if hasattr(per_report, "info"):
        run_info["engine"] = per_report.info()
    # which sector list (and §11 file) the run used, and what the reporters' choices read as
    run_info["taxonomies"] = {name: tax.run_record() for name, tax in taxonomies.items()}
    run_info["categories"] = _category_run_info(agreement, taxonomies)
    for name, model in saved_models.items():
        # suggested by a model trained elsewhere: the reporters' choices here were compared,
        # not learned from (counted above as "reported")
        run_info["categories"][name]["saved_model"] = {
            "folder": config.category_models[name],
            "mode": model.mode_,
            "trained_on": int(model.n_labelled_),
        }
    run_info["themes"] = _theme_run_info(theme_model)
    run_info["weak_signals"] = _weak_run_info(detector)
    if review is not None:
        run_info["review"] = {
            "source": str(review.path),
            "themes": theme_review,
            "categories": category_review,
        }
    return AnalysisResult(
        table,
        themes,
        weak_signals,
        run_info,
        config,
        category_labels={"shl_labels": taxonomies["shl"], "sector_labels": taxonomies["sectors"]},
        agreement=agreement,
        theme_model=theme_model,
        weak_signal_detector=detector,
        category_models=category_models,
        review_carried=carried,
    )


def _settings(config: Any) -> AnalysisConfig:
    """``config`` as settings: None (the defaults), an :class:`AnalysisConfig`, or a dict of
    the same names (``{"seed": 7}``)."""
    if config is None:
        return AnalysisConfig()
    if isinstance(config, AnalysisConfig):
        return config
    if isinstance(config, dict):
        return AnalysisConfig.from_dict(config)
    raise ConfigError(
        f"config must be an AnalysisConfig or a dict of settings, not {type(config).__name__}; "
        "e.g. analyze(reports, seed=7) or analyze(reports, AnalysisConfig(seed=7))"
    )


def _start_umap_warmup(n_reports: int, config: AnalysisConfig) -> None:
    """On a machine where UMAP's code is not compiled yet, and only if the themes stage will
    run UMAP: compile it in a helper process while the per-report stages run (see
    :mod:`socanalysis.themes.jit_warmup`)."""
    from socanalysis.themes.model import ThemeModel

    if ThemeModel(n_themes=config.n_themes).plan(n_reports).reduction == "none":
        return
    from socanalysis.themes.jit_warmup import start_umap_warmup

    start_umap_warmup()


@contextlib.contextmanager
def _per_report_caches(config: AnalysisConfig) -> Iterator[None]:
    """The disk caches of per-report work besides embeddings, for a run with these settings
    (none with ``use_cache=False``): lemma terms
    (:func:`socanalysis.nlp.lemma_cache.lemma_disk_cache`) and language and masking results
    (:func:`socanalysis.nlp.result_cache.result_disk_cache`)."""
    if not config.use_cache:
        yield
        return
    from socanalysis.nlp.lemma_cache import lemma_disk_cache
    from socanalysis.nlp.result_cache import result_disk_cache

    with lemma_disk_cache(config.cache_dir), result_disk_cache(config.cache_dir):
        yield


def _per_report_engine(config: AnalysisConfig, client: Any) -> Callable[..., Any]:
    """What runs the per-report stages: this process, or a Dask cluster."""
    if config.engine == "local" and client is None:
        return _per_report_stages
    from socanalysis.distributed import DaskPerReport

    return DaskPerReport(config, client=client)


def _per_report_stages(
    table: pd.DataFrame,
    config: AnalysisConfig,
    clock: _StageClock,
    progress: ProgressCallback | None = None,
    embedder: Any = None,
    on_embeddings: Callable[[Any, Any], None] | None = None,
) -> tuple[list[list[str]], Any, Any]:
    """Language, privacy masking, embeddings and lemmas: the stages that read one report at a
    time.

    Each row's results depend on that row alone (and on the original of a duplicate), so the
    distributed engine maps this same function over partitions of the table. Fills the
    language, language_confidence, text_masked, proposal_masked and pii_masked columns in
    place; returns the lemmas and embeddings of the analysed rows, in table order, and the
    embedder (``embedder`` is used when given, so a worker loads its model once).
    ``on_embeddings(embedder, embeddings)`` is called as soon as the embeddings exist, before
    the lemmas: the pipeline starts the category fits there, which need the masked texts and
    the embeddings but not the lemmas.
    """
    analysed = (table["status"] == "ok").to_numpy()
    with_text = table["status"].isin(_MASKED_STATUSES).to_numpy()
    with clock("language"):
        _stage_language(table, analysed, config)
    _copy_to_duplicates(table, ("language", "language_confidence", "other_language"))
    with clock("privacy"):
        _stage_privacy(table, with_text)
    with clock("embeddings"):
        embedder, embeddings = _stage_embeddings(table, analysed, config, progress, embedder)
    if on_embeddings is not None:
        on_embeddings(embedder, embeddings)
    with clock("lemmas"):
        lemmas = _stage_lemmas(table, analysed)
    return lemmas, embedder, embeddings


def _stage_language(table: pd.DataFrame, rows: Any, config: AnalysisConfig) -> None:
    """Language, confidence and, for an ``other`` report, the detector's name of its language,
    of each analysed report (from the results cache where stored)."""
    from socanalysis.nlp.result_cache import cached_results

    if not rows.any():
        return
    texts = table.loc[rows, "text"].tolist()

    def detect(positions: list[int]) -> list[list[Any]]:
        from socanalysis.nlp.language import detect_languages

        found = detect_languages([texts[i] for i in positions], seed=config.seed)
        return [
            [language, float(confidence), str(other)]
            for language, confidence, other in zip(
                found["language"], found["confidence"], found["other_language"], strict=True
            )
        ]

    # "language-other": entries of three values; those of the older "language" kind had two
    results = cached_results(f"language-other|seed={config.seed}", texts, detect)
    table.loc[rows, "language"] = [language for language, _, _ in results]
    table.loc[rows, "language_confidence"] = [confidence for _, confidence, _ in results]
    table.loc[rows, "other_language"] = [other for _, _, other in results]


def _stage_privacy(table: pd.DataFrame, rows: Any) -> None:
    """Mask personal data in the text and the proposal before anything is shown or embedded."""
    if not rows.any():
        return
    languages = table.loc[rows, "language"].replace("", None).tolist()
    texts, counts = _masked(table.loc[rows, "text"].tolist(), languages)
    table.loc[rows, "text_masked"] = texts
    table.loc[rows, "pii_masked"] = counts
    proposals, counts = _masked(table.loc[rows, "proposal"].tolist(), languages)
    table.loc[rows, "proposal_masked"] = proposals
    table.loc[rows, "pii_masked"] += counts


#: Columns besides the text and the proposal that people read in the outputs and that a form
#: lets reporters fill freely (a unit typed as "Yksikkö Jukka Nieminen 045...", a §11 choice
#: with "ask Matti, 040...") or that echo a cell (a date cell holding text).
MASKED_FIELDS = ("unit", "municipality", "shl_reported", "sectors_reported", "status_reason")


def _mask_fields(table: pd.DataFrame, taxonomies: dict[str, Any] | None = None) -> None:
    """Mask personal data in :data:`MASKED_FIELDS` of every row, before any stage uses them.

    A form's unit, municipality and category columns hold a few distinct values, each masked
    once. Masking only replaces what it finds (names, identity codes, phones, e-mail, ...), so
    "3, kysy Matilta" still reads as §11 point 3; two units that differ only by a person's name
    become one, which is what masking means. In the reporters' §11 and sector choices a word
    that is part of a category's name stays ("Boende, Socialservice": the second item of a list
    reads as a name), so that the choice is read as it was meant (``taxonomies``: the run's).
    """
    from socanalysis.nlp.privacy import find_pii, mask, mask_value

    category_of = {"shl_reported": "shl", "sectors_reported": "sectors"}
    for column in MASKED_FIELDS:
        if column not in table:
            continue
        taxonomy = (taxonomies or {}).get(category_of.get(column, ""))
        values = table[column].fillna("").astype(str)
        masked = {}
        for v in values.unique():
            if not v.strip():
                continue
            if column == "municipality":
                # one place name, not a sentence: a lone word there that is no municipality on
                # the stop list and in no dictionary is a name ("Kahinda")
                masked[v] = mask_value(v).text
                continue
            spans = find_pii(v)
            if taxonomy is not None:
                # the category columns keep the sentence reading, but their choices are words
                # of category names ("Boende, Socialservice"), not people
                spans = [s for s in spans if not _names_a_category(taxonomy, v, s)]
            masked[v] = mask(v, spans=spans).text
        if any(m != v for v, m in masked.items()):
            table[column] = values.map(lambda v, m=masked: m.get(v, v))


def _names_a_category(taxonomy: Any, value: str, span: Any) -> bool:
    """Whether a name found in a reporter's §11 or sector choice is a category's name instead:
    words of a category written out in the cell, or one word that names a category and is on
    no list of people's names ("Klara" reads as §11 point 1, *klara*, and is a first name)."""
    from socanalysis.nlp.privacy_names import is_listed_name

    if span.type != "name":
        return False
    words = value[span.start : span.end]
    # a person's name read as a category word counts only where the category is written out
    listed = any(is_listed_name(word) for word in words.split())
    return taxonomy.names_a_category(words, value, alone=not listed)


def _masked(texts: list[Any], languages: list[Any]) -> tuple[list[str], list[int]]:
    """Masked texts and the number of spans masked in each (from the results cache where
    stored; a text and its language decide both)."""
    from socanalysis.nlp.privacy import mask_reports
    from socanalysis.nlp.result_cache import cached_results

    def mask(positions: list[int]) -> list[list[Any]]:
        found = mask_reports([texts[i] for i in positions], [languages[i] for i in positions])
        return [
            [text, int(count)]
            for text, count in zip(found["text_masked"], found["pii_masked"], strict=True)
        ]

    if all(isinstance(text, str) for text in texts):
        keys = [
            f"{language or ''}\x1f{text}" for text, language in zip(texts, languages, strict=True)
        ]
        results = cached_results("privacy", keys, mask)
    else:  # not text (mask_reports says which): nothing to look up
        results = mask(list(range(len(texts))))
    return [text for text, _ in results], [count for _, count in results]


def _stage_lemmas(table: pd.DataFrame, rows: Any) -> list[list[str]]:
    """Lemma terms of each analysed report's masked text, in the order of the analysed rows."""
    from socanalysis.nlp.analyzer import lemmatize_texts

    if not rows.any():
        return []
    languages = table.loc[rows, "language"].tolist()
    return lemmatize_texts(table.loc[rows, "text_masked"].tolist(), languages)


def make_embedder(config: AnalysisConfig, num_threads: int | None = None) -> Any:
    """The embedder the settings name (its model loads on the first text not in the cache)."""
    from socanalysis.nlp.embeddings import get_embedder

    options: dict[str, Any] = {}
    if config.embedder == "tfidf-lsa":
        from socanalysis.nlp.analyzer import LemmaAnalyzer

        options["analyzer"] = LemmaAnalyzer("auto")
    return get_embedder(
        config.embedder,
        cache_dir=config.cache_dir,
        use_cache=config.use_cache,
        num_threads=num_threads or config.num_threads,
        **options,
    )


def _stage_embeddings(
    table: pd.DataFrame,
    rows: Any,
    config: AnalysisConfig,
    progress: ProgressCallback | None,
    embedder: Any = None,
) -> tuple[Any, Any]:
    """Embed the masked text of analysed reports (cached on disk by model and text hash)."""
    import numpy as np

    from socanalysis.nlp.embeddings import REPORT_KIND

    if embedder is None:
        embedder = make_embedder(config)
    if not rows.any():
        return embedder, np.zeros((0, embedder.dim), dtype=np.float32)
    from socanalysis.nlp.embed_text import texts_for_embedding

    # placeholders say which identifiers a report held, not what it is about
    texts = texts_for_embedding(table.loc[rows, "text_masked"])
    vectors = embedder.encode(texts, kind=REPORT_KIND, show_progress=progress is not None)
    return embedder, vectors


def _move_into_place(staged: list[Path], stage: Path, out: Path) -> list[Path]:
    """Move the files written into ``stage`` to the same places under ``out``; return them.

    A standard chart that an earlier save drew and this one did not is removed, so that the
    folder holds one run's files.
    """
    from socanalysis.export.report import CHARTS_FOLDER, remove_undrawn_charts

    moved = []
    for path in staged:
        target = out / path.relative_to(stage)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        moved.append(target)
    if (out / "report.md") in moved:  # the report says which charts belong to it
        remove_undrawn_charts(out, [p.stem for p in moved if p.parent == out / CHARTS_FOLDER])
    return moved


def check_out_dir(out_dir: str | os.PathLike[str]) -> None:
    """Refuse an output folder that cannot hold the results, before any work is done.

    ``out_dir`` must be a folder (or not exist yet) in a place this process may write to;
    the check writes and removes a small temporary file there.

    Examples
    --------
    >>> check_out_dir("README.md")
    Traceback (most recent call last):
    ...
    socanalysis.errors.InputError: output folder README.md is a file, not a folder: ...
    """
    import tempfile

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(
            f"output folder {out} is a file, not a folder: give a folder for the results "
            "(it is created when missing)."
        )
    probe = out
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent  # the folder that will hold the new one
    if probe.exists() and not probe.is_dir():
        raise InputError(
            f"output folder {out}: {probe} is a file, so no folder can be made below it."
        )
    try:
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as exc:
        raise InputError(
            f"output folder {out}: cannot write in {probe} ({exc.strerror or exc}); choose a "
            "folder you may write to."
        ) from None


def check_review_out_dir(
    review: str | os.PathLike[str] | None, out_dir: str | os.PathLike[str]
) -> None:
    """Refuse to write a run over the results of a reviewed run.

    The theme ids in ``review.json`` belong to the run in its folder; new results there would
    make the next ``--review`` of that folder match the wrong themes. That holds for the review
    this run carries over and for any review.json already in ``out_dir``.

    Examples
    --------
    >>> check_review_out_dir("results", "results_2")
    >>> check_review_out_dir("results/review.json", "results")
    Traceback (most recent call last):
    ...
    socanalysis.errors.InputError: the results folder results is the folder of the review ...
    """
    from socanalysis.export.review import REVIEW_FILE

    if review:
        folder = Path(review)
        if folder.suffix.lower() == ".json":
            folder = folder.parent
        if folder.resolve() == Path(out_dir).resolve():
            raise InputError(
                f"the results folder {out_dir} is the folder of the review (its theme ids refer "
                "to the run there); write the new results to another folder (--out results_2/ "
                "on the command line, result.save('results_2/') in Python)."
            )
    if (Path(out_dir) / REVIEW_FILE).is_file():
        raise InputError(
            f"the results folder {out_dir} holds {REVIEW_FILE}, the reviewers' decisions on the "
            "run there; new results in that folder would leave them pointing at other themes. "
            "Write to another folder (--out results_2/ on the command line, "
            "result.save('results_2/') in Python), and carry the decisions over with --review "
            f"{out_dir} (review='{out_dir}' in Python); or move {REVIEW_FILE} away first."
        )


def _taxonomies(config: AnalysisConfig) -> dict[str, Any]:
    """The run's §11 and sector taxonomies (``config.sector_taxonomy``, else the default
    sectors), loaded and checked once."""
    from socanalysis.classify.taxonomy import load_taxonomy
    from socanalysis.errors import ConfigError

    try:
        sectors = load_taxonomy(config.sector_taxonomy or "sectors")
    except ConfigError as exc:  # name the setting the file came from
        raise ConfigError(f"setting sector_taxonomy={config.sector_taxonomy!r}: {exc}") from None
    shl = load_taxonomy("shl11")
    if _is_shl11(sectors, shl):
        # the literal name is refused with the settings; a copy of the file by path would
        # otherwise fill every sector table with §11 points
        raise ConfigError(
            f"setting sector_taxonomy={config.sector_taxonomy!r}: {sectors.path} is the §11 "
            f"taxonomy (name {sectors.name!r}), not a sector list; §11 points are suggested on "
            "their own: give 'sectors' or the path of a county's sector file"
        )
    return {"shl": shl, "sectors": sectors}


def _is_shl11(taxonomy: Any, shl: Any) -> bool:
    """Whether ``taxonomy`` is the §11 taxonomy: by its name, or by its keys and labels (a
    renamed copy); a county's sectors numbered 1-10 have other labels."""
    from socanalysis.classify.taxonomy import fold

    if taxonomy.name.strip().casefold() == shl.name:
        return True
    if taxonomy.keys != shl.keys:
        return False
    same = sum(
        fold(taxonomy.label(key, lang)) == fold(shl.label(key, lang))
        for key in shl.keys
        for lang in ("fi", "sv")
        if lang in taxonomy.languages
    )
    return same * 2 >= len(shl.keys)


def _load_review_source(config: AnalysisConfig, taxonomies: dict[str, Any]) -> Any:
    """The review decisions of an earlier run (``config.review``), or None; its corrected
    labels checked against ``taxonomies``."""
    if not config.review:
        return None
    from socanalysis.review_flow import check_correction_keys, load_review_source

    source = load_review_source(config.review)
    check_correction_keys(source.decisions, taxonomies, str(source.path))
    return source


def _stage_themes(
    table: pd.DataFrame,
    rows: Any,
    embeddings: Any,
    config: AnalysisConfig,
    review: Any = None,
) -> tuple[Any, pd.DataFrame, dict[str, Any], Any]:
    """Themes shared by Finnish and Swedish reports, described from masked text only.

    With a review, the reviewed merges and renames are applied to the themes fitted on this
    run's data (see :mod:`socanalysis.review_flow`); the record of what was applied and the
    decisions the run carries on (None without a review) are returned.
    """
    import pandas as pd

    from socanalysis.nlp.analyzer import LemmaAnalyzer
    from socanalysis.review_flow import carried_decisions
    from socanalysis.themes.model import ThemeModel

    if not rows.any():
        empty = pd.DataFrame({c: [] for c in THEMES_COLUMNS})
        if review is None:
            return None, empty, {}, None
        record = {"unmatched": sorted(review.decisions.themes)}
        return None, empty, record, carried_decisions(review, record, empty, {})
    model = ThemeModel(
        n_themes=config.n_themes,
        n_representatives=config.n_examples,
        seed=config.seed,
        analyzer_factory=LemmaAnalyzer,
    )
    columns = [
        "report_id", "text", "text_masked", "language", "other_language", "date", "unit",
        "polarity",
    ]  # fmt: skip
    assigned = model.fit_transform(table.loc[rows, columns], embeddings)
    record: dict[str, Any] = {}
    carried = None
    if review is not None:
        from socanalysis.review_flow import apply_theme_review

        parts: dict[int, list[dict[str, Any]]] = {}
        record = apply_theme_review(model, review, assigned[["report_id", "theme_id"]], parts)
        carried = carried_decisions(review, record, model.themes_, parts)
        labels = dict(zip(model.themes_["theme_id"], model.themes_["label_fi"], strict=True))
        assigned = assigned.assign(
            theme_id=model.labels_, theme_label=[labels.get(int(t), "") for t in model.labels_]
        )
    table.loc[rows, "theme_id"] = assigned["theme_id"].to_numpy()
    table.loc[rows, "theme_label"] = assigned["theme_label"].to_numpy()
    return model, model.themes_.reindex(columns=list(THEMES_COLUMNS)), record, carried


def _stage_weak_signals(
    table: pd.DataFrame,
    rows: Any,
    embeddings: Any,
    lemmas: list[list[str]],
    themes: pd.DataFrame,
    config: AnalysisConfig,
) -> tuple[Any, pd.DataFrame]:
    """Rank candidate weak signals: rare, new, spread over units; people decide."""
    import pandas as pd

    from socanalysis.themes.weak_signals import WeakSignalDetector

    if not rows.any():
        return None, pd.DataFrame({c: [] for c in WEAK_SIGNALS_COLUMNS})
    reports = table.loc[
        rows, ["report_id", "text_masked", "date", "unit", "municipality", "language", "theme_id"]
    ].rename(columns={"text_masked": "text"})
    period = "auto" if config.period == "auto" else config.period
    detector = WeakSignalDetector(period=period, seed=config.seed).fit(
        reports,
        embeddings,
        lemmas=lemmas,
        theme_keywords=themes[["theme_id", "keywords_fi", "keywords_sv"]],
    )
    table.loc[rows, "weak_signal_id"] = detector.assignments_["weak_signal_id"].to_numpy()
    # the contract columns, then "why" in Finnish and Swedish for the workbook and the report
    candidates = detector.candidates_.reindex(columns=list(WEAK_SIGNALS_COLUMNS))
    return detector, candidates.merge(detector.why_, on="weak_signal_id", how="left")


def _theme_category_profile(themes: pd.DataFrame, table: pd.DataFrame, rows: Any) -> pd.DataFrame:
    """Fill top_shl and top_sectors: the most common first suggestion of each theme's reports."""
    if themes.empty:
        return themes
    analysed = table.loc[rows]
    themes = themes.copy()
    for column, source in (("top_shl", "shl_suggested"), ("top_sectors", "sectors_suggested")):
        primary = analysed[source].str.split(";").str[0]
        counts = (
            primary[primary != ""]
            .groupby(analysed["theme_id"])
            .value_counts()
            .rename("n")
            .reset_index()
            .sort_values(["theme_id", "n", source], ascending=[True, False, True], kind="stable")
        )
        top = counts.groupby("theme_id")[source].apply(lambda keys: ";".join(keys.head(3)))
        # a theme none of whose reports got a suggestion has none to show
        by_theme = top.to_dict()
        themes[column] = [by_theme.get(theme, "") for theme in themes["theme_id"]]
    return themes


#: how many of the reporters' choices that name no category run.json shows as examples
_UNREAD_EXAMPLES = 10


def _category_run_info(
    agreement: dict[str, pd.DataFrame], taxonomies: dict[str, Any]
) -> dict[str, Any]:
    """Per taxonomy: how many analysed reports carry a reporter's choice, how many of those
    name no category (left unlabelled, not dropped without a word) and the commonest such
    values, so that a coordinator sees which labels the reporters mistype.

    The values are the masked choices, most frequent first (ties by text), at most
    :data:`_UNREAD_EXAMPLES`.
    """
    out: dict[str, Any] = {}
    for name, taxonomy in taxonomies.items():
        frame = agreement.get(name)
        if frame is None or not len(frame):
            out[name] = {"taxonomy": taxonomy.name, "reported": 0, "unreadable": 0}
            continue
        unread = frame.loc[frame["agreement"] == "unreadable", "reported"].str.strip()
        counts = unread.value_counts()
        ordered = sorted(counts.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))
        out[name] = {
            "taxonomy": taxonomy.name,
            "reported": int((frame["agreement"] != "not_reported").sum()),
            "unreadable": int(len(unread)),
            "unreadable_values": {str(v): int(n) for v, n in ordered[:_UNREAD_EXAMPLES]},
        }
    return out


def _theme_run_info(model: Any) -> dict[str, Any]:
    if model is None:  # nothing to analyse: scripts still find the count
        return {"n_themes": 0, "single_report_themes": 0, "outlier_share": 0.0}
    themes = model.themes_[model.themes_["theme_id"] >= 0]
    return {
        "n_themes": int(len(themes)),
        # a fixed n_themes near the number of reports gives themes of one report each
        "single_report_themes": int((themes["n_reports"] == 1).sum()),
        "outlier_share": round(float(model.outlier_share_), 4),
        "plan": str(model.plan_),
        # clear Finnish-Swedish pairs, each kept in one theme (socanalysis.themes.pairs)
        "cross_language_pairs": int(getattr(model, "n_pairs_", 0)),
    }


def _weak_run_info(detector: Any) -> dict[str, Any]:
    if detector is None:
        return {"methods": [], "notes": []}
    return {
        "period": str(detector.period_),
        "recent_window": str(detector.recent_window_),
        "methods": list(detector.methods_),
        "notes": list(detector.notes_),
    }


#: taxonomy name -> (column with the reporters' choices, suggestion column, score column)
_CATEGORY_COLUMNS = {
    "shl": ("shl_reported", "shl_suggested", "shl_scores"),
    "sectors": ("sectors_reported", "sectors_suggested", "sector_scores"),
}


def _reported_keys(table: pd.DataFrame, agreement: dict[str, Any]) -> None:
    """The reporters' choices as taxonomy keys (``shl_reported_keys``, ``sectors_reported_keys``,
    ``;``-joined), read as the agreement tables read them ("Osallisuus", "3 ekonomiskt stöd",
    "mt-palvelut"): the counts of the workbook and the report count these, not the raw text."""
    for name, (reported_column, _, _) in _CATEGORY_COLUMNS.items():
        frame = agreement.get(name)
        if frame is None or not len(frame):
            continue
        keys = dict(zip(frame["report_id"].astype(str), frame["reported_keys"], strict=True))
        table[f"{reported_column}_keys"] = table["report_id"].astype(str).map(keys).fillna("")


def _category_jobs(config: AnalysisConfig) -> int:
    """Worker processes for the category fits: the configured threads, or all cores."""
    return config.num_threads or -1


def _start_category_workers(table: pd.DataFrame, rows: Any, config: AnalysisConfig) -> None:
    """Start the category fits' worker processes now if the reporters' labels will use them.

    They start in the background (about a second each, importing scikit-learn) while the
    per-report stages run, which leave the other cores mostly idle.
    """
    from socanalysis.classify.category_fits import start_workers, use_workers

    most = 0
    for name, (reported_column, _, _) in _CATEGORY_COLUMNS.items():
        if name in config.category_models:  # a saved model fits nothing
            continue
        labelled = table.loc[rows, reported_column].fillna("").astype(str).str.strip().ne("")
        # the suggester trains on at most its default max_labelled (2 000) reports; §11 has
        # the fewest categories (10), so this is the least the fits can be
        most = max(most, min(int(labelled.sum()), 2000))
    if use_workers(most, 10, _category_jobs(config)) > 1:
        start_workers(_category_jobs(config))


def _start_categories(
    table: pd.DataFrame,
    rows: Any,
    embeddings: Any,
    embedder: Any,
    config: AnalysisConfig,
    review: Any = None,
    taxonomies: dict[str, Any] | None = None,
    saved_models: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """§11 and sector suggesters, fitted on the reporters' own choices where the form has them.

    Reviewers' corrected labels (``config.review``) replace the reporters' choices as training
    labels of the reports they cover (:func:`socanalysis.review_flow.training_labels_for`).
    A taxonomy with a saved model (``config.category_models``, :func:`_saved_category_models`)
    is suggested by that model, fitted nothing.
    The suggesters are fitted with ``wait=False``: their per-category models may still be
    fitting in worker processes when this returns; :func:`_finish_categories` collects them.
    Nothing here writes to ``table``, which the stages in between change.
    """
    from socanalysis.classify.suggester import CategorySuggester, parse_labels
    from socanalysis.review_flow import training_labels_for

    started: dict[str, Any] = {
        "taxonomies": taxonomies or _taxonomies(config),
        "suggesters": {},
        "corrected": {},
    }
    if not rows.any():
        return started
    reports = table.loc[rows, ["report_id", "text_masked", "language", "status"]].rename(
        columns={"text_masked": "text"}
    )
    report_ids = reports["report_id"].tolist()
    started.update(reports=reports, reported={})
    decisions = review.decisions if review is not None else None
    for name, (reported_column, _, _) in _CATEGORY_COLUMNS.items():
        reported = table.loc[rows, reported_column].copy()
        started["reported"][name] = reported
        if saved_models and name in saved_models:
            started["suggesters"][name] = saved_models[name]
            if review is not None:  # the corrections were not learned from in this run
                started["corrected"][name] = {"corrected_labels_used": 0}
            continue
        labels, n_corrected = training_labels_for(
            decisions, report_ids, reported.fillna("").tolist(), name
        )
        if review is not None:
            started["corrected"][name] = {"corrected_labels_used": n_corrected}
        # the reporters' choices as typed: one that names no category ("en tiedä") leaves
        # its report unlabelled (the agreement table calls it unreadable), it stops no run
        keys = parse_labels(labels, started["taxonomies"][name], unreadable="ignore")
        # fitted here rather than inside suggest_categories, so the result can keep it
        suggester = CategorySuggester(
            started["taxonomies"][name],
            embedder=embedder,
            seed=config.seed,
            n_jobs=_category_jobs(config),
        )
        suggester.fit(
            reports["text"].tolist(),
            embeddings,
            reports["language"].tolist(),
            labels=keys if any(keys) else None,
            report_ids=report_ids,
            wait=False,
        )
        started["suggesters"][name] = suggester
    return started


def _saved_category_models(config: AnalysisConfig, taxonomies: dict[str, Any]) -> dict[str, Any]:
    """The saved category models of ``config.category_models``, loaded and checked before any
    work: each must be of the run's taxonomy (same name and keys) and embedder, or its report
    vectors would be compared with another model's space."""
    from socanalysis.classify.suggester import CategorySuggester
    from socanalysis.errors import ConfigError

    loaded = {}
    for name, folder in config.category_models.items():
        setting = f"setting category_models.{name}={folder!r}"
        try:
            model = CategorySuggester.load(folder)
        except ConfigError as exc:
            raise ConfigError(
                f"{setting}: {exc} (give the --out folder of socanalysis train-categories)"
            ) from None
        wanted = taxonomies[name]
        have = model.taxonomy_
        if have.name != wanted.name or list(have.keys) != list(wanted.keys):
            which = "sector_taxonomy" if name == "sectors" else "the §11 taxonomy"
            raise ConfigError(
                f"{setting}: a model of the taxonomy {have.name!r} ({', '.join(have.keys)}); "
                f"this run's {name} are {wanted.name!r} ({', '.join(wanted.keys)}). Train it "
                f"with --taxonomy of the run's list, or set {which} to the list it was trained on."
            )
        if model.embedder_name_ != config.embedder:
            raise ConfigError(
                f"{setting}: trained on vectors of the embedder {model.embedder_name_!r}, and "
                f"this run embeds with {config.embedder!r}; set embedder = "
                f"{model.embedder_name_!r}, or train again with --embedder {config.embedder}."
            )
        model.set_params(n_jobs=_category_jobs(config))
        loaded[name] = model
    return loaded


def _use_the_wait(started: dict[str, Any]) -> None:
    """The category fits are still running: instead of only waiting for them, import the
    plotting library that ``result.save()`` and the plots use.

    In a fresh process importing matplotlib takes about 0.4 s, and a warm 1 000-report run on
    two cores reaches this point before its fits are back (docs/performance.md). When the fits
    are done already nothing is imported here, so an analysis that is never saved pays nothing.
    """
    if any(s.fitting() for s in started.get("suggesters", {}).values()):
        import matplotlib.backends.backend_agg
        import matplotlib.figure  # noqa: F401


def _finish_categories(
    table: pd.DataFrame, rows: Any, embeddings: Any, started: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, pd.DataFrame], dict[str, Any], dict[str, Any]]:
    """Suggestions from the suggesters :func:`_start_categories` fitted, and agreement tables.

    The suggestions stay model output, and the agreement tables compare the reporters' own
    choices. When the suggester was trained, the agreement tables use its out-of-fold
    suggestions (:meth:`CategorySuggester.held_out_suggestions`): each labelled report is
    compared with scores that did not see its label, so disagreements are not hidden.

    Returns the taxonomies used, per taxonomy a table of agreement between what reporters chose
    and what was suggested, the fitted suggesters, and how many corrected labels were used.
    """
    from socanalysis.classify.categories import agreement_table, suggest_categories

    taxonomies, models, corrected = (
        started["taxonomies"],
        started["suggesters"],
        started["corrected"],
    )
    agreement: dict[str, pd.DataFrame] = {}
    if not rows.any():
        return taxonomies, agreement, models, corrected
    reports = started["reports"]
    report_ids = reports["report_id"].tolist()
    for name, (_, suggested_column, score_column) in _CATEGORY_COLUMNS.items():
        suggester = models[name].join()
        if name in corrected:
            corrected[name]["mode"] = suggester.mode_
        found = suggest_categories(
            reports, embeddings, taxonomies[name], model=suggester, evidence=False
        )
        table.loc[rows, suggested_column] = found["suggested"].to_numpy()
        table.loc[rows, score_column] = found["scores"].to_numpy()
        reported = started["reported"][name]
        if reported.str.strip().ne("").any():
            compared = found["suggested"].tolist()
            # out-of-fold suggestions for the reports the models were trained on (labelled
            # reports beyond the training sample are out of sample already)
            held_out = suggester.held_out_suggestions()
            compared = [
                ";".join(held_out[rid]) if rid in held_out else c
                for rid, c in zip(report_ids, compared, strict=True)
            ]
            agreement[name] = agreement_table(
                reported.tolist(), compared, taxonomies[name], report_ids=report_ids
            )
    return taxonomies, agreement, models, corrected


def _intake(source: Any, config: AnalysisConfig) -> pd.DataFrame:
    from socanalysis.reports import as_report_source, recheck_table

    source = as_report_source(source, "analyze")
    is_table = hasattr(source, "columns") and set(CANONICAL_COLUMNS) <= set(source.columns)
    if is_table:
        return recheck_table(
            source,
            config.min_text_letters,
            config.max_text_chars,
            date_from=config.date_from,
            date_to=config.date_to,
        )
    return read_reports(
        source,
        config.columns or None,
        sheet=config.sheet,
        min_text_letters=config.min_text_letters,
        max_text_chars=config.max_text_chars,
        date_from=config.date_from,
        date_to=config.date_to,
    )


def _copy_to_duplicates(
    table: pd.DataFrame, columns: tuple[str, ...] = _COPIED_TO_DUPLICATES
) -> None:
    duplicates = table.index[table["duplicate_of"] != ""]
    if len(duplicates) == 0:
        return
    by_id = table.set_index("report_id")
    originals = table.loc[duplicates, "duplicate_of"]
    for column in columns:
        table.loc[duplicates, column] = by_id.loc[originals, column].to_numpy()


def _run_info(
    table: pd.DataFrame,
    config: AnalysisConfig,
    timings: dict[str, float],
    embedder: dict[str, Any] | None,
) -> dict[str, Any]:
    status_counts = table["status"].value_counts().sort_index()
    # the languages of the analysed reports, as the meeting report counts them (a duplicate
    # carries its original's language and is not analysed again)
    analysed = table["status"] == "ok"
    languages = table.loc[analysed & (table["language"] != ""), "language"]
    languages = languages.value_counts().sort_index()
    return {
        "socanalysis_version": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "input": table.attrs.get("intake", {}),
        "config": config.to_dict(),
        "seed": config.seed,
        "embedder": embedder,
        "counts": {
            "rows": len(table),
            "analysed": int(analysed.sum()),
            "by_status": {str(k): int(v) for k, v in status_counts.items()},
            "by_language": {str(k): int(v) for k, v in languages.items()},
        },
        "timings_s": timings,
        # the columns of reports.csv: the contract's, then the trace columns
        "output_columns": [*REPORTS_COLUMNS, *REPORTS_TRACE_COLUMNS],
    }
