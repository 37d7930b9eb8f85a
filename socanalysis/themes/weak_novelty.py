"""Novelty of reports against earlier periods, and small dense groups of novel reports.

A weak signal is "something earlier periods did not contain" (DOMAIN.md). This module measures
that in the embedding space, following novelty detection by nearest neighbours against a
reference set (first story detection: Allan, Papka and Lavrenko 1998, "On-line new event
detection and tracking", SIGIR; Petrović, Osborne and Lavrenko 2010, "Streaming first story
detection with application to Twitter", NAACL): a report is novel when its nearest neighbours
among the reports of earlier periods are far, and it matters when other recent reports are close
to it (the "small dense groups among outliers and small themes" of issue 6).

For report *i* of the recent window, with cosine similarities computed on L2-normalised
vectors:

- ``earlier_i`` = mean of the ``k`` largest similarities to reports of earlier periods;
- ``recent_i``  = mean of the ``k`` largest similarities to the other recent reports;
- ``novelty_i`` = max(0, recent_i − earlier_i) / (1 − earlier_i): how much closer the report is
  to what is new than to anything before, on a 0 … 1 scale.

Groups are formed among the recent reports by average-linkage agglomerative clustering cut at a
similarity ``link`` chosen from the data (a high quantile of all pairwise similarities, capped by
how close reports are to their nearest neighbours; see :func:`link_similarity`), so the cut
adapts to the embedding model. Earlier reports whose mean similarity to a group reaches both
the cut and the loosest member's mean similarity to the others are attached to it as
*precursors*: a phenomenon that began just before the recent
window keeps its first reports. A group's novelty is its share of recent reports times its
*separation*: for each recent member, the share of the other members that are closer to it than
its ``k`` nearest earlier reports outside the group are (mean of the top-k similarities), averaged
over the recent members. Separation 1 reads "every fellow member is closer than anything
before"; it is rank-based, so it does not depend on the scale of the embedding model's
similarities.

Without dates every report is "recent" and the reference is everything outside the group:
novelty then means "a tight group, far from everything else".

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> old = rng.normal(size=(3, 8))
>>> X = np.vstack([np.repeat(old, 5, axis=0), np.repeat(rng.normal(size=(1, 8)), 4, axis=0)])
>>> X = X + 0.05 * rng.normal(size=X.shape)
>>> X /= np.linalg.norm(X, axis=1, keepdims=True)
>>> recent = np.r_[np.zeros(15, bool), np.ones(4, bool)]
>>> nov = report_novelty(X, recent, k=2)
>>> bool(nov[15:].min() > 0.5 and nov[:15].max() == 0.0)
True
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

__all__ = [
    "centre_by_language",
    "condensed_cosine_distances",
    "group_novelty",
    "link_similarity",
    "neighbour_means",
    "novelty_groups",
    "normalise_rows",
    "relative_gap",
    "report_novelty",
    "top_k_mean",
]

_BLOCK = 2048  # rows per block of similarity products: bounded memory for large sets
_BLOCK_ELEMENTS = 8_000_000  # at most this many similarities (32 MB of float32) per block


def normalise_rows(X: np.ndarray) -> np.ndarray:
    """Return float64 rows with unit L2 norm (zero rows stay zero)."""
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True) if X.size else np.ones((len(X), 1))
    return X / np.where(norms > 0, norms, 1.0)


def centre_by_language(X: np.ndarray, languages: Sequence[str], min_rows: int = 3) -> np.ndarray:
    """Remove each language's mean vector, then re-normalise.

    Multilingual sentence embeddings place a Finnish and a Swedish report on one phenomenon
    further apart than two Finnish reports on different ones (DESIGN.md: "raw e5 vectors cluster
    by language first; removing each language's mean fixes most of it"). Languages with fewer
    than ``min_rows`` reports have the mean of all reports removed instead.

    Examples
    --------
    >>> X = np.array([[1.0, 0.2], [1.0, -0.2], [0.2, 1.0], [-0.2, 1.0]])
    >>> Z = centre_by_language(X, ["fi", "fi", "sv", "sv"], min_rows=2)
    >>> np.round(Z, 3).tolist()
    [[0.0, 1.0], [0.0, -1.0], [1.0, 0.0], [-1.0, 0.0]]
    """
    X = normalise_rows(X)
    if len(X) == 0:
        return X
    langs = np.asarray([str(x) for x in languages], dtype=object)
    overall = X.mean(axis=0)
    Z = X.copy()
    for lang in sorted(set(langs.tolist())):
        rows = langs == lang
        Z[rows] -= X[rows].mean(axis=0) if rows.sum() >= min_rows else overall
    return normalise_rows(Z)


def top_k_mean(Z: np.ndarray, rows: np.ndarray, reference: np.ndarray, k: int) -> np.ndarray:
    """Mean of the ``k`` largest cosine similarities from each of ``rows`` to ``reference``.

    A row is never compared with itself. Rows with no reference get NaN; with fewer than
    ``k`` references the mean is over those there are.

    Parameters
    ----------
    Z : ndarray (n, d), unit rows
    rows, reference : ndarray of int
        Row indices.
    k : int
    """
    rows = np.asarray(rows, dtype=np.int64)
    reference = np.asarray(reference, dtype=np.int64)
    out = np.full(len(rows), np.nan)
    if len(rows) == 0 or len(reference) == 0:
        return out
    R = Z[reference]
    # rows per block so that one block of similarities stays near 32 MB whatever the reference
    # size: a fixed 2 048 rows against 90 000 references made ~2.5 GB of temporaries
    step = max(1, min(_BLOCK, _BLOCK_ELEMENTS // len(reference)))
    for start in range(0, len(rows), step):
        block = rows[start : start + step]
        S = Z[block] @ R.T
        S[block[:, None] == reference[None, :]] = -np.inf  # never the report itself
        out[start : start + len(block)] = _mean_of_top(S, k)
    return out


def _mean_of_top(S: np.ndarray, k: int) -> np.ndarray:
    """Mean of each row's ``k`` largest finite values of ``S`` (NaN where none is finite)."""
    kk = min(k, S.shape[1])
    part = -np.partition(-S, kk - 1, axis=1)[:, :kk] if kk < S.shape[1] else S
    part = np.where(np.isfinite(part), part, np.nan)
    with warnings.catch_warnings():  # a row with no finite value: NaN, no warning
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(part, axis=1) if part.size else np.full(len(S), np.nan)


def neighbour_means(
    Z: np.ndarray,
    rows: np.ndarray,
    reference: np.ndarray,
    k: int,
    groups: np.ndarray,
    sets: Sequence[np.ndarray] = (),
) -> tuple[np.ndarray, ...]:
    """:func:`top_k_mean` of ``rows`` against ``reference``, against the reference reports of
    *other* groups, and against the reference reports outside a set, from one pass of
    similarity products.

    The weak-signal detector needs all three for the recent reports: the first for a report's
    novelty, the second for the novelty of its theme (a theme's recent members against the
    earlier reports outside the theme) and the third for the novelty of its novelty group (the
    same, outside the group, :func:`group_novelty`). Computed separately, the second and third
    repeated the first's O(rows x reference x d) products theme by theme and group by group;
    here each block of products serves all three.

    Parameters
    ----------
    Z : ndarray (n, d), unit rows
    rows, reference : ndarray of int
        Row indices.
    k : int
    groups : ndarray of int, shape (n,)
        Group of every report (a theme id); for the second result a row is compared only with
        reference reports of another group.
    sets : sequence of ndarray of int
        Sets of reports (novelty groups) that share none of ``rows``; for the third result a
        row in a set is compared only with the reference reports outside it.

    Returns
    -------
    all_mean, other_mean, set_mean : ndarray of float, shape (len(rows),)
        NaN where a row has nothing to compare with (``set_mean``: or is in no set).

    Examples
    --------
    >>> Z = np.eye(3)[[0, 0, 1, 2]]
    >>> found = neighbour_means(Z, np.array([0]), np.array([1, 2, 3]), 1,
    ...                         np.array([5, 5, 6, 7]), sets=[np.array([0, 2])])
    >>> [x.tolist() for x in found]
    [[1.0], [0.0], [1.0]]
    """
    rows = np.asarray(rows, dtype=np.int64)
    reference = np.asarray(reference, dtype=np.int64)
    groups = np.asarray(groups)
    all_mean = np.full(len(rows), np.nan)
    other_mean = np.full(len(rows), np.nan)
    set_mean = np.full(len(rows), np.nan)
    if len(rows) == 0 or len(reference) == 0:
        return all_mean, other_mean, set_mean
    # each row's set, and each set's members as reference columns
    row_set = np.full(len(rows), -1, dtype=np.int64)
    set_columns = []
    for number, members in enumerate(sets):
        members = np.asarray(members, dtype=np.int64)
        at = np.searchsorted(rows, members)
        inside = at < len(rows)
        inside[inside] = rows[at[inside]] == members[inside]
        if (row_set[at[inside]] != -1).any():
            raise ValueError("sets must not share rows: give each row's set once")
        row_set[at[inside]] = number
        col = np.searchsorted(reference, members)
        ok = col < len(reference)
        ok[ok] = reference[col[ok]] == members[ok]
        set_columns.append(col[ok])
    R = Z[reference]
    ref_groups = groups[reference]
    step = max(1, min(_BLOCK, _BLOCK_ELEMENTS // len(reference)))
    for start in range(0, len(rows), step):
        block = rows[start : start + step]
        here = slice(start, start + len(block))
        S = Z[block] @ R.T
        S[block[:, None] == reference[None, :]] = -np.inf  # never the report itself
        all_mean[here] = _mean_of_top(S, k)
        block_sets = row_set[here]
        for number in np.unique(block_sets[block_sets >= 0]):
            local = np.flatnonzero(block_sets == number)
            sub = S[local]
            sub[:, set_columns[number]] = -np.inf
            set_mean[start + local] = _mean_of_top(sub, k)
        S[groups[block][:, None] == ref_groups[None, :]] = -np.inf
        other_mean[here] = _mean_of_top(S, k)
    return all_mean, other_mean, set_mean


def relative_gap(close: np.ndarray, far: np.ndarray) -> np.ndarray:
    """max(0, close − far) / (1 − far), with a missing ``far`` counted as no competition."""
    far = np.where(np.isnan(far), -1.0, far)
    close = np.where(np.isnan(close), far, close)
    denom = np.maximum(1.0 - far, 1e-9)
    return np.clip((close - far) / denom, 0.0, 1.0)


def report_novelty(
    Z: np.ndarray, recent: np.ndarray, k: int = 2, reference: np.ndarray | None = None
) -> np.ndarray:
    """Novelty of each recent report against the reference reports (0 for the others).

    Parameters
    ----------
    Z : ndarray (n, d)
        Unit-norm vectors.
    recent : ndarray of bool
        Reports in the recent window.
    k : int
        Neighbours averaged on each side.
    reference : ndarray of bool, optional
        Reports to compare with; default: every report that is not recent.

    Returns
    -------
    ndarray of float in [0, 1]
    """
    recent = np.asarray(recent, dtype=bool)
    reference = ~recent if reference is None else np.asarray(reference, dtype=bool)
    novelty = np.zeros(len(Z))
    rows = np.flatnonzero(recent)
    if len(rows) == 0:
        return novelty
    earlier = top_k_mean(Z, rows, np.flatnonzero(reference), k)
    close = top_k_mean(Z, rows, rows, k)
    novelty[rows] = relative_gap(close, earlier)
    return novelty


def link_similarity(
    Z: np.ndarray, quantile: float = 0.95, k: int = 2, max_rows: int = 3000
) -> float:
    """The grouping cut: a high quantile of all pairwise similarities, capped by neighbourhoods.

    The cut is the ``quantile`` of all pairwise similarities, but never more than the 10th
    percentile of the reports' top-``k`` neighbour similarities: when a few very tight themes
    dominate the pairs, a group needs to be only as tight as nine reports in ten are with their
    own nearest neighbours. Above ``max_rows`` reports an evenly spaced subset is used, so the
    cost stays bounded and the result deterministic.

    Examples
    --------
    >>> Z = np.eye(3)[[0, 0, 1, 1, 2, 2]]  # three tight pairs
    >>> link_similarity(Z, 0.95, k=1)
    1.0
    """
    n = len(Z)
    if n < 2:
        return 1.0
    idx = np.linspace(0, n - 1, min(n, max_rows)).round().astype(np.int64)
    idx = np.unique(idx)
    S = Z[idx] @ Z[idx].T
    upper = S[np.triu_indices(len(idx), k=1)]
    pairwise = float(np.quantile(upper, quantile))
    neighbourhood = top_k_mean(Z, idx, idx, k)
    neighbourhood = neighbourhood[~np.isnan(neighbourhood)]
    if neighbourhood.size == 0:
        return pairwise
    return min(pairwise, float(np.quantile(neighbourhood, 0.1)))


def condensed_cosine_distances(Z: np.ndarray) -> np.ndarray:
    """Cosine distances of unit rows as scipy's condensed vector, built a block at a time.

    Equal to ``squareform(1 - Z @ Z.T)`` clipped to [0, 2], without the square matrix and its
    index arrays: the peak memory is the condensed vector (8 bytes per pair, already the float64
    that scipy's linkage wants) plus one block (measured with tracemalloc at 4 000 rows: 79 MB
    against 224 MB for the square matrix, before scipy's own float64 copy of the latter).

    Examples
    --------
    >>> Z = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    >>> condensed_cosine_distances(Z).tolist()
    [1.0, 0.0, 1.0]
    """
    n = len(Z)
    out = np.empty(n * (n - 1) // 2, dtype=np.float64)
    pos = 0
    block = max(1, _BLOCK // 4)  # a block spans all later rows: 512 x 100 000 is 200 MB
    for start in range(0, n - 1, block):
        stop = min(start + block, n - 1)
        S = Z[start:stop] @ Z[start + 1 :].T  # row i against rows i+1.. (shifted by one)
        for i in range(start, stop):
            row = S[i - start, i - start :]
            # cosine distance on unit rows; clipped so rounding never gives a negative one
            np.clip(1.0 - row, 0.0, 2.0, out=out[pos : pos + len(row)])
            pos += len(row)
    return out


def novelty_groups(
    Z: np.ndarray,
    recent: np.ndarray,
    link: float,
    min_size: int = 3,
    reference: np.ndarray | None = None,
    max_linkage: int = 6000,
    seed: int = 0,
) -> list[np.ndarray]:
    """Groups of recent reports that are close to each other, with their precursors.

    Parameters
    ----------
    Z : ndarray (n, d)
        Unit-norm vectors.
    recent : ndarray of bool
        Reports in the recent window; groups are formed among them.
    link : float
        Average-linkage cut: members' mean pairwise similarity at least ``link``.
    min_size : int
        Smallest number of recent members for a group.
    reference : ndarray of bool, optional
        Earlier reports that may be attached as precursors (default: not recent).
    max_linkage : int
        Most recent reports clustered by average linkage, whose time and memory grow with the
        square of the reports (6 000 reports: 18 million pairs, about 150 MB). Above it the
        linkage runs on a seeded sample of this size and every other recent report joins the
        group it is, on average, most similar to, if that similarity reaches ``link``; without
        this, 100 000 undated reports (all "recent") would need about 40 GB.
    seed : int
        Seed of that sample.

    Returns
    -------
    list of ndarray of int
        Row indices per group (recent members and precursors), sorted; groups ordered by their
        smallest row index, so the output is deterministic.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> centres = np.eye(8)[:2]
    >>> Z = np.repeat(centres, 20, axis=0) + 0.05 * rng.standard_normal((40, 8))
    >>> Z /= np.linalg.norm(Z, axis=1, keepdims=True)
    >>> full = novelty_groups(Z, np.ones(40, bool), link=0.8)
    >>> sampled = novelty_groups(Z, np.ones(40, bool), link=0.8, max_linkage=10)
    >>> [len(g) for g in full], all((a == b).all() for a, b in zip(full, sampled))
    ([20, 20], True)
    """
    from scipy.cluster.hierarchy import fcluster, linkage

    recent = np.asarray(recent, dtype=bool)
    reference = ~recent if reference is None else np.asarray(reference, dtype=bool)
    rows = np.flatnonzero(recent)
    if len(rows) < max(min_size, 2):
        return []
    if len(rows) > max_linkage:
        rng = np.random.default_rng(seed)
        linked = np.sort(rng.choice(len(rows), size=max_linkage, replace=False))
    else:
        linked = np.arange(len(rows))
    condensed = condensed_cosine_distances(Z[rows[linked]])
    found = fcluster(linkage(condensed, method="average"), t=1.0 - link, criterion="distance")
    labels = np.zeros(len(rows), dtype=np.int64)  # 0: in no group
    labels[linked] = found
    if len(linked) < len(rows):
        _join_nearest_group(Z, rows, labels, link)
    earlier = np.flatnonzero(reference)
    # gathered once: a copy of every earlier report per group cost as much as the products
    earlier_Z = Z[earlier] if len(earlier) else None
    groups = []
    for label in np.unique(labels[labels > 0]):
        members = rows[labels == label]
        if len(members) < min_size:
            continue
        if len(earlier):
            # a precursor must belong to the group at least as well as its loosest member
            inner = Z[members] @ Z[members].T
            np.fill_diagonal(inner, np.nan)
            loosest = float(np.nanmin(np.nanmean(inner, axis=1)))
            # the mean similarity to the members is the similarity to their mean vector: one
            # product per earlier report instead of one per (earlier report, member) pair
            mean_sim = earlier_Z @ Z[members].mean(axis=0)
            members = np.union1d(members, earlier[mean_sim >= max(link, loosest)])
        groups.append(np.sort(members))
    groups.sort(key=lambda g: int(g[0]))
    return groups


def _join_nearest_group(Z: np.ndarray, rows: np.ndarray, labels: np.ndarray, link: float) -> None:
    """Give each unlabelled row the group whose mean similarity to it is highest, if >= link.

    Works in place on ``labels`` (0 = no group). For unit vectors the mean similarity to a group
    is the dot product with the group's summed vector divided by its size, so this is one matrix
    product per block of rows: O(rows * groups * d).
    """
    ids = np.unique(labels[labels > 0])
    if not len(ids):
        return
    sums = np.stack([Z[rows[labels == g]].sum(axis=0) for g in ids])
    sizes = np.array([(labels == g).sum() for g in ids], dtype=np.float64)
    todo = np.flatnonzero(labels == 0)
    for start in range(0, len(todo), 4096):
        block = todo[start : start + 4096]
        mean_sim = (Z[rows[block]] @ sums.T) / sizes
        best = np.argmax(mean_sim, axis=1)  # ties: the group with the smallest label
        ok = mean_sim[np.arange(len(block)), best] >= link
        labels[block[ok]] = ids[best[ok]]


def group_novelty(
    Z: np.ndarray,
    members: np.ndarray,
    recent: np.ndarray,
    k: int = 2,
    reference: np.ndarray | None = None,
    earlier: np.ndarray | None = None,
) -> tuple[float, float, float]:
    """Novelty of a group: (novelty, share of recent members, separation).

    The reference is every earlier report (default: not recent) outside the group. A group
    with no recent member has novelty 0. ``earlier`` may give, per recent member (in row
    order), the mean of its ``k`` largest similarities to that reference, when the caller has
    them already (:func:`neighbour_means` for themes); otherwise they are computed here.
    """
    recent = np.asarray(recent, dtype=bool)
    reference = ~recent if reference is None else np.asarray(reference, dtype=bool)
    members = np.asarray(members, dtype=np.int64)
    if len(members) == 0:
        return 0.0, 0.0, 0.0
    in_recent = members[recent[members]]
    share = len(in_recent) / len(members)
    if len(in_recent) == 0:
        return 0.0, 0.0, 0.0
    if earlier is None:
        outside = reference.copy()
        outside[members] = False
        earlier = top_k_mean(Z, in_recent, np.flatnonzero(outside), k)
    elif len(earlier) != len(in_recent):
        raise ValueError("earlier must give one value per recent member of the group")
    if len(members) < 2:
        return 0.0, share, 0.0
    S = Z[in_recent] @ Z[members].T
    S[in_recent[:, None] == members[None, :]] = np.nan
    # no earlier report at all: nothing is similar before
    far = np.where(np.isnan(earlier), -np.inf, earlier)
    with np.errstate(invalid="ignore"):
        closer = np.nansum(far[:, None] < S, axis=1) / (len(members) - 1)
    gap = float(closer.mean())
    return share * gap, share, gap
