"""Compile numba functions declared with explicit signatures when first used, not at import.

``numba.njit("f4(f4[::1])")`` compiles its signatures while the module is imported. pynndescent
declares dozens of such functions (random-projection trees, quantised distances) and umap
imports pynndescent, so the first ``import umap`` on a machine compiled them all: about 16 s
of the 79 s first run of 1 000 reports, for functions that socanalysis calls only above
20 000 reports (NN-descent), if at all. From the second process on they loaded from numba's
disk cache, still about 0.4 s per process.

:func:`deferred_jit` gives such a function the compiled code an eager decoration would, only
later: at its first call from Python, its first call from compiled code, an explicit
``compile``, or pickling, it compiles exactly its declared signatures (from the disk cache
when there), then refuses new ones, as numba does after an eager decoration. So every call
converts its arguments to a declared signature and returns the declared type, and results are
bit for bit those of the eager function (tests/test_themes_jit_defer.py checks umap's own).

Examples
--------
>>> import numba
>>> import numpy as np
>>> def total(values):
...     return values.sum()
>>> lazy = deferred_jit(numba.njit, ["i4(i8[::1])"], {})(total)
>>> lazy.signatures
[]
>>> int(lazy(np.array([2**31, 1], dtype=np.int64)))  # declared int32: wraps as numba would
-2147483647
>>> len(lazy.signatures), lazy(np.arange(3)) == 3  # compiled now, as numba.njit would have
(1, True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from numba.core import sigutils, typeinfer
from numba.core.compiler_lock import global_compiler_lock
from numba.core.registry import CPUDispatcher

__all__ = ["DeferredSignatureDispatcher", "declared_signatures", "deferred_jit"]


def declared_signatures(args: Sequence[Any], kwargs: dict[str, Any]) -> list[Any] | None:
    """The signatures a ``numba.jit``/``njit`` call declares, or None for a lazy decoration.

    Parameters
    ----------
    args, kwargs
        The decorator's own arguments (``numba.njit(*args, **kwargs)``).

    Returns
    -------
    list or None
        As numba reads its first argument: a list of signatures, one signature, or None when
        there is none (the argument is missing, None or the function itself).
    """
    first = args[0] if args else kwargs.get("signature_or_function")
    if first is None:
        return None
    if isinstance(first, list):
        return first
    if sigutils.is_signature(first):
        return [first]
    return None


def deferred_jit(
    jit: Callable[..., Any], signatures: list[Any], options: dict[str, Any]
) -> Callable[[Callable[..., Any]], Any]:
    """A decorator like ``jit(signatures, **options)`` that compiles at first use.

    Parameters
    ----------
    jit : callable
        ``numba.njit`` or ``numba.jit`` (the originals, not a wrapper of them).
    signatures : list
        The declared signatures.
    options : dict
        The decorator's other keyword arguments (``cache``, ``fastmath``, ``locals``, ...).

    Returns
    -------
    callable
        Decorates a function; the dispatcher it returns compiles ``signatures`` when first
        used. A dispatcher of another kind than numba's CPU one is compiled at once, as usual.
    """
    lazy_decorator = jit(**options)

    def decorate(func: Callable[..., Any]) -> Any:
        dispatcher = lazy_decorator(func)
        if type(dispatcher) is not CPUDispatcher:  # another target: numba's own way
            _compile_now(dispatcher, signatures)
            return dispatcher
        dispatcher.__class__ = DeferredSignatureDispatcher
        dispatcher._deferred_signatures = list(signatures)
        return dispatcher

    return decorate


def _compile_now(dispatcher: Any, signatures: list[Any]) -> None:
    """What numba does for a decoration with signatures: compile each, then allow no more."""
    # registered so that a function calling itself can be typed while it compiles
    with typeinfer.register_dispatcher(dispatcher):
        for signature in signatures:
            dispatcher.compile(signature)
    dispatcher.disable_compile()


class DeferredSignatureDispatcher(CPUDispatcher):  # type: ignore[misc]
    """A CPU dispatcher that compiles its declared signatures when first used."""

    def _compile_deferred(self) -> None:
        if self.__dict__.get("_deferred_signatures") is None:
            return  # compiled already, or never deferred (rebuilt from a pickle)
        with global_compiler_lock:  # reentrant; other threads wait here
            signatures = self.__dict__.get("_deferred_signatures")
            if signatures is None or self.__dict__.get("_deferred_compiling"):
                # another thread compiled them meanwhile, or this one is compiling them
                # and the function calls itself: numba types that call as it would
                return
            self._deferred_compiling = True
            try:
                _compile_now(self, signatures)
            finally:
                self._deferred_compiling = False
            self._deferred_signatures = None  # only once compiled and closed

    def _compile_for_args(self, *args: Any, **kws: Any) -> Any:
        # numba's C dispatcher calls this when no compiled version fits the arguments,
        # then calls what it returns with them
        self._compile_deferred()
        if not self._can_compile:
            # itself, now as an eager function: the arguments convert to a declared one
            return self
        return super()._compile_for_args(*args, **kws)

    def get_call_template(self, args: Any, kws: Any) -> Any:
        self._compile_deferred()  # a call from compiled code types against the declared
        return super().get_call_template(args, kws)

    def compile(self, sig: Any) -> Any:
        self._compile_deferred()
        return super().compile(sig)

    def _reduce_states(self) -> Any:
        self._compile_deferred()  # pickled as the eager function would be
        return super()._reduce_states()
