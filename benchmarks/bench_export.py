"""Time to write the review workbook and the meeting report for N reports (target: < 5 s for 1 000).

Usage::

    nice python benchmarks/bench_export.py [--reports 1000] [--repeat 3] [--out DIR] [--pdf]

``--pdf`` also converts summary.xlsx and report.html to PDF with LibreOffice (``soffice``)
headless, to check that they open without repair, and turns the first pages into PNG with
``pdftoppm`` for a look. The result is synthetic but realistic (tests/export_data.py): fi and sv
reports over two years, four themes and outliers, masked texts and proposals.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from export_data import SECTOR_LABELS, SHL_LABELS, make_result  # noqa: E402

from socanalysis.export.qda import write_qdc  # noqa: E402
from socanalysis.export.report import write_report  # noqa: E402
from socanalysis.export.review import read_review  # noqa: E402
from socanalysis.export.workbook import write_workbook  # noqa: E402


def timed(func, *args, **kwargs) -> float:
    start = time.perf_counter()
    func(*args, **kwargs)
    return time.perf_counter() - start


def convert_pdf(source: Path, out: Path) -> tuple[float, str]:
    """Workbook: LibreOffice headless; HTML: Chromium's print to PDF (A4 from the print CSS).

    Returns the seconds taken and "ok" or the error."""
    pdf = out / (source.stem + ".pdf")
    if source.suffix == ".html":
        program = shutil.which("chromium") or shutil.which("chromium-browser")
        options = ["--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"]
        command = [str(program), "--headless", *options, f"--print-to-pdf={pdf}", str(source)]
    else:
        program = shutil.which("soffice")
        options = ["--norestore", "--convert-to", "pdf", "--outdir", str(out)]
        command = [str(program), "--headless", *options, str(source)]
    if program is None:
        return float("nan"), "converter not installed"
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    seconds = time.perf_counter() - start
    if run.returncode != 0 or not pdf.is_file():
        return seconds, f"failed: {run.stderr.strip()[-300:]}"
    pages = "?"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False)
        pages = next(
            (ln.split()[-1] for ln in info.stdout.splitlines() if ln.startswith("Pages")), "?"
        )
    if shutil.which("pdftoppm"):
        first_pages = ["-f", "1", "-l", "3"]
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", *first_pages, str(pdf), str(out / source.stem)],
            check=False,
        )
    return seconds, f"ok, {pages} pages"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--pdf", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_export_"))
    out.mkdir(parents=True, exist_ok=True)
    result = make_result(args.reports, seed=0)
    labels = {"shl_labels": SHL_LABELS, "sector_labels": SECTOR_LABELS}
    import matplotlib.figure  # noqa: F401  (imported once, outside the timings)

    rows: dict[str, list[float]] = {
        "workbook": [],
        "report (html+md, 6 charts)": [],
        "workbook + report": [],
        "codebook (.qdc)": [],
        "read review": [],
    }
    for _ in range(args.repeat):
        wb = timed(write_workbook, result, out / "summary.xlsx", "fi", **labels)
        rep = timed(write_report, result, out, "fi", **labels)
        rows["workbook"].append(wb)
        rows["report (html+md, 6 charts)"].append(rep)
        rows["workbook + report"].append(wb + rep)
        rows["codebook (.qdc)"].append(
            timed(write_qdc, result.themes, SHL_LABELS, SECTOR_LABELS, out / "codebook.qdc")
        )
        rows["read review"].append(timed(read_review, out / "summary.xlsx"))
    print(f"{args.reports} reports, {args.repeat} runs, output in {out}")
    print(f"{'step':32} {'median s':>9} {'min s':>7} {'max s':>7}")
    for name, values in rows.items():
        print(f"{name:32} {statistics.median(values):9.2f} {min(values):7.2f} {max(values):7.2f}")
    sizes = {p.name: p.stat().st_size for p in (out / "summary.xlsx", out / "report.html")}
    print("sizes:", ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in sizes.items()))
    if args.pdf:
        for source in (out / "summary.xlsx", out / "report.html"):
            seconds, status = convert_pdf(source, out)
            print(f"PDF of {source.name}: {status} ({seconds:.1f} s)")


if __name__ == "__main__":
    main()
