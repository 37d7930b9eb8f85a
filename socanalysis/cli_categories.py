"""Command-line commands for §11 and sector suggestions: ``train-categories`` and
``evaluate-categories``.

Both read a labelled CSV or Excel file (one report per row, a text column and a label column with
keys such as ``2;3`` or what reporters typed, e.g. ``Asuminen, 3``), embed the texts with the
project embedder and either train and save a suggester or print cross-validated quality. They are
plain ``click`` commands; the main ``socanalysis`` group attaches them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from socanalysis.errors import SocanalysisError

_TEXT_COLUMNS = (
    "text",
    "teksti",
    "havainto",
    "kuvaus",
    "beskrivning",
    "observation",
    "iakttagelse",
)
_LANG_COLUMNS = ("language", "kieli", "språk", "sprak")
_ID_COLUMNS = ("report_id", "id", "vastauksen id", "svarets id")
_LABEL_COLUMNS = {
    "shl11": (
        "shl",
        "shl_reported",
        "shl 11 § tuen tarve",
        "tuen tarve",
        "stödbehov",
        "labels",
        "label",
    ),
    "sectors": (
        "sectors",
        "sectors_reported",
        "hallinnonala",
        "förvaltningsområde",
        "labels",
        "label",
    ),
}


def _fail(message: str) -> None:
    click.echo(f"socanalysis: error: {message}", err=True)  # as every other command says it
    raise SystemExit(2)


def read_table(path: str | Path):
    """Read a CSV or an Excel file, decoding and splitting a CSV as ``analyze`` does.

    CSV: any of ``;`` tab ``,`` ``|``; UTF-8 with or without BOM, UTF-16, cp1252/latin-1
    (:mod:`socanalysis.intake.readers`).
    """
    import io

    import pandas as pd

    from socanalysis.errors import InputError
    from socanalysis.intake.readers import CSV_DELIMITERS, decode_bytes, sniff_delimiter

    p = Path(path)
    if not p.exists():
        raise InputError(f"file not found: {p}")
    suffix = p.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _read_workbook(p)
        if suffix == ".xls":
            raise InputError(f"{p}: an old Excel file (.xls); save it as .xlsx or .csv")
        if suffix in (".csv", ".tsv", ".txt"):
            text, _ = decode_bytes(p.read_bytes(), str(p))
            text = text.lstrip("\ufeff")
            first = next((line for line in text.splitlines() if line.strip()), "")
            if not any(d in first for d in CSV_DELIMITERS):
                raise InputError(
                    f"{p}: the header {first[:60]!r} is one column; a labelled file needs a "
                    "text column and a label column"
                )
            return pd.read_csv(io.StringIO(text), sep=sniff_delimiter(text), dtype=str)
    except InputError:
        raise
    except Exception as exc:  # pandas raises many kinds: report the file and the reason
        raise InputError(
            f"cannot read {p}: {exc}. Check that every row has as many cells as the header "
            "(quote cells that hold the delimiter)."
        ) from exc
    raise InputError(f"{p}: unsupported file type {suffix!r}; give a .csv or .xlsx file")


def _read_workbook(path: Path):
    """The sheet of a workbook that holds reports, from its header row, as ``analyze`` finds
    them (a title block or an instructions sheet before it is skipped); cells as text."""
    import pandas as pd

    from socanalysis.intake import cleaning, readers
    from socanalysis.reports import pick_report_sheet

    grids = readers.read_xlsx_grids(path)
    grid, index = pick_report_sheet(grids, path, {}, _own_reports_sheet(grids))
    header = [
        cleaning.cell_to_text(c).strip() or f"column_{j + 1}"
        for j, c in enumerate(grid.rows[index])
    ]
    rows = [
        [cleaning.cell_to_text(c) for c in row] + [""] * (len(header) - len(row))
        for row in grid.rows[index + 1 :]
    ]
    return pd.DataFrame([row[: len(header)] for row in rows], columns=header, dtype=str)


def _check_model_dir(out: Path, taxonomy: str, stem: str | None = None) -> None:
    """Refuse an --out folder where the model would replace something else: a model of
    another taxonomy, or files that are no model (the results of a run). ``stem``: the
    taxonomy's name as a folder name, for the folder suggested."""
    import json

    from socanalysis.errors import InputError

    if not out.is_dir() or not any(out.iterdir()):
        return
    meta = out / "model.json"
    if not meta.is_file():
        raise InputError(
            f"--out {out} holds other files and no model; give a new folder for the model "
            f"(e.g. models/categories-{stem or taxonomy})."
        )
    try:
        saved = json.loads(meta.read_text("utf-8")).get("taxonomy", {}).get("name")
    except (OSError, ValueError, AttributeError):
        saved = None  # a damaged model is replaced, as retraining is meant to do
    if saved and saved != taxonomy:
        raise InputError(
            f"--out {out} holds a model of the taxonomy {saved!r}; this one is {taxonomy!r}. "
            f"Give another folder (e.g. models/categories-{stem or taxonomy})."
        )


def _pick(
    df,
    given: str | None,
    candidates: tuple[str, ...],
    what: str,
    required: bool = True,
    source: object = "",
):
    """The column of ``what``: ``given`` (any case), else the first of ``candidates``; a
    missing one is an InputError naming the file (``source``) and its columns."""
    from socanalysis.errors import InputError

    where = f"{source}: " if source else ""

    cols = {str(c).strip().lower(): c for c in df.columns}
    if given:
        if given in df.columns:
            return given
        if given.strip().lower() in cols:
            return cols[given.strip().lower()]
        raise InputError(
            f"{where}no {what} column {given!r}; the file has: {', '.join(map(str, df.columns))}"
        )
    for c in candidates:
        if c in cols:
            return cols[c]
    if required:
        raise InputError(
            f"{where}cannot find the {what} column (tried {', '.join(candidates)}); name it with "
            f"--{what.replace(' ', '-')}-column. The file has: {', '.join(map(str, df.columns))}"
        )
    return None


def _load_labelled(path, taxonomy, text_column, label_column, language_column, id_column):
    """Rows with text and a parseable label; returns (ids, texts, languages, labels, df)."""
    from socanalysis.classify.suggester import parse_labels
    from socanalysis.classify.taxonomy import load_taxonomy
    from socanalysis.errors import InputError
    from socanalysis.nlp.privacy import mask_reports

    tax = load_taxonomy(taxonomy)
    df = read_table(path)
    if df.empty:
        raise InputError(f"{path} has no rows")
    own = _own_workbook_columns(tax.name)
    tcol = _pick(df, text_column, (*_TEXT_COLUMNS, *own["text"]), "text", source=path)
    gcol = _pick(df, language_column, _LANG_COLUMNS, "language", required=False, source=path)
    icol = _pick(df, id_column, (*_ID_COLUMNS, *own["id"]), "id", required=False, source=path)
    corrected = _pick(df, None, own["corrected"], "corrected", required=False)
    if label_column is None and corrected is not None:
        # socanalysis' own summary.xlsx: what reviewers corrected, else what the reporter chose
        reported = _pick(df, None, own["reported"], "label", source=path)
        lcol = f"{corrected} / {reported}"
        df[lcol] = [
            c if str(c or "").strip() else r
            for c, r in zip(df[corrected].fillna(""), df[reported].fillna(""), strict=True)
        ]
    else:
        lcol = _pick(
            df,
            label_column,
            _LABEL_COLUMNS.get(tax.name, ("labels", "label")),
            "label",
            source=path,
        )
    texts = df[tcol].fillna("").astype(str).tolist()
    # reporters' choices as typed: one that names no category is left out, and said so below
    labels = parse_labels(df[lcol].tolist(), tax, unreadable="ignore")
    keep = [i for i, (t, lab) in enumerate(zip(texts, labels, strict=False)) if t.strip() and lab]
    cells = df[lcol].fillna("").astype(str).str.strip().tolist()
    unread = [i for i, lab in enumerate(labels) if not lab and cells[i]]
    if unread:
        # a label the taxonomy does not know ("12;99") is left out, and said so
        click.echo(
            f"note: {len(unread)} row(s) of {path} have a label in {lcol!r} that names no "
            f"category of {tax.name!r} (e.g. {cells[unread[0]]!r}, row {unread[0] + 2}); "
            "they are left out of the training.",
            err=True,
        )
    if len(keep) < 2:
        raise InputError(
            f"{path}: only {len(keep)} rows have both a text and a label that names a category of "
            f"{tax.name!r} in column {lcol!r} (e.g. '2;3', 'Asuminen'); nothing to learn from"
        )
    ids = df[icol].astype(str).tolist() if icol else [str(i + 1) for i in range(len(df))]
    langs = _language_codes(df[gcol].tolist(), path, gcol) if gcol else [None] * len(df)
    kept_langs = [langs[i] for i in keep]
    # the texts masked as analyze masks them: the model (its labelled reports' words and
    # vectors, saved with it) must hold no names, and it is applied to masked text
    masked = mask_reports([texts[i] for i in keep], kept_langs)["text_masked"].tolist()
    return (
        [ids[i] for i in keep],
        masked,
        kept_langs,
        [labels[i] for i in keep],
        tax,
    )


def _own_reports_sheet(grids: list[tuple[str, Any]]) -> str | None:
    """The Reports sheet of socanalysis' own summary.xlsx (in any output language), or None
    for other workbooks: its Themes sheet comes first and has a text column of its own."""
    from socanalysis.export.labels import ui_groups

    sheets = ui_groups()["sheets"]
    names = {name for name, _ in grids}
    if not names & set(sheets["themes"].values()):
        return None
    return next((n for n in sheets["reports"].values() if n in names), None)


def _own_workbook_columns(taxonomy: str) -> dict[str, tuple[str, ...]]:
    """Headers of socanalysis' own summary.xlsx (any output language), case-folded: its masked
    text, report id, the reviewers' corrected labels and the reporters' own choices."""
    from socanalysis.export.labels import ui_groups

    columns = ui_groups()["columns"]

    def words(key: str) -> tuple[str, ...]:
        return tuple(sorted({v.strip().lower() for v in columns[key].values()}))

    sectors = taxonomy == "sectors"
    return {
        "text": words("text_masked"),
        "id": words("report_id"),
        "corrected": words("review_sectors" if sectors else "review_shl"),
        "reported": words("sectors_reported" if sectors else "shl_reported"),
    }


def _language_codes(values: list[Any], path: Any, column: str) -> list[Any]:
    """Language cells as the codes masking takes: codes as they are, and the words of
    socanalysis' own workbook in any output language (suomi, finska, Finnish -> fi)."""
    from socanalysis.errors import InputError
    from socanalysis.export.labels import ui_groups
    from socanalysis.nlp.privacy import PLACEHOLDER_LANGUAGES

    codes = {"mixed", "other", "unknown", *PLACEHOLDER_LANGUAGES}
    words = {code: code for code in codes}
    for code, names in ui_groups()["languages"].items():
        for name in names.values():
            words[name.strip().lower()] = code
    out = []
    for i, value in enumerate(values):
        text = "" if value is None or value != value else str(value).strip().lower()
        if text and text not in words:
            raise InputError(
                f"{path}: column {column!r}, row {i + 2}: {value!r} is not a language; use fi, "
                "sv, mixed or other (or the words of socanalysis' workbook, e.g. suomi, "
                "ruotsi), leave it empty, or name another column with --language-column"
            )
        out.append(words.get(text) or None)
    return out


def _embed(texts: list[str], embedder_name: str | None) -> tuple[Any, Any]:
    from socanalysis.classify.embedding import encode, resolve_embedder
    from socanalysis.nlp.embed_text import texts_for_embedding
    from socanalysis.nlp.embeddings import REPORT_KIND

    emb = resolve_embedder(embedder_name)
    # the same kind and text as analyze, so that a model trained here applies to its vectors
    return emb, encode(emb, texts_for_embedding(texts), kind=REPORT_KIND)


_common = [
    click.argument("labelled_file", type=click.Path(dir_okay=False)),
    click.option(
        "--taxonomy",
        default="shl11",
        show_default=True,
        help="shl11, sectors, or the path of a taxonomy file.",
    ),
    click.option("--text-column", default=None, help="Column with the report text."),
    click.option(
        "--label-column",
        default=None,
        help="Column with the labels ('2;3', 'Asuminen, 3', 'kela;housing').",
    ),
    click.option("--language-column", default=None, help="Column with fi/sv (optional)."),
    click.option("--id-column", default=None, help="Column with report ids (optional)."),
    click.option(
        "--embedder", default=None, help="Embedder name or path (default: bundled e5-small)."
    ),
]


def _with_common(f):
    for deco in reversed(_common):
        f = deco(f)
    return f


@click.command("train-categories")
@_with_common
@click.option(
    "--out",
    "out_dir",
    default=None,
    help="Model directory [default: models/categories-<taxonomy>].",
)
@click.option(
    "--prior-weight",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="How many labelled reports the category descriptions count for (docs/categories.md).",
)
@click.option(
    "--seed", default=0, show_default=True, type=click.IntRange(0, 2**32 - 1), help="Random seed."
)
def train_categories(
    labelled_file,
    taxonomy,
    text_column,
    label_column,
    language_column,
    id_column,
    embedder,
    out_dir,
    prior_weight,
    seed,
):
    """Train a §11 or sector suggester on LABELLED_FILE and save it (JSON + .npy, no pickle)."""
    try:
        from socanalysis.classify.suggester import CategorySuggester
        from socanalysis.pipeline import check_out_dir

        ids, texts, langs, labels, tax = _load_labelled(
            labelled_file, taxonomy, text_column, label_column, language_column, id_column
        )
        out = Path(out_dir or f"models/categories-{tax.file_stem}")
        check_out_dir(out)  # before the embedding, not after
        _check_model_dir(out, tax.name, tax.file_stem)
        floor = CategorySuggester().min_labelled
        if len(texts) < floor:
            click.echo(
                f"note: only {len(texts)} labelled reports; analyze starts to learn from "
                f"reporters' labels at {floor}. A model trained on fewer rests on the category "
                "descriptions and these few examples: check it with evaluate-categories.",
                err=True,
            )
        click.echo(f"{len(texts)} labelled reports; embedding...", err=True)
        emb, X = _embed(texts, embedder)
        model = CategorySuggester(
            tax, mode="supervised", prior_weight=prior_weight, seed=seed, embedder=emb
        ).fit(texts, X, langs, labels=labels, report_ids=ids)
        model.save(out)
    except SocanalysisError as exc:
        _fail(str(exc))
    click.echo(f"Trained {tax.name} suggester on {len(texts)} reports -> {out}")
    click.echo(
        "examples per category: "
        + ", ".join(f"{k}={int(n)}" for k, n in zip(model.keys_, model.n_positive_, strict=False))
    )


@click.command("evaluate-categories")
@_with_common
@click.option(
    "--mode",
    type=click.Choice(["both", "zero-shot", "supervised"]),
    default="both",
    show_default=True,
    help="Zero-shot (descriptions only), supervised (the labels), or both side by side.",
)
@click.option(
    "--folds",
    default=5,
    show_default=True,
    type=click.IntRange(2, 20),
    help="Cross-validation folds.",
)
@click.option(
    "--seed",
    default=0,
    show_default=True,
    type=click.IntRange(0, 2**32 - 1),
    help="Random seed of the folds.",
)
@click.option(
    "--out",
    "out_dir",
    default="results/categories-eval",
    show_default=True,
    help="Directory for the per-category, confusion and prediction tables.",
)
def evaluate_categories(
    labelled_file,
    taxonomy,
    text_column,
    label_column,
    language_column,
    id_column,
    embedder,
    mode,
    folds,
    seed,
    out_dir,
):
    """Cross-validated precision, recall, F1, top-1/top-3 hits and confusion on LABELLED_FILE."""
    try:
        from socanalysis.classify.evaluate import cross_validate

        ids, texts, langs, labels, tax = _load_labelled(
            labelled_file, taxonomy, text_column, label_column, language_column, id_column
        )
        emb, X = _embed(texts, embedder)
        modes = ["zero-shot", "supervised"] if mode == "both" else [mode]
        results = []
        for m in modes:
            res = cross_validate(
                texts,
                X,
                langs,
                labels,
                tax,
                mode=m,
                n_splits=folds,
                seed=seed,
                report_ids=ids,
                embedder=emb,
            )
            res.save(out_dir, prefix=f"{tax.file_stem}_")
            results.append(res)
    except SocanalysisError as exc:
        _fail(str(exc))
    for res in results:
        click.echo(f"\n== {tax.name}, {res.mode} ({res.summary['n_labelled']} labelled reports)")
        click.echo(res.per_category.to_string(index=False))
        keys = (
            "micro_precision",
            "micro_recall",
            "micro_f1",
            "macro_precision",
            "macro_recall",
            "macro_f1",
            "top1",
            "top3",
            "top3_suggested",
            "no_suggestion",
        )
        click.echo(json.dumps({k: res.summary[k] for k in keys}))
        click.echo("confusion (rows: primary label, columns: first suggestion):")
        click.echo(res.confusion.to_string())
    click.echo(f"\nTables written to {out_dir}")
