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
            # .value =, since cell(value=None) leaves the cell as it is
            ws.cell(row=rows[row_id], column=header.index(column) + 1).value = value
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
    # the merge target has no decision of its own, but its labels and keywords are recorded:
    # a later run matches it by them when review.json is not beside the run's themes.csv
    target = data["themes"]["1"]
    assert target["label_fi"] and target["keywords_fi"] and target["accept"] is None
    assert "-1" not in data["themes"]  # undecided themes are not recorded
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
    # the second workbook does not show r0002 (a workbook of other reports)
    book = openpyxl.load_workbook(second)
    book["Reports"].delete_rows(row_number(second, "Reports", "r0002"))
    book.save(second)
    _, combined = apply_review(second, tmp_path)
    assert combined.renames == {1: "Waits"}
    assert combined.reports["r0002"].shl == ["3", "8"]  # kept from the first review
    assert combined.reports["r0003"].shl == ["9"]  # newer wins
    assert combined.reports["r0005"].sectors == ["kela"]
    # r0004 is shown with empty review cells: its earlier comment was cleared
    assert "r0004" not in combined.reports
    assert any("1 earlier correction(s) removed" in n and "r0004" in n for n in combined.notes)
    assert load_review(tmp_path).to_dict() == combined.to_dict()


def test_a_correction_cleared_in_the_workbook_is_removed_when_applied_again(workbook, tmp_path):
    path = workbook(
        "fi",
        Raportit=[
            ("r0002", "Arvio: oikeat §11-kohdat", "9"),  # a mistake
            ("r0003", "Arvio: oikeat §11-kohdat", "3"),
        ],
    )
    apply_review(path, tmp_path)
    fill(path, {"Raportit": [("r0002", "Arvio: oikeat §11-kohdat", None)]})
    _, again = apply_review(path, tmp_path)
    assert "r0002" not in again.reports and again.reports["r0003"].shl == ["3"]
    assert "r0002" not in load_review(tmp_path).reports
    assert "1 earlier correction(s) removed" in again.notes[0]


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


# --- defects found in the review-and-learn loop (exp22) -------------------------------------


def test_review_cells_are_text_and_numbers_a_spreadsheet_made_are_read_as_points(workbook):
    """D8: "3,8" typed in a Finnish-locale spreadsheet must stay text; a cell already turned
    into 3.8 or a date is read back as the points typed, with a note."""
    import datetime as dt

    path = workbook("fi")
    ws = openpyxl.load_workbook(path)["Raportit"]
    header = [c.value for c in ws[1]]
    j = header.index("Arvio: oikeat §11-kohdat") + 1
    assert ws.cell(row=2, column=j).number_format == "@"
    assert ws.cell(row=2, column=header.index("Arvio: kommentti") + 1).number_format == "@"
    fill(
        path,
        {
            "Raportit": [
                ("r0002", "Arvio: oikeat §11-kohdat", 3.8),
                ("r0003", "Arvio: oikeat §11-kohdat", 10.8),
                ("r0004", "Arvio: oikeat §11-kohdat", dt.datetime(2026, 8, 3)),
            ]
        },
    )
    decisions = read_review(path)
    assert decisions.reports["r0002"].shl == ["3", "8"]
    assert decisions.reports["r0003"].shl == ["10", "8"]
    assert decisions.reports["r0004"].shl == ["3", "8"]
    assert len(decisions.notes) == 3 and "read as the points 3;8" in decisions.notes[0]
    # "3,1" and "3,10" are both stored as 3.1: refused, not guessed (review of the day's diff)
    fill(path, {"Raportit": [("r0005", "Arvio: oikeat §11-kohdat", 3.1)]})
    with pytest.raises(InputError, match=r"3\.1.*may be the points 3;1 or 3;10.*e\.g\. 3;10"):
        read_review(path)


def test_sector_labels_of_either_language_and_labels_with_commas(workbook):
    """D9 and the Sectors sheet's own labels that hold commas."""
    keys = [*SECTOR_LABELS, "police_justice"]
    path = workbook(
        "fi",
        Raportit=[
            ("r0001", "Arvio: oikeat hallinnonalat", "FPA"),
            ("r0002", "Arvio: oikeat hallinnonalat", "Boende; kela, asuminen"),
            (
                "r0003",
                "Arvio: oikeat hallinnonalat",
                "poliisi, ulosotto, oikeusapu, rikosseuraamukset",
            ),
            ("r0004", "Arvio: oikeat hallinnonalat", "Polis, Kela"),
        ],
    )
    reports = read_review(path, sector_keys=keys).reports
    assert reports["r0001"].sectors == ["kela"]
    assert reports["r0002"].sectors == ["housing", "kela"]
    assert reports["r0003"].sectors == ["police_justice"]
    assert reports["r0004"].sectors == ["police_justice", "kela"]
    swedish = workbook(
        "sv", Rapporter=[("r0001", "Granskning: rätta förvaltningsområden", "asuminen")]
    )
    assert read_review(swedish).reports["r0001"].sectors == ["housing"]
    wrong = workbook("fi", Raportit=[("r0001", "Arvio: oikeat hallinnonalat", "asumnen")])
    with pytest.raises(InputError) as info:
        read_review(wrong)
    assert "did you mean 'housing'? Valid keys:" in str(info.value)
    assert "?." not in str(info.value)


def test_county_sector_labels_with_slashes_and_folded_spellings(result, tmp_path):
    """exp22 county D4: a label the Sectors sheet shows with "/" (or commas) reads as one
    sector, and 'ikaihmisten palvelut' typed without ä reads as 'ikäihmisten palvelut'."""
    labels = {
        "asuminen": "asuminen / vuokra-asiat",
        "ikäihmisten palvelut": "ikäihmisten palvelut",
        "terveys ja mtp": "terveys-, mielenterveys- ja päihdepalvelut",
        "kela": "Kela",
    }
    path = tmp_path / "summary.xlsx"
    write_workbook(result, path, "fi", shl_labels=SHL_LABELS, sector_labels=labels)
    fill(
        path,
        {
            "Raportit": [
                ("r0001", "Arvio: oikeat hallinnonalat", "Asuminen/Vuokra-asiat"),
                ("r0002", "Arvio: oikeat hallinnonalat", "ikaihmisten palvelut / kela"),
                (
                    "r0003",
                    "Arvio: oikeat hallinnonalat",
                    "terveys-, mielenterveys- ja päihdepalvelut, asuminen / vuokra-asiat",
                ),
            ]
        },
    )
    reports = read_review(path, sector_keys=list(labels)).reports
    assert reports["r0001"].sectors == ["asuminen"]
    assert reports["r0002"].sectors == ["ikäihmisten palvelut", "kela"]
    assert reports["r0003"].sectors == ["terveys ja mtp", "asuminen"]


@pytest.mark.parametrize("value", ["5 6", "2.5", "1 ja 2", "Teema 1"])
def test_merge_into_typos_are_reported_not_truncated(workbook, value):
    """D10."""
    path = workbook("fi", Teemat=[(0, "Arvio: yhdistä teemaan", value)])
    with pytest.raises(InputError, match="is not a theme id"):
        read_review(path)


@pytest.mark.parametrize("value", [1, "#1", "1: Kelan päätökset", "1.0"])
def test_merge_into_reads_an_id_with_or_without_its_label(workbook, value):
    path = workbook("fi", Teemat=[(0, "Arvio: yhdistä teemaan", value)])
    assert read_review(path).merges == {0: 1}


def test_judged_weak_signal_without_id_is_reported(workbook):
    """D11."""
    path = workbook("fi")
    book = openpyxl.load_workbook(path)
    ws = book["Heikot signaalit"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=1).value = None
    ws.cell(row=2, column=header.index("Arvio: hyväksy") + 1).value = "kyllä"
    book.save(path)
    with pytest.raises(InputError, match="row 2, .*is empty but the row has review entries"):
        read_review(path)


def test_a_review_column_found_twice_is_reported(workbook):
    """D12."""
    path = workbook("fi")
    book = openpyxl.load_workbook(path)
    ws = book["Teemat"]
    j = ws.max_column + 1
    ws.cell(row=1, column=j).value = "Arvio: kommentti"
    ws.cell(row=2, column=j).value = "toisen arvioijan kommentti"
    book.save(path)
    with pytest.raises(InputError, match=r"'Arvio: kommentti' appears twice \(columns U and V\)"):
        read_review(path)


def test_a_missing_column_error_names_the_file(workbook):
    """D13."""
    path = workbook("fi")
    book = openpyxl.load_workbook(path)
    ws = book["Teemat"]
    j = [c.value for c in ws[1]].index("Arvio: uusi nimi") + 1
    ws.cell(row=1, column=j).value = "Arvio: uusi nimi (vapaaehtoinen)"
    book.save(path)
    with pytest.raises(InputError, match=r"summary_fi\.xlsx: sheet 'Teemat': the column"):
        read_review(path)


def test_a_stale_sheet_dimension_does_not_hide_rows(workbook, tmp_path):
    """D14: some tools leave <dimension ref="A1"> behind; every row is still read."""
    import re
    import zipfile

    path = workbook("fi", Raportit=[("r0030", "Arvio: oikeat §11-kohdat", "3")])
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(stale, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
            target.writestr(item, data)
    assert read_review(stale).reports["r0030"].shl == ["3"]


def test_a_rename_on_a_row_merged_away_is_noted(workbook):
    """D5: the name would be dropped by the next run; say so when recording."""
    path = workbook(
        "fi",
        Teemat=[(2, "Arvio: uusi nimi", "Tulkkaus"), (2, "Arvio: yhdistä teemaan", 1)],
    )
    decisions = read_review(path)
    assert decisions.merges == {2: 1}
    (note,) = decisions.notes
    assert "'Tulkkaus' is not used: the theme is merged into theme 1" in note
    result = CliRunner().invoke(cli(), ["review", "apply", str(path)])
    assert result.exit_code == 0 and "note: sheet 'Teemat'" in result.output


@pytest.fixture
def saved_run(result, tmp_path):
    """A run's results folder as save() writes it: CSV tables, run.json with run_id, and a
    workbook that carries the run_id."""

    def make(name, result_like=result):
        folder = tmp_path / name
        result_like.save(folder, charts=False)
        return folder

    return make


def test_review_apply_refuses_the_results_folder_of_another_run(saved_run, tmp_path):
    """D1: a workbook applied beside another run's results would rename other themes."""
    first = saved_run("first")
    other = make_result(40, seed=6)
    second = saved_run("second", other)
    run_id = json.loads((first / "run.json").read_text("utf-8"))["run_id"]
    assert run_id and run_id != json.loads((second / "run.json").read_text("utf-8"))["run_id"]
    fill(first / "summary.xlsx", {"Teemat": [(0, "Arvio: uusi nimi", "Kelan päätökset")]})
    with pytest.raises(InputError) as info:
        apply_review(first / "summary.xlsx", second)
    text = str(info.value)
    assert str(first / "summary.xlsx") in text and str(second) in text and run_id in text
    assert "\n" not in text and not (second / REVIEW_FILE).exists()
    # its own folder, or a folder of its own, is fine; review.json records the run
    written, decisions = apply_review(first / "summary.xlsx")
    assert decisions.run_id == run_id
    assert json.loads(written.read_text("utf-8"))["run_id"] == run_id
    apply_review(first / "summary.xlsx", tmp_path / "mail")
    # the command line says it in one line, exit status 2
    done = CliRunner().invoke(
        cli(), ["review", "apply", str(first / "summary.xlsx"), "--out", str(second)]
    )
    assert done.exit_code == 2 and "is the review of run" in done.output


def test_review_of_an_old_workbook_is_checked_by_its_themes(saved_run):
    """A workbook without a run id (written before 2026-11-25) is compared by its themes."""
    first = saved_run("first")
    other = make_result(40, seed=6)
    other.themes.loc[other.themes["theme_id"] == 0, "label_fi"] = "tili, huijauspuhelu"
    second = saved_run("second", other)
    book = openpyxl.load_workbook(first / "summary.xlsx")
    book.custom_doc_props.props = [p for p in book.custom_doc_props.props if "run" not in p.name]
    book.save(first / "summary.xlsx")
    assert read_review(first / "summary.xlsx").run_id == ""
    with pytest.raises(InputError, match="is the review of another run"):
        apply_review(first / "summary.xlsx", second)
    apply_review(first / "summary.xlsx")  # its own folder


def test_loading_a_review_checks_the_results_beside_it(saved_run):
    """D1: review.json moved beside another run's themes.csv and reports.csv is refused."""
    from socanalysis.review_flow import load_review_source

    first = saved_run("first")
    second = saved_run("second", make_result(40, seed=6))
    fill(first / "summary.xlsx", {"Teemat": [(0, "Arvio: uusi nimi", "Kelan päätökset")]})
    apply_review(first / "summary.xlsx")
    assert load_review_source(first).decisions.renames == {0: "Kelan päätökset"}
    (second / REVIEW_FILE).write_text((first / REVIEW_FILE).read_text("utf-8"), "utf-8")
    with pytest.raises(InputError, match="themes.csv and reports.csv beside it are of run"):
        load_review_source(second)


def test_review_decisions_object_is_named_by_its_type():
    """D15: the error names the type and what to do, not thousands of characters."""
    import socanalysis

    decisions = ReviewDecisions(
        reports={
            f"r{i}": __import__("socanalysis").export.review.ReportCorrection(f"r{i}", shl=["3"])
            for i in range(300)
        }
    )
    with pytest.raises(socanalysis.ConfigError) as info:
        socanalysis.AnalysisConfig(review=decisions)
    text = str(info.value)
    assert "not ReviewDecisions" in text and "decisions.save('review.json')" in text
    assert len(text) < 300
