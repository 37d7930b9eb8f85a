"""Tests for Finnish and Swedish lemmas, stop words, abbreviations and the analyzer."""

from __future__ import annotations

import doctest
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer

from socanalysis.errors import ConfigError, InputError
from socanalysis.nlp import analyzer as analyzer_module
from socanalysis.nlp import lemmas as lemmas_module
from socanalysis.nlp import tokens as tokens_module
from socanalysis.nlp.analyzer import LemmaAnalyzer, add_lemmas, guess_language, lemmatize_texts
from socanalysis.nlp.lemmas import lemmatize_word, lookup_lemma
from socanalysis.nlp.tokens import FACTORY_NAME, get_pipeline, stop_words


@pytest.fixture(scope="module")
def fi() -> LemmaAnalyzer:
    return LemmaAnalyzer("fi")


@pytest.fixture(scope="module")
def sv() -> LemmaAnalyzer:
    return LemmaAnalyzer("sv")


@pytest.mark.parametrize("module", [lemmas_module, tokens_module, analyzer_module])
def test_doctests_run(module) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


# -- lemma groups ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "forms", "lemma"),
    [
        ("fi", ["asunto", "asunnon", "asuntoa", "asunnot", "asunnoissa"], "asunto"),
        ("fi", ["toimeentulotuki", "toimeentulotuen", "toimeentulotukea"], "toimeentulotuki"),
        ("fi", ["lastensuojelu", "lastensuojelun", "lastensuojeluun"], "lastensuojelu"),
        ("fi", ["nuoret", "nuorten", "nuorille", "nuorilla"], "nuori"),
        ("fi", ["vuokra", "vuokran", "vuokrat"], "vuokra"),
        ("fi", ["hakea", "haetaan", "haeta", "haettava"], "hakea"),  # simplemma: haettaa
        ("sv", ["bostad", "bostaden", "bostäder", "bostäderna"], "bostad"),
        ("sv", ["socialarbetare", "socialarbetaren", "socialarbetarna"], "socialarbetare"),
        ("sv", ["ungdomar", "ungdomarna"], "ungdom"),
        ("sv", ["skulder", "skulderna"], "skuld"),
        ("sv", ["väntetider", "väntetiden"], "väntetid"),
        # overrides of simplemma entries that split a group: työ -> sinä, vuxen -> växa
        ("fi", ["työ", "työssä", "töihin", "tyo", "tyota"], "työ"),
        ("fi", ["ääni", "äänen", "aani", "aanen"], "ääni"),
        ("sv", ["vuxen", "vuxna", "vuxnas"], "vuxen"),
        ("sv", ["äldre", "äldres", "aldre"], "äldre"),
        # lemma_map: tulkka is no word; paatos (pathos) is päätös typed without dots
        ("fi", ["tulkki", "tulkin", "tulkkia", "tulkit", "tulkille"], "tulkki"),
        ("fi", ["päätös", "päätöksen", "paatos", "paatoksen", "paatosta"], "päätös"),
        ("sv", ["beslut", "beslutet", "besluten"], "beslut"),
        ("sv", ["missbruk", "missbruket"], "missbruk"),
        ("sv", ["fryser", "frös", "frysa"], "frysa"),  # simplemma: frös -> frö (seed)
    ],
)
def test_inflected_forms_meet_in_one_lemma(language: str, forms: list[str], lemma: str) -> None:
    assert {lemmatize_word(f, language) for f in forms} == {lemma}


@pytest.mark.parametrize(
    ("language", "forms", "lemma"),
    [
        (
            "fi",
            ["mielenterveyspalvelut", "mielenterveyspalveluihin", "mielenterveyspalveluista"],
            "mielenterveyspalvelu",
        ),
        ("fi", ["toimeentulotuesta", "toimeentulotukeen"], "toimeentulotuki"),
        ("fi", ["omaishoidontuen", "omaishoidontukea"], "omaishoidontuki"),
        ("sv", ["mentalvårdstjänster", "mentalvårdstjänsterna"], "mentalvårdstjänst"),
        ("sv", ["närståendevårdarna", "närståendevårdaren"], "närståendevårdare"),
        ("sv", ["barnskyddet", "barnskydd"], "barnskydd"),
    ],
)
def test_compounds_keep_the_compound_not_the_head(
    language: str, forms: list[str], lemma: str
) -> None:
    assert {lemmatize_word(f, language) for f in forms} == {lemma}


def test_compound_is_not_reduced_to_its_head(fi: LemmaAnalyzer) -> None:
    terms = fi("Mielenterveyspalveluihin on pitkät jonot")
    assert "mielenterveyspalvelu" in terms
    assert "palvelu" not in terms


@pytest.mark.parametrize(
    ("language", "typed", "lemma"),
    [
        ("fi", "paivahoito", "päivähoito"),
        ("fi", "yksinaisyytta", "yksinäisyys"),
        ("fi", "tyottomat", "työtön"),
        ("fi", "paihdepalvelut", "päihdepalvelu"),
        ("sv", "vantetid", "väntetid"),
        ("sv", "aldreomsorgen", "äldreomsorg"),
    ],
)
def test_a_o_typed_for_umlauts_restored(language: str, typed: str, lemma: str) -> None:
    assert lemmatize_word(typed, language) == lemma
    assert lookup_lemma(typed, language)[1] == "diacritics"


@pytest.mark.parametrize(
    ("typed", "lemma"),
    [("jattavat", "jättää"), ("kasittely", "käsittely"), ("tekoalylla", "tekoäly")],
)
def test_restored_dictionary_word_beats_affix_rules(typed: str, lemma: str) -> None:
    # simplemma's affix rules cut these to a known first part ("ja", "kasi", "teko"); the
    # word with ä restored is a whole dictionary form, the stronger evidence
    assert lookup_lemma(typed, "fi") == (lemma, "diacritics")


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("maksamatta", "maksaa"),  # "vuokra jäi maksamatta"; the dictionary: maksama
        ("sanomatta", "sanoa"),  # the dictionary: sanoma (a message)
        ("jättämättä", "jättää"),  # every third-infinitive form: jättämä; jättävä gives the verb
        ("jattamatta", "jättää"),  # typed without ä
        ("tekematta", "tehdä"),  # the dictionary lists tekematta and tekemaan as tekemä
    ],
)
def test_verb_forms_get_the_verb_not_a_noun_made_from_it(word: str, lemma: str) -> None:
    assert lemmatize_word(word, "fi") == lemma


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("ohjelmatta", "ohjelma"),  # without a programme: a noun in -ma, as ohjelmaan
        ("kuolematta", "kuolema"),  # kuolemaan is the noun too, kuoleva its own lemma
        ("huolimatta", "huolimatta"),  # the adverb (despite) is a dictionary word
        ("välttämättä", "välttämättä"),
        ("hakematta", "hakea"),  # already the verb
    ],
)
def test_form_rewrites_leave_nouns_and_adverbs(word: str, lemma: str) -> None:
    assert lemmatize_word(word, "fi") == lemma


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("kotoutuminen", "kotoutuminen"),  # the dictionary: kotoutua, as for kotoutumista
        ("kotoutumista", "kotoutuminen"),
        ("kotoutumisen", "kotoutuminen"),  # the other cases already got the noun
        ("pettämistä", "pettäminen"),  # front vowels: the probe is pettämään
        ("pettamista", "pettäminen"),  # typed without ä
        ("sisällyttäminen", "sisällyttäminen"),
    ],
)
def test_action_nouns_get_the_noun_in_every_case(word: str, lemma: str) -> None:
    assert lemmatize_word(word, "fi") == lemma


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("ongelmista", "ongelma"),  # about problems: ongelmaan is the noun's illative
        ("tapahtumista", "tapahtuma"),  # about events, left to the dictionary
        ("työttömistä", "työtön"),  # työttömään is the adjective's illative, not a verb
        ("ihminen", "ihminen"),  # its own lemma already
        ("hoitamista", "hoitaminen"),  # the dictionary's noun already
    ],
)
def test_action_noun_rule_leaves_other_words_in_minen_and_mista(word: str, lemma: str) -> None:
    assert lemmatize_word(word, "fi") == lemma


@pytest.mark.parametrize(
    "raw",
    [
        {"endings": ["minen"]},
        [
            {
                "endings": "minen",
                "probe": "maan",
                "verb_ending": "a",
                "participle_ending": "ma",
                "noun_ending": "minen",
            }
        ],
        [{"endings": ["minen"], "probe": "maan", "verb_ending": "a", "noun_ending": "minen"}],
        [
            {
                "endings": ["minen"],
                "probe": "",
                "verb_ending": "a",
                "participle_ending": "ma",
                "noun_ending": "minen",
            }
        ],
    ],
)
def test_malformed_action_nouns_name_the_file_and_the_keys(raw: object) -> None:
    with pytest.raises(ConfigError, match=r"lemma_fi\.yaml: action_nouns .*participle_ending"):
        lemmas_module._rules(raw, "fi", "action_nouns", lemmas_module.ActionNounRule)


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("edullista", "edullinen"),  # the dictionary: edullistaa, whose imperative it also is
        ("henkistä", "henkinen"),  # "henkistä väkivaltaa", psychological violence
        ("aikuista", "aikuinen"),
        ("taloudellista", "taloudellinen"),
    ],
)
def test_adjective_partitives_get_the_adjective(word: str, lemma: str) -> None:
    assert lookup_lemma(word, "fi") == (lemma, "dictionary")


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("kivistä", "kivistää"),  # short: more often from stones (kivi), left as it was
        ("voimista", "voimistaa"),  # -mista: the elative plural of voima, left as it was
        ("mallista", "malli"),  # the dictionary's lemma is no verb made from the word
    ],
)
def test_adjective_partitive_rule_leaves_short_words_and_excepted_endings(
    word: str, lemma: str
) -> None:
    assert lemmatize_word(word, "fi") == lemma


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("jakseta", "jaksaa"),  # "töitä ei jakseta", work is not managed; unknown before
        ("tavoiteta", "tavoittaa"),  # simplemma's affix rules: tavoite (a goal)
        ("lähetetä", "lähettää"),  # simplemma's affix rules: lähete (a referral)
        ("siirreta", "siirtää"),  # typed without ä: the verb is found with ä restored
    ],
)
def test_passive_after_ei_gets_the_verb(word: str, lemma: str) -> None:
    assert lookup_lemma(word, "fi") == (lemma, "passive")


@pytest.mark.parametrize(
    ("word", "written", "lemma"),
    [
        ("lisaantyneet", "lisääntyneet", "lisääntyä"),  # unknown before
        ("tyossaan", "työssään", "työ"),  # the spelling whose ending agrees, not "työssaan"
        ("kasiteltavan", "käsiteltävän", "käsitellä"),  # simplemma as typed: "kasiteltapa"
        ("laheisiaan", "läheisiään", "läheinen"),  # 3 letters of the lemma changed: the most
        ("jarjestaneen", "järjestäneen", "järjestää"),  # "järjestaneen" would give järki
    ],
)
def test_words_typed_without_dots_get_the_analysis_of_a_restored_spelling(
    word: str, written: str, lemma: str
) -> None:
    assert lookup_lemma(word, "fi") == (lemma, "restored")
    assert lemmatize_word(written, "fi") == lemma  # as if it had been typed with its dots


@pytest.mark.parametrize(
    ("word", "method"),
    [
        ("valitun", "unknown"),  # "välitun" -> välit: the ending -un clashes with ä
        ("angered", "unknown"),  # "ängered" -> änkeä keeps only 2 letters of the spelling
        ("syopariskin", "diacritics"),  # a clitic is taken off only a known rest
    ],
)
def test_restored_analyses_need_a_kept_stem_and_vowel_harmony(word: str, method: str) -> None:
    assert lookup_lemma(word, "fi")[1] == method


def test_restored_analysis_rule_checks_stem_and_harmony() -> None:
    rule = lemmas_module.lemma_settings("fi").restored_analyses[0]
    assert rule.accepts("lisääntyneet", "lisääntyä")
    assert rule.accepts("tiellä", "tie")  # only neutral vowels: front endings
    assert not rule.accepts("tiella", "tie")
    assert not rule.accepts("välitun", "välit")  # front lemma, back ending
    assert not rule.accepts("talossä", "talo")  # back lemma, front ending
    assert not rule.accepts("ängered", "änkeä")  # 2 letters shared, min_stem is 3
    assert not rule.accepts("pääsyllä", "päästäminen")  # 7 letters of the lemma changed
    assert lemmas_module.lemma_settings("sv").restored_analyses == ()  # no rule: step off


@pytest.mark.parametrize(
    "raw",
    [
        [{"min_stem": 3, "max_stem_change": 3, "back": ["a"]}],
        [{"min_stem": 3, "max_stem_change": -1, "back": ["a"], "front": ["ä"]}],
        [{"min_stem": 3, "max_stem_change": 3, "back": "aou", "front": ["ä"]}],
    ],
)
def test_malformed_restored_analyses_name_the_file_and_the_keys(raw: object) -> None:
    with pytest.raises(
        ConfigError, match=r"lemma_fi\.yaml: restored_analyses .*front \(a list of texts\)"
    ):
        lemmas_module._rules(raw, "fi", "restored_analyses", lemmas_module.RestoredAnalysisRule)


@pytest.mark.parametrize(
    "raw",
    [
        [
            {
                "ending": "ista",
                "verb_ending": "istaa",
                "adjective_ending": "inen",
                "except_endings": ["eista"],
                "min_length": "8",
            }
        ],
        [
            {
                "ending": "ista",
                "verb_ending": "istaa",
                "adjective_ending": "inen",
                "except_endings": ["eista"],
                "min_length": True,
            }
        ],
        [{"ending": "ista", "verb_ending": "istaa", "adjective_ending": "inen", "min_length": 8}],
    ],
)
def test_malformed_adjective_partitives_name_the_file_and_the_keys(raw: object) -> None:
    with pytest.raises(
        ConfigError, match=r"lemma_fi\.yaml: adjective_partitives .*min_length \(a whole number\)"
    ):
        lemmas_module._rules(
            raw, "fi", "adjective_partitives", lemmas_module.AdjectivePartitiveRule
        )


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("vastuuta", "vastuu"),  # the dictionary: vastuuttaa (its imperative "vastuuta!")
        ("niitä", "ne"),  # the dictionary: niittää (to mow)
        ("yksiköitä", "yksikkö"),
        ("asiointipisteitä", "asiointipiste"),  # the override of the head serves the compound
        ("valvota", "valvoa"),  # "ei valvota"; the dictionary: valvottaa
        ("asumista", "asuminen"),  # "tuettua asumista"; the dictionary: asuma
        ("vastaanottokodissa", "vastaanottokoti"),  # head kodissa: the dictionary says kota
        ("sijoituspaikkojen", "sijoituspaikka"),  # head paikkojen: paikko, which the map renames
        ("tukitoimet", "tukitoimi"),  # simplemma's rules: tukkia (to block)
    ],
)
def test_overrides_for_forms_the_dictionary_gives_another_word(word: str, lemma: str) -> None:
    assert lemmatize_word(word, "fi") == lemma


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("vuotiaana", "vuotias"),  # "18-vuotiaana"; simplemma: vuota (a hide)
        ("vuotiaalle", "vuotias"),  # simplemma: "vuotiaa." with a full stop
        ("kyydit", "kyyti"),  # simplemma: kyytiä, a partitive
        ("koulukyytien", "koulukyyti"),  # the map renames a compound's head lemma too
        ("nuorista", "nuori"),  # simplemma: nuora (a rope), while nuorten gives nuori
        ("avun", "apu"),  # simplemma: avu, apu's weak grade
        ("jattaa", "jättää"),  # typed without ä; simplemma: jatta
        ("digituki", "digituki"),  # simplemma: Digit, for every form (digital support)
        ("digituen", "digituki"),
        # simplemma's affix rules build the word's beginning + the dictionary lemma of its end
        # (paikko, of paikkojen): the map renames that end
        ("sijaishuoltopaikkojen", "sijaishuoltopaikka"),
        ("kohtaamispaikkojen", "kohtaamispaikka"),
    ],
)
def test_lemma_map_renames_lemmas_that_are_no_words(word: str, lemma: str) -> None:
    assert lemmatize_word(word, "fi") == lemma


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("häätöuhkaisen", "häätöuhkainen"),  # unknown before: simplemma's rules read uhka
        ("haatouhkaisen", "häätöuhkainen"),  # typed without dots
        ("häätöuhkaisia", "häätöuhkainen"),
        ("työttömyysuhkaiset", "työttömyysuhkainen"),
        ("uhkaisen", "uhkainen"),
        ("uhkasi", "uhka"),  # the noun's forms are the dictionary's
    ],
)
def test_compounds_of_the_adjective_uhkainen_keep_it(word: str, lemma: str) -> None:
    assert lemmatize_word(word, "fi") == lemma


@pytest.mark.parametrize("word", ["boende", "boendet", "boenden"])
def test_swedish_housing_keeps_one_lemma(word: str) -> None:
    # simplemma gave the bare "boende" the verb bo, its other forms the noun
    assert lemmatize_word(word, "sv") == "boende"


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("vuokrakin", "vuokra"),  # the rent too
        ("kertaakaan", "kerta"),  # was kertaakaa: the split read "kaan" into the last part
        ("vanhanakin", "vanha"),  # was vanhana + nakki
        ("toimeentulotukikaan", "toimeentulotuki"),
        ("pitikö", "pitää"),  # the question clitic
        ("pienistakin", "pieni"),  # pienistäkin typed without ä
    ],
)
def test_clitic_particles_are_taken_off_a_known_word(word: str, lemma: str) -> None:
    assert lookup_lemma(word, "fi") == (lemma, "clitic")


@pytest.mark.parametrize("raw", ["kin", ["kin", ""], [1]])
def test_malformed_clitics_name_the_file(raw: object) -> None:
    # a bare string would otherwise be read letter by letter ("k", "i", "n")
    with pytest.raises(ConfigError, match=r"lemma_fi\.yaml: clitics must be a list"):
        lemmas_module._clitics(raw, "fi")


def test_clitics_are_tried_longest_first() -> None:
    assert lemmas_module._clitics(["pa", "kin", "kaan"], "fi") == ("kaan", "kin", "pa")


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        # ending like a clitic particle
        ("mukaan", "mukaan"),
        ("koskaan", "koskaan"),
        ("jopa", "jopa"),
        ("asiakkaan", "asiakas"),
        # ending like a passive after "ei": the probe is only tried for unknown words
        # ("siitään" is a form of the verb siitä)
        ("siitä", "se"),
        ("lasta", "lapsi"),
        ("häntä", "hän"),
        ("tueta", "tukea"),
    ],
)
def test_dictionary_words_ending_like_a_particle_or_passive_keep_their_lemma(
    word: str, lemma: str
) -> None:
    assert lookup_lemma(word, "fi") == (lemma, "dictionary")


@pytest.mark.parametrize(
    "raw",
    [
        {"ending": "matta"},
        [{"ending": "matta", "noun_ending": "ma"}],
        [{"ending": "matta", "noun_ending": "ma", "rewrites": "maan"}],
        [{"ending": "matta", "noun_ending": "ma", "rewrites": ["maan"], "extra": 1}],
    ],
)
def test_malformed_form_rewrites_name_the_file_and_the_keys(raw: object) -> None:
    with pytest.raises(ConfigError, match=r"lemma_fi\.yaml: form_rewrites .*rewrites \(a list"):
        lemmas_module._rules(raw, "fi", "form_rewrites", lemmas_module.FormRewrite)


def test_words_with_real_umlauts_are_not_rewritten() -> None:
    # "tulkin" has no ä/ö, but is a dictionary word: no variant is tried
    assert lookup_lemma("asunnon", "fi") == ("asunto", "dictionary")
    # a word that already contains ä is never "restored"
    assert lookup_lemma("päivähoidossa", "fi")[1] != "diacritics"


def test_unknown_words_fall_back_to_lower_case() -> None:
    assert lookup_lemma("Qwzx", "fi") == ("qwzx", "unknown")


def test_unsupported_language_raises_config_error() -> None:
    with pytest.raises(ConfigError, match="'fi' or 'sv'"):
        lemmatize_word("house", "en")
    with pytest.raises(ConfigError):
        get_pipeline("en")


# -- stop words, abbreviations, identifiers ---------------------------------------------
def test_domain_stop_words_extend_spacy_lists() -> None:
    assert {"asiakas", "sosiaalityö", "työntekijä", "ja"} <= stop_words("fi")
    assert {"klient", "socialarbete", "och"} <= stop_words("sv")
    assert "apu" not in stop_words("fi")  # in spaCy's list, but kept for this domain


def test_stop_words_and_phrases_are_dropped(fi: LemmaAnalyzer, sv: LemmaAnalyzer) -> None:
    assert fi("Asiakkaan sosiaalityöntekijä huomasi tänä vuonna yksinäisyyttä") == [
        "huomata",
        "yksinäisyys",
    ]
    assert sv("Klienten och socialarbetaren såg i år ensamhet bland de äldre") == [
        "se",
        "ensamhet",
        "äldre",  # simplemma: gammal; an override keeps the domain word (lemma_sv.yaml)
    ]


def test_stop_words_typed_without_diacritics_are_dropped(
    fi: LemmaAnalyzer, sv: LemmaAnalyzer
) -> None:
    # from the sample's reports typed without å/ä/ö: "pa" was a theme keyword
    assert sv("Handlaggningen av utkomststod pa FPA ar forsenad") == [
        "handläggning",
        "utkomststöd",
        "fpa",
        "försena",
    ]
    assert fi("Myos tama asiakas odottaa toimeentulotukea yleensa") == [
        "odottaa",
        "toimeentulotuki",
    ]
    # content words whose spelling with ä/ö would be a stop word stay
    assert fi("taksi ja silta") == ["taksi", "silta"]


def test_stop_words_can_be_kept() -> None:
    terms = LemmaAnalyzer("fi", drop_stopwords=False)("Asiakas ja Kela")
    assert terms == ["asiakas", "ja", "kela"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ttt", ["toimeentulotuki"]),
        ("ttt:n hakeminen", ["toimeentulotuki", "hakeminen"]),
        ("mt-palveluihin", ["mielenterveyspalvelu"]),
        ("ls-ilmoitus", ["lastensuojeluilmoitus"]),
        ("TE-palvelut", ["te-palvelu"]),
        ("TE", ["te-palvelu"]),
        ("Kelan päätös", ["kela", "päätös"]),
        ("SHL:n mukaan", ["sosiaalihuoltolaki"]),
        ("päihde- ja mielenterveyspalvelut", ["päihdepalvelu", "mielenterveyspalvelu"]),
    ],
)
def test_finnish_abbreviations_expanded(fi: LemmaAnalyzer, text: str, expected: list[str]) -> None:
    assert fi(text) == expected


def test_lower_case_te_is_the_pronoun_not_te_services(fi: LemmaAnalyzer) -> None:
    assert "te-palvelu" not in fi("te olette oikeassa")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FPA:s beslut", ["fpa", "beslut"]),
        ("TE-byrån", ["te-byrå"]),
        ("missbruks- och mentalvårdstjänster", ["missbrukstjänst", "mentalvårdstjänst"]),
    ],
)
def test_swedish_abbreviations_expanded(sv: LemmaAnalyzer, text: str, expected: list[str]) -> None:
    assert sv(text) == expected


def test_abbreviation_expansion_can_be_switched_off() -> None:
    assert LemmaAnalyzer("fi", expand_abbreviations=False)("ttt") == ["ttt"]


def test_numbers_dates_and_identifiers_dropped(fi: LemmaAnalyzer) -> None:
    text = (
        "Hetu 010190-123A, puh. 040 123 4567, matti.meikalainen@example.com, "
        "https://www.kela.fi/asumistuki www.kela.fi 31.12.2024 klo 12.30 SHL 11 § 1301/2014 "
        "ABC-123 300 € 15 % [NIMI] [PUHELIN] vuokra"
    )
    assert fi(text) == ["hetu", "sosiaalihuoltolaki", "vuokra"]


def test_token_attributes_set_by_named_component() -> None:
    import spacy

    nlp = spacy.blank("fi")
    nlp.add_pipe(FACTORY_NAME, config={"languages": ["fi"]})
    doc = nlp("Asiakkaan ttt:n käsittely 31.12.2024")
    assert [t.lemma_ for t in doc] == ["asiakas", "toimeentulotuki", "käsittely", "31.12.2024"]
    assert [t.is_stop for t in doc] == [True, False, False, False]
    assert [t._.is_identifier for t in doc] == [False, False, False, True]
    assert [t._.is_term for t in doc] == [False, True, True, False]
    assert doc[1]._.lemma_method == "abbreviation"


# -- the analyzer ------------------------------------------------------------------------
def test_analyzer_inside_count_vectorizer() -> None:
    docs = [
        "Asunnot ovat kalliita.",
        "Asunnon vuokra nousi, asuntoa ei löydy",
        "Bostäderna är dyra och bostaden saknas",
        "Bostäder för unga",
    ]
    vec = CountVectorizer(analyzer=LemmaAnalyzer("auto"))
    counts = vec.fit_transform(docs)
    vocabulary = list(vec.get_feature_names_out())
    assert "asunto" in vocabulary and "bostad" in vocabulary
    assert not {"asunnon", "asuntoa", "bostaden", "bostäder"} & set(vocabulary)
    column = counts[:, vocabulary.index("asunto")].toarray().ravel().tolist()
    assert column == [1, 2, 0, 0]
    column = counts[:, vocabulary.index("bostad")].toarray().ravel().tolist()
    assert column == [0, 0, 2, 1]


def test_analyzer_ngrams(fi: LemmaAnalyzer) -> None:
    bigrams = LemmaAnalyzer("fi", ngram_range=(2, 2))("Nuorten asunnottomuus kasvaa")
    assert bigrams == ["nuori asunnottomuus", "asunnottomuus kasvaa"]


def test_analyzer_is_picklable_and_clonable() -> None:
    analyzer = LemmaAnalyzer("sv", ngram_range=(1, 2), min_len=3)
    text = "Väntetiderna till mentalvårdstjänsterna är långa"
    expected = analyzer(text)
    restored = pickle.loads(pickle.dumps(analyzer))
    assert restored == analyzer
    assert restored(text) == expected
    vec = CountVectorizer(analyzer=analyzer)
    vec.fit([text])
    fitted = pickle.loads(pickle.dumps(vec))
    assert list(fitted.get_feature_names_out()) == list(vec.get_feature_names_out())
    assert clone(vec).analyzer == analyzer


def test_min_len_drops_short_lemmas() -> None:
    assert LemmaAnalyzer("sv", min_len=4)("Bostad och hus") == ["bostad"]


@pytest.mark.parametrize(
    "params",
    [
        {"language": "en"},
        {"ngram_range": (2, 1)},
        {"ngram_range": (0, 1)},
        {"min_len": 0},
    ],
)
def test_invalid_parameters_raise_config_error(params: dict) -> None:
    analyzer = LemmaAnalyzer(**params)  # scikit-learn's convention: the constructor only stores
    with pytest.raises(ConfigError):
        analyzer("Asunnoista on pulaa")
    with pytest.raises(ConfigError):
        analyzer.lemmatize_texts(["Asunnoista on pulaa"])
    with pytest.raises(ConfigError):
        LemmaAnalyzer().set_params(**params)


def test_set_params_validates() -> None:
    analyzer = LemmaAnalyzer("fi")
    assert analyzer.set_params(language="sv").language == "sv"
    with pytest.raises(ConfigError, match="no parameter 'colour'"):
        analyzer.set_params(colour="red")
    # a refused value is not left behind, and neither are the others of the same call
    with pytest.raises(ConfigError, match="language must be one of"):
        analyzer.set_params(min_len=3, language="en")
    assert analyzer.get_params() == LemmaAnalyzer("sv").get_params()
    assert analyzer("Bostäder saknas") == ["bostad", "sakna"]


def test_numpy_integers_are_whole_numbers() -> None:
    analyzer = LemmaAnalyzer("fi", ngram_range=(np.int64(1), np.int64(2)), min_len=np.int32(2))
    assert analyzer == LemmaAnalyzer("fi", ngram_range=(1, 2))
    assert analyzer("Nuorten asunnottomuus") == ["nuori", "asunnottomuus", "nuori asunnottomuus"]
    with pytest.raises(ConfigError, match="ngram_range"):
        LemmaAnalyzer(ngram_range=(1.0, 2.0))("a")
    with pytest.raises(ConfigError, match="min_len"):
        LemmaAnalyzer(min_len=True)("a")


def test_analyzer_in_a_grid_search() -> None:
    """Cloned and re-parametrised by GridSearchCV inside a vectorizer, as BERTopic users do."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    texts = [
        "Asunnot puuttuvat ja vuokrat nousevat",
        "Asunnon vuokra on liian kallis",
        "Nuorilla ei ole asuntoa",
        "Omaishoitajat uupuvat",
        "Omaishoidon vapaat jäävät pitämättä",
        "Omaishoitaja ei saa lomitusta",
    ]
    model = make_pipeline(CountVectorizer(analyzer=LemmaAnalyzer("fi")), LogisticRegression())
    grid = {"countvectorizer__analyzer__ngram_range": [(1, 1), (1, 2)]}
    search = GridSearchCV(model, grid, cv=2).fit(texts, [0, 0, 0, 1, 1, 1])
    best = search.best_estimator_.named_steps["countvectorizer"].analyzer
    assert isinstance(best, LemmaAnalyzer) and best.language == "fi"
    assert pickle.loads(pickle.dumps(search.best_estimator_)).predict(texts[:1]).tolist() == [0]


def test_batch_matches_single_calls_and_is_deterministic(fi: LemmaAnalyzer) -> None:
    texts = [
        "Asiakkaan ttt-hakemus hylättiin, vuokrarästit kasvavat.",
        "Klienten väntar på mentalvårdstjänster.",
        "Nuorten mt-palvelut ruuhkautuneet; paivahoito puuttuu",
        "",
        None,
        "Asunnottomuus ja yksinäisyys lisääntyvät. Bostadslösheten ökar.",
    ]
    languages = ["fi", "sv", "fi", "fi", None, "mixed"]
    analyzer = LemmaAnalyzer("auto")
    first = analyzer.lemmatize_texts(texts, languages)
    second = analyzer.lemmatize_texts(texts, languages)
    assert first == second
    singles = [
        LemmaAnalyzer(lang if lang in ("fi", "sv") else "auto")(text or "")
        for text, lang in zip(texts, languages, strict=True)
    ]
    assert first == singles
    assert first[3] == [] and first[4] == []
    assert "bostadslöshet" in first[5] and "asunnottomuus" in first[5]


def test_batch_validates_inputs() -> None:
    analyzer = LemmaAnalyzer("fi")
    with pytest.raises(InputError, match="2 texts but 1 languages"):
        analyzer.lemmatize_texts(["a", "b"], ["fi"])
    with pytest.raises(InputError, match="not a string"):
        analyzer.lemmatize_texts(["a", 3])


def test_batch_refuses_what_it_would_read_wrongly() -> None:
    """One string would be lemmatised letter by letter, a DataFrame as its column names."""
    analyzer = LemmaAnalyzer("fi")
    for call in (analyzer.lemmatize_texts, lemmatize_texts):
        with pytest.raises(InputError, match=r"not one string; wrap it in a list: lemmatize_te"):
            call("Asunnoista on pulaa")
    with pytest.raises(InputError, match="not None; wrap it in a list"):
        analyzer.lemmatize_texts(None)
    with pytest.raises(InputError, match=r"not a DataFrame; pass its text column"):
        analyzer.lemmatize_texts(pd.DataFrame({"text": ["Asunnoista on pulaa"]}))
    with pytest.raises(InputError, match=r"not int; e\.g\. lemmatize_texts\(\['first text'"):
        analyzer.lemmatize_texts(5)
    with pytest.raises(InputError, match=r"languages=5; pass one language for all texts"):
        analyzer.lemmatize_texts(["Asunnoista on pulaa"], 5)
    with pytest.raises(InputError, match=r"not a Series; for a column .* use lemmatize_texts"):
        add_lemmas(pd.Series(["Asunnoista on pulaa"]))
    with pytest.raises(InputError, match=r"add_lemmas takes a report table .* not list"):
        add_lemmas(["Asunnoista on pulaa"])


def test_pandas_na_is_an_empty_text_and_an_unknown_language() -> None:
    """A nullable string column (df.convert_dtypes()) holds pd.NA where a text is missing."""
    texts = ["Asunnoista on pulaa", None, "Bostäder saknas"]
    frame = pd.DataFrame({"text": texts, "language": ["fi", None, None]}).convert_dtypes()
    assert frame["text"].iloc[1] is pd.NA and frame["language"].iloc[2] is pd.NA
    expected = LemmaAnalyzer().lemmatize_texts(texts, ["fi", None, None])
    assert expected[0] == ["asunto", "pula"] and expected[1] == []
    assert add_lemmas(frame)["lemmas"].tolist() == expected
    assert LemmaAnalyzer().lemmatize_texts(frame["text"], frame["language"]) == expected
    assert lemmatize_texts(frame["text"], pd.NA) == lemmatize_texts(texts, None)


def test_auto_language_guess_and_mixed_words() -> None:
    assert guess_language("Klienten har inte fått något stöd från FPA") == "sv"
    assert guess_language("Asiakas ei ole saanut tukea Kelasta") == "fi"
    terms = lemmatize_texts(["Asiakas ei saanut tukea, klienten väntar på bostäderna"])[0]
    assert "bostad" in terms


def test_analyzer_normalises_text_first(fi: LemmaAnalyzer) -> None:
    assert fi("• pa\u0308iva\u0308hoito\n▪ “asunnot”") == ["päivähoito", "asunto"]


def test_mixed_text_words_go_to_the_language_that_knows_them() -> None:
    doc = get_pipeline(("sv", "fi"))("Väntetiderna till mielenterveyspalveluihin är långa, jonot")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["Väntetiderna"] == "väntetid"
    assert lemmas["mielenterveyspalveluihin"] == "mielenterveyspalvelu"
    assert lemmas["jonot"] == "jono"
    assert [t.lemma_ for t in doc if t._.is_term] == [
        "väntetid",
        "mielenterveyspalvelu",
        "lång",
        "jono",
    ]


def test_clitic_and_verb_form_lemmas_in_finnish_and_mixed_pipelines(fi: LemmaAnalyzer) -> None:
    # the mixed pipeline weighs each lemma method as language evidence: every method the
    # lemmatiser returns needs a weight ("clitic" had none and raised KeyError)
    assert fi("Vuokrakin jäi maksamatta.") == ["vuokra", "jäädä", "maksaa"]
    doc = get_pipeline(("sv", "fi"))("Hyran och vuokrakin jäi maksamatta, töitä ei jakseta")
    lemmas = {t.text: (t.lemma_, t._.lemma_method) for t in doc}
    assert lemmas["vuokrakin"] == ("vuokra", "clitic")
    assert lemmas["maksamatta"] == ("maksaa", "dictionary")
    assert lemmas["jakseta"] == ("jaksaa", "passive")
    doc = get_pipeline(("sv", "fi"))("Hyran och vuokrat lisaantyneet")
    assert {t.text: (t.lemma_, t._.lemma_method) for t in doc}["lisaantyneet"] == (
        "lisääntyä",
        "restored",
    )


def test_add_lemmas_to_a_report_table() -> None:
    import pandas as pd

    reports = pd.DataFrame(
        {
            "report_id": ["r2", "r1", "r3"],
            "text": ["Asunnon vuokra", "Bostäderna saknas", None],
            "language": ["fi", "sv", "other"],
        },
        index=[10, 11, 12],
    )
    out = add_lemmas(reports)
    assert out["lemmas"].tolist() == [["asunto", "vuokra"], ["bostad", "sakna"], []]
    assert list(out.index) == [10, 11, 12]
    assert "lemmas" not in reports.columns  # the input is not changed
    with pytest.raises(InputError, match="no column 'teksti'"):
        add_lemmas(reports, text_column="teksti")
    assert add_lemmas(reports, language_column=None)["lemmas"].tolist()[0] == ["asunto", "vuokra"]


def test_one_letter_abbreviations_and_initials_are_no_terms(fi: LemmaAnalyzer) -> None:
    terms = fi("Velkaa yht. n. 18 000 e. ja vuokra. S. Virtanen soitti.")
    assert not [t for t in terms if sum(c.isalpha() for c in t) < 2]
    assert {"velka", "vuokra"} <= set(terms)


def test_language_labels_are_read_in_any_case() -> None:
    from socanalysis.nlp.analyzer import LemmaAnalyzer

    analyzer = LemmaAnalyzer()
    texts = ["Asiakkaan vuokrat nousivat.", "Klienten har inte råd med hyran."]
    assert analyzer.lemmatize_texts(texts, ["FI", " Sv "]) == analyzer.lemmatize_texts(
        texts, ["fi", "sv"]
    )


def test_a_closing_quote_is_no_part_of_a_finnish_word():
    from socanalysis.nlp.analyzer import lemmatize_texts

    terms = lemmatize_texts(
        ["Nuoret saavat 'helppoa rahaa' somesta.", "Se on ’helppoa rahaa’."], ["fi", "fi"]
    )
    assert terms[0] == ["nuori", "helppo", "raha", "some"]
    assert "raha" in terms[1]
    # an apostrophe inside a word is part of it
    assert "vaa'an" in lemmatize_texts(["Vaa'an lukema oli väärä."], ["fi"])[0]
