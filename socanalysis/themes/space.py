"""The space themes are found in: language centering, dimension reduction and clustering.

Measured on e5 embeddings of Finnish and Swedish text (see docs/themes.md):

- raw vectors cluster by language first; subtracting each language's mean vector
  (:class:`LanguageCentering`) removes most of that, and UMAP to 5 dimensions removes more;
- one-line texts share a direction whatever they say, so a few of them from different
  phenomena made a theme of their own; the centering also removes the vectors' trend in
  shortness (``partial_out_length``);
- HDBSCAN on raw 384-d vectors returns only noise, but on 5-d UMAP it finds dense themes;
- UMAP needs some 40 points to be meaningful, so small sets are clustered directly on the
  centred vectors, and very large sets go through PCA first to bound the time;
- one UMAP layout is a stochastic optimisation whose clusters move with the seed or with a few
  changed reports; clustering several seeded layouts of the same graph side by side keeps the
  themes the layouts agree on (seed stability and masked-vs-raw agreement rise);
- rotating the Swedish centred vectors onto the Finnish ones (orthogonal Procrustes on mutual
  nearest neighbours) keeps more translation pairs together on a parallel corpus (SIB-200), but
  on reports, which are not translations of each other, it fits chance pairs and costs NMI;
  so only pairs that clearly beat their runners-up count (``align_min_margin``), which keeps
  translations and skips the rotation on reports (``space`` in ``data/themes.yaml``); the same
  clear pairs are then kept in one theme (:mod:`socanalysis.themes.pairs`).

Everything is seeded: UMAP (``random_state``, which also makes it single-threaded), k-means and
the subsamples.

Examples
--------
>>> import numpy as np
>>> X = np.eye(4, dtype=np.float32)[[0, 0, 1, 1]] + 0.01
>>> centering = LanguageCentering().fit(X, ["fi", "fi", "sv", "sv"])
>>> centering.transform(X, ["fi", "fi", "sv", "sv"]).shape
(4, 4)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from socanalysis.themes.pairs import mutual_nearest_pairs

__all__ = [
    "CENTERED_LANGUAGES",
    "OTHER_LANGUAGE_PREFIX",
    "ClusterPlan",
    "LanguageCentering",
    "cluster",
    "dissolve_other_language_themes",
    "l2_normalize",
    "layout_seeds",
    "merge_language_split_themes",
    "plan_clustering",
    "reduce",
    "reassign_outliers",
    "refine_to_centroids",
    "theme_centroids",
]

# Languages that get a mean vector of their own; other codes (mixed, other, unknown) are centred
# with the average of these means, i.e. halfway between the languages.
CENTERED_LANGUAGES: tuple[str, ...] = ("fi", "sv")
#: prefix of the centring key of a report in another language, e.g. "other:en"
OTHER_LANGUAGE_PREFIX = "other:"
_EPS = 1e-8


def _lengths(lengths: Sequence[int], n: int) -> np.ndarray:
    values = np.asarray(lengths, dtype=np.float64)
    if values.shape != (n,):
        raise ValueError(f"lengths must hold one length per vector: {values.shape} for {n}.")
    return np.maximum(values, 1.0)


def _shortness(lengths: np.ndarray, reference: float) -> np.ndarray:
    """How much shorter than ``reference`` each text is, on a log scale (0 when not shorter)."""
    return np.log(np.maximum(reference / lengths, 1.0))


def l2_normalize(X: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    X = np.asarray(X, dtype=np.float32)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return (X / np.maximum(norms, _EPS)).astype(np.float32)


class LanguageCentering:
    """Subtract each language's mean embedding, so reports meet by content, not by language.

    Parameters
    ----------
    enabled : bool
        When False, only normalises (the mean vectors are zero).
    min_reports : int
        A language needs this many reports for a mean of its own.
    align : bool
        Also rotate Swedish centred vectors onto Finnish ones: orthogonal Procrustes fitted on
        mutual nearest neighbours across the languages, refitted ``align_iterations`` times on
        the pairs found after the previous rotation. Skipped (mean centering only) when there
        are fewer pairs than vector dimensions, i.e. on small or one-language sets.
    max_align_sample : int
        At most this many reports per language (seeded sample) look for pairs.
    align_iterations : int
        Rounds of pairing and fitting the rotation.
    align_min_margin : float
        A mutual pair counts only when its cosine beats each side's second-best match by at
        least this much (margin criterion of bitext mining). Translations stand out from their
        runners-up; two reports that merely share a topic do not, so on data that are not
        translations of each other too few pairs remain and the rotation is skipped.
    seed : int
        Seed of the sample.
    partial_out_length : bool
        Also remove what shortness alone explains: the vectors' linear trend in how much
        shorter than the median text each text is (``log(median / length)``, 0 for texts at
        least as long; fitted within the languages, like the means) is subtracted. Very short
        texts share a direction of their own in e5's space, whatever they are about, so
        one-line reports otherwise make a theme of short reports (docs/themes.md, "Short
        reports"). Needs ``lengths`` in :meth:`fit` and :meth:`transform`.
    length_min_reports : int
        Fewest reports for the length trend; with fewer, or when no text is shorter than the
        median, there is none. A slope of 384 numbers from a few dozen reports is mostly their
        topics' noise, and removing it moved the themes of a 36-report test set.
    other_min_reports : int
        Reports of one other language (key ``"other:<code>"``, e.g. ``"other:en"``) needed
        for an offset of its own; 0 turns it off. Its mean would not do: a dozen English
        reports about two phenomena have a mean that is half language and half those
        phenomena, so each language's offset is estimated against the Finnish and Swedish
        reports instead: the offset is the mean difference between its reports and the
        average of their ``other_neighbours`` nearest Finnish and Swedish reports (centred
        space), refined for ``other_rounds`` rounds from the Finnish and Swedish average
        (where the reports' topics, not their language, decide their neighbours). Other-language
        reports without a code, or of a language with fewer reports, are centred with the
        average of the Finnish and Swedish means as before.
    other_neighbours : int
        Finnish and Swedish neighbours per report for the offset above.
    other_rounds : int
        Rounds of the offset estimate.

    Attributes
    ----------
    means_ : dict
        Mean vector per language in :data:`CENTERED_LANGUAGES`.
    length_slope_ : ndarray or None
        Change of the centred vector per unit of shortness; None without the length trend.
    length_reference_ : float
        The median length (characters) of the fitted texts, the point shortness starts from.
    shortness_means_ : dict
        Mean shortness per language in ``means_`` (and ``default_shortness_mean_`` for the
        others), the point the trend is measured from.
    rotations_ : dict
        ``{"sv": rotation}`` when aligned, else empty.
    n_align_pairs_ : int
        Mutual-nearest-neighbour pairs of the last alignment round.
    """

    def __init__(
        self,
        enabled: bool = True,
        min_reports: int = 2,
        align: bool = False,
        max_align_sample: int = 5000,
        align_iterations: int = 2,
        seed: int = 0,
        align_min_margin: float = 0.0,
        partial_out_length: bool = False,
        length_min_reports: int = 100,
        other_min_reports: int = 0,
        other_neighbours: int = 10,
        other_rounds: int = 3,
    ) -> None:
        self.enabled = enabled
        self.min_reports = min_reports
        self.align = align
        self.max_align_sample = max_align_sample
        self.align_iterations = align_iterations
        self.align_min_margin = align_min_margin
        self.seed = seed
        self.partial_out_length = partial_out_length
        self.length_min_reports = length_min_reports
        self.other_min_reports = other_min_reports
        self.other_neighbours = other_neighbours
        self.other_rounds = other_rounds

    def fit(
        self, X: np.ndarray, languages: Sequence[str], lengths: Sequence[int] | None = None
    ) -> LanguageCentering:
        """Fit the language means (and the length trend, see ``partial_out_length``).

        ``lengths`` are the lengths in characters of the texts the vectors were made from.
        """
        X = l2_normalize(X)
        langs = np.asarray([str(x) for x in languages])
        self.means_: dict[str, np.ndarray] = {}
        if self.enabled:
            for lang in CENTERED_LANGUAGES:
                rows = langs == lang
                if rows.sum() >= self.min_reports:
                    self.means_[lang] = X[rows].mean(axis=0)
        dim = X.shape[1]
        if self.means_:
            self.default_mean_ = np.mean([self.means_[k] for k in sorted(self.means_)], axis=0)
        elif self.enabled and len(X) >= self.min_reports:
            self.default_mean_ = X.mean(axis=0)
        else:
            self.default_mean_ = np.zeros(dim, dtype=np.float32)
        self.default_mean_ = self.default_mean_.astype(np.float32)
        if self.enabled and int(self.other_min_reports) > 0 and self.means_:
            self._fit_other_offsets(X, langs)
        self._fit_length_trend(X, langs, lengths)
        self.rotations_: dict[str, np.ndarray] = {}
        self.n_align_pairs_ = 0
        if self.enabled and self.align and all(lang in self.means_ for lang in CENTERED_LANGUAGES):
            self._fit_alignment(X, langs, lengths)
        return self

    def _fit_other_offsets(self, X: np.ndarray, langs: np.ndarray) -> None:
        """An offset per other language with enough reports, matched to Finnish and Swedish
        neighbours (see ``other_min_reports``); stored in ``means_`` under its key."""
        base = np.flatnonzero(np.isin(langs, list(self.means_)))
        if len(base) > 2 * self.max_align_sample:  # a sample is plenty to find neighbours in
            rng = np.random.default_rng(self.seed)
            base = np.sort(rng.choice(base, 2 * self.max_align_sample, replace=False))
        k = min(int(self.other_neighbours), len(base))
        if k < 1:
            return
        centred = X[base] - self._means(langs[base])
        unit = l2_normalize(centred)
        keys = sorted(
            name for name in set(langs.tolist()) if name.startswith(OTHER_LANGUAGE_PREFIX)
        )
        for key in keys:
            rows = langs == key
            if rows.sum() < int(self.other_min_reports):
                continue
            own = X[rows]
            # start between Finnish and Swedish, where their topics, not their language's
            # mean, decide their neighbours (the mean of reports about one phenomenon would
            # take the phenomenon away with the language)
            offset = self.default_mean_.astype(np.float64)
            for _ in range(max(1, int(self.other_rounds))):
                matched = np.empty_like(own)
                for start in range(0, len(own), 512):  # bounded memory on large corpora
                    sims = l2_normalize(own[start : start + 512] - offset) @ unit.T
                    # the k most similar in any order: their mean is all that is used
                    nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
                    matched[start : start + 512] = centred[nearest].mean(axis=1)
                offset = (own - matched).mean(axis=0)
            self.means_[key] = offset.astype(np.float32)

    def _fit_length_trend(
        self, X: np.ndarray, langs: np.ndarray, lengths: Sequence[int] | None
    ) -> None:
        """Least-squares slope of the language-centred vectors on the centred shortness."""
        self.length_slope_: np.ndarray | None = None
        self.length_reference_ = 0.0
        self.shortness_means_: dict[str, float] = {}
        self.default_shortness_mean_ = 0.0
        if not (self.enabled and self.partial_out_length):
            return
        if lengths is None:
            raise ValueError(
                "partial_out_length needs the lengths of the texts the vectors were made from."
            )
        values = _lengths(lengths, len(X))
        if len(X) < max(2, int(self.length_min_reports)):
            return
        self.length_reference_ = float(np.median(values))
        shortness = _shortness(values, self.length_reference_)
        for lang in self.means_:
            self.shortness_means_[lang] = float(shortness[langs == lang].mean())
        # the reports without a mean of their own are placed between Finnish and Swedish
        main = [self.shortness_means_[k] for k in CENTERED_LANGUAGES if k in self.shortness_means_]
        self.default_shortness_mean_ = float(np.mean(main)) if main else float(shortness.mean())
        offset = shortness - self._shortness_means(langs)
        spread = float(offset @ offset)
        if spread < 1e-6:  # no text shorter than the median, or all equally short: no trend
            return
        centred = X - self._means(langs)
        self.length_slope_ = ((offset @ centred) / spread).astype(np.float32)

    def _means(self, langs: Sequence[str]) -> np.ndarray:
        return np.stack([self.means_.get(str(lang), self.default_mean_) for lang in langs])

    def _shortness_means(self, langs: Sequence[str]) -> np.ndarray:
        default = getattr(self, "default_shortness_mean_", 0.0)
        means = getattr(self, "shortness_means_", {})
        return np.asarray([means.get(str(lang), default) for lang in langs], dtype=np.float64)

    def _centre(
        self, X: np.ndarray, langs: Sequence[str], lengths: Sequence[int] | None
    ) -> np.ndarray:
        """Normalised vectors minus their language's mean and, when fitted, the length trend."""
        Z = X - self._means(langs)
        slope = getattr(self, "length_slope_", None)
        if slope is not None:
            if lengths is None:
                raise ValueError(
                    "This centering removes the length trend: pass the lengths of the texts "
                    "the vectors were made from."
                )
            shortness = _shortness(_lengths(lengths, len(X)), self.length_reference_)
            offset = shortness - self._shortness_means(langs)
            Z = Z - np.outer(offset, slope).astype(np.float32)
        return Z.astype(np.float32)

    def _fit_alignment(
        self, X: np.ndarray, langs: np.ndarray, lengths: Sequence[int] | None
    ) -> None:
        """Rotate Swedish centred vectors onto the Finnish ones (orthogonal Procrustes).

        Pairs are mutual nearest neighbours across the languages (cosine, centred space), on a
        seeded sample of at most ``max_align_sample`` reports per language, whose margin over
        the second-best matches reaches ``align_min_margin``. A rotation of the d-dimensional
        space is only determined by at least d pairs, so with fewer the alignment is skipped
        (mean centering alone).
        """
        rng = np.random.default_rng(self.seed)
        rows = {}
        for lang in CENTERED_LANGUAGES:
            idx = np.flatnonzero(langs == lang)
            if len(idx) > self.max_align_sample:
                idx = np.sort(rng.choice(idx, self.max_align_sample, replace=False))
            rows[lang] = idx
        centred = self._centre(X, langs, lengths)
        fi = l2_normalize(centred[rows["fi"]])
        sv = l2_normalize(centred[rows["sv"]])
        rotation = np.eye(X.shape[1], dtype=np.float32)
        # better pairs after each rotation, as in self-learning of cross-lingual word maps
        for _ in range(max(1, int(self.align_iterations))):
            pairs_fi, pairs_sv, _ = mutual_nearest_pairs(
                fi, l2_normalize(sv @ rotation), self.align_min_margin
            )
            self.n_align_pairs_ = int(len(pairs_fi))
            if len(pairs_fi) < X.shape[1]:
                break
            u, _, vt = np.linalg.svd(sv[pairs_sv].T @ fi[pairs_fi])
            rotation = (u @ vt).astype(np.float32)
            self.rotations_["sv"] = rotation

    def transform(
        self, X: np.ndarray, languages: Sequence[str], lengths: Sequence[int] | None = None
    ) -> np.ndarray:
        """Centred, unit-length vectors (Swedish rotated onto Finnish when aligned)."""
        X = l2_normalize(X)
        langs = [str(x) for x in languages]
        if not langs:
            return X
        Z = self._centre(X, langs, lengths)
        norms = np.linalg.norm(Z, axis=1)
        # identical texts centre to (almost) zero: keep their raw direction instead of noise
        degenerate = norms < 1e-3
        Z[degenerate] = X[degenerate]
        Z = l2_normalize(Z)
        for lang, rotation in getattr(self, "rotations_", {}).items():
            rows = np.asarray([x == lang for x in langs])
            if rows.any():
                Z[rows] = l2_normalize(Z[rows] @ rotation)
        return Z


@dataclass(frozen=True)
class ClusterPlan:
    """How a data set of a given size is reduced and clustered (see :func:`plan_clustering`)."""

    reduction: str  # "none", "umap" or "pca+umap"
    algorithm: str  # "single", "kmeans", "agglomerative", "hdbscan" or "small_set"
    n_themes: int | None  # fixed number, or None when chosen automatically
    min_theme_size: int
    n_components: int
    n_neighbors: int
    n_layouts: int = 1  # UMAP layouts (independent seeds, one k-NN graph), concatenated
    n_epochs: int | None = None  # UMAP epochs per layout; None: UMAP's default
    selection: str = "eom"  # HDBSCAN cluster_selection_method


def plan_clustering(
    n_reports: int,
    n_distinct: int,
    n_themes: int | str,
    min_theme_size: int | None,
    reduction: str,
    n_layouts: int = 1,
    n_epochs: int | None = None,
    selection: str = "eom",
    small_set_reports: tuple[int, int] = (0, 0),
    small_set_min_theme_size: int = 3,
    single_layout_epochs: int | None = None,
) -> ClusterPlan:
    """Choose reduction, clustering and theme size for ``n_reports`` reports.

    - ``n_distinct`` < 2 (one report or identical texts): a single theme;
    - fewer than 40 reports: no reduction; agglomerative clustering, the number of themes by
      silhouette (or as given);
    - 40 to 20 000: UMAP to 5 dimensions (15 neighbours), then HDBSCAN (automatic number of
      themes, outliers -1, ``selection`` its cluster_selection_method) or k-means (given
      number); with ``n_layouts`` > 1, that many seeded layouts of one graph (``n_epochs``
      each) side by side;
    - more than 20 000: PCA to 50 dimensions before UMAP (fitted on a sample) to bound the time;
    - automatic number of themes, reduction "auto" and ``small_set_reports[0] <= n <=
      small_set_reports[1]``: the deterministic small-set clustering of
      :mod:`socanalysis.themes.consensus` on the centred vectors (themes no smaller than
      ``small_set_min_theme_size`` unless ``min_theme_size`` is given).

    ``min_theme_size`` defaults to ``max(3, round(sqrt(n) / 3))``: 3 for 20 reports, 5 for 236,
    15 for 2 000, 105 for 100 000 (measured: sqrt(n) / 2 merged the small themes of the sample
    data, NMI 0.82 against 0.85, with no gain on SIB-200).

    Examples
    --------
    >>> plan_clustering(2000, 2000, "auto", None, "auto").algorithm
    'hdbscan'
    >>> plan_clustering(20, 20, "auto", None, "auto").reduction
    'none'
    """
    from socanalysis.errors import ConfigError

    if reduction not in ("auto", "none", "umap", "pca+umap"):
        raise ConfigError(
            f"reduction must be 'auto', 'none', 'umap' or 'pca+umap', got {reduction!r}."
        )
    size = min_theme_size if min_theme_size is not None else max(3, round(np.sqrt(n_reports) / 3))
    fixed = None if n_themes == "auto" else int(n_themes)
    if n_distinct < 2 or fixed == 1:
        return ClusterPlan("none", "single", 1, size, 0, 0)
    if fixed is not None:
        fixed = min(fixed, n_distinct)
    low, high = small_set_reports
    if fixed is None and reduction == "auto" and max(low, 40) <= n_reports <= high:
        small = min_theme_size if min_theme_size is not None else small_set_min_theme_size
        return ClusterPlan("none", "small_set", None, int(small), 0, 0)
    if reduction == "auto":
        reduction = "none" if n_reports < 40 else ("umap" if n_reports <= 20_000 else "pca+umap")
    if reduction == "none":
        return ClusterPlan(
            "none",
            "agglomerative" if fixed is None or n_reports < 40 else "kmeans",
            fixed,
            size,
            0,
            0,
        )
    neighbors = int(min(15, n_reports - 1))
    # the sampled PCA + UMAP path transforms most reports; one layout keeps it affordable
    layouts = max(1, int(n_layouts)) if reduction == "umap" else 1
    return ClusterPlan(
        reduction, "hdbscan" if fixed is None else "kmeans", fixed, size, 5, neighbors,
        layouts, n_epochs if layouts > 1 else single_layout_epochs, selection,
    )  # fmt: skip


def reduce(Z: np.ndarray, plan: ClusterPlan, seed: int) -> np.ndarray:
    """Reduce centred vectors as the plan says (seeded)."""
    if plan.reduction == "none":
        return Z
    import warnings

    from socanalysis.themes.jit_cache import import_umap

    umap = import_umap()
    data = Z
    if plan.reduction == "pca+umap":
        from sklearn.decomposition import PCA

        data = PCA(n_components=50, random_state=seed).fit_transform(Z).astype(np.float32)
    if plan.n_layouts > 1:
        return _consensus_layouts(umap, data, plan, seed)
    knn: tuple[Any, ...] = (None, None, None)
    if plan.reduction == "umap":
        from socanalysis.themes.knn import umap_cosine_knn

        knn = umap_cosine_knn(data, plan.n_neighbors)
    reducer = umap.UMAP(
        n_components=plan.n_components,
        n_neighbors=plan.n_neighbors,
        min_dist=0.0,
        metric="cosine" if plan.reduction == "umap" else "euclidean",
        random_state=seed,
        low_memory=True,
        precomputed_knn=knn,
        n_epochs=plan.n_epochs,
    )
    with warnings.catch_warnings(), _layout_threads(len(data)):
        # "n_jobs overridden to 1 by setting random_state": intended, for determinism
        warnings.simplefilter("ignore", UserWarning)
        # NN-descent's main functions cannot be kept in numba's disk cache; they compile anyway
        warnings.filterwarnings("ignore", message="Cannot cache compiled function")
        if plan.reduction == "pca+umap" and len(data) > 20_000:
            rng = np.random.default_rng(seed)
            sample = np.sort(rng.choice(len(data), 20_000, replace=False))
            reducer.fit(data[sample])
            return reducer.transform(data).astype(np.float32)
        return reducer.fit_transform(data).astype(np.float32)


def _layout_threads(n_points: int) -> Any:
    """One BLAS thread for UMAP's fit from 4 096 points on; nothing changed below.

    UMAP's spectral initialisation (scipy's ``eigsh`` on the fuzzy graph) makes thousands of
    small BLAS calls, and a second OpenBLAS thread mostly spins: on 10 000 reports it took
    2.4-4.3 CPU s with the machine's two threads against 0.97 with one (measured on its own;
    5-20 CPU s inside the fit on the loaded machine). The eigenvectors, and so the layout,
    differ in the last bits with the thread count, so with one thread the themes no longer
    depend on how many cores the machine has. Below 4 096 points the fit is left as it was,
    so the themes of smaller sets stay exactly those of earlier versions.
    """
    import contextlib

    from socanalysis.themes.knn import EXACT_KNN_MAX_POINTS

    if n_points < EXACT_KNN_MAX_POINTS:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def layout_seeds(seed: int, n_layouts: int) -> list[int]:
    """Independent seeds for the layouts of one run (``SeedSequence``, not seed + i).

    Seeds of neighbouring runs (seed 1 and seed 2) must not share layouts, or runs with
    different seeds would agree for a false reason.

    Examples
    --------
    >>> layout_seeds(42, 3) == layout_seeds(42, 3)
    True
    >>> set(layout_seeds(1, 3)) & set(layout_seeds(2, 3))
    set()
    """
    state = np.random.SeedSequence(int(seed)).generate_state(n_layouts)
    return [int(x) % (2**31 - 1) for x in state]


def _consensus_layouts(umap: Any, Z: np.ndarray, plan: ClusterPlan, seed: int) -> np.ndarray:
    """Several seeded UMAP layouts of one fuzzy k-NN graph, each standardised, side by side.

    One UMAP layout is a stochastic optimisation: a small change of the input (another seed,
    a few masked names) moves its clusters, and HDBSCAN then draws other themes. Points that
    lie together in several independent layouts do so because the data put them there, so
    clustering the concatenated layouts keeps the themes the layouts agree on. The graph does
    not depend on the layout seed: UMAP builds it once, and only the layout optimisation
    (``n_epochs`` each) is repeated with each seed.
    """
    import warnings

    from socanalysis.themes.knn import umap_cosine_knn

    seeds = layout_seeds(seed, plan.n_layouts)
    # below 4 096 reports UMAP's own exact neighbours (bit-identical), in compiled code instead
    # of one Python call per pair; up to 20 000 exact ones instead of NN-descent, whose numba
    # code every fresh process compiled again (see themes/knn.py)
    knn = umap_cosine_knn(Z, plan.n_neighbors)
    reducer = umap.UMAP(
        n_components=plan.n_components,
        n_neighbors=plan.n_neighbors,
        min_dist=0.0,
        metric="cosine",
        random_state=seeds[0],
        low_memory=True,
        n_epochs=plan.n_epochs,
        precomputed_knn=knn,
    )
    with warnings.catch_warnings(), _layout_threads(len(Z)):
        warnings.simplefilter("ignore", UserWarning)
        layouts = [reducer.fit_transform(Z)]
        for layout_seed in seeds[1:]:
            if hasattr(reducer, "_fit_embed_data"):
                # the layout step of UMAP.fit on the graph it already built (umap-learn 0.5)
                embedding, _ = reducer._fit_embed_data(
                    reducer._raw_data, plan.n_epochs, reducer.init,
                    np.random.RandomState(layout_seed),
                )  # fmt: skip
            else:  # pragma: no cover - another umap-learn: same result, graph built again
                embedding = umap.UMAP(**{**reducer.get_params(), "random_state": layout_seed})
                embedding = embedding.fit_transform(Z)
            layouts.append(embedding)
    parts = []
    for L in layouts:
        L = np.asarray(L, dtype=np.float64)
        L = L - L.mean(axis=0)
        parts.append(L / max(float(L.std(axis=0).mean()), _EPS))
    return np.hstack(parts).astype(np.float32)


def _silhouette_k(Z: np.ndarray, max_k: int, seed: int) -> np.ndarray:
    """Agglomerative (Ward) clustering with the number of clusters of best cosine silhouette."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    best, best_score = np.zeros(len(Z), dtype=np.int64), 0.05  # below: not worth splitting
    for k in range(2, max_k + 1):
        labels = AgglomerativeClustering(n_clusters=k).fit_predict(Z)
        if len(set(labels)) < 2 or len(set(labels)) >= len(Z):
            continue
        score = silhouette_score(Z, labels, metric="cosine")
        if score > best_score + 1e-9:
            best, best_score = labels.astype(np.int64), score
    return best


def cluster(R: np.ndarray, Z: np.ndarray, plan: ClusterPlan, seed: int) -> np.ndarray:
    """Cluster reduced vectors ``R`` (``Z``: centred vectors) into theme labels, -1 = outlier."""
    n = len(R)
    if plan.algorithm == "single":
        return np.zeros(n, dtype=np.int64)
    if plan.algorithm == "small_set":
        from socanalysis.themes.consensus import cluster_small_set

        return cluster_small_set(Z, plan.min_theme_size)
    if plan.algorithm == "agglomerative":
        from sklearn.cluster import AgglomerativeClustering

        if plan.n_themes is not None:
            return AgglomerativeClustering(n_clusters=plan.n_themes).fit_predict(R).astype(np.int64)
        return _silhouette_k(R, max_k=min(8, n - 1), seed=seed)
    if plan.algorithm == "kmeans":
        from sklearn.cluster import KMeans

        return KMeans(plan.n_themes, n_init=10, random_state=seed).fit_predict(R).astype(np.int64)
    import hdbscan

    labels = hdbscan.HDBSCAN(
        min_cluster_size=max(2, plan.min_theme_size),
        min_samples=max(1, plan.min_theme_size // 2),
        cluster_selection_method=plan.selection,
        # hdbscan's default (4) starts a pool of 4 joblib worker processes from 16 384 points
        # on, the pool the category fits are using at that moment (the pipeline runs them
        # side by side), which joblib would resize under them; the core-distance query it
        # splits took the same time in one process (100 000 points in 5-d: 11.0-12.2 s
        # against 10.0-12.8 s), with the same labels
        core_dist_n_jobs=1,
    ).fit_predict(R)
    if labels.max() < 1:  # no structure found: fall back to the silhouette choice on R
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score

        best, best_score = np.zeros(n, dtype=np.int64), -1.0
        for k in range(2, min(12, n - 1) + 1):
            cand = KMeans(k, n_init=4, random_state=seed).fit_predict(R)
            score = silhouette_score(R, cand)
            if score > best_score + 1e-9:
                best, best_score = cand.astype(np.int64), score
        return best
    return labels.astype(np.int64)


def theme_centroids(Z: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit-length mean vector of each theme (outliers excluded); returns (ids, centroids)."""
    ids = np.asarray(sorted(int(t) for t in set(labels.tolist()) if t >= 0), dtype=np.int64)
    if ids.size == 0:
        return ids, np.zeros((0, Z.shape[1]), dtype=np.float32)
    cents = np.stack([Z[labels == t].mean(axis=0) for t in ids])
    return ids, l2_normalize(cents)


def reassign_outliers(
    Z: np.ndarray, labels: np.ndarray, threshold: float, R: np.ndarray | None = None
) -> np.ndarray:
    """Give outliers the theme of their nearest centroid when close enough.

    The nearest theme is found in the clustering space ``R`` (where HDBSCAN judged the report
    an outlier; a Finnish report and its Swedish counterpart lie close there), and the move is
    made when the cosine to that theme's centroid in the centred space ``Z`` is >= ``threshold``.
    """
    labels = labels.copy()
    ids, cents = theme_centroids(Z, labels)
    out = np.flatnonzero(labels < 0)
    if ids.size == 0 or out.size == 0:
        return labels
    R = Z if R is None else R
    r_cents = np.stack([R[labels == t].mean(axis=0) for t in ids])
    dist = ((R[out, None, :] - r_cents[None, :, :]) ** 2).sum(axis=2)
    best = dist.argmin(axis=1)  # first (lowest id) on ties
    cos = (Z[out] * cents[best]).sum(axis=1)
    move = cos >= threshold
    labels[out[move]] = ids[best[move]]
    return labels


def refine_to_centroids(Z: np.ndarray, labels: np.ndarray, iterations: int) -> np.ndarray:
    """Move every report to its nearest theme centroid (cosine, centred space), repeatedly.

    The clustering space draws the themes; their centroids are means over many reports and
    barely move when a few reports change, so assigning each report to its nearest centroid
    makes the fitted themes agree with :meth:`ThemeModel.transform`. Outliers (-1) stay;
    a theme left empty disappears. Stops early when nothing moves.
    """
    labels = labels.copy()
    inliers = labels >= 0
    for _ in range(int(iterations)):
        ids, cents = theme_centroids(Z, labels)
        if ids.size < 2:
            break
        new = ids[(Z[inliers] @ cents.T).argmax(axis=1)]
        if np.array_equal(new, labels[inliers]):
            break
        labels[inliers] = new
    return labels


def merge_language_split_themes(
    Z: np.ndarray,
    labels: np.ndarray,
    languages: Sequence[str],
    monolingual_share: float,
    min_cosine: float,
    min_language_share: float,
) -> np.ndarray:
    """Merge pairs of themes that are one phenomenon split by language.

    Language centering removes most, not all, of the language signal, so a small phenomenon can
    come out as a Finnish-only theme next to a Swedish-only one. Two themes are merged when
    each is monolingual (its main language holds at least ``monolingual_share`` of its fi + sv
    reports), in different languages, each is the other's nearest theme (centroid cosine in
    the centred space) and that cosine is at least ``min_cosine``. Only done when both
    languages hold at least ``min_language_share`` of the data set's fi + sv reports. The
    merged theme takes the smaller id; repeated until nothing changes.
    """
    labels = labels.copy()
    langs = np.asarray([str(x) for x in languages])
    n_fi, n_sv = int((langs == "fi").sum()), int((langs == "sv").sum())
    if min(n_fi, n_sv) < min_language_share * max(n_fi + n_sv, 1):
        return labels
    while True:
        ids, cents = theme_centroids(Z, labels)
        if ids.size < 2:
            return labels
        main = {}
        for t in ids:
            fi = int(((labels == t) & (langs == "fi")).sum())
            sv = int(((labels == t) & (langs == "sv")).sum())
            total = fi + sv
            if total and max(fi, sv) >= monolingual_share * total:
                main[int(t)] = "fi" if fi >= sv else "sv"
        sims = cents @ cents.T
        np.fill_diagonal(sims, -np.inf)
        nearest = sims.argmax(axis=1)
        merged = False
        for a in range(len(ids)):
            b = int(nearest[a])
            ta, tb = int(ids[a]), int(ids[b])
            if (
                int(nearest[b]) == a
                and ta < tb
                and ta in main
                and tb in main
                and main[ta] != main[tb]
                and sims[a, b] >= min_cosine
            ):
                labels[labels == tb] = ta
                merged = True
        if not merged:
            return labels


def dissolve_other_language_themes(
    Z: np.ndarray,
    labels: np.ndarray,
    languages: Sequence[str],
    threshold: float,
    grouped_languages: Sequence[str] = ("other",),
) -> np.ndarray:
    """Move the reports of themes made only of other-language reports to the nearest theme.

    Reports in neither Finnish nor Swedish (an English or Estonian report among the rest) are
    centred with the average of the two languages' means, which leaves their own language's
    offset in their vectors, so that on larger sets they cluster by language rather than with
    the theme of what they say (1 000 generated reports with 22 in English or Estonian: all 22
    in one theme). A theme whose reports are all in ``grouped_languages`` is a language, not a
    phenomenon: each of its reports moves to the nearest theme that has reports in other
    languages (centroid cosine in the centred space) when that cosine is at least
    ``threshold``, as an outlier would (:func:`reassign_outliers`); the others stay where they
    are. Nothing moves when no theme has reports in other languages.

    Examples
    --------
    >>> Z = l2_normalize(np.array([[1, 0.1], [1, -0.1], [0, 1], [0.1, 1], [0.9, 0.2]]))
    >>> dissolve_other_language_themes(
    ...     Z, np.array([0, 0, 1, 1, 2]), ["fi", "sv", "fi", "sv", "other"], 0.1
    ... ).tolist()
    [0, 0, 1, 1, 0]
    """
    labels = labels.copy()
    grouped = np.isin(np.asarray([str(x) for x in languages]), list(grouped_languages))
    ids, cents = theme_centroids(Z, labels)
    isolated = np.asarray([grouped[labels == t].all() for t in ids], dtype=bool)
    if not isolated.any() or isolated.all():
        return labels
    targets = ids[~isolated]
    rows = np.flatnonzero(np.isin(labels, ids[isolated]))
    cos = l2_normalize(Z[rows]) @ cents[~isolated].T
    best = cos.argmax(axis=1)  # first (lowest id) on ties
    move = cos[np.arange(len(rows)), best] >= threshold
    labels[rows[move]] = targets[best[move]]
    return labels
