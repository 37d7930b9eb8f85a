"""fit_logistic: scikit-learn's class-balanced logistic regression, on split features, solved by
L-BFGS-B as scikit-learn does or by trust-region Newton-CG."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from socanalysis.classify.logistic import LogisticFit, SplitFeatures, fit_logistic


@pytest.fixture(scope="module")
def problem():
    """Dense columns (like report vectors) beside sparse ones (like lemma tf-idf), unbalanced."""
    rng = np.random.default_rng(3)
    n = 300
    dense = rng.normal(size=(n, 12))
    words = sparse.random(n, 400, density=0.02, random_state=4, format="csr")
    X = sparse.hstack([words[:, :200], dense, words[:, 200:]], format="csr")
    logit = 1.5 * dense[:, 0] - dense[:, 1] + 3.0 * words[:, 5].toarray().ravel() - 1.2
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    assert 0.15 < y.mean() < 0.5
    return X, y


def _sklearn(X, y, C, tol, start=None):
    lr = LogisticRegression(C=C, class_weight="balanced", tol=tol, max_iter=2000, warm_start=True)
    if start is not None:
        lr.coef_, lr.intercept_ = start.coef[None, :].copy(), np.array([start.intercept])
        lr.classes_ = np.array([False, True])
    return lr.fit(X, y)


@pytest.mark.parametrize("C", [0.5, 20.0])
def test_the_fit_is_scikit_learns(problem, C):
    X, y = problem
    features = SplitFeatures.from_matrix(X)
    assert features.dense.shape[1] == 12  # the fully filled columns, wherever they were
    ours = fit_logistic(features, y, C, tol=1e-6, max_iter=2000)
    theirs = _sklearn(X, y, C, tol=1e-6)
    np.testing.assert_allclose(ours.coef, theirs.coef_[0], atol=1e-4)
    assert ours.intercept == pytest.approx(theirs.intercept_[0], abs=1e-4)
    np.testing.assert_allclose(features.decision(ours), theirs.decision_function(X), atol=1e-3)


def test_sample_weights_are_scikit_learns(problem):
    X, y = problem
    weight = np.where(np.arange(len(y)) % 3 == 0, 0.25, 1.0)
    ours = fit_logistic(SplitFeatures.from_matrix(X), y, 20.0, tol=1e-6, max_iter=2000,
                        sample_weight=weight)  # fmt: skip
    lr = LogisticRegression(C=20.0, class_weight="balanced", tol=1e-6, max_iter=2000)
    theirs = lr.fit(X, y, sample_weight=weight)
    np.testing.assert_allclose(ours.coef, theirs.coef_[0], atol=1e-4)
    assert ours.intercept == pytest.approx(theirs.intercept_[0], abs=1e-4)
    plain = fit_logistic(SplitFeatures.from_matrix(X), y, 20.0, tol=1e-6, max_iter=2000)
    assert not np.allclose(ours.coef, plain.coef, atol=1e-3)  # the weights matter


def test_iterations_and_warm_start_follow_scikit_learn(problem):
    X, y = problem
    features = SplitFeatures.from_matrix(X)
    ours = fit_logistic(features, y, 20.0, tol=3e-4, max_iter=2000)
    theirs = _sklearn(X, y, 20.0, tol=3e-4)
    assert abs(ours.n_iter - theirs.n_iter_[0]) <= 2
    fold = np.arange(len(y)) % 5 != 0
    warm = fit_logistic(features.rows(fold), y[fold], 20.0, start=ours, tol=3e-4, max_iter=2000)
    cold = fit_logistic(features.rows(fold), y[fold], 20.0, tol=3e-4, max_iter=2000)
    assert warm.n_iter < cold.n_iter  # started near the answer
    # run to convergence from there, it is the fold's own optimum, not the start's
    tight = fit_logistic(features.rows(fold), y[fold], 20.0, start=ours, tol=1e-8, max_iter=2000)
    np.testing.assert_allclose(
        features.rows(~fold).decision(tight),
        _sklearn(X[fold], y[fold], 20.0, 1e-8).decision_function(X[~fold]),
        atol=1e-3,
    )


def test_newton_reaches_the_same_optimum_in_few_steps(problem):
    X, y = problem
    features = SplitFeatures.from_matrix(X)
    weight = np.where(np.arange(len(y)) % 3 == 0, 0.25, 1.0)
    for w in (None, weight):
        exact = fit_logistic(features, y, 20.0, tol=1e-10, max_iter=5000, sample_weight=w)
        newton = fit_logistic(
            features, y, 20.0, tol=1e-6, max_iter=2000, sample_weight=w, solver="newton"
        )
        np.testing.assert_allclose(newton.coef, exact.coef, atol=1e-4)
        assert newton.intercept == pytest.approx(exact.intercept, abs=1e-4)
        assert newton.n_iter < exact.n_iter / 4
    # warm-started from the full model, a fold converges to its own optimum
    fold = np.arange(len(y)) % 5 != 0
    full = fit_logistic(features, y, 20.0, tol=1e-6, max_iter=2000, solver="newton")
    warm = fit_logistic(
        features.rows(fold), y[fold], 20.0, start=full, tol=1e-6, max_iter=2000, solver="newton"
    )
    np.testing.assert_allclose(
        features.rows(~fold).decision(warm),
        _sklearn(X[fold], y[fold], 20.0, 1e-8).decision_function(X[~fold]),
        atol=1e-3,
    )
    with pytest.raises(ValueError, match="solver must be"):
        fit_logistic(features, y, 20.0, solver="sag")
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        fit_logistic(features, y, 20.0, tol=1e-12, max_iter=1, solver="newton")


def test_an_own_column_goes_last_and_rows_keep_the_columns(problem):
    X, y = problem
    extra = np.linspace(-1, 1, len(y))
    with_extra = SplitFeatures.from_matrix(X).with_column(extra)
    direct = SplitFeatures.from_matrix(sparse.hstack([X, extra[:, None]], format="csr"))
    a = fit_logistic(with_extra, y, 1.0, tol=1e-6, max_iter=2000)
    b = fit_logistic(direct, y, 1.0, tol=1e-6, max_iter=2000)
    assert a.coef.shape == (X.shape[1] + 1,)
    np.testing.assert_allclose(a.coef, b.coef, atol=1e-6)
    part = np.arange(40)
    np.testing.assert_allclose(
        with_extra.rows(part).decision(a), with_extra.decision(a)[part], rtol=1e-12
    )


def test_deterministic(problem):
    X, y = problem
    features = SplitFeatures.from_matrix(X)
    a, b = (fit_logistic(features, y, 5.0, tol=3e-4, max_iter=2000) for _ in range(2))
    assert np.array_equal(a.coef, b.coef) and a.intercept == b.intercept


def test_one_class_is_an_error_and_few_iterations_warn(problem):
    X, y = problem
    features = SplitFeatures.from_matrix(X)
    with pytest.raises(ValueError, match="both classes"):
        fit_logistic(features, np.zeros(len(y), dtype=bool), 1.0)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        fit = fit_logistic(features, y, 20.0, tol=1e-10, max_iter=3)
    assert isinstance(fit, LogisticFit) and fit.n_iter == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        fit_logistic(features, y, 20.0, tol=3e-4, max_iter=2000)
