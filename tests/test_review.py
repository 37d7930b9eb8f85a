"""Review round trip: filled review columns are read, checked and recorded for later runs."""

from __future__ import annotations

import json

import click
import openpyxl
import pytest
from click.testing import CliRunner
from export_data import SECTOR_LABELS, SHL_LABELS, make_result

from socanalysis.cli import _Command
from socanalysis.cli_review import review
from socanalysis.errors import InputError
from socanalysis.export.review import (
    REVIEW_FILE,
    ReviewDecisions,
    apply_review,
    load_review,
    read_review,
)
from socanalysis.export.workbook import write_workbook


@pytest.fixture(scope="module")
def result():
    return make_result(40, seed=5)


@pytest.fixture
def workbook(result, tmp_path):
    def make(language="fi", **edits):
        path = tmp_path / f"summary_{language}.xlsx"
        write_workbook(result, path, language, shl_labels=SHL_LABELS, sector_labels=SECTOR_LABELS)
        if edits:
            fill(path, edits)
        return path

    return make


def fill(path, edits):
    """edits: {sheet: [(row id, header, value), ...]}; row id is the value in column A."""
    book = openpyxl.load_workbook(path)
    for sheet, changes in edits.items():
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        rows = {ws.cell(row=i, column=1).value: i for i in range(2, ws.max_row + 1)}
        for row_id, column, value in changes:
            ws.cell(row=rows[row_id], column=header.index(column) + 1, value=value)
    book.save(path)


def row_number(path, sheet, row_id):
    ws = openpyxl.load_workbook(path)[sheet]
    return next(i for i in range(2, ws.max_row + 1) if ws.cell(row=i, column=1).value == row_id)


FI_EDITS = {
    "Teemat": [
        (0, "Arvio: hyväksy", "kyllä"),
        (0, "Arvio: uusi nimi", "Nuorten asumisen kalleus"),
        (2, "Arvio: yhdistä teemaan", 1),
        (3, "Arvio: hyväksy", "ei"),
        (3, "Arvio: kommentti", "Liian pieni"),
    ],
    "Heikot signaalit": [("ws-1", "Arvio: hyväksy", "Kyllä")],
    "Raportit": [
        ("r0002", "Arvio: oikeat §11-kohdat", "3; 8"),
        ("r0002", "Arvio: oikeat hallinnonalat", "kela; Asuminen"),
        ("r0003", "Arvio: oikeat §11-kohdat", 10),
        ("r0004", "Arvio: kommentti", "Ei koske meitä"),
    ],
}


def test_read_review_gets_renames_merges_accepts_and_corrected_labels(workbook):
    decisions = read_review(workbook("fi", **FI_EDITS))
    assert decisions.renames == {0: "Nuorten asumisen kalleus"}
    assert decisions.merges == {2: 1}
    assert decisions.accepted == {0: True, 3: False}
    assert decisions.themes[3].comment == "Liian pieni"
    assert decisions.themes[0].label_sv == "Unga vuxnas boendekostnader"  # snapshot for matching
    assert "vuokra" in decisions.themes[0].keywords_fi
    assert decisions.weak_signals["ws-1"].accept is True
    assert decisions.reports["r0002"].shl == ["3", "8"]
    assert decisions.reports["r0002"].sectors == ["kela", "housing"]  # a label maps to its key
    assert decisions.reports["r0003"].shl == ["10"]
    assert decisions.reports["r0004"].comment == "Ei koske meitä"
    labels = decisions.training_labels()
    assert labels.to_dict("records") == [
        {"report_id": "r0002", "shl": "3;8", "sectors": "kela;housing"},
        {"report_id": "r0003", "shl": "10", "sectors": ""},
    ]


def test_swedish_workbook_is_read_the_same_way(workbook):
    path = workbook(
        "sv",
        **{
            "Teman": [(1, "Granskning: godkänn", "ja"), (1, "Granskning: nytt namn", "Vårdköer")],
            "Rapporter": [("r0001", "Granskning: rätta förvaltningsområden", "FPA")],
        },
    )
    decisions = read_review(path)
    assert decisions.accepted == {1: True} and decisions.renames == {1: "Vårdköer"}
    assert decisions.reports["r0001"].sectors == ["kela"]


def test_apply_writes_review_file_that_load_review_reads(workbook, tmp_path):
    path = workbook("fi", **FI_EDITS)
    written, decisions = apply_review(path, tmp_path / "results")
    assert written == tmp_path / "results" / REVIEW_FILE
    data = json.loads(written.read_text(encoding="utf-8"))
    assert data["format"] == "socanalysis-review" and data["version"] == 1
    assert data["themes"]["2"]["merge_into"] == 1
    assert "1" not in data["themes"]  # undecided themes are not recorded
    loaded = load_review(tmp_path / "results")
    assert loaded.to_dict() == decisions.to_dict()
    assert loaded.merge_targets() == {2: 1}


def test_later_review_adds_report_corrections_and_replaces_theme_decisions(workbook, tmp_path):
    first = workbook("fi", **FI_EDITS)
    apply_review(first, tmp_path)
    second = workbook(
        "en",
        Themes=[(1, "Review: rename to", "Waits")],
        Reports=[
            ("r0003", "Review: corrected §11 points", "9"),
            ("r0005", "Review: corrected sectors", "kela"),
        ],
    )
    _, combined = apply_review(second, tmp_path)
    assert combined.renames == {1: "Waits"}
    assert combined.reports["r0002"].shl == ["3", "8"]  # kept from the first review
    assert combined.reports["r0003"].shl == ["9"]  # newer wins
    assert combined.reports["r0005"].sectors == ["kela"]
    assert load_review(tmp_path).to_dict() == combined.to_dict()


@pytest.mark.parametrize(
    ("sheet", "row_id", "column", "value", "message"),
    [
        ("Teemat", 0, "Arvio: yhdistä teemaan", 99, "99 is not a theme in this workbook"),
        ("Teemat", 0, "Arvio: yhdistä teemaan", 0, "cannot merge into itself"),
        ("Teemat", 0, "Arvio: yhdistä teemaan", "asuminen", "is not a theme id"),
        ("Teemat", 1, "Arvio: hyväksy", "ehkä", "is not a yes/no answer"),
        ("Raportit", "r0002", "Arvio: oikeat §11-kohdat", "3;11", "'11' is not a §11 point"),
        ("Raportit", "r0002", "Arvio: oikeat §11-kohdat", "0", "'0' is not a §11 point"),
        ("Raportit", "r0002", "Arvio: oikeat hallinnonalat", "kella", "did you mean 'kela'?"),
        ("Raportit", "r0002", "Arvio: oikeat hallinnonalat", "police", "is not a sector key"),
    ],
)
def test_bad_review_input_names_sheet_row_column_and_value(
    workbook, sheet, row_id, column, value, message
):
    path = workbook("fi", **{sheet: [(row_id, column, value)]})
    row = row_number(path, sheet, row_id)
    with pytest.raises(InputError) as info:
        read_review(path)
    text = str(info.value)
    assert f"sheet '{sheet}', row {row}, column '{column}'" in text
    assert message in text
    assert "summary_fi.xlsx" in text


def test_all_problems_are_reported_at_once_and_merge_circles_caught(workbook):
    path = workbook(
        "fi",
        Teemat=[(0, "Arvio: yhdistä teemaan", 1), (1, "Arvio: yhdistä teemaan", 0)],
        Raportit=[("r0001", "Arvio: oikeat §11-kohdat", "12")],
    )
    with pytest.raises(InputError) as info:
        read_review(path)
    text = str(info.value)
    assert "2 problem(s)" in text
    assert "0 -> 1 -> 0" in text and "circle of merges" in text
    assert "'12' is not a §11 point" in text


def test_not_a_summary_workbook(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_review(tmp_path / "missing.xlsx")
    (tmp_path / "x.xlsx").write_text("not a workbook")
    with pytest.raises(InputError, match="cannot be read as an Excel workbook"):
        read_review(tmp_path / "x.xlsx")
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.save(tmp_path / "other.xlsx")
    with pytest.raises(InputError, match="not a socanalysis summary workbook"):
        read_review(tmp_path / "other.xlsx")


def test_missing_id_column_is_named(workbook):
    path = workbook("fi")
    book = openpyxl.load_workbook(path)
    book["Teemat"]["A1"] = "Numero"
    book.save(path)
    with pytest.raises(InputError, match="sheet 'Teemat': the column .*Teeman nro.* is missing"):
        read_review(path)


@pytest.mark.parametrize(
    ("sheet", "header", "column"),
    [
        ("Raportit", "Arvio: oikeat §11-kohdat", "Korjattu §11"),
        ("Raportit", "Arvio: oikeat hallinnonalat", None),
        ("Teemat", "Arvio: yhdistä teemaan", "Yhdistä"),
    ],
)
def test_renamed_or_deleted_review_columns_are_named(workbook, sheet, header, column):
    path = workbook("fi")
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    j = [c.value for c in ws[1]].index(header) + 1
    if column is None:
        ws.delete_cols(j)
    else:
        ws.cell(row=1, column=j, value=column)
    book.save(path)
    with pytest.raises(InputError, match=f"sheet '{sheet}': the column .* is missing; the review"):
        read_review(path)


def test_review_apply_takes_the_results_folder_and_names_other_formats(workbook, tmp_path):
    path = workbook("fi", **FI_EDITS)
    folder = tmp_path / "results"
    folder.mkdir()
    path.rename(folder / "summary.xlsx")
    written, decisions = apply_review(folder)
    assert written == folder / REVIEW_FILE and decisions.reports["r0002"].shl == ["3", "8"]
    (tmp_path / "summary.xls").write_bytes(b"not really")
    with pytest.raises(InputError, match="saved as .xls. Save it as Excel Workbook"):
        read_review(tmp_path / "summary.xls")


def test_load_review_rejects_foreign_files(tmp_path):
    (tmp_path / REVIEW_FILE).write_text('{"themes": {}}', encoding="utf-8")
    with pytest.raises(InputError, match="not a socanalysis review file"):
        load_review(tmp_path)
    with pytest.raises(InputError, match="review file not found"):
        load_review(tmp_path / "nothing")
    assert ReviewDecisions().is_empty()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"themes": "oops"}, "'themes' must be an object keyed by id, not str"),
        ({"reports": "oops"}, "'reports' must be an object keyed by id"),
        ({"themes": {"0": {"rename_to": 5}}}, "theme 0: rename_to=5 is not a text or null"),
        ({"themes": {"0": {"merge_into": "one"}}}, "theme 0: merge_into='one' is not a theme id"),
        ({"themes": {"0": {"accept": "yes"}}}, "theme 0: accept='yes' is not true, false or null"),
        ({"weak_signals": {"ws-1": {"comment": 3}}}, "weak signal ws-1: comment=3"),
        ({"reports": {"r1": {"shl": "3"}}}, "report r1: shl='3' must be a list of keys"),
        ({"themes": {"x": {}}}, "the review file is damaged"),
    ],
)
def test_hand_edited_review_files_are_checked(tmp_path, body, message):
    data = {"format": "socanalysis-review", "version": 1, **body}
    (tmp_path / REVIEW_FILE).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_review(tmp_path)


def test_points_written_as_numbers_are_read_as_keys(tmp_path):
    data = {"format": "socanalysis-review", "version": 1, "reports": {"r1": {"shl": [3, 8]}}}
    (tmp_path / REVIEW_FILE).write_text(json.dumps(data), encoding="utf-8")
    assert load_review(tmp_path).reports["r1"].shl == ["3", "8"]


def test_comments_and_new_names_are_masked(workbook):
    path = workbook(
        Teemat=[(0, "Arvio: kommentti", "Soita Matti Virtaselle 040 123 4567")],
        Raportit=[("r0004", "Arvio: kommentti", "Asiakas Liisa Korhonen, 131052-308T")],
    )
    decisions = read_review(path)
    shown = json.dumps(decisions.to_dict(), ensure_ascii=False)
    for raw in ("Virtaselle", "040 123 4567", "Korhonen", "131052-308T"):
        assert raw not in shown
    assert decisions.themes[0].comment == "Soita [NIMI] [PUHELIN]"


def cli():
    @click.group(cls=_Command)
    @click.pass_context
    def root(ctx):
        ctx.ensure_object(dict)

    root.add_command(review)
    return root


def test_review_apply_command(workbook, tmp_path):
    path = workbook("fi", **FI_EDITS)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli(), ["review", "apply", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 themes accepted, 1 rejected, 1 renamed, 1 merged" in result.output
    assert (out / REVIEW_FILE).is_file()
    bad = workbook("fi", Raportit=[("r0001", "Arvio: oikeat §11-kohdat", "44")])
    result = CliRunner().invoke(cli(), ["review", "apply", str(bad)])
    assert result.exit_code == 2
    assert "'44' is not a §11 point" in result.output
