"""What a Jupyter notebook shows: for an analysis result counts and themes, never report text;
for a chart, its picture."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import socanalysis as sa
from socanalysis.export import charts
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
    # the per-report table to show is the one of reports.csv: no raw text
    shown = result.report_table()
    assert "text" not in shown.columns and "proposal" not in shown.columns
    assert shown["text_masked"].tolist() == result.reports["text_masked"].tolist()
    assert len(shown) == len(table)


# ---------------------------------------------------------------------- charts in a notebook
ROOT = Path(__file__).resolve().parents[1]
_CHART_CELL = """\
import pandas as pd
from socanalysis.export.charts import themes_by_size
themes = pd.DataFrame({"theme_id": [0, 1], "label_fi": ["Asuminen", "Jonot"],
    "label_sv": ["Boende", "Köer"], "n_reports": [5, 3], "n_fi": [4, 1], "n_sv": [1, 2]})
fig = themes_by_size(themes, "en")"""


def test_a_chart_has_a_png_picture_for_jupyter():
    png = charts.themes_by_size(_themes(3), "en")._repr_png_()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000


def test_importing_the_package_loads_neither_ipython_nor_matplotlib():
    code = (
        "import sys, socanalysis, socanalysis.export.charts, socanalysis.themes.weak_plots; "
        "print(sorted({'IPython', 'matplotlib'} & set(sys.modules)))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert completed.stdout.strip() == "[]"


def _images(cell) -> int:
    return sum("image/png" in output.get("data", {}) for output in cell.outputs)


def test_a_cell_ending_in_a_chart_shows_it_once_without_set_up(monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # this checkout's code in the kernel; Jupyter's own default backend (matplotlib-inline)
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    monkeypatch.setenv("PYTHONPATH", path)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    cells = [
        _CHART_CELL,
        "fig",
        # once pyplot is imported the inline backend has its own figure formatter: still once
        "import matplotlib.pyplot as plt\nfig",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    assert [_images(cell) for cell in notebook.cells] == [0, 1, 1]
