"""Deterministic clustering for small sets (<= ~500 reports), stable under small input changes.

On a few hundred reports the UMAP + HDBSCAN path moves under any small change: another seed,
30 masked names or 30 appended full stops reshuffle several themes (docs/themes.md, "Small
sets and masking"). This module clusters small sets without any random step:

1. a fuzzy k-nearest-neighbour graph of the centred vectors, built as UMAP builds its graph
   (exact cosine neighbours, a per-report bandwidth, fuzzy union), in numpy;
2. its spectral embedding (the leading eigenvectors of the normalised graph; ``round(sqrt(n))``
   of them unless set, fewer where a clear eigengap shows well separated groups), rows scaled
   to unit length;
3. average linkage on the cosine distances of that embedding, cut at a fixed height (or,
   optionally, where the number of themes stays the same over the longest range of heights:
   measured less robust, docs/themes.md); clusters below ``min_theme_size`` are outliers;
4. a few rounds of moving each report to its nearest theme centroid (centred space);
5. dissolving "mixture" themes: a group held together by something its reports share besides
   their content (names and phone numbers of one person, a form template) is recognised by
   its reports, once that shared part (the group mean) is removed, each pointing strongly at
   another theme. A theme whose score is an outlier among the themes (modified z-score above
   ``mixture_z``) is dissolved into the nearest other themes.

Everything is deterministic: there is no seed (exact neighbours, LAPACK eigenvectors with a
fixed sign, hierarchical clustering, ties broken by index).

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> centres = rng.normal(size=(3, 20))
>>> Z = np.repeat(centres, 20, axis=0) + 0.4 * rng.normal(size=(60, 20))
>>> labels = SmallSetClustering(min_theme_size=5).fit_predict(Z)
>>> len(set(labels.tolist()) - {-1})
3
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "SmallSetClustering",
    "cluster_small_set",
    "dissolve_mixture_themes",
    "fuzzy_knn_graph",
    "plateau_cut",
    "spectral_embedding",
]

# UMAP's constants for the per-report bandwidth search (umap.umap_.smooth_knn_dist)
_SMOOTH_K_TOLERANCE = 1e-5
_MIN_K_DIST_SCALE = 1e-3
_BANDWIDTH_ITERATIONS = 64


def _unit_rows(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    return X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)


def fuzzy_knn_graph(Z: np.ndarray, n_neighbors: int = 15) -> np.ndarray:
    """UMAP's fuzzy k-NN graph (cosine, exact neighbours) as a dense symmetric matrix.

    Each report's neighbour weights are ``exp(-(d - rho) / sigma)``, ``rho`` the distance to
    its nearest other report and ``sigma`` chosen so that the weights sum to
    ``log2(n_neighbors)``; the directed graph ``A`` is symmetrised by fuzzy union
    ``A + A.T - A * A.T``. ``n_neighbors`` counts the report itself, as in UMAP.

    Examples
    --------
    >>> W = fuzzy_knn_graph(np.eye(4) + 0.1, n_neighbors=3)
    >>> W.shape, bool(np.allclose(W, W.T)), float(W.diagonal().max())
    ((4, 4), True, 0.0)
    """
    X = _unit_rows(Z)
    n = len(X)
    k = int(min(n_neighbors, n))
    dist = np.clip(1.0 - X @ X.T, 0.0, 2.0)
    np.fill_diagonal(dist, -1.0)  # the report itself comes first, as in UMAP
    idx = np.argsort(dist, axis=1, kind="stable")[:, :k]
    d = np.take_along_axis(dist, idx, axis=1)
    d[:, 0] = 0.0
    others = d[:, 1:]
    positive = np.where(others > 0, others, np.inf).min(axis=1) if k > 1 else np.zeros(n)
    rho = np.where(np.isfinite(positive), positive, 0.0)
    target = np.log2(k) if k > 1 else 1.0
    lo, hi, mid = np.zeros(n), np.full(n, np.inf), np.ones(n)
    done = np.zeros(n, dtype=bool)
    for _ in range(_BANDWIDTH_ITERATIONS):
        gap = others - rho[:, None]
        psum = np.where(gap > 0, np.exp(-np.maximum(gap, 0) / mid[:, None]), 1.0).sum(axis=1)
        done |= np.abs(psum - target) < _SMOOTH_K_TOLERANCE
        active = ~done
        high = active & (psum > target)
        low = active & ~(psum > target)
        hi = np.where(high, mid, hi)
        lo = np.where(low, mid, lo)
        mid = np.where(high, (lo + hi) / 2, mid)
        mid = np.where(low, np.where(np.isinf(hi), mid * 2, (lo + hi) / 2), mid)
        if done.all():
            break
    mean_all = float(dist[dist >= 0].mean()) if n > 1 else 0.0
    floor = np.where(rho > 0, _MIN_K_DIST_SCALE * d.mean(axis=1), _MIN_K_DIST_SCALE * mean_all)
    sigma = np.maximum(mid, floor)
    gap = d - rho[:, None]
    safe = np.where(sigma > 0, sigma, 1.0)[:, None]
    vals = np.where((gap <= 0) | (sigma[:, None] == 0), 1.0, np.exp(-np.maximum(gap, 0) / safe))
    vals[idx == np.arange(n)[:, None]] = 0.0
    A = np.zeros((n, n))
    A[np.repeat(np.arange(n), k), idx.ravel()] = vals.ravel()
    return A + A.T - A * A.T


def spectral_embedding(W: np.ndarray, n_dims: int, eigengap: float | None = None) -> np.ndarray:
    """Leading non-trivial eigenvectors of the normalised graph ``D^-1/2 W D^-1/2``, unit rows.

    With ``eigengap``, fewer than ``n_dims`` vectors are kept where the eigenvalues show a clear
    number of groups: the vectors before the first drop between consecutive eigenvalues (the
    trivial first one aside) larger than ``eigengap``. Well separated groups (c connected
    parts: c eigenvalues of 1) then get c - 1 vectors instead of noise dimensions that would
    split them. Signs are fixed (the largest entry of each vector positive), so the embedding
    is a function of ``W`` alone.
    """
    deg = np.maximum(W.sum(axis=1), 1e-12)
    inv = 1.0 / np.sqrt(deg)
    vals, vecs = np.linalg.eigh(W * inv[:, None] * inv[None, :])
    vals, vecs = vals[::-1], vecs[:, ::-1]
    n_dims = int(max(1, min(n_dims, len(W) - 1)))
    if eigengap is not None:
        gaps = vals[1 : n_dims + 1] - vals[2 : n_dims + 2]  # after eigenvalue 2, 3, ...
        clear = np.flatnonzero(gaps > float(eigengap))
        if clear.size:
            n_dims = int(clear[0]) + 1
    # The trivial eigenvector D^1/2 1 (eigenvalue 1) is not always the first column: with
    # several connected parts, eigenvalue 1 repeats and LAPACK returns any basis of that space.
    # So it is projected out of the leading n_dims + 1 vectors, leaving an orthonormal basis of
    # the other n_dims directions (cosines between rows do not depend on which basis).
    V = vecs[:, : n_dims + 1]
    trivial = np.sqrt(deg) / np.linalg.norm(np.sqrt(deg))
    a = V.T @ trivial
    a = a / max(float(np.linalg.norm(a)), 1e-12)
    basis, _, _ = np.linalg.svd(np.eye(n_dims + 1) - np.outer(a, a))
    E = V @ basis[:, :n_dims]
    signs = np.sign(E[np.abs(E).argmax(axis=0), np.arange(E.shape[1])])
    return _unit_rows(E * np.where(signs == 0, 1.0, signs))


def plateau_cut(
    E: np.ndarray, cuts: np.ndarray, min_theme_size: int
) -> tuple[np.ndarray, float, int]:
    """Average linkage (cosine) of ``E``, cut in the middle of the longest run of cut heights
    that give the same number of themes (clusters of at least ``min_theme_size`` reports).

    Returns (labels with -1 for reports in smaller clusters, themes numbered in the order of
    their first report; the cut height; the number of themes). The lowest such run wins a tie.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    D = np.clip(1.0 - E @ E.T, 0.0, 2.0)
    np.fill_diagonal(D, 0.0)
    tree = linkage(squareform(D, checks=False), "average")
    counts = [
        int((np.bincount(fcluster(tree, c, "distance")) >= min_theme_size).sum()) for c in cuts
    ]
    best, best_len, i = 0, 0, 0
    while i < len(counts):
        j = i
        while j + 1 < len(counts) and counts[j + 1] == counts[i]:
            j += 1
        if j - i + 1 > best_len:
            best, best_len = (i + j) // 2, j - i + 1
        i = j + 1
    cut = float(cuts[best])
    raw = fcluster(tree, cut, "distance")
    sizes = np.bincount(raw)
    # numbered by first report, not by fcluster's ids: those follow the tree's order, which
    # rounding can change where the eigenvectors are not unique (repeated eigenvalues), so
    # the same partition came out numbered differently on another machine
    kept = list(dict.fromkeys(int(c) for c in raw if sizes[c] >= min_theme_size))
    ids = {c: t for t, c in enumerate(kept)}
    labels = np.asarray([ids.get(int(c), -1) for c in raw], dtype=np.int64)
    return labels, cut, len(kept)


def dissolve_mixture_themes(
    Z: np.ndarray, labels: np.ndarray, z_threshold: float, max_rounds: int
) -> np.ndarray:
    """Dissolve themes whose reports share something other than their content.

    For each theme, its reports minus the theme's mean vector (what they share) are compared
    with the other themes' centroids; the score is the mean of each report's best cosine. In
    a theme of one phenomenon the remainders are noise (low scores); in a group held together
    by names, phone numbers or a template, each remainder is a report's own content and
    points at its real theme. A theme whose score has a modified z-score (median and MAD over
    the themes; Iglewicz and Hoaglin's outlier rule) above ``z_threshold`` is dissolved: its
    reports go to their nearest other centroid. One theme per round, at most ``max_rounds``;
    needs at least 4 themes.
    """
    from socanalysis.themes.space import l2_normalize, theme_centroids

    labels = labels.copy()
    for _ in range(int(max_rounds)):
        ids, cents = theme_centroids(Z, labels)
        if ids.size < 4:
            break
        scores = np.empty(ids.size)
        for j, t in enumerate(ids):
            rows = labels == t
            rest = l2_normalize(Z[rows] - Z[rows].mean(axis=0))
            scores[j] = (rest @ np.delete(cents, j, axis=0).T).max(axis=1).mean()
        median = float(np.median(scores))
        mad = float(np.median(np.abs(scores - median)))
        z = 0.6745 * (scores - median) / max(mad, 1e-12)
        j = int(np.argmax(z))  # the first on a tie
        if z[j] <= z_threshold:
            break
        rows = labels == ids[j]
        others, other_cents = np.delete(ids, j), np.delete(cents, j, axis=0)
        labels[rows] = others[(Z[rows] @ other_cents.T).argmax(axis=1)]
    return labels


class SmallSetClustering:
    """Deterministic themes of a small set of centred vectors (see the module docstring).

    Parameters
    ----------
    n_neighbors : int
        Neighbours of the fuzzy k-NN graph (the report itself included, as in UMAP).
    n_dims : int or None
        Eigenvectors of the spectral embedding; None: ``round(sqrt(n))``, at most ``max_dims``.
    max_dims : int or None
        Cap of the automatic ``n_dims`` (None: no cap).
    eigengap : float or None
        Fewer eigenvectors where the eigenvalues drop by more than this (see
        :func:`spectral_embedding`); None: always ``n_dims``.
    cut : float
        Cut height of the average-linkage tree (cosine distance in the embedding).
    cut_search : tuple of float or None
        (lowest, highest) cut heights searched, in steps of ``cut_step``, for the longest
        plateau of the number of themes (:func:`plateau_cut`) instead of ``cut``.
    cut_step : float
        Step between the searched cut heights.
    min_theme_size : int
        Smaller clusters are outliers (-1).
    refine_iterations : int
        Rounds of moving reports to their nearest theme centroid.
    attach_small : bool
        Reports of clusters below ``min_theme_size`` join the nearest theme instead of
        being outliers.
    mixture_z : float
        Modified z-score above which a mixture theme is dissolved (inf: never).
    mixture_rounds : int
        At most this many themes dissolved.

    Attributes
    ----------
    labels_ : ndarray of int
        Theme per row, -1 = outlier.
    embedding_ : ndarray
        The spectral embedding.
    cut_ : float
        The chosen cut height.
    n_dims_ : int
        Eigenvectors used (after the eigengap rule).

    Examples
    --------
    >>> Z = np.eye(3)[[0] * 6 + [1] * 6 + [2] * 6] + 0.01 * np.arange(18)[:, None] % 0.07
    >>> SmallSetClustering(n_neighbors=5, min_theme_size=3).fit(Z).labels_.tolist()
    [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]
    """

    def __init__(
        self,
        n_neighbors: int = 15,
        n_dims: int | None = None,
        max_dims: int | None = None,
        eigengap: float | None = 0.2,
        cut: float = 0.4,
        cut_search: tuple[float, float] | None = None,
        cut_step: float = 0.01,
        min_theme_size: int = 3,
        refine_iterations: int = 3,
        attach_small: bool = False,
        mixture_z: float = 3.5,
        mixture_rounds: int = 3,
    ) -> None:
        self.n_neighbors = n_neighbors
        self.n_dims = n_dims
        self.max_dims = max_dims
        self.eigengap = eigengap
        self.cut = cut
        self.cut_search = cut_search
        self.cut_step = cut_step
        self.min_theme_size = min_theme_size
        self.refine_iterations = refine_iterations
        self.attach_small = attach_small
        self.mixture_z = mixture_z
        self.mixture_rounds = mixture_rounds

    def _validate(self, n: int) -> None:
        from socanalysis.errors import ConfigError, InputError

        if n < 2:
            raise InputError(f"SmallSetClustering needs at least 2 rows, got {n}.")
        if int(self.n_neighbors) < 2:
            raise ConfigError(f"n_neighbors must be >= 2, got {self.n_neighbors!r}.")
        if self.n_dims is not None and int(self.n_dims) < 1:
            raise ConfigError(f"n_dims must be None or >= 1, got {self.n_dims!r}.")
        low, high = (float(x) for x in self._cut_bounds())
        if not 0.0 < low <= high < 2.0 or float(self.cut_step) <= 0:
            raise ConfigError(
                "cut must be in (0, 2), cut_search None or (low, high) with 0 < low <= high < 2, "
                f"and cut_step > 0; got {self.cut!r}, {self.cut_search!r}, {self.cut_step!r}."
            )
        if int(self.min_theme_size) < 1:
            raise ConfigError(f"min_theme_size must be >= 1, got {self.min_theme_size!r}.")

    def _cut_bounds(self) -> tuple[float, float]:
        if self.cut_search is None:
            return float(self.cut), float(self.cut)
        low, high = self.cut_search
        return float(low), float(high)

    def fit(self, Z: np.ndarray, y: Any = None) -> SmallSetClustering:
        from socanalysis.themes.space import l2_normalize, refine_to_centroids

        Z = l2_normalize(np.asarray(Z))
        self._validate(len(Z))
        n = len(Z)
        self.n_dims_ = int(self.n_dims) if self.n_dims is not None else int(round(np.sqrt(n)))
        if self.n_dims is None and self.max_dims is not None:
            self.n_dims_ = min(self.n_dims_, int(self.max_dims))
        W = fuzzy_knn_graph(Z, int(self.n_neighbors))
        self.embedding_ = spectral_embedding(W, self.n_dims_, self.eigengap)
        self.n_dims_ = int(self.embedding_.shape[1])
        low, high = (float(x) for x in self._cut_bounds())
        cuts = np.arange(low, high + float(self.cut_step) / 2, float(self.cut_step))
        labels, self.cut_, _ = plateau_cut(self.embedding_, cuts, int(self.min_theme_size))
        if self.attach_small and (labels >= 0).any() and (labels < 0).any():
            # reports of too small clusters join the nearest theme (centred space); only
            # ThemeModel's outlier threshold leaves a report outside every theme
            from socanalysis.themes.space import theme_centroids

            ids, cents = theme_centroids(Z, labels)
            small = labels < 0
            labels[small] = ids[(Z[small] @ cents.T).argmax(axis=1)]
        labels = refine_to_centroids(Z, labels, int(self.refine_iterations))
        if np.isfinite(float(self.mixture_z)):
            labels = dissolve_mixture_themes(
                Z, labels, float(self.mixture_z), int(self.mixture_rounds)
            )
        self.labels_ = labels
        return self

    def fit_predict(self, Z: np.ndarray, y: Any = None) -> np.ndarray:
        return self.fit(Z).labels_


def cluster_small_set(Z: np.ndarray, min_theme_size: int) -> np.ndarray:
    """Themes of a small set with the settings of ``themes.yaml`` (section ``small_sets``)."""
    from socanalysis.themes.keywords import settings

    cfg = settings()["small_sets"]
    model = SmallSetClustering(
        n_neighbors=int(cfg["n_neighbors"]),
        n_dims=None if cfg["n_dims"] in (None, "auto") else int(cfg["n_dims"]),
        max_dims=None if cfg.get("max_dims") is None else int(cfg["max_dims"]),
        eigengap=None if cfg["eigengap"] is None else float(cfg["eigengap"]),
        cut=float(cfg["cut"]),
        cut_search=None if cfg["cut_search"] is None else tuple(cfg["cut_search"]),
        cut_step=float(cfg["cut_step"]),
        min_theme_size=int(min_theme_size),
        refine_iterations=int(cfg["refine_iterations"]),
        attach_small=bool(cfg.get("attach_small", False)),
        mixture_z=float(cfg["mixture_z"]),
        mixture_rounds=int(cfg["mixture_rounds"]),
    )
    return model.fit_predict(Z)
