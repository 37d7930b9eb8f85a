"""Functions declared with numba signatures compile at first use and behave as eager ones."""

from __future__ import annotations

import pickle
import threading

import numba
import numpy as np
import pytest

from socanalysis.themes.jit_defer import declared_signatures, deferred_jit


def _to_int32(value):
    return value + 0


def _halve(value):
    return value / 3


def _total(values):
    return values.sum()


def test_declared_signatures_are_read_as_numba_reads_them():
    sig = numba.types.int32(numba.types.int64)
    assert declared_signatures(("i4(i8)",), {}) == ["i4(i8)"]
    assert declared_signatures((["i4(i8)", "f8(f8)"],), {}) == ["i4(i8)", "f8(f8)"]
    assert declared_signatures((sig,), {}) == [sig]
    assert declared_signatures((), {"signature_or_function": "f4(f4)"}) == ["f4(f4)"]
    assert declared_signatures((), {"cache": True}) is None
    assert declared_signatures((_halve,), {}) is None
    assert declared_signatures((None,), {}) is None


def test_nothing_compiles_until_the_first_call():
    lazy = deferred_jit(numba.njit, ["f4(f4)"], {})(_halve)
    assert lazy.signatures == []
    lazy(1.0)
    assert len(lazy.signatures) == 1
    assert not lazy._can_compile  # as after an eager decoration


def test_python_calls_convert_to_the_declared_types_like_an_eager_function():
    eager = numba.njit(["f4(f4)"])(_halve)
    lazy = deferred_jit(numba.njit, ["f4(f4)"], {})(_halve)
    plain = numba.njit(_halve)
    # float32 arithmetic, as declared; a plain lazy function would compute in float64
    assert lazy(1.0) == eager(1.0) == float(np.float32(1.0) / np.float32(3.0))
    assert plain(1.0) != eager(1.0)


def test_calls_from_compiled_code_type_against_the_declared_signature():
    lazy = deferred_jit(numba.njit, ["i4(i8)"], {})(_to_int32)
    eager = numba.njit(["i4(i8)"])(_to_int32)

    @numba.njit
    def through_lazy(x):
        return lazy(x) * np.int64(1)

    @numba.njit
    def through_eager(x):
        return eager(x) * np.int64(1)

    big = 2**31 + 5  # does not fit int32: wraps in both
    assert through_lazy(big) == through_eager(big) == big - 2**32
    assert lazy.signatures == eager.signatures


def test_arguments_no_declared_signature_fits_are_refused_like_an_eager_function():
    lazy = deferred_jit(numba.njit, ["i8(i8[::1])"], {})(_total)
    eager = numba.njit(["i8(i8[::1])"])(_total)
    assert lazy(np.arange(4)) == eager(np.arange(4)) == 6
    floats = np.arange(4, dtype=np.float64)
    with pytest.raises(TypeError):
        eager(floats)
    with pytest.raises(TypeError):
        lazy(floats)


def test_an_explicit_compile_compiles_the_declared_signatures_first():
    lazy = deferred_jit(numba.njit, ["f4(f4)"], {})(_halve)
    with pytest.raises(RuntimeError, match="compilation disabled"):
        lazy.compile("f8(f8)")  # what numba answers for an eager function
    assert [str(s) for s in lazy.signatures] == ["(float32,)"]


def test_pickling_carries_the_declared_signatures():
    lazy = deferred_jit(numba.njit, ["f4(f4)"], {})(_halve)
    states = lazy._reduce_states()
    assert states["can_compile"] is False
    assert len(states["sigs"]) == 1
    assert pickle.loads(pickle.dumps(lazy))(1.0) == lazy(1.0)


def test_threads_calling_first_at_once_get_the_same_answer():
    lazy = deferred_jit(numba.njit, ["f4(f4)"], {})(_halve)
    answers: list[float] = []

    def call() -> None:
        answers.append(lazy(2.0))

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [float(np.float32(2.0) / np.float32(3.0))] * 4
    assert len(lazy.signatures) == 1


def test_umaps_own_declared_functions_give_the_eager_results():
    """umap's random numbers (declared ``i4(i8[:])`` and ``f4(i8[:])``) through the deferred
    decoration that :func:`~socanalysis.themes.jit_cache.import_umap` applies."""
    from socanalysis.themes.jit_cache import import_umap

    umap = import_umap()
    for name in ("tau_rand_int", "tau_rand"):
        deferred = getattr(umap.utils, name)
        declared = deferred.__dict__.get("_deferred_signatures") or deferred.nopython_signatures
        eager = numba.njit(list(declared))(deferred.py_func)
        for seed in (1, 2**40 + 3, 987654321):
            a = np.array([seed, seed * 3 + 1, seed * 7 + 2], dtype=np.int64)
            b = a.copy()
            assert [deferred(a) for _ in range(5)] == [eager(b) for _ in range(5)]
            np.testing.assert_array_equal(a, b)
