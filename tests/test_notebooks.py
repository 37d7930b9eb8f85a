"""The notebooks run top to bottom on the sample data and are stored without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_both_notebooks_are_there():
    assert [p.name for p in NOTEBOOKS] == [
        "01_analyst_walkthrough.ipynb",
        "02_practice_research.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    assert all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("SOCANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    errors = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert not errors
    # a chart at the end of a cell shows as a picture, with no %matplotlib set-up
    charts = [c for c in notebook.cells if c.cell_type == "code" and c.source.endswith("\nfig")]
    assert all(any("image/png" in o.get("data", {}) for o in c.outputs) for c in charts)
    assert len(charts) == (2 if path.stem == "01_analyst_walkthrough" else 0)
    shown = "\n".join(
        str(o.get("data", o.get("text", "")))
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    for planted in ("131052-308T", "@example.fi"):  # masked text only, in every output
        assert planted not in shown
    if path.stem == "02_practice_research":
        # the saved and loaded theme model places every report as the original does
        (reload_cell,) = [c for c in notebook.cells if "reloaded.transform" in c.source]
        agreement = reload_cell.outputs[-1]["data"]["text/plain"]
        assert agreement in ("1.0", "np.float64(1.0)"), agreement
