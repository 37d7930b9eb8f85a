"""Charts for analysts and the meeting report: matplotlib Figures, saved as PNG.

Figures are built directly, not through pyplot: no global figure registry, no backend switch,
so they work in a script (Agg). They are :class:`~socanalysis.export.figure.ChartFigure`
objects, which Jupyter displays as the value of a cell with no ``%matplotlib`` set-up. Each
chart function also draws into a given matplotlib Axes (``ax=``, for subplots) and then returns
the figure of that Axes, leaving its size and layout to its owner. Colours are the Okabe-Ito
palette and the cividis colour map, both readable with the common colour-vision deficiencies.
Labels follow the output language.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socanalysis.export import summaries
from socanalysis.export.chart_inputs import check_table
from socanalysis.export.labels import UiText, category_labels

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Okabe & Ito (2008) colour-blind-safe palette, black last.
OKABE_ITO = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#000000",
)
#: Line colours: Okabe-Ito without yellow, which is too faint as a thin line on white.
LINE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
LANGUAGE_COLOURS = {"fi": "#0072B2", "sv": "#E69F00", "other": "#999999"}
#: One colour per polarity in every chart, so that "negative" looks the same in the §11 and the
#: sector profile (Okabe-Ito vermillion and bluish green stay apart for colour-blind readers).
POLARITY_COLOURS = {"negative": "#D55E00", "positive": "#009E73", "unknown": "#BBBBBB"}
HEATMAP_CMAP = "cividis"
_DPI = 110
_LABEL_WIDTH = 38
_CHAR_IN = 0.085
#: What a chart of reports and themes takes, in this order (the two swapped are refused).
_REPORTS_THEMES = "result.reports first, then result.themes: {chart}(result.reports, result.themes)"


def _axes(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes, bool]:
    """``(figure, axes, own)``: a new figure of ``width`` x ``height`` inches with one axes, or
    the given axes and the figure it is on (``own`` False: its size and margins are left alone).
    """
    from socanalysis.export.figure import figure_and_axes

    # No layout engine: constrained layout doubled drawing time; _fit() sets margins instead.
    return figure_and_axes(ax, (width, height), dpi=_DPI)


def _longest_line(labels: list[str]) -> int:
    return max((len(line) for label in labels for line in str(label).split("\n")), default=0)


def _fit(
    fig: Figure,
    *,
    left_chars: int = 4,
    left_font: float = 10,
    y_label: bool = False,
    bottom_chars: int = 0,
    bottom_font: float = 10,
    right_in: float = 0.3,
) -> None:
    """Margins from the longest tick labels (DejaVu Sans: about 0.085 in per character at
    10 pt), so labels fit without a layout engine's extra drawing passes."""
    width, height = fig.get_size_inches()
    left = left_chars * _CHAR_IN * left_font / 10 + 0.25 + (0.3 if y_label else 0.0)
    # rotated (45 degree) labels need about 0.71 of their length downwards
    bottom = 0.62 + bottom_chars * _CHAR_IN * bottom_font / 10 * 0.71
    fig.subplots_adjust(
        left=min(left / width, 0.6),
        right=1 - min(right_in / width, 0.5),
        bottom=min(bottom / height, 0.6),
        top=1 - min(0.42 / height, 0.3),
    )


def _wrap(text: str, width: int = _LABEL_WIDTH) -> str:
    # lines break between words, never inside one ("sysselsättningstjänste / r")
    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False)) or str(text)


def _largest_of(ui: UiText, title: str, shown: int, total: int) -> str:
    """The title, saying so when the chart leaves the smaller themes out."""
    return (
        ui("charts", "largest_of", title=title, shown=shown, total=total)
        if total > shown
        else title
    )


def _empty(fig: Figure, ax: Axes, ui: UiText, title: str, own: bool) -> Figure:
    ax.set_title(title)
    ax.text(0.5, 0.5, ui("charts", "no_data"), ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    if own:
        _fit(fig)  # room for the title in a short figure
    return fig


def themes_by_size(
    themes: pd.DataFrame, language: str = "fi", max_themes: int = 15, *, ax: Axes | None = None
) -> Figure:
    """Horizontal bars: reports per theme, split by language (fi, sv, other), largest on top.

    Parameters
    ----------
    themes : DataFrame
        ``result.themes``: theme_id, label_fi, label_sv, n_reports, n_fi, n_sv.
    language : str
        fi, sv or en.
    max_themes : int
        The largest this many themes; reports without a theme (-1) are left out.
    ax : matplotlib Axes, optional
        Draw into this axes (e.g. one of ``plt.subplots``) and return its figure; by default a
        new figure sized to the number of themes.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"theme_id": [0, 1], "label_fi": ["Asuminen", "Jonot"],
    ...     "label_sv": ["Boende", "Köer"], "n_reports": [5, 3], "n_fi": [4, 1], "n_sv": [1, 2]})
    >>> fig = themes_by_size(t, "sv")
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['Köer', 'Boende']
    """
    check_table(
        themes,
        ("theme_id", "n_reports", "n_fi", "n_sv"),
        chart="themes_by_size",
        argument="themes",
        expected="themes",
        hint="result.themes (or ThemeModel.themes_)",
    )
    ui = UiText(language)
    title = ui("charts", "themes_by_size")
    frame = summaries.themes_in_order(themes)
    if not frame.empty:
        frame = frame[frame["theme_id"].astype(int) >= 0]
        title = _largest_of(ui, title, max_themes, len(frame))
        frame = frame.head(max_themes)
    fig, ax, own = _axes(ax, 8, 1.2 + 0.42 * max(len(frame), 1))
    if frame.empty:
        return _empty(fig, ax, ui, title, own)
    frame = frame.iloc[::-1]  # largest on top
    names = [_wrap(summaries.theme_name(r, language)) for r in frame.to_dict("records")]
    n_fi, n_sv, other = summaries.language_segments(frame)
    segments = [
        (values, LANGUAGE_COLOURS[key], ui("charts", key))
        for values, key in ((n_fi, "fi"), (n_sv, "sv"), (other, "other"))
    ]
    return _stacked_bars(fig, ax, names, segments, title, ui, own)


def themes_over_periods(
    reports: pd.DataFrame,
    themes: pd.DataFrame,
    period: str = "auto",
    language: str = "fi",
    max_themes: int = 8,
    *,
    ax: Axes | None = None,
) -> Figure:
    """Lines: reports per period for the largest themes.

    Parameters
    ----------
    reports : DataFrame
        ``result.reports`` (status, theme_id, date).
    themes : DataFrame
        ``result.themes``, for the theme labels.
    period : str
        auto, month, quarter, half-year or year.
    language : str
        fi, sv or en.
    max_themes : int
        Lines for the largest this many themes.
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; by default a new figure.
    """
    _check_reports_and_themes(reports, themes, "themes_over_periods")
    ui = UiText(language)
    title = ui("charts", "themes_over_periods")
    # every period between the first and the last, so that the time axis is linear
    matrix = summaries.theme_period_matrix(reports, period, every_period=True)
    fig, ax, own = _axes(ax, 8, 4.2)
    if matrix.empty:
        return _empty(fig, ax, ui, title, own)
    names = {}
    if not themes.empty:
        names = {
            int(r["theme_id"]): summaries.theme_name(r, language) for r in themes.to_dict("records")
        }
    totals = matrix.sum(axis=1)
    order = sorted(totals.index, key=lambda t: (-int(totals[t]), int(t)))[:max_themes]
    title = _largest_of(ui, title, max_themes, len(totals))
    x = list(range(len(matrix.columns)))
    markers = "osD^vP*X"
    for i, theme_id in enumerate(order):
        colour = LINE_COLOURS[i % len(LINE_COLOURS)]
        ax.plot(
            x,
            matrix.loc[theme_id].to_numpy(),
            marker=markers[i % len(markers)],  # shapes as well as colours tell lines apart
            color=colour,
            label=_wrap(names.get(int(theme_id), f"#{theme_id}"), 30),
        )
    from matplotlib.ticker import MaxNLocator

    # at most about 16 labels, so that they do not overlap (every period keeps its tick)
    step = max(1, -(-len(x) // 16))
    shown = [str(c) if i % step == 0 else "" for i, c in enumerate(matrix.columns)]
    # slanted when the labels side by side would run together ("2024-Q12024-Q2" at 8 quarters)
    crowded = sum(len(label) for label in shown) > 40
    ax.set_xticks(x, shown, rotation=45 if crowded else 0, ha="right" if crowded else "center")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of reports
    ax.set_ylabel(ui("charts", "n_reports"))
    ax.set_title(title)
    ax.set_ylim(bottom=0)
    legend = ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    if own:
        legend_chars = _longest_line([t.get_text() for t in legend.get_texts()])
        _fit(
            fig,
            left_chars=4,
            y_label=True,
            bottom_chars=8 if len(x) > 8 else 0,
            right_in=legend_chars * _CHAR_IN * 0.8 + 0.75,
        )
    return fig


def _check_reports_and_themes(reports: Any, themes: Any, chart: str) -> None:
    """The report table (any columns: a missing one leaves the chart empty) and the themes."""
    hint = _REPORTS_THEMES.format(chart=chart)
    check_table(reports, (), chart=chart, argument="reports", expected="reports", hint=hint)
    check_table(themes, ("theme_id",), chart=chart, argument="themes", expected="themes", hint=hint)


def _profile(
    counts: pd.DataFrame,
    title: str,
    ui: UiText,
    show_keys: bool,
    ax: Axes | None,
) -> Figure:
    fig, ax, own = _axes(ax, 8, 1.2 + 0.36 * max(len(counts), 1))
    if counts.empty or int(counts["n_reports"].sum()) == 0:
        return _empty(fig, ax, ui, title, own)
    frame = counts.iloc[::-1]
    names = [
        _wrap(f"{k} {lab}" if show_keys and lab != k else lab, 50)
        for k, lab in zip(frame["key"], frame["label"], strict=True)
    ]
    negative = frame["n_negative"].to_numpy()
    positive = frame["n_positive"].to_numpy()
    unknown = (frame["n_reports"].to_numpy() - negative - positive).clip(min=0)
    segments = [
        (values, POLARITY_COLOURS[key], ui("values", key))
        for values, key in ((negative, "negative"), (positive, "positive"), (unknown, "unknown"))
    ]
    return _stacked_bars(fig, ax, names, segments, title, ui, own)


def _stacked_bars(
    fig: Figure,
    ax: Axes,
    names: list[str],
    segments: list[tuple[Any, str, str]],
    title: str,
    ui: UiText,
    own: bool,
) -> Figure:
    """Horizontal bars of report counts, one ``(values, colour, legend label)`` segment after
    another, with the axis label, title, legend and margins the charts share."""
    from matplotlib.ticker import MaxNLocator

    left = 0
    for values, colour, label in segments:
        ax.barh(names, values, left=left, color=colour, label=label)
        left = left + values
    ax.set_xlabel(ui("charts", "n_reports"))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts of reports
    ax.set_title(title)
    # beside the bars, never over them (with one bar, "lower right" covered it)
    legend = ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    if own:
        legend_chars = _longest_line([t.get_text() for t in legend.get_texts()])
        _fit(fig, left_chars=_longest_line(names), right_in=legend_chars * _CHAR_IN + 0.6)
    return fig


def shl_profile(
    reports: pd.DataFrame,
    shl_labels: Any = None,
    language: str = "fi",
    *,
    ax: Axes | None = None,
) -> Figure:
    """Bars: reports per §11 point 1-10, split by polarity.

    Parameters
    ----------
    reports : DataFrame
        ``result.reports`` (status, shl_suggested, polarity).
    shl_labels : mapping or taxonomy, optional
        Labels of the points (:func:`~socanalysis.export.labels.category_labels`).
    language : str
        fi, sv or en.
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; by default a new figure.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"status": ["ok"], "shl_suggested": ["2;3"], "polarity": ["negative"]})
    >>> fig = shl_profile(t, {"2": {"fi": "asuminen"}}, "fi")
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()][-2:]
    ['2 asuminen', '1']
    """
    check_table(
        reports,
        (),
        chart="shl_profile",
        argument="reports",
        expected="reports",
        hint="result.reports",
    )
    ui = UiText(language)
    counts = summaries.shl_counts(reports, category_labels(shl_labels, language))
    return _profile(counts, ui("charts", "shl_profile"), ui, True, ax)


def sector_profile(
    reports: pd.DataFrame,
    sector_labels: Any = None,
    language: str = "fi",
    *,
    ax: Axes | None = None,
) -> Figure:
    """Bars: reports per suggested sector (sectors with no reports left out), most first.

    Takes the arguments of :func:`shl_profile` (``reports`` needs sectors_suggested), ``ax``
    included.
    """
    check_table(
        reports,
        (),
        chart="sector_profile",
        argument="reports",
        expected="reports",
        hint="result.reports",
    )
    ui = UiText(language)
    counts = summaries.sector_counts(reports, category_labels(sector_labels, language))
    counts = counts[counts["n_reports"] > 0].sort_values(
        ["n_reports", "key"], ascending=[False, True], kind="stable"
    )
    return _profile(counts, ui("charts", "sector_profile"), ui, False, ax)


def theme_sector_heatmap(
    reports: pd.DataFrame,
    themes: pd.DataFrame,
    sector_labels: Any = None,
    language: str = "fi",
    max_themes: int = 15,
    *,
    ax: Axes | None = None,
) -> Figure:
    """Heat map: reports per theme (rows) and suggested sector (columns), counts written in.

    Parameters
    ----------
    reports : DataFrame
        ``result.reports`` (status, theme_id, sectors_suggested).
    themes : DataFrame
        ``result.themes``, for the theme labels.
    sector_labels : mapping or taxonomy, optional
        Labels of the sectors.
    language : str
        fi, sv or en.
    max_themes : int
        Rows for the largest this many themes.
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; the colour bar takes a slice of the axes'
        space, as :meth:`matplotlib.figure.Figure.colorbar` does. By default a new figure sized
        to the matrix.
    """
    _check_reports_and_themes(reports, themes, "theme_sector_heatmap")
    ui = UiText(language)
    title = ui("charts", "theme_sector")
    matrix = summaries.theme_sector_matrix(reports)
    if not matrix.empty:
        totals = matrix.sum(axis=1)
        keep = sorted(totals.index, key=lambda t: (-int(totals[t]), int(t)))[:max_themes]
        title = _largest_of(ui, title, max_themes, len(totals))
        matrix = matrix.loc[keep]
        matrix = matrix.loc[:, matrix.sum(axis=0) > 0]
    if matrix.empty:
        fig, ax, own = _axes(ax, 8, 3)
        return _empty(fig, ax, ui, title, own)
    labels = category_labels(sector_labels, language)
    names = {}
    if not themes.empty:
        names = {
            int(r["theme_id"]): summaries.theme_name(r, language) for r in themes.to_dict("records")
        }
    sector_names = [_wrap(labels.get(k, k), 22) for k in matrix.columns]
    theme_names = [_wrap(names.get(int(t), f"#{t}"), 34) for t in matrix.index]
    left_in = _longest_line(theme_names) * _CHAR_IN * 0.8 + 0.3
    bottom_in = 0.62 + _longest_line(sector_names) * _CHAR_IN * 0.8 * 0.71
    fig, ax, own = _axes(
        ax, left_in + 0.55 * matrix.shape[1] + 1.4, bottom_in + 0.5 + 0.42 * matrix.shape[0]
    )
    values = matrix.to_numpy()
    image = ax.imshow(values, cmap=HEATMAP_CMAP, aspect="auto")
    ax.set_xticks(range(matrix.shape[1]), sector_names, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(matrix.shape[0]), theme_names, fontsize=8)
    top = values.max() if values.size else 0
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if values[i, j]:
                ink = "black" if values[i, j] > top * 0.6 else "white"  # cividis: dark to yellow
                ax.text(
                    j, i, str(int(values[i, j])), ha="center", va="center", color=ink, fontsize=8
                )
    ax.figure.colorbar(image, ax=ax, label=ui("charts", "n_reports"), shrink=0.8)
    ax.set_title(title)
    if own:
        _fit(
            fig,
            left_chars=_longest_line(theme_names),
            left_font=8,
            bottom_chars=_longest_line(sector_names),
            bottom_font=8,
            right_in=0.2,
        )
    return fig


def emergence_map(
    frame: pd.DataFrame,
    language: str = "fi",
    label_column: str = "term",
    *,
    max_points: int = 30,
    ax: Axes | None = None,
) -> Figure:
    """Scatter of frequency against growth with the weak-signal quadrant shaded.

    With more than ``max_points`` rows the map shows the weak-quadrant ones (fastest-growing
    first) and then the most frequent others, up to ``max_points``, and its title says so; the
    quadrant's borders (the medians) are those of all rows.

    Parameters
    ----------
    frame : DataFrame
        One row per term or theme: ``term`` (or ``label_column``), ``frequency`` (reports),
        ``growth`` (relative change of share in the latest period; 0 = unchanged). An optional
        boolean ``weak`` column marks points; by default :func:`summaries.weak_quadrant`.
        :func:`summaries.emergence_frame` computes it per theme from a report table.
    language : str
        fi, sv or en.
    label_column : str
        The column of the point labels.
    max_points : int
        Most points drawn (30: at 147 themes every tag and key line ran into another).
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; by default a new figure.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"term": ["a", "b", "c"], "frequency": [30, 4, 12],
    ...                   "growth": [0.1, 2.5, -0.2]})
    >>> fig = emergence_map(f, "en")
    >>> fig.axes[0].get_xlabel()
    'Frequency (reports)'
    """
    check_table(
        frame,
        (label_column, "frequency", "growth"),
        chart="emergence_map",
        argument="frame",
        expected=None,
        hint=(
            f"one row per term or theme with {label_column}, frequency and growth, e.g. "
            "summaries.emergence_frame(result.reports, result.themes)"
        ),
    )
    ui = UiText(language)
    title = ui("charts", "emergence")
    if frame.empty:
        fig, ax, own = _axes(ax, 8, 5.2)
        return _empty(fig, ax, ui, title, own)
    weak = frame["weak"].astype(bool) if "weak" in frame.columns else summaries.weak_quadrant(frame)
    # the quadrant's borders from every row, before the map keeps the rows it can show
    freq_cut = float(frame["frequency"].astype(float).median())
    growth_cut = max(0.0, float(frame["growth"].astype(float).median()))
    if len(frame) > max_points:
        title = ui("charts", "emergence_of", title=title, shown=max_points, total=len(frame))
        frame, weak = _emergence_points(frame, weak, max_points)
    tags, key = _emergence_key(frame, label_column, weak)
    key_lines = sum(len(lines) for _, lines, _ in key)
    # the key beside the map: one entry per point, weak-quadrant points first
    key_in = _KEY_CHARS * _CHAR_IN * _KEY_FONT / 10 + 0.45
    fig, ax, own = _axes(ax, 8 + key_in, max(5.2, 1.6 + key_lines * _KEY_LINE_PT / 72))
    freq = frame["frequency"].astype(float)
    growth = frame["growth"].astype(float)
    x_max = float(freq.max()) * 1.15 + 1
    y_min = min(float(growth.min()), 0.0) - 0.1
    y_max = max(float(growth.max()), growth_cut) + 0.15
    ax.axvspan(
        0,
        freq_cut,
        ymin=(growth_cut - y_min) / (y_max - y_min),
        ymax=1,
        color="#F0E442",
        alpha=0.35,
        lw=0,
        label=ui("charts", "weak_quadrant"),
    )
    ax.axvline(freq_cut, color="#777777", lw=0.8, ls="--")
    ax.axhline(growth_cut, color="#777777", lw=0.8, ls="--")
    ax.scatter(freq[~weak], growth[~weak], s=40, color=_STEADY_COLOUR, zorder=3)
    ax.scatter(freq[weak], growth[weak], s=70, color=_WEAK_COLOUR, marker="D", zorder=3)
    ax.set_xlim(0, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_xlabel(ui("charts", "frequency"))
    ax.set_ylabel(ui("charts", "growth"))
    ax.set_title(title)
    ax.legend(loc="upper right", frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    from socanalysis.export.figure import use_decimal_mark

    use_decimal_mark(ax, language)
    if own:
        _fit(fig, left_chars=5, y_label=True, right_in=key_in)
    # after the layout: the tags are kept apart in the figure's final pixels
    _place_tags(ax, freq.to_numpy(), growth.to_numpy(), tags, weak.to_numpy())
    _draw_key(ax, key)
    return fig


def _emergence_points(
    frame: pd.DataFrame, weak: pd.Series, limit: int
) -> tuple[pd.DataFrame, pd.Series]:
    """The rows the emergence map shows: weak-quadrant rows, fastest-growing first, then the
    most frequent others, ``limit`` in all, in their original order."""
    rank_weak = frame[weak].sort_values("growth", ascending=False, kind="stable").index
    rank_other = frame[~weak].sort_values("frequency", ascending=False, kind="stable").index
    chosen = set([*rank_weak, *rank_other][:limit])
    keep = frame.index.isin(chosen)
    return frame[keep], weak[keep]


#: The emergence map's key: characters a line, font size and line height (points).
_KEY_CHARS, _KEY_FONT, _KEY_LINE_PT = 40, 7.5, 9.5
_WEAK_COLOUR, _STEADY_COLOUR = "#D55E00", "#0072B2"


def _emergence_key(
    frame: pd.DataFrame, label_column: str, weak: pd.Series
) -> tuple[list[str], list[tuple[str, list[str], bool]]]:
    """Each point's tag (the theme's number, as the tables and the report name it, or the row's
    number for a table of terms) and the key: ``(tag, wrapped label lines, weak)`` per point,
    weak-quadrant points first, then by tag."""
    if "theme_id" in frame.columns:
        tags = [str(int(t)) for t in frame["theme_id"]]
    else:
        tags = [str(i) for i in range(1, len(frame) + 1)]
    width = _KEY_CHARS - 2
    entries = [
        (tag, textwrap.wrap(str(name), width, break_long_words=False) or [str(name)], bool(w))
        for tag, name, w in zip(tags, frame[label_column].astype(str), weak, strict=True)
    ]
    order = sorted(range(len(entries)), key=lambda i: (not entries[i][2], int(tags[i])))
    return tags, [entries[i] for i in order]


def _place_tags(ax: Axes, x: Any, y: Any, tags: list[str], weak: Any) -> None:
    """Each point's tag beside its marker, at the first of a few places that overlaps no marker
    and no tag placed before (crowded points then stay readable), else right of the marker."""
    import numpy as np

    from socanalysis.export.figure import boxes_overlap

    points = ax.transData.transform(np.column_stack([x, y]))
    scale = ax.figure.dpi / 72  # points to pixels
    placed = [(px - 5 * scale, py - 5 * scale, px + 5 * scale, py + 5 * scale) for px, py in points]
    tries = ((5, 3), (5, -9), (-5, 3), (-5, -9), (0, 8), (0, -14), (10, -3), (-10, -3))
    for (px, py), x_i, y_i, tag, is_weak in zip(points, x, y, tags, weak, strict=True):
        width, height = (len(tag) * 4.6 + 1) * scale, 8 * scale
        chosen = tries[0]
        for dx, dy in tries:
            left = px + dx * scale if dx >= 0 else px + dx * scale - width
            box = (left, py + dy * scale, left + width, py + dy * scale + height)
            if not any(boxes_overlap(box, other) for other in placed):
                chosen = (dx, dy)
                placed.append(box)
                break
        ax.annotate(
            tag,
            (float(x_i), float(y_i)),
            xytext=chosen,
            textcoords="offset points",
            ha="left" if chosen[0] >= 0 else "right",
            va="bottom",
            fontsize=7.5,
            fontweight="bold" if is_weak else "normal",
            color=_WEAK_COLOUR if is_weak else "#222222",
            zorder=4,
        )


def _draw_key(ax: Axes, key: list[tuple[str, list[str], bool]]) -> None:
    """The key right of the map: ``tag  label`` per point, weak-quadrant points in their colour."""
    line = 0
    for tag, lines, is_weak in key:
        style = {
            "xycoords": "axes fraction",
            "textcoords": "offset points",
            "va": "top",
            "fontsize": _KEY_FONT,
            "color": _WEAK_COLOUR if is_weak else "#222222",
            "annotation_clip": False,
        }
        # the tag right-aligned in a column of its own, the label's lines left-aligned after it
        ax.annotate(
            tag,
            (1.02, 1.0),
            xytext=(16, -line * _KEY_LINE_PT),
            ha="right",
            fontweight="bold" if is_weak else "normal",
            **style,
        )
        for text in lines:
            ax.annotate(text, (1.02, 1.0), xytext=(21, -line * _KEY_LINE_PT), ha="left", **style)
            line += 1


def save_figure(fig: Figure, path: str | os.PathLike[str]) -> Path:
    """Save a figure as PNG without a time stamp or software tag, so bytes are reproducible."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, format="png", dpi=_DPI, metadata={"Software": None})
    return target


#: Names of the standard charts, in report order.
CHART_NAMES = (
    "themes_by_size",
    "themes_over_periods",
    "shl_profile",
    "sector_profile",
    "theme_sector",
    "emergence",
)


def standard_charts(
    result_like: Any,
    language: str = "fi",
    *,
    shl_labels: Any = None,
    sector_labels: Any = None,
) -> dict[str, Figure]:
    """Every standard chart of a result, by name (see ``CHART_NAMES``), each a figure of its own
    (no ``ax``: six charts; draw one of them into an axes with its own function)."""
    from socanalysis.export.parts import result_parts

    parts = result_parts(result_like)
    reports, themes = parts.reports, parts.themes
    return {
        "themes_by_size": themes_by_size(themes, language),
        "themes_over_periods": themes_over_periods(reports, themes, parts.period, language),
        "shl_profile": shl_profile(reports, shl_labels, language),
        "sector_profile": sector_profile(reports, sector_labels, language),
        "theme_sector": theme_sector_heatmap(reports, themes, sector_labels, language),
        "emergence": emergence_map(
            summaries.emergence_frame(reports, themes, parts.period, language), language
        ),
    }


def save_charts(figures: Mapping[str, Figure], out_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """Save figures as ``out_dir/<name>.png``; returns name -> path."""
    return {name: save_figure(fig, Path(out_dir) / f"{name}.png") for name, fig in figures.items()}
