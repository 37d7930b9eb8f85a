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

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["ChartFigure", "figure_and_axes"]


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
