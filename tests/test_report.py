"""Meeting report (HTML and Markdown) and the privacy check over every file for people."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest
from export_data import PLANTED, SECTOR_LABELS, SHL_LABELS, THEMES, make_result

from socanalysis.errors import InputError
from socanalysis.export import summaries
from socanalysis.export.charts import CHART_NAMES
from socanalysis.export.labels import UiText
from socanalysis.export.report import write_report
from socanalysis.export.workbook import write_workbook

HEADINGS = {
    "fi": [
        "Yleiskuva",
        "Teemat",
        "Heikot signaalit",
        "Hyvät käytännöt",
        "Menetelmä ja ajon tiedot",
    ],
    "sv": ["Översikt", "Teman", "Svaga signaler", "God praxis", "Metod och körningsuppgifter"],
    "en": ["Overview", "Themes", "Weak signals", "Good practices", "Method and run notes"],
}


@pytest.fixture(scope="module")
def result():
    return make_result(120, seed=4)


@pytest.fixture(scope="module")
def with_charts(result, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    paths = write_report(result, out, "fi", shl_labels=SHL_LABELS, sector_labels=SECTOR_LABELS)
    return out, paths


def h2(markdown: str) -> list[str]:
    return [line[3:] for line in markdown.splitlines() if line.startswith("## ")]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_sections_in_the_chosen_language(result, tmp_path, language):
    paths = write_report(result, tmp_path, language, charts=False, shl_labels=SHL_LABELS)
    markdown = paths["md"].read_text(encoding="utf-8")
    assert h2(markdown) == HEADINGS[language]
    page = paths["html"].read_text(encoding="utf-8")
    assert f'<html lang="{language}">' in page
    for heading in HEADINGS[language]:
        assert f">{heading}</h2>" in page


def test_a_section_per_theme_with_profile_excerpts_and_proposals(result, tmp_path):
    paths = write_report(
        result, tmp_path, "fi", charts=False, shl_labels=SHL_LABELS, sector_labels=SECTOR_LABELS
    )
    markdown = paths["md"].read_text(encoding="utf-8")
    theme_titles = [line for line in markdown.splitlines() if re.match(r"### Teema \d+: ", line)]
    assert len(theme_titles) == 4  # outliers get no section
    largest = int(
        result.themes.sort_values("n_reports", ascending=False)
        .query("theme_id >= 0")
        .iloc[0]["theme_id"]
    )
    # largest first, named by the theme id that the workbook and themes.csv use
    assert theme_titles[0].startswith(f"### Teema {largest}: ")
    assert theme_titles[0].endswith("/ " + THEMES[largest]["label_sv"])
    heading = r"### Teema \d+: Nuorten aikuisten asumiskulut / Unga vuxnas"
    section = re.split(heading, markdown)[1].split("### ")[0]
    assert "**§11-profiili**: 2 asuminen (" in section
    assert "**Hallinnonalat**: asuminen (" in section and "Kela (" in section
    assert "**Suunta**: vakaa" in section
    assert section.count("\n> ") >= 2  # masked excerpts as quotes
    assert "- Kohtuuhintaisia vuokra-asuntoja nuorille" in section
    assert "- Fler hyresbostäder till rimligt pris för unga." in section


def test_weak_signals_good_practices_and_method(result, tmp_path):
    paths = write_report(result, tmp_path, "en", charts=False)
    markdown = paths["md"].read_text(encoding="utf-8")
    weak = markdown.split("## Weak signals")[1].split("## Good practices")[0]
    assert weak.index("Digitaalisen asioinnin esteet") < weak.index("Tulkkipalvelujen puute")
    # in a Finnish report the reasons are Finnish, where the result carries them
    finnish = type(result)(
        result.reports,
        result.themes,
        result.weak_signals.assign(why_fi="5 raporttia 4 yksiköstä; ei vastaavaa ennen 2025-10"),
        result.run_info,
    )
    fi_md = write_report(finnish, tmp_path / "fi", "fi", charts=False)["md"].read_text("utf-8")
    assert "ei vastaavaa ennen 2025-10" in fi_md
    # each row names the signal by the id the workbook's review sheet uses
    assert "| Signal id |" in weak
    for signal_id in result.weak_signals["weak_signal_id"]:
        assert f"| {signal_id} |" in weak
    good = markdown.split("## Good practices")[1].split("## Method")[0]
    n_positive = int(
        ((result.reports["status"] == "ok") & (result.reports["polarity"] == "positive")).sum()
    )
    assert good.count("\n> — ") == min(n_positive, 10)
    assert "Kohtaamispaikka toimii hyvin" in good or "Mötesplatsen fungerar bra" in good
    assert f"more positive observations: {n_positive - 10}." in good
    method = markdown.split("## Method and run notes")[1]
    total = int(result.reports["pii_masked"].sum())
    assert f"Identifiers masked in total: {total}" in method
    assert "**Seed**: 42" in method and "e5-small-bundled" in method
    # the period in words of the report's language
    fi_md = write_report(result, tmp_path / "fi_method", "fi", charts=False)["md"]
    assert "**Jakso**: vuosineljännes" in fi_md.read_text(encoding="utf-8")


def test_html_is_self_contained_with_embedded_charts_and_a4_print_css(with_charts):
    out, paths = with_charts
    page = paths["html"].read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == len(CHART_NAMES)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "@page { size: A4" in page and "@media print" in page
    markdown = paths["md"].read_text(encoding="utf-8")
    for name in CHART_NAMES:
        assert f"(charts/{name}.png)" in markdown
        assert (out / "charts" / f"{name}.png").read_bytes()[:4] == b"\x89PNG"


def test_all_text_is_escaped(result, tmp_path):
    reports = result.reports.copy()
    first_positive = reports.index[
        (reports["polarity"] == "positive") & (reports["status"] == "ok")
    ][0]
    reports.loc[first_positive, "text_masked"] = '<script>alert("x")</script> [link](http://x)'
    themes = result.themes.copy()
    themes.loc[themes["theme_id"] == 0, "label_fi"] = "Asuminen & <b>vuokrat</b>"
    tampered = type(result)(reports, themes, result.weak_signals, result.run_info)
    paths = write_report(tampered, tmp_path, "fi", charts=False)
    page = paths["html"].read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Asuminen &amp; &lt;b&gt;vuokrat&lt;/b&gt;" in page
    markdown = paths["md"].read_text(encoding="utf-8")
    assert "\\<script\\>" in markdown and "\\[link\\](http://x)" in markdown


def test_proposals_are_left_out_when_no_masked_version_exists(result, tmp_path):
    reports = result.reports.drop(columns=["proposal_masked"])
    partial = type(result)(reports, result.themes, result.weak_signals, result.run_info)
    paths = write_report(partial, tmp_path, "sv", charts=False)
    markdown = paths["md"].read_text(encoding="utf-8")
    assert "Åtgärdsförslagen visas inte eftersom de inte har anonymiserats." in markdown
    assert "Kohtuuhintaisia vuokra-asuntoja" not in markdown


def test_report_is_reproducible_and_checks_formats(result, tmp_path):
    a = write_report(result, tmp_path / "a", "fi", charts=False)
    b = write_report(result, tmp_path / "b", "fi", charts=False)
    assert a["md"].read_bytes() == b["md"].read_bytes()
    assert a["html"].read_bytes() == b["html"].read_bytes()
    only_md = write_report(result, tmp_path / "c", "fi", formats=("md",), charts=False)
    assert set(only_md) == {"md"}
    with pytest.raises(InputError, match="'pdf'"):
        write_report(result, tmp_path, "fi", formats=("pdf",))


def workbook_strings(path) -> str:
    book = openpyxl.load_workbook(path)
    return (
        "\n".join(
            str(v)
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
        + "\n"
        + "\n".join(str(v) for v in vars(book.properties).values() if v)
    )


def test_no_planted_identifier_reaches_any_file_for_people(result, with_charts, tmp_path):
    raw = "\n".join(result.reports["text"]) + "\n".join(result.reports["proposal"])
    assert all(p in raw for p in PLANTED)  # the raw text does carry them
    assert "[NIMI]" in "".join(result.reports["text_masked"])
    out, paths = with_charts
    workbook = write_workbook(result, out / "summary.xlsx", "fi", shl_labels=SHL_LABELS)
    result.save(out)  # reports.csv, themes.csv, weak_signals.csv, run.json
    texts = {
        "summary.xlsx": workbook_strings(workbook),
        "report.html": paths["html"].read_text(encoding="utf-8"),
        "report.md": paths["md"].read_text(encoding="utf-8"),
        "themes.csv": (out / "themes.csv").read_text(encoding="utf-8"),
        "reports.csv": (out / "reports.csv").read_text(encoding="utf-8"),
    }
    for name, text in texts.items():
        for planted in PLANTED:
            assert planted not in text, f"{planted!r} leaked into {name}"
        assert "NIMI" in text or name == "themes.csv"  # placeholders do get through


def test_write_outputs_writes_every_file_for_people(result, tmp_path):
    from socanalysis.export.outputs import write_outputs

    paths = write_outputs(result, tmp_path, charts=False, shl_labels=SHL_LABELS)
    names = sorted(p.name for p in paths)
    assert names == ["codebook.qdc", "report.html", "report.md", "summary.xlsx"]
    assert openpyxl.load_workbook(tmp_path / "summary.xlsx").sheetnames[0] == "Teemat"


def test_every_ui_string_exists_in_fi_sv_and_en():
    from socanalysis.export.labels import ui_groups

    groups = ui_groups()
    assert {"sheets", "columns", "values", "report", "charts"} <= set(groups)
    for group, keys in groups.items():
        for key, texts in keys.items():
            assert set(texts) == {"fi", "sv", "en"}, (group, key)
            assert all(isinstance(t, str) and t.strip() for t in texts.values()), (group, key)
    sheet_names = [t for texts in groups["sheets"].values() for t in texts.values()]
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in sheet_names)


def test_a_chart_of_an_earlier_run_is_not_left_beside_a_report_without_it(result, tmp_path):
    charts = tmp_path / "charts"
    charts.mkdir()
    (charts / "emergence.png").write_bytes(b"old")
    (charts / "my_own.png").write_bytes(b"mine")
    write_report(result, tmp_path, "fi", charts=False)
    assert sorted(p.name for p in charts.iterdir()) == ["my_own.png"]


def test_reports_without_a_date_or_a_unit_are_a_named_row(result, tmp_path):
    reports = result.reports.copy()
    first = reports.index[reports["status"] == "ok"][:3]
    reports.loc[first, ["unit", "municipality"]] = ""
    reports.loc[first, "date"] = pd.NaT
    gaps = type(result)(reports, result.themes, result.weak_signals, result.run_info)
    markdown = write_report(gaps, tmp_path, "fi", charts=False)["md"].read_text("utf-8")
    assert "| (ei päivämäärää) | 3 |" in markdown
    assert "|  | (yksikkö puuttuu) | 3 |" in markdown
    book = openpyxl.load_workbook(write_workbook(gaps, tmp_path / "s.xlsx", "sv"))
    periods = [row[:2] for row in book["Perioder"].iter_rows(values_only=True)]
    assert ("(inget datum)", 3) in periods
    units = [row[:3] for row in book["Enheter"].iter_rows(values_only=True)]
    assert (None, "(enhet saknas)", 3) in units


def test_a_theme_of_one_language_is_named_once(result, tmp_path):
    themes = result.themes.copy()
    first = themes.index[themes["theme_id"] >= 0][0]
    themes.loc[first, "label_fi"] = "(sv) " + themes.loc[first, "label_sv"]
    themes.loc[first, "keywords_fi"] = ""
    swedish_only = type(result)(result.reports, themes, result.weak_signals, result.run_info)
    for language in ("fi", "sv"):
        md = write_report(swedish_only, tmp_path / language, language, charts=False)["md"]
        heading = next(
            line
            for line in md.read_text("utf-8").splitlines()
            if line.startswith("### ") and themes.loc[first, "label_sv"] in line
        )
        assert heading.count(themes.loc[first, "label_sv"]) == 1, heading
    from socanalysis.export.qda import write_qdc

    codebook = write_qdc(themes, None, None, tmp_path / "c.qdc", "sv").read_text("utf-8")
    assert "fi: (sv)" not in codebook


def test_the_method_notes_name_the_period_the_tables_use(result, tmp_path):
    reports = result.reports.copy()
    early = reports.index[0]
    reports.loc[early, ["status", "date"]] = ["out_of_range", pd.Timestamp("2019-01-01")]
    wide = type(result)(reports, result.themes, result.weak_signals, result.run_info)
    markdown = write_report(wide, tmp_path, "en", charts=False)["md"].read_text("utf-8")
    from socanalysis.export import summaries

    analysed = reports[reports["status"] == "ok"]
    used = summaries.resolve_period(summaries.dates_of(analysed))
    assert used == "quarter"  # the 2019 row alone would make it half-years
    assert "**Period**: quarter" in markdown


def test_a_save_stopped_while_writing_leaves_the_folder_as_it_was(result, tmp_path, monkeypatch):
    import socanalysis.export.tables as tables

    out = tmp_path / "results"
    result.save(out, charts=False)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def stop(*args, **kwargs):
        raise KeyboardInterrupt  # Ctrl-C after the tables, the workbook and the report

    monkeypatch.setattr(tables, "write_json", stop)
    changed = type(result)(
        result.reports.assign(theme_label="muutettu"),
        result.themes,
        result.weak_signals,
        result.run_info,
        result.config,
    )
    with pytest.raises(KeyboardInterrupt):
        changed.save(out, charts=False)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # no new reports.csv beside the earlier run.json
    assert not [p for p in out.iterdir() if p.name.startswith(".socanalysis-")]


def test_the_outputs_show_as_many_examples_per_theme_as_the_run_asked_for(result, tmp_path):
    import dataclasses

    from socanalysis.export.outputs import write_outputs

    one = dataclasses.replace(result, config=dataclasses.replace(result.config, n_examples=1))
    write_outputs(one, tmp_path, charts=False)
    markdown = (tmp_path / "report.md").read_text("utf-8")
    sections = [part.split("\n## ")[0] for part in markdown.split("### Teema ")[1:]]
    assert sections and all(section.count("\n> — ") == 1 for section in sections)


@pytest.mark.parametrize(
    ("language", "mark"), [("fi", ","), ("sv", ","), ("en", ".")], ids=["fi", "sv", "en"]
)
def test_dates_and_decimals_are_written_as_the_reader_writes_them(result, tmp_path, language, mark):
    markdown = write_report(result, tmp_path, language, charts=False)["md"].read_text("utf-8")
    analysed = result.reports[result.reports["status"] == "ok"]
    first, last = analysed["date"].min(), analysed["date"].max()

    def written(date: pd.Timestamp) -> str:
        return f"{date:%Y-%m-%d}" if language == "en" else f"{date.day}.{date.month}.{date.year}"

    assert f"{written(first)} – {written(last)}" in markdown.split("\n## ")[0]
    # each theme's first and last report; no ISO date is left in the sections of fi and sv
    themes = markdown.split("\n## ")[2]
    label = UiText(language)("report", "dates")
    shown = re.findall(rf"- \*\*{label}\*\*: (.+)", themes)
    expected = {
        f"{written(pd.Timestamp(first))} – {written(pd.Timestamp(last))}"
        for first, last in zip(result.themes["first_date"], result.themes["last_date"], strict=True)
    }
    assert shown and set(shown) <= expected
    if language != "en":
        assert re.search(r"\d{4}-\d\d-\d\d", themes) is None
    # the weak-signal scores with the reader's decimal mark
    weak = markdown.split("\n## ")[3]
    scores = [f"{s:.2f}".replace(".", mark) for s in result.weak_signals["score"]]
    for score in scores:
        assert f"| {score} |" in weak


def test_excerpts_in_html_name_the_language_they_are_written_in(result, tmp_path):
    page = write_report(result, tmp_path, "sv", charts=False)["html"].read_text("utf-8")
    languages = dict(zip(result.reports["report_id"], result.reports["language"], strict=True))
    quotes = re.findall(r'<blockquote(?: lang="(\w+)")?>.*?<cite>([^<·]+)', page, flags=re.S)
    assert quotes
    for lang, cite in quotes:
        written_in = languages[cite.strip()]
        assert lang == (written_in if written_in in ("fi", "sv") else ""), (cite, lang)
    assert {lang for lang, _ in quotes} >= {"fi", "sv"}  # a Finnish excerpt in a Swedish page


def test_the_method_notes_name_the_sector_list(result, tmp_path):
    """exp22 county D11: the report says which sector list its sector tables count."""
    county = {
        "name": "pohjanmaa_sektorit",
        "title": {"fi": "Pohjanmaan toimialat", "sv": "Österbottens sektorer"},
        "source": "verkosto 2025",
    }
    info = {**result.run_info, "taxonomies": {"sectors": county}}
    with_list = type(result)(result.reports, result.themes, result.weak_signals, info)
    markdown = write_report(with_list, tmp_path, "sv", charts=False)["md"].read_text("utf-8")
    method = markdown.split("## ")[-1]
    assert (
        "**Förteckning över förvaltningsområden**: Österbottens sektorer "
        "(pohjanmaa\\_sektorit; verkosto 2025)"
    ) in method


def test_the_themes_section_opens_with_a_linked_list_of_its_themes(result, tmp_path):
    paths = write_report(result, tmp_path, "en", charts=False)
    page = paths["html"].read_text("utf-8")
    themes = summaries.themes_in_order(result.themes).query("theme_id >= 0")
    links = re.findall(r'<li><a href="#(theme-\d+)">([^<]+)</a></li>', page)
    assert [a for a, _ in links] == [f"theme-{t}" for t in themes["theme_id"]]
    for anchor, text in links:  # each link leads to its section, and gives its size
        assert f'<h3 id="{anchor}">' in page
        theme = themes.set_index("theme_id").loc[int(anchor.split("-")[1])]
        assert text.endswith(f"({theme['n_reports']})")
    markdown = paths["md"].read_text("utf-8").split("## Themes")[1].split("### ")[0]
    assert markdown.count("\n- Theme ") == len(themes)
