"""Weak signals: rank candidate new phenomena that only a few reporters have seen yet.

Practitioners call a weak signal the first signs of a change: a phenomenon reported by few but
new, as opposed to recurring phenomena (DOMAIN.md). :class:`WeakSignalDetector` proposes ranked
candidates with their evidence; people decide. Four published methods give the evidence:

1. **novelty** (:mod:`.weak_novelty`): recent reports far from every report of earlier periods
   and close to each other; small dense groups are formed among the recent reports, whatever
   their theme (first story detection: Allan et al. 1998; Petrović et al. 2010);
2. **emergence** (:mod:`.weak_emergence`): Keyword Emergence Map and Keyword Issue Map (Yoon
   2012) on lemmas and on themes; a candidate whose keywords grow fast scores high;
3. **popularity** (:mod:`.weak_popularity`): decayed popularity with percentile bands and a
   rising slope (BERTrend, Boutaleb et al. 2024) over themes and groups;
4. **diffusion**: distinct units and municipalities behind a candidate (one unit's repeated
   complaint is less of a signal than the same observation from three units).

Candidates are the themes of the theme model (``theme_id`` ≥ 0) and the novelty groups; both
are scored alike, overlapping candidates are merged into the better one, and the score is a
weighted mean of the four pieces of evidence (0 … 1). Without dates only novelty against the
whole set and diffusion apply; with a single period (or a recent window that covers every
period) the same, and :attr:`WeakSignalDetector.notes_` says so.

The examples are in :class:`WeakSignalDetector`'s docstring, which ``help()`` shows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from numbers import Real
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from socanalysis.errors import ConfigError, InputError
from socanalysis.export.contract import WEAK_SIGNALS_COLUMNS
from socanalysis.themes.weak_periods import check_period

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


__all__ = [
    "CANDIDATE_COLUMNS",
    "DEFAULT_WEIGHTS",
    "EVIDENCE_COLUMNS",
    "WeakSignalDetector",
    "detect_weak_signals",
]

#: Columns of weak_signals.csv (the output contract, socanalysis.export.contract).
CANDIDATE_COLUMNS = WEAK_SIGNALS_COLUMNS
#: ``why`` in Finnish and Swedish (:attr:`WeakSignalDetector.why_`), for the workbook and the
#: meeting report in those languages; weak_signals.csv keeps the English ``why``.
WHY_COLUMNS = ("why_fi", "why_sv")
#: Columns of :attr:`WeakSignalDetector.evidence_`, one row per candidate.
EVIDENCE_COLUMNS = (
    "weak_signal_id",
    "source",
    "theme_id",
    "score",
    "novelty",
    "recent_share",
    "emergence",
    "popularity",
    "popularity_signal",
    "diffusion",
    "n_reports",
    "n_recent",
    "n_units",
    "n_municipalities",
    "first_date",
    "last_date",
    "keywords",
    "emerging_keywords",
)
#: Weight of each method in the combined score (renormalised over the methods that apply).
DEFAULT_WEIGHTS: dict[str, float] = {
    "novelty": 0.4,
    "emergence": 0.25,
    "popularity": 0.2,
    "diffusion": 0.15,
}
# value of each BERTrend class as evidence for a *weak* signal: strong topics are known ones
_POPULARITY_VALUE = {"weak": 1.0, "strong": 0.3, "noise": 0.0}
_KEYWORDS_FOR_EMERGENCE = 8
_LABEL_TERMS = 3
# two candidates sharing this share of the smaller one's reports are one phenomenon
_MERGE_OVERLAP = 0.5
# the "nothing similar before" wording needs at least this relative gap (see weak_novelty)
_GAP_NOTHING, _GAP_LITTLE = 0.5, 0.2
# below this share of reports in the recent window a candidate is described as recurring
_RECURRING_SHARE = 0.5
# fewer themes and groups than this cannot be placed in popularity percentile bands
_MIN_TOPICS_FOR_BANDS = 5


@dataclass
class _Candidate:
    key: str
    source: str  # "theme" or "group"
    members: np.ndarray
    theme_id: int = -1
    eligible: bool = True
    evidence: dict[str, Any] = field(default_factory=dict)
    score: float = 0.0


class WeakSignalDetector:
    """Find candidate weak signals among dated reports with embeddings (scikit-learn style).

    Parameters
    ----------
    period : {"auto", "month", "quarter", "half-year", "year"}
        Period length. ``"auto"``: month for a date span up to 6 months, quarter up to 2 years,
        else half-year (:func:`~socanalysis.themes.weak_periods.choose_period`).
    recent_periods : int
        How many of the latest periods form the recent window in which a weak signal must show.
    max_candidates : int
        At most this many candidates are returned, best first.
    min_reports : int
        Smallest number of recent reports in a novelty group, and of reports in a theme that is
        considered as a candidate.
    min_score : float
        Candidates scoring below this are left out (0 keeps every candidate).
    time_weight : float
        Yoon's ``tw`` for the emergence maps.
    decay_factor, decay_power : float
        BERTrend's popularity decay ``exp(-decay_factor × Δ ** decay_power)``.
    popularity_bands : (float, float)
        BERTrend's lower and upper percentiles (noise / weak / strong).
    slope_periods : int
        Periods over which the popularity slope ("rising") is measured.
    link_quantile : float
        Quantile of all pairwise similarities used as the grouping cut (0.95: a group's reports
        are on average as similar as the closest 5 % of all pairs).
    n_neighbors : int
        Neighbours averaged when comparing a report with earlier or recent reports.
    language_centering : bool
        Remove each language's mean vector first when a ``language`` column is given.
    max_term_share : float
        Terms found in more than this share of the reports are not keywords (applied from 20
        reports on).
    weights : mapping, optional
        Weights of ``novelty``, ``emergence``, ``popularity``, ``diffusion``
        (default :data:`DEFAULT_WEIGHTS`).
    seed : int
        Accepted for uniform settings across the pipeline; every step here is deterministic.

    Attributes
    ----------
    candidates_ : DataFrame
        The contract table (:data:`CANDIDATE_COLUMNS`), best first.
    evidence_ : DataFrame
        Per-candidate evidence (:data:`EVIDENCE_COLUMNS`).
    why_ : DataFrame
        Per candidate its ``why`` in Finnish and Swedish: weak_signal_id, why_fi, why_sv.
    novelty_ : DataFrame
        Per report: report_id, period, recent, earlier_similarity, recent_similarity, novelty,
        weak_signal_id.
    emergence_ : DataFrame
        Keyword Emergence / Issue Map coordinates of lemmas (``kind`` = "term") and of themes
        and groups (``kind`` = "theme" / "group"): term, kind, frequency, growth, quadrant, …
    popularity_ : DataFrame
        BERTrend popularity and class per theme and group at the last period.
    popularity_history_ : DataFrame
        Popularity per topic (rows) and period (columns).
    assignments_ : DataFrame
        report_id, weak_signal_id (every candidate the report is in, best ranked first,
        separated by ``;``; "" when it is in none); one row per row of ``reports``, with its
        index.
    periods_ : DataFrame
        period (label), n_reports, recent.
    period_ : str or None
        The period length used (None without dates).
    methods_ : list of str
        The methods that applied.
    notes_ : list of str
        Plain-language notes on what could not be done and why.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> centres = rng.normal(size=(4, 16))
    >>> topic = np.r_[np.repeat([0, 1, 2], 8), [3, 3, 3, 3]]
    >>> X = centres[topic] + 0.1 * rng.normal(size=(28, 16))
    >>> dates = [f"2024-{m:02d}-10" for m in np.r_[np.tile(np.arange(1, 9), 3), [11, 12, 12, 12]]]
    >>> reports = pd.DataFrame({"report_id": [f"r{i}" for i in range(28)], "date": dates,
    ...     "unit": [f"u{i % 5}" for i in range(28)], "text": ["" for _ in range(28)]})
    >>> lemmas = [[f"word{t}", "common"] for t in topic]
    >>> det = WeakSignalDetector(period="month").fit(reports, X, lemmas=lemmas)
    >>> top = det.candidates_.iloc[0]
    >>> top["weak_signal_id"], top["report_ids"], int(top["n_units"])
    ('WS1', 'r24;r25;r26;r27', 4)
    """

    def __init__(
        self,
        period: str = "auto",
        recent_periods: int = 1,
        max_candidates: int = 10,
        min_reports: int = 3,
        min_score: float = 0.0,
        time_weight: float = 0.05,
        decay_factor: float = 0.01,
        decay_power: float = 2.0,
        popularity_bands: tuple[float, float] = (10.0, 50.0),
        slope_periods: int = 3,
        link_quantile: float = 0.95,
        n_neighbors: int = 2,
        language_centering: bool = True,
        max_term_share: float = 0.25,
        weights: Mapping[str, float] | None = None,
        seed: int = 42,
    ) -> None:
        self.period = period
        self.recent_periods = recent_periods
        self.max_candidates = max_candidates
        self.min_reports = min_reports
        self.min_score = min_score
        self.time_weight = time_weight
        self.decay_factor = decay_factor
        self.decay_power = decay_power
        self.popularity_bands = popularity_bands
        self.slope_periods = slope_periods
        self.link_quantile = link_quantile
        self.n_neighbors = n_neighbors
        self.language_centering = language_centering
        self.max_term_share = max_term_share
        self.weights = weights
        self.seed = seed

    # ------------------------------------------------------------------ sklearn plumbing
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Parameters of this detector (scikit-learn convention)."""
        import inspect

        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {name: getattr(self, name) for name in names}

    def set_params(self, **params: Any) -> WeakSignalDetector:
        """Set parameters (scikit-learn convention); an unknown name raises ConfigError and
        changes nothing."""
        from socanalysis.params import set_known_params

        set_known_params(self, params)
        return self

    def __repr__(self) -> str:
        from socanalysis.params import estimator_repr

        return estimator_repr(self)

    def _weights(self) -> dict[str, float]:
        weights = dict(DEFAULT_WEIGHTS)
        if self.weights is not None:
            unknown = set(self.weights) - set(DEFAULT_WEIGHTS)
            if unknown:
                raise ConfigError(
                    f"weights: unknown method(s) {sorted(unknown)}; use {sorted(DEFAULT_WEIGHTS)}."
                )
            weights.update({k: float(v) for k, v in self.weights.items()})
        if any(v < 0 for v in weights.values()) or sum(weights.values()) <= 0:
            raise ConfigError(f"weights={weights} must be non-negative with a positive sum.")
        return weights

    def _validate_params(self) -> None:
        check_period(self.period)
        for name in ("recent_periods", "max_candidates", "min_reports", "slope_periods"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name}={value!r} must be a whole number >= 1.")
        from socanalysis.params import check_flag, check_number, check_seed

        value = self.n_neighbors
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"n_neighbors={value!r} must be a whole number >= 1.")
        check_number(self.min_score, "min_score", low=0, high=1)
        check_number(self.link_quantile, "link_quantile", above=0, below=1)
        check_number(self.max_term_share, "max_term_share", above=0, high=1)
        bands = self.popularity_bands
        if (
            not isinstance(bands, (tuple, list))
            or len(bands) != 2
            or not all(isinstance(b, Real) and not isinstance(b, bool) for b in bands)
            or not 0 <= bands[0] <= bands[1] <= 100
        ):
            raise ConfigError(
                f"popularity_bands={bands!r} must be two percentiles, low <= high, e.g. (10, 50)."
            )
        check_flag(self.language_centering, "language_centering")
        check_seed(self.seed)
        self._weights()

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        reports: pd.DataFrame,
        embeddings: np.ndarray,
        lemmas: Sequence[Sequence[str]] | None = None,
        theme_keywords: pd.DataFrame | None = None,
    ) -> WeakSignalDetector:
        """Find and rank candidate weak signals.

        Parameters
        ----------
        reports : DataFrame
            One row per report to analyse: ``report_id`` (required), ``text`` (masked text;
            needed when ``lemmas`` is not given), and optionally ``date``, ``unit``,
            ``municipality``, ``language`` and ``theme_id`` (-1 for outliers).
        embeddings : ndarray, shape (n_reports, dim)
            One vector per row of ``reports``, in the same order.
        lemmas : list of list of str, optional
            Lemmas per report (for the emergence maps and keywords). Default: a simplemma
            fallback on ``text``.
        theme_keywords : DataFrame, optional
            theme_id, keywords_fi, keywords_sv (``;``-separated) from the theme model; used for
            the labels of theme candidates.

        Returns
        -------
        self
        """
        self._validate_params()
        frame, X = _prepare(reports, embeddings)
        lemma_lists = _prepare_lemmas(frame, lemmas)
        self._fit(frame, X, lemma_lists, theme_keywords)
        # row for row with the caller's table, so that assigning a column back lines up
        self.assignments_.index = reports.index
        return self

    def fit_transform(
        self,
        reports: pd.DataFrame,
        embeddings: np.ndarray,
        lemmas: Sequence[Sequence[str]] | None = None,
        theme_keywords: pd.DataFrame | None = None,
    ) -> pd.DataFrame:
        """Fit and return :attr:`assignments_` (report_id → weak_signal_id)."""
        return self.fit(reports, embeddings, lemmas, theme_keywords).assignments_

    def _fit(
        self,
        frame: pd.DataFrame,
        X: np.ndarray,
        lemmas: list[list[str]],
        theme_keywords: pd.DataFrame | None,
    ) -> None:
        from socanalysis.themes.weak_novelty import (
            centre_by_language,
            link_similarity,
            neighbour_means,
            normalise_rows,
            relative_gap,
            top_k_mean,
        )

        n = len(frame)
        self.notes_: list[str] = []
        self.methods_: list[str] = []
        if "language" in frame and self.language_centering and n:
            Z = centre_by_language(X, frame["language"].tolist())
        else:
            Z = normalise_rows(X)
            if self.language_centering and n:
                self.notes_.append(
                    "No language column: vectors are not centred per language, so Finnish and "
                    "Swedish reports on one phenomenon may form separate candidates."
                )
        self._resolve_time(frame)
        recent, reference = self._recent, self._reference
        k = int(self.n_neighbors)

        # terms: drop the ubiquitous ones (they describe the whole set, not a candidate)
        doc_freq = Counter(t for words in lemmas for t in set(words))
        if n >= 20:
            limit = self.max_term_share * n
            common = {t for t, c in doc_freq.items() if c > limit}
            lemmas = [[t for t in words if t not in common] for words in lemmas]
            doc_freq = Counter({t: c for t, c in doc_freq.items() if t not in common})
        self._lemmas, self._doc_freq = lemmas, doc_freq

        link = link_similarity(Z, float(self.link_quantile), k) if n >= 2 else 1.0
        self.link_similarity_ = link
        topics = self._topics(frame, Z, link)
        # every theme shapes the popularity bands and the theme emergence map; only themes with
        # enough reports, one of them recent, are candidates (as are all novelty groups)
        candidates = [t for t in topics if t.eligible]
        self.methods_ = ["novelty", "diffusion"]
        if self.time_mode_:
            self.methods_[1:1] = ["emergence", "popularity"]
            if len(topics) < _MIN_TOPICS_FOR_BANDS:
                # BERTrend's bands rank a topic among the others; a handful cannot be ranked
                self.methods_.remove("popularity")
                self.notes_.append(
                    f"Only {len(topics)} themes and groups: too few for popularity percentile "
                    "bands (BERTrend), so popularity is not used; pass theme_id to add themes."
                )
        # the neighbour searches, each O(recent x reference x d): the cost of this stage at
        # scale. One pass gives each recent report's nearest earlier reports overall (its
        # novelty), outside its own theme (its theme's novelty) and outside its novelty group
        # (the group's novelty), instead of a second pass theme by theme and group by group
        # inside _score
        earlier = np.full(n, np.nan)
        close = np.full(n, np.nan)
        theme_earlier = group_earlier = None
        rows = np.flatnonzero(recent)
        if len(rows):
            themes = frame["theme_id"].to_numpy() if "theme_id" in frame else np.full(n, -1)
            group_sets = [c.members for c in candidates if c.source == "group"]
            in_sets = np.concatenate([m[recent[m]] for m in group_sets]) if group_sets else []
            if len(np.unique(in_sets)) < len(in_sets):  # groups share no recent report, but if
                group_sets = []  # they ever did, each group searches on its own
            found, other, in_group = neighbour_means(
                Z, rows, np.flatnonzero(reference), k, themes, group_sets
            )
            theme_earlier = np.full(n, np.nan)
            theme_earlier[rows] = other
            if group_sets:
                group_earlier = np.full(n, np.nan)
                group_earlier[rows] = in_group
            if self.time_mode_:
                earlier[rows] = found
                close[rows] = top_k_mean(Z, rows, rows, k)
            else:  # no earlier periods: everything is the reference, as for the groups
                close[rows] = found

        self._score(frame, Z, topics, candidates, theme_earlier, group_earlier)
        kept = self._rank_and_merge(frame, candidates)
        self._outputs(frame, kept, theme_keywords)

        # per-report novelty table
        import pandas as pd

        novelty = np.zeros(n)
        if self.time_mode_ and n:
            if len(rows):
                novelty[rows] = relative_gap(close[rows], earlier[rows])
        else:
            for cand in kept:
                novelty[cand.members] = np.maximum(novelty[cand.members], cand.evidence["novelty"])
        self.novelty_ = pd.DataFrame(
            {
                "report_id": frame["report_id"].to_numpy(),
                "period": [self._labels[p] if p >= 0 else "" for p in self._pidx],
                "recent": recent,
                "earlier_similarity": np.round(earlier, 6),
                "recent_similarity": np.round(close, 6),
                "novelty": np.round(novelty, 6),
                "weak_signal_id": self.assignments_["weak_signal_id"].to_numpy(),
            }
        )

    def _resolve_time(self, frame: pd.DataFrame) -> None:
        import pandas as pd

        from socanalysis.themes.weak_periods import assign_periods, choose_period

        n = len(frame)
        dates = frame["date"] if "date" in frame else pd.Series([pd.NaT] * n, dtype="M8[ns]")
        has_dates = bool(dates.notna().any())
        self.period_: str | None = None
        self._labels: list[str] = []
        self._pidx = np.full(n, -1, dtype=np.int64)
        self.time_mode_ = False
        self._mode = "dated" if has_dates else "no dates"
        if has_dates:
            self.period_ = choose_period(dates) if self.period == "auto" else self.period
            self._pidx, self._labels = assign_periods(dates, self.period_)
            n_missing = int(dates.isna().sum())
            if n_missing:
                self.notes_.append(
                    f"{n_missing} report(s) without a date are left out of the time-based methods."
                )
        n_periods = len(self._labels)
        first_recent = max(n_periods - int(self.recent_periods), 0)
        if has_dates and first_recent > 0:
            self.time_mode_ = True
            self._recent = self._pidx >= first_recent
            self._reference = (self._pidx >= 0) & ~self._recent
            self.recent_window_ = self._labels[first_recent:]
        else:
            self._recent = np.ones(n, dtype=bool)
            self._reference = np.ones(n, dtype=bool)
            self.recent_window_ = list(self._labels)
            if has_dates:
                self._mode = "one period only"
            if not n:
                self.notes_.append("No reports: nothing to look for.")
            elif not has_dates:
                self.notes_.append(
                    "No dates: novelty is measured against the whole set, and only novelty and "
                    "diffusion apply (no emergence map, no popularity over time)."
                )
            else:
                self.notes_.append(
                    f"The dates cover {n_periods} {self.period_} period(s) and the recent window "
                    f"is {self.recent_periods} period(s): nothing earlier to compare with, so "
                    "novelty is measured against the whole set and only novelty and diffusion "
                    "apply."
                )
        import pandas as pd

        counts = np.bincount(self._pidx[self._pidx >= 0], minlength=n_periods)
        self.periods_ = pd.DataFrame(
            {
                "period": self._labels,
                "n_reports": counts[:n_periods].astype(np.int64),
                "recent": [i >= first_recent for i in range(n_periods)]
                if self.time_mode_
                else [True] * n_periods,
            }
        )

    # ------------------------------------------------------------------ candidates
    def _topics(self, frame: pd.DataFrame, Z: np.ndarray, link: float) -> list[_Candidate]:
        from socanalysis.themes.weak_novelty import novelty_groups

        out: list[_Candidate] = []
        min_size = int(self.min_reports)
        if "theme_id" in frame:
            themes = frame["theme_id"].to_numpy()
            for theme in sorted(int(t) for t in np.unique(themes) if t >= 0):
                members = np.flatnonzero(themes == theme)
                eligible = len(members) >= min_size and bool(self._recent[members].any())
                out.append(_Candidate(f"T{theme}", "theme", members, theme, eligible=eligible))
        if self.time_mode_:
            groups = novelty_groups(Z, self._recent, link, min_size, self._reference)
        else:
            groups = novelty_groups(Z, self._recent, link, min_size, np.zeros(len(Z), bool))
        for number, members in enumerate(groups, start=1):
            out.append(_Candidate(f"G{number}", "group", members))
        return out

    # ------------------------------------------------------------------ evidence
    def _score(
        self,
        frame: pd.DataFrame,
        Z: np.ndarray,
        topics: list[_Candidate],
        candidates: list[_Candidate],
        theme_earlier: np.ndarray | None = None,
        group_earlier: np.ndarray | None = None,
    ) -> None:
        import pandas as pd

        from socanalysis.themes.weak_emergence import emergence_map, term_period_counts
        from socanalysis.themes.weak_novelty import group_novelty
        from socanalysis.themes.weak_popularity import classify_popularity, decayed_popularity

        weights = self._weights()
        k = int(self.n_neighbors)
        n_periods = len(self._labels)
        maps = []
        term_growth_pct: dict[str, float] = {}
        term_quadrant: dict[str, str] = {}
        topic_growth_pct: dict[str, float] = {}
        signals: dict[str, str] = {}
        self.popularity_ = pd.DataFrame()
        self.popularity_history_ = pd.DataFrame()
        if self.time_mode_:
            n_docs = np.bincount(self._pidx[self._pidx >= 0], minlength=n_periods)
            terms, tf, df = term_period_counts(self._lemmas, self._pidx, n_periods, min_reports=2)
            term_map = emergence_map(terms, tf, df, n_docs, float(self.time_weight), "term")
            maps.append(term_map)
            if len(term_map):
                pct = term_map["growth"].rank(pct=True, method="average").to_numpy()
                term_growth_pct = dict(zip(term_map["term"], pct, strict=True))
                term_quadrant = dict(zip(term_map["term"], term_map["quadrant"], strict=True))
            if topics:
                counts = np.zeros((len(topics), n_periods))
                for row, cand in enumerate(topics):
                    periods = self._pidx[cand.members]
                    periods = periods[periods >= 0]
                    counts[row] = np.bincount(periods, minlength=n_periods)[:n_periods]
                keys = [c.key for c in topics]
                topic_map = emergence_map(keys, counts, counts, n_docs, float(self.time_weight))
                topic_map["kind"] = [c.source for c in topics]
                maps.append(topic_map)
                pct = topic_map["growth"].rank(pct=True, method="average").to_numpy()
                topic_growth_pct = dict(zip(keys, pct, strict=True))
                pop = decayed_popularity(counts, self.decay_factor, self.decay_power)
                self.popularity_history_ = pd.DataFrame(
                    np.round(pop, 6), index=pd.Index(keys, name="topic"), columns=self._labels
                )
            if topics and "popularity" in self.methods_:
                table = classify_popularity(
                    keys, pop, int(self.slope_periods), tuple(self.popularity_bands)
                )
                table.insert(1, "theme_id", [c.theme_id for c in topics])
                self.popularity_ = table
                signals = dict(zip(table["topic"], table["signal"], strict=True))
        self.emergence_ = _emergence_table(maps)
        self._term_quadrant = term_quadrant

        for cand in candidates:
            members = cand.members
            # found with the per-report searches in _fit (earlier reports outside the theme or
            # the group)
            known = {"theme": theme_earlier, "group": group_earlier}.get(cand.source)
            if known is not None:
                known = known[members[self._recent[members]]]
            novelty, share, gap = group_novelty(
                Z, members, self._recent, k, self._reference, earlier=known
            )
            units = _distinct(frame, "unit", members)
            municipalities = _distinct(frame, "municipality", members)
            diffusion = 0.5 * (1 - 1 / max(units, 1)) + 0.5 * (1 - 1 / max(municipalities, 1))
            keywords = _top_terms(self._lemmas, members, self._doc_freq)
            evidence: dict[str, Any] = {
                "novelty": novelty,
                "recent_share": share,
                "gap": gap,
                "diffusion": diffusion,
                "n_units": units,
                "n_municipalities": municipalities,
                "keywords": keywords,
                "n_recent": int(self._recent[members].sum()) if self.time_mode_ else len(members),
            }
            parts = {"novelty": novelty, "diffusion": diffusion}
            if self.time_mode_:
                present = [t for t in keywords if t in term_growth_pct]
                term_part = float(np.mean([term_growth_pct[t] for t in present])) if present else 0
                emergence = 0.5 * term_part + 0.5 * topic_growth_pct.get(cand.key, 0.0)
                evidence.update(
                    emergence=emergence,
                    emerging=[t for t in present if term_quadrant.get(t) in ("weak", "strong")],
                )
                parts["emergence"] = emergence
                if "popularity" in self.methods_:
                    signal = signals.get(cand.key, "noise")
                    evidence.update(popularity=_POPULARITY_VALUE[signal], popularity_signal=signal)
                    parts["popularity"] = _POPULARITY_VALUE[signal]
            used = {m: weights[m] for m in parts}
            total = sum(used.values())
            cand.score = float(sum(used[m] * parts[m] for m in parts) / total) if total else 0.0
            cand.evidence = evidence

    def _rank_and_merge(
        self, frame: pd.DataFrame, candidates: list[_Candidate]
    ) -> list[_Candidate]:
        ids = frame["report_id"].to_numpy()

        def order(c: _Candidate) -> tuple[Any, ...]:
            # ties: more units, more reports, then the smallest report id: deterministic
            first_id = min(str(ids[i]) for i in c.members)
            # a theme before a group with the same reports: it carries the theme model's label
            source = 0 if c.source == "theme" else 1
            return (
                -round(c.score, 9),
                -c.evidence["n_units"],
                -len(c.members),
                first_id,
                source,
                c.key,
            )

        kept: list[_Candidate] = []
        for cand in sorted(candidates, key=order):
            members = set(cand.members.tolist())
            duplicate = any(
                len(members & set(k.members.tolist()))
                >= _MERGE_OVERLAP * min(len(members), len(k.members))
                for k in kept
            )
            if duplicate or cand.score < float(self.min_score):
                continue
            kept.append(cand)
            if len(kept) == int(self.max_candidates):
                break
        return kept

    def plot_emergence_map(
        self,
        kind: str | tuple[str, ...] = "term",
        which: str = "kem",
        n_labels: int = 12,
        *,
        language: str = "fi",
        ax: Axes | None = None,
    ) -> Figure:
        """Emergence map of the fitted data, titles and axes in ``language`` (fi, sv or en), into
        ``ax`` when given (see :func:`.weak_plots.plot_emergence_map`)."""
        from socanalysis.themes.weak_plots import plot_emergence_map

        if not hasattr(self, "emergence_"):
            raise InputError("This WeakSignalDetector is not fitted yet: call fit() first.")
        return plot_emergence_map(
            self.emergence_, kind=kind, which=which, n_labels=n_labels, language=language, ax=ax
        )

    # ------------------------------------------------------------------ outputs
    def _outputs(
        self, frame: pd.DataFrame, kept: list[_Candidate], theme_keywords: pd.DataFrame | None
    ) -> None:
        import pandas as pd

        ids = frame["report_id"].to_numpy()
        languages = (
            frame["language"].astype(str).tolist() if "language" in frame else [""] * len(frame)
        )
        theme_labels = _theme_labels(theme_keywords)
        dates = frame.get("date", None)
        rows, evidence_rows, why_rows = [], [], []
        # every signal a report is in, best ranked first: a reviewer who filters the reports
        # by one signal must find all of its reports
        assigned: list[list[str]] = [[] for _ in range(len(frame))]
        for rank, cand in enumerate(kept, start=1):
            ws_id = f"WS{rank}"
            members = _date_order(cand.members, dates, ids)
            for member in members:
                assigned[member].append(ws_id)
            label_fi, label_sv = self._labels_for(cand, languages, theme_labels)
            ev = cand.evidence
            first, last = _date_range(dates, cand.members)
            rows.append(
                (
                    ws_id,
                    label_fi,
                    label_sv,
                    ";".join(str(ids[i]) for i in members),
                    len(members),
                    ev["n_units"],
                    round(cand.score, 3),
                    self._why(cand, first),
                )
            )
            # the same in the languages of the workbook and the meeting report
            why_rows.append((ws_id, self._why(cand, first, "fi"), self._why(cand, first, "sv")))
            evidence_rows.append(
                (
                    ws_id,
                    cand.source,
                    cand.theme_id,
                    round(cand.score, 6),
                    round(ev["novelty"], 6),
                    round(ev["recent_share"], 6),
                    round(ev["emergence"], 6) if "emergence" in ev else np.nan,
                    ev.get("popularity", np.nan),
                    ev.get("popularity_signal", ""),
                    round(ev["diffusion"], 6),
                    len(members),
                    ev["n_recent"],
                    ev["n_units"],
                    ev["n_municipalities"],
                    first,
                    last,
                    "; ".join(ev["keywords"]),
                    "; ".join(ev.get("emerging", [])),
                )
            )
        self.why_ = pd.DataFrame(why_rows, columns=["weak_signal_id", *WHY_COLUMNS])
        self.candidates_ = pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS)).astype(
            {"n_reports": "int64", "n_units": "int64", "score": "float64"}
        )
        self.evidence_ = pd.DataFrame(evidence_rows, columns=list(EVIDENCE_COLUMNS))
        self.assignments_ = pd.DataFrame(
            {"report_id": ids, "weak_signal_id": [";".join(a) for a in assigned]}
        )
        self._kept = kept

    def _labels_for(
        self,
        cand: _Candidate,
        languages: list[str],
        theme_labels: dict[int, tuple[str, str]],
    ) -> tuple[str, str]:
        from socanalysis.themes.keywords import settings
        from socanalysis.themes.weak_terms import keywords_by_language

        if cand.source == "theme" and cand.theme_id in theme_labels:
            label_fi, label_sv = theme_labels[cand.theme_id]
        else:
            words = keywords_by_language(
                self._lemmas, cand.members.tolist(), languages, _LABEL_TERMS, self._doc_freq
            )
            cand.evidence["label_terms"] = words
            label_fi, label_sv = ", ".join(words["fi"]), ", ".join(words["sv"])
            # a language none of the reports is in borrows the group's words: say so
            written = {str(languages[i]) for i in cand.members}
            if written & {"fi", "sv", "mixed"}:  # else no language to mark (other, unknown)
                label_fi = label_fi if written & {"fi", "mixed"} else ""
                label_sv = label_sv if written & {"sv", "mixed"} else ""
        # a signal seen in one language only is named in it in both columns, marked as the
        # themes' labels are ("(sv) konto, bedrägeri"), so that no workbook row is blank
        prefix = settings()["borrowed_label_prefix"]
        if not label_fi and label_sv:
            label_fi = prefix.format(lang="sv") + label_sv
        elif not label_sv and label_fi:
            label_sv = prefix.format(lang="fi") + label_fi
        return label_fi, label_sv

    def _why(self, cand: _Candidate, first: str, lang: str = "en") -> str:
        """Why a candidate is one, in words of ``lang`` (en: weak_signals.csv; fi, sv: the
        workbook and the meeting report, with their readers' dates); phrases in
        ``data/weak_why.yaml``."""
        from socanalysis.reader_formats import format_date
        from socanalysis.themes.weak_periods import period_start

        say = _why_phrases(lang)
        ev = cand.evidence
        n = len(cand.members)
        parts = []
        who = _counted(say["reports"], n)
        if ev["n_units"]:
            who += _counted(say["units"], ev["n_units"])
            if ev["n_municipalities"] > 1:
                who += say["municipalities"].format(n=ev["n_municipalities"])
        parts.append(who)
        if self.time_mode_:
            window = (
                self.recent_window_[0]
                if len(self.recent_window_) == 1
                else (f"{self.recent_window_[0]}…{self.recent_window_[-1]}")
            )
            n_recent = ev["n_recent"]
            recent = say["recent_all"] if n_recent == n else say["recent_some"]
            shown = format_date(first, lang)
            parts.append(recent.format(k=n_recent, window=window, first=shown))
            first_period = min(int(p) for p in self._pidx[cand.members] if p >= 0)
            since = period_start(self._labels[first_period])
            if ev["recent_share"] < _RECURRING_SHARE:
                parts.append(say["recurring"].format(k=n - n_recent, since=since))
            elif ev["gap"] >= _GAP_NOTHING:
                parts.append(say["nothing_before"].format(since=since))
            elif ev["gap"] >= _GAP_LITTLE:
                parts.append(say["little_before"].format(since=since))
            else:
                parts.append(say["similar_earlier"])
        else:
            if ev["gap"] >= _GAP_NOTHING:
                parts.append(say["tight"])
            elif ev["gap"] >= _GAP_LITTLE:
                parts.append(say["apart"])
            else:
                parts.append(say["close"])
        words = ev.get("label_terms")
        if words:
            both = f"{', '.join(words['fi'])} / {', '.join(words['sv'])}"
            parts.append(say["keywords"].format(words=both))
        elif ev["keywords"]:
            parts.append(say["keywords"].format(words=", ".join(ev["keywords"][:_LABEL_TERMS])))
        if self.time_mode_:
            if ev.get("emerging"):
                parts.append(say["emerging"].format(words=", ".join(ev["emerging"][:4])))
            parts.append(say[f"popularity_{ev.get('popularity_signal', '')}"])
        else:
            parts.append(say["undated"].format(mode=say[f"mode_{self._mode}"]))
        if cand.source == "theme":
            parts.append(say["theme"].format(id=cand.theme_id))
        return "; ".join(parts)


def _why_phrases(lang: str) -> dict[str, Any]:
    """The phrases of :meth:`WeakSignalDetector._why` in ``lang`` (en, fi or sv)."""
    return _why_file()[lang]


@lru_cache(maxsize=1)
def _why_file() -> dict[str, Any]:
    """``data/weak_why.yaml``, read once for all languages."""
    from socanalysis._yaml import safe_load_yaml

    text = (Path(__file__).parent / "data" / "weak_why.yaml").read_text(encoding="utf-8")
    return safe_load_yaml(text)


def _counted(phrase: dict[str, str], n: int) -> str:
    """The one- or many-form of a counted phrase, with its count."""
    return phrase["one" if n == 1 else "many"].format(n=n)


def detect_weak_signals(
    reports: pd.DataFrame,
    embeddings: np.ndarray,
    lemmas: Sequence[Sequence[str]] | None = None,
    theme_keywords: pd.DataFrame | None = None,
    **params: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit a :class:`WeakSignalDetector` and return (candidates, assignments).

    ``candidates`` has the columns of weak_signals.csv; ``assignments`` maps every report_id to
    its weak_signal_id ("" for none), for reports.csv. ``params`` go to the detector.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> reports = pd.DataFrame({"report_id": ["a", "b"], "text": ["vuokra", "velka"]})
    >>> candidates, assignments = detect_weak_signals(reports, np.eye(2))
    >>> len(candidates), assignments["weak_signal_id"].tolist()
    (0, ['', ''])
    """
    detector = WeakSignalDetector(**params).fit(reports, embeddings, lemmas, theme_keywords)
    return detector.candidates_, detector.assignments_


# ---------------------------------------------------------------------- helpers
def _prepare(reports: Any, embeddings: Any) -> tuple[pd.DataFrame, np.ndarray]:
    import pandas as pd

    if not isinstance(reports, pd.DataFrame):
        raise InputError(
            f"reports must be a pandas DataFrame with a report_id column, got {type(reports)}."
        )
    if "report_id" not in reports.columns:
        raise InputError(
            "reports has no report_id column: pass the table from socanalysis.read_reports "
            "or add a report_id column."
        )
    frame = reports.reset_index(drop=True).copy()
    frame["report_id"] = frame["report_id"].astype(str)
    if frame["report_id"].duplicated().any():
        dup = frame.loc[frame["report_id"].duplicated(), "report_id"].iloc[0]
        raise InputError(f"report_id {dup!r} occurs more than once: report ids must be unique.")
    try:
        X = np.asarray(embeddings, dtype=np.float64) if embeddings is not None else None
    except (TypeError, ValueError):
        raise InputError("embeddings must be numbers: one row of floats per report") from None
    if X is None or X.ndim != 2:
        if X is not None and X.size == 0 and len(frame) == 0:
            X = np.zeros((0, 1))
        else:
            shape = None if X is None else X.shape
            raise InputError(
                f"embeddings must be a 2-D array (reports × dimensions), got shape {shape}."
            )
    if len(X) != len(frame):
        raise InputError(
            f"embeddings have {len(X)} rows but reports has {len(frame)}: pass one vector per "
            "report, in the same order."
        )
    if not np.isfinite(X).all():
        raise InputError("embeddings contain NaN or infinite values: recompute them.")
    if "date" in frame:
        from socanalysis.intake.dates import as_datetimes

        frame["date"] = as_datetimes(frame["date"])
    if "theme_id" in frame:
        frame["theme_id"] = (
            pd.to_numeric(frame["theme_id"], errors="coerce").fillna(-1).astype(np.int64)
        )
    for column in ("unit", "municipality"):
        if column in frame:
            frame[column] = frame[column].fillna("").astype(str).str.strip()
    if "language" in frame:
        from socanalysis.nlp.language_codes import report_languages

        frame["language"] = report_languages(frame["language"], ids=frame["report_id"].tolist())
    return frame, X


def _prepare_lemmas(frame: pd.DataFrame, lemmas: Any) -> list[list[str]]:
    from socanalysis.themes.weak_terms import fallback_lemmas

    if lemmas is None:
        if "text" not in frame:
            raise InputError("reports has no text column and no lemmas were given: pass either.")
        languages = frame["language"].tolist() if "language" in frame else None
        return fallback_lemmas(frame["text"].fillna("").astype(str).tolist(), languages)
    lemma_lists = [list(map(str, words)) for words in lemmas]
    if len(lemma_lists) != len(frame):
        raise InputError(
            f"lemmas has {len(lemma_lists)} lists but reports has {len(frame)} rows: pass one "
            "list of lemmas per report, in the same order."
        )
    return lemma_lists


def _distinct(frame: pd.DataFrame, column: str, members: np.ndarray) -> int:
    if column not in frame:
        return 0
    values = frame[column].to_numpy()[members]
    return len({v for v in values if v})


def _top_terms(lemmas: list[list[str]], members: np.ndarray, doc_freq: Counter[str]) -> list[str]:
    from socanalysis.themes.weak_terms import distinctive_terms

    return distinctive_terms(lemmas, members.tolist(), _KEYWORDS_FOR_EMERGENCE, doc_freq)


def _emergence_table(maps: list[pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    from socanalysis.themes.weak_emergence import EMERGENCE_COLUMNS

    maps = [m for m in maps if len(m)]
    if not maps:
        return pd.DataFrame({c: [] for c in EMERGENCE_COLUMNS})
    table = pd.concat(maps, ignore_index=True)
    table["frequency"] = table["frequency"].round(6)
    table["growth"] = table["growth"].round(6)
    table["doc_frequency"] = table["doc_frequency"].round(6)
    table["doc_growth"] = table["doc_growth"].round(6)
    return table.sort_values(
        ["kind", "growth", "frequency", "term"], ascending=[False, False, True, True]
    ).reset_index(drop=True)


def _theme_labels(theme_keywords: pd.DataFrame | None) -> dict[int, tuple[str, str]]:
    if theme_keywords is None or len(theme_keywords) == 0:
        return {}
    needed = {"theme_id", "keywords_fi", "keywords_sv"}
    missing = needed - set(theme_keywords.columns)
    if missing:
        raise InputError(f"theme_keywords lacks column(s) {sorted(missing)}.")
    labels = {}
    for row in theme_keywords.itertuples(index=False):

        def top(value: Any) -> str:
            words = [w.strip() for w in str(value or "").split(";") if w.strip()]
            return ", ".join(words[:_LABEL_TERMS])

        labels[int(row.theme_id)] = (top(row.keywords_fi), top(row.keywords_sv))
    return labels


def _date_order(members: np.ndarray, dates: pd.Series | None, ids: np.ndarray) -> np.ndarray:
    members = np.asarray(members, dtype=np.int64)
    if dates is None:
        return members[np.argsort([str(ids[i]) for i in members], kind="stable")]
    keys = [
        (0 if dates.iloc[i] == dates.iloc[i] else 1, str(dates.iloc[i]), str(ids[i]))
        for i in members
    ]
    return members[sorted(range(len(members)), key=keys.__getitem__)]


def _date_range(dates: pd.Series | None, members: np.ndarray) -> tuple[str, str]:
    if dates is None:
        return "", ""
    valid = dates.iloc[members].dropna()
    if valid.empty:
        return "", ""
    return valid.min().strftime("%Y-%m-%d"), valid.max().strftime("%Y-%m-%d")
