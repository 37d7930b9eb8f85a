"""Language identification: fi / sv / other / mixed / unknown on short report-like texts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socanalysis.errors import ConfigError, InputError
from socanalysis.nlp.language import (
    COLUMNS,
    SENTENCE_COLUMNS,
    LanguageDetector,
    detect_languages,
    detect_sentences,
    split_sentences,
)
from socanalysis.nlp.language_lexicon import fold, strip_noise, tokenize

FINNISH = [
    "Asiakas ei ole saanut toimeentulotukea ajoissa ja vuokra on jäänyt maksamatta.",
    "Nuorten aikuisten asunnottomuus on lisääntynyt, jonot tuettuun asumiseen ovat pitkät.",
    "Mielenterveyspalveluihin pääsee vasta kuukausien odotuksen jälkeen.",
    "Hyvä käytäntö: etsivä nuorisotyö ja Ohjaamo tekevät yhteistyötä koulun kanssa.",
    "Omaishoitaja on uupunut eikä saa vapaapäiviä, koska sijaista ei löydy.",
    "Kelan päätös viivästyi kolme viikkoa",
    "Ikäihmiset eivät osaa käyttää sähköisiä palveluita.",
]
SWEDISH = [
    "Klienten har inte fått utkomststöd i tid och hyran har blivit obetald.",
    "Unga vuxna blir allt oftare bostadslösa och köerna till stödboende är långa.",
    "Det tar flera månader att få tid till mentalvården.",
    "Bra praxis: uppsökande ungdomsarbete och Navigatorn samarbetar med skolan.",
    "Den närstående vårdaren är utmattad och får inga lediga dagar eftersom det saknas vikarie.",
    "FPA:s beslut försenades med tre veckor",
    "Äldre personer kan inte använda de digitala tjänsterna.",
]
# typed in a hurry without ä, ö (and å): how many real reports arrive
FINNISH_TYPED = [
    "asiakkaan paatos viivastyi ja han jai ilman rahaa koko kuukaudeksi",
    "nuori ei paase mielenterveyspalveluihin, jonot ovat liian pitkat",
    "perheella ei ole varaa ruokaan loppukuusta",
]
SWEDISH_TYPED = [
    "klienten har inte fatt nagot svar fran FPA pa tre veckor",
    "aldre personer kan inte anvanda de digitala tjansterna utan hjalp",
    "familjen har inte rad med mat i slutet av manaden",
]
ENGLISH = [
    "The client has not received income support in time and the rent is unpaid.",
    "Young adults are increasingly homeless and the queues for supported housing are long.",
]
ESTONIAN = [
    "Klient ei ole õigeaegselt toimetulekutoetust saanud ja üür on maksmata.",
    "Noored täiskasvanud jäävad üha sagedamini kodutuks ja järjekorrad on pikad.",
]
NORWEGIAN = [
    "Klienten har ikke fått økonomisk sosialhjelp i tide, og husleien er ikke betalt.",
    "Unge voksne blir oftere bostedsløse, og køene til boliger med oppfølging er lange.",
]
DANISH = [
    "Klienten har ikke modtaget kontanthjælp til tiden, og huslejen er ikke betalt.",
    "Unge voksne bliver oftere hjemløse, og køerne til støttede boliger er lange.",
]
MIXED = [
    "Asiakas odottaa edelleen päätöstä asumistuesta. Klienten väntar fortfarande på beslut om "
    "bostadsbidrag.",
    "Perheellä ei ole rahaa ruokaan ja lapset ovat nälkäisiä.\nFamiljen har inte pengar till mat "
    "och barnen är hungriga.",
]
UNKNOWN = [
    "",
    "   ",
    "123 456",
    "https://www.kela.fi/asumistuki",
    "???",
    "12.3.2024 - 15.4.2024",
    "---",
    None,
    float("nan"),
]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (FINNISH, "fi"),
        (SWEDISH, "sv"),
        (FINNISH_TYPED, "fi"),
        (SWEDISH_TYPED, "sv"),
        (ENGLISH, "other"),
        (ESTONIAN, "other"),
        (NORWEGIAN, "other"),
        (DANISH, "other"),
        (MIXED, "mixed"),
        (UNKNOWN, "unknown"),
    ],
)
def test_reports_are_tagged(detector: LanguageDetector, texts: list, expected: str) -> None:
    out = detector.detect(texts)
    assert out["language"].tolist() == [expected] * len(texts), out


def test_other_language_is_named(detector: LanguageDetector) -> None:
    out = detector.detect(ENGLISH + ESTONIAN + NORWEGIAN + DANISH + FINNISH[:1])
    codes = out["other_language"].tolist()
    assert codes[:2] == ["en", "en"]
    assert codes[2:4] == ["et", "et"]
    assert set(codes[4:8]) <= {"nb", "nn", "da"}
    assert codes[-1] == ""


def test_shares_and_confidence(detector: LanguageDetector) -> None:
    out = detector.detect(FINNISH[:2] + SWEDISH[:2] + MIXED + UNKNOWN[:1])
    assert list(out.columns) == COLUMNS
    assert out["confidence"].between(0, 1).all()
    fi, sv, mixed, unknown = out.iloc[:2], out.iloc[2:4], out.iloc[4:6], out.iloc[6]
    assert (fi["share_fi"] == 1).all() and (fi["share_sv"] == 0).all()
    assert (sv["share_fi"] == 0).all() and (sv["share_sv"] == 1).all()
    np.testing.assert_allclose(mixed["share_fi"] + mixed["share_sv"], 1.0, atol=1e-3)
    assert (mixed["share_fi"] > 0.2).all() and (mixed["share_sv"] > 0.2).all()
    assert unknown["confidence"] == 0 and unknown["share_fi"] == 0 and unknown["share_sv"] == 0
    assert (out.loc[out["language"].isin(["fi", "sv"]), "confidence"] > 0.9).all()


def test_single_language_reports_with_several_sentences_are_not_mixed(
    detector: LanguageDetector,
) -> None:
    texts = [
        " ".join(FINNISH[:4]),
        " ".join(SWEDISH[:4]),
        "Asiakas soitti. Ok. Hän tarvitsee apua vuokran maksamiseen.",
        "Klienten ringde. Ok. Hon behöver hjälp med att betala hyran.",
    ]
    assert detector.detect(texts)["language"].tolist() == ["fi", "sv", "fi", "sv"]


def test_deterministic_across_instances_and_calls() -> None:
    texts = FINNISH + SWEDISH + FINNISH_TYPED + ENGLISH + MIXED + ["ok", "Tom", "kiitos"]
    first = LanguageDetector(seed=3).detect(texts)
    second = LanguageDetector(seed=3).detect(texts)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(first, detect_languages(texts, seed=3))
    pd.testing.assert_frame_equal(first, detect_languages(texts, seed=3))


def test_order_and_index_preserved(detector: LanguageDetector) -> None:
    texts = [FINNISH[0], SWEDISH[0], "", ENGLISH[0], SWEDISH_TYPED[0], FINNISH_TYPED[0]]
    index = pd.Index(["r6", "r2", "r9", "r1", "r5", "r3"], name="report_id")
    out = detector.detect(pd.Series(texts, index=index))
    assert out.index.equals(index)
    assert out["language"].tolist() == ["fi", "sv", "unknown", "other", "sv", "fi"]
    # each row is what the text gets alone: no leakage between texts of a batch
    for text, (_, row) in zip(texts, out.iterrows(), strict=False):
        assert detector.detect([text]).iloc[0]["language"] == row["language"]
    reverse = detector.detect(texts[::-1])
    assert reverse["language"].tolist() == out["language"].tolist()[::-1]


def test_accepts_tuple_array_and_generator(detector: LanguageDetector) -> None:
    texts = (FINNISH[0], SWEDISH[0], None)
    expected = ["fi", "sv", "unknown"]
    assert detector.detect(texts)["language"].tolist() == expected
    assert detector.detect(np.array(texts, dtype=object))["language"].tolist() == expected
    assert detector.detect(t for t in texts)["language"].tolist() == expected
    assert detector.detect(texts).index.tolist() == [0, 1, 2]


def test_empty_input_gives_empty_frame(detector: LanguageDetector) -> None:
    for empty in ([], (), np.array([], dtype=object)):
        out = detector.detect(empty)
        assert list(out.columns) == COLUMNS and len(out) == 0
    out = detect_languages(pd.Series([], dtype=object, index=pd.Index([], name="report_id")))
    assert list(out.columns) == COLUMNS and len(out) == 0 and out.index.name == "report_id"


def test_user_mistakes_raise_clear_errors(detector: LanguageDetector) -> None:
    with pytest.raises(InputError, match="single string"):
        detector.detect("Asiakas odottaa")
    with pytest.raises(InputError, match="DataFrame"):
        detector.detect(pd.DataFrame({"text": ["a"]}))
    with pytest.raises(InputError, match="list, tuple"):
        detector.detect(42)
    with pytest.raises(ConfigError, match="fi"):
        LanguageDetector(lingua_languages=("sv", "da")).detect(["Asiakas odottaa"])
    with pytest.raises(ConfigError, match="mixed_min_share"):
        LanguageDetector(mixed_min_share=0.9).detect(["Asiakas odottaa"])
    with pytest.raises(InputError, match="labels"):
        LanguageDetector().fit(["a", "b"], ["fi", "de"])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"mixed_min_share": 2}, r"mixed_min_share=2 must be in \[0, 0.5\]"),
        ({"mixed_min_share": "a lot"}, "mixed_min_share='a lot' must be in"),
        ({"mixed_min_words": 0}, "mixed_min_words=0 must be at least 1"),
        ({"cheap_threshold": 1.5}, "cheap_threshold=1.5 must be in"),
        ({"sentence_min_confidence": -1}, "sentence_min_confidence=-1 must be in"),
        ({"lingua_languages": ("sv", "da")}, "must include 'fi' and 'sv'"),
        ({"lingua_languages": "fisv"}, "must be a list of ISO 639-1 codes"),
    ],
)
def test_parameters_are_checked_on_use_not_in_the_constructor(params, message) -> None:
    """scikit-learn's convention: the constructor stores, fit / detect / warm check."""
    det = LanguageDetector(**params)  # no error yet
    for use in (
        lambda: det.detect(["Asiakas odottaa"]),
        lambda: det.fit(["Asiakas odottaa"], ["fi"]),
        det.warm,
    ):
        with pytest.raises(ConfigError, match=message):
            use()


def test_detector_get_params_set_params_and_clone(detector: LanguageDetector) -> None:
    from sklearn.base import clone

    det = LanguageDetector(mixed_min_share=0.2, seed=3)
    assert repr(det) == "LanguageDetector(mixed_min_share=0.2, seed=3)"
    params = det.get_params()
    assert params["mixed_min_share"] == 0.2 and params["seed"] == 3
    assert set(params) >= {"lingua_languages", "weights", "cues_path", "cache_dir"}
    twin = clone(det)
    assert twin is not det and twin.get_params() == params
    texts = ["Asiakkaan toimeentulotuki viivästyi", "hon fick inte hjälp"]
    assert twin.detect(texts).equals(detector.detect(texts))
    with pytest.raises(ConfigError, match="no parameter 'colour'; use one of lingua_languages"):
        twin.set_params(seed=4, colour="red")
    assert twin.seed == 3  # a refused call changes nothing
    # a changed parameter takes effect: what was loaded for the old value is loaded again
    assert twin.set_params(lingua_languages=("fi", "sv")) is twin
    with pytest.raises(ConfigError, match="fitted for lingua languages"):
        twin.detect(texts)
    twin.set_params(lingua_languages=params["lingua_languages"], mixed_min_share=2)
    with pytest.raises(ConfigError, match="mixed_min_share=2"):
        twin.detect(texts)


def test_sentence_view(detector: LanguageDetector) -> None:
    text = MIXED[0]
    view = detector.detect_sentences(text)
    assert list(view.columns) == SENTENCE_COLUMNS
    assert view["language"].tolist() == ["fi", "sv"]
    for _, row in view.iterrows():
        assert text[row["start"] : row["end"]] == row["sentence"]
    assert detect_sentences("").empty
    out = detect_languages([FINNISH[0], MIXED[1]], sentence_view=True)
    assert out["sentences"].iloc[0] is None
    assert out["sentences"].iloc[1]["language"].tolist() == ["fi", "sv"]


def test_short_snippets(detector: LanguageDetector) -> None:
    texts = [
        "toimeentulotuki",
        "asumistuki haettu",
        "och",
        "inte",
        "kiitos paljon",
        "tack så mycket",
        "jeg vet ikke",
        "mul on kõik hästi",
    ]
    out = detector.detect(texts)["language"].tolist()
    assert out == ["fi", "fi", "sv", "sv", "fi", "sv", "other", "other"]


def test_dictionary_noise_is_not_counted_as_known(tmp_path) -> None:
    """Forms in the cue file's ``not_in_dictionary`` stop counting as known in that language."""
    import yaml

    from socanalysis.nlp.language_features import CueFeaturizer, load_cues

    packaged = CueFeaturizer()
    listed = load_cues()["not_in_dictionary"]["sv"]
    assert "hvad" in listed and "kor" not in listed  # Danish "what" out; Swedish "cows" stays
    names = packaged.feature_names_
    rows = packaged.transform([["hvad"], ["kor"], ["läks"]])
    sv, only_other = names.index("dict_sv"), names.index("only_other")
    assert rows[:, sv].tolist() == [0.0, 1.0, 0.0]
    assert rows[0, names.index("dict_da")] == 1.0 and rows[0, only_other] == 1.0
    assert rows[2, names.index("dict_et")] == 1.0 and rows[2, only_other] == 1.0
    # without the list simplemma's Swedish dictionary does know them
    cues = load_cues()
    cues = {k: v for k, v in cues.items() if k != "not_in_dictionary"}
    path = tmp_path / "cues.yaml"
    path.write_text(yaml.safe_dump(cues, allow_unicode=True), encoding="utf-8")
    raw = CueFeaturizer(cues_path=str(path)).transform([["hvad"], ["läks"]])
    assert raw[:, sv].tolist() == [1.0, 1.0]


def test_helpers() -> None:
    assert fold("Päivä på ön") == "Paiva pa on"
    assert tokenize("Kela:n 3. päätös!") == ["kela", "n", "päätös"]
    assert tokenize(strip_noise("katso https://x.fi/a ja a@b.fi")) == ["katso", "ja"]
    t = "Yksi. Kaksi!\nKolme? esim. neljä"
    # the splitter is nlp.normalize's: "esim." does not end a sentence, "?" does
    assert [t[a:b] for a, b in split_sentences(t)] == ["Yksi.", "Kaksi!", "Kolme?", "esim. neljä"]
    t = "Asiakas odottaa esim. 3 kk.\n- Klienten väntar t.ex. på beslut"
    assert [t[a:b] for a, b in split_sentences(t)] == [
        "Asiakas odottaa esim. 3 kk.",
        "Klienten väntar t.ex. på beslut",
    ]


def _fit_texts() -> tuple[list[str], list[str]]:
    """Texts of every length bucket for each class, cut from the reports above."""
    groups = {
        "fi": FINNISH + FINNISH_TYPED,
        "sv": SWEDISH + SWEDISH_TYPED,
        "other": ENGLISH + ESTONIAN + NORWEGIAN + DANISH,
    }
    texts, labels = [], []
    for label, sents in groups.items():
        long_text = " ".join(sents)
        words = long_text.split()
        for k in (1, 2, 3, 4, 6, 12):
            for start in range(0, len(words) - k, max(1, len(words) // 8)):
                texts.append(" ".join(words[start : start + k]))
                labels.append(label)
        texts += sents
        labels += [label] * len(sents)
    return texts, labels


def test_fit_relearns_weights_deterministically() -> None:
    texts, labels = _fit_texts()
    first = LanguageDetector().fit(texts, labels)
    second = LanguageDetector().fit(texts, labels)
    assert first.weights_ == second.weights_
    assert len(first.weights_["buckets"]) == 5
    assert first.weights_["cue_features"] == first._featurizers()[0].feature_names_
    out = first.detect(FINNISH[:3] + SWEDISH[:3] + ENGLISH)
    assert out["language"].tolist() == ["fi"] * 3 + ["sv"] * 3 + ["other"] * 2
    with pytest.raises(InputError, match="all classes"):
        LanguageDetector().fit(FINNISH + SWEDISH, ["fi"] * 7 + ["sv"] * 7)


def test_weights_must_match_settings() -> None:
    with pytest.raises(ConfigError, match="lingua_high_accuracy_below"):
        LanguageDetector(lingua_high_accuracy_below=10).detect(["Asiakas odottaa päätöstä"])
    with pytest.raises(ConfigError, match="lingua languages"):
        LanguageDetector(lingua_languages=("fi", "sv", "en")).detect(["Asiakas odottaa"])


def test_word_counts_and_their_features() -> None:
    from socanalysis.nlp.language_features import WordCountFeaturizer, count_words

    segs = [["det", "är", "bra"], ["det", "er", "godt"], ["det", "är"], ["se", "on", "hyvä"]]
    labels = ["sv", "other", "sv", "fi"]
    counts = count_words(segs, labels, weights=[1, 1, 3, 1], min_groups=1)
    assert list(counts) == sorted(counts)  # stable order for the JSON
    assert counts["det"] == [0, 4, 1] and counts["är"] == [0, 4, 0]
    # a word must occur in min_groups distinct groups to be kept
    assert set(count_words(segs, labels, min_groups=2)) == {"det", "är"}
    assert count_words(segs, labels, groups=[0, 0, 0, 1], min_groups=2) == {}
    wc = WordCountFeaturizer(counts)
    X = wc.transform([["är"], ["det"], ["xyz"], []])
    assert X.shape == (4, 4)
    assert X[0, 1] > 2 * max(X[0, 0], X[0, 2]) and X[0, 3] == 1.0  # "är": Swedish, seen
    assert X[1, 1] > X[1, 2] > X[1, 0]  # "det": Swedish more than other, never Finnish
    np.testing.assert_allclose(X[2], [1 / 3, 1 / 3, 1 / 3, 0.0], rtol=1e-6)  # unseen
    assert not X[3].any()


def test_fit_cross_fits_word_counts_by_group() -> None:
    texts, labels = _fit_texts()
    groups = [k // 3 for k in range(len(texts))]
    det = LanguageDetector().fit(texts, labels, groups=groups, min_groups=1)
    counts = det.weights_["word_counts"]
    # the shipped table counts every fit text; the regressions saw out-of-fold counts only
    assert counts["klienten"][1] > 0 and counts["klienten"][0] == 0
    assert det.weights_["version"] == 2
    assert "word_count_classes" not in det.weights_  # counted per label: the old layout
    again = LanguageDetector().fit(texts, labels, groups=groups, min_groups=1)
    assert again.weights_ == det.weights_
    with pytest.raises(InputError, match="groups"):
        LanguageDetector().fit(texts, labels, groups=[0])
    with pytest.raises(ConfigError, match="n_folds"):
        LanguageDetector().fit(texts, labels, n_folds=1)


def test_fit_uses_fixed_offsets_where_given() -> None:
    texts, labels = _fit_texts()
    fixed = [(0.5, -0.25, 0.0), None, None, None, None]
    det = LanguageDetector().fit(texts, labels, offsets=fixed)
    buckets = det.weights_["buckets"]
    assert buckets[0]["class_bias"] == [0.5, -0.25, 0.0]
    free = LanguageDetector().fit(texts, labels).weights_["buckets"]
    # the offset is added to both models' intercepts of that bucket only
    shift = np.subtract(buckets[0]["full"]["intercept"], free[0]["full"]["intercept"])
    np.testing.assert_allclose(shift, np.subtract([0.5, -0.25, 0.0], free[0]["class_bias"]))
    assert buckets[2] == free[2]
    with pytest.raises(ConfigError, match="offsets"):
        LanguageDetector().fit(texts, labels, offsets=[(0.5, 0.0)] + [None] * 4)


def test_weights_without_word_counts_ask_for_a_refit() -> None:
    from socanalysis.nlp.language import _load_default_weights

    old = {k: v for k, v in _load_default_weights().items() if k != "word_counts"}
    with pytest.raises(ConfigError, match="word counts"):
        LanguageDetector(weights=old).detect(["Asiakas odottaa"])


def test_word_counts_per_finer_class() -> None:
    from socanalysis.nlp.language_features import WordCountFeaturizer

    # Estonian "on" pooled with Danish text: its share is diluted; counted apart it is not
    counts = {"on": [9, 0, 9, 0], "det": [0, 9, 0, 9]}
    wc = WordCountFeaturizer(counts, classes=("fi", "sv", "et", "dano"))
    assert wc.feature_names_ == ["wc_fi", "wc_sv", "wc_et", "wc_dano", "wc_seen"]
    X = wc.transform([["on"], ["det"], ["xyz"]])
    np.testing.assert_allclose(X[0, [0, 2]], X[0, [2, 0]], rtol=1e-6)  # fi and et alike
    assert X[0, 0] > 10 * X[0, 1] and X[1, 3] > 10 * X[1, 0]
    np.testing.assert_allclose(X[2], [0.25] * 4 + [0.0], rtol=1e-6)


def test_fit_counts_words_per_count_class() -> None:
    texts, labels = _fit_texts()
    # a count class per confounder language, from the source lists above
    lang_of = {}
    for name, sents in (("en", ENGLISH), ("et", ESTONIAN), ("dano", NORWEGIAN + DANISH)):
        for sent in sents:
            for word in sent.split():
                lang_of.setdefault(word, name)
    count_labels = [
        lab if lab != "other" else lang_of.get(t.split()[0], "en")
        for t, lab in zip(texts, labels, strict=True)
    ]
    classes = ("fi", "sv", "et", "dano", "en")
    det = LanguageDetector().fit(texts, labels, count_labels=count_labels, count_classes=classes)
    assert det.weights_["word_count_classes"] == list(classes)
    assert all(len(row) == 5 for row in det.weights_["word_counts"].values())
    assert len(det.weights_["buckets"][0]["full"]["coef"][0]) > 0
    # the weights load again (the featurizer takes its classes from them) and tag as before
    again = LanguageDetector(weights=det.weights_)
    pd.testing.assert_frame_equal(again.detect(texts[:20]), det.detect(texts[:20]))
    with pytest.raises(InputError, match="count_labels"):
        LanguageDetector().fit(texts, labels, count_labels=["xx"] * len(texts))
    with pytest.raises(InputError, match="count_labels"):
        LanguageDetector().fit(texts, labels, count_labels=["fi"])


def test_word_count_forms_pairwise_log_and_seen_flags() -> None:
    from socanalysis.nlp.language_features import WordCountFeaturizer

    classes = ("fi", "sv", "et", "da", "nb", "nn", "en")
    # "on": Finnish and Estonian alike; "det": Swedish, Danish and Norwegian alike; "och" Swedish
    counts = {
        "on": [9, 0, 9, 0, 0, 0, 0],
        "det": [0, 9, 0, 9, 9, 9, 0],
        "och": [0, 9, 0, 0, 0, 0, 1],
        "og": [0, 0, 0, 9, 9, 9, 0],  # so that sv, da, nb and nn have as much text each
    }
    forms = ("share", "pair", "log", "seen_each")
    wc = WordCountFeaturizer(counts, classes=classes, features=forms)
    names = wc.feature_names_
    assert names[7:10] == ["wc_fi_vs_et", "wc_sv_vs_dano", "wc_fi_vs_sv"]
    assert names[10] == "wc_log_fi" and names[17] == "wc_seen_fi" and names[-1] == "wc_seen"
    X = wc.transform([["on"], ["det"], ["och"], ["xyz"]])  # "xyz" is unseen
    col = {n: j for j, n in enumerate(names)}
    # judged against its look-alike alone: one half, whatever the other languages do
    assert X[0, col["wc_fi_vs_et"]] == pytest.approx(0.5, abs=0.01)
    assert X[0, col["wc_fi_vs_sv"]] > 0.9
    assert X[1, col["wc_sv_vs_dano"]] == pytest.approx(0.5, abs=0.01)
    assert X[2, col["wc_sv_vs_dano"]] > 0.9
    # centred logs sum to zero per word; pairwise log ratios are their differences
    logs = X[:3, col["wc_log_fi"] : col["wc_log_fi"] + 7]
    np.testing.assert_allclose(logs.sum(axis=1), 0.0, atol=1e-4)
    assert logs[2, 1] - logs[2, 3] > 2.0  # "och": Swedish far more than Danish
    assert X[0, col["wc_seen_et"]] == 1.0 and X[0, col["wc_seen_sv"]] == 0.0
    # the unseen word has no preference
    unseen = X[3]
    np.testing.assert_allclose(unseen[:7], 1 / 7, rtol=1e-6)
    np.testing.assert_allclose(unseen[7:10], 0.5)
    assert not unseen[10:].any()
    # the default form is the shipped layout, column for column
    plain = WordCountFeaturizer(counts, classes=classes)
    some = [["on"], ["det"], ["och", "og"], ["xyz"]]
    both = np.c_[X[:, :7], X[:, -1:]]
    np.testing.assert_array_equal(plain.transform(some)[[0, 1, 3]], both[[0, 1, 3]])
    assert plain.feature_names_ == [f"wc_{c}" for c in classes] + ["wc_seen"]
    with pytest.raises(ConfigError, match="per language"):
        WordCountFeaturizer({"on": [1, 0, 1]}, features=("pair",))
    with pytest.raises(ConfigError, match="word-count features"):
        WordCountFeaturizer(counts, classes=classes, features=("ratio",))
    with pytest.raises(ConfigError, match="word-count features"):
        WordCountFeaturizer(counts, classes=classes, features=())


def test_fit_stores_word_count_forms_and_reloads_them() -> None:
    texts, labels = _fit_texts()
    det = LanguageDetector().fit(texts, labels, word_count_features=("log",))
    assert det.weights_["word_count_features"] == ["log"]
    # the regressions see the log columns: same number of word-count columns as the shares
    n_cues = len(det.weights_["cue_features"])
    assert len(det.weights_["buckets"][0]["cheap"]["coef"][0]) == n_cues + 4
    again = LanguageDetector(weights=det.weights_)
    pd.testing.assert_frame_equal(again.detect(texts[:20]), det.detect(texts[:20]))
    assert det.detect(FINNISH[:2] + SWEDISH[:2])["language"].tolist() == ["fi"] * 2 + ["sv"] * 2
    # the default form leaves the weights in the shipped layout
    assert "word_count_features" not in LanguageDetector().fit(texts, labels).weights_
    with pytest.raises(ConfigError, match="per language"):
        LanguageDetector().fit(texts, labels, word_count_features=("pair",))


def test_detect_languages_refuses_a_seed_that_is_no_seed() -> None:
    from socanalysis import detect_languages

    with pytest.raises(ConfigError, match="seed must be an integer"):
        detect_languages(["Vuokrat nousevat."], seed="x")
