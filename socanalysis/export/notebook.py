"""The overview a Jupyter notebook shows for an :class:`~socanalysis.pipeline.AnalysisResult`.

``AnalysisResult._repr_html_`` calls :func:`result_html`: the counts of the run (rows read,
analysed, skipped by reason, languages), the largest themes with their size, languages, trend and
most frequent §11 point and sector, and the weak-signal candidates. Like every output written
for people to read, it shows no report text: theme labels are keywords, and values are escaped
(a theme renamed by hand can hold any characters).

Examples
--------
>>> import pandas as pd
>>> themes = pd.DataFrame({"theme_id": [0], "label_fi": ["asuminen, vuokra"],
...     "label_sv": ["boende, hyra"], "n_reports": [12], "n_fi": [8], "n_sv": [4],
...     "trend": ["rising"], "top_shl": ["2"], "top_sectors": ["housing"]})
>>> weak = pd.DataFrame({"weak_signal_id": [0], "label_fi": ["huijaus"],
...     "label_sv": ["bedrägeri"], "n_reports": [2], "score": [0.81]})
>>> counts = {"rows": 13, "analysed": 12, "by_status": {"ok": 12, "empty": 1},
...     "by_language": {"fi": 8, "sv": 4}}
>>> html = overview_html(counts, themes, weak, language="sv")
>>> "boende, hyra" in html and "skipped: empty 1" in html and "bedrägeri" in html
True
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Any

from socanalysis.export.summaries import theme_name, themes_in_order

if TYPE_CHECKING:
    import pandas as pd

    from socanalysis.pipeline import AnalysisResult

__all__ = ["MAX_ROWS", "overview_html", "result_html"]

#: themes and weak signals listed at most (the tables of the result hold them all)
MAX_ROWS = 10

_THEME_COLUMNS = {
    "theme_id": "theme",
    "n_reports": "reports",
    "n_fi": "fi",
    "n_sv": "sv",
    "trend": "trend",
    "top_shl": "§11",
    "top_sectors": "sector",
}
_WEAK_COLUMNS = {"weak_signal_id": "signal", "n_reports": "reports", "score": "score"}


def _table(frame: pd.DataFrame, columns: Mapping[str, str], language: str) -> str:
    """An HTML table of ``frame``'s first rows: the label in ``language``, then ``columns``."""
    shown = frame.head(MAX_ROWS)
    keep = {k: v for k, v in columns.items() if k in shown.columns}
    table = shown[list(keep)].rename(columns=keep)
    names = [theme_name(row, language) for row in shown.to_dict("records")]
    table.insert(1, "label", names)
    html = table.to_html(
        index=False, escape=True, na_rep="", border=0, float_format="{:.2f}".format
    )
    more = len(frame) - len(shown)
    return html + (f"<p>… and {more} more.</p>" if more > 0 else "")


def overview_html(
    counts: Mapping[str, Any],
    themes: pd.DataFrame,
    weak_signals: pd.DataFrame,
    language: str = "fi",
) -> str:
    """The overview of one run as HTML (see the module docstring); ``counts`` as in run.json."""
    parts = [
        f"<p><b>socanalysis</b>: {int(counts.get('rows', 0))} reports read, "
        f"{int(counts.get('analysed', 0))} analysed"
    ]
    skipped = {k: v for k, v in (counts.get("by_status") or {}).items() if k != "ok"}
    if skipped:
        listed = ", ".join(f"{escape(str(k))} {int(v)}" for k, v in sorted(skipped.items()))
        parts.append(f"; skipped: {listed}")
    languages = counts.get("by_language") or {}
    if languages:
        listed = ", ".join(f"{escape(str(k))} {int(v)}" for k, v in languages.items())
        parts.append(f"; languages: {listed}")
    parts.append(".</p>")
    if len(themes):
        ordered = themes_in_order(themes)
        parts.append(f"<p>{len(ordered)} themes, largest first (<code>result.themes</code>):</p>")
        parts.append(_table(ordered, _THEME_COLUMNS, language))
    if len(weak_signals):
        parts.append(
            f"<p>{len(weak_signals)} weak-signal candidates "
            "(<code>result.weak_signals</code>, for people to judge):</p>"
        )
        parts.append(_table(weak_signals, _WEAK_COLUMNS, language))
    else:
        parts.append("<p>No weak-signal candidates.</p>")
    return "<div>" + "".join(parts) + "</div>"


def result_html(result: AnalysisResult) -> str:
    """:func:`overview_html` of an analysis result, in its configured output language."""
    return overview_html(
        result.run_info.get("counts", {}),
        result.themes,
        result.weak_signals,
        language=result.config.output_language,
    )
