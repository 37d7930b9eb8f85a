"""Intake: every messy export case, each with a real file written by the test."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from socanalysis import read_reports
from socanalysis.errors import InputError
from socanalysis.reports import CANONICAL_COLUMNS

LETTERS = "äöåÄÖÅ"


def write_csv(
    path: Path,
    rows: list[list[str]],
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
    bom: bool = False,
    newline: str = "\r\n",
    quoting: int = csv.QUOTE_MINIMAL,
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    return path


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", True), ("utf-8", False), ("cp1252", False), ("latin-1", False)],
)
def test_finnish_excel_csv_encodings_keep_letters(tmp_path, webropol_rows, encoding, bom):
    rows = [*webropol_rows, ["104", "1.4.2025", "Enhet", f"Bokstäver {LETTERS} kvar", "", ""]]
    path = write_csv(tmp_path / "export.csv", rows, encoding=encoding, bom=bom)
    table = read_reports(path)
    assert table["report_id"].tolist() == ["101", "102", "103", "104"]
    assert table.loc[3, "text"] == f"Bokstäver {LETTERS} kvar"
    assert table.loc[1, "unit"] == "Socialbyrån Vasa"
    assert table.attrs["intake"]["delimiter"] == ";"
    expected = "utf-8-sig" if bom else ("utf-8" if encoding == "utf-8" else "cp1252")
    assert table.attrs["intake"]["encoding"] == expected


def test_quoted_multiline_cells_and_windows_line_ends(tmp_path, webropol_rows):
    table = read_reports(write_csv(tmp_path / "e.csv", webropol_rows))
    assert table.loc[0, "text"] == "Nuorten aikuisten vuokrat ovat nousseet,\nasumistuki ei riitä."
    assert "\r" not in "".join(table["text"])
    assert table["source_row"].tolist() == [2, 3, 4]


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_every_kind_of_line_end_keeps_every_row(tmp_path, webropol_rows, newline):
    # "CSV (Macintosh)" from Excel for Mac ends lines with \r only; the delimiter sniffer read
    # it as one line, chose "," and a record became the header (4 rows of 10 were left)
    rows = [
        *webropol_rows,
        *[
            [str(200 + i), f"{i + 1}.3.2025", "Tiimi", f"Havainto {i}, ok", "", ""]
            for i in range(7)
        ],
    ]
    # all quoted, as Excel writes a cell with a line break (csv.writer would leave a \n
    # unquoted when the line terminator is \r)
    path = write_csv(tmp_path / "mac.csv", rows, newline=newline, quoting=csv.QUOTE_ALL)
    table = read_reports(path)
    assert table.attrs["intake"]["delimiter"] == ";"
    assert table.attrs["intake"]["header_row"] == 1
    assert len(table) == 10
    assert table["source_row"].tolist() == list(range(2, 12))
    assert table.loc[0, "text"] == "Nuorten aikuisten vuokrat ovat nousseet,\nasumistuki ei riitä."
    assert table.loc[9, "text"] == "Havainto 6, ok"
    assert table["date"].notna().all()


def test_utf16_unicode_text_export_is_tab_separated(tmp_path, webropol_rows):
    path = tmp_path / "unicode.txt"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows(webropol_rows)
    path.write_bytes(buffer.getvalue().encode("utf-16"))  # Excel writes a BOM with UTF-16
    table = read_reports(path)
    assert table.attrs["intake"]["encoding"] == "utf-16"
    assert table.attrs["intake"]["delimiter"] == "\t"
    assert table.loc[1, "text"].startswith("Äldre svenskspråkiga")


def test_comma_csv_with_english_headers(tmp_path):
    rows = [
        ["id", "date", "observation", "proposal", "unit"],
        ["a1", "2025-02-03", "Clients wait, months, for help", "More staff", "Unit A"],
    ]
    table = read_reports(write_csv(tmp_path / "en.csv", rows, delimiter=","))
    assert table.loc[0, "text"] == "Clients wait, months, for help"
    assert table.loc[0, "proposal"] == "More staff"
    assert table.loc[0, "date"] == pd.Timestamp("2025-02-03")


def make_workbook(path: Path) -> Path:
    workbook = Workbook()
    guide = workbook.active
    guide.title = "Ohje"
    guide["A1"] = "Täytä lomake huolellisesti."
    data = workbook.create_sheet("Raportit")
    data["A1"] = "Sosiaalinen raportointi – raportit 2024–2025"
    data.merge_cells("A1:F1")
    header = ["ID", "Datum", None, "Enhet", "Beskrivning", "Positiv/negativ"]
    for col, value in enumerate(header, start=1):
        data.cell(row=3, column=col, value=value)
    data.append(
        ["s1", dt.datetime(2024, 5, 6, 10, 0), None, "Vasa", "Ensamhet bland äldre.", "Negativ"]
    )
    data.append([2, 45658, None, "Borgå", "Tolk saknas ofta.", "negativ"])
    data.append([None, None, None, None, None, None])  # a blank spacer line is layout
    data.append(["s3", "1.2.2025", None, "Pargas", "Bra samarbete med FPA.", "Positiv"])
    workbook.save(path)
    return path


def test_xlsx_header_below_title_picks_sheet_with_text(tmp_path):
    table = read_reports(make_workbook(tmp_path / "export.xlsx"))
    info = table.attrs["intake"]
    assert info["sheet"] == "Raportit"
    assert info["header_row"] == 3
    assert table["report_id"].tolist() == ["s1", "2", "s3"]
    assert table["source_row"].tolist() == [4, 5, 7]
    assert table["date"].tolist() == [
        pd.Timestamp("2024-05-06 10:00"),
        pd.Timestamp("2025-01-01"),
        pd.Timestamp("2025-02-01"),
    ]
    assert table["polarity"].tolist() == ["negative", "negative", "positive"]
    assert not any(c.startswith("column_") for c in table.columns)  # empty column dropped


def test_xlsx_sheet_option_and_errors(tmp_path):
    path = make_workbook(tmp_path / "export.xlsx")
    assert len(read_reports(path, sheet="Raportit")) == 3
    assert len(read_reports(path, sheet=1)) == 3
    with pytest.raises(InputError, match="sheet 'Ohje'.*Columns found: 'Täytä lomake"):
        read_reports(path, sheet="Ohje")
    with pytest.raises(InputError, match="no sheet named 'Nope'; sheets: 'Ohje', 'Raportit'"):
        read_reports(path, sheet="Nope")


def test_json_and_json_lines(tmp_path):
    records = [
        {"id": "j1", "teksti": "Velkaneuvontaan jonotetaan.", "pvm": "3.3.2025", "extra": {"a": 1}},
        {"id": "j2", "teksti": "Kotihoidon käynnit lyhenevät.", "pvm": "2025-04-01"},
    ]
    (tmp_path / "r.json").write_text(json.dumps({"reports": records}), encoding="utf-8")
    table = read_reports(tmp_path / "r.json")
    assert table["text"].tolist() == [r["teksti"] for r in records]
    assert table.loc[0, "extra"] == '{"a": 1}'
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    (tmp_path / "r.jsonl").write_text(lines[0] + "\n{broken\n" + lines[1] + "\n", encoding="utf-8")
    table = read_reports(tmp_path / "r.jsonl")
    assert table["status"].tolist() == ["ok", "unreadable", "ok"]
    assert table["source_row"].tolist() == [1, 2, 3]
    assert "line 2 is not valid JSON" in table.loc[1, "status_reason"]


def test_dataframe_input_and_explicit_mapping_wins():
    frame = pd.DataFrame(
        {
            "Kuvaus": ["Ilmiö A kuvattuna."],
            "Muistiinpano": ["Ei tämä."],
            "Havainto": ["Väärä sarake."],
        }
    )
    table = read_reports(frame, columns={"text": "Kuvaus"})
    assert table.loc[0, "text"] == "Ilmiö A kuvattuna."
    assert table.loc[0, "Havainto"] == "Väärä sarake."  # other columns kept as they are
    with pytest.raises(InputError, match="unknown field.*txt"):
        read_reports(frame, columns={"txt": "Kuvaus"})
    with pytest.raises(InputError, match="column 'Puuttuu' given for the report text was not"):
        read_reports(frame, columns={"text": "Puuttuu"})
    with pytest.raises(InputError, match="not found: date='Lähetetty'"):
        read_reports(frame, columns={"text": "Kuvaus", "date": "Lähetetty"})


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("teksti", "text"),
        ("vapaa teksti", "text"),
        ("Kuvaa havaintosi", "text"),
        ("beskrivning", "text"),
        ("Iakttagelse", "text"),
        ("observation", "text"),
        ("pvm", "date"),
        ("Päivämäärä", "date"),
        ("datum", "date"),
        ("yksikkö", "unit"),
        ("enhet", "unit"),
        ("kunta", "municipality"),
        ("kommun", "municipality"),
        ("toimenpide-ehdotus", "proposal"),
        ("Åtgärdsförslag", "proposal"),
        ("Myönteinen/kielteinen", "polarity"),
        ("positiv/negativ", "polarity"),
        ("Paivamaara", "date"),
    ],
)
def test_header_aliases_in_three_languages(header, field):
    frame = pd.DataFrame({header: ["x"], "Havainto teksti": ["Tekstiä on."]})
    if field == "text":
        frame = pd.DataFrame({header: ["Tekstiä on."]})
    table = read_reports(frame)
    assert table.attrs["intake"]["columns"][field] == header


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31.12.2024", "2024-12-31 00:00"),
        ("31.12.2024 klo 14.05", "2024-12-31 14:05"),
        ("1.2.2025 kl. 8.15", "2025-02-01 08:15"),
        ("2025-06-30", "2025-06-30 00:00"),
        ("2025-06-30T13:45:00", "2025-06-30 13:45"),
        ("45658", "2025-01-01 00:00"),
        ("31/12/2024", "2024-12-31 00:00"),
    ],
)
def test_date_forms(value, expected):
    table = read_reports(pd.DataFrame({"teksti": ["Jokin havainto."], "pvm": [value]}))
    assert table.loc[0, "date"] == pd.Timestamp(expected)


def test_bad_date_keeps_row_with_note():
    table = read_reports(pd.DataFrame({"teksti": ["Jokin havainto."], "pvm": ["huomenna"]}))
    assert table.loc[0, "status"] == "ok"
    assert pd.isna(table.loc[0, "date"])
    assert "date 'huomenna' is not in a known form" in table.loc[0, "status_reason"]


def test_every_problem_row_keeps_its_place_with_a_status():
    long_text = "Pitkä teksti. " * 1600  # over 20 000 characters
    frame = pd.DataFrame(
        {
            "id": ["1", "2", "3", "3", "5", "6", "7", "8", "9"],
            "teksti": [
                "Vuokrat nousevat nopeasti.",
                "",
                "Tulkkia ei ollut saatavilla.",
                "Eri teksti samalla tunnisteella.",
                "  vuokrat   NOUSEVAT nopeasti. ",
                "<p>Asiakas jäi ilman&nbsp;palvelua<br/>kuukaudeksi</p>",
                "Nolla\u200bleveys\x07merkit poistetaan.",
                long_text,
                "ok",
            ],
        }
    )
    table = read_reports(frame)
    assert len(table) == len(frame)
    assert table["status"].tolist() == [
        "ok",
        "empty",
        "ok",
        "ok",
        "duplicate",
        "ok",
        "ok",
        "too_long",
        "too_short",
    ]
    assert table["report_id"].is_unique
    assert table.loc[3, "report_id"] == "3-2"
    assert "also used on row 3; renamed" in table.loc[3, "status_reason"]
    assert table.loc[4, "duplicate_of"] == "1"
    assert table.loc[5, "text"] == "Asiakas jäi ilman\xa0palvelua\nkuukaudeksi"
    assert "HTML removed" in table.loc[5, "status_reason"]
    assert table.loc[6, "text"] == "Nollaleveysmerkit poistetaan."
    assert "2 invisible or control characters removed" in table.loc[6, "status_reason"]
    assert "over max_text_chars=20000" in table.loc[7, "status_reason"]
    assert table.attrs["intake"]["status_counts"] == {
        "duplicate": 1,
        "empty": 1,
        "ok": 5,
        "too_long": 1,
        "too_short": 1,
    }


def test_excel_error_cells_are_unreadable():
    table = read_reports(pd.DataFrame({"teksti": ["#REF!", "Hyvä."]}))
    assert table["status"].tolist() == ["unreadable", "ok"]


def test_generated_ids_are_stable_and_unique():
    frame = pd.DataFrame(
        {
            "teksti": ["Sama teksti.", "Sama teksti.", "Toinen teksti."],
            "pvm": ["1.1.2025", "1.1.2025", "2.1.2025"],
        }
    )
    first, second = read_reports(frame), read_reports(frame.copy())
    assert first["report_id"].tolist() == second["report_id"].tolist()
    assert first["report_id"].is_unique
    assert first["report_id"].str.fullmatch(r"r[0-9a-f]{10}(-\d+)?").all()
    # an id depends on the report, not its position: reordering keeps each report's id
    shuffled = read_reports(frame.iloc[[2, 0, 1]].reset_index(drop=True))
    assert shuffled.loc[0, "report_id"] == first.loc[2, "report_id"]


def test_date_range_marks_rows_out_of_range():
    frame = pd.DataFrame(
        {
            "teksti": ["Vanha havainto.", "Uusi havainto.", "Ilman päivää."],
            "pvm": ["1.6.2023", "31.12.2024", ""],
        }
    )
    table = read_reports(frame, date_from="2024-01-01", date_to="31.12.2024")
    assert table["status"].tolist() == ["out_of_range", "ok", "ok"]
    with pytest.raises(InputError, match="date_from"):
        read_reports(frame, date_from="eilen")


def test_missing_text_column_error_lists_columns_and_aliases(tmp_path):
    path = write_csv(tmp_path / "x.csv", [["Nimi", "Summa"], ["a", "1"]])
    with pytest.raises(InputError) as info:
        read_reports(path)
    message = str(info.value)
    assert str(path) in message
    assert "Columns found: 'Nimi', 'Summa'" in message
    assert "havainto" in message and "beskrivning" in message
    assert "--column text=HEADER" in message


@pytest.mark.parametrize(
    ("content", "name", "pattern"),
    [
        (b"", "empty.csv", "the file is empty"),
        (b"PK\x03\x04garbage", "broken.xlsx", "not a readable .xlsx workbook"),
        (b"{not json", "bad.json", "not valid JSON"),
        (b"[]", "none.json", "holds no reports"),
        (b"\n\n", "none.jsonl", "holds no reports"),
        (b"\xd0\xcf\x11\xe0", "old.xls", "old Excel 97-2003"),
    ],
)
def test_unreadable_files_say_why(tmp_path, content, name, pattern):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=pattern):
        read_reports(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_reports(tmp_path / "nothing.csv")
    with pytest.raises(InputError, match="is a folder"):
        read_reports(tmp_path)


def test_canonical_columns_first_and_extra_columns_kept(tmp_path, webropol_rows):
    rows = [[*webropol_rows[0], "Lisätieto"], *[[*r, "x"] for r in webropol_rows[1:]]]
    table = read_reports(write_csv(tmp_path / "e.csv", rows))
    assert tuple(table.columns[: len(CANONICAL_COLUMNS)]) == CANONICAL_COLUMNS
    assert table["Lisätieto"].tolist() == ["x", "x", "x"]


def test_a_date_column_of_a_hand_made_table_is_read_day_first():
    from socanalysis.intake.dates import as_datetimes

    column = pd.Series(["8.1.2024", "13.1.2024 klo 9.05", 45658, "", None, pd.NA, "huomenna"])
    column.index = [10, 11, 12, 13, 14, 15, 16]
    read = as_datetimes(column)
    assert read.index.equals(column.index)
    assert read.iloc[:3].tolist() == [
        pd.Timestamp("2024-01-08"),
        pd.Timestamp("2024-01-13 09:05"),
        pd.Timestamp("2025-01-01"),
    ]
    assert read.iloc[3:].isna().all()
    stamps = pd.Series(pd.to_datetime(["2024-03-01T10:00+02:00", None]))
    assert as_datetimes(stamps).tolist()[0] == pd.Timestamp("2024-03-01 10:00")


def test_a_wrong_column_name_lists_the_header_under_a_title_block(tmp_path):
    path = make_workbook(tmp_path / "export.xlsx")
    with pytest.raises(InputError, match="Columns found: 'ID', ") as error:
        read_reports(path, {"text": "Kuvaus"})
    assert "Sosiaalinen" not in str(error.value)


def test_a_renamed_duplicate_id_never_takes_an_id_that_a_row_has():
    # "12" renamed "12-2" took the id a later row really had, and that row became "12-2-2"
    # without a word: review decisions keyed by id went to the wrong report
    frame = pd.DataFrame(
        {
            "ID": ["12", "12", "12-2", "12", "12-3", ""],
            "Havainto": [f"Asiakkaan tilanne {i} on hankala." for i in range(6)],
        }
    )
    table = read_reports(frame)
    ids = table["report_id"].tolist()
    assert ids[:5] == ["12", "12-4", "12-2", "12-5", "12-3"]
    assert len(set(ids)) == 6
    reasons = table["status_reason"].tolist()
    assert reasons[1] == "id 12 also used on row 1; renamed 12-4"
    assert reasons[3] == "id 12 also used on row 1; renamed 12-5"
    assert reasons[0] == reasons[2] == reasons[4] == reasons[5] == ""


FORMS_TEXTS = [f"Asiakas {i} odottaa päätöstä liian kauan." for i in range(4)]


@pytest.mark.parametrize(
    ("header", "values", "expected", "month_first", "ambiguous"),
    [
        # Microsoft Forms in English: 13 in the second place settles month first for all
        (
            "Start time",
            ["1/8/2024 10:01", "1/13/2024 9:00", "2/20/2024 8:00 PM", "12/31/2024 8:00"],
            ["2024-01-08 10:01", "2024-01-13 09:00", "2024-02-20 20:00", "2024-12-31 08:00"],
            True,
            False,
        ),
        # nothing settles it: a Forms header is month first, any other the Finnish day first
        ("Completion time", ["1/8/2024 10:01"] * 4, ["2024-01-08 10:01"] * 4, True, True),
        ("Pvm", ["1/8/2024"] * 4, ["2024-08-01 00:00"] * 4, False, True),
        # a day over 12 settles day first, also under a Forms header
        (
            "Start time",
            ["13/1/2024", "1/8/2024", "2/3/2024", "1/1/2024"],
            ["2024-01-13 00:00", "2024-08-01 00:00", "2024-03-02 00:00", "2024-01-01 00:00"],
            False,
            False,
        ),
        # dotted Finnish dates are day first whatever the header, and need no decision
        ("Start time", ["1.8.2024 klo 10.01"] * 4, ["2024-08-01 10:01"] * 4, None, None),
    ],
)
def test_slash_dates_are_read_in_one_order_per_column(
    header, values, expected, month_first, ambiguous
):
    table = read_reports(pd.DataFrame({"Havainto": FORMS_TEXTS, header: values}))
    assert table["date"].dt.strftime("%Y-%m-%d %H:%M").tolist() == expected
    assert table["status_reason"].eq("").all()
    intake = table.attrs["intake"]
    if month_first is None:
        assert "date_order" not in intake
    else:
        assert ("read month first" in intake["date_order"]) is month_first
        assert intake["date_order_ambiguous"] is ambiguous


def test_slash_dates_in_both_orders_are_read_day_first_and_the_others_noted():
    values = ["13/1/2024", "1/13/2024", "", "2/2/2024"]
    table = read_reports(pd.DataFrame({"Havainto": FORMS_TEXTS, "Pvm": values}))
    assert table["date"].dt.strftime("%d.%m.").tolist()[::3] == ["13.01.", "02.02."]
    assert "'1/13/2024' is not a real date" in table.loc[1, "status_reason"]
    assert "both orders" in table.attrs["intake"]["date_order"]
    assert table.attrs["intake"]["date_order_ambiguous"] is True


def test_a_hand_made_table_of_month_first_dates_is_read_month_first():
    from socanalysis.intake.dates import as_datetimes

    read = as_datetimes(["1/8/2024", "1/13/2024", "8.1.2024"])
    assert read.dt.strftime("%d.%m.").tolist() == ["08.01.", "13.01.", "08.01."]
    assert as_datetimes(["1/8/2024"]).dt.month.tolist() == [8]  # ambiguous: day first


def test_excel_serial_date_times_keep_their_minute(tmp_path):
    # a serial date-time is a float a hair under the minute: 08:54 read as 08:53:59
    book = Workbook()
    sheet = book.active
    sheet.append(["Päivämäärä", "Havainto"])
    for serial in (45300.37083333333, 45300.60694444444, 45300.5 + 0.4 / 86400):
        sheet.append([serial, f"Asiakas odottaa päätöstä ({serial})."])
    book.save(tmp_path / "serial.xlsx")
    table = read_reports(tmp_path / "serial.xlsx")
    assert table["date"].dt.strftime("%H:%M:%S").tolist() == ["08:54:00", "14:34:00", "12:00:00"]
