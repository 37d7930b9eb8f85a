"""The thread that hands category fits to the worker processes imports nothing.

Two threads importing modules that import each other can get a half-initialised module
(CPython accepts a partially initialised module to break an import deadlock). The pipeline's
main thread imports UMAP, scikit-learn and SciPy while the fits run, so every module the fits
thread needs is imported before it starts (a scipy.stats failure inside it was seen once).
"""

from __future__ import annotations

import json
import subprocess
import sys

PROGRAM = """
import json, sys, threading
attempted = []

def hook(event, args):
    if event == "import" and threading.current_thread().name == "socanalysis-fits":
        if args[0] not in sys.modules:
            attempted.append(args[0])

import numpy as np
from scipy import sparse
from socanalysis.classify import category_fits

sys.addaudithook(hook)
category_fits.PARALLEL_MIN_CELLS = 1  # workers for this small problem
rng = np.random.default_rng(0)
F = sparse.csr_matrix(rng.normal(size=(120, 8)))
Y = rng.random((120, 4)) < 0.3
fits = category_fits.submit_category_models(F, None, Y, C=1.0, seed=0, n_jobs=2).result()
direct = category_fits.fit_category_models(F, None, Y, C=1.0, seed=0)
same = all(np.array_equal(a.coef, b.coef) for a, b in zip(fits, direct))
print(json.dumps({"imported": sorted({m for m in attempted if m in sys.modules}), "same": same}))
"""


def test_the_fits_thread_imports_no_module():
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"imported": [], "same": True}
