"""Checks of the tables a chart is drawn from, so that a wrong table is a clear error.

A chart given the wrong one of a result's tables (``result.reports`` where ``result.themes``
belongs, the two swapped, ``result.weak_signals`` for an emergence table) would otherwise fail
with a bare ``KeyError`` or, worse, draw an empty chart. :func:`check_table` raises an
:class:`~socanalysis.errors.InputError` that names the chart, the argument, the columns it
lacks, which table it looks like, and what to pass. Columns are required only of a table with
rows: an empty table gives the chart's "No data" figure whatever its columns.

Examples
--------
>>> import pandas as pd, textwrap
>>> reports = pd.DataFrame({"report_id": ["r1"], "status": ["ok"], "theme_id": [0]})
>>> try:
...     check_table(reports, ("theme_id", "n_reports"), chart="themes_by_size",
...                 argument="themes", expected="themes", hint="result.themes")
... except InputError as error:
...     print(textwrap.fill(str(error), 80))
themes_by_size: `themes` is the report table (result.reports, one row per
report), not the themes table (result.themes, one row per theme), and lacks
column(s) n_reports. Pass result.themes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from socanalysis.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["check_table", "table_kind"]

#: The tables of a result, as a message names them.
TABLE_NAMES = {
    "reports": "the report table (result.reports, one row per report)",
    "themes": "the themes table (result.themes, one row per theme)",
    "weak_signals": "the weak-signal table (result.weak_signals, one row per candidate)",
}
# columns that only the report table has (themes and weak signals count reports, not list them)
_REPORT_COLUMNS = {"report_id", "status", "date", "text_masked"}


def table_kind(frame: pd.DataFrame) -> str | None:
    """Which table of a result ``frame`` looks like: reports, themes, weak_signals or None.

    Examples
    --------
    >>> import pandas as pd
    >>> table_kind(pd.DataFrame(columns=["theme_id", "label_fi", "n_reports"]))
    'themes'
    >>> table_kind(pd.DataFrame(columns=["term", "frequency", "growth"])) is None
    True
    """
    columns = {str(c) for c in frame.columns}
    if columns & _REPORT_COLUMNS:
        return "reports"
    if "weak_signal_id" in columns:
        return "weak_signals"
    if {"theme_id", "n_reports"} <= columns:
        return "themes"
    return None


def check_table(
    frame: Any,
    needed: Sequence[str],
    *,
    chart: str,
    argument: str,
    expected: str | None,
    hint: str,
) -> None:
    """Raise InputError if ``frame`` is not the table that ``chart`` draws from.

    Parameters
    ----------
    frame : DataFrame
        The table given as ``argument``.
    needed : sequence of str
        Columns the chart reads (required when the table has rows).
    chart, argument : str
        The chart function and its argument, for the message.
    expected : {"reports", "themes"} or None
        Which table of a result belongs there; another result table is refused even where
        it has the needed columns (the arguments swapped). None: any table with the columns.
    hint : str
        What to pass, e.g. ``"result.themes"``.
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"{chart}: `{argument}` must be a pandas DataFrame, not {type(frame).__name__}. "
            f"Pass {hint}."
        )
    kind = table_kind(frame)
    wrong = kind is not None and expected is not None and kind != expected
    columns = {str(c) for c in frame.columns}
    missing = [c for c in needed if c not in columns] if len(frame) else []
    if not wrong and not missing:
        return
    problems = []
    if kind is not None and kind != expected:
        looks = f"is {TABLE_NAMES[kind]}"
        if expected is not None:
            looks += f", not {TABLE_NAMES[expected]}"
        problems.append(looks)
    if missing:
        problems.append(f"lacks column(s) {', '.join(missing)}")
    raise InputError(f"{chart}: `{argument}` {', and '.join(problems)}. Pass {hint}.")
