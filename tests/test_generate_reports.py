"""The benchmark report generator: deterministic, distinct texts, readable by the intake."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

import socanalysis as sa

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


def _load_generator():
    spec = importlib.util.spec_from_file_location(
        "generate_reports", ROOT / "benchmarks" / "generate_reports.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_reports"] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module")
def generated():
    return gen.generate_reports_with_gold(2000, seed=3)


@pytest.fixture(scope="module")
def sample():
    reports = pd.read_csv(
        SAMPLE / "reports_webropol.csv", sep=";", encoding="utf-8-sig", dtype=str,
        keep_default_na=False,
    )  # fmt: skip
    gold = pd.read_csv(SAMPLE / "gold.csv", dtype=str, keep_default_na=False)
    return reports, gold


def test_same_seed_same_table_other_seed_other_table():
    a = gen.generate_reports(300, seed=7)
    b = gen.generate_reports(300, seed=7)
    c = gen.generate_reports(300, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a["Havainto"].equals(c["Havainto"])


def test_columns_and_ids_like_the_webropol_export(generated, sample):
    reports, gold = generated
    assert list(reports.columns) == list(sample[0].columns)
    assert len(reports) == len(gold) == 2000
    assert reports["Vastauksen ID"].is_unique
    assert reports["Vastauksen ID"].tolist() == gold["report_id"].tolist()
    # ids grow with time, as in Webropol
    dates = pd.to_datetime(reports["Päivämäärä"], format="%d.%m.%Y klo %H.%M")
    assert dates.is_monotonic_increasing
    assert set(gold["source_report_id"]) <= set(sample[0]["Vastauksen ID"])


def test_all_texts_distinct_even_ignoring_case_spacing_and_diacritics(generated, sample):
    texts = generated[0]["Havainto"]
    keys = texts.str.casefold().str.translate(str.maketrans("åäö", "aao")).str.split().str.join(" ")
    assert keys.is_unique
    # and none is a sample text copied unchanged
    assert not set(texts) & set(sample[0]["Havainto"])


def test_language_shares_lengths_and_themes_near_the_sample(generated, sample):
    reports, gold = generated
    ref = sample[1]["language"].value_counts(normalize=True)
    got = gold["language"].value_counts(normalize=True)
    for lang in ("fi", "sv"):
        assert abs(got[lang] - ref[lang]) < 0.04, (lang, got[lang], ref[lang])
    ref_len = sample[0]["Havainto"].str.len().median()
    assert 0.8 * ref_len < reports["Havainto"].str.len().median() < 1.25 * ref_len
    assert set(gold["theme"]) == set(sample[1]["theme"])
    # weak signals stay where they are in the sample: from September 2025 only
    dates = pd.to_datetime(reports["Päivämäärä"], format="%d.%m.%Y klo %H.%M")
    assert dates[gold["weak_signal"] != ""].min() >= pd.Timestamp("2025-09-01")


def test_texts_keep_their_theme_words():
    """A generated report shares most of its words with its theme's sample reports."""
    reports, gold = gen.generate_reports_with_gold(200, seed=5)
    sample = pd.read_csv(
        SAMPLE / "reports_webropol.csv", sep=";", encoding="utf-8-sig", dtype=str,
        keep_default_na=False,
    ).merge(pd.read_csv(SAMPLE / "gold.csv", dtype=str), left_on="Vastauksen ID",
            right_on="report_id")  # fmt: skip
    words = {t: set(" ".join(g["Havainto"]).lower().split()) for t, g in sample.groupby("theme")}
    shares = [
        len(set(text.lower().split()) & words[theme]) / len(set(text.lower().split()))
        for text, theme in zip(reports["Havainto"], gold["theme"], strict=True)
    ]
    assert pd.Series(shares).median() > 0.8


def test_reads_through_the_intake_all_ok(tmp_path):
    reports, _ = gen.generate_reports_with_gold(500, seed=11)
    path = gen.write_webropol_csv(reports, tmp_path / "reports.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    table = sa.read_reports(path)
    assert len(table) == 500
    assert (table["status"] == "ok").all(), table["status"].value_counts()
    assert table["report_id"].tolist() == reports["Vastauksen ID"].tolist()
    assert set(table["polarity"]) <= {"positive", "negative"}


def test_cli_writes_reports_and_gold(tmp_path):
    out, gold = tmp_path / "r.csv", tmp_path / "g.csv"
    assert gen.main(["50", "--seed", "2", "--out", str(out), "--gold", str(gold)]) == 0
    written = pd.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(written, gen.generate_reports(50, seed=2))
    assert len(pd.read_csv(gold)) == 50


@pytest.mark.parametrize("bad", [0, -3, 2.5, "10", True])
def test_bad_size_is_refused(bad):
    with pytest.raises(ValueError, match="positive integer"):
        gen.generate_reports(bad)


def _load_runner():
    spec = importlib.util.spec_from_file_location("perf_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_table_has_every_stage_and_the_ratios():
    runner = _load_runner()
    rows = [
        {"size": 1000, "run": "ours warm", "status": "ok", "total_s": 12.5, "export_s": 1.0,
         "stages_s": {"intake": 0.2, "embeddings": 0.1}, "peak_rss_mb": 900.0, "n_themes": 14,
         "outlier_share": 0.05, "nmi": 0.8, "time_ratio": 1.1, "memory_ratio": 1.5},
        {"size": 1000, "run": "BERTopic, given our vectors", "status": "ok", "total_s": 11.4},
        {"size": 100000, "run": "ours cold", "status": "timeout after 3600 s"},
    ]  # fmt: skip
    lines = runner.table(rows).splitlines()
    assert len(lines) == 2 + len(rows)
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    for stage in runner.STAGES:
        assert f"{stage} s" in head
    first = dict(zip(head, [c.strip() for c in lines[2].strip("|").split("|")], strict=True))
    assert first["total s"] == "12.5" and first["export s"] == "1.0"
    assert first["time ×BT"] == "1.10" and first["reports"] == "1 000"
    assert "timeout after 3600 s" in lines[4]


def test_a_failing_case_is_a_row_not_a_crash(tmp_path):
    runner = _load_runner()
    row = runner.run_case(
        ["analyze", "--input", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "out")],
        tmp_path / "result.json",
        timeout=120,
        cache=tmp_path / "cache",
    )
    assert row["status"].startswith("failed:")
    assert "missing.csv" in row["status"]
