"""Listing and deleting the disk caches (``socanalysis cache`` and socanalysis.cache_admin)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import socanalysis as sa
from socanalysis import cache_admin
from socanalysis.cache_admin import OTHER_FILES, cache_parts, cache_usage, clear_cache
from socanalysis.cache_root import CACHE_ENV
from socanalysis.cli import main
from socanalysis.errors import CacheError
from socanalysis.reports import read_reports

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "reports_webropol.csv"
REPORT_PARTS = {"report vectors", "report lemmas", "report results"}


def _sizes(usage: pd.DataFrame) -> dict[str, int]:
    return dict(zip(usage["part"], usage["bytes"], strict=True))


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> tuple[Path, pd.DataFrame, pd.DataFrame]:
    """A real analyze of 45 sample reports (UMAP path) with its own cache folder."""
    root = tmp_path_factory.mktemp("cache")
    table = read_reports(SAMPLE)
    table = table[table["status"] == "ok"].head(45).reset_index(drop=True)
    result = sa.analyze(table, cache_dir=str(root), seed=5)
    return root, table, result.reports


def test_every_file_a_run_writes_belongs_to_a_part(first_run):
    root, _, _ = first_run
    usage = cache_usage(root)
    assert OTHER_FILES not in set(usage["part"])
    sizes = _sizes(usage)
    assert all(sizes[part] > 0 for part in REPORT_PARTS), sizes
    assert set(usage.loc[usage["report_data"], "part"]) == REPORT_PARTS
    # the same holds for the shared folders the run used (dictionaries, compiled code): every
    # entry of a known folder is in some part
    shared = cache_usage()
    assert OTHER_FILES not in set(shared["part"]), shared[shared["part"] == OTHER_FILES]
    assert all(_sizes(shared)[part] > 0 for part in ("lemma dictionaries", "language dictionaries"))


def test_report_data_goes_and_the_next_run_rebuilds_it_the_same(first_run, tmp_path):
    root, table, first = first_run
    other = root / "lemmas" / "my-notes.txt"
    other.write_text("not ours")
    tool = root / "numba" / "compiled.nbi"  # a tool part: kept by --report-data
    tool.parent.mkdir(exist_ok=True)
    tool.write_bytes(b"12345")
    before = _sizes(cache_usage(root))
    assert before[OTHER_FILES] == len("not ours")

    deleted = clear_cache(root, report_data_only=True)
    assert set(deleted["part"]) == REPORT_PARTS
    assert _sizes(deleted) == {part: before[part] for part in REPORT_PARTS}
    after = _sizes(cache_usage(root))
    assert all(after[part] == 0 for part in REPORT_PARTS)
    assert after["compiled code"] == before["compiled code"] > 0
    assert other.read_text() == "not ours" and tool.exists()

    again = sa.analyze(table, cache_dir=str(root), seed=5).reports
    pd.testing.assert_frame_equal(again, first)
    assert all(_sizes(cache_usage(root))[part] > 0 for part in REPORT_PARTS)

    everything = clear_cache(root)
    assert "compiled code" in set(everything["part"])
    assert int(cache_usage(root)["bytes"].sum()) == len("not ours")  # only the stranger is left
    assert other.exists() and not tool.exists()


def test_empty_and_missing_roots(tmp_path, monkeypatch):
    missing = tmp_path / "never-made"
    usage = cache_usage(missing)
    assert list(usage["part"]) == [part.name for part in cache_parts()]
    assert usage["files"].sum() == 0
    assert clear_cache(missing).empty and not missing.exists()
    monkeypatch.setenv(CACHE_ENV, "")
    assert cache_usage().empty and clear_cache().empty


def test_a_file_that_cannot_be_deleted_is_named(tmp_path, monkeypatch):
    (tmp_path / "reports").mkdir()
    stuck = tmp_path / "reports" / "results-v1.sqlite3"
    stuck.write_bytes(b"x")
    (tmp_path / "reports" / "results-v1.sqlite3-wal").write_bytes(b"yy")
    real_unlink = Path.unlink

    def unlink(self, missing_ok=False):
        if self == stuck:
            raise PermissionError(13, "in use by another process")
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(CacheError, match=r"results-v1\.sqlite3: in use by another process"):
        clear_cache(tmp_path)
    assert stuck.exists() and not (tmp_path / "reports" / "results-v1.sqlite3-wal").exists()


def test_an_unreadable_folder_is_named(tmp_path, monkeypatch):
    (tmp_path / "reports").mkdir()
    real_iterdir = Path.iterdir

    def iterdir(self):
        if self.name == "reports":
            raise PermissionError(13, "Permission denied")
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    with pytest.raises(CacheError, match=r"reports: the cache folder cannot be read"):
        cache_usage(tmp_path)
    result = CliRunner().invoke(main, ["cache", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 2 and "Permission denied" in result.output


def test_the_parts_file_is_checked(monkeypatch):
    cache_parts.cache_clear()
    monkeypatch.setattr(
        "socanalysis._yaml.safe_load_yaml", lambda text: {"parts": [{"name": "x", "folder": "y"}]}
    )
    try:
        with pytest.raises(sa.ConfigError, match="caches.yaml: part 1 needs name, folder"):
            cache_admin.cache_parts()
        one = {"name": "x", "folder": "y", "patterns": "*", "report_data": True, "what": "z"}
        monkeypatch.setattr("socanalysis._yaml.safe_load_yaml", lambda text: {"parts": [one]})
        cache_parts.cache_clear()
        with pytest.raises(sa.ConfigError, match="patterns must be a list"):
            cache_admin.cache_parts()
    finally:
        cache_parts.cache_clear()


def test_command_lists_and_clears(tmp_path):
    (tmp_path / "embeddings").mkdir()
    (tmp_path / "embeddings" / "embeddings-v1.sqlite3").write_bytes(b"v" * 2500)
    (tmp_path / "language").mkdir()
    (tmp_path / "language" / "simplemma-2.0.0-v2-fi.npy").write_bytes(b"d" * 40)
    runner = CliRunner()

    shown = runner.invoke(main, ["cache", "--cache-dir", str(tmp_path)])
    assert shown.exit_code == 0, shown.output
    assert f"Cache folder: {tmp_path}\n" in shown.output
    line = next(x for x in shown.output.splitlines() if x.strip().startswith("report vectors"))
    assert line.split()[2:5] == ["1", "2.5", "kB"] and "yes" in line
    assert "Total 2.5 kB, of which 2.5 kB derived from report texts." in shown.output
    assert f"socanalysis cache --clear --cache-dir {tmp_path}" in shown.output

    cleared = runner.invoke(
        main, ["cache", "--clear", "--report-data", "--cache-dir", str(tmp_path)]
    )
    assert cleared.exit_code == 0, cleared.output
    assert cleared.output == f"Deleted 1 file (2.5 kB) from {tmp_path}: report vectors.\n"
    assert (tmp_path / "language" / "simplemma-2.0.0-v2-fi.npy").exists()
    nothing = runner.invoke(
        main, ["cache", "--clear", "--report-data", "--cache-dir", str(tmp_path)]
    )
    assert nothing.output == f"No report data cached in {tmp_path}.\n"
    rest = runner.invoke(main, ["cache", "--clear", "--cache-dir", str(tmp_path)])
    assert rest.output == f"Deleted 1 file (40 B) from {tmp_path}: language dictionaries.\n"


def test_command_reads_the_config_and_says_when_caches_are_off(tmp_path, monkeypatch):
    config = tmp_path / "settings.toml"
    config.write_text(f'cache_dir = "{(tmp_path / "run-cache").as_posix()}"\n')
    runner = CliRunner()
    shown = runner.invoke(main, ["cache", "--config", str(config)])
    assert shown.exit_code == 0, shown.output
    assert f"Cache folder: {tmp_path / 'run-cache'} (not created yet)" in shown.output

    monkeypatch.setenv(CACHE_ENV, "")
    off = runner.invoke(main, ["cache", "--clear"])
    assert off.exit_code == 0 and "Disk caches are off" in off.output

    bad = runner.invoke(main, ["cache", "--config", str(tmp_path / "missing.toml")])
    assert bad.exit_code == 2 and "missing.toml" in bad.output


def test_a_cache_folder_that_is_a_file_is_named(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from socanalysis.cli import main

    a_file = tmp_path / "afile"
    a_file.write_text("x", encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(a_file))
    for args in (["cache"], ["cache", "--clear"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert "is a file" in result.output
    assert a_file.read_text(encoding="utf-8") == "x"
