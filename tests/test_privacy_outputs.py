"""No planted identifier of the sample data reaches anything written for people to read."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

import socanalysis as sa

ROOT = Path(__file__).resolve().parents[1]
HUMAN_READABLE = (
    "summary.xlsx",
    "report.html",
    "report.md",
    "themes.csv",
    "weak_signals.csv",
    "reports.csv",
    "codebook.qdc",
)


@pytest.mark.slow
def test_sample_identifiers_never_reach_the_outputs(tmp_path, monkeypatch):
    monkeypatch.setenv("SOCANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    planted = pd.read_csv(ROOT / "sample_data" / "gold_pii.csv", dtype=str)
    assert len(planted) >= 40
    result = sa.analyze(ROOT / "sample_data" / "reports_webropol.csv", seed=42)
    raw = "\n".join(result.reports["text"])
    assert all(value in raw for value in planted["value"])  # the identifiers were really there
    out = tmp_path / "results"
    result.save(out)
    for name in HUMAN_READABLE:
        path = out / name
        if path.suffix == ".xlsx":  # every XML part of the workbook: cells, shared strings, sheets
            with zipfile.ZipFile(path) as archive:
                text = "\n".join(
                    archive.read(n).decode("utf-8")
                    for n in archive.namelist()
                    if n.endswith(".xml")
                )
        else:
            text = path.read_text(encoding="utf-8")
        leaked = [v for v in planted["value"] if v in text]
        assert not leaked, f"{name} shows {leaked}"
    assert int(result.reports["pii_masked"].sum()) >= len(planted)
