"""Class-balanced binary logistic regression, fitted as scikit-learn's ``lbfgs`` solver fits it.

The category models (:mod:`socanalysis.classify.category_fits`) are about 150 logistic
regressions per run on the same features: a dense block (the report vectors and a category's
own zero-shot logit) beside a sparse one (lemma tf-idf, thousands of columns). scikit-learn's
``LogisticRegression(solver="lbfgs", class_weight="balanced")`` keeps them in one sparse
matrix, so its products walk the dense block as sparse entries, and each ``fit`` adds a few
milliseconds of checks. :func:`fit_logistic` minimises the same objective with the same
L-BFGS-B settings from the same start, on the two blocks kept apart: the same iterations,
coefficients equal to scikit-learn's to about 1e-5, in about half the time (measured in
docs/performance.md).

The objective (scikit-learn's ``LinearModelLoss`` with ``HalfBinomialLoss``): with sample
weights ``s`` (``n / (2 n_class)`` for each report of a class) summing to ``S``,

    mean loss = sum(s_i (log(1 + exp(r_i)) - y_i r_i)) / S + ||w||^2 / (2 C S),

where ``r = X w + b`` and the intercept ``b`` is not penalised.

Examples
--------
>>> import numpy as np
>>> from scipy import sparse
>>> rng = np.random.default_rng(0)
>>> X = sparse.hstack([rng.normal(size=(60, 3)), sparse.random(60, 20, 0.1, random_state=0)])
>>> y = X.toarray()[:, 0] > 0
>>> features = SplitFeatures.from_matrix(X)
>>> fit = fit_logistic(features, y, C=1.0)
>>> fit.coef.shape, bool(fit.coef[0] > np.abs(fit.coef[1:]).max())
((23,), True)
>>> bool(np.all((features.decision(fit) > 0) == y))
True
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["LogisticFit", "SplitFeatures", "fit_logistic"]

# scikit-learn's settings of scipy's L-BFGS-B for the lbfgs solver
_MAX_LINE_SEARCH = 50
_FTOL = 64 * np.finfo(float).eps


@dataclass(frozen=True)
class SplitFeatures:
    """A feature matrix as a dense block (columns with a value in every row) and a sparse one.

    Attributes
    ----------
    dense : ndarray of shape (n_rows, n_dense)
    sparse : scipy.sparse.csr_matrix of shape (n_rows, n_sparse)
    columns : ndarray of shape (n_dense + n_sparse,)
        The column of the original matrix each coefficient belongs to (dense block first).
    """

    dense: np.ndarray
    sparse: Any
    columns: np.ndarray

    @classmethod
    def from_matrix(cls, X: Any) -> SplitFeatures:
        """Split a sparse (or dense) matrix by how many rows each column has a value in."""
        from scipy import sparse

        X = sparse.csc_matrix(X, dtype=np.float64)
        full = np.diff(X.indptr) == X.shape[0]
        dense_cols, sparse_cols = np.flatnonzero(full), np.flatnonzero(~full)
        return cls(
            np.ascontiguousarray(X[:, dense_cols].toarray()),
            X[:, sparse_cols].tocsr(),
            np.concatenate([dense_cols, sparse_cols]),
        )

    @property
    def n_features(self) -> int:
        return len(self.columns)

    def with_column(self, values: np.ndarray) -> SplitFeatures:
        """The same features with one more dense column at the end of the original matrix."""
        return SplitFeatures(
            np.column_stack([self.dense, np.asarray(values, dtype=np.float64)]),
            self.sparse,
            np.concatenate([self.columns[: self.dense.shape[1]], [self.n_features],
                            self.columns[self.dense.shape[1] :]]),
        )  # fmt: skip

    def rows(self, index: np.ndarray) -> SplitFeatures:
        """The features of some rows (a fold)."""
        return SplitFeatures(self.dense[index], self.sparse[index], self.columns)

    def to_split(self, coef: np.ndarray) -> np.ndarray:
        """Coefficients in the original column order, reordered as the blocks are."""
        return np.asarray(coef, dtype=np.float64)[self.columns]

    def from_split(self, coef: np.ndarray) -> np.ndarray:
        """Coefficients in the blocks' order, back in the original column order."""
        out = np.empty(self.n_features)
        out[self.columns] = coef
        return out

    def decision(self, fit: LogisticFit) -> np.ndarray:
        """Decision values ``X w + b`` of every row."""
        coef = self.to_split(fit.coef)
        p = self.dense.shape[1]
        return self.dense @ coef[:p] + self.sparse @ coef[p:] + fit.intercept


@dataclass(frozen=True)
class LogisticFit:
    """Coefficients (original column order), intercept and L-BFGS-B iterations of a fit."""

    coef: np.ndarray
    intercept: float
    n_iter: int


def fit_logistic(
    features: SplitFeatures,
    y: np.ndarray,
    C: float,
    *,
    start: LogisticFit | None = None,
    tol: float = 1e-4,
    max_iter: int = 100,
    sample_weight: np.ndarray | None = None,
    solver: str = "lbfgs",
) -> LogisticFit:
    """Fit a class-balanced, L2-penalised binary logistic regression with an intercept.

    What ``LogisticRegression(C=C, class_weight="balanced", tol=tol, max_iter=max_iter,
    warm_start=True)`` fits, started from ``start`` (or from zero) like its warm start.
    With ``solver="newton"`` the same objective is minimised by trust-region Newton-CG
    (scipy's ``trust-ncg`` with exact Hessian-vector products) until the gradient's norm is
    under ``tol``: near the optimum it converges in a few steps where L-BFGS-B crawls, so it
    reaches the optimum itself (the category fits, :mod:`socanalysis.classify.category_fits`).

    Parameters
    ----------
    features : SplitFeatures
    y : bool ndarray of shape (n_rows,)
        Both classes must be present.
    C : float
        Inverse regularisation strength.
    start : LogisticFit, optional
        Coefficients to start from (a fit on more rows, for a fold).
    tol, max_iter : float, int
        Gradient tolerance and iteration limit: for "lbfgs" L-BFGS-B's (scikit-learn's
        meaning: the largest gradient entry), for "newton" the gradient's Euclidean norm.
    sample_weight : ndarray of shape (n_rows,), optional
        Weight of each row; the classes are balanced on their weighted counts, as scikit-learn's
        ``fit(..., sample_weight=...)`` does with ``class_weight="balanced"``.
    solver : {"lbfgs", "newton"}
        L-BFGS-B as scikit-learn runs it, or trust-region Newton-CG.

    Returns
    -------
    LogisticFit
    """
    from scipy import optimize
    from scipy.special import expit

    if solver not in ("lbfgs", "newton"):
        raise ValueError(f"solver must be 'lbfgs' or 'newton', not {solver!r}")

    y = np.asarray(y, dtype=bool)
    n, n_pos = len(y), int(y.sum())
    if n_pos in (0, n):
        raise ValueError("fit_logistic needs examples of both classes")
    target = y.astype(np.float64)
    # scikit-learn balances the classes' weighted counts, then applies the row weights; rows
    # without a weight weigh 1, which gives its unweighted "balanced" weights exactly
    row = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    total, pos = float(row.sum()), float(row[y].sum())
    if not 0.0 < pos < total:
        raise ValueError("fit_logistic needs weight on examples of both classes")
    weights = row * np.where(y, total / (2.0 * pos), total / (2.0 * (total - pos)))
    weight_sum = float(weights.sum())
    l2 = 1.0 / (C * weight_sum)
    scaled = weights / weight_sum
    D, S = features.dense, features.sparse
    S_t = S.T.tocsr()  # one transposition instead of one per gradient
    p = D.shape[1]

    def loss_gradient(x: np.ndarray) -> tuple[float, np.ndarray]:
        w = x[:-1]
        raw = D @ w[:p] + S @ w[p:] + x[-1]
        loss = float(scaled @ (np.logaddexp(0.0, raw) - target * raw)) + 0.5 * l2 * float(w @ w)
        residual = scaled * (expit(raw) - target)
        grad = np.empty_like(x)
        grad[:p] = D.T @ residual + l2 * w[:p]
        grad[p:-1] = S_t @ residual + l2 * w[p:]
        grad[-1] = residual.sum()
        return loss, grad

    x0 = np.zeros(features.n_features + 1)
    if start is not None:
        x0[:-1] = features.to_split(start.coef)
        x0[-1] = start.intercept
    if solver == "newton":
        curvature: dict[bytes, np.ndarray] = {}

        def hessian_times(x: np.ndarray, v: np.ndarray) -> np.ndarray:
            # the loss's Hessian is X' diag(s p (1 - p)) X (+ the penalty): its diagonal
            # weights are computed once per point, as CG asks for many products at one point
            key = x.tobytes()
            if key not in curvature:
                curvature.clear()
                prob = expit(D @ x[:p] + S @ x[p:-1] + x[-1])
                curvature[key] = scaled * prob * (1.0 - prob)
            u = curvature[key] * (D @ v[:p] + S @ v[p:-1] + v[-1])
            out = np.empty_like(v)
            out[:p] = D.T @ u + l2 * v[:p]
            out[p:-1] = S_t @ u + l2 * v[p:-1]
            out[-1] = u.sum()
            return out

        result = optimize.minimize(
            loss_gradient,
            x0,
            method="trust-ncg",
            jac=True,
            hessp=hessian_times,
            options={"maxiter": max_iter, "gtol": tol},
        )
    else:
        result = optimize.minimize(
            loss_gradient,
            x0,
            method="L-BFGS-B",
            jac=True,
            options={"maxiter": max_iter, "maxls": _MAX_LINE_SEARCH, "gtol": tol, "ftol": _FTOL},
        )
    if result.status != 0:
        from sklearn.exceptions import ConvergenceWarning

        warnings.warn(
            f"a category model did not converge ({result.message}); raise max_iter or scale "
            "the features",
            ConvergenceWarning,
            stacklevel=2,
        )
    return LogisticFit(
        features.from_split(result.x[:-1]), float(result.x[-1]), min(int(result.nit), max_iter)
    )
