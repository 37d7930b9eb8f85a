"""The figure class of every socanalysis chart: a matplotlib Figure that a notebook displays.

The charts are built without pyplot, so they touch no global figure registry and never switch
the user's backend. A bare :class:`matplotlib.figure.Figure` has no picture of its own in
Jupyter, though: a cell ending in one shows ``<Figure size 880x825 with 1 Axes>``, because the
inline backend registers its PNG formatter only when pyplot is imported (``%matplotlib
inline``). :class:`ChartFigure` adds ``_repr_png_``, which IPython calls when it displays a
cell's value, so a chart shows with no set-up and nothing is registered globally.

It is shown once, also where the inline backend is active: IPython asks a formatter
registered for the type before it looks for ``_repr_png_``, so the backend's formatter draws it
instead, and the backend's end-of-cell display covers only figures made by pyplot.

Examples
--------
>>> fig = ChartFigure(figsize=(2, 1))
>>> fig._repr_png_()[:4]
b'\\x89PNG'
"""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["ChartFigure", "boxes_overlap", "figure_and_axes", "use_decimal_mark"]


class ChartFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` with a PNG picture for Jupyter and IPython."""

    def _repr_png_(self) -> bytes:
        """The figure as PNG bytes, drawn as the inline backend draws (tight bounding box)."""
        buffer = BytesIO()
        # "tight", as the inline backend does: labels outside the axes area are never cut off
        self.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
        return buffer.getvalue()


def figure_and_axes(
    ax: Axes | None, figsize: tuple[float, float], dpi: float | None = None
) -> tuple[Figure, Axes, bool]:
    """``(figure, axes, own)`` for a chart: a new :class:`ChartFigure` of ``figsize`` inches
    with one axes (``own`` True), or the given axes and the root figure it is on (``own``
    False: its size, margins and layout are the caller's).

    Examples
    --------
    >>> fig, ax, own = figure_and_axes(None, (2, 1))
    >>> own, figure_and_axes(ax, (8, 8))[0] is fig
    (True, True)
    """
    if ax is None:
        fig = ChartFigure(figsize=figsize, dpi=dpi)
        return fig, fig.add_subplot(), True
    # the root figure also for axes on a subfigure (a SubFigure cannot be saved or shown)
    return ax.figure.figure, ax, False


def boxes_overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two boxes ``(left, bottom, right, top)`` overlap (touching counts): how the
    charts keep the labels they place beside points apart.

    Examples
    --------
    >>> boxes_overlap((0, 0, 2, 2), (1, 1, 3, 3)), boxes_overlap((0, 0, 1, 1), (2, 2, 3, 3))
    (True, False)
    """
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


class _DecimalMark(Formatter):
    """An axis's own tick formatter, with another decimal mark in its labels."""

    def __init__(self, inner: Formatter, mark: str) -> None:
        self.inner = inner
        self.mark = mark

    def set_axis(self, axis: object) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs: object) -> None:
        self.inner.set_locs(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self.inner(x, pos).replace(".", self.mark)

    def get_offset(self) -> str:
        return self.inner.get_offset().replace(".", self.mark)

    def format_data_short(self, value: float) -> str:
        return self.inner.format_data_short(value).replace(".", self.mark)


def use_decimal_mark(ax: Axes, language: str) -> None:
    """Write the tick labels of ``ax`` with the decimal mark of ``language`` (0,5 in Finnish and
    Swedish). Call it after the axis scales are set: a new scale brings a new formatter.

    Examples
    --------
    >>> fig, ax = figure_and_axes(None, (2, 1))[:2]
    >>> use_decimal_mark(ax, "fi")
    >>> ax.yaxis.get_major_formatter().format_ticks([0, 0.5, 1.0])
    ['0,0', '0,5', '1,0']
    """
    from socanalysis.reader_formats import decimal_mark

    mark = decimal_mark(language)
    if mark == ".":
        return
    for axis in (ax.xaxis, ax.yaxis):
        formatter = axis.get_major_formatter()
        if not isinstance(formatter, _DecimalMark):
            axis.set_major_formatter(_DecimalMark(formatter, mark))
