"""summary.xlsx: sheets, headers, values read back with openpyxl, validation, determinism."""

from __future__ import annotations

import hashlib

import openpyxl
import pytest
from export_data import SECTOR_LABELS, SHL_LABELS, make_result

from socanalysis.classify.taxonomy import load_taxonomy
from socanalysis.errors import ConfigError
from socanalysis.export.workbook import LISTS_SHEET, write_workbook

SHEETS = {
    "fi": [
        "Teemat",
        "Heikot signaalit",
        "Raportit",
        "§11",
        "Hallinnonalat",
        "Yksiköt",
        "Jaksot",
        "Ajo",
    ],
    "sv": [
        "Teman",
        "Svaga signaler",
        "Rapporter",
        "§11",
        "Förvaltningsområden",
        "Enheter",
        "Perioder",
        "Körning",
    ],
    "en": ["Themes", "Weak signals", "Reports", "§11", "Sectors", "Units", "Periods", "Run"],
}


@pytest.fixture(scope="module")
def result():
    return make_result(80, seed=3)


@pytest.fixture(scope="module")
def book_fi(result, tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "summary.xlsx"
    write_workbook(result, path, "fi", shl_labels=SHL_LABELS, sector_labels=SECTOR_LABELS)
    return openpyxl.load_workbook(path)


def rows_of(ws):
    rows = list(ws.iter_rows(values_only=True))
    return rows[0], rows[1:]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_sheet_names_and_headers_in_the_chosen_language(result, tmp_path, language):
    path = write_workbook(result, tmp_path / "s.xlsx", language, sector_labels=SECTOR_LABELS)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [*SHEETS[language], LISTS_SHEET]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    header, _ = rows_of(book[SHEETS[language][0]])
    expected = {
        "fi": "Arvio: yhdistä teemaan",
        "sv": "Granskning: slå ihop med tema",
        "en": "Review: merge into",
    }[language]
    assert expected in header
    sectors_header, sector_rows = rows_of(book[SHEETS[language][4]])
    kela = next(r for r in sector_rows if r[0] == "kela")
    assert kela[1] == {"fi": "Kela", "sv": "FPA", "en": "Kela"}[language]


def test_an_english_workbook_shows_the_built_in_taxonomies_english_labels(result, tmp_path):
    path = write_workbook(
        result,
        tmp_path / "s.xlsx",
        "en",
        shl_labels=load_taxonomy("shl11"),
        sector_labels=load_taxonomy("sectors"),
    )
    book = openpyxl.load_workbook(path)
    _, shl_rows = rows_of(book["§11"])
    assert {r[0]: r[1] for r in shl_rows}["2"] == "housing"
    _, sector_rows = rows_of(book["Sectors"])
    labels = {r[0]: r[1] for r in sector_rows}
    assert labels["ngo_parish"] == "NGOs and parishes"
    assert labels["kela"] == "Kela"


def test_every_sheet_has_frozen_filtered_header_and_fitting_widths(book_fi):
    for name in SHEETS["fi"]:
        ws = book_fi[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
        assert ws["A1"].font.bold
    reports = book_fi["Raportit"]
    header, _ = rows_of(reports)
    text_col = header.index("Teksti (anonymisoitu)") + 1
    letter = openpyxl.utils.get_column_letter(text_col)
    assert 40 <= reports.column_dimensions[letter].width <= 72
    assert reports.cell(row=2, column=text_col).alignment.wrap_text
    id_letter = openpyxl.utils.get_column_letter(header.index("Raportin tunnus") + 1)
    assert reports.column_dimensions[id_letter].width < 25


def test_themes_sheet_values(book_fi, result):
    header, rows = rows_of(book_fi["Teemat"])
    col = {h: i for i, h in enumerate(header)}
    assert len(rows) == len(result.themes)  # the outlier row is kept, never dropped
    assert rows[-1][col["Teeman nro"]] == -1 and rows[-1][col["Nimi (suomi)"]] == "Ei teemaa"
    sizes = [r[col["Raportteja"]] for r in rows[:-1]]
    assert sizes == sorted(sizes, reverse=True)
    by_id = {r[col["Teeman nro"]]: r for r in rows}
    housing = by_id[0]
    assert housing[col["Nimi (ruotsi)"]] == "Unga vuxnas boendekostnader"
    assert "vuokra" in housing[col["Avainsanat (suomi)"]]
    assert "hyra" in housing[col["Avainsanat (ruotsi)"]]
    assert housing[col["§11-kohdat"]] == "2 asuminen; 3 taloudellinen tuki"
    assert housing[col["Hallinnonalat"]] == "housing asuminen; kela Kela"
    examples = housing[col["Esimerkkejä (anonymisoitu)"]]
    assert examples.count("•") == 3
    assert "[NIMI]" in examples or "[NAMN]" in examples
    expected_n = int(result.themes.set_index("theme_id").loc[0, "n_reports"])
    assert housing[col["Raportteja"]] == expected_n
    assert all(r[col["Arvio: hyväksy"]] is None for r in rows)  # left for the reviewers


def test_reports_sheet_keeps_every_row_in_order_and_only_masked_text(book_fi, result):
    header, rows = rows_of(book_fi["Raportit"])
    assert [r[0] for r in rows] == result.reports["report_id"].tolist()
    assert "Toimenpide-ehdotus (anonymisoitu)" in header
    assert "Arvio: oikeat §11-kohdat" in header and "Arvio: oikeat hallinnonalat" in header
    text_col = header.index("Teksti (anonymisoitu)")
    assert [r[text_col] or "" for r in rows] == result.reports["text_masked"].tolist()
    polarity = {r[header.index("Havainnon laatu")] for r in rows}
    assert polarity <= {"myönteinen", "kielteinen", "ei tiedossa"}
    date = rows[0][header.index("Päivämäärä")]
    assert date.date() == result.reports.loc[0, "date"].date()


def test_reports_sheet_leaves_proposals_out_when_they_are_not_masked(result, tmp_path):
    reports = result.reports.drop(columns=["proposal_masked"])
    partial = type(result)(reports, result.themes, result.weak_signals, result.run_info)
    path = write_workbook(partial, tmp_path / "s.xlsx", "en")
    header, rows = rows_of(openpyxl.load_workbook(path)["Reports"])
    assert not any("Proposal" in h for h in header)
    raw = set(result.reports["proposal"]) - {""}
    assert not raw & {c for r in rows for c in r if isinstance(c, str)}


def test_count_sheets_add_up(book_fi, result):
    ok = result.reports[result.reports["status"] == "ok"]
    header, rows = rows_of(book_fi["§11"])
    assert [r[0] for r in rows] == [str(i) for i in range(1, 11)]
    col = {h: i for i, h in enumerate(header)}
    eight = next(r for r in rows if r[0] == "8")
    expected = int(ok["shl_suggested"].str.split(";").map(lambda p: "8" in p).sum())
    assert eight[col["Raportteja"]] == expected
    assert eight[col["Nimi"]].startswith("päihteet")
    # the share is the fraction of analysed reports, shown as a percentage
    assert eight[col["Osuus"]] == pytest.approx(expected / len(ok), abs=1e-4)
    share_cells = [r[col["Osuus"]] for r in book_fi["§11"].iter_rows(min_row=2)]
    assert all(c.number_format == "0.0%" for c in share_cells)
    _, unit_rows = rows_of(book_fi["Yksiköt"])
    assert sum(r[2] for r in unit_rows) == len(ok)
    header, period_rows = rows_of(book_fi["Jaksot"])
    assert period_rows[-1][0] == "Yhteensä" and period_rows[-1][1] == len(ok)
    # two years of dates: quarters, as the weak signals count them (one rule for "auto")
    assert [r[0] for r in period_rows[:-1]] == [
        f"{y}-Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)
    ]
    assert any(h.startswith("Teema 0: ") for h in header)


def test_run_and_weak_signal_sheets(book_fi):
    _, run_rows = rows_of(book_fi["Ajo"])
    items = dict(run_rows)
    assert items["Satunnaissiemen"] == "42"
    assert items["Rivejä syötteessä"] == "80"
    header, weak_rows = rows_of(book_fi["Heikot signaalit"])
    assert [r[0] for r in weak_rows] == ["ws-1", "ws-2"]  # best score first
    assert "Arvio: hyväksy" in header


def test_weak_signal_reasons_in_the_workbook_language(result, tmp_path):
    weak = result.weak_signals.assign(why_sv=lambda f: "på svenska " + f["weak_signal_id"])
    localised = type(result)(result.reports, result.themes, weak, result.run_info)
    for language, expected in (("sv", "på svenska ws-1"), ("fi", None)):
        path = tmp_path / f"{language}.xlsx"
        write_workbook(localised, path, language)
        sheet = openpyxl.load_workbook(path).worksheets[1]
        header, rows = rows_of(sheet)
        column = header.index({"sv": "Motivering", "fi": "Perustelu"}[language])
        shown = next(r for r in rows if r[0] == "ws-1")[column]
        # no Finnish reasons in this result: the English ones, as before
        english = result.weak_signals.set_index("weak_signal_id").loc["ws-1", "why"]
        assert shown == (expected or english)


def test_review_columns_have_drop_down_lists(book_fi):
    themes = book_fi["Teemat"]
    formulas = {dv.formula1 for dv in themes.data_validations.dataValidation}
    assert f"{LISTS_SHEET}!$A$2:$A$3" in formulas  # kyllä / ei
    assert any(f and "$B$2" in f for f in formulas)  # theme ids for merges
    lists = book_fi[LISTS_SHEET]
    assert [c.value for c in lists["A"]][1:3] == ["kyllä", "ei"]
    assert [c.value for c in lists["C"] if c.value][1:] == [str(i) for i in range(1, 11)]
    assert "kela" in [c.value for c in lists["D"]]
    prompts = [dv.prompt for dv in book_fi["Raportit"].data_validations.dataValidation]
    assert any("3;8" in (p or "") for p in prompts)


def test_text_that_looks_like_a_formula_stays_text(result, tmp_path):
    reports = result.reports.copy()
    reports.loc[0, "text_masked"] = '=HYPERLINK("http://x","klik")'
    partial = type(result)(reports, result.themes, result.weak_signals, result.run_info)
    path = write_workbook(partial, tmp_path / "s.xlsx", "fi")
    ws = openpyxl.load_workbook(path)["Raportit"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("Teksti (anonymisoitu)") + 1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_same_result_gives_identical_bytes(result, tmp_path):
    digests = []
    for name in ("a.xlsx", "b.xlsx"):
        path = write_workbook(result, tmp_path / name, "sv", shl_labels=SHL_LABELS)
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_empty_result_and_bad_language(result, tmp_path):
    empty = type(result)(
        result.reports.iloc[:0], result.themes.iloc[:0], result.weak_signals.iloc[:0], {}
    )
    book = openpyxl.load_workbook(write_workbook(empty, tmp_path / "e.xlsx", "en"))
    assert book["Themes"].max_row == 1
    with pytest.raises(ConfigError, match="output language 'de'"):
        write_workbook(result, tmp_path / "x.xlsx", "de")


def test_missing_values_of_pandas_string_columns_stay_blank(result, tmp_path):
    import pandas as pd

    reports = result.reports.astype({"unit": "string", "proposal_masked": "string"})
    reports.loc[0, "unit"] = pd.NA
    reports.loc[0, "proposal_masked"] = pd.NA
    reports.loc[0, "date"] = pd.NaT
    partial = type(result)(reports, result.themes, result.weak_signals, result.run_info)
    ws = openpyxl.load_workbook(write_workbook(partial, tmp_path / "s.xlsx", "en"))["Reports"]
    header = [c.value for c in ws[1]]
    for column in ("Unit", "Proposal (anonymised)", "Date"):
        assert ws.cell(row=2, column=header.index(column) + 1).value is None
    assert "<NA>" not in {c.value for row in ws.iter_rows() for c in row}


def test_reporter_counts_use_the_choices_read_into_keys():
    import pandas as pd

    from socanalysis.export.summaries import sector_counts

    reports = pd.DataFrame(
        {
            "status": ["ok", "ok", "ok"],
            "sectors_suggested": ["kela", "housing", ""],
            "sectors_reported": ["Mielenterveys- ja päihdepalvelut", "Boende", ""],
            "sectors_reported_keys": ["mental_health_substance_services", "housing", ""],
            "polarity": ["negative", "negative", "positive"],
        }
    )
    labels = {"kela": "Kela", "housing": "asuminen", "mental_health_substance_services": "mt"}
    counts = sector_counts(reports, labels).set_index("key")["n_reported"]
    # as the analysis read them, not as typed (the words matched no key before)
    assert counts.to_dict() == {"kela": 0, "housing": 1, "mental_health_substance_services": 1}


def test_statuses_languages_and_theme_names_are_words_of_the_workbook_language(result, tmp_path):
    book = openpyxl.load_workbook(write_workbook(result, tmp_path / "s.xlsx", "sv"))
    header, rows = rows_of(book["Rapporter"])
    column = {name: header.index(name) for name in header}
    statuses = {r[column["Status"]] for r in rows}
    assert "analyserad" in statuses and "ok" not in statuses
    assert {r[column["Språk"]] for r in rows} <= {
        "finska",
        "svenska",
        "finska och svenska",
        "annat språk",
        "okänd",
        None,
    }
    swedish = dict(zip(result.themes["theme_id"], result.themes["label_sv"], strict=True))
    named = [
        (r[column["Tema nr"]], r[column["Tema"]]) for r in rows if r[column["Tema nr"]] in swedish
    ]
    assert named and all(name == swedish[theme] for theme, name in named if theme >= 0)
    assert {name for theme, name in named if theme < 0} <= {"Inget tema", None}
    run = [r[0] for r in book["Körning"].iter_rows(values_only=True)]
    assert any(str(item).startswith("Status: analyserad") for item in run)


@pytest.mark.parametrize(("language", "shown"), [("fi", "d.m.yyyy"), ("en", "yyyy-mm-dd")])
def test_dates_are_date_cells_shown_as_the_reader_writes_them(result, tmp_path, language, shown):
    path = write_workbook(result, tmp_path / "s.xlsx", language)
    book = openpyxl.load_workbook(path)
    themes = book.worksheets[0]
    header = [c.value for c in themes[1]]
    first_col = header.index({"fi": "Ensimmäinen", "en": "First"}[language]) + 1
    cells = [themes.cell(row, first_col) for row in range(2, themes.max_row + 1)]
    dated = [c for c in cells if c.value is not None]
    assert dated, "the themes have first dates"
    # real dates that sort and filter as dates, in the format of the reader's language
    assert all(c.is_date and c.number_format == shown for c in dated)
    expected = result.themes.set_index("theme_id")["first_date"]
    ids = [themes.cell(row, 1).value for row in range(2, themes.max_row + 1)]
    for theme_id, cell in zip(ids, cells, strict=True):
        if cell.value is not None:
            assert f"{cell.value:%Y-%m-%d}" == expected[theme_id]
    reports = book.worksheets[2]
    date_col = [c.value for c in reports[1]].index({"fi": "Päivämäärä", "en": "Date"}[language])
    report_dates = [r[date_col] for r in reports.iter_rows(min_row=2) if r[date_col].value]
    assert report_dates and all(c.number_format == shown for c in report_dates)


def test_run_sheet_names_the_sector_list_used(result, tmp_path):
    """exp22 county D11: the county's title, name, source and content hash on the Run sheet."""
    county = {
        "name": "pohjanmaa_sektorit",
        "title": {"fi": "Pohjanmaan toimialat", "sv": "Österbottens sektorer"},
        "source": "rakenteellisen sosiaalityön verkosto 2025",
        "sha256": "966c7d924fa02ca6023bf03e1dcb9e70",
    }
    info = {**result.run_info, "taxonomies": {"sectors": county}}
    with_list = type(result)(result.reports, result.themes, result.weak_signals, info)
    path = tmp_path / "sv.xlsx"
    write_workbook(with_list, path, "sv")
    items = dict(rows_of(openpyxl.load_workbook(path)["Körning"])[1])
    assert items["Förteckning över förvaltningsområden"] == (
        "Österbottens sektorer (pohjanmaa_sektorit; rakenteellisen sosiaalityön verkosto 2025; "
        "sha256 966c7d924fa0)"
    )
