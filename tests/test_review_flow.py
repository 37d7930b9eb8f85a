"""Review decisions flow into the next run: theme names and merges kept, corrected labels learned.

Real pipeline runs on the first rows of the Webropol sample (tfidf-lsa embeddings keep it fast).
The next run analyses the same 60 reports, so its themes are the reviewed run's on any machine
and the tests check the review flow alone. With new reports the themes move, and how far is
machine-dependent (UMAP's compiled code and BLAS round differently on other processors: six
more reports split a reviewed theme of eight into 3 + 3 + 2 on one machine and kept it whole on
another); matching reviewed themes to moved ones is tested on constructed themes below.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import socanalysis
from socanalysis.cli import main
from socanalysis.errors import ConfigError, InputError
from socanalysis.export.contract import THEMES_COLUMNS
from socanalysis.export.review import ReportCorrection, ReviewDecisions, ThemeDecision
from socanalysis.review_flow import ReviewSource, match_reviewed_themes, training_labels_for

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "reports_webropol.csv"
FAST = {"embedder": "tfidf-lsa"}
NEW_NAME = "Kelan päätökset viipyvät"
# a report without a reporter's §11 choice, and one whose reporter chose "4, 8"
UNLABELLED, RELABELLED = "4827242", "4827158"


@pytest.fixture(scope="module", autouse=True)
def cache_dir(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOCANALYSIS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def reports():
    return socanalysis.read_reports(SAMPLE).head(60)


def _analyze(table, **settings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tfidf-lsa warns that it is monolingual
        return socanalysis.analyze(table, **FAST, **settings)


def _decision(themes: pd.DataFrame, theme_id: int, **decided) -> ThemeDecision:
    row = themes.set_index("theme_id").loc[theme_id]
    shown = {k: row[k] for k in ("label_fi", "label_sv", "keywords_fi", "keywords_sv")}
    return ThemeDecision(theme_id, **shown, **decided)


@pytest.fixture(scope="module")
def reviewed(reports, tmp_path_factory):
    """First run saved, and a review: rename 0, merge 2 into 1, reject 3, two corrections."""
    first = _analyze(reports)
    folder = tmp_path_factory.mktemp("results")
    first.save(folder, human_readable=False)
    decisions = ReviewDecisions(
        themes={
            0: _decision(first.themes, 0, rename_to=NEW_NAME, accept=True),
            1: _decision(first.themes, 1, accept=True),
            2: _decision(first.themes, 2, merge_into=1),
            3: _decision(first.themes, 3, accept=False),
        },
        reports={
            RELABELLED: ReportCorrection(RELABELLED, shl=["3"]),
            UNLABELLED: ReportCorrection(UNLABELLED, shl=["10"], sectors=["kela"]),
        },
        source="summary.xlsx",
    )
    decisions.save(folder / "review.json")
    return first, folder


@pytest.fixture(scope="module")
def second(reports, reviewed):
    return _analyze(reports, review=str(reviewed[1]))


def test_renamed_theme_keeps_its_name_in_the_next_run(reviewed, second):
    first, _ = reviewed
    assert NEW_NAME not in set(first.themes["label_fi"])
    record = second.run_info["review"]["themes"]
    (rename,) = record["renames"]
    theme = second.themes.set_index("theme_id").loc[rename["theme_id"]]
    assert theme["label_fi"] == theme["label_sv"] == NEW_NAME
    # the reports of the renamed theme carry the name; most of the reviewed theme's reports are
    # in it again
    renamed = second.reports[second.reports["theme_id"] == rename["theme_id"]]
    assert set(renamed["theme_label"]) == {NEW_NAME}
    before = set(first.reports.loc[first.reports["theme_id"] == 0, "report_id"])
    assert before == set(renamed["report_id"])  # the same reports: the same theme
    assert list(second.themes.columns) == list(THEMES_COLUMNS)  # the contract is unchanged


def test_merged_themes_are_one_theme_in_the_next_run(reviewed, second):
    first, _ = reviewed
    record = second.run_info["review"]["themes"]
    (merge,) = record["merges"]
    assert merge["reviewed"] == [1, 2] and merge["applied"] and len(merge["themes"]) == 2
    into = merge["into"]
    gone = [t for t in merge["themes"] if t != into]
    assert not set(gone) & set(second.themes["theme_id"])
    assert not set(gone) & set(second.reports["theme_id"])
    # the reports the network put together are together, and only they joined
    second_theme = second.reports.set_index("report_id")["theme_id"]
    groups = {t: first.reports.loc[first.reports["theme_id"] == t, "report_id"] for t in (1, 2)}
    together = set(groups[1]) | set(groups[2])
    assert set(second_theme[second_theme == into].index) == together
    matched = {m["reviewed"]: m for m in record["matches"]}
    assert all(matched[t]["by"] == "reports" for t in (0, 1, 2, 3))
    assert record["unmatched"] == [] and record["conflicts"] == []


def test_accept_flags_are_recorded_in_run_json(second):
    record = second.run_info["review"]["themes"]
    matched = {m["reviewed"]: m["theme_id"] for m in record["matches"]}
    assert record["rejected_themes"] == [matched[3]]
    assert matched[3] in set(second.themes["theme_id"])  # rejected themes stay visible
    into = record["merges"][0]["into"]
    assert record["accepted_themes"] == sorted({matched[0], into})


def test_corrected_labels_are_training_labels(reports, reviewed, second):
    model = second.category_models["shl"]
    learned = dict(zip(model.train_ids_, model.train_labels_, strict=True))
    assert learned[RELABELLED] == ["3"]  # the reporter's "4, 8" is replaced
    assert learned[UNLABELLED] == ["10"]  # an unlabelled report becomes a training example
    assert model.mode_ == "supervised"
    assert second.category_models["sectors"].train_labels_[
        second.category_models["sectors"].train_ids_.index(UNLABELLED)
    ] == ["kela"]
    assert second.run_info["review"]["categories"]["shl"]["corrected_labels_used"] == 2
    # without the review, the reporter's own choice is learned and the other is not a label
    first, _ = reviewed
    plain = dict(
        zip(
            first.category_models["shl"].train_ids_,
            first.category_models["shl"].train_labels_,
            strict=True,
        )
    )
    assert plain[RELABELLED] == ["4", "8"] and UNLABELLED not in plain
    # suggestions stay model output; agreement compares the reporters' own choices
    agreement = second.agreement["shl"].set_index("report_id")
    assert agreement.loc[RELABELLED, "reported_keys"] == "4;8"


def test_training_label_rule():
    decisions = ReviewDecisions(
        reports={
            "b": ReportCorrection("b", sectors=["kela"]),
            "c": ReportCorrection("c", shl=["2"]),
        }
    )
    assert training_labels_for(decisions, ["a", "b", "c"], ["1", "4", ""], "shl") == (
        ["1", "4", "2"],
        1,
    )
    assert training_labels_for(None, ["a"], ["1"], "shl") == (["1"], 0)


def test_reviewed_themes_are_found_after_the_themes_moved():
    """New reports move the themes: the reports decide where they can, keywords where not."""
    held = {0: [f"a{i}" for i in range(8)], 1: [f"b{i}" for i in range(8)], 2: ["c0", "c1"]}
    source = ReviewSource(
        decisions=ReviewDecisions(themes={t: ThemeDecision(t, accept=True) for t in held}),
        path=Path("review.json"),
        theme_words={0: {"asunto"}, 1: {"kela", "päätös", "odottaa"}, 2: {"kirjasto"}},
        theme_reports={t: set(ids) for t, ids in held.items()},
    )
    new_themes = pd.DataFrame(
        {
            "theme_id": [0, 1, 2, 3, 4, -1],
            "label_fi": ["velka", "koulu", "lapsi", "kela, viive", "vuokra", "ei teemaa"],
            "label_sv": ["skuld", "skola", "barn", "fpa", "hyra", "inget tema"],
            "keywords_fi": ["velka", "koulu", "lapsi", "kela; päätös; viive", "vuokra", ""],
            "keywords_sv": ["skuld", "skola", "barn", "fpa; beslut", "hyra", ""],
        }
    )
    placed = {
        # reviewed theme 0: five of its eight reports are in new theme 4, three in theme 2
        **{f"a{i}": 4 for i in range(5)},
        **{f"a{i}": 2 for i in range(5, 8)},
        # reviewed theme 1 split 3 + 3 + 2 (at most 37.5 % together, under 40 %)
        **{f"b{i}": (0, 1, 3)[i % 3] for i in range(8)},
        "c0": 2,  # one report of theme 2 is left: too few to decide
        "n0": 0,
        "n1": -1,
    }
    assignments = pd.DataFrame({"report_id": list(placed), "theme_id": list(placed.values())})
    found = match_reviewed_themes(source, new_themes, assignments).set_index("reviewed_theme")
    assert found.loc[0, ["theme_id", "score", "by"]].tolist() == [4, 0.625, "reports"]
    # split: the keywords decide (kela, päätös: 2 of the 3 reviewed words)
    assert found.loc[1, ["theme_id", "by"]].tolist() == [3, "keywords"]
    assert found.loc[1, "score"] == pytest.approx(2 / 3, abs=1e-4)
    # neither reports nor keywords: unmatched, and never the outlier theme
    assert found.loc[2, ["theme_id", "score", "by"]].tolist() == [-1, 0.0, ""]
    # a tie in shared reports says nothing: the keywords decide (here "vuokra" of theme 4),
    # not the smaller theme id
    source.theme_words[0] = {"asunto", "vuokra"}
    placed.update({f"a{i}": 1 for i in range(4)}, **{f"a{i}": 4 for i in range(4, 8)})
    assignments = pd.DataFrame({"report_id": list(placed), "theme_id": list(placed.values())})
    tied = match_reviewed_themes(source, new_themes, assignments).set_index("reviewed_theme")
    assert tied.loc[0, ["theme_id", "by"]].tolist() == [4, "keywords"]


def test_one_shared_report_in_each_of_two_themes_does_not_decide():
    """D4: a reviewed theme with two reports in the new data, one in each of two new themes
    (a share of 0.5 each) was matched to the smaller id, although its keywords name the
    other; a merge then joined unrelated themes."""
    source = ReviewSource(
        decisions=ReviewDecisions(themes={14: ThemeDecision(14, accept=True)}),
        path=Path("review.json"),
        theme_words={14: {"auttaa", "digitukihenkilö", "tunnistautuminen", "omakanta"}},
        theme_reports={14: {"x1", "x2", "x3", "x4"}},  # two of the four are in this run
    )
    new_themes = pd.DataFrame(
        {
            "theme_id": [2, 5],
            "label_fi": ["tulo, kela, päätös", "auttaa, tunnistautuminen, myöntää"],
            "label_sv": ["", ""],
            "keywords_fi": ["tulo; kela; päätös", "auttaa; tunnistautuminen; myöntää"],
            "keywords_sv": ["", ""],
        }
    )
    assignments = pd.DataFrame({"report_id": ["x1", "x2", "y"], "theme_id": [2, 5, 2]})
    found = match_reviewed_themes(source, new_themes, assignments).set_index("reviewed_theme")
    assert found.loc[14, ["theme_id", "by"]].tolist() == [5, "keywords"]


def test_review_json_alone_matches_by_keywords(reports, reviewed, tmp_path):
    _, folder = reviewed
    (tmp_path / "review.json").write_text((folder / "review.json").read_text("utf-8"), "utf-8")
    result = _analyze(reports, review=str(tmp_path / "review.json"))
    record = result.run_info["review"]["themes"]
    matched = {m["reviewed"]: m for m in record["matches"]}
    assert matched[0]["by"] == "keywords" and matched[0]["score"] >= 0.25
    assert NEW_NAME in set(result.themes["label_fi"])
    # review.json keeps the labels and keywords of each decided theme, enough to match them
    assert all(matched[t]["by"] == "keywords" for t in (0, 1, 2, 3))


def test_same_run_twice_gives_identical_review_record(reports, reviewed, second):
    again = _analyze(reports, review=str(reviewed[1] / "review.json"))
    assert again.run_info["review"]["themes"] == second.run_info["review"]["themes"]
    pd.testing.assert_frame_equal(again.themes, second.themes)


def test_bad_review_paths_are_clear_errors(reports, reviewed, tmp_path):
    with pytest.raises(InputError, match="review.json not found"):
        _analyze(reports, review=str(tmp_path))
    with pytest.raises(InputError, match="not found"):
        _analyze(reports, review=str(tmp_path / "nope.json"))
    (tmp_path / "broken.json").write_text("{not json", "utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        _analyze(reports, review=str(tmp_path / "broken.json"))
    (tmp_path / "other.json").write_text('{"themes": {}}', "utf-8")
    with pytest.raises(InputError, match="not a socanalysis review file"):
        _analyze(reports, review=str(tmp_path / "other.json"))
    with pytest.raises(InputError, match="is the folder of the review"):
        _analyze(reports, review=str(reviewed[1])).save(reviewed[1])
    with pytest.raises(ConfigError, match="review="):
        socanalysis.AnalysisConfig(review="")
    # a hand-edited correction that names no category is refused before the analysis
    data = json.loads((reviewed[1] / "review.json").read_text("utf-8"))
    data["reports"] = {"r1": {"shl": ["12"], "sectors": ["kela"]}}
    (tmp_path / "edited.json").write_text(json.dumps(data), "utf-8")
    with pytest.raises(InputError, match="report r1: '12' is not a key of the 'shl11' taxonomy"):
        _analyze(reports, review=str(tmp_path / "edited.json"))
    data["reports"] = {"r1": {"shl": ["3"], "sectors": ["kella"]}}
    (tmp_path / "edited.json").write_text(json.dumps(data), "utf-8")
    with pytest.raises(InputError, match="sector key\\(s\\) 'kella' are not in this run's sector"):
        _analyze(reports, review=str(tmp_path / "edited.json"))


def test_a_county_review_in_a_run_without_its_sector_file_names_the_setting(tmp_path):
    """exp22 county D9: the review file is right, the run forgot sector_taxonomy."""
    from socanalysis.classify.taxonomy import load_taxonomy
    from socanalysis.export.review import ReportCorrection, ReviewDecisions
    from socanalysis.review_flow import check_correction_keys

    county = tmp_path / "pohjanmaa.yaml"
    decisions = ReviewDecisions(
        reports={"r1": ReportCorrection("r1", shl=["3"], sectors=["ikäihmisten palvelut"])}
    )
    taxonomies = {"shl": load_taxonomy("shl11"), "sectors": load_taxonomy("sectors")}
    review = tmp_path / "review.json"
    (tmp_path / "run.json").write_text(
        json.dumps({"config": {"sector_taxonomy": str(county)}}), "utf-8"
    )
    with pytest.raises(InputError) as info:
        check_correction_keys(decisions, taxonomies, str(review))
    message = str(info.value)
    assert (
        "the review's sector key(s) 'ikäihmisten palvelut' are not in this run's sector " in message
    )
    assert (
        f"It was made with sector_taxonomy={str(county)!r} (per {tmp_path / 'run.json'})" in message
    )
    assert "Set sector_taxonomy to the sector file of the reviewed run" in message
    assert "\n" not in message
    # without a run.json beside it the setting is still the first thing named
    (tmp_path / "run.json").unlink()
    with pytest.raises(InputError, match="If it was made with a county's sector file"):
        check_correction_keys(decisions, taxonomies, str(review))


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_cli_review_option(reviewed, tmp_path):
    _, folder = reviewed
    raw = pd.read_csv(SAMPLE, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.head(60).to_csv(tmp_path / "new_export.csv", sep=";", index=False)
    (tmp_path / "fast.toml").write_text('embedder = "tfidf-lsa"\n', "utf-8")
    base = ["analyze", str(tmp_path / "new_export.csv"), "--config", str(tmp_path / "fast.toml")]
    runner = CliRunner()
    out = tmp_path / "results_2"
    done = runner.invoke(main, [*base, "--review", str(folder), "--out", str(out), "--quiet"])
    assert done.exit_code == 0, done.output
    run = json.loads((out / "run.json").read_text("utf-8"))
    assert run["config"]["review"] == str(folder)
    assert run["review"]["themes"]["renames"][0]["label"] == NEW_NAME
    themes = pd.read_csv(out / "themes.csv", dtype=str, keep_default_na=False)
    assert NEW_NAME in set(themes["label_fi"])
    bad = runner.invoke(main, [*base, "--review", str(tmp_path / "none"), "--out", str(out)])
    assert bad.exit_code == 2
    assert "not found; give the review.json" in bad.output and "Traceback" not in bad.output
    over = runner.invoke(main, [*base, "--review", str(folder), "--out", str(folder)])
    assert over.exit_code == 2 and "is the folder of the review" in over.output
    assert json.loads((folder / "review.json").read_text("utf-8"))["themes"]  # left as it was


# --- review round after review round (D2, D3, D5) --------------------------------------------


def _set_cells(path, sheet_key, edits, language="fi"):
    """edits: [(row id in column A, column key, value)] in a workbook of ``language``."""
    import openpyxl

    from socanalysis.export.labels import ui_groups

    groups = ui_groups()
    book = openpyxl.load_workbook(path)
    ws = book[groups["sheets"][sheet_key][language]]
    header = [c.value for c in ws[1]]
    rows = {str(ws.cell(row=i, column=1).value): i for i in range(2, ws.max_row + 1)}
    for row_id, key, value in edits:
        column = header.index(groups["columns"][key][language]) + 1
        ws.cell(row=rows[str(row_id)], column=column).value = value
    book.save(path)


def _cells(path, sheet_key, key, language="fi"):
    import openpyxl

    from socanalysis.export.labels import ui_groups

    groups = ui_groups()
    ws = openpyxl.load_workbook(path)[groups["sheets"][sheet_key][language]]
    header = [c.value for c in ws[1]]
    j = header.index(groups["columns"][key][language]) + 1
    return {
        str(ws.cell(row=i, column=1).value): ws.cell(row=i, column=j).value
        for i in range(2, ws.max_row + 1)
    }


@pytest.fixture(scope="module")
def rounds(reports, tmp_path_factory):
    """Three review rounds through the workbooks, as a network works: analyse, review the
    workbook, apply it, analyse with --review, review the new workbook, and again."""
    from socanalysis.export.review import ReportCorrection, apply_review, load_review

    base = tmp_path_factory.mktemp("rounds")
    first = _analyze(reports)
    f1 = base / "r1"
    first.save(f1, charts=False)
    _set_cells(
        f1 / "summary.xlsx",
        "themes",
        [
            (0, "review_rename", NEW_NAME),
            (0, "review_accept", "kyllä"),
            (2, "review_merge", 1),
            (3, "review_accept", "ei"),
            (3, "review_comment", "liian yleinen"),
        ],
    )
    _set_cells(
        f1 / "summary.xlsx",
        "reports",
        [(RELABELLED, "review_shl", "3"), (UNLABELLED, "review_shl", "10")],
    )
    apply_review(f1 / "summary.xlsx")
    # a correction of a report that the next rounds' data do not hold
    decisions = load_review(f1)
    decisions.reports["elsewhere"] = ReportCorrection("elsewhere", shl=["5"])
    decisions.save(f1 / "review.json")
    second = _analyze(reports, review=str(f1))
    f2 = base / "r2"
    second.save(f2, charts=False)
    workbook_2 = {
        "rename": _cells(f2 / "summary.xlsx", "themes", "review_rename"),
        "accept": _cells(f2 / "summary.xlsx", "themes", "review_accept"),
        "comment": _cells(f2 / "summary.xlsx", "themes", "review_comment"),
        "shl": _cells(f2 / "summary.xlsx", "reports", "review_shl"),
    }
    # round 2: the network keeps what it sees and adds one correction
    added = next(
        rid
        for rid in second.reports.loc[second.reports["status"] == "ok", "report_id"]
        if rid not in (RELABELLED, UNLABELLED)
    )
    _set_cells(f2 / "summary.xlsx", "reports", [(added, "review_shl", "2")])
    apply_review(f2 / "summary.xlsx")
    third = _analyze(reports, review=str(f2))
    f3 = base / "r3"
    third.save(f3, charts=False)
    apply_review(f3 / "summary.xlsx")  # round 3, nothing changed
    fourth = _analyze(reports, review=str(f3))
    return {
        "first": first,
        "second": second,
        "third": third,
        "fourth": fourth,
        "folders": (f1, f2, f3),
        "workbook_2": workbook_2,
        "added": added,
    }


def _together(result, first, themes):
    """The ids of the themes of ``result`` holding the reports of ``first``'s ``themes``."""
    held = set(first.reports.loc[first.reports["theme_id"].isin(themes), "report_id"])
    where = result.reports.set_index("report_id")["theme_id"]
    return set(where[sorted(held)])


def test_the_next_workbook_shows_the_decisions_it_carries(rounds):
    second, shown = rounds["second"], rounds["workbook_2"]
    renamed = second.themes.loc[second.themes["label_fi"] == NEW_NAME, "theme_id"]
    (theme,) = [str(int(t)) for t in renamed]
    assert shown["rename"][theme] == NEW_NAME and shown["accept"][theme] == "kyllä"
    rejected = str(second.run_info["review"]["themes"]["rejected_themes"][0])
    assert shown["accept"][rejected] == "ei" and shown["comment"][rejected] == "liian yleinen"
    assert shown["shl"][RELABELLED] == "3" and shown["shl"][UNLABELLED] == "10"
    f2 = rounds["folders"][1]
    carried = json.loads((f2 / "review_carried.json").read_text("utf-8"))
    assert carried["run_id"] == json.loads((f2 / "run.json").read_text("utf-8"))["run_id"]
    assert "elsewhere" in carried["reports"]
    (merged,) = [d for d in carried["themes"].values() if d["parts"]]
    assert len(merged["parts"]) == 2 and all(p["reports"] for p in merged["parts"])


@pytest.mark.parametrize("name", ["second", "third", "fourth"])
def test_every_decision_survives_every_round(rounds, name):
    first, result = rounds["first"], rounds[name]
    record = result.run_info["review"]
    assert NEW_NAME in set(result.themes["label_fi"])
    # the themes the network merged in round 1 stay one theme, round after round
    (merged,) = _together(result, first, [1, 2])
    assert merged >= 0
    assert len(record["themes"]["rejected_themes"]) == 1
    assert len(record["themes"]["accepted_themes"]) == 1
    assert record["themes"]["unmatched"] == []
    learned = dict(
        zip(
            result.category_models["shl"].train_ids_,
            result.category_models["shl"].train_labels_,
            strict=True,
        )
    )
    assert learned[RELABELLED] == ["3"] and learned[UNLABELLED] == ["10"]
    if name != "second":  # the correction added in round 2
        assert learned[rounds["added"]] == ["2"]
        assert record["categories"]["shl"]["corrected_labels_used"] == 3


def test_round_three_review_file_keeps_what_no_workbook_shows(rounds):
    from socanalysis.export.review import load_review

    f3 = rounds["folders"][2]
    decisions = load_review(f3)
    assert decisions.reports["elsewhere"].shl == ["5"]
    assert any(d.parts for d in decisions.themes.values())


def test_a_review_file_mailed_back_alone_still_merges(reports, rounds, tmp_path):
    """D3: review.json away from the reviewed run's themes.csv keeps the merge target's words."""
    from socanalysis.export.review import apply_review

    f1 = rounds["folders"][0]
    apply_review(f1 / "summary.xlsx", tmp_path / "mail", keep_earlier=False)
    data = json.loads((tmp_path / "mail" / "review.json").read_text("utf-8"))
    assert data["themes"]["1"]["keywords_fi"]  # the merge target, undecided itself
    result = _analyze(reports, review=str(tmp_path / "mail"))
    record = result.run_info["review"]["themes"]
    assert record["unmatched"] == []
    assert [m["applied"] for m in record["merges"]] == [True]
    assert len(_together(result, rounds["first"], [1, 2])) == 1


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_analyze_with_review_says_what_it_applied(rounds, tmp_path):
    """D5: one console line on the review."""
    f2 = rounds["folders"][1]
    raw = pd.read_csv(SAMPLE, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.head(60).to_csv(tmp_path / "new_export.csv", sep=";", index=False)
    (tmp_path / "fast.toml").write_text('embedder = "tfidf-lsa"\n', "utf-8")
    done = CliRunner().invoke(
        main,
        [
            "analyze", str(tmp_path / "new_export.csv"), "--config", str(tmp_path / "fast.toml"),
            "--review", str(f2), "--out", str(tmp_path / "out"),
        ],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "review: 1 merge applied; 1 rename applied; 3 corrected §11 labels used" in done.output
