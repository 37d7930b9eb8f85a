"""All human-readable outputs of a run in one call: workbook, meeting report, charts, codebook.

``pipeline.AnalysisResult.save`` (or the ``analyze`` command) calls :func:`write_outputs` after
the contract CSV files, so that ``DIR`` holds summary.xlsx, report.html, report.md,
charts/*.png and codebook.qdc.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from socanalysis.export.labels import check_language

SUMMARY_FILE = "summary.xlsx"
CODEBOOK_FILE = "codebook.qdc"


def write_outputs(
    result_like: Any,
    out_dir: str | os.PathLike[str],
    language: str | None = None,
    *,
    shl_labels: Any = None,
    sector_labels: Any = None,
    charts: bool = True,
) -> list[Path]:
    """Write summary.xlsx, report.html, report.md (+ charts/*.png) and codebook.qdc.

    Parameters
    ----------
    result_like : AnalysisResult or look-alike
    out_dir : path
        The results folder.
    language : str, optional
        fi, sv or en; default: ``result_like.config.output_language`` (else fi).
    shl_labels, sector_labels : mapping or taxonomy, optional
        Category labels; the taxonomy objects of ``socanalysis.classify`` work as they are.
    charts : bool
        Draw the charts (the slowest part, about 3 s for six charts on 2 cores).

    Returns
    -------
    list of Path
        The files written.
    """
    from socanalysis.export.qda import write_qdc
    from socanalysis.export.report import write_report
    from socanalysis.export.workbook import write_workbook

    config = getattr(result_like, "config", None)
    language = check_language(language or getattr(config, "output_language", None) or "fi")
    out = Path(out_dir)
    labels = {"shl_labels": shl_labels, "sector_labels": sector_labels}
    # the examples per theme the run was asked for, as themes.csv lists them
    n_examples = int(getattr(config, "n_examples", 3))
    paths = [
        write_workbook(result_like, out / SUMMARY_FILE, language, n_examples=n_examples, **labels)
    ]
    report = write_report(
        result_like, out, language, charts=charts, n_excerpts=n_examples, **labels
    )
    paths += list(report.values())
    paths.append(
        write_qdc(result_like.themes, shl_labels, sector_labels, out / CODEBOOK_FILE, language)
    )
    return paths
