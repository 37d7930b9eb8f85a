"""What a Jupyter notebook shows for an analysis result: counts and themes, never report text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import socanalysis as sa
from socanalysis.export.notebook import MAX_ROWS, overview_html
from socanalysis.reports import read_reports

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "reports_webropol.csv"


def _themes(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme_id": list(range(n)),
            "label_fi": [f"teema {i}" for i in range(n)],
            "label_sv": [f"tema {i}" for i in range(n)],
            "n_reports": [i + 1 for i in range(n)],  # the last is the largest
            "n_fi": [1] * n,
            "n_sv": [i for i in range(n)],
            "trend": ["stable"] * n,
            "top_shl": ["2"] * n,
            "top_sectors": ["housing"] * n,
        }
    )


def test_largest_themes_first_and_the_rest_counted():
    html = overview_html({"rows": 3, "analysed": 3}, _themes(13), pd.DataFrame())
    assert html.index("teema 12") < html.index("teema 11")  # largest first
    assert "teema 2<" not in html and "teema 3<" in html  # only the MAX_ROWS largest
    assert f"… and {13 - MAX_ROWS} more." in html
    assert "No weak-signal candidates." in html
    assert ">tema 12<" in overview_html({}, _themes(13), pd.DataFrame(), language="sv")


def test_values_are_escaped():
    themes = _themes(1).assign(label_fi=["<script>alert(1)</script>"])
    html = overview_html({"by_status": {"ok": 1, "<b>": 2}}, themes, pd.DataFrame())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html.replace("<b>socanalysis</b>", "")


def test_a_real_result_shows_counts_and_no_report_text():
    table = read_reports(SAMPLE).head(30)
    result = sa.analyze(table, seed=1)
    html = result._repr_html_()
    counts = result.summary()
    assert f"{counts['rows']} reports read, {counts['analysed']} analysed" in html
    assert f"{len(result.themes)} themes" in html
    for label in result.themes["label_fi"].head(MAX_ROWS):
        assert f">{label}<" in html
    texts = result.reports["text_masked"].dropna()
    assert all(text.strip() not in html for text in texts if len(text.strip()) > 20)
