"""The per-report results cache: language and masking of reports seen before come from disk."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from socanalysis import pipeline
from socanalysis.config import AnalysisConfig
from socanalysis.nlp import language, privacy, result_cache
from socanalysis.nlp.result_cache import (
    ResultCache,
    ResultCacheWarning,
    active_result_cache,
    cached_results,
    result_disk_cache,
)
from socanalysis.reports import read_reports

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "reports_webropol.csv"


def _refuse(*args, **kwargs):
    raise AssertionError("computed instead of read from the cache")


@pytest.fixture(scope="module")
def reports() -> pd.DataFrame:
    table = read_reports(SAMPLE)
    table = table[table["status"] == "ok"].head(60).reset_index(drop=True)
    assert (table["proposal"] != "").any()  # proposals are masked too
    return table


def _per_report(table: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    table = table.copy()
    for column, empty in pipeline._EMPTY_ANALYSIS.items():
        table[column] = empty
    rows = (table["status"] == "ok").to_numpy()
    pipeline._stage_language(table, rows, AnalysisConfig(seed=seed))
    pipeline._stage_privacy(table, rows)
    return table[
        ["language", "language_confidence", "text_masked", "proposal_masked", "pii_masked"]
    ]


def test_results_from_the_cache_equal_computed_ones(reports, tmp_path, monkeypatch):
    expected = _per_report(reports)
    assert expected["pii_masked"].sum() > 0 and set(expected["language"]) >= {"fi", "sv"}
    with result_disk_cache(tmp_path) as disk:
        assert active_result_cache() is disk
        # half the reports first: the second run mixes stored and computed results
        _per_report(reports.iloc[::2])
        pd.testing.assert_frame_equal(_per_report(reports), expected)
    assert active_result_cache() is None
    assert disk.path == tmp_path / "reports" / "results-v1.sqlite3"

    monkeypatch.setattr(language, "detect_languages", _refuse)
    monkeypatch.setattr(privacy, "mask_reports", _refuse)
    with result_disk_cache(tmp_path):
        pd.testing.assert_frame_equal(_per_report(reports), expected)
        with pytest.raises(AssertionError, match="computed"):  # another seed: not stored
            _per_report(reports, seed=1)
    with pytest.raises(AssertionError, match="computed"):  # no cache active: computed
        _per_report(reports)


def test_only_missing_keys_are_computed_in_their_order(tmp_path):
    asked: list[list[int]] = []

    def lengths(keys):
        def compute(positions):
            asked.append(positions)
            return [[len(keys[i]), keys[i]] for i in positions]

        return compute

    with result_disk_cache(tmp_path):
        first = ["aa", "b", "aa"]
        assert cached_results("toy", first, lengths(first)) == [[2, "aa"], [1, "b"], [2, "aa"]]
        second = ["ccc", "b", "aa", "dd"]
        assert cached_results("toy", second, lengths(second)) == [
            [3, "ccc"], [1, "b"], [2, "aa"], [2, "dd"],
        ]  # fmt: skip
        assert cached_results("other", ["b"], lengths(["b"])) == [[1, "b"]]
    assert asked == [[0, 1, 2], [0, 3], [0]]


def test_a_new_fingerprint_starts_afresh(tmp_path, monkeypatch):
    calls = []

    def compute(positions):
        calls.append(positions)
        return [[1] for _ in positions]

    with result_disk_cache(tmp_path):
        cached_results("toy", ["x"], compute)
        cached_results("toy", ["x"], compute)
        monkeypatch.setattr(result_cache, "fingerprint", lambda: "another version")
        cached_results("toy", ["x"], compute)
    assert calls == [[0], [0]]


def test_fingerprint_follows_the_nlp_files_and_versions():
    here = Path(result_cache.__file__).parent
    assert len(result_cache.fingerprint()) == 16
    # the detector's weights and the masker's lists are among the hashed files
    assert (here / "data" / "language_weights.json").exists()
    assert (here / "data" / "privacy_names.yaml").exists()


def test_no_root_and_caches_off_mean_no_cache(monkeypatch):
    monkeypatch.setenv("SOCANALYSIS_CACHE_DIR", "")
    with result_disk_cache(None) as disk:
        assert disk is None
        assert cached_results("toy", ["a"], lambda positions: [[7] for _ in positions]) == [[7]]


def test_a_damaged_file_warns_and_the_run_goes_on(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / result_cache.CACHE_FILENAME).write_bytes(b"not a database" * 100)
    with pytest.warns(ResultCacheWarning, match="results cache"), result_disk_cache(tmp_path):
        assert cached_results("toy", ["a", "b"], lambda p: [[i] for i in p]) == [[0], [1]]


def test_analyze_without_caches_does_not_touch_the_folder(tmp_path):
    table = pd.DataFrame({"teksti": ["Nuorten asumiskulut nousevat.", "Äldre får inte hjälp."]})
    result = pipeline.analyze(table, use_cache=False, cache_dir=str(tmp_path))
    assert result.reports["language"].tolist() == ["fi", "sv"]
    assert not (tmp_path / "reports").exists()


def test_stored_values_round_trip_types(tmp_path):
    cache = ResultCache(tmp_path)
    assert cache.store("ns", [b"k"], [["fi", 0.875, 3]]) == 1
    assert cache.lookup("ns", [b"k"]) == {0: ["fi", 0.875, 3]}
    assert repr(cache) == f"ResultCache({str(tmp_path)!r})"
