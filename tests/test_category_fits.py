"""Per-category logistic fits: the same numbers in worker processes, and when workers are used."""

from __future__ import annotations

import os

import numpy as np
import pytest
from scipy import sparse

from socanalysis.classify import category_fits
from socanalysis.classify.category_fits import (
    fit_category_models,
    resolve_n_jobs,
    start_workers,
    stop_submitted_fits,
    submit_category_models,
    use_workers,
)


@pytest.fixture(scope="module")
def planted():
    """600 reports, 40 sparse features, 8 categories each following one feature (plus noise)."""
    rng = np.random.default_rng(7)
    dense = rng.normal(size=(600, 40)) * (rng.random((600, 40)) < 0.3)
    F = sparse.csr_matrix(dense)
    Y = np.column_stack([dense[:, k] + 0.3 * rng.normal(size=600) > 0.2 for k in range(8)])
    Y[:, 7] = False
    Y[:3, 7] = True  # a rare category: three examples, three folds
    own = rng.normal(size=(600, 8))
    return F, own, Y


def test_each_category_learns_its_own_feature(planted):
    F, own, Y = planted
    fits = fit_category_models(F, own, Y, C=1.0, seed=0)
    assert len(fits) == 8 and all(f is not None for f in fits)
    for k in range(7):
        assert np.argmax(fits[k].coef[:40]) == k
        assert fits[k].coef.shape == (41,)  # the own-prior column comes last
        # out-of-fold scores separate the classes (the fold models did not see these rows)
        oof = fits[k].oof
        assert oof[Y[:, k]].mean() > oof[~Y[:, k]].mean() + 1.0
    assert fits[7].oof is not None  # min(5, 3 examples) = 3 folds


def test_a_category_with_nothing_to_separate_gets_no_model(planted):
    F, _, Y = planted
    Y = Y.copy()
    Y[:, 0] = False
    Y[:, 1] = True
    fits = fit_category_models(F, None, Y, C=1.0, seed=0)
    assert fits[0] is None and fits[1] is None and fits[2] is not None
    assert fits[2].coef.shape == (40,)  # no own-prior column


def test_rows_always_trained_on_are_never_held_out(planted):
    from socanalysis.classify.category_fits import category_folds

    F, own, Y = planted
    n_real = 560  # the last 40 rows stand for the categories' descriptions
    folds = category_folds(Y, seed=0, n_always=40)
    for per_category in folds[:7]:
        held = np.concatenate([te for _, te in per_category])
        assert sorted(held.tolist()) == list(range(n_real))  # each real row held out once
        for tr, te in per_category:
            assert set(range(n_real, 600)) <= set(tr.tolist())
            assert not set(te.tolist()) & set(tr.tolist())
    # the real rows' folds are those drawn without the extra rows
    plain = category_folds(Y[:n_real], seed=0)
    assert all(
        np.array_equal(a[1], b[1])
        for per_a, per_b in zip(folds, plain, strict=True)
        for a, b in zip(per_a, per_b, strict=True)
    )
    fits = fit_category_models(F, own, Y, C=1.0, seed=0, n_always=40)
    alone = fit_category_models(F, own, Y, C=1.0, seed=0, n_jobs=2, n_always=40)
    for a, b in zip(fits, alone, strict=True):
        assert a.oof.shape == (n_real,) and np.array_equal(a.oof, b.oof)
        assert np.array_equal(a.coef, b.coef)
    # the extra rows change the full model (they are trained on)
    without = fit_category_models(F[:n_real], own[:n_real], Y[:n_real], C=1.0, seed=0)
    assert not np.allclose(fits[0].coef, without[0].coef)


def test_always_trained_rows_give_way_as_examples_come(planted, monkeypatch):
    from socanalysis.classify import logistic

    F, own, Y = planted
    seen = {}
    real_fit = logistic.fit_logistic

    def spy(features, y, C, **kwargs):
        if kwargs.get("start") is None:  # the full model of a category
            seen[int(y[:560].sum())] = kwargs.get("sample_weight")
        return real_fit(features, y, C, **kwargs)

    monkeypatch.setattr(logistic, "fit_logistic", spy)
    fit_category_models(F, own, Y, C=1.0, seed=0, n_always=40, always_pseudo_count=5.0)
    for n_pos, weight in seen.items():
        assert np.all(weight[:560] == 1.0)
        assert np.allclose(weight[560:], 5.0 / (5.0 + n_pos))
    seen.clear()
    fit_category_models(F, own, Y, C=1.0, seed=0, n_always=40)
    assert all(weight is None for weight in seen.values())
    # a category every report has, whose only non-examples weigh nothing: no model, no error
    everyone = Y.copy()
    everyone[:560, 0] = True
    everyone[560:, 0] = False
    fits = fit_category_models(F, own, everyone, C=1.0, seed=0, n_always=40,
                               always_pseudo_count=0.0)  # fmt: skip
    assert fits[0] is None and fits[1] is not None


def test_worker_processes_give_the_same_numbers(planted, monkeypatch):
    F, own, Y = planted
    alone = fit_category_models(F, own, Y, C=1.0, seed=3, n_jobs=1)
    assert use_workers(Y.shape[0], Y.shape[1], 2) == 2  # 4 800 cells: over the bar
    together = fit_category_models(F, own, Y, C=1.0, seed=3, n_jobs=2)
    for a, b in zip(alone, together, strict=True):
        assert np.array_equal(a.coef, b.coef) and a.intercept == b.intercept
        assert np.array_equal(a.oof, b.oof)
    # another seed gives other folds, so other out-of-fold scores (the seed is passed on)
    other = fit_category_models(F, own, Y, C=1.0, seed=4, n_jobs=2)
    assert not np.array_equal(other[0].oof, alone[0].oof)
    assert np.array_equal(other[0].coef, alone[0].coef)  # the full model has no folds


def test_workers_only_pay_for_large_fits(monkeypatch):
    assert use_workers(399, 10, 2) == 1  # 3 990 cells: under the bar
    assert use_workers(400, 10, 2) == 2
    assert use_workers(400, 10, None) == 1
    assert use_workers(10_000, 1, 4) == 1  # one category: nothing to share
    assert resolve_n_jobs(-1) >= 1 and resolve_n_jobs(None) == 1
    monkeypatch.setattr(category_fits, "PARALLEL_MIN_CELLS", 10**9)
    assert use_workers(2000, 33, 2) == 1


def test_started_workers_are_joined_before_the_fits(planted, monkeypatch):
    F, own, Y = planted
    monkeypatch.setattr(category_fits, "_starting", {})
    assert start_workers(1) is False  # one job: no workers
    assert start_workers(2) is True
    assert start_workers(2) is False  # already starting
    fits = fit_category_models(F, own, Y, C=1.0, seed=0, n_jobs=2)
    assert category_fits._starting == {}  # joined and cleared by the fits
    assert np.argmax(fits[2].coef[:40]) == 2


def test_analyze_starts_workers_only_when_the_labels_will_use_them(monkeypatch):
    import pandas as pd

    from socanalysis import AnalysisConfig
    from socanalysis.pipeline import _start_category_workers

    started = []
    monkeypatch.setattr(category_fits, "start_workers", lambda n_jobs: started.append(n_jobs))
    rows = np.ones(500, dtype=bool)
    table = pd.DataFrame({"shl_reported": ["2"] * 500, "sectors_reported": [""] * 500})
    _start_category_workers(table, rows, AnalysisConfig(num_threads=2))
    assert started == [2]
    table["shl_reported"] = [""] * 450 + ["3"] * 50  # 50 labelled reports: fitted in-process
    _start_category_workers(table, rows, AnalysisConfig(num_threads=2))
    assert started == [2]
    table["sectors_reported"] = ["sote"] * 500
    _start_category_workers(table, rows, AnalysisConfig(num_threads=1))  # one thread: none
    assert started == [2]


def test_submitted_fits_give_the_same_numbers(planted):
    F, own, Y = planted
    alone = fit_category_models(F, own, Y, C=1.0, seed=3, n_jobs=1)
    # in workers: two submissions run one at a time on the one pool
    first = submit_category_models(F, own, Y, C=1.0, seed=3, n_jobs=2)
    second = submit_category_models(F, own, Y[:, :4], C=1.0, seed=3, n_jobs=2)
    for fits, n in ((first.result(timeout=120), 8), (second.result(timeout=120), 4)):
        assert len(fits) == n
        for a, b in zip(alone, fits, strict=False):
            assert np.array_equal(a.coef, b.coef) and np.array_equal(a.oof, b.oof)
    # too small for workers: fitted before submit returns, in this process
    small = submit_category_models(F[:50], own[:50], Y[:50], C=1.0, seed=3, n_jobs=2)
    assert small.done()
    assert np.array_equal(
        small.result()[0].coef, fit_category_models(F[:50], own[:50], Y[:50], 1.0, 3)[0].coef
    )


def test_stopped_fits_raise_and_free_the_workers():
    import time
    from concurrent.futures import CancelledError

    rng = np.random.default_rng(0)
    F = sparse.csr_matrix(rng.normal(size=(2000, 3000)) * (rng.random((2000, 3000)) < 0.05))
    Y = rng.random((2000, 240)) < 0.2  # 240 categories: 13 s of fitting on the 2-core machine
    busy = submit_category_models(F, None, Y, C=1.0, seed=0, n_jobs=2)
    queued = submit_category_models(F, None, Y[:, :5], C=1.0, seed=0, n_jobs=2)
    deadline = time.monotonic() + 60
    while not category_fits._submitted["in_workers"] and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.5)  # the background thread hands the shares to the workers (best effort)
    assert not busy.done()
    assert stop_submitted_fits() == 2
    with pytest.raises(CancelledError):
        queued.result(timeout=60)
    with pytest.raises(Exception):  # noqa: B017  (loky's error for a pool shut down under it)
        busy.result(timeout=60)
    assert stop_submitted_fits() == 0  # nothing left
    # the next fits start new workers and give the usual numbers
    again = submit_category_models(F[:600], None, Y[:600, :8], C=1.0, seed=3, n_jobs=2)
    alone = fit_category_models(F[:600], None, Y[:600, :8], C=1.0, seed=3, n_jobs=1)
    assert all(
        np.array_equal(a.coef, b.coef) for a, b in zip(alone, again.result(120), strict=True)
    )


def _sample_reports(n: int):
    from pathlib import Path

    import socanalysis

    path = Path(__file__).parent.parent / "sample_data" / "reports_webropol.csv"
    return socanalysis.read_reports(path).head(n)


@pytest.mark.parametrize("stage", ["_stage_lemmas", "_stage_themes"])
def test_analyze_stops_the_fits_when_a_later_stage_fails(monkeypatch, stage):
    import warnings

    import socanalysis
    from socanalysis import pipeline

    stopped = []
    monkeypatch.setattr(category_fits, "stop_submitted_fits", lambda: stopped.append(1))

    def broken(*args, **kwargs):
        raise KeyboardInterrupt  # as Ctrl-C during that stage, after the fits started

    monkeypatch.setattr(pipeline, stage, broken)
    table = _sample_reports(30)
    with warnings.catch_warnings(), pytest.raises(KeyboardInterrupt):
        warnings.simplefilter("ignore")  # tfidf-lsa warns that it is monolingual
        socanalysis.analyze(table, embedder="tfidf-lsa", use_cache=False)
    assert stopped == [1]


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="process priorities are Unix-only")
def test_workers_run_below_the_callers_priority_and_keep_the_pool_to_themselves():
    from joblib import Parallel, delayed

    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, 0)

    mine = niceness()
    tasks = [delayed(niceness)() for _ in range(4)]
    assert (
        category_fits._in_workers(2, tasks)
        == [min(19, max(mine, category_fits.WORKER_NICENESS))] * 4
    )
    assert niceness() == mine  # the caller's own priority is unchanged
    # joblib work of the user's own gets a pool at the usual priority, not the fits' workers
    assert Parallel(n_jobs=2, backend="loky")(tasks) == [mine] * 4


def test_submitting_does_not_wait_for_the_workers_to_start(planted, monkeypatch):
    import threading
    import time

    F, own, Y = planted
    release = threading.Event()
    slow_start = threading.Thread(target=release.wait, daemon=True)  # a start still running
    slow_start.start()
    monkeypatch.setattr(category_fits, "_starting", {"thread": slow_start})
    t0 = time.perf_counter()
    pending = submit_category_models(F, own, Y, C=1.0, seed=3, n_jobs=2)
    assert time.perf_counter() - t0 < 2.0 and not pending.done()
    release.set()  # the start ends: the background thread hands the fits to the workers
    fits = pending.result(timeout=120)
    alone = fit_category_models(F, own, Y, C=1.0, seed=3, n_jobs=1)
    assert all(np.array_equal(a.coef, b.coef) for a, b in zip(alone, fits, strict=True))
    assert category_fits._starting == {}


def test_analyze_starts_the_category_fits_before_the_lemmas(monkeypatch):
    """The suggesters need the masked texts and embeddings, not the lemmas: their fits start
    first and run while this process computes the lemmas, themes and weak signals."""
    import warnings

    import socanalysis
    from socanalysis import pipeline

    calls = []
    for name in ("_start_categories", "_stage_lemmas", "_finish_categories"):
        real = getattr(pipeline, name)

        def traced(*args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(pipeline, name, traced)
    stages = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tfidf-lsa warns that it is monolingual
        result = socanalysis.analyze(
            _sample_reports(40), embedder="tfidf-lsa", use_cache=False, progress=stages.append
        )
    assert calls == ["_start_categories", "_stage_lemmas", "_finish_categories"]
    known = ["intake", "language", "privacy", "embeddings", "categories", "lemmas", "themes"]
    assert [s for s in stages if s in known][:7] == known
    assert result.reports["shl_suggested"].notna().all()
    assert set(result.run_info["timings_s"]) >= {"categories", "lemmas", "embeddings"}
