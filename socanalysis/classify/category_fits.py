"""The per-category logistic regressions of the supervised :class:`CategorySuggester`.

Each category gets one model on all labelled reports and, for Platt calibration, up to five
fold models warm-started from it (their decision values on the held-out fold are the
out-of-fold scores), fitted with :func:`socanalysis.classify.logistic.fit_logistic`
(scikit-learn's class-balanced objective, the dense and sparse features kept apart, solved to
its optimum by trust-region Newton-CG). The categories are independent, so
:func:`fit_category_models` can fit them in worker processes: a thread pool gains nothing
here, because the solvers spend much of their time in Python between small BLAS calls and so
hold the GIL (measured with L-BFGS-B, docs/performance.md).

Every fit runs with one BLAS thread, in the calling process or in a worker, so the fitted
numbers are the same bit for bit whatever ``n_jobs`` is (tests/test_category_fits.py).

The worker processes run at a lower scheduling priority than the caller (niceness
:data:`WORKER_NICENESS`, where the system has one): they start, and fit, while the caller goes
on with other work (the pipeline's earlier stages and its theme stage), and on a machine with
as many busy processes as cores they should not slow that work down, which is what the caller
waits for. On idle cores they run at full speed. They are a loky pool of their own settings, so
joblib work a user runs later in the same process does not inherit the priority.

:func:`submit_category_models` starts the same fits and returns at once when they run in
worker processes, so that the caller can do other work (the pipeline's theme stage) while the
workers fit; the result is the same as :func:`fit_category_models`'.

Examples
--------
>>> import numpy as np
>>> from scipy import sparse
>>> rng = np.random.default_rng(0)
>>> F = sparse.csr_matrix(rng.normal(size=(40, 5)))
>>> Y = np.column_stack([F[:, 0].toarray().ravel() > 0, F[:, 1].toarray().ravel() > 0])
>>> fits = fit_category_models(F, None, Y, C=1.0, seed=0)
>>> [f.coef.shape for f in fits], [f.oof is not None for f in fits]
([(5,), (5,)], [True, True])
>>> bool(fits[0].coef[0] > abs(fits[0].coef[1:]).max())  # category 0 follows column 0
True
"""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass
from typing import Any

import numpy as np

from socanalysis.background import BACKGROUND_NICENESS, lower_priority

__all__ = [
    "CategoryFit",
    "FIT_TOLERANCE",
    "PARALLEL_MIN_CELLS",
    "WORKER_NICENESS",
    "category_folds",
    "fit_category_models",
    "resolve_n_jobs",
    "start_workers",
    "stop_submitted_fits",
    "submit_category_models",
    "use_workers",
]

#: Gradient-norm tolerance of every per-category fit, solved by trust-region Newton-CG
#: (``fit_logistic(solver="newton")``). Tight enough that a fit lands at the optimum its data
#: define: L-BFGS-B at scikit-learn's tolerance 3e-4 (used before) or 1e-4 stopped early at a
#: point that moved with the last bits of the input, so changing the words of four sample
#: reports changed the suggestions of 53 others (docs/categories.md, "Fit tolerance").
FIT_TOLERANCE = 1e-6

#: Fewest labelled reports × categories worth worker processes: below it starting them (about
#: 0.7 s of CPU each, for Python, NumPy and SciPy) costs more than the fits they would share.
PARALLEL_MIN_CELLS = 4_000

#: Niceness of the worker processes (Unix): socanalysis's background niceness
#: (:mod:`socanalysis.background`, where the measurement behind it is).
WORKER_NICENESS = BACKGROUND_NICENESS


# the background start of the worker processes (start_workers), joined before they are used
_starting: dict[str, threading.Thread] = {}
_start_lock = threading.Lock()

# held by the thread that hands submitted fits to the workers while it waits for them, so that
# submitted fits run one at a time on one pool (another size of pool would restart it)
_fits_lock = threading.Lock()
# submitted fits not yet finished, and whether one of them is with the workers now
_submitted: dict[str, Any] = {"pending": set(), "in_workers": False}
_submitted_lock = threading.Lock()


@dataclass(frozen=True)
class CategoryFit:
    """One category's full model and out-of-fold decision values.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        Weights of the model on all labelled reports (with the own-prior column last when one
        was given).
    intercept : float
    oof : ndarray of shape (n_labelled,) or None
        Decision values of each labelled report from the fold model that did not see it; None
        when the category has too few examples (or non-examples) for two folds.
    """

    coef: np.ndarray
    intercept: float
    oof: np.ndarray | None


def resolve_n_jobs(n_jobs: int | None) -> int:
    """Worker count as scikit-learn reads ``n_jobs``: None is 1, -1 all cores, -2 all but one.

    Examples
    --------
    >>> resolve_n_jobs(None), resolve_n_jobs(3)
    (1, 3)
    >>> resolve_n_jobs(-1) == (os.cpu_count() or 1)
    True
    """
    if n_jobs is None:
        return 1
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + n_jobs)
    return max(1, n_jobs)


def use_workers(n_labelled: int, n_categories: int, n_jobs: int | None) -> int:
    """How many worker processes :func:`fit_category_models` uses (1: none).

    Examples
    --------
    >>> use_workers(1000, 10, 2), use_workers(100, 10, 2), use_workers(1000, 10, None)
    (2, 1, 1)
    """
    workers = min(resolve_n_jobs(n_jobs), n_categories)
    return workers if n_labelled * n_categories >= PARALLEL_MIN_CELLS else 1


def start_workers(n_jobs: int | None) -> bool:
    """Start the worker processes in the background, so they are ready when the fits come.

    A worker needs about 0.7 s of CPU to start and import SciPy; the pipeline calls this
    before its earlier stages, which leave the other cores mostly idle, when the labels it read
    will make :func:`fit_category_models` use workers. Returns whether anything was started.

    Examples
    --------
    >>> start_workers(1)
    False
    """
    workers = resolve_n_jobs(n_jobs)
    if workers < 2 or "thread" in _starting:
        return False
    _import_joblib()
    thread = threading.Thread(target=_run_in_workers, args=(workers,), daemon=True)
    _starting["thread"] = thread
    thread.start()
    return True


def _import_joblib() -> None:
    """Import the joblib modules the background threads use, in the calling thread: two
    threads importing joblib at once can fail, as its modules import each other."""
    import joblib.externals.loky
    import joblib.externals.loky.backend.synchronize
    import joblib.parallel

    if os.name == "posix":  # what loky imports when it starts its first worker process
        import joblib.externals.loky.backend.fork_exec
        import joblib.externals.loky.backend.popen_loky_posix  # noqa: F401


def _run_in_workers(workers: int) -> None:
    from joblib import delayed

    # a failed warm-up only means that the fits start the workers themselves, later
    with contextlib.suppress(Exception):
        _in_workers(workers, [delayed(_import_fitting)() for _ in range(workers)])


def _in_workers(workers: int, tasks: list[Any]) -> list[Any]:
    """Run joblib ``delayed`` tasks in the loky pool of lower-priority workers."""
    from joblib import Parallel, parallel_config

    # the initializer is part of the pool's settings: a plain joblib call made later in this
    # process (another setting) gets a pool of its own at the usual priority
    with parallel_config(backend="loky", initializer=lower_priority):
        return Parallel(n_jobs=workers)(tasks)


def _import_fitting() -> None:
    import scipy.optimize
    import scipy.sparse
    import scipy.special
    import threadpoolctl

    import socanalysis.classify.logistic

    # imported for their cost only: the fits find them loaded
    del scipy, socanalysis, threadpoolctl


def _join_start() -> None:
    # under a lock: a caller that finds another thread joining the start waits for it too
    with _start_lock:
        thread = _starting.get("thread")
        if thread is not None:
            thread.join()
            del _starting["thread"]


def fit_category_models(
    F: Any,
    own: np.ndarray | None,
    Y: np.ndarray,
    C: float,
    seed: int,
    n_jobs: int | None = None,
    folds: list[list[tuple[np.ndarray, np.ndarray]]] | None = None,
    n_always: int = 0,
    always_pseudo_count: float | None = None,
) -> list[CategoryFit | None]:
    """Fit every category's model (and fold models) on the same features.

    Parameters
    ----------
    F : scipy.sparse matrix of shape (n_labelled, n_features)
        Features of the labelled reports.
    own : ndarray of shape (n_labelled, n_categories) or None
        Per category a column of its own appended to ``F`` for its model (the category's own
        zero-shot logit); None appends nothing.
    Y : bool ndarray of shape (n_labelled, n_categories)
        Which labelled report has which category.
    C : float
        Inverse regularisation of the logistic regressions.
    seed : int
        Seed of the stratified folds.
    n_jobs : int or None
        Worker processes (scikit-learn's convention); used only when the fits are large enough
        (:data:`PARALLEL_MIN_CELLS`), since a worker costs about a second to start.
    folds : list or None
        :func:`category_folds` of ``Y`` and ``seed`` (and ``n_always``), when the caller has
        drawn them already.
    n_always : int
        The last ``n_always`` rows are training examples of every fold and never held out
        (the categories' descriptions as examples): out-of-fold scores are those of the
        other rows only.
    always_pseudo_count : float or None
        In the model of a category with ``n`` examples among the other rows, the
        ``n_always`` rows weigh ``always_pseudo_count / (always_pseudo_count + n)``: they count
        for much while a category has few examples, and give way as examples come. None: they
        weigh as much as any row.

    Returns
    -------
    list
        Per category, in order, a :class:`CategoryFit`, or None when the category has no
        examples or no non-examples (nothing to separate).
    """
    categories = list(range(Y.shape[1]))
    # the folds are drawn here, so that the workers need not import scikit-learn for
    # StratifiedKFold alone (0.8-1.3 s of CPU each on the 2-core machine)
    if folds is None:
        folds = category_folds(Y, seed, n_always)
    workers = use_workers(Y.shape[0], len(categories), n_jobs)
    if workers > 1:
        from joblib import delayed

        _join_start()  # one pool: the background start must be done before it is used

        # round-robin shares: neighbouring categories are often alike in cost
        shares = [categories[w::workers] for w in range(workers)]
        parts = _in_workers(
            workers,
            [
                delayed(_fit_share)(
                    F,
                    own,
                    Y,
                    share,
                    C,
                    [folds[ci] for ci in share],
                    n_always,
                    always_pseudo_count,
                )  # fmt: skip
                for share in shares
            ],
        )
        fits: list[CategoryFit | None] = [None] * len(categories)
        for share, part in zip(shares, parts, strict=True):
            for ci, fit in zip(share, part, strict=True):
                fits[ci] = fit
        return fits
    return _fit_share(F, own, Y, categories, C, folds, n_always, always_pseudo_count)


def category_folds(
    Y: np.ndarray, seed: int, n_always: int = 0
) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """Per category, the (train, test) rows of its fold models: stratified, shuffled, seeded.

    Up to five folds, fewer when a category has fewer examples or non-examples; none (an empty
    list) below two. The folds split the first ``len(Y) - n_always`` rows; the last
    ``n_always`` rows are in every training set and no test set.

    Examples
    --------
    >>> Y = np.array([[1, 1], [0, 0], [1, 0], [0, 0], [1, 0], [0, 0]], dtype=bool)
    >>> [len(f) for f in category_folds(Y, seed=0)]
    [3, 0]
    """
    from sklearn.model_selection import StratifiedKFold

    n = len(Y) - n_always
    always = np.arange(n, len(Y))
    folds = []
    for y in Y[:n].T:
        n_splits = min(5, int(y.sum()), int((~y).sum()))
        if n_splits < 2:
            folds.append([])
            continue
        split = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        folds.append([(np.concatenate([tr, always]), te) for tr, te in split.split(np.zeros(n), y)])
    return folds


def submit_category_models(
    F: Any,
    own: np.ndarray | None,
    Y: np.ndarray,
    C: float,
    seed: int,
    n_jobs: int | None = None,
    n_always: int = 0,
    always_pseudo_count: float | None = None,
) -> Future[list[CategoryFit | None]]:
    """:func:`fit_category_models`, returning at once when the fits run in worker processes.

    The fits go to the worker processes from a background thread, which only sends the data
    and waits (the calling thread keeps the interpreter); submitted fits run one at a time. The
    thread is a daemon: a program that stops (Ctrl-C) does not wait for fits nobody will use.
    When the fits are too small for workers they run here, before this returns: fits in this
    process would compete with the caller for the interpreter and change its BLAS threads
    while it runs.

    Parameters are those of :func:`fit_category_models`.

    Returns
    -------
    concurrent.futures.Future
        Its ``result()`` is the list :func:`fit_category_models` returns, or raises what it
        raised.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import sparse
    >>> F = sparse.csr_matrix(np.eye(6))
    >>> Y = np.array([[1], [0], [1], [0], [1], [0]], dtype=bool)
    >>> pending = submit_category_models(F, None, Y, C=1.0, seed=0)
    >>> pending.done(), len(pending.result())
    (True, 1)
    """
    if use_workers(Y.shape[0], Y.shape[1], n_jobs) < 2:
        done: Future[list[CategoryFit | None]] = Future()
        done.set_result(
            fit_category_models(
                F,
                own,
                Y,
                C,
                seed,
                n_jobs,
                n_always=n_always,
                always_pseudo_count=always_pseudo_count,
            )  # fmt: skip
        )
        return done
    # the background start of the workers is joined in the thread below, not here: the caller
    # goes on while they start
    _import_joblib()
    # drawn here, not in the thread: StratifiedKFold imports scikit-learn and SciPy, and the
    # caller may be importing them too at that moment (UMAP does); two threads importing
    # modules that import each other can get a half-initialised module (seen: scipy.stats
    # failed inside the fits thread in one of a dozen runs)
    folds = category_folds(Y, seed, n_always)

    running: Future[list[CategoryFit | None]] = Future()
    running.set_running_or_notify_cancel()
    with _submitted_lock:
        _submitted["pending"].add(running)

    def fit_in_workers() -> None:
        try:
            with _fits_lock:
                with _submitted_lock:
                    if running not in _submitted["pending"]:  # stopped before it started
                        raise CancelledError("the category fits were stopped")
                    _submitted["in_workers"] = True
                try:
                    fits = fit_category_models(
                        F, own, Y, C, seed, n_jobs, folds, n_always, always_pseudo_count
                    )
                finally:
                    with _submitted_lock:
                        _submitted["in_workers"] = False
        except BaseException as exc:  # handed to the caller, who raises it from result()
            running.set_exception(exc)
        else:
            running.set_result(fits)
        finally:
            with _submitted_lock:
                _submitted["pending"].discard(running)

    threading.Thread(target=fit_in_workers, name="socanalysis-fits", daemon=True).start()
    return running


def stop_submitted_fits() -> int:
    """Stop the fits :func:`submit_category_models` started that nobody will collect.

    For an error or Ctrl-C between submitting fits and using them: the worker processes would
    otherwise go on fitting, and the interpreter waits for them before it exits. Fits not yet
    started are dropped; fits with the workers are stopped by stopping the workers (the next
    fits start new ones). Their futures raise instead of returning. Best effort: fits whose
    background thread has not yet handed them to the workers (a stop within moments of the
    submission) run to their end.

    Returns
    -------
    int
        How many submitted fits were stopped.

    Examples
    --------
    >>> stop_submitted_fits()
    0
    """
    with _submitted_lock:
        stopped = len(_submitted["pending"])
        _submitted["pending"].clear()
        in_workers = _submitted["in_workers"]
    if in_workers:
        from joblib.externals.loky import get_reusable_executor

        # reuse=True: the pool the fits use as it is, not a new one made to be shut down
        get_reusable_executor(reuse=True).shutdown(wait=False, kill_workers=True)
    return stopped


def _fit_share(
    F: Any,
    own: np.ndarray | None,
    Y: np.ndarray,
    categories: list[int],
    C: float,
    folds: list[list[tuple[np.ndarray, np.ndarray]]],
    n_always: int = 0,
    always_pseudo_count: float | None = None,
) -> list[CategoryFit | None]:
    # SciPy brings its own BLAS library: loaded before the limit below, so the limit reaches it
    import scipy.optimize  # noqa: F401
    from threadpoolctl import threadpool_limits

    from socanalysis.classify.logistic import SplitFeatures

    # lbfgs calls BLAS on vectors of a few thousand numbers thousands of times: a second
    # BLAS thread only spins (measured: 2.6x the CPU seconds at 1 000 reports on 2 cores),
    # and one thread everywhere keeps the numbers the same in a worker and in the caller
    with threadpool_limits(limits=1):
        features = SplitFeatures.from_matrix(F)  # once for every category of the share
        return [
            _fit_one(features, own, Y[:, ci], ci, C, category_folds_, n_always, always_pseudo_count)
            for ci, category_folds_ in zip(categories, folds, strict=True)
        ]


def _fit_one(
    features: Any,
    own: np.ndarray | None,
    y: np.ndarray,
    ci: int,
    C: float,
    folds: list[tuple[np.ndarray, np.ndarray]],
    n_always: int = 0,
    always_pseudo_count: float | None = None,
) -> CategoryFit | None:
    from socanalysis.classify.logistic import fit_logistic

    if y.all() or not y.any():
        return None
    if own is not None:
        features = features.with_column(own[:, ci])
    # the fold models start from the full model's weights (scikit-learn's warm start) and
    # converge in a few Newton steps instead of from zero
    weight = None
    if n_always and always_pseudo_count is not None:
        n_pos = int(y[: len(y) - n_always].sum())
        weight = np.ones(len(y))
        pseudo = float(always_pseudo_count)
        weight[len(y) - n_always :] = pseudo / (pseudo + n_pos) if pseudo + n_pos > 0 else 1.0
        if not (weight[y].sum() > 0 and weight[~y].sum() > 0):
            return None  # a pseudo-count of 0 left one class without weight: nothing to separate
    full = fit_logistic(
        features, y, C, tol=FIT_TOLERANCE, max_iter=2000, sample_weight=weight, solver="newton"
    )
    oof = None
    if folds:
        oof = np.zeros(len(y) - n_always)  # the rows that are held out in turn
        for tr, te in folds:
            fold = fit_logistic(
                features.rows(tr), y[tr], C, start=full, tol=FIT_TOLERANCE, max_iter=2000,
                sample_weight=None if weight is None else weight[tr], solver="newton",
            )  # fmt: skip
            oof[te] = features.rows(te).decision(fold)
    return CategoryFit(coef=full.coef, intercept=full.intercept, oof=oof)
