"""ThemeModel: themes across Finnish and Swedish reports, from precomputed embeddings.

The model takes the reports (a DataFrame keyed by ``report_id``) and their embeddings, and

1. centres each language on its mean vector, so a Finnish and a Swedish report on one phenomenon
   meet (:class:`~socanalysis.themes.space.LanguageCentering`), and rotates the Swedish vectors
   onto the Finnish ones when there are enough clear translation-like pairs (parallel text;
   on reports the rotation is skipped);
2. reduces and clusters as the data size calls for
   (:func:`~socanalysis.themes.space.plan_clustering`): agglomerative with a silhouette
   choice below 40 reports; for 100 to 500 reports with an automatic number of themes a
   deterministic spectral clustering of UMAP's neighbour graph that dissolves themes held
   together by something other than their content
   (:mod:`~socanalysis.themes.consensus`, section ``small_sets`` of ``data/themes.yaml``);
   otherwise UMAP + HDBSCAN (automatic number of themes) or UMAP + k-means (given number),
   on three seeded UMAP layouts side by side up to 5 000 reports so that another seed or a
   few changed reports do not reshuffle the themes (section ``space``);
3. gives outliers (theme -1) the nearest theme when their cosine to its centroid reaches
   ``outlier_reassign_threshold``;
4. describes each theme: c-TF-IDF keywords per language with BERTopic's ``ClassTfidfTransformer``
   on lemmas, a label per language, counts by language and polarity, dates and a trend, and the
   most central reports as representatives (masked text).

Theme ids are stable: 0 is the largest theme after fitting, and manual edits (merge, split,
rename) keep the other ids, so a reviewed table can refer to them. New reports are assigned to
the nearest centroid in the centred space, which a saved and loaded model reproduces exactly.

The examples are in :class:`ThemeModel`'s docstring, which ``help()`` shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from socanalysis.errors import ConfigError, InputError
from socanalysis.params import check_flag, check_number, check_seed, estimator_repr

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from socanalysis.themes.space import ClusterPlan

__all__ = ["THEME_COLUMNS", "ThemeModel"]

THEME_COLUMNS: tuple[str, ...] = (
    "theme_id", "label_fi", "label_sv", "keywords_fi", "keywords_sv", "n_reports", "n_fi", "n_sv",
    "n_positive", "n_negative", "first_date", "last_date", "trend", "top_shl", "top_sectors",
    "example_report_ids",
)  # fmt: skip
ASSIGNMENT_COLUMNS: tuple[str, ...] = ("report_id", "theme_id", "theme_label", "theme_probability")
LIST_SEPARATOR = "; "
_FORMAT_VERSION = 1
# sharpness of the softmax over centroid cosines that gives theme_probability
_TEMPERATURE = 0.05


def _prepare_reports(
    reports: Any, embeddings: Any, fitting: bool
) -> tuple[pd.DataFrame, np.ndarray]:
    """Validate the inputs and return (canonical frame, float32 embeddings)."""
    import pandas as pd

    from socanalysis.intake.dates import as_datetimes
    from socanalysis.nlp.language_codes import report_languages

    if not isinstance(reports, pd.DataFrame):
        raise InputError(
            f"reports must be a pandas DataFrame with columns report_id, text and language; "
            f"got {type(reports).__name__}."
        )
    missing = [c for c in ("report_id", "text", "language") if c not in reports.columns]
    if missing:
        raise InputError(
            f"reports lack the column(s) {', '.join(missing)}; themes need report_id, text and "
            "language (run language detection first, or set language='unknown')."
        )
    if len(reports) == 0 and fitting:
        raise InputError(
            "No reports to find themes in: the table has 0 rows. Check that the input file has "
            "reports and that they were not all filtered out (status != 'ok')."
        )
    if embeddings is None:
        raise InputError(
            "embeddings are required: one row per report (see socanalysis.nlp.embeddings)."
        )
    try:
        X = np.asarray(embeddings, dtype=np.float32)
    except (TypeError, ValueError):
        raise InputError(
            "embeddings must be numbers: one row of floats per report (the embedder's output)."
        ) from None
    if len(reports) == 0 and X.size == 0:
        X = X.reshape(0, X.shape[-1] if X.ndim == 2 else 0)
    if X.ndim != 2 or X.shape[0] != len(reports):
        raise InputError(
            f"embeddings must be a 2-d array with one row per report: {len(reports)} reports but "
            f"embeddings of shape {X.shape}."
        )
    if not np.isfinite(X).all():
        raise InputError("embeddings contain NaN or infinite values; recompute them.")
    ids = reports["report_id"].astype(str)
    if fitting and ids.duplicated().any():
        dup = ids[ids.duplicated()].iloc[0]
        raise InputError(f"report_id must be unique; {dup!r} occurs more than once.")
    frame = pd.DataFrame(
        {
            "report_id": reports["report_id"].to_numpy(),  # as given: callers merge on it
            "text": reports["text"].fillna("").astype(str).to_numpy(),
            "language": report_languages(reports["language"], ids=ids.tolist()),
        }
    )
    shown = reports["text_masked"] if "text_masked" in reports.columns else reports["text"]
    frame["text_shown"] = shown.fillna("").astype(str).to_numpy()
    if "date" in reports.columns:
        frame["date"] = as_datetimes(reports["date"]).to_numpy()
    else:
        frame["date"] = pd.NaT
    for col in ("polarity", "unit", "other_language"):
        values = reports[col] if col in reports.columns else pd.Series([""] * len(reports))
        frame[col] = values.fillna("").astype(str).to_numpy()
    return frame, X


def _centring_languages(frame: pd.DataFrame) -> list[str]:
    """The key each report is centred by: its language, or for a report in another language
    whose language is known, ``"other:<code>"`` (e.g. ``"other:en"``). ``frame`` is one from
    :func:`_prepare_reports`, which always has the ``other_language`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> _centring_languages(pd.DataFrame(
    ...     {"language": ["fi", "other", "other"], "other_language": ["", "en", ""]}))
    ['fi', 'other:en', 'other']
    """
    from socanalysis.themes.space import OTHER_LANGUAGE_PREFIX

    return [
        f"{OTHER_LANGUAGE_PREFIX}{code}" if lang == "other" and code else lang
        for lang, code in zip(frame["language"], frame["other_language"], strict=True)
    ]


def _small_set_plan(cfg: dict[str, Any]) -> dict[str, Any]:
    """plan_clustering's small-set arguments from ``themes.yaml`` (section ``small_sets``)."""
    small = cfg.get("small_sets") or {}
    if not small.get("enabled", False):
        return {}
    return {
        "small_set_reports": (int(small["min_reports"]), int(small["max_reports"])),
        "small_set_min_theme_size": int(small["min_theme_size"]),
    }


def _softmax(sims: np.ndarray) -> np.ndarray:
    z = (sims - sims.max(axis=1, keepdims=True)) / _TEMPERATURE
    p = np.exp(z)
    return (p / p.sum(axis=1, keepdims=True)).astype(np.float64)


class ThemeModel:
    """Find themes shared by Finnish and Swedish reports (BERTopic-based, scikit-learn style).

    Parameters
    ----------
    n_themes : "auto" or int
        Number of themes; "auto" lets the data choose: the silhouette below 40 reports, the
        deterministic small-set clustering for 100 to 500 reports, HDBSCAN otherwise.
    min_theme_size : int or None
        Smallest theme HDBSCAN keeps; None: ``max(3, round(sqrt(n) / 3))``.
    reduction : {"auto", "none", "umap", "pca+umap"}
        Dimension reduction before clustering; "auto" chooses by the number of reports.
    language_centering : bool
        Subtract each language's mean embedding (strongly recommended for fi + sv).
    outlier_reassign_threshold : float
        Cosine (in the centred space) to a theme centroid from which an outlier joins that
        theme, and below which a new report stays an outlier in :meth:`transform`.
    n_representatives : int
        Representative reports kept per theme.
    seed : int
        Seed of UMAP, k-means and samples: same data + seed give the same themes (the
        small-set clustering of 100 to 500 reports has no random step at all).
    analyzer_factory : callable or None
        ``factory(language) -> analyzer`` giving the lemma terms of a text for keywords;
        None uses :class:`~socanalysis.nlp.analyzer.LemmaAnalyzer`.

    Attributes
    ----------
    themes_ : DataFrame
        One row per theme (outliers as theme -1 when any), columns :data:`THEME_COLUMNS`.
    representatives_ : DataFrame
        theme_id, rank, report_id, language, text (masked when ``text_masked`` was given).
    labels_ : ndarray of int
        Theme of each fitted report, in input order.
    outlier_share_ : float
        Share of fitted reports left in theme -1.
    plan_ : ClusterPlan
        How the data were reduced and clustered.
    n_pairs_ : int
        Clear Finnish-Swedish pairs found (each other's nearest match across the languages);
        the two reports of each pair share a theme. Settings: ``space.pairs_together`` in
        ``data/themes.yaml``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> topics = rng.normal(size=(2, 16))
    >>> X = np.repeat(topics, 10, axis=0) + 0.05 * rng.normal(size=(20, 16))
    >>> reports = pd.DataFrame({
    ...     "report_id": [f"r{i}" for i in range(20)],
    ...     "text": ["asunto vuokra kallis"] * 10 + ["velka ulosotto laina"] * 10,
    ...     "language": ["fi", "sv"] * 10})
    >>> model = ThemeModel(seed=1).fit(reports, X)
    >>> sorted(model.themes_["n_reports"].tolist())
    [10, 10]
    >>> model.transform(reports, X)["theme_id"].nunique()
    2
    """

    def __init__(
        self,
        n_themes: int | str = "auto",
        min_theme_size: int | None = None,
        reduction: str = "auto",
        language_centering: bool = True,
        outlier_reassign_threshold: float = 0.1,
        n_representatives: int = 3,
        seed: int = 42,
        analyzer_factory: Callable[[str], Callable[[str], list[str]]] | None = None,
    ) -> None:
        self.n_themes = n_themes
        self.min_theme_size = min_theme_size
        self.reduction = reduction
        self.language_centering = language_centering
        self.outlier_reassign_threshold = outlier_reassign_threshold
        self.n_representatives = n_representatives
        self.seed = seed
        self.analyzer_factory = analyzer_factory

    # ------------------------------------------------------------------ parameters
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {
            k: getattr(self, k)
            for k in (
                "n_themes", "min_theme_size", "reduction", "language_centering",
                "outlier_reassign_threshold", "n_representatives", "seed", "analyzer_factory",
            )
        }  # fmt: skip

    def set_params(self, **params: Any) -> ThemeModel:
        """Set constructor parameters (scikit-learn convention); an unknown name raises
        ``ConfigError`` and changes nothing."""
        from socanalysis.params import set_known_params

        set_known_params(self, params)
        return self

    def _validate_params(self) -> None:
        if not (
            self.n_themes == "auto"
            or (
                isinstance(self.n_themes, (int, np.integer))
                and not isinstance(self.n_themes, bool)
                and self.n_themes >= 1
            )
        ):
            raise ConfigError(f"n_themes must be 'auto' or an integer >= 1, got {self.n_themes!r}.")
        if self.min_theme_size is not None and (
            not isinstance(self.min_theme_size, (int, np.integer)) or self.min_theme_size < 2
        ):
            raise ConfigError(
                f"min_theme_size must be None or an integer >= 2, got {self.min_theme_size!r}."
            )
        # a cosine
        check_number(self.outlier_reassign_threshold, "outlier_reassign_threshold", low=-1, high=1)
        if (
            isinstance(self.n_representatives, bool)
            or not isinstance(self.n_representatives, (int, np.integer))
            or self.n_representatives < 0
        ):
            raise ConfigError(
                f"n_representatives must be an integer >= 0, got {self.n_representatives!r}."
            )
        check_flag(self.language_centering, "language_centering")
        check_seed(self.seed)

    def __repr__(self) -> str:
        return estimator_repr(self)

    # ------------------------------------------------------------------ fitting
    def _analyzer_factory(self) -> Callable[[str], Callable[[str], list[str]]]:
        if self.analyzer_factory is not None:
            return self.analyzer_factory
        from socanalysis.themes.keywords import default_analyzer_factory

        return default_analyzer_factory

    def plan(self, n_reports: int, n_distinct: int | None = None) -> ClusterPlan:
        """How :meth:`fit` would reduce and cluster ``n_reports`` reports with these settings.

        Parameters
        ----------
        n_reports : int
            Reports to fit.
        n_distinct : int, optional
            Distinct report vectors among them (default: all distinct).

        Returns
        -------
        ClusterPlan
            Its ``reduction`` says whether UMAP runs ("umap" or "pca+umap").

        Examples
        --------
        >>> ThemeModel().plan(1000).reduction, ThemeModel().plan(236).reduction
        ('umap', 'none')
        """
        from socanalysis.themes.keywords import settings
        from socanalysis.themes.space import plan_clustering

        self._validate_params()
        space = settings()["space"]
        return plan_clustering(
            n_reports, n_reports if n_distinct is None else n_distinct, self.n_themes,
            self.min_theme_size, self.reduction,
            n_layouts=int(space["consensus_layouts"])
            if n_reports <= int(space["consensus_max_reports"])
            else 1,
            n_epochs=space["consensus_epochs"],
            selection=str(space["hdbscan_selection"])
            if n_reports <= int(space["leaf_max_reports"])
            else "eom",
            single_layout_epochs=space.get("single_layout_epochs"),
            **_small_set_plan(settings()),
        )  # fmt: skip

    def fit(self, reports: pd.DataFrame, embeddings: np.ndarray) -> ThemeModel:
        """Find themes in ``reports`` from their ``embeddings`` (one row per report).

        Raises
        ------
        InputError
            For 0 reports, missing columns, a wrong embedding shape or duplicate report ids.
        """
        from socanalysis.nlp.embed_text import embedded_lengths
        from socanalysis.themes.keywords import build_language_terms, settings
        from socanalysis.themes.pairs import cross_language_pairs, keep_pairs_together
        from socanalysis.themes.space import (
            LanguageCentering,
            cluster,
            dissolve_other_language_themes,
            merge_language_split_themes,
            reassign_outliers,
            reduce,
            refine_to_centroids,
        )

        self._validate_params()
        frame, X = _prepare_reports(reports, embeddings, fitting=True)
        langs = frame["language"].tolist()
        space = settings()["space"]
        lengths = embedded_lengths(frame["text_shown"])
        centring = _centring_languages(frame)
        self.centering_ = LanguageCentering(
            enabled=self.language_centering, align=bool(space["align_languages"]), seed=self.seed,
            align_min_margin=float(space.get("align_min_margin", 0.0)),
            partial_out_length=bool(space.get("partial_out_length", False)),
            other_min_reports=int(space.get("other_language_min_reports", 0)),
        ).fit(X, centring, lengths)  # fmt: skip
        Z = self.centering_.transform(X, centring, lengths)
        n_distinct = len(np.unique(np.round(Z, 4), axis=0))
        self.plan_ = self.plan(len(Z), n_distinct)
        R = reduce(Z, self.plan_, self.seed)
        raw = cluster(R, Z, self.plan_, self.seed)
        labels = reassign_outliers(Z, raw, float(self.outlier_reassign_threshold), R)
        pairing = space["pairs_together"]
        if pairing["enabled"]:
            pairs = cross_language_pairs(
                Z, langs, float(pairing["min_margin"]), int(pairing["max_reports"])
            )
            labels = keep_pairs_together(Z, labels, *pairs)
            self.n_pairs_ = len(pairs[0])
        else:
            self.n_pairs_ = 0
        if self.n_themes == "auto":
            cfg = settings()["language_split_merge"]
            labels = merge_language_split_themes(
                Z, labels, langs, cfg["monolingual_share"], cfg["min_cosine"],
                cfg["min_language_share"],
            )  # fmt: skip
            if space.get("dissolve_other_language_themes", False):
                labels = dissolve_other_language_themes(
                    Z, labels, langs, float(self.outlier_reassign_threshold)
                )
        labels = refine_to_centroids(Z, labels, int(space["refine_iterations"]))
        self.n_initial_outliers_ = int((raw < 0).sum())
        self.labels_ = _renumber_by_size(labels)
        self._frame = frame
        self._Z = Z
        self._terms = build_language_terms(
            frame["text_shown"].tolist(), langs, self._analyzer_factory()
        )
        self.custom_labels_: dict[int, dict[str, str]] = {}
        self._describe()
        return self

    def fit_transform(self, reports: pd.DataFrame, embeddings: np.ndarray) -> pd.DataFrame:
        """Fit, then return the fitted assignment of each report (see :meth:`transform`)."""
        self.fit(reports, embeddings)
        return self._assignments(
            self._frame["report_id"].to_numpy(), self.labels_, self._Z, reports.index
        )

    def _check_fitted(self) -> None:
        if not hasattr(self, "centroids_"):
            raise InputError(
                "This ThemeModel is not fitted yet: call fit(reports, embeddings) first."
            )

    def _describe(self) -> None:
        """Recompute centroids, keywords, labels, the theme table and representatives."""
        from socanalysis.themes.describe import describe_themes
        from socanalysis.themes.space import theme_centroids

        self.theme_ids_, self.centroids_ = theme_centroids(self._Z, self.labels_)
        self.outlier_share_ = float(np.mean(self.labels_ < 0)) if len(self.labels_) else 0.0
        self.themes_, self.representatives_, self._auto_labels = describe_themes(
            self._frame, self._Z, self.labels_, self.theme_ids_, self.centroids_, self._terms,
            self.custom_labels_, int(self.n_representatives),
        )  # fmt: skip

    # ------------------------------------------------------------------ applying
    def _assignments(
        self, ids: np.ndarray, labels: np.ndarray, Z: np.ndarray, index: pd.Index
    ) -> pd.DataFrame:
        import pandas as pd

        if len(self.theme_ids_):
            # probability of the theme the report is in (fitted themes may differ from the
            # nearest centroid on a theme border)
            column = {int(t): k for k, t in enumerate(self.theme_ids_)}
            cols = np.asarray([column.get(int(t), 0) for t in labels], dtype=np.int64)
            prob = _softmax(Z @ self.centroids_.T)[np.arange(len(Z)), cols]
        else:
            prob = np.zeros(len(Z))
        prob = np.where(labels < 0, 0.0, np.round(prob, 6))
        from socanalysis.themes.keywords import settings

        label_map = dict(zip(self.themes_["theme_id"], self.themes_["label_fi"], strict=True))
        # a report that transform leaves out is named as the fit's outliers are, also when the
        # fit had none (the theme table then has no row for -1)
        label_map.setdefault(-1, settings()["outlier_label"]["fi"])
        return pd.DataFrame(
            {
                "report_id": ids,
                "theme_id": labels.astype(np.int64),
                "theme_label": [label_map.get(int(t), "") for t in labels],
                "theme_probability": prob,
            },
            index=index,
        )

    def transform(self, reports: pd.DataFrame, embeddings: np.ndarray) -> pd.DataFrame:
        """Assign reports to the nearest theme centroid in the centred space.

        A report whose cosine to the nearest centroid is below ``outlier_reassign_threshold``
        gets theme -1. ``theme_probability`` is a softmax over the centroid cosines (a
        confidence in [0, 1], not a calibrated probability); 0 for outliers.

        Returns
        -------
        DataFrame
            report_id, theme_id, theme_label (label in Finnish), theme_probability; one row per
            row of ``reports``, with its index (``reports["theme_id"] = model.transform(...)
            ["theme_id"]`` lines up on a filtered table too).
        """
        self._check_fitted()
        frame, X = _prepare_reports(reports, embeddings, fitting=False)
        if len(frame) == 0:  # a filter that left nothing: nothing to assign, not a mistake
            X = X.reshape(0, self.centroids_.shape[1])
        if X.shape[1] != self.centroids_.shape[1]:
            raise InputError(
                f"embeddings have {X.shape[1]} dimensions but the model was fitted on "
                f"{self.centroids_.shape[1]}: use the same embedder as for fitting."
            )
        from socanalysis.nlp.embed_text import embedded_lengths

        lengths = embedded_lengths(frame["text_shown"])
        Z = self.centering_.transform(X, _centring_languages(frame), lengths)
        if len(self.theme_ids_) == 0:
            labels = np.full(len(Z), -1, dtype=np.int64)
        else:
            sims = Z @ self.centroids_.T
            best = sims.argmax(axis=1)
            labels = self.theme_ids_[best].copy()
            labels[sims[np.arange(len(Z)), best] < float(self.outlier_reassign_threshold)] = -1
        return self._assignments(frame["report_id"].to_numpy(), labels, Z, reports.index)

    # ------------------------------------------------------------------ manual edits
    def _require_themes(self, ids: Iterable[int]) -> list[int]:
        self._check_fitted()
        known = set(int(t) for t in self.theme_ids_)
        if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
            raise InputError(f"give theme ids as a list of whole numbers, e.g. [3, 5]; got {ids!r}")
        ids = list(ids)
        wrong = [t for t in ids if isinstance(t, bool) or not isinstance(t, (int, np.integer))]
        if wrong:
            raise InputError(
                f"theme ids are whole numbers (the theme_id column); {wrong[0]!r} is not one. "
                f"Existing themes: {sorted(known)}."
            )
        ids = [int(t) for t in ids]
        unknown = [t for t in ids if t not in known]
        if unknown:
            raise InputError(
                f"No theme with id {unknown[0]}; existing themes: {sorted(known)} "
                "(theme -1 holds outliers and cannot be edited)."
            )
        return ids

    def merge_themes(self, ids: Sequence[int], into: int | None = None) -> int:
        """Merge themes ``ids`` into one; returns its id.

        ``into`` defaults to the largest of them (the smallest id on a tie). Other theme ids
        do not change; keywords, labels and counts are recomputed, a custom label of ``into``
        is kept.
        """
        ids = self._require_themes(ids)
        if into is not None:
            self._require_themes([into])
            ids = sorted(set(ids) | {int(into)})
        if len(set(ids)) < 2:
            raise InputError("merge_themes needs at least two different theme ids.")
        if into is None:
            sizes = {t: int((self.labels_ == t).sum()) for t in ids}
            into = min(ids, key=lambda t: (-sizes[t], t))
        self.labels_ = np.where(np.isin(self.labels_, ids), int(into), self.labels_)
        for t in ids:
            if t != into:
                self.custom_labels_.pop(t, None)
        self._describe()
        return int(into)

    def rename_theme(
        self, theme_id: int, label_fi: str | None = None, label_sv: str | None = None
    ) -> None:
        """Give theme ``theme_id`` a label of your own in Finnish and/or Swedish."""
        (theme_id,) = self._require_themes([theme_id])
        if label_fi is None and label_sv is None:
            raise InputError("rename_theme needs label_fi, label_sv or both.")
        custom = self.custom_labels_.setdefault(theme_id, {})
        for lang, label in (("fi", label_fi), ("sv", label_sv)):
            if label is not None:
                if not str(label).strip():
                    raise InputError(f"label_{lang} must not be empty.")
                custom[lang] = str(label).strip()
        self._describe()

    def split_theme(self, theme_id: int, n: int = 2) -> list[int]:
        """Split a theme into ``n`` with seeded k-means on its reports; returns the ids.

        The largest part keeps ``theme_id`` (and loses a custom label, since the theme changed);
        the others get new ids after the largest existing one.
        """
        from sklearn.cluster import KMeans

        (theme_id,) = self._require_themes([theme_id])
        rows = np.flatnonzero(self.labels_ == theme_id)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise InputError(f"split_theme needs the number of parts as a whole number, not {n!r}")
        n = int(n)
        n_distinct = len(np.unique(np.round(self._Z[rows], 4), axis=0))
        if n < 2 or n > n_distinct:
            raise InputError(
                f"Theme {theme_id} has {len(rows)} reports ({n_distinct} distinct); it can be "
                f"split into 2..{n_distinct} parts, not {n}."
            )
        parts = KMeans(n, n_init=10, random_state=self.seed).fit_predict(self._Z[rows])
        sizes = np.bincount(parts, minlength=n)
        order = sorted(range(n), key=lambda p: (-sizes[p], int(np.flatnonzero(parts == p)[0])))
        next_id = int(self.theme_ids_.max()) + 1
        new_ids = [theme_id] + list(range(next_id, next_id + n - 1))
        labels = self.labels_.copy()
        for part, new in zip(order, new_ids, strict=True):
            labels[rows[parts == part]] = new
        self.labels_ = labels
        self.custom_labels_.pop(theme_id, None)
        self._describe()
        return new_ids

    # ------------------------------------------------------------------ output
    def plot_themes(self, language: str = "fi", *, ax: Axes | None = None) -> Figure:
        """Bar chart of the themes by size and language, into ``ax`` when given (see
        :func:`plot_themes`)."""
        from socanalysis.themes.plot import plot_themes

        self._check_fitted()
        return plot_themes(self.themes_, language=language, ax=ax)

    def to_bertopic(self) -> Any:
        """A fitted ``bertopic.BERTopic`` holding these themes, for BERTopic's own views.

        Use it for ``topics_over_time``, ``visualize_topics``, ``visualize_barchart`` and the
        like. Its documents are the reports' lemma terms (Finnish and Swedish, from the
        analyzer), its embeddings the centred vectors, its topics exactly :attr:`labels_`.
        BERTopic renumbers topics by size, so each topic's custom label starts with our theme
        id ("3: asunto, vuokra, nuori") and ``model.socanalysis_theme_ids_`` maps BERTopic's
        ids to ours.

        Returns
        -------
        bertopic.BERTopic
        """
        from bertopic import BERTopic
        from bertopic.cluster import BaseCluster
        from bertopic.dimensionality import BaseDimensionalityReduction
        from bertopic.vectorizers import ClassTfidfTransformer
        from sklearn.feature_extraction.text import CountVectorizer

        self._check_fitted()
        docs = []
        for i in range(len(self.labels_)):
            words = []
            for terms in self._terms.values():
                row = terms.counts.getrow(i)
                for j, count in zip(row.indices, row.data, strict=True):
                    words.extend([terms.vocabulary[j]] * int(count))
            docs.append(" ".join(words))
        topic_model = BERTopic(
            embedding_model=None,
            umap_model=BaseDimensionalityReduction(),
            hdbscan_model=BaseCluster(),
            vectorizer_model=CountVectorizer(token_pattern=r"\S+", lowercase=False),
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            calculate_probabilities=False,
        )
        topic_model.fit(docs, embeddings=self._Z, y=self.labels_)
        found = np.asarray(topic_model.topics_)
        mapping = {int(t): int(self.labels_[found == t][0]) for t in sorted(set(found.tolist()))}
        label_map = dict(zip(self.themes_["theme_id"], self.themes_["label_fi"], strict=True))
        topic_model.set_topic_labels(
            {t: f"{ours}: {label_map.get(ours, '')}" for t, ours in mapping.items()}
        )
        topic_model.socanalysis_theme_ids_ = mapping
        return topic_model

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> Path:
        """Save the fitted model into directory ``path`` (safetensors arrays + JSON, no pickle).

        The directory holds ``arrays.safetensors`` (centroids, language means, the centred
        training vectors, labels, lemma counts) and ``model.json`` (parameters, report ids,
        languages, dates, polarity, unit, the shown (masked) texts, vocabularies, custom labels
        and the theme tables). The analyzer factory is not saved: pass it to :meth:`load` again
        when it was not the default.
        """
        from socanalysis.themes.persist import save_model

        self._check_fitted()
        return save_model(self, Path(path))

    @classmethod
    def load(
        cls,
        path: str | Path,
        analyzer_factory: Callable[[str], Callable[[str], list[str]]] | None = None,
    ) -> ThemeModel:
        """Load a model saved with :meth:`save`."""
        from socanalysis.themes.persist import load_model

        return load_model(cls, Path(path), analyzer_factory)


def _renumber_by_size(labels: np.ndarray) -> np.ndarray:
    """Theme ids 0, 1, ... by decreasing size, ties by first report; -1 stays -1."""
    ids = [int(t) for t in set(labels.tolist()) if t >= 0]
    first = {t: int(np.flatnonzero(labels == t)[0]) for t in ids}
    size = {t: int((labels == t).sum()) for t in ids}
    order = sorted(ids, key=lambda t: (-size[t], first[t]))
    mapping = {old: new for new, old in enumerate(order)}
    return np.asarray([mapping.get(int(t), -1) for t in labels], dtype=np.int64)
