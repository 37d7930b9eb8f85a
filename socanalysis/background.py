"""Lower scheduling priority for socanalysis's own background processes.

The category-fit workers (:mod:`socanalysis.classify.category_fits`) and the helper that
compiles UMAP's code on a machine's first run (:mod:`socanalysis.themes.jit_warmup`) start
beside the analysis on the same cores; they should take what the analysis leaves.

Examples
--------
>>> BACKGROUND_NICENESS  # lower_priority() sets at least this (Unix; elsewhere nothing)
10
"""

from __future__ import annotations

import contextlib
import os

__all__ = ["BACKGROUND_NICENESS", "lower_priority"]

#: Niceness of background processes (Unix; 0 is the default priority, 19 the lowest): measured
#: on 2 cores, the two category-fit workers starting beside the pipeline's per-report stages
#: took a third of the caller's core at niceness 0 (docs/performance.md).
BACKGROUND_NICENESS = 10


def lower_priority() -> None:
    """Lower this process's priority to :data:`BACKGROUND_NICENESS` where the system allows
    it, never raise it: a process started by a caller that runs niced already keeps the
    caller's niceness. A process initializer (picklable: a module-level function)."""
    if hasattr(os, "setpriority"):  # not on Windows: the usual priority stays
        with contextlib.suppress(OSError):
            current = os.getpriority(os.PRIO_PROCESS, 0)
            os.setpriority(os.PRIO_PROCESS, 0, max(current, BACKGROUND_NICENESS))
