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
    # a tie in shares goes to the smaller theme id
    placed.update({f"a{i}": 1 for i in range(4)}, **{f"a{i}": 4 for i in range(4, 8)})
    assignments = pd.DataFrame({"report_id": list(placed), "theme_id": list(placed.values())})
    tied = match_reviewed_themes(source, new_themes, assignments).set_index("reviewed_theme")
    assert tied.loc[0, ["theme_id", "score"]].tolist() == [1, 0.5]


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
    with pytest.raises(InputError, match="'kella' is not a key of the 'sectors' taxonomy"):
        _analyze(reports, review=str(tmp_path / "edited.json"))


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
