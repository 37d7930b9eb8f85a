"""Weak signals: each method on synthetic data with a known answer, and the detector's contract."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from socanalysis.errors import ConfigError, InputError
from socanalysis.export.contract import WEAK_SIGNALS_COLUMNS
from socanalysis.themes.weak_emergence import emergence_map, growth_rate, time_weights
from socanalysis.themes.weak_novelty import (
    centre_by_language,
    group_novelty,
    link_similarity,
    novelty_groups,
    report_novelty,
)
from socanalysis.themes.weak_periods import assign_periods, choose_period
from socanalysis.themes.weak_plots import plot_emergence_map
from socanalysis.themes.weak_popularity import classify_popularity, decayed_popularity
from socanalysis.themes.weak_signals import CANDIDATE_COLUMNS, WeakSignalDetector

DIM = 32


def _corpus(
    late_units: int = 4, seed: int = 0, fading: bool = True, late_size: int = 5
) -> tuple[pd.DataFrame, np.ndarray, list[list[str]]]:
    """Four recurring topics over 8 quarters of 2024-2025, one fading topic (2024 only), and a
    tight cluster of ``late_size`` reports in 2025-Q4 from ``late_units`` units."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(6, DIM))
    rows = []
    quarters = [(y, m) for y in (2024, 2025) for m in (1, 4, 7, 10)]
    for topic in range(4):
        for q, (year, month) in enumerate(quarters):
            for j in range(2):
                rows.append((topic, f"{year}-{month + j:02d}-{10 + topic:02d}", f"u{(q + j) % 6}"))
    if fading:
        for year, month in quarters[:4]:
            for j in range(3):
                rows.append((4, f"{year}-{month + j:02d}-20", f"u{j}"))
    for j in range(late_size):
        rows.append((5, f"2025-{10 + j % 3:02d}-{5 + j:02d}", f"late{j % late_units}"))
    topic = np.array([r[0] for r in rows])
    noise = np.where(topic == 5, 0.2, 0.35)[:, None]  # the late cluster is tight
    X = centres[topic] + noise * rng.normal(size=(len(rows), DIM))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    reports = pd.DataFrame(
        {
            "report_id": [f"r{i:03d}" for i in range(len(rows))],
            "date": pd.to_datetime([r[1] for r in rows]),
            "unit": [r[2] for r in rows],
            "municipality": [r[2].replace("late", "m") for r in rows],
            "language": ["fi" if i % 3 else "sv" for i in range(len(rows))],
            "text": [""] * len(rows),
            "theme_id": np.where(topic == 5, -1, topic),
        }
    )
    vocab = {t: [f"aihe{t}a", f"aihe{t}b", f"ämne{t}"] for t in range(5)} | {
        5: ["rahanvälittäjä", "tili", "penningmålvakt"]
    }
    lemmas = [vocab[t][: 2 + (i % 2)] + ["yleinen"] for i, t in enumerate(topic)]
    return reports, X, lemmas


# ---------------------------------------------------------------------- periods
def test_auto_period_follows_the_date_span():
    def span(start: str, end: str) -> pd.Series:
        return pd.Series(pd.to_datetime([start, end]))

    assert choose_period(span("2025-01-01", "2025-05-30")) == "month"
    assert choose_period(span("2024-01-01", "2025-12-31")) == "quarter"
    assert choose_period(span("2022-01-01", "2025-12-31")) == "half-year"
    assert choose_period(pd.Series([pd.NaT, pd.NaT])) == "quarter"


def test_periods_count_empty_ones_and_label_them():
    dates = pd.Series(pd.to_datetime(["2024-02-01", None, "2025-08-01"]))
    index, labels = assign_periods(dates, "half-year")
    assert index.tolist() == [0, -1, 3]
    assert labels == ["2024-H1", "2024-H2", "2025-H1", "2025-H2"]
    index, labels = assign_periods(dates, "month")
    assert len(labels) == 19 and labels[-1] == "2025-08"
    with pytest.raises(ConfigError, match="fortnight"):
        WeakSignalDetector(period="fortnight").fit(*_corpus()[:2])


# ---------------------------------------------------------------------- emergence (Yoon 2012)
def test_time_weight_and_growth_follow_the_definition():
    assert time_weights(4, 0.05).tolist() == pytest.approx([0.85, 0.9, 0.95, 1.0])
    # growth is the geometric mean of the period-to-period ratios
    assert growth_rate(np.array([[1.0, 3.0, 9.0]]), 0.0)[0] == pytest.approx(2.0)
    tf = np.array([[1.0, 2.0, 4.0]])
    n_docs = np.array([10.0, 10.0, 10.0])
    table = emergence_map(["t"], tf, tf, n_docs, tw=0.05)
    dov = tf[0] / n_docs * np.array([0.9, 0.95, 1.0])
    eps = 0.5 / 10
    expected = ((dov[2] + eps) / (dov[0] + eps)) ** 0.5 - 1
    assert table.loc[0, "growth"] == pytest.approx(expected)
    assert table.loc[0, "frequency"] == pytest.approx(7 / 3)


def test_a_term_that_appears_late_and_grows_is_in_the_weak_quadrant():
    n_docs = np.full(8, 20)
    tf = np.array(
        [
            [6, 5, 6, 7, 6, 5, 6, 6],  # steady, frequent
            [5, 6, 5, 6, 6, 5, 6, 7],  # steady, frequent
            [1, 0, 1, 0, 1, 0, 1, 0],  # rare, flat
            [0, 1, 0, 1, 0, 0, 1, 0],  # rare, flat
            [0, 0, 0, 0, 0, 0, 1, 3],  # appears late and grows
            [2, 3, 4, 5, 6, 7, 8, 9],  # frequent and growing
        ]
    )
    terms = ["steady1", "steady2", "rare1", "rare2", "new", "rising"]
    table = emergence_map(terms, tf, tf, n_docs).set_index("term")
    assert table.loc["new", "quadrant"] == "weak"
    assert table.loc["new", "issue_quadrant"] == "weak"
    assert table.loc["rising", "quadrant"] == "strong"
    assert table.loc["steady1", "quadrant"] == "well_known"
    assert table["growth"].idxmax() == "new"
    assert table.loc["new", "first_period"] == 6


# ---------------------------------------------------------------------- popularity (BERTrend)
def test_a_theme_that_fades_decays_and_is_not_a_weak_signal():
    counts = np.array([[5, 5, 0, 0, 0, 0], [3, 3, 3, 3, 3, 3], [0, 0, 0, 0, 1, 2]])
    pop = decayed_popularity(counts, decay_factor=0.01, decay_power=2)
    # compounding decay as in the reference implementation: 10 × e^-0.01 × e^-0.04 × …
    assert pop[0, -1] == pytest.approx(10 * np.exp(-0.01 * (1 + 4 + 9 + 16)))
    assert np.isnan(pop[2, :4]).all() and pop[2, -1] == 3
    table = classify_popularity(["faded", "recurring", "new"], pop, window=3).set_index("topic")
    assert table.loc["faded", "slope"] < 0 and not table.loc["faded", "rising"]
    assert table.loc["faded", "signal"] == "noise"
    assert table.loc["new", "signal"] == "weak"
    assert table.loc["recurring", "signal"] == "strong"


def test_popularity_bands_are_checked():
    with pytest.raises(ConfigError, match="percentiles"):
        classify_popularity(["a"], np.ones((1, 2)), bands=(60, 40))


# ---------------------------------------------------------------------- novelty
def test_a_tight_late_cluster_is_novel_and_grouped():
    reports, X, _ = _corpus()
    recent = (reports["date"] >= "2025-10-01").to_numpy()
    late = (reports["theme_id"] == -1).to_numpy()
    novelty = report_novelty(X, recent, k=2)
    assert novelty[late].min() > novelty[recent & ~late].max()
    assert (novelty[~recent] == 0).all()
    link = link_similarity(X, 0.95)
    groups = novelty_groups(X, recent, link=link, min_size=3)
    assert [g.tolist() for g in groups] == [np.flatnonzero(late).tolist()]
    value, share, separation = group_novelty(X, groups[0], recent)
    assert share == 1.0 and separation == 1.0 and value == 1.0


def test_language_centring_brings_languages_together():
    rng = np.random.default_rng(1)
    topics = rng.normal(size=(2, DIM))
    # a direction per language, larger than the difference between the topics
    fi, sv = 3 * rng.normal(size=DIM), 3 * rng.normal(size=DIM)
    X = np.vstack([topics[0] + fi, topics[1] + fi, topics[0] + sv, topics[1] + sv])
    X = X + 0.05 * rng.normal(size=X.shape)
    langs = ["fi", "fi", "sv", "sv"]
    raw = X / np.linalg.norm(X, axis=1, keepdims=True)
    Z = centre_by_language(X, langs, min_rows=2)
    assert raw[0] @ raw[1] > raw[0] @ raw[2]  # raw: same language wins
    assert Z[0] @ Z[2] > Z[0] @ Z[1]  # centred: same topic wins


# ---------------------------------------------------------------------- detector
def test_detector_ranks_the_late_cluster_first_with_evidence():
    reports, X, lemmas = _corpus()
    det = WeakSignalDetector().fit(reports, X, lemmas=lemmas)
    assert tuple(det.candidates_.columns) == CANDIDATE_COLUMNS == WEAK_SIGNALS_COLUMNS
    top = det.candidates_.iloc[0]
    late = reports[reports["theme_id"] == -1].sort_values(["date", "report_id"])
    late_ids = late["report_id"].tolist()  # report_ids are listed by date
    assert top["weak_signal_id"] == "WS1"
    assert top["report_ids"].split(";") == late_ids
    assert top["n_reports"] == 5 and top["n_units"] == 4
    assert 0.0 <= det.candidates_["score"].min() <= det.candidates_["score"].max() <= 1.0
    assert top["score"] > 0.7
    assert "nothing similar before 2025-10" in top["why"]
    assert "rahanvälittäjä" in top["label_fi"] and "fast-growing words" in top["why"]
    assert "penningmålvakt" in top["why"]
    # the same reasons in the languages of the workbook and the meeting report
    why = det.why_.set_index("weak_signal_id").loc["WS1"]
    assert why["why_fi"].startswith("5 raporttia 4 yksiköstä")
    assert "ei vastaavaa ennen 2025-10" in why["why_fi"] and "avainsanat" in why["why_fi"]
    assert why["why_sv"].startswith("5 rapporter från 4 enheter")
    assert "inget liknande före 2025-10" in why["why_sv"] and "nyckelord" in why["why_sv"]
    # the first report's date as each reader writes it: ISO in English, 8.10.2025 in fi and sv
    first = late["date"].min()
    assert f"the first on {first:%Y-%m-%d}" in top["why"]
    assert f"ensimmäinen {first.day}.{first.month}.{first.year}" in why["why_fi"]
    assert f"den första {first.day}.{first.month}.{first.year}" in why["why_sv"]
    assert list(det.why_["weak_signal_id"]) == list(det.candidates_["weak_signal_id"])
    assert det.period_ == "quarter" and det.recent_window_ == ["2025-Q4"]
    assert det.methods_ == ["novelty", "emergence", "popularity", "diffusion"]
    # recurring themes (reports in every period) stay below the new cluster
    recurring = det.evidence_[det.evidence_["source"] == "theme"]
    assert (recurring["score"] < top["score"] - 0.2).all()
    # evidence tables
    assert {"term", "frequency", "growth", "quadrant"} <= set(det.emergence_.columns)
    terms = det.emergence_[det.emergence_["kind"] == "term"].set_index("term")
    assert terms.loc["rahanvälittäjä", "quadrant"] == "weak"
    assert det.popularity_.set_index("topic").loc["T4", "signal"] == "noise"  # the faded theme
    assigned = det.assignments_.set_index("report_id")["weak_signal_id"]
    assert (assigned[late_ids] == "WS1").all()
    assert set(det.novelty_.columns) >= {"report_id", "period", "novelty", "weak_signal_id"}


def test_diffusion_rewards_several_units():
    reports, X, lemmas = _corpus(late_units=4)
    many = WeakSignalDetector().fit(reports, X, lemmas=lemmas).evidence_.iloc[0]
    reports1, X1, lemmas1 = _corpus(late_units=1)
    one = WeakSignalDetector().fit(reports1, X1, lemmas=lemmas1).evidence_.iloc[0]
    assert many["n_units"] == 4 and one["n_units"] == 1
    assert one["diffusion"] == 0.0 and many["diffusion"] == pytest.approx(0.75)
    assert many["score"] > one["score"]


def test_without_dates_only_novelty_and_diffusion_apply_and_the_output_says_so():
    reports, X, lemmas = _corpus()
    det = WeakSignalDetector().fit(reports.drop(columns="date"), X, lemmas=lemmas)
    assert det.methods_ == ["novelty", "diffusion"]
    assert det.period_ is None and det.emergence_.empty and det.popularity_.empty
    assert any("No dates" in note for note in det.notes_)
    assert len(det.candidates_) >= 1
    assert det.candidates_["why"].str.contains("no dates: novelty and diffusion only").all()
    assert det.why_["why_fi"].str.contains("ei päivämääriä: vain uutuus ja leviäminen").all()


def test_one_period_only_gives_sensible_output():
    reports, X, lemmas = _corpus()
    reports = reports.assign(date=pd.Timestamp("2025-11-03"))
    det = WeakSignalDetector().fit(reports, X, lemmas=lemmas)
    assert det.time_mode_ is False and det.methods_ == ["novelty", "diffusion"]
    assert any("nothing earlier to compare with" in note for note in det.notes_)
    assert len(det.periods_) == 1
    assert det.candidates_["why"].str.contains("one period only").all()


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_small_input_never_raises(n):
    reports, X, lemmas = _corpus()
    for frame in (reports.head(n), reports.head(n).drop(columns="date")):
        det = WeakSignalDetector().fit(frame, X[:n], lemmas=lemmas[:n])
        assert list(det.candidates_.columns) == list(CANDIDATE_COLUMNS)
        assert len(det.assignments_) == n and len(det.novelty_) == n


def test_ties_are_broken_deterministically():
    # two mirror-image late clusters: identical evidence, so the order must come from the rule
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(6, DIM))
    topic = np.r_[np.tile(np.repeat(np.arange(4), 2), 8), [4, 4, 4, 5, 5, 5]]
    X = centres[topic] + np.where(topic >= 4, 0.2, 0.35)[:, None] * rng.normal(size=(70, DIM))
    X[67:70] = centres[5] + (X[64:67] - centres[4])  # cluster 5 mirrors cluster 4 exactly
    quarters = [f"{y}-{m:02d}-01" for y in (2024, 2025) for m in (1, 4, 7, 10)]
    dates = [quarters[i // 8] for i in range(64)] + ["2025-11-01"] * 6
    units = [f"u{i % 3}" for i in range(64)] + ["a", "b", "c", "a", "b", "c"]
    reports = pd.DataFrame(
        {"report_id": [f"id{i:02d}" for i in range(70)], "date": dates, "unit": units}
    )
    lemmas = [[f"w{t}"] for t in topic[:64]] + [["y"]] * 3 + [["z"]] * 3
    det = WeakSignalDetector(period="quarter").fit(reports, X, lemmas=lemmas)
    first_two = det.candidates_.head(2)
    assert first_two["score"].iloc[0] == first_two["score"].iloc[1]
    assert first_two["report_ids"].tolist() == ["id64;id65;id66", "id67;id68;id69"]
    # the same input in another row order gives the same candidates
    order = np.random.default_rng(0).permutation(70)
    det2 = WeakSignalDetector(period="quarter").fit(
        reports.iloc[order], X[order], lemmas=[lemmas[i] for i in order]
    )
    pd.testing.assert_frame_equal(det.candidates_, det2.candidates_)


def test_same_input_same_output():
    reports, X, lemmas = _corpus()
    a = WeakSignalDetector().fit(reports, X, lemmas=lemmas)
    b = WeakSignalDetector().fit(reports, X, lemmas=lemmas)
    pd.testing.assert_frame_equal(a.candidates_, b.candidates_)
    pd.testing.assert_frame_equal(a.emergence_, b.emergence_)


def test_fallback_lemmas_are_used_without_lemma_lists():
    reports, X, _ = _corpus()
    words = {5: "Nuoria houkutellaan rahanvälittäjiksi somessa"}
    topic = reports["theme_id"].replace(-1, 5)
    reports = reports.assign(text=[words.get(t, f"tavallinen asia numero {t}") for t in topic])
    det = WeakSignalDetector().fit(reports, X)
    assert "rahanvälittäjä" in det.candidates_.iloc[0]["label_fi"]


def test_theme_keywords_label_theme_candidates():
    reports, X, lemmas = _corpus()
    reports.loc[reports["theme_id"] == -1, "theme_id"] = 9
    keywords = pd.DataFrame(
        {"theme_id": [9], "keywords_fi": ["rahanvälittäjä; tili"], "keywords_sv": ["konto"]}
    )
    det = WeakSignalDetector().fit(reports, X, lemmas=lemmas, theme_keywords=keywords)
    top = det.candidates_.iloc[0]
    assert (top["label_fi"], top["label_sv"]) == ("rahanvälittäjä, tili", "konto")


def test_user_mistakes_raise_clear_errors():
    reports, X, lemmas = _corpus()
    with pytest.raises(InputError, match="rows"):
        WeakSignalDetector().fit(reports, X[:-1], lemmas=lemmas)
    with pytest.raises(InputError, match="report_id"):
        WeakSignalDetector().fit(reports.drop(columns="report_id"), X)
    with pytest.raises(InputError, match="lemmas"):
        WeakSignalDetector().fit(reports, X, lemmas=lemmas[:3])
    with pytest.raises(ConfigError, match="recent_periods"):
        WeakSignalDetector(recent_periods=0).fit(reports, X, lemmas=lemmas)
    with pytest.raises(ConfigError, match="weights"):
        WeakSignalDetector(weights={"magic": 1.0}).fit(reports, X, lemmas=lemmas)
    with pytest.raises(ConfigError, match="no parameter"):
        WeakSignalDetector().set_params(colour="red")


def test_recent_window_and_max_candidates_are_respected():
    reports, X, lemmas = _corpus()
    det = WeakSignalDetector(recent_periods=2, max_candidates=2).fit(reports, X, lemmas=lemmas)
    assert det.recent_window_ == ["2025-Q3", "2025-Q4"]
    assert len(det.candidates_) <= 2
    det = WeakSignalDetector(period="month").fit(reports, X, lemmas=lemmas)
    assert det.period_ == "month" and det.recent_window_ == ["2025-12"]


# ---------------------------------------------------------------------- plot
def test_emergence_map_plot_marks_the_weak_quadrant():
    from matplotlib.figure import Figure

    reports, X, lemmas = _corpus()
    det = WeakSignalDetector().fit(reports, X, lemmas=lemmas)
    fig = det.plot_emergence_map(language="en")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert any("weak signals" in t for t in texts)
    assert "rahanvälittäjä" in texts  # the fastest-growing weak term is labelled
    assert ax.get_xlabel().startswith("average frequency")
    assert len(ax.collections) >= 2  # the shaded quadrant and the points
    assert "rahanvälittäjä" in fig.texts[0].get_text()  # caption: the weak quadrant in order
    fig2 = plot_emergence_map(det.emergence_, kind=("theme", "group"), which="kim", language="en")
    assert fig2.axes[0].get_title() == "Keyword Issue Map (themes and groups)"
    empty = plot_emergence_map(det.emergence_.head(0), language="en")
    assert [t.get_text() for t in empty.axes[0].texts] == ["No data"]  # as the other charts
    assert empty.axes[0].get_title() == "Keyword Emergence Map (terms)"
    fig.savefig(io.BytesIO(), format="png")  # renders with the Agg canvas
    # a long caption (many weak terms) wraps inside the figure instead of running off its edge
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    many = det.emergence_.copy()
    weak_rows = many.index[many["quadrant"] == "weak"][:1]
    extra = many.loc[weak_rows.repeat(15)].assign(
        term=[f"omaishoitomaksumuutos{i:02d}" for i in range(15)]
    )
    fig3 = plot_emergence_map(pd.concat([many, extra], ignore_index=True), language="fi")
    caption = fig3.texts[0]
    assert caption.get_text().count("\n") >= 1
    edge = caption.get_window_extent(FigureCanvasAgg(fig3).get_renderer())
    assert edge.x1 <= fig3.bbox.width


def _result(language: str):
    """An analysis result holding a fitted detector (no themes), in ``language``."""
    from socanalysis.config import AnalysisConfig
    from socanalysis.pipeline import AnalysisResult

    reports, X, lemmas = _corpus()
    det = WeakSignalDetector().fit(reports, X, lemmas=lemmas)
    config = AnalysisConfig(output_language=language)
    result = AnalysisResult(reports, pd.DataFrame(), det.candidates_, {}, config=config)
    result.weak_signal_detector = det
    return result, det


def test_emergence_map_speaks_the_language_asked_for_and_the_results_by_default():
    result, det = _result("sv")
    for fig, title, x_label, weak in [
        (
            result.plot_weak_signals(),
            "Karta över framväxande nyckelord (ord)",
            "genomsnittlig frekvens (TF)",
            "svag signal: sällsynt, växande",
        ),
        (
            det.plot_emergence_map(kind=("theme", "group"), which="kim"),  # the default: fi
            "Avainsanojen levinneisyyskartta (teemat ja ryhmät)",
            "keskimääräinen dokumenttifrekvenssi (DF)",
            "heikko signaali: harvinainen, kasvava",
        ),
        (
            result.plot_weak_signals(language="en"),
            "Keyword Emergence Map (terms)",
            "average frequency (TF)",
            "weak signal: rare, growing",
        ),
    ]:
        ax = fig.axes[0]
        assert ax.get_title() == title
        assert ax.get_xlabel().startswith(x_label)
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert any(t.startswith(weak) for t in legend)
        # decimals as the reader writes them: 0,5 in Swedish and Finnish, 0.5 in English
        growth_ticks = ax.yaxis.get_major_formatter().format_ticks(ax.get_yticks())
        mark = "." if title.startswith("Keyword") else ","
        assert any(mark in t for t in growth_ticks), growth_ticks
        assert not any({".", ","} - {mark} & set(t) for t in growth_ticks), growth_ticks
    caption = result.plot_weak_signals().texts[0].get_text()
    assert caption.startswith("Kvadranten för svaga signaler, snabbast växande först: ")


def test_result_charts_draw_into_given_axes():
    from matplotlib.figure import Figure

    result, det = _result("en")
    fig = Figure(figsize=(14, 5))
    left, middle, right = fig.subplots(1, 3)
    assert result.plot_themes(ax=left) is fig and left.get_title() == "Themes by size and language"
    assert result.plot_weak_signals(ax=middle) is fig
    assert middle.get_title() == "Keyword Emergence Map (terms)"
    assert det.plot_emergence_map(which="kim", ax=right) is fig
    assert len(fig.axes) == 3 and not fig.texts


def test_missing_dates_and_a_window_covering_everything_are_reported():
    reports, X, lemmas = _corpus()
    reports.loc[:2, "date"] = pd.NaT
    det = WeakSignalDetector().fit(reports, X, lemmas=lemmas)
    assert any("3 report(s) without a date" in note for note in det.notes_)
    assert det.novelty_.loc[:2, "period"].tolist() == ["", "", ""]
    assert det.candidates_.iloc[0]["n_reports"] == 5
    wide = WeakSignalDetector(recent_periods=8).fit(reports, X, lemmas=lemmas)
    assert wide.time_mode_ is False and wide.methods_ == ["novelty", "diffusion"]


def test_parameters_follow_the_scikit_learn_convention():
    det = WeakSignalDetector(period="month", max_candidates=3)
    assert det.get_params()["period"] == "month"
    assert repr(det) == "WeakSignalDetector(period='month', max_candidates=3)"
    assert det.set_params(min_reports=2).min_reports == 2
    reports, X, lemmas = _corpus()
    assignments = WeakSignalDetector().fit_transform(reports, X, lemmas=lemmas)
    assert list(assignments.columns) == ["report_id", "weak_signal_id"]
    assert (assignments["weak_signal_id"] == "WS1").sum() == 5


def test_novelty_groups_on_a_sample_match_the_full_linkage():
    """Above max_linkage the grouping runs on a sample and the rest join their nearest group."""
    from socanalysis.themes.weak_novelty import novelty_groups

    rng = np.random.default_rng(3)
    centres = np.eye(16)[:3]
    Z = np.repeat(centres, 60, axis=0) + 0.08 * rng.standard_normal((180, 16))
    loners = rng.standard_normal((20, 16))  # scattered reports that belong to no group
    Z = np.vstack([Z, loners])
    Z /= np.linalg.norm(Z, axis=1, keepdims=True)
    recent = np.ones(len(Z), dtype=bool)
    full = novelty_groups(Z, recent, link=0.7)
    sampled = novelty_groups(Z, recent, link=0.7, max_linkage=50)
    assert [len(g) for g in full] == [60, 60, 60]
    assert len(sampled) == 3
    assert all(np.array_equal(a, b) for a, b in zip(full, sampled, strict=True))
    again = novelty_groups(Z, recent, link=0.7, max_linkage=50)  # the sample is seeded
    assert all(np.array_equal(a, b) for a, b in zip(sampled, again, strict=True))


def test_wrong_parameter_types_are_config_errors():
    reports, X, lemmas = _corpus()
    for params, name in [
        ({"seed": "abc"}, "seed"),
        ({"popularity_bands": None}, "popularity_bands"),
        ({"min_score": "high"}, "min_score"),
        ({"link_quantile": 1.0}, "link_quantile"),
        ({"language_centering": "no"}, "language_centering"),
        ({"n_neighbors": True}, "n_neighbors"),
    ]:
        with pytest.raises(ConfigError, match=name):
            WeakSignalDetector(**params).fit(reports, X, lemmas=lemmas)


def test_assignments_line_up_with_a_filtered_table_and_day_first_dates_are_read():
    reports, X, lemmas = _corpus()
    keep = np.arange(len(reports)) % 4 != 1
    subset = reports[keep]
    kept_lemmas = [words for words, kept in zip(lemmas, keep, strict=True) if kept]
    detector = WeakSignalDetector(seed=1).fit(subset, X[keep], lemmas=kept_lemmas)
    assigned = detector.assignments_
    assert assigned.index.equals(subset.index)
    assert (subset["report_id"] == assigned["report_id"]).all()
    # the same dates written as a Finnish form writes them: 8.1.2024 is January, not August
    finnish = subset.assign(date=subset["date"].map(lambda d: f"{d.day}.{d.month}.{d.year}"))
    again = WeakSignalDetector(seed=1).fit(finnish, X[keep], lemmas=kept_lemmas)
    pd.testing.assert_frame_equal(again.candidates_, detector.candidates_)
    pd.testing.assert_frame_equal(again.periods_, detector.periods_)


def test_each_report_lists_every_signal_it_is_in():
    reports, X, lemmas = _corpus()
    # one report of the late cluster is in a recurring theme too: two candidates share it
    reports.loc[reports.index[reports["theme_id"] == -1][0], "theme_id"] = 0
    det = WeakSignalDetector(seed=0).fit(reports, X, lemmas=lemmas)
    listed = det.assignments_.set_index("report_id")["weak_signal_id"].str.split(";")
    for signal in det.candidates_.itertuples():
        members = set(signal.report_ids.split(";")) if signal.report_ids else set()
        flagged = {rid for rid, ids in listed.items() if signal.weak_signal_id in ids}
        assert flagged == members, signal.weak_signal_id
    assert listed.map(len).max() >= 2  # the corpus has reports in more than one candidate


def test_a_signal_in_one_language_is_named_in_both_columns_with_a_mark():
    reports, X, lemmas = _corpus()
    late = (reports["theme_id"] == -1).to_numpy()
    reports.loc[late, "language"] = "sv"
    lemmas = [
        ["penningmålvakt", "konto"] if is_late else words
        for words, is_late in zip(lemmas, late, strict=True)
    ]
    det = WeakSignalDetector(seed=0).fit(reports, X, lemmas=lemmas)
    top = det.candidates_.iloc[0]
    assert set(top["label_sv"].split(", ")) == {"penningmålvakt", "konto"}
    assert top["label_fi"] == "(sv) " + top["label_sv"]
    assert (det.candidates_[["label_fi", "label_sv"]] != "").all().all()


def test_messages_name_every_bound_and_embeddings_must_be_numbers():
    reports, X, lemmas = _corpus()
    with pytest.raises(ConfigError, match="max_term_share must be a number above 0 and at most 1"):
        WeakSignalDetector(max_term_share=1.5).fit(reports, X, lemmas=lemmas)
    with pytest.raises(ConfigError, match="link_quantile must be a number above 0 and below 1"):
        WeakSignalDetector(link_quantile=1.0).fit(reports, X, lemmas=lemmas)
    words = np.full(X.shape, "x", dtype=object)
    with pytest.raises(InputError, match="embeddings must be numbers"):
        WeakSignalDetector().fit(reports, words, lemmas=lemmas)
