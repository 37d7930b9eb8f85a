"""The Dask engine gives the same results as one process, on a real cluster of 2 workers.

The per-report stages run in two single-threaded worker processes (a ``LocalCluster``), each
with its own models and both writing one new embedding cache at the same time; the corpus
stages run here. Reports, themes, weak signals, category agreement and the written CSV files
must equal those of ``analyze()`` run in this process, with a cache of its own.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import socanalysis as sa
from socanalysis.config import AnalysisConfig
from socanalysis.distributed import partition_rows
from socanalysis.errors import ConfigError, InputError
from socanalysis.nlp.embed_cache import EmbeddingCache, EmbeddingCacheWarning

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "reports_webropol.csv"


# ----------------------------------------------------------------------------- no cluster
def test_partitions_keep_duplicates_with_their_original_and_skip_unanalysed_rows():
    status = ["ok", "empty", "ok", "ok", "duplicate", "too_short", "ok", "duplicate"]
    ids = ["a", "b", "c", "d", "e", "f", "g", "h"]
    dup = ["", "", "", "", "a", "", "", "g"]
    parts = partition_rows(status, dup, ids, 3)
    assert parts == [[0, 2, 4], [3], [6, 7]]
    assert partition_rows(status, dup, ids, 10) == [[0, 4], [2], [3], [6, 7]]
    assert partition_rows(["empty"], [""], ["a"], 4) == []
    with pytest.raises(InputError, match="duplicate of report 'x'"):
        partition_rows(["ok", "duplicate"], ["", "x"], ["a", "b"], 2)


def test_engine_settings_are_validated():
    assert AnalysisConfig(engine="dask", scheduler="tcp://h:8786").scheduler == "tcp://h:8786"
    with pytest.raises(ConfigError, match="engine='spark' is not one of: local, dask"):
        AnalysisConfig(engine="spark")
    with pytest.raises(ConfigError, match="used only with engine='dask'"):
        AnalysisConfig(scheduler="tcp://h:8786")
    with pytest.raises(ConfigError, match="partitions=0 must be a positive integer"):
        AnalysisConfig(engine="dask", partitions=0)


def test_import_socanalysis_does_not_import_dask():
    import subprocess
    import sys

    code = "import sys, socanalysis, socanalysis.distributed; print('distributed' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_dask_names_the_pip_command(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "distributed" else real(name)
    )
    with pytest.raises(ConfigError, match=r'pip install "socanalysis\[distributed\]"'):
        sa.analyze(pd.DataFrame({"teksti": ["Asumiskulut nousevat."]}), engine="dask")


def test_corpus_fitted_embedder_is_refused():
    pytest.importorskip("distributed")
    with pytest.raises(ConfigError, match="fitted on the whole corpus"):
        sa.analyze(
            pd.DataFrame({"teksti": ["Asumiskulut nousevat."]}), engine="dask", embedder="tfidf-lsa"
        )


def _store_many(directory: str, start: int, queue: multiprocessing.Queue) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", EmbeddingCacheWarning)
        cache = EmbeddingCache(directory)
        for batch in range(20):
            texts = [f"text {start + batch * 50 + i}" for i in range(50)]
            vectors = np.full((50, 8), start + batch, dtype=np.float32)
            cache.store("toy:model", "passage", cache.keys(texts), vectors)
    queue.put("done")


def test_embedding_cache_takes_concurrent_writers_from_two_processes(tmp_path):
    # what two Dask workers do on one machine: write batches into one SQLite cache at once,
    # partly the same texts (start 0 and 500 overlap on texts 500..999)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_store_many, args=(str(tmp_path), s, queue)) for s in (0, 500)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert sorted(queue.get(timeout=5) for _ in procs) == ["done", "done"]
    cache = EmbeddingCache(tmp_path)
    assert cache.count("toy:model") == 1500
    keys = cache.keys([f"text {i}" for i in range(1500)])
    assert len(cache.lookup("toy:model", "passage", keys, dim=8)) == 1500
    with sqlite3.connect(cache.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# ----------------------------------------------------------------------------- on a cluster
@pytest.fixture(scope="module")
def reports() -> pd.DataFrame:
    """37 rows of the sample export, Finnish and Swedish (under 40 analysed reports, so the
    themes stay quick), with a duplicate, an empty and a too-short text."""
    raw = pd.read_csv(SAMPLE, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    rows = raw.iloc[::7].copy()
    duplicate, empty, short = rows.iloc[3].copy(), rows.iloc[5].copy(), rows.iloc[7].copy()
    duplicate["Vastauksen ID"] = "dup-1"
    empty["Vastauksen ID"], empty["Havainto"] = "empty-1", ""
    short["Vastauksen ID"], short["Havainto"] = "short-1", "ok"
    return pd.concat([rows, pd.DataFrame([duplicate, empty, short])], ignore_index=True)


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster, set_as_default=False)
    yield client
    client.close()
    cluster.close()


@pytest.mark.slow
def test_dask_engine_equals_one_process(reports, client, tmp_path):
    local = sa.analyze(reports, cache_dir=str(tmp_path / "local"), seed=3)
    assert local.reports["status"].value_counts().to_dict() == {
        "ok": 34,
        "duplicate": 1,
        "empty": 1,
        "too_short": 1,
    }
    assert set(local.reports["language"]) >= {"fi", "sv"}
    cache = tmp_path / "workers"  # empty: both workers embed and write it at the same time
    dist = sa.analyze(reports, cache_dir=str(cache), seed=3, client=client, partitions=5)

    engine = dist.run_info["engine"]
    assert (engine["name"], engine["workers"], engine["partitions"]) == ("dask", 2, 5)
    assert engine["workers_used"] == 2
    assert set(engine["worker_seconds"]) == {"language", "privacy", "lemmas", "embeddings"}
    assert dist.run_info["embedder"]["texts_encoded"] == 34  # on the workers, not here
    assert EmbeddingCache(cache / "embeddings").count() == 34

    assert_frame_equal(dist.reports, local.reports)
    assert_frame_equal(dist.themes, local.themes)
    assert_frame_equal(dist.weak_signals, local.weak_signals)
    assert dist.agreement.keys() == local.agreement.keys() == {"shl", "sectors"}
    for name in local.agreement:
        assert_frame_equal(dist.agreement[name], local.agreement[name])
    assert len(local.themes) >= 2
    # the duplicate takes its original's results although they were in other partitions
    dup = dist.reports.set_index("report_id").loc["dup-1"]
    original = dist.reports.set_index("report_id").loc[dup["duplicate_of"]]
    assert (dup["language"], dup["theme_id"]) == (original["language"], original["theme_id"])

    written = {}
    for name, result in (("local", local), ("dask", dist)):
        result.save(tmp_path / name / "out", human_readable=False)
        written[name] = {
            f.name: f.read_bytes() for f in sorted((tmp_path / name / "out").glob("*.csv"))
        }
    assert set(written["dask"]) == {"reports.csv", "themes.csv", "weak_signals.csv"}
    assert written["dask"] == written["local"]

    # warm: every vector from the cache the workers filled, other partitions, same tables
    warm = sa.analyze(reports, cache_dir=str(cache), seed=3, client=client, partitions=2)
    assert warm.run_info["embedder"]["cache_hits"] == 34
    assert warm.run_info["embedder"]["texts_encoded"] == 0
    assert_frame_equal(warm.reports, local.reports)


def test_nothing_to_analyse_needs_no_cluster():
    pytest.importorskip("distributed")
    result = sa.analyze(pd.DataFrame({"teksti": ["", "ok"]}), engine="dask", use_cache=False)
    assert result.reports["status"].tolist() == ["empty", "too_short"]
    assert result.run_info["engine"] == {"name": "dask"}


@pytest.fixture
def dead_address():
    """A scheduler address nobody listens on, and a short connect timeout."""
    dask = pytest.importorskip("dask")
    pytest.importorskip("distributed")
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        yield f"tcp://127.0.0.1:{port}"


def test_unreachable_scheduler_is_a_clear_error(reports, dead_address):
    with pytest.raises(ConfigError, match=f"cannot reach the Dask scheduler at '{dead_address}'"):
        sa.analyze(reports, engine="dask", scheduler=dead_address, use_cache=False)


def test_cli_scheduler_option(tmp_path, reports, dead_address):
    from click.testing import CliRunner

    from socanalysis.cli import main

    source = tmp_path / "export.csv"
    reports.to_csv(source, sep=";", index=False, encoding="utf-8-sig")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["analyze", str(source), "--out", str(out), "--scheduler", dead_address, "--quiet"]
    )
    assert result.exit_code == 2, result.output
    assert f"error: cannot reach the Dask scheduler at '{dead_address}'" in result.output
    assert not (out / "reports.csv").exists()
    wrong = CliRunner().invoke(main, ["analyze", str(source), "--engine", "spark"])
    assert wrong.exit_code == 2
    assert "'spark' is not one of 'local', 'dask'" in wrong.output
