"""What the human-readable writers take from a result, and the privacy rule they share.

The writers accept an :class:`~socanalysis.pipeline.AnalysisResult` or anything with the same
attributes (``reports``, ``themes``, ``weak_signals``, ``run_info``, optionally ``config``). They
read report text only through :func:`masked_text` and :func:`masked_proposal`: raw ``text`` and
``proposal`` never reach a file meant for people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socanalysis.errors import InputError
from socanalysis.export.contract import THEMES_COLUMNS, WEAK_SIGNALS_COLUMNS
from socanalysis.export.summaries import is_missing

if TYPE_CHECKING:
    import pandas as pd

#: Columns that hold raw, unmasked report text; no human-readable writer may output them.
RAW_TEXT_COLUMNS = ("text", "proposal")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class ResultParts:
    """The tables of a result, checked, with the period setting."""

    reports: pd.DataFrame
    themes: pd.DataFrame
    weak_signals: pd.DataFrame
    run_info: dict[str, Any]
    period: str = "auto"
    # tables derived from ``reports`` once per writer call instead of once per theme
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def has_proposals(self) -> bool:
        """Whether masked proposals exist (only those may be shown)."""
        return "proposal_masked" in self.reports.columns

    def masked_texts(self) -> pd.Series:
        """:func:`masked_text` of the reports, computed once."""
        if "masked_text" not in self._memo:
            self._memo["masked_text"] = masked_text(self.reports)
        return self._memo["masked_text"]

    def theme_report_ids(self, theme_id: Any) -> list[str]:
        """Ids of the analysed reports of one theme, in table order (computed once for all)."""
        if "theme_reports" not in self._memo:
            from socanalysis.export.summaries import analysed

            rows = analysed(self.reports)
            groups: dict[Any, list[str]] = {}
            if "theme_id" in rows.columns:
                ids = rows["report_id"].astype(str).tolist()
                for key, rid in zip(rows["theme_id"].tolist(), ids, strict=True):
                    if key == key:  # NaN equals no theme id
                        groups.setdefault(key, []).append(rid)
            self._memo["theme_reports"] = groups
        return list(self._memo["theme_reports"].get(theme_id, []))


def result_parts(result_like: Any) -> ResultParts:
    """Take the tables from a result (or a look-alike), raising InputError if one is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> parts = result_parts(SimpleNamespace(reports=pd.DataFrame({"report_id": ["a"]}),
    ...     themes=None, weak_signals=None, run_info={}))
    >>> len(parts.themes.columns), parts.period
    (16, 'auto')
    """
    import pandas as pd

    missing = [a for a in ("reports", "themes", "weak_signals") if not hasattr(result_like, a)]
    if missing:
        raise InputError(
            f"expected an analysis result with reports, themes and weak_signals; "
            f"{type(result_like).__name__} lacks {', '.join(missing)}"
        )
    reports = result_like.reports
    if not isinstance(reports, pd.DataFrame) or "report_id" not in reports.columns:
        raise InputError("result.reports must be a DataFrame with a report_id column")
    themes = result_like.themes
    if themes is None:
        themes = pd.DataFrame({c: [] for c in THEMES_COLUMNS})
    weak = result_like.weak_signals
    if weak is None:
        weak = pd.DataFrame({c: [] for c in WEAK_SIGNALS_COLUMNS})
    config = getattr(result_like, "config", None)
    period = getattr(config, "period", "auto") or "auto"
    return ResultParts(
        reports, themes, weak, dict(getattr(result_like, "run_info", {}) or {}), period
    )


def clean_cell(value: Any, limit: int = 32_000) -> str:
    """A value as text for a cell: no control characters, at most ``limit`` characters.

    Examples
    --------
    >>> clean_cell("a\\x07b"), clean_cell(None), clean_cell(float("nan"))
    ('ab', '', '')
    """
    if is_missing(value):
        return ""
    text = _CONTROL.sub("", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary to at most ``limit`` characters, marking the cut.

    Examples
    --------
    >>> shorten("Vuokrat nousivat taas tänä vuonna", 20)
    'Vuokrat nousivat…'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(",;:.") + "…"


def masked_text(reports: pd.DataFrame) -> pd.Series:
    """Masked report texts by report_id; empty when the privacy stage has not run."""
    import pandas as pd

    if "text_masked" not in reports.columns:
        return pd.Series("", index=reports["report_id"].astype(str))
    values = reports["text_masked"].fillna("").astype(str).map(clean_cell)
    return pd.Series(values.to_numpy(), index=reports["report_id"].astype(str))


def masked_proposal(reports: pd.DataFrame) -> pd.Series:
    """Masked proposals by report_id; empty when no masked proposal column exists."""
    import pandas as pd

    if "proposal_masked" not in reports.columns:
        return pd.Series("", index=reports["report_id"].astype(str))
    values = reports["proposal_masked"].fillna("").astype(str).map(clean_cell)
    return pd.Series(values.to_numpy(), index=reports["report_id"].astype(str))


def theme_excerpts(
    parts: ResultParts, theme: dict[str, Any], n: int = 3, limit: int = 300
) -> list[tuple[str, str]]:
    """Up to ``n`` ``(report_id, masked excerpt)`` for a theme: its example reports first, then
    its other reports in table order."""
    from socanalysis.export.summaries import split_keys

    texts = parts.masked_texts()
    wanted = split_keys(theme.get("example_report_ids", ""))
    seen = set(wanted)
    wanted += [r for r in parts.theme_report_ids(theme.get("theme_id")) if r not in seen]
    out = []
    for report_id in wanted:
        text = texts.get(report_id, "")
        if isinstance(text, str) and text.strip():
            out.append((report_id, shorten(text, limit)))
        if len(out) == n:
            break
    return out
