"""Write the per-report and per-theme CSV files and run.json, byte-for-byte reproducibly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socanalysis.export.contract import (
    REPORTS_COLUMNS,
    REPORTS_TRACE_COLUMNS,
    THEMES_COLUMNS,
    WEAK_SIGNALS_COLUMNS,
)

if TYPE_CHECKING:
    import pandas as pd

_FLOAT_FORMAT = "%.4f"  # fixed precision: floats print the same on every platform


def reports_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The reports.csv view of an analysed table: contract columns, then trace columns.

    Raw text never appears here, only ``text_masked``.
    """
    frame = table.loc[:, [*REPORTS_COLUMNS, *REPORTS_TRACE_COLUMNS]].copy()
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d").fillna("")
    return frame


def write_csv(frame: pd.DataFrame, path: Path, columns: tuple[str, ...] | None = None) -> Path:
    """Write a table as UTF-8 CSV with ``\\n`` line ends and fixed float precision."""
    if columns is not None:
        frame = frame.reindex(columns=list(columns))
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(
        path, index=False, encoding="utf-8", lineterminator="\n", float_format=_FLOAT_FORMAT
    )
    return path


def write_contract_tables(
    reports: pd.DataFrame, themes: pd.DataFrame, weak_signals: pd.DataFrame, out_dir: Path
) -> list[Path]:
    """Write reports.csv, themes.csv and weak_signals.csv into ``out_dir``."""
    return [
        write_csv(reports_frame(reports), out_dir / "reports.csv"),
        write_csv(themes, out_dir / "themes.csv", THEMES_COLUMNS),
        write_csv(weak_signals, out_dir / "weak_signals.csv", WEAK_SIGNALS_COLUMNS),
    ]


def write_json(data: dict[str, Any], path: Path) -> Path:
    """Write JSON with sorted keys and readable non-ASCII letters."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n",
        encoding="utf-8",
    )
    return path
