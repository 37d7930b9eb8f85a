"""Checks of estimator parameters: a wrong value is named with its parameter, not reported
by whatever numpy or scikit-learn call first trips over it."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from numbers import Integral, Real
from typing import Any

from socanalysis.errors import ConfigError

MAX_SEED = 2**32 - 1  # numpy's and UMAP's seeds are 32-bit


def set_known_params(
    estimator: Any, params: dict[str, Any], check: Callable[[dict[str, Any]], None] | None = None
) -> None:
    """``estimator.set_params(**params)``: every name checked against ``get_params()`` (and
    the new values with ``check``, given all parameters) before any is set, so that a
    misspelt name or a bad value changes nothing.

    Examples
    --------
    >>> class Toy:
    ...     size = 1
    ...     def get_params(self, deep=True):
    ...         return {"size": self.size}
    >>> set_known_params(Toy(), {"colour": "red"})
    Traceback (most recent call last):
    ...
    socanalysis.errors.ConfigError: Toy has no parameter 'colour'; use one of size
    """
    valid = estimator.get_params()
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ConfigError(
            f"{type(estimator).__name__} has no parameter {', '.join(map(repr, unknown))}; "
            f"use one of {', '.join(valid)}"
        )
    if check is not None:
        check({**valid, **params})
    for name, value in params.items():
        setattr(estimator, name, value)


def estimator_repr(estimator: Any) -> str:
    """``Name(param=value, ...)`` with the parameters that differ from the constructor's
    defaults, as scikit-learn prints an estimator (parameters without a default always show).

    Examples
    --------
    >>> class Toy:
    ...     def __init__(self, taxonomy, size=1, colour="red"):
    ...         self.taxonomy, self.size, self.colour = taxonomy, size, colour
    ...     def get_params(self, deep=True):
    ...         return {"taxonomy": self.taxonomy, "size": self.size, "colour": self.colour}
    >>> estimator_repr(Toy("shl11", size=3))
    "Toy(taxonomy='shl11', size=3)"
    """
    defaults = inspect.signature(type(estimator).__init__).parameters
    shown = []
    for name, value in estimator.get_params(deep=False).items():
        default = defaults[name].default if name in defaults else inspect.Parameter.empty
        if default is inspect.Parameter.empty or not _same(value, default):
            shown.append(f"{name}={value!r}")
    return f"{type(estimator).__name__}({', '.join(shown)})"


def _same(value: Any, default: Any) -> bool:
    """Whether a parameter still has its default (an array or object compares by identity)."""
    if value is default:
        return True
    try:
        return bool(value == default)
    except (TypeError, ValueError):  # numpy arrays and other element-wise comparisons
        return False


def refuse_unknown_settings(settings: Any, known: Sequence[str], where: str = "") -> None:
    """A ``ConfigError`` naming the ``settings`` that are not among ``known`` (listed in the
    message in the order given); ``where`` starts the message ("settings.toml: ").

    Examples
    --------
    >>> refuse_unknown_settings({"seed": 1}, ["seed", "period"])
    >>> refuse_unknown_settings({"sed": 1}, ["seed", "period"], "settings.toml: ")
    Traceback (most recent call last):
    ...
    socanalysis.errors.ConfigError: settings.toml: unknown setting(s) sed; known settings: seed, period
    """  # noqa: E501
    unknown = sorted(set(settings) - set(known), key=str)
    if unknown:
        raise ConfigError(
            f"{where}unknown setting(s) {', '.join(map(str, unknown))}; "
            f"known settings: {', '.join(known)}"
        )


def check_flag(value: Any, name: str) -> bool:
    """``value`` as True or False (numpy's bool too), or a ``ConfigError``.

    Examples
    --------
    >>> import numpy as np
    >>> check_flag(True, "language_centering"), check_flag(np.True_, "language_centering")
    (True, True)
    >>> check_flag("no", "language_centering")
    Traceback (most recent call last):
    ...
    socanalysis.errors.ConfigError: language_centering must be True or False, got 'no'
    """
    import numpy as np

    if not isinstance(value, (bool, np.bool_)):
        raise ConfigError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_number(
    value: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    above: float | None = None,
    below: float | None = None,
) -> float:
    """``value`` as a float within ``[low, high]`` (and ``> above``, ``< below``), or a
    ``ConfigError`` that names every bound.

    Examples
    --------
    >>> check_number(0.5, "threshold", low=0, high=1)
    0.5
    >>> check_number("high", "threshold", low=0, high=1)
    Traceback (most recent call last):
    ...
    socanalysis.errors.ConfigError: threshold must be a number from 0 to 1, got 'high'
    >>> check_number(1.5, "share", above=0, high=1)
    Traceback (most recent call last):
    ...
    socanalysis.errors.ConfigError: share must be a number above 0 and at most 1, got 1.5
    """
    if low is not None and high is not None:
        bounds = [f"from {low:g} to {high:g}"]
    else:
        bounds = [f"of at least {low:g}"] if low is not None else []
        bounds += [f"above {above:g}"] if above is not None else []
        bounds += [f"at most {high:g}"] if high is not None else []
    if low is not None and high is not None and above is not None:
        bounds.append(f"above {above:g}")
    bounds += [f"below {below:g}"] if below is not None else []
    wanted = "a number " + " and ".join(bounds) if bounds else "a number"
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(float(value)):
        raise ConfigError(f"{name} must be {wanted}, got {value!r}")
    number = float(value)
    if (
        (low is not None and number < low)
        or (high is not None and number > high)
        or (above is not None and number <= above)
        or (below is not None and number >= below)
    ):
        raise ConfigError(f"{name} must be {wanted}, got {value!r}")
    return number


def check_seed(value: Any, name: str = "seed") -> int:
    """A seed: an integer from 0 to :data:`MAX_SEED` (what numpy and UMAP accept).

    Examples
    --------
    >>> check_seed(7)
    7
    >>> check_seed(None)
    Traceback (most recent call last):
    ...
    socanalysis.errors.ConfigError: seed must be an integer from 0 to 4294967295, got None
    """
    if isinstance(value, bool) or not isinstance(value, Integral) or not 0 <= value <= MAX_SEED:
        raise ConfigError(f"{name} must be an integer from 0 to {MAX_SEED}, got {value!r}")
    return int(value)
