"""Charts: figures in the chosen language, colour-blind-safe colours, reproducible PNGs."""

from __future__ import annotations

import pandas as pd
import pytest
from export_data import SECTOR_LABELS, SHL_LABELS, make_result
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from socanalysis.export import charts, summaries


@pytest.fixture(scope="module")
def result():
    return make_result(300, seed=1)


def title(fig: Figure) -> str:
    return fig.axes[0].get_title()


def test_standard_charts_have_titles_in_the_chosen_language(result):
    figures = charts.standard_charts(
        result, "sv", shl_labels=SHL_LABELS, sector_labels=SECTOR_LABELS
    )
    assert list(figures) == list(charts.CHART_NAMES)
    assert all(isinstance(f, Figure) for f in figures.values())
    assert title(figures["themes_by_size"]) == "Teman efter storlek och språk"
    assert title(figures["shl_profile"]) == "Rapporter per §11-punkt"
    assert title(figures["emergence"]).startswith("Framväxande fenomen")
    ticks = [t.get_text() for t in figures["sector_profile"].axes[0].get_yticklabels()]
    assert "FPA" in ticks and "kela" not in ticks


def test_themes_by_size_splits_languages_with_okabe_ito_colours(result):
    fig = charts.themes_by_size(result.themes, "fi")
    ax = fig.axes[0]
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert "Ei teemaa" not in names and len(names) == 4
    colours = {to_hex(p.get_facecolor()).upper() for p in ax.patches}
    assert colours <= {c.upper() for c in charts.LANGUAGE_COLOURS.values()}
    # bar segments add up to each theme's size: fi + sv (+ other)
    total = sum(p.get_width() for p in ax.patches)
    themes = result.themes[result.themes["theme_id"] >= 0]
    assert total == pytest.approx(themes["n_reports"].sum())


def test_shl_profile_shows_all_ten_points_with_labels(result):
    fig = charts.shl_profile(result.reports, SHL_LABELS, "fi")
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(ticks) == 10 and ticks[-1] == "1 arjessa selviytyminen"
    assert any(t.startswith("10 omaiset") for t in ticks)


def test_both_profiles_colour_each_polarity_the_same(result):
    drawn = {}
    for chart, labels in ((charts.shl_profile, SHL_LABELS), (charts.sector_profile, SECTOR_LABELS)):
        ax = chart(result.reports, labels, "en").axes[0]
        handles, names = ax.get_legend_handles_labels()
        drawn[chart.__name__] = {
            name: to_hex(handle.patches[0].get_facecolor()).upper()
            for handle, name in zip(handles, names, strict=True)
        }
    assert drawn["shl_profile"] == drawn["sector_profile"]
    assert drawn["shl_profile"]["negative"] == charts.POLARITY_COLOURS["negative"]
    assert drawn["shl_profile"]["positive"] == charts.POLARITY_COLOURS["positive"]


def test_heatmap_counts_match_the_reports(result):
    fig = charts.theme_sector_heatmap(result.reports, result.themes, SECTOR_LABELS, "en")
    image = fig.axes[0].images[0]
    assert image.get_cmap().name == charts.HEATMAP_CMAP
    matrix = summaries.theme_sector_matrix(result.reports)
    assert int(image.get_array().sum()) == int(matrix.to_numpy().sum())


def test_emergence_frame_finds_the_new_theme_in_the_weak_quadrant(result):
    frame = summaries.emergence_frame(result.reports, result.themes, "auto", "fi")
    new = frame.set_index("theme_id").loc[3]
    assert new["growth"] > 0.8  # only reported in the last half-year
    assert (frame.set_index("theme_id").drop(3)["growth"] < 0.2).all()
    weak = summaries.weak_quadrant(frame)
    assert frame.loc[weak, "theme_id"].tolist() == [3]
    fig = charts.emergence_map(frame, "en")
    assert fig.axes[0].get_legend().get_texts()[0].get_text() == "Weak signals (rare, growing)"


def test_emergence_map_takes_any_term_table():
    frame = pd.DataFrame(
        {"term": ["tulkki", "vuokra", "digi"], "frequency": [3, 40, 5], "growth": [0.9, 0.0, -0.5]}
    )
    fig = charts.emergence_map(frame, "fi")
    texts = [t.get_text() for t in fig.axes[0].texts]
    # each point is numbered in row order; the key beside the map names them, weak ones first
    tags, key = texts[:3], texts[3:]
    assert tags == ["1", "2", "3"]
    assert key == ["1", "tulkki", "2", "vuokra", "3", "digi"]
    weak_tag = fig.axes[0].texts[0]
    assert weak_tag.get_color() == "#D55E00" and weak_tag.get_fontweight() == "bold"


def test_emergence_map_numbers_themes_as_the_tables_do_and_keeps_crowded_tags_apart():
    # six themes at almost one point, as often on real data: every tag readable, none on another
    frame = pd.DataFrame(
        {
            "term": [f"teema numero {i}, pitkä nimi jossa monta sanaa" for i in range(6)],
            "theme_id": [4, 0, 11, 2, 7, 5],
            "frequency": [14, 14, 14.2, 13.9, 30, 2],
            "growth": [-0.08, -0.08, -0.07, -0.09, 0.0, 0.9],
        }
    )
    fig = charts.emergence_map(frame, "fi")
    ax = fig.axes[0]
    tags = ax.texts[:6]
    assert [t.get_text() for t in tags] == ["4", "0", "11", "2", "7", "5"]
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in tags]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    key = [t.get_text() for t in ax.texts[6:]]
    assert key[:2] == ["5", "teema numero 5, pitkä nimi jossa monta"]  # the weak theme first
    assert key[2] == "sanaa" and key[3::3] == ["0", "2", "4", "7", "11"]


def test_an_emergence_map_of_many_themes_shows_the_weak_ones_and_the_most_frequent():
    frame = pd.DataFrame(
        {
            "term": [f"teema {i}" for i in range(60)],
            "theme_id": range(60),
            "frequency": [100 - i for i in range(60)],
            "growth": [0.9 if i in (45, 50, 55) else -0.1 for i in range(60)],
        }
    )
    fig = charts.emergence_map(frame, "en")
    ax = fig.axes[0]
    assert ax.get_title().endswith("(30 of 60: weak signals and the most frequent)")
    tags = [t.get_text() for t in ax.texts[:30]]
    assert len(ax.texts) == 90  # 30 tags, and a tag and a label for each in the key
    # the three weak themes, though rare, and the 27 most frequent others
    assert sorted(map(int, tags)) == [*range(27), 45, 50, 55]
    assert [t.get_text() for t in ax.texts[30:36:2]] == ["45", "50", "55"]  # key: weak first


def test_empty_data_gives_a_no_data_figure():
    fig = charts.themes_by_size(pd.DataFrame(columns=["theme_id", "n_reports"]), "en")
    assert fig.axes[0].texts[0].get_text() == "No data"
    fig = charts.emergence_map(pd.DataFrame(columns=["term", "frequency", "growth"]), "sv")
    assert fig.axes[0].texts[0].get_text() == "Inga uppgifter"


def test_png_bytes_are_reproducible(result, tmp_path):
    fig = charts.shl_profile(result.reports, SHL_LABELS, "fi")
    a = charts.save_figure(fig, tmp_path / "a.png").read_bytes()
    b = charts.save_figure(
        charts.shl_profile(result.reports, SHL_LABELS, "fi"), tmp_path / "b.png"
    ).read_bytes()
    assert a[:8] == b"\x89PNG\r\n\x1a\n" and a == b


def test_one_theme_legend_beside_the_bar_and_a_linear_time_axis_of_whole_counts():
    import numpy as np

    one = pd.DataFrame(
        {"theme_id": [0], "label_fi": ["Asuminen"], "label_sv": ["Boende"], "n_reports": [12],
         "n_fi": [7], "n_sv": [5]}
    )  # fmt: skip
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = charts.themes_by_size(one, "fi")
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.x0 >= ax.get_window_extent(renderer).x1  # never over the bar
    # months without reports are on the axis too, and counts are whole numbers
    rng = np.random.default_rng(0)
    dates = pd.to_datetime("2015-01-01") + pd.to_timedelta(rng.integers(0, 3900, 30), unit="D")
    reports = pd.DataFrame({"status": "ok", "theme_id": rng.integers(0, 3, 30), "date": dates})
    themes = pd.DataFrame({"theme_id": [0, 1, 2], "label_fi": list("abc"), "label_sv": list("abc")})
    fig = charts.themes_over_periods(reports, themes, "month", "fi")
    ax = fig.axes[0]
    first, last = dates.min().to_period("M"), dates.max().to_period("M")
    assert len(ax.get_xticks()) == (last - first).n + 1
    assert all(float(t).is_integer() for t in ax.get_yticks())
    shown = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert 1 < len(shown) <= 16


def test_every_chart_draws_into_a_given_axes_and_leaves_its_figure_alone(result):
    from socanalysis.themes.plot import plot_themes
    from socanalysis.themes.weak_plots import plot_emergence_map

    emergence = pd.DataFrame(
        {"term": ["a", "b", "c", "d"], "kind": "term", "frequency": [0.2, 3.0, 0.3, 2.5],
         "growth": [0.9, 0.8, 0.0, 0.01], "quadrant": ["weak", "strong", "latent", "well_known"]}
    )  # fmt: skip
    themes, reports = result.themes, result.reports
    draw = {
        "themes_by_size": lambda ax: charts.themes_by_size(themes, "sv", ax=ax),
        "themes_over_periods": lambda ax: charts.themes_over_periods(
            reports, themes, language="sv", ax=ax
        ),
        "shl_profile": lambda ax: charts.shl_profile(reports, SHL_LABELS, "sv", ax=ax),
        "sector_profile": lambda ax: charts.sector_profile(reports, SECTOR_LABELS, "sv", ax=ax),
        "theme_sector": lambda ax: charts.theme_sector_heatmap(
            reports, themes, SECTOR_LABELS, "sv", ax=ax
        ),
        "emergence": lambda ax: charts.emergence_map(
            summaries.emergence_frame(reports, themes), "sv", ax=ax
        ),
        "plot_themes": lambda ax: plot_themes(themes, "sv", ax=ax),
        "plot_emergence_map": lambda ax: plot_emergence_map(emergence, language="sv", ax=ax),
        "no data": lambda ax: charts.themes_by_size(themes.head(0), "sv", ax=ax),
    }
    fig = Figure(figsize=(12, 9))
    grid = fig.subplots(3, 3).ravel()
    layout = vars(fig.subplotpars).copy()
    for (name, chart), ax in zip(draw.items(), grid, strict=True):
        assert chart(ax) is fig, name
        assert ax.get_title(), name
    assert tuple(fig.get_size_inches()) == (12, 9) and vars(fig.subplotpars) == layout
    assert len(fig.axes) == 9 + 1  # and the heat map's colour bar
    assert grid[0].get_title() == "Teman efter storlek och språk"
    assert grid[-1].texts[0].get_text() == "Inga uppgifter"
    assert not fig.texts  # the emergence map's caption is for a figure of its own
    # on a subfigure: the figure that can be saved and shown
    sub = Figure().subfigures(1, 2)[1]
    assert charts.shl_profile(reports, SHL_LABELS, "fi", ax=sub.add_subplot()) is sub.figure


def test_a_result_with_no_analysed_reports_gives_empty_charts_not_errors():
    import socanalysis as sa

    nothing = sa.analyze(pd.DataFrame({"text": ["", "  "]}), output_language="sv")
    assert nothing.weak_signal_detector is None
    shown = {
        "plot_themes": nothing.plot_themes(),
        "plot_weak_signals": nothing.plot_weak_signals(),
        "plot_weak_signals en": nothing.plot_weak_signals("en"),
        **charts.standard_charts(nothing, "sv"),
    }
    for name, fig in shown.items():
        ax = fig.axes[0]
        assert ax.get_title(), name
        assert [t.get_text() for t in ax.texts] == [
            "No data" if name.endswith(" en") else "Inga uppgifter"
        ], name
    assert title(shown["plot_weak_signals"]) == "Karta över framväxande nyckelord (ord)"
    ax = Figure().add_subplot()
    assert nothing.plot_weak_signals(ax=ax) is ax.figure and ax.texts


def test_a_wrong_table_or_kind_is_an_error_that_says_what_to_pass(result):
    from socanalysis.errors import ConfigError, InputError
    from socanalysis.themes.weak_plots import plot_emergence_map

    reports, themes = result.reports, result.themes
    with pytest.raises(InputError) as error:
        charts.themes_by_size(reports)
    assert str(error.value) == (
        "themes_by_size: `themes` is the report table (result.reports, one row per report), not "
        "the themes table (result.themes, one row per theme), and lacks column(s) n_reports, "
        "n_fi, n_sv. Pass result.themes (or ThemeModel.themes_)."
    )
    with pytest.raises(InputError, match=r"lacks column\(s\) term, frequency, growth\. Pass .*"):
        charts.emergence_map(result.weak_signals)
    swapped = r"`reports` is the themes table .*\(result\.reports, result\.themes\)\.$"
    with pytest.raises(InputError, match="themes_over_periods: " + swapped):
        charts.themes_over_periods(themes, reports)
    with pytest.raises(InputError, match="theme_sector_heatmap: " + swapped):
        charts.theme_sector_heatmap(themes, reports)
    with pytest.raises(InputError, match=r"shl_profile: `reports` is the themes table"):
        charts.shl_profile(themes)
    with pytest.raises(InputError, match=r"must be a pandas DataFrame, not list"):
        charts.sector_profile([{"sectors_suggested": "kela"}])
    emergence = summaries.emergence_frame(reports, themes).assign(quadrant="weak")
    with pytest.raises(ConfigError, match=r"kind='bad': use 'term' .*'theme' or 'group'"):
        plot_emergence_map(emergence, kind="bad")
    with pytest.raises(ConfigError, match=r"which='x': use 'kem' .* or 'kim'"):
        plot_emergence_map(emergence, which="x")
    with pytest.raises(InputError, match=r"`emergence` is the weak-signal table .* lacks column"):
        plot_emergence_map(result.weak_signals)
    # sparse tables of the right kind still give a chart ("No data" where a column is missing)
    assert charts.themes_over_periods(reports[["report_id"]], themes).axes[0].texts
    assert plot_emergence_map(pd.DataFrame()).axes[0].texts


def test_a_theme_bar_is_as_long_as_the_theme_when_reports_are_mixed():
    themes = pd.DataFrame(
        {
            "theme_id": [0, 1],
            "label_fi": ["omaishoito", "asuminen"],
            "label_sv": ["närståendevård", "boende"],
            "n_reports": [16, 16],
            "n_fi": [11, 9],  # a mixed report counts in both languages
            "n_sv": [6, 6],
        }
    )
    ax = charts.themes_by_size(themes).axes[0]
    ends = {}
    for bar in ax.patches:
        row = round(bar.get_y() + bar.get_height() / 2)
        ends[row] = max(ends.get(row, 0), bar.get_x() + bar.get_width())
    assert sorted(ends.values()) == [16, 16]  # before: 17 and 16 (fi 11 + sv 6)


def test_labels_break_between_words_and_crowded_periods_slant():
    assert charts._wrap("sysselsättningstjänster", 20) == "sysselsättningstjänster"
    assert charts._wrap("barnskydd och eftervård", 12) == "barnskydd\noch\neftervård"
    quarters = pd.date_range("2024-01-15", periods=8, freq="3MS")
    reports = pd.DataFrame(
        {"status": "ok", "theme_id": [0, 1] * 4, "date": quarters, "language": "fi"}
    )
    themes = pd.DataFrame({"theme_id": [0, 1], "label_fi": ["a", "b"], "label_sv": ["a", "b"]})
    ticks = charts.themes_over_periods(reports, themes, period="quarter").axes[0]
    assert {t.get_rotation() for t in ticks.get_xticklabels()} == {45.0}


def test_a_chart_that_leaves_smaller_themes_out_says_so():
    themes = pd.DataFrame(
        {
            "theme_id": [0, 1, 2],
            "label_fi": ["a", "b", "c"],
            "label_sv": ["a", "b", "c"],
            "n_reports": [5, 3, 2],
            "n_fi": [5, 3, 2],
            "n_sv": [0, 0, 0],
        }
    )
    title = charts.themes_by_size(themes, "sv", max_themes=2).axes[0].get_title()
    assert title == "Teman efter storlek och språk (de 2 största av 3)"
    assert (
        charts.themes_by_size(themes, "sv").axes[0].get_title() == "Teman efter storlek och språk"
    )
