"""The emergence map: frequency against growth, with the weak-signal quadrant marked.

Draws Yoon's (2012) Keyword Emergence Map (average term frequency against the growth of the
degree of visibility) or Keyword Issue Map (average document frequency against the growth of the
degree of diffusion) from :attr:`WeakSignalDetector.emergence_
<socanalysis.themes.weak_signals.WeakSignalDetector>`. The quadrants are cut at the medians, the
weak-signal quadrant (low frequency, high growth) is shaded and named, and the fastest-growing
points of the weak and strong quadrants are labelled. Titles, axes, legend and caption are in
the chosen language (fi, sv or en; ``emergence_map`` in ``export/data/ui_strings.yaml``).
Colours are the Okabe-Ito palette (colour-blind safe) and each quadrant also has its own
marker shape. The figure is a matplotlib ``Figure`` made without pyplot (no pyplot state, no
change of the user's backend); in Jupyter it displays as the cell's value
(:class:`~socanalysis.export.figure.ChartFigure`) and ``fig.savefig(...)`` writes it.

Examples
--------
>>> import pandas as pd
>>> emergence = pd.DataFrame({"term": ["a", "b", "c", "d"], "kind": "term",
...     "frequency": [0.2, 3.0, 0.3, 2.5], "growth": [0.9, 0.8, 0.0, 0.01],
...     "quadrant": ["weak", "strong", "latent", "well_known"]})
>>> fig = plot_emergence_map(emergence)
>>> fig.axes[0].get_title()
'Avainsanojen esiinnousukartta (sanat)'
>>> plot_emergence_map(emergence, language="en").axes[0].get_title()
'Keyword Emergence Map (terms)'
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from socanalysis.errors import ConfigError
from socanalysis.export.chart_inputs import check_table
from socanalysis.export.labels import UiText

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["KINDS", "QUADRANT_STYLE", "plot_emergence_map"]

#: Okabe-Ito colours and distinct markers per quadrant; the legend text of each quadrant is the
#: UI string ``emergence_map.<quadrant>`` ("weak signal: rare, growing", ...).
QUADRANT_STYLE: dict[str, dict[str, str]] = {
    "weak": {"color": "#D55E00", "marker": "o"},
    "strong": {"color": "#0072B2", "marker": "s"},
    "latent": {"color": "#999999", "marker": "^"},
    "well_known": {"color": "#009E73", "marker": "D"},
}
#: x column, y column, quadrant column per map; the map's name and x label are UI strings
_MAPS = {
    "kem": ("frequency", "growth", "quadrant"),
    "kim": ("doc_frequency", "doc_growth", "issue_quadrant"),
}
#: The rows of ``WeakSignalDetector.emergence_``: lemmas, themes and novelty groups.
KINDS = ("term", "theme", "group")


def plot_emergence_map(
    emergence: pd.DataFrame,
    kind: str | tuple[str, ...] = "term",
    which: str = "kem",
    n_labels: int = 12,
    ax: Axes | None = None,
    title: str | None = None,
    language: str = "fi",
) -> Figure:
    """Plot frequency against growth, weak quadrant marked, top points labelled.

    Parameters
    ----------
    emergence : DataFrame
        ``WeakSignalDetector.emergence_`` (or :func:`~socanalysis.themes.weak_emergence.
        emergence_map` output).
    kind : str or tuple of str
        Which rows: ``"term"`` (lemmas), ``"theme"``, ``"group"``, or a tuple of these.
    which : {"kem", "kim"}
        Keyword Emergence Map (TF, visibility) or Keyword Issue Map (DF, diffusion).
    n_labels : int
        How many points of the weak and strong quadrants to label (fastest-growing first).
    ax : matplotlib Axes, optional
        Draw into this axes (e.g. one of ``plt.subplots``) and return its figure, whose layout
        is left alone, and without the caption below the map (the ``quadrant`` column of
        ``emergence`` has the weak quadrant). By default a new figure with the caption.
    title : str, optional
        Instead of the map's name and the kinds shown.
    language : {"fi", "sv", "en"}
        Language of the title, axes, legend and caption (terms stay as they are).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ConfigError
        An unknown ``kind`` or ``which`` (the message lists the valid ones).
    InputError
        ``emergence`` is another table: the message names the columns it lacks.
    """
    import numpy as np

    from socanalysis.export.figure import figure_and_axes, use_decimal_mark

    if which not in _MAPS:
        raise ConfigError(
            f"which={which!r}: use 'kem' (Keyword Emergence Map) or 'kim' (Keyword Issue Map)."
        )
    kinds = _check_kinds(kind)
    ui = UiText(language)
    x_col, y_col, q_col = _MAPS[which]
    x_label = ui("emergence_map", f"x_{which}")
    check_table(
        emergence,
        ("term", x_col, y_col, q_col),
        chart="plot_emergence_map",
        argument="emergence",
        expected=None,
        hint=(
            "WeakSignalDetector.emergence_ (result.weak_signal_detector.emergence_); a table of "
            "your own with term, frequency and growth goes to socanalysis.export.charts."
            "emergence_map"
        ),
    )
    data = emergence
    if "kind" in emergence.columns:
        data = emergence[emergence["kind"].isin(kinds)]
    if not data.empty:
        data = data.sort_values([y_col, x_col, "term"], ascending=[False, False, True])

    # not pyplot's: leaves its global state and the user's backend alone; a notebook shows it
    fig, ax, own = figure_and_axes(ax, (8.0, 6.0), dpi=100)
    names = f" {ui('emergence_map', 'and')} ".join(ui("emergence_map", k) for k in kinds)
    map_name = ui("emergence_map", which)
    ax.set_title(title or ui("emergence_map", "title", map=map_name, kinds=names), fontsize=12)
    if data.empty:  # as the other charts: the title and "No data"
        ax.text(0.5, 0.5, ui("charts", "no_data"), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    ax.set_xlabel(x_label, fontsize=10)
    ax.set_ylabel(ui("emergence_map", "growth"), fontsize=10)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)

    x = data[x_col].to_numpy(dtype=float)
    y = data[y_col].to_numpy(dtype=float)
    # many terms share a point; the caption lists the weak quadrant in order, which labels can't
    weak = data.loc[data[q_col] == "weak", "term"].astype(str).head(max(int(n_labels), 0))
    if len(weak) and own:
        # before anything is placed: labels are kept apart in the final geometry
        fig.subplots_adjust(bottom=0.2)
        caption = ui("emergence_map", "caption", terms=", ".join(weak))
        # lines as wide as the figure: an 8-point character is about 0.07 in (DejaVu Sans)
        per_line = int((fig.get_figwidth() * 0.96 - 0.1) / 0.07)
        fig.text(0.02, 0.02, textwrap.fill(caption, per_line), fontsize=8, va="bottom", ha="left")
    x_med, y_med = float(np.median(x)), float(np.median(y))
    pad_y = 0.08 * (y.max() - y.min() or 1.0)
    if x.min() > 0 and x.max() / x.min() > 20:
        # frequencies are heavy-tailed: a log axis keeps the rare (weak-signal) side readable
        ax.set_xscale("log")
        ax.set_xlim(x.min() / 1.3, x.max() * 1.3)
        ax.set_xlabel(ui("emergence_map", "log_scale", label=x_label), fontsize=10)
    else:
        pad_x = 0.05 * (x.max() - x.min() or 1.0)
        ax.set_xlim(x.min() - pad_x, x.max() + pad_x)
    y_lo, y_hi = y.min() - pad_y, y.max() + pad_y
    # room above the points for the weak quadrant's name, so that no point hides under it
    corner = ui("emergence_map", "weak_corner")
    room = (corner.count("\n") + 1) * 12.5 * fig.dpi / 72 / max(ax.bbox.height, 1.0) + 0.02
    room = min(room, 0.3)
    ax.set_ylim(y_lo, y_hi + room / (1 - room) * (y_hi - y_lo))
    _mark_weak_quadrant(ax, x_med, y_med, ui)
    for quadrant, style in QUADRANT_STYLE.items():
        rows = (data[q_col] == quadrant).to_numpy()
        if rows.any():
            ax.scatter(
                x[rows],
                y[rows],
                s=36,
                c=style["color"],
                marker=style["marker"],
                alpha=0.85,
                edgecolors="white",
                linewidths=0.5,
                label=f"{ui('emergence_map', quadrant)} ({int(rows.sum())})",
                zorder=3,
            )
    _label_points(ax, data, x_col, y_col, q_col, n_labels, corner)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    use_decimal_mark(ax, language)
    return fig


def _check_kinds(kind: Any) -> tuple[str, ...]:
    """``kind`` as a tuple of known kinds, or a ConfigError naming them."""
    kinds = (kind,) if isinstance(kind, str) else kind
    try:
        kinds = tuple(kinds)
    except TypeError:
        kinds = ()
    if not kinds or any(k not in KINDS for k in kinds):
        raise ConfigError(
            f"kind={kind!r}: use 'term' (lemmas), 'theme' or 'group' (novelty groups), or a "
            "tuple of them such as ('theme', 'group')."
        )
    return kinds


def _mark_weak_quadrant(ax: Any, x_med: float, y_med: float, ui: UiText) -> None:
    """Shade and name the low-frequency, high-growth quadrant; draw the median lines."""
    color = QUADRANT_STYLE["weak"]["color"]
    ax.axvline(x_med, color="#555555", linestyle="--", linewidth=0.8, zorder=1)
    ax.axhline(y_med, color="#555555", linestyle="--", linewidth=0.8, zorder=1)
    x_lo, x_hi = ax.get_xlim()
    y_lo, y_hi = ax.get_ylim()
    ax.fill_between([x_lo, x_med], y_med, y_hi, color=color, alpha=0.10, zorder=0, linewidth=0)
    ax.text(
        0.01,
        0.99,
        ui("emergence_map", "weak_corner"),
        transform=ax.transAxes,
        color=color,
        fontsize=10,
        fontweight="bold",
        va="top",
        ha="left",
        gid="weak-quadrant-label",
    )
    corner = {"color": "#555555", "fontsize": 8, "transform": ax.transAxes}
    ax.text(0.99, 0.99, ui("emergence_map", "strong_corner"), ha="right", va="top", **corner)
    # the legend is lower right
    ax.text(0.01, 0.01, ui("emergence_map", "latent_corner"), ha="left", va="bottom", **corner)


def _label_points(
    ax: Any, data: pd.DataFrame, x_col: str, y_col: str, q_col: str, n_labels: int, corner: str
) -> None:
    """Label the fastest-growing weak-quadrant points (then strong ones) without overlaps.

    Each label is tried right of its point, then a little above or below; a label that would
    overlap one already placed is left out, so the map stays readable. ``corner`` is the
    weak quadrant's name in the top-left corner, which labels keep clear of.
    """
    from socanalysis.export.figure import boxes_overlap

    to_display = ax.transData.transform  # overlaps are checked in display pixels
    order = _label_order(data, q_col)
    chosen = data.loc[order].head(max(int(n_labels) * 3, 0))
    char_w, line_h = 6.5, 12.0  # display pixels of an 8-point character and line at 100 dpi
    # obstacles: every marker, and the weak-quadrant title in the top-left corner
    points = to_display(data[[x_col, y_col]].to_numpy(dtype=float))
    placed: list[tuple[float, float, float, float]] = [
        (px - 4, py - 4, px + 4, py + 4) for px, py in points
    ]
    # the corner's 10-point bold lines: about 0.65 em a character, 1.25 em a line
    lines = corner.split("\n")
    point = ax.figure.dpi / 72
    x0, y1 = ax.transAxes.transform((0.0, 1.0))
    width = max(len(line) for line in lines) * 6.5 * point + 8
    placed.append((x0, y1 - len(lines) * 12.5 * point - 4, x0 + width, y1))
    n_done = 0
    for row in chosen.itertuples(index=False):
        if n_done >= n_labels:
            break
        x, y = float(getattr(row, x_col)), float(getattr(row, y_col))
        px, py = to_display((x, y))
        width = char_w * len(str(row.term))
        for dy in (0.0, line_h, -line_h, 2 * line_h, -2 * line_h):
            box = (px + 7, py + dy - line_h / 2, px + 7 + width, py + dy + line_h / 2)
            if not any(boxes_overlap(box, other) for other in placed):
                placed.append(box)
                ax.annotate(
                    str(row.term),
                    (x, y),
                    xytext=(7, dy),
                    textcoords="offset points",
                    arrowprops={"arrowstyle": "-", "color": "#999999", "linewidth": 0.5}
                    if dy
                    else None,
                    fontsize=8,
                    va="center",
                    color="#222222",
                    zorder=4,
                )
                n_done += 1
                break


def _label_order(data: pd.DataFrame, q_col: str) -> list[Any]:
    """Row labels: weak quadrant first, then strong, each fastest-growing first."""
    weak = data.index[data[q_col] == "weak"].tolist()
    strong = data.index[data[q_col] == "strong"].tolist()
    return weak + strong
