"""The command line: exit codes, messages, contract files, ledger and determinism."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from socanalysis import __version__
from socanalysis.cli import main
from socanalysis.export.contract import REPORTS_COLUMNS, THEMES_COLUMNS, WEAK_SIGNALS_COLUMNS


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_version_and_help():
    assert run("--version").output.strip() == f"socanalysis, version {__version__}"
    result = run("--help")
    assert result.exit_code == 0 and "analyze" in result.output


def test_analyze_writes_contract_files_with_every_row(tmp_path, export_csv):
    out = tmp_path / "out"
    result = run("analyze", str(export_csv), "--out", str(out))
    assert result.exit_code == 0, result.output
    for name in ("reports.csv", "themes.csv", "weak_signals.csv", "run.json"):
        assert (out / name).is_file()
    reports = pd.read_csv(out / "reports.csv", dtype=str, keep_default_na=False)
    assert tuple(reports.columns[: len(REPORTS_COLUMNS)]) == REPORTS_COLUMNS
    assert reports["report_id"].tolist() == ["101", "102", "103", "104", "105"]
    assert reports["status"].tolist() == ["ok", "ok", "ok", "empty", "duplicate"]
    assert reports.loc[4, "duplicate_of"] == "101"
    assert "text" not in reports.columns  # raw text never leaves the process unmasked
    themes = pd.read_csv(out / "themes.csv")
    assert tuple(themes.columns) == THEMES_COLUMNS
    weak = pd.read_csv(out / "weak_signals.csv")
    assert tuple(weak.columns) == WEAK_SIGNALS_COLUMNS
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert info["socanalysis_version"] == __version__
    assert info["seed"] == 42
    assert info["counts"]["rows"] == 5 and info["counts"]["analysed"] == 3
    assert info["counts"]["by_status"] == {"duplicate": 1, "empty": 1, "ok": 3}
    assert "intake" in info["timings_s"]
    assert "5 reports read, 3 analysed" in result.output
    assert "skipped     1  empty text" in result.output


def test_reports_csv_is_byte_identical_between_runs(tmp_path, export_csv):
    for name in ("a", "b"):
        result = run(
            "analyze", str(export_csv), "--out", str(tmp_path / name), "--quiet", "--seed", "3"
        )
        assert result.exit_code == 0
    for name in ("reports.csv", "themes.csv", "weak_signals.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_quiet_prints_nothing_even_while_embedding(tmp_path, export_csv):
    config = tmp_path / "settings.toml"
    config.write_text("use_cache = false\n", encoding="utf-8")  # every text is embedded
    out = tmp_path / "q"
    result = run("analyze", str(export_csv), "--out", str(out), "--config", str(config), "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output == ""  # no summary, no stage display, no embedding progress bar
    assert (out / "reports.csv").is_file()


def test_options_reach_the_analysis(tmp_path, export_csv):
    config = tmp_path / "settings.toml"
    config.write_text(
        'seed = 9\nperiod = "quarter"\n[columns]\ntext = "Havainto"\n', encoding="utf-8"
    )
    out = tmp_path / "o"
    result = run(
        "analyze",
        str(export_csv),
        "--out",
        str(out),
        "--config",
        str(config),
        "--from",
        "2025-01-01",
        "--to",
        "2025-03-31",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert info["config"]["period"] == "quarter" and info["seed"] == 9
    reports = pd.read_csv(out / "reports.csv", dtype=str, keep_default_na=False)
    assert reports["status"].tolist()[:3] == ["out_of_range", "ok", "ok"]


def test_a_misspelt_embedder_in_a_settings_file_is_named_before_any_work(tmp_path, export_csv):
    config = tmp_path / "settings.toml"
    config.write_text('embedder = "e5-smal-bundled"\n', encoding="utf-8")
    out = tmp_path / "o"
    result = run("analyze", str(export_csv), "--out", str(out), "--config", str(config))
    assert result.exit_code == 2, result.output
    first_line = result.output.splitlines()[0]
    assert first_line == f"socanalysis: error: {config}: unknown embedder 'e5-smal-bundled'; " + (
        "valid names are:"
    )
    assert "  e5-small-bundled" in result.output and "tfidf-lsa" in result.output
    assert not out.exists()  # refused before reading the input or writing anything


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "missing.csv"], "missing.csv: file not found"),
        (["analyze", "{csv}", "--column", "text"], "use FIELD=HEADER"),
        (["analyze", "{csv}", "--column", "text=Nope"], "'Nope' given for the report text"),
        (["analyze", "{csv}", "--config", "{toml}"], "unknown setting(s) colour"),
        (["analyze", "{csv}", "--from", "eilen"], "date_from"),
        (["analyze", "{csv}", "--period", "week"], "Invalid value for '--period'"),
        (["analyze", "{csv}", "--seed", "4294967296"], "seed=4294967296 must be an integer"),
        (["analyze", "{csv}", "--from", "2025-12-31", "--to", "2025-01-01"], "is after date_to"),
        (["analyze", "{csv}", "--out", "{busy}"], "reports.csv: cannot write the results"),
        (["analyse"], "No such command 'analyse'"),
    ],
)
def test_user_mistakes_exit_2_with_a_message_and_no_traceback(tmp_path, export_csv, args, message):
    toml = tmp_path / "bad.toml"
    toml.write_text('colour = "blue"\n', encoding="utf-8")
    busy = tmp_path / "busy"
    (busy / "reports.csv").mkdir(parents=True)  # a folder where a result file goes
    args = [a.format(csv=export_csv, toml=toml, busy=busy) for a in args]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_installed_command_runs_as_a_process(tmp_path, export_csv):
    completed = subprocess.run(
        [sys.executable, "-m", "socanalysis", "analyze", str(tmp_path / "none.xlsx")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stderr.startswith("socanalysis: error: ")
    assert "Traceback" not in completed.stderr


def test_import_is_light():
    code = (
        "import sys, time; t = time.perf_counter(); import socanalysis; "
        "heavy = {'pandas', 'torch', 'spacy', 'bertopic', 'sklearn', 'numpy'} & "
        "set(sys.modules); print(sorted(heavy))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"


def test_public_building_blocks_resolve_lazily():
    import socanalysis as sa

    for name in sa.__all__:
        assert getattr(sa, name) is not None
    found = sa.detect_languages(["Asumistuki ei riitä vuokraan.", "Hyran är för hög."])
    assert found["language"].tolist() == ["fi", "sv"]


def test_input_without_analysable_reports_says_so(tmp_path):
    path = tmp_path / "header_only.csv"
    path.write_text("Havainto;Pvm\n;1.1.2025\n", encoding="utf-8")
    result = run("analyze", str(path), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert "Nothing could be analysed" in result.output
    reports = pd.read_csv(tmp_path / "o" / "reports.csv", dtype=str, keep_default_na=False)
    assert reports["status"].tolist() == ["empty"]


def test_every_report_outside_the_date_range_says_so(tmp_path, export_csv):
    result = run("analyze", str(export_csv), "--out", str(tmp_path / "o"), "--from", "2040-01-01")
    assert result.exit_code == 0, result.output
    assert "every report with text is outside the date range" in result.output


def test_result_plots_use_the_output_language():
    import socanalysis as sa

    frame = pd.DataFrame(
        {
            "teksti": [
                "Nuorten vuokrat nousevat.",
                "Hyrorna stiger för unga.",
                "Kela-päätökset viipyvät.",
                "FPA:s beslut dröjer.",
            ]
        }
    )
    from socanalysis.nlp.embeddings import MonolingualEmbeddingWarning

    # a fast embedder for a test of titles; it says that it cannot join the two languages
    with pytest.warns(MonolingualEmbeddingWarning):
        result = sa.analyze(frame, output_language="en", embedder="tfidf-lsa")
    assert result.plot_themes().axes[0].get_title() == "Themes by size and language"


def test_the_final_collection_is_skipped_once_and_only_at_exit(monkeypatch):
    import atexit
    import gc

    from socanalysis import cli

    monkeypatch.setattr(cli, "_state", {})
    registered = []
    monkeypatch.setattr(atexit, "register", registered.append)
    # not 0 at start on every Python: 3.12.1 reports 375 frozen objects before any import
    frozen_before = gc.get_freeze_count()
    assert CliRunner().invoke(main, ["analyze", "--help"]).exit_code == 0
    assert CliRunner().invoke(main, ["analyze", "--help"]).exit_code == 0
    assert registered == [gc.freeze]  # once, for the end of the process
    assert gc.get_freeze_count() == frozen_before  # nothing frozen while the session goes on


def test_ctrl_c_and_a_closed_pipe_end_with_their_exit_codes(tmp_path, export_csv, monkeypatch):
    import socanalysis.pipeline as pipeline

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "analyze", stopped)
    result = CliRunner().invoke(main, ["analyze", str(export_csv), "--out", str(tmp_path / "o")])
    assert result.exit_code == 130
    assert "interrupted; the output folder is as it was" in result.output
    assert "Traceback" not in result.output

    def gone(*args, **kwargs):
        raise BrokenPipeError

    monkeypatch.setattr(pipeline, "analyze", gone)
    result = CliRunner().invoke(main, ["analyze", str(export_csv), "--out", str(tmp_path / "o")])
    assert result.exit_code == 141
    assert "internal error" not in result.output


def test_partitions_without_the_dask_engine_are_refused(tmp_path, export_csv):
    out = tmp_path / "o"
    result = CliRunner().invoke(
        main, ["analyze", str(export_csv), "--partitions", "3", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "--engine dask" in result.output and not out.exists()


def test_a_copy_of_the_shl11_file_is_refused_as_sector_taxonomy(tmp_path, export_csv):
    """exp22 county D3: by path, by a renamed copy, as the literal name is."""
    import yaml

    from socanalysis.classify.taxonomy import BUILTIN_TAXONOMIES

    shl = yaml.safe_load(BUILTIN_TAXONOMIES["shl11"].read_text("utf-8"))
    copy = tmp_path / "shl11.yaml"
    copy.write_text(yaml.safe_dump(shl, allow_unicode=True), encoding="utf-8")
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(yaml.safe_dump({**shl, "name": "tuen_tarpeet"}, allow_unicode=True), "utf-8")
    for path in (copy, renamed, BUILTIN_TAXONOMIES["shl11"]):
        config = tmp_path / "settings.toml"
        config.write_text(f'sector_taxonomy = "{path}"\n', encoding="utf-8")
        out = tmp_path / "o"
        result = run("analyze", str(export_csv), "--out", str(out), "--config", str(config))
        assert result.exit_code == 2, result.output
        assert "is the §11 taxonomy" in result.output
        assert "give 'sectors' or the path of a county's sector file" in result.output
        assert "Traceback" not in result.output and not out.exists()


def test_relative_sector_taxonomy_is_read_from_the_settings_folder(tmp_path, monkeypatch):
    """exp22 county D8: the settings and the sector file side by side, run from elsewhere."""
    import shutil

    from socanalysis.classify.taxonomy import BUILTIN_TAXONOMIES
    from socanalysis.config import AnalysisConfig
    from socanalysis.pipeline import _taxonomies

    folder = tmp_path / "county_cfg"
    folder.mkdir()
    shutil.copy(BUILTIN_TAXONOMIES["sectors"], folder / "sektorit.yaml")
    (folder / "settings.toml").write_text('sector_taxonomy = "sektorit.yaml"\n', "utf-8")
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = AnalysisConfig.from_toml(Path("..") / "county_cfg" / "settings.toml")
    assert config.sector_taxonomy == str(folder / "sektorit.yaml")
    assert _taxonomies(config)["sectors"].path == str(folder / "sektorit.yaml")
    # a built-in name stays a name
    (folder / "named.toml").write_text('sector_taxonomy = "sectors"\n', "utf-8")
    assert AnalysisConfig.from_toml(folder / "named.toml").sector_taxonomy == "sectors"
    # not found: where it looked, and a file of that name in the current folder is pointed at
    shutil.copy(BUILTIN_TAXONOMIES["sectors"], elsewhere / "omat.yaml")
    (folder / "missing.toml").write_text('sector_taxonomy = "omat.yaml"\n', "utf-8")
    result = run("analyze", "x.csv", "--config", str(folder / "missing.toml"))
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert f"looked for {folder / 'omat.yaml'}" in message
    assert "read from the settings file's folder" in message
    assert f"{elsewhere / 'omat.yaml'} exists" in message


def test_run_records_the_sector_list_and_counts_choices_naming_no_sector(tmp_path):
    """exp22 county D11 and D12: run.json names the sector list (title, source, hash), and
    reporters' choices that name no sector are counted in run.json and on the console."""
    import yaml

    from socanalysis.classify.taxonomy import BUILTIN_TAXONOMIES, load_taxonomy

    data = yaml.safe_load(BUILTIN_TAXONOMIES["sectors"].read_text("utf-8"))
    data.update(name="county", title={"fi": "Maakunnan toimialat"}, source="verkosto 2025")
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "county.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    (folder / "settings.toml").write_text(
        'sector_taxonomy = "county.yaml"\nembedder = "tfidf-lsa"\n'
        '[columns]\ntext = "Havainto"\nsectors_reported = "Sektori"\n',
        encoding="utf-8",
    )
    texts = [
        "Vuokrat nousevat ja asumistuki ei riitä.",
        "Kelan päätökset viipyvät viikkoja.",
        "Nuoret jäävät ilman työpaikkaa.",
        "Koulukuljetukset puuttuvat kylistä.",
    ]
    choices = ["Asuminen", "Kela", "en tiedä", "vammaispalvelt", "Kela", "en tiedä"]
    rows = ["Havainto;Sektori"] + [
        f"{texts[i % 4]} Raportti {i}.;{choices[i % 6]}" for i in range(24)
    ]
    csv = tmp_path / "reports.csv"
    csv.write_text("\n".join(rows), encoding="utf-8")
    out = tmp_path / "o"
    result = run("analyze", str(csv), "--out", str(out), "--config", str(folder / "settings.toml"))
    assert result.exit_code == 0, result.output
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    recorded = info["taxonomies"]["sectors"]
    county = load_taxonomy(folder / "county.yaml")
    assert recorded["name"] == "county" and recorded["title"] == {"fi": "Maakunnan toimialat"}
    assert recorded["source"] == "verkosto 2025" and recorded["builtin"] is False
    assert recorded["path"] == str(folder / "county.yaml")
    assert recorded["sha256"] == county.fingerprint() and recorded["keys"] == county.keys
    assert info["taxonomies"]["shl"]["builtin"] is True
    assert info["categories"]["sectors"] == {
        "taxonomy": "county",
        "reported": 24,
        "unreadable": 12,
        "unreadable_values": {"en tiedä": 8, "vammaispalvelt": 4},
    }
    output = " ".join(result.output.split())
    assert (
        "note: 12 of 24 reporters' sector choices name no sector of 'county' (e.g. 'en tiedä', "
        "'vammaispalvelt'); those reports are left unlabelled"
    ) in output


def test_text_from_the_input_is_printed_as_typed_never_read_as_markup(tmp_path, webropol_rows):
    header, *rows = webropol_rows
    lines = [[*header, "SHL 11 § tuen tarve"]]
    choices = ["en tiedä [/]", "[ks. ohje] kysy", "2"]
    lines += [[*row, value] for row, value in zip(rows, choices, strict=True)]
    path = tmp_path / "brackets.csv"
    path.write_text("\n".join(";".join(f'"{c}"' for c in r) for r in lines), encoding="utf-8")
    out = tmp_path / "[out]"
    result = run("analyze", str(path), "--out", str(out))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "'en tiedä [/]'" in said and "'[ks. ohje] kysy'" in said
    assert f"Results in {out}/" in said
