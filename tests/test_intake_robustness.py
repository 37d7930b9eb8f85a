"""Intake and settings mistakes found by exploratory testing: each case loses no report text,
shows no personal data and ends in a clear message rather than a traceback."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from socanalysis import read_reports
from socanalysis.config import AnalysisConfig
from socanalysis.errors import ConfigError, InputError
from socanalysis.pipeline import _intake, _mask_fields, check_out_dir
from socanalysis.reports import recheck_table

SAMPLE_XLSX = Path(__file__).resolve().parents[1] / "sample_data" / "reports.xlsx"

TEXTS = [
    "Asiakas ei saa apua, koska Kelan päätös viipyy ja rahat ovat loppu.",
    "Nuoret eivät pääse mielenterveyspalveluihin, jono on neljä kuukautta.",
    "Kotihoidon käynnit ovat liian lyhyitä ja asiakkaat ovat yksinäisiä.",
]


def _write(path: Path, rows: list[list[str]], delimiter: str = ";") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_one_column_csv_keeps_whole_texts(tmp_path):
    # csv.writer(delimiter=";") leaves the commas of a one-column file unquoted
    path = _write(tmp_path / "one.csv", [["Havainto"], *[[t] for t in TEXTS]])
    assert "," in path.read_text(encoding="utf-8")
    table = read_reports(path)
    assert table["text"].tolist() == TEXTS
    assert set(table["status"]) == {"ok"}
    assert table.attrs["intake"]["delimiter"] == ""
    assert not [c for c in table.columns if c.startswith("column_")]


def test_unquoted_delimiters_in_the_text_are_joined_back(tmp_path):
    text = "Asiakas ei saa apua kelasta, soittakaa sosiaalityöntekijälle, jos tarvitsee"
    lines = ["Havainto,Pvm", f"{text},1.2.2024", "Toinen asiakas odottaa viikkoja,2.2.2024"]
    path = tmp_path / "comma.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_reports(path)
    assert table["text"].tolist() == [text, "Toinen asiakas odottaa viikkoja"]
    assert table["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-02-01", "2024-02-02"]
    assert "2 more cell(s) than the header" in table.loc[0, "status_reason"]
    assert table.loc[1, "status_reason"] == ""
    assert table["status"].tolist() == ["ok", "ok"]


def test_text_in_a_middle_column_is_joined_back_and_padding_is_not_text(tmp_path):
    lines = ["ID;Havainto;Pvm", "1;Vuokra; sähkö ja ruoka nousevat;3.2.2024", "2;Kela;4.2.2024;;"]
    path = tmp_path / "middle.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_reports(path)
    assert table["text"].tolist() == ["Vuokra; sähkö ja ruoka nousevat", "Kela"]
    assert table["date"].dt.day.tolist() == [3, 4]
    assert "1 more cell(s) than the header" in table.loc[0, "status_reason"]
    assert table.loc[1, "status_reason"] == ""  # trailing empty cells: padding


def test_a_data_row_is_never_taken_for_the_header(tmp_path):
    rows = [
        ["ID", "Kerro tilanteesta", "Pvm"],
        ["1", "Asiakas ei saa toimeentulotukea ajoissa", "1.2.2024"],
        ["2", "Havainto: asiakas Matti Virtanen ei saa tulkkia.", "3.2.2024"],
        ["3", "Kotihoidon käynnit ovat lyhyitä", "4.2.2024"],
    ]
    with pytest.raises(InputError) as info:
        read_reports(_write(tmp_path / "data.csv", rows))
    message = str(info.value)
    assert "no column with the report text was recognised" in message
    assert "'Kerro tilanteesta'" in message and "Virtanen" not in message
    book = Workbook()
    for row in rows:
        book.active.append([int(row[0]) if row[0].isdigit() else row[0], *row[1:]])
    book.save(tmp_path / "data.xlsx")
    with pytest.raises(InputError, match="no column with the report text"):
        read_reports(tmp_path / "data.xlsx")
    # named, the column is found and every row is kept
    table = read_reports(tmp_path / "data.csv", {"text": "Kerro tilanteesta"})
    assert len(table) == 3


def test_ids_that_are_personal_data_are_replaced():
    table = read_reports(
        pd.DataFrame({"id": ["131052-308T", "17", "040 123 4567"], "teksti": TEXTS})
    )
    assert table.loc[1, "report_id"] == "17"
    for row in (0, 2):
        assert table.loc[row, "report_id"].startswith("r")
        assert "generated id" in table.loc[row, "status_reason"]
    assert "131052-308T" not in " ".join(table["report_id"])


def test_ids_that_are_names_are_replaced():
    ids = ["Matti Virtanen", "erik lindholm", "Nieminen-3"]
    table = read_reports(pd.DataFrame({"id": ids, "teksti": TEXTS}))
    for row in range(3):
        assert table.loc[row, "report_id"].startswith("r")
        assert "generated id" in table.loc[row, "status_reason"]
    shown = " ".join(table["report_id"]) + " ".join(table["status_reason"])
    assert "Virtanen" not in shown and "lindholm" not in shown and "Nieminen" not in shown


@pytest.mark.parametrize(
    "ids",
    [
        ["r001", "4827119", "Turku-12"],
        ["3f2a9c1e-7b4d-4e8a-9c1f-2d3e4f5a6b7c", "R-001", "2024-001"],
        ["Kela-3", "Vaasa 7", "Salo-4"],  # places and institutions are no names
        ["Mänttä-Vilppula 2", "Pori-1", "Kela-4"],
    ],
)
def test_ordinary_ids_are_kept(ids):
    table = read_reports(pd.DataFrame({"id": ids, "teksti": TEXTS}))
    assert list(table["report_id"]) == ids
    assert not table["status_reason"].str.contains("generated id").any()


def test_free_text_fields_are_masked_before_analysis():
    table = pd.DataFrame(
        {
            "unit": ["Yksikkö Jukka Nieminen 045 123 4567", "Aikuissosiaalityö Turku"],
            "municipality": ["Turku", ""],
            "shl_reported": ["3, kysy lisää Matti Virtaselta 0401234567", "4"],
            "sectors_reported": ["Kela; liisa.korhonen@example.fi", "kela"],
            "status_reason": ["date 'soita 040 765 4321' is not in a known form", ""],
        }
    )
    _mask_fields(table)
    shown = " ".join(table.astype(str).to_numpy().ravel())
    for raw in ("Nieminen", "123 4567", "Virtaselta", "0401234567", "korhonen", "765 4321"):
        assert raw not in shown
    assert table.loc[1, "unit"] == "Aikuissosiaalityö Turku"  # nothing to mask: unchanged
    assert table.loc[0, "shl_reported"].startswith("3, kysy lisää")


def test_category_names_in_reporters_choices_are_read_not_masked_as_names():
    from socanalysis.classify.taxonomy import load_taxonomy
    from socanalysis.config import AnalysisConfig
    from socanalysis.pipeline import _taxonomies

    taxonomies = _taxonomies(AnalysisConfig())
    table = pd.DataFrame(
        {
            "shl_reported": [
                "Asuminen, Taloudellinen tuki",
                "2, Anhöriga och närstående",
                "3, kysy Matti Virtaselta",
                "3, Klara Virtanen",  # klara (sv, cope) reads as point 1: still a name
                "Bo Andersson, 2",
                "2, Bo",  # bo (sv, live) reads as point 2, and Bo is a listed first name
            ],
            "sectors_reported": [
                "Boende, Socialservice",
                "Kela, Hälso- och sjukvård",
                "Kela, soita Pekka Korhoselle",
                "Kela, Klara Virtanen",
                "Bo Andersson, Boende",
                "Kela, Bo",
            ],
        }
    )
    _mask_fields(table, taxonomies)
    # a second capitalised item of a list is a category, and is read as one
    assert table["shl_reported"].tolist()[:2] == [
        "Asuminen, Taloudellinen tuki",
        "2, Anhöriga och närstående",
    ]
    assert table["sectors_reported"].tolist()[:2] == [
        "Boende, Socialservice",
        "Kela, Hälso- och sjukvård",
    ]
    shl, sectors = load_taxonomy("shl11"), load_taxonomy("sectors")
    assert shl.parse_reported(table.loc[0, "shl_reported"]) == ["2", "3"]
    assert sectors.parse_reported(table.loc[0, "sectors_reported"]) == [
        "housing",
        "social_services",
    ]
    # a person named in the same column is still masked
    shown = " ".join(table.astype(str).to_numpy().ravel())
    for raw in ("Matti", "Virtaselta", "Pekka", "Korhoselle", "Klara", "Virtanen", "Andersson"):
        assert raw not in shown
    assert table["shl_reported"].tolist()[3:] == ["3, [NIMI]", "[NIMI], 2", "2, [NIMI]"]


def test_an_edited_report_table_is_checked_again():
    table = read_reports(pd.DataFrame({"teksti": [*TEXTS, "Vuokrat nousevat."]}))
    table.loc[0, "text"] = np.nan
    table.loc[1, "text"] = "ab"
    table.loc[2, "text"] = ""
    out = recheck_table(table, 3, 20_000)
    assert out["status"].tolist() == ["empty", "too_short", "empty", "ok"]
    assert out.loc[0, "text"] == ""
    assert "checked again on the table given to analyze" in out.loc[1, "status_reason"]
    assert table.loc[0, "status"] == "ok"  # the caller's table is not changed


def _dated_table() -> pd.DataFrame:
    return read_reports(
        pd.DataFrame(
            {
                "teksti": [*TEXTS, TEXTS[0]],
                "pvm": ["8.1.2024", "13.3.2024", "2.7.2025", "1.8.2025"],
            }
        )
    )


def test_the_date_range_applies_to_a_table_as_to_a_file():
    table = _dated_table()
    out = _intake(table, AnalysisConfig(date_from="2025-01-01"))
    assert out["status"].tolist() == ["out_of_range", "out_of_range", "ok", "ok"]
    assert "outside the chosen date range" in out.loc[0, "status_reason"]
    # the last row repeated the first one's text; with its original out of range it is a report
    assert table.loc[3, "status"] == "duplicate"
    assert out.loc[3, "duplicate_of"] == ""
    same = _intake(table, AnalysisConfig(date_to="2024-03-13"))
    assert same["status"].tolist() == ["ok", "ok", "out_of_range", "out_of_range"]
    assert _intake(table, AnalysisConfig()).equals(recheck_table(table, 3, 20_000))


def test_dates_written_out_as_text_are_read_day_first_and_bad_ones_noted():
    table = _dated_table()
    edited = table.assign(date=table["date"].dt.strftime("%d.%m.%Y"))
    edited.loc[1, "date"] = "ensi viikolla"
    out = recheck_table(edited, 3, 20_000)
    assert out.loc[0, "date"] == pd.Timestamp("2024-01-08")
    assert pd.isna(out.loc[1, "date"])
    assert "'ensi viikolla' is not in a known form" in out.loc[1, "status_reason"]
    assert out.loc[1, "status"] == "ok"


def test_a_duplicate_whose_original_was_filtered_out_is_analysed():
    table = _dated_table()
    out = recheck_table(table.iloc[1:], 3, 20_000)
    assert out.loc[3, "status"] == "ok"
    assert out.loc[3, "duplicate_of"] == "" and out.loc[3, "status_reason"] == ""
    # an unchanged table stays exactly as read
    assert recheck_table(table, 3, 20_000).equals(table)


def test_two_tables_put_one_after_the_other_are_told_apart():
    table = _dated_table()
    other = read_reports(
        pd.DataFrame({"teksti": ["Kotihoidon asiakkaat ovat yksinäisiä ja väsyneitä."]})
    )
    out = recheck_table(pd.concat([table, other]), 3, 20_000)  # index 0, 1, 2, 3, 0
    assert out.index.tolist() == [0, 1, 2, 3, 4]
    assert out["status"].tolist() == ["ok", "ok", "ok", "duplicate", "ok"]
    twice = recheck_table(pd.concat([table, table]), 3, 20_000)
    assert twice["report_id"].is_unique
    assert twice["status"].tolist()[4:] == ["duplicate"] * 4
    renamed = twice.loc[4, "status_reason"]
    assert "also used on an earlier row" in renamed and "same text as report" in renamed


@pytest.mark.parametrize(
    ("settings", "pattern"),
    [
        ({"use_cache": "no"}, "use_cache='no' must be true or false"),
        ({"sheet": [1]}, "sheet=\\[1\\] must be a sheet name"),
        ({"sheet": -1}, "sheet=-1 must be"),
        ({"cache_dir": 5}, "cache_dir=5 must be a folder path"),
        ({"seed": 2**32}, "seed=4294967296 must be an integer from 0 to 4294967295"),
        ({"num_threads": True}, "num_threads=True must be a positive integer"),
        ({"embedder": ""}, "embedder='' must be a backend name"),
        ({"date_from": "garbage"}, "date_from='garbage' is not a date"),
        ({"date_from": "2024-12-31", "date_to": "1.1.2024"}, "is after date_to"),
    ],
)
def test_settings_of_the_wrong_type_or_value_are_refused(settings, pattern):
    with pytest.raises(ConfigError, match=pattern):
        AnalysisConfig(**settings)


def test_settings_file_errors_name_the_file(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('date_from = "viime vuonna"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="settings.toml: date_from='viime vuonna'"):
        AnalysisConfig.from_toml(path)
    path.write_text('[columns]\ntxet = "Kuvaus"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="settings.toml: columns names unknown field.s. txet"):
        AnalysisConfig.from_toml(path)
    assert AnalysisConfig(seed=2**32 - 1, date_from="31.12.2024", date_to="2025-01-01").seed


def test_output_folder_problems_are_found_before_the_analysis(tmp_path):
    check_out_dir(tmp_path / "new" / "deeper")  # may be created: fine
    assert not (tmp_path / "new").exists()  # the check creates nothing
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a file, not a folder"):
        check_out_dir(tmp_path / "file.txt")
    with pytest.raises(InputError, match="is a file, so no folder can be made below it"):
        check_out_dir(tmp_path / "file.txt" / "results")


def test_json_object_with_two_lists_or_ragged_columns(tmp_path):
    two = {"a": [{"teksti": TEXTS[0]}], "b": [{"teksti": TEXTS[1]}, {"teksti": TEXTS[2]}]}
    (tmp_path / "two.json").write_text(json.dumps(two), encoding="utf-8")
    with pytest.raises(InputError, match="holds 2 lists of objects \\('a', 'b'\\)"):
        read_reports(tmp_path / "two.json")
    ragged = {"teksti": TEXTS, "pvm": ["1.1.2024"]}
    (tmp_path / "ragged.json").write_text(json.dumps(ragged), encoding="utf-8")
    with pytest.raises(InputError, match="different lengths \\('teksti': 3, 'pvm': 1\\)"):
        read_reports(tmp_path / "ragged.json")


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8-sig"])
def test_labelled_files_are_read_as_analyze_reads_them(tmp_path, encoding):
    from socanalysis.cli_categories import read_table

    rows = [["Havainto", "SHL 11 § tuen tarve"], *[[t, "3"] for t in TEXTS], ["Äiti ja lapsi", "7"]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t" if encoding == "utf-16" else ";").writerows(rows)
    path = tmp_path / "labelled.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    table = read_table(path)
    assert table["Havainto"].tolist() == [*TEXTS, "Äiti ja lapsi"]
    assert table["SHL 11 § tuen tarve"].tolist() == ["3", "3", "3", "7"]
    one = _write(tmp_path / "one.csv", [["Havainto"], *[[t] for t in TEXTS]])
    with pytest.raises(InputError, match="is one column; a labelled file needs"):
        read_table(one)


def test_a_csv_of_only_a_byte_order_mark_or_blank_lines_is_empty(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n\r\n")
    with pytest.raises(InputError, match="bom.csv: the file holds no text"):
        read_reports(path)


def test_two_columns_named_like_the_text_column_are_refused(tmp_path):
    path = _write(tmp_path / "dup.csv", [["Havainto", "Havainto", "Pvm"], ["a b c", "d e f", ""]])
    with pytest.raises(InputError, match="2 columns are named 'Havainto' \\(columns 1, 2\\)"):
        read_reports(path)


def test_analyze_takes_a_list_of_texts_and_names_wrong_arguments(tmp_path):
    import socanalysis as sa

    result = sa.analyze(["Asiakas odottaa Kelan päätöstä viikkoja.", "", None], seed=1)
    assert result.reports["status"].tolist() == ["ok", "empty", "empty"]
    with pytest.raises(ConfigError, match="unknown setting.s. seeed; known settings"):
        sa.analyze(["Asiakas odottaa."], seeed=7)
    assert sa.analyze(["Asiakas odottaa päätöstä."], config={"seed": 3}).config.seed == 3
    with pytest.raises(ConfigError, match="config must be an AnalysisConfig or a dict"):
        sa.analyze(["Asiakas odottaa."], config=7)
    with pytest.raises(InputError, match="not all texts"):
        sa.analyze([1, 2])
    with pytest.raises(InputError, match="not NoneType"):
        sa.analyze(None)
    with pytest.raises(InputError, match="save needs a folder path, not NoneType"):
        result.save(None)


def test_two_digit_years_are_read_and_unread_dates_are_counted_and_said(tmp_path):
    from click.testing import CliRunner

    from socanalysis.cli import main

    rows = [["Havainto", "Pvm"], [TEXTS[0], "31.12.24"], [TEXTS[1], "viime viikolla"]]
    path = _write(tmp_path / "dates.csv", rows)
    table = read_reports(path)
    assert table["date"].dt.strftime("%Y-%m-%d").fillna("").tolist() == ["2024-12-31", ""]
    assert "kept without a date" in table.loc[1, "status_reason"]
    assert table.attrs["intake"]["dates_not_read"] == 1
    result = CliRunner().invoke(main, ["analyze", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "1 date(s) could not be read" in result.output


def test_text_limits_and_sector_file_are_checked_with_the_settings(tmp_path):
    import socanalysis as sa

    with pytest.raises(ConfigError, match="max_text_chars=0 must be larger than"):
        AnalysisConfig(max_text_chars=0)
    with pytest.raises(ConfigError, match="names the §11 taxonomy"):
        AnalysisConfig(sector_taxonomy="shl11")
    broken = tmp_path / "sectors.yaml"
    broken.write_text("categories: [1, 2\n", encoding="utf-8")

    def must_not_start(*args, **kwargs):
        raise AssertionError("the analysis started before the sector file was checked")

    with pytest.raises(ConfigError, match="setting sector_taxonomy=.*sectors.yaml"):
        sa.analyze(["Asiakas odottaa."], sector_taxonomy=str(broken), progress=must_not_start)
    with pytest.raises(ConfigError, match="setting sector_taxonomy='missing.yaml'"):
        sa.analyze(["Asiakas odottaa."], sector_taxonomy="missing.yaml", progress=must_not_start)


def test_too_many_fixed_themes_are_said(tmp_path):
    from click.testing import CliRunner

    from socanalysis.cli import main

    texts = [f"Asiakas {w} odottaa päätöstä kauan ja soittaa uudelleen." for w in "abcdefgh"]
    path = _write(tmp_path / "few.csv", [["Havainto"], *[[t] for t in texts]])
    config = tmp_path / "settings.toml"
    config.write_text("n_themes = 7\n", encoding="utf-8")
    out = tmp_path / "o"
    result = CliRunner().invoke(
        main, ["analyze", str(path), "--out", str(out), "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))["themes"]
    assert info["single_report_themes"] >= info["n_themes"] / 2
    assert "of the themes hold one report each; n_themes=7 may be too many" in result.output


def test_read_reports_takes_a_list_of_texts_and_names_a_wrong_source():
    table = read_reports(["Vuokrat nousevat.", None])
    assert table["status"].tolist() == ["ok", "empty"]
    for wrong in (None, 123):
        with pytest.raises(InputError, match="read_reports takes an export file's path"):
            read_reports(wrong)
    with pytest.raises(InputError, match="not all texts"):
        read_reports(["teksti", 5])


def test_apply_review_names_a_workbook_given_as_something_else():
    from socanalysis.export.review import apply_review

    with pytest.raises(InputError, match="reviewed workbook is given by its path"):
        apply_review(123)


def test_results_are_not_written_over_a_reviewed_run(tmp_path):
    from socanalysis.pipeline import check_review_out_dir

    check_review_out_dir(None, tmp_path)  # a folder without a review is fine
    (tmp_path / "review.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="holds review.json.*--review"):
        check_review_out_dir(None, tmp_path)


def test_run_json_counts_the_languages_of_analysed_reports_and_names_every_column():
    from socanalysis.pipeline import _run_info, _theme_run_info, _weak_run_info

    table = read_reports(["Vuokrat nousevat.", "Vuokrat  nousevat.", "Kela viivyttelee."])
    table["language"] = ["fi", "fi", "sv"]  # the duplicate carries its original's language
    info = _run_info(table, AnalysisConfig(), {}, None)
    assert info["counts"]["analysed"] == 2
    assert info["counts"]["by_language"] == {"fi": 1, "sv": 1}
    written = pd.read_csv(io.StringIO(_reports_csv(table)))
    assert info["output_columns"] == written.columns.tolist()
    # nothing analysed: the counts are there, as zeros
    assert _theme_run_info(None)["n_themes"] == 0
    assert _weak_run_info(None)["methods"] == []


def _reports_csv(table: pd.DataFrame) -> str:
    from socanalysis.export.tables import reports_frame
    from socanalysis.pipeline import _EMPTY_ANALYSIS

    analysed = table.assign(**{k: v for k, v in _EMPTY_ANALYSIS.items() if k not in table})
    return reports_frame(analysed).to_csv(index=False)


def test_a_workbook_with_a_sheet_of_reports_per_year_says_which_it_left_unread(tmp_path):
    from click.testing import CliRunner

    from socanalysis.cli import main

    book = Workbook()
    book.active.title = "Ohje"
    book.active.append(["Täytä lomake huolellisesti."])
    for year, texts in (("2024", TEXTS[:2]), ("2025", TEXTS[2:])):
        sheet = book.create_sheet(f"Vastaukset {year}")
        sheet.append(["Havainto"])
        for text in texts:
            sheet.append([text])
    path = tmp_path / "years.xlsx"
    book.save(path)
    table = read_reports(path)
    assert table.attrs["intake"]["sheet"] == "Vastaukset 2024"
    assert table.attrs["intake"]["other_report_sheets"] == ["Vastaukset 2025"]
    result = CliRunner().invoke(main, ["analyze", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "'Vastaukset 2025' also holds reports" in " ".join(result.output.split())
    # an instructions sheet is no sheet of reports, though its title reads as a text header
    assert "other_report_sheets" not in read_reports(SAMPLE_XLSX).attrs["intake"]
    # a sheet chosen by name says nothing about the others
    assert "other_report_sheets" not in read_reports(path, sheet="Vastaukset 2025").attrs["intake"]


def test_a_sheet_named_after_a_year_is_chosen_by_its_name_and_digits_else_number_a_sheet(
    tmp_path,
):
    from click.testing import CliRunner

    from socanalysis.cli import main

    book = Workbook()
    book.active.title = "Ohje"
    book.active.append(["Täytä lomake huolellisesti."])
    for year, texts in (("2025", TEXTS[2:]), ("2024", TEXTS[:2])):
        sheet = book.create_sheet(year)
        sheet.append(["Havainto"])
        for text in texts:
            sheet.append([text])
    path = tmp_path / "years.xlsx"
    book.save(path)
    out = tmp_path / "o"
    result = CliRunner().invoke(main, ["analyze", str(path), "--sheet", "2024", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ids = pd.read_csv(out / "reports.csv")["source_row"]
    assert len(ids) == 2  # the two reports of sheet "2024", not sheet number 2024
    assert read_reports(path, sheet="2024")["text"].tolist() == TEXTS[:2]
    # digits that name no sheet count from 0, as before
    assert read_reports(path, sheet="1")["text"].tolist() == TEXTS[2:]
    with pytest.raises(InputError, match=r"no sheet number 7 \(0-based\); sheets: 'Ohje'"):
        read_reports(path, sheet="7")
    with pytest.raises(InputError, match="no sheet named '²'"):  # a digit int() cannot read
        read_reports(path, sheet="²")


def test_the_intake_ledger_describes_the_table_analysed():
    table = _dated_table()
    assert table.attrs["intake"]["rows"] == 4
    edited = table.iloc[1:].assign(date=["13.3.2024", "huomenna", "1.8.2025"])
    out = recheck_table(edited, 3, 20_000, date_from="2024-06-01")
    ledger = out.attrs["intake"]
    assert ledger["rows"] == 3
    assert ledger["status_counts"] == {"ok": 2, "out_of_range": 1}
    assert ledger["dates_not_read"] == 1
    assert ledger["columns"] == table.attrs["intake"]["columns"]  # what the file had
    assert table.attrs["intake"]["rows"] == 4  # the caller's table keeps its own


def test_a_report_table_saved_to_csv_and_read_back_is_analysed_as_it_was(tmp_path):
    table = _dated_table()
    path = tmp_path / "table.csv"
    table.to_csv(path, index=False)
    back = pd.read_csv(path)  # empty columns come back as NaN
    out = recheck_table(back, 3, 20_000)
    assert out["status"].tolist() == table["status"].tolist()
    assert out["duplicate_of"].tolist() == table["duplicate_of"].tolist()
    assert out["status_reason"].tolist() == table["status_reason"].tolist()
    assert (out["date"] == table["date"]).all()
    # nothing to re-check: every row already set aside
    skipped = table.assign(status="too_short")
    assert recheck_table(skipped, 3, 20_000)["status"].eq("too_short").all()
    assert len(recheck_table(table.iloc[:0], 3, 20_000)) == 0


def test_a_nullable_string_series_of_texts_is_read():
    texts = pd.Series(["Vuokrat nousevat.", None], dtype="string")
    assert read_reports(texts)["status"].tolist() == ["ok", "empty"]


def test_a_sheet_given_for_a_csv_file_is_named(tmp_path):
    path = _write(tmp_path / "r.csv", [["Havainto"], [TEXTS[0]]])
    with pytest.raises(InputError, match="sheet='Vastaukset' is for Excel workbooks.*CSV"):
        read_reports(path, sheet="Vastaukset")


def test_a_document_or_a_renamed_workbook_is_named_for_what_it_is(tmp_path):
    notes = tmp_path / "README.md"
    notes.write_text("# Ohjeet\n\nKirjoita havainto lomakkeelle.\n", encoding="utf-8")
    with pytest.raises(InputError, match="a Markdown document, not an export of reports"):
        read_reports(notes)
    renamed = tmp_path / "export.csv"
    renamed.write_bytes(SAMPLE_XLSX.read_bytes())
    with pytest.raises(InputError, match=r"an Excel workbook .* under a \.csv name"):
        read_reports(renamed)


def test_an_unclosed_quote_is_an_error_that_names_the_row(tmp_path):
    # the csv module ends a quoted cell at the end of the file without a word: every later
    # report was read into the first one's text
    path = tmp_path / "quote.csv"
    lines = ["ID;Havainto;Pvm", f"1;{TEXTS[0]};1.1.2024", f'2;"{TEXTS[1]};2.1.2024']
    lines += [f"{i};{TEXTS[2]};{i}.1.2024" for i in range(3, 6)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_reports(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert "row 3, column 2 is never closed" in message
    assert "3 later lines" in message
    assert "unclosed quote" in message
    assert "\n" not in message
    path.write_text("\n".join([*lines[:2], '2;"Kesken']), encoding="utf-8")
    with pytest.raises(InputError, match="row 3, column 2 is never closed, and the file ends"):
        read_reports(path)
    # a closed quote with a line break and doubled quotes inside, and a quote inside an
    # unquoted cell, are no error
    lines[2] = f'2;"{TEXTS[1]}\nSanoi ""ei"".";2.1.2024'
    lines[3] = '3;Putki on 5" pitkä;3.1.2024'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_reports(path)
    assert table["report_id"].tolist() == ["1", "2", "3", "4", "5"]
    assert table["text"].tolist()[1:3] == [f'{TEXTS[1]}\nSanoi "ei".', 'Putki on 5" pitkä']


def _mixed_bytes(
    rows: list[list[str]], odd_row: int, odd: str, encodings: tuple[str, str]
) -> bytes:
    """A ';' export in the first encoding, with ``odd`` in the second appended to one row."""
    main, other = encodings
    lines = [";".join(row).encode(main) for row in rows]
    lines[odd_row] += odd.encode(other)
    return b"\r\n".join(lines) + b"\r\n"


ENCODING_ROWS = [
    ["Päivämäärä", "Yksikkö", "Havainto"],
    *[[f"{i}.2.2024", "Työllisyyspalvelut", f"{t} ({i})"] for i, t in enumerate(TEXTS * 2, 1)],
]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_few_bytes_that_are_not_utf8_are_read_on_their_own_and_noted(tmp_path, bom):
    # one cell edited in a Windows editor made the whole file cp1252: every ä garbled, and the
    # date and unit headers were not recognised
    path = tmp_path / "mixed.csv"
    path.write_bytes(bom + _mixed_bytes(ENCODING_ROWS, 3, " Lisätty käsin", ("utf-8", "cp1252")))
    table = read_reports(path)
    intake = table.attrs["intake"]
    assert intake["encoding"] == ("utf-8-sig" if bom else "utf-8")
    assert set(intake["columns"]) == {"date", "unit", "text"}
    assert table["unit"].eq("Työllisyyspalvelut").all() and table["date"].notna().all()
    assert table.loc[2, "text"] == f"{TEXTS[2]} (3) Lisätty käsin"
    assert table["status"].eq("ok").all()
    noted = table.index[table["status_reason"] != ""].tolist()
    assert noted == [2]
    assert (
        "2 bytes that are not UTF-8 were read as Windows (cp1252) letters (ä)"
        in (table.loc[2, "status_reason"])
    )
    assert intake["decoding"].startswith("the file is utf-8 except line 4:")


def test_a_long_line_with_many_bytes_that_are_not_utf8_is_read_in_one_pass():
    import time

    from socanalysis.intake.readers import decode_text

    # a minified one-line JSON export, a cp1252 letter in every record: the decoding read the
    # rest of the line again after each bad byte, 6 s for 2 MB (25 s for 4 MB)
    record = '{"teksti": "Asiakas odottaa päätöstä."}, '
    line = ("[" + record * 50_000 + "{}]").encode("cp1252") + "ä".encode()
    started = time.perf_counter()
    decoded = decode_text(line, "export.json")
    assert time.perf_counter() - started < 2.0
    assert decoded.text.count("päätöstä") == 50_000 and decoded.text.endswith("ä")


def test_a_utf8_line_in_a_cp1252_file_is_read_as_utf8_and_noted(tmp_path):
    path = tmp_path / "windows.csv"
    path.write_bytes(_mixed_bytes(ENCODING_ROWS, 5, " Lisätty myöhemmin", ("cp1252", "utf-8")))
    table = read_reports(path)
    assert table.attrs["intake"]["encoding"] == "cp1252"
    assert table["unit"].eq("Työllisyyspalvelut").all()
    assert table.loc[4, "text"] == f"{TEXTS[1]} (5) Lisätty myöhemmin"
    assert table.index[table["status_reason"] != ""].tolist() == [4]
    assert (
        "holds UTF-8 in a file that is otherwise Windows (cp1252)" in table.loc[4, "status_reason"]
    )
    # a file that is cp1252 throughout needs no note
    path.write_bytes(_mixed_bytes(ENCODING_ROWS, 5, " Lisätty", ("cp1252", "cp1252")))
    table = read_reports(path)
    assert table.attrs["intake"]["encoding"] == "cp1252"
    assert "decoding" not in table.attrs["intake"]
    assert table["status_reason"].eq("").all()


def test_a_json_lines_row_with_bytes_that_are_not_utf8_is_noted(tmp_path):
    lines = [json.dumps({"yksikkö": "Työllisyys", "teksti": t}, ensure_ascii=False) for t in TEXTS]
    data = [line.encode("utf-8") for line in lines]
    data[1] = data[1][:-2] + ' (käsin)"}'.encode("cp1252")
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"\n".join(data) + b"\n")
    table = read_reports(path)
    assert table.loc[1, "text"] == f"{TEXTS[1]} (käsin)"
    assert table["unit"].eq("Työllisyys").all()
    assert table.index[table["status_reason"] != ""].tolist() == [1]


def test_text_that_cannot_be_decoded_as_utf16_is_noted(tmp_path):
    # a lone surrogate was replaced by U+FFFD and the row stayed ok without a word
    text = "Havainto\r\nEnsimmäinen raportti on tässä.\r\nToinen XXraportti on tässä.\r\n"
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le").replace(
        "XX".encode("utf-16-le"), b"\x00\xd8"
    )
    path = tmp_path / "unicode.txt"
    path.write_bytes(data)
    table = read_reports(path)
    assert table["status"].tolist() == ["ok", "ok"]
    assert table.loc[1, "text"] == "Toinen \ufffdraportti on tässä."
    assert table.loc[0, "status_reason"] == ""
    assert "1 character could not be decoded (shown as \ufffd)" in table.loc[1, "status_reason"]
    assert "could not be decoded as UTF-16" in table.attrs["intake"]["decoding"]
    # mostly undecodable text is unreadable, as before
    many = read_reports(pd.DataFrame({"Havainto": ["Tek\ufffd\ufffd\ufffd"]}))
    assert many["status"].tolist() == ["unreadable"]


def test_binary_files_are_named_for_what_they_are(tmp_path):
    # read as text, their bytes were listed as garbage "columns found"
    export = "Havainto;Pvm\n" + "".join(f"{t};1.2.2024\n" for t in TEXTS)
    cases = {
        "export.csv": (gzip.compress(export.encode()), r"a gzip-compressed file under a \.csv"),
        "export.csv.gz": (gzip.compress(export.encode()), r"a gzip-compressed file, which"),
        "old.csv": (
            bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504),
            r"an old Excel 97-2003 workbook \(\.xls\).* under a \.csv name.*save it as \.xlsx",
        ),
        "old.xls": (bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504), r"Excel 97-2003"),
    }
    for name, (data, pattern) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InputError, match=pattern) as info:
            read_reports(path)
        assert str(info.value).startswith(f"{path}: ") and "\\x" not in repr(str(info.value))


def test_a_libreoffice_spreadsheet_is_refused_with_what_to_do(tmp_path):
    # openpyxl's InvalidFileException ended in "internal error" (exit 1)
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    for name in ("reports.ods", "reports", "reports.dat"):
        path = tmp_path / name
        path.write_bytes(ods.getvalue())
        with pytest.raises(InputError, match=r"OpenDocument spreadsheet \(\.ods\).*\.xlsx"):
            read_reports(path)
    # a zip that is no workbook, under a name openpyxl does not read
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("reports.csv", "Havainto\nTeksti\n")
    path = tmp_path / "reports.zip"
    path.write_bytes(other.getvalue())
    with pytest.raises(InputError, match="name it .xlsx; else export the reports as CSV"):
        read_reports(path)
