"""Bar chart of themes by size, split by language (matplotlib).

Examples
--------
>>> import pandas as pd
>>> themes = pd.DataFrame({"theme_id": [0, 1], "label_fi": ["asunto", "velka"],
...                        "label_sv": ["bostad", "skuld"], "n_reports": [5, 3],
...                        "n_fi": [3, 2], "n_sv": [2, 1]})
>>> fig = plot_themes(themes, language="sv")
>>> fig.axes[0].get_yticklabels()[-1].get_text()
'0 bostad'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_themes"]


def plot_themes(
    themes_df: pd.DataFrame,
    language: str = "fi",
    max_themes: int = 30,
    *,
    ax: Axes | None = None,
) -> Figure:
    """Horizontal bars, largest theme on top, each split into fi / sv / other reports.

    Parameters
    ----------
    themes_df : DataFrame
        ``ThemeModel.themes_`` (needs theme_id, label_<language>, n_reports, n_fi, n_sv).
    language : {"fi", "sv", "en"}
        Language of the labels and titles (en: English titles, Finnish theme labels).
    max_themes : int
        Show at most this many themes (largest first); outliers (-1) are shown last.
    ax : matplotlib Axes, optional
        Draw into this axes (e.g. one of ``plt.subplots``) and return its figure, whose layout
        is left alone; by default a new figure sized to the number of themes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from socanalysis.errors import ConfigError, InputError
    from socanalysis.export.figure import figure_and_axes
    from socanalysis.export.labels import UiText
    from socanalysis.export.summaries import language_segments, theme_name

    if language not in ("fi", "sv", "en"):
        raise ConfigError(f"language must be 'fi', 'sv' or 'en', got {language!r}.")
    label_column = "label_sv" if language == "sv" else "label_fi"  # en: the Finnish label
    need = {"theme_id", label_column, "n_reports", "n_fi", "n_sv"}
    missing = sorted(need - set(themes_df.columns))
    if missing:
        raise InputError(
            f"themes table lacks column(s) {', '.join(missing)}; pass ThemeModel.themes_."
        )
    ui = UiText(language)  # the words of the meeting report's charts
    data = themes_df.assign(_out=themes_df["theme_id"] < 0)
    data = data.sort_values(["_out", "n_reports", "theme_id"], ascending=[True, False, True])
    data = data.head(max_themes).iloc[::-1]
    fi, sv, other = language_segments(data)  # a mixed report once, with the Finnish ones
    names = [f"{row['theme_id']} {theme_name(row, language)}" for row in data.to_dict("records")]
    fig, ax, own = figure_and_axes(ax, (8, 0.4 * len(data) + 1.5))
    ax.barh(names, fi, color="#1f77b4", label=ui("charts", "fi"))
    ax.barh(names, sv, left=fi, color="#ff7f0e", label=ui("charts", "sv"))
    ax.barh(names, other, left=fi + sv, color="#7f7f7f", label=ui("charts", "other"))
    ax.set_xlabel(ui("charts", "n_reports"))
    ax.set_title(ui("charts", "themes_by_size"))
    ax.legend(loc="lower right")
    if own:  # a caller's figure keeps the caller's layout
        fig.tight_layout()
    return fig
