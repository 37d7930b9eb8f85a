"""Taxonomy data files, loader validation and reading reporters' own choices."""

from __future__ import annotations

import json

import pytest
import yaml

from socanalysis.classify.taxonomy import load_taxonomy, taxonomy_from_dict
from socanalysis.errors import ConfigError

DOMAIN_SECTORS = [
    "social_services",
    "health_services",
    "mental_health_substance_services",
    "elderly_services",
    "disability_services",
    "child_welfare",
    "education",
    "early_childhood_education",
    "youth_services",
    "employment_services",
    "housing",
    "kela",
    "police_justice",
    "immigration_integration",
    "transport",
    "municipality_other",
    "ngo_parish",
    "legislation_state",
]


def test_shl11_has_ten_points_with_enacted_finnish_and_unverified_swedish():
    tax = load_taxonomy("shl11")
    assert tax.keys == [str(i) for i in range(1, 11)]
    for cat in tax.categories:
        assert cat.statute["fi"]["verified"] is True
        assert cat.statute["sv"]["verified"] is False
        for lang in ("fi", "sv"):
            assert 15 <= len(cat.keywords[lang]) <= 60, (cat.key, lang)
            assert cat.label[lang] and cat.description[lang]
        assert cat.includes and cat.excludes
    assert tax.category("2").statute["fi"]["text"] == "asumiseen liittyvään tuen tarpeeseen"
    assert tax.label("8", "sv").startswith("rusmedel")
    # the notes the network relies on: ageing is point 8, informal carers point 10
    assert "ikääntyminen" in tax.category("8").keywords["fi"]
    assert "Ikääntyminen kuuluu tähän kohtaan" in tax.category("8").includes["fi"]
    assert "omaishoitaja" in tax.category("10").keywords["fi"]
    assert "kohtaan 10" in tax.category("8").excludes["fi"]
    # abbreviations used in reports
    assert "ttt" in tax.category("3").keywords["fi"] and "fpa" in tax.category("3").keywords["sv"]
    assert "mt" in tax.category("8").keywords["fi"] and "ls" in tax.category("7").keywords["fi"]


def test_default_sectors_match_domain_keys_and_labels():
    tax = load_taxonomy("sectors")
    assert tax.keys == DOMAIN_SECTORS
    assert tax.label("kela", "sv") == "FPA"
    assert tax.label("housing", "fi") == "asuminen"
    assert tax.label("early_childhood_education", "sv") == "småbarnspedagogik"
    for cat in tax.categories:
        assert len(cat.keywords["fi"]) >= 15 and len(cat.keywords["sv"]) >= 15, cat.key


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2, 3", ["2", "3"]),
        ("Asuminen", ["2"]),
        ("§11 kohta 2", ["2"]),
        ("SHL 11 § kohdat 4 ja 8", ["4", "8"]),
        ("boende och ekonomiskt stöd", ["2", "3"]),
        ("mielenterveys; omaishoitaja", ["8", "10"]),
        ("10", ["10"]),
        ("", []),
        (None, []),
        (float("nan"), []),
        ("jotain muuta", []),
        (["3", "Asuminen"], ["3", "2"]),
    ],
)
def test_parse_reported_shl(value, expected):
    assert load_taxonomy("shl11").parse_reported(value) == expected


def test_parse_reported_sectors():
    tax = load_taxonomy("sectors")
    assert tax.parse_reported("Kela") == ["kela"]
    assert tax.parse_reported("FPA, polis") == ["kela", "police_justice"]
    assert tax.parse_reported("TE-palvelut / lastensuojelu") == [
        "employment_services",
        "child_welfare",
    ]
    # inflected and definite forms, abbreviations in compounds, one-category keywords
    assert tax.parse_reported("Skolan, eftervården") == ["education", "child_welfare"]
    assert tax.parse_reported("bildningsväsendet; hyresvärdar") == ["education", "housing"]
    assert tax.parse_reported("mt-palvelut") == ["mental_health_substance_services"]
    assert tax.parse_reported("toimeentulotuki") == ["kela"]


def _minimal() -> dict:
    return {
        "name": "county_sectors",
        "languages": ["fi", "sv"],
        "categories": [
            {
                "key": "social",
                "label": {"fi": "sosiaalipalvelut", "sv": "socialservice"},
                "description": {"fi": "Sosiaalityö.", "sv": "Socialt arbete."},
                "keywords": {"fi": ["sosiaalityö"], "sv": ["socialarbete"]},
            },
            {
                "key": "health",
                "label": {"fi": "terveys", "sv": "hälsa"},
                "description": {"fi": "Terveyspalvelut.", "sv": "Hälsovård."},
                "keywords": {"fi": ["lääkäri"], "sv": ["läkare"]},
            },
        ],
    }


def test_county_replaces_sector_file_by_path(tmp_path):
    path = tmp_path / "our_sectors.yaml"
    path.write_text(yaml.safe_dump(_minimal(), allow_unicode=True), encoding="utf-8")
    tax = load_taxonomy(str(path))
    assert tax.keys == ["social", "health"]
    assert tax.path == str(path)
    json_path = tmp_path / "our_sectors.json"
    json_path.write_text(json.dumps(_minimal()), encoding="utf-8")
    assert load_taxonomy(json_path).keys == ["social", "health"]
    # the saved form reads back to the same taxonomy
    assert taxonomy_from_dict(tax.to_dict()).to_dict() == tax.to_dict()


def _broken(mutate) -> dict:
    d = _minimal()
    mutate(d)
    return d


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("categories"), "required field 'categories' is missing"),
        (lambda d: d.update(languages=[]), "field 'languages' must be a non-empty list"),
        (lambda d: d.update(categories=[]), "field 'categories' must be a non-empty list"),
        (lambda d: d["categories"][1].pop("key"), "category #2: required field 'key' is missing"),
        (lambda d: d["categories"][1].update(key="social"), "category 'social': duplicate key"),
        (
            lambda d: d["categories"][0].pop("description"),
            "category 'social': required field 'description'",
        ),
        (
            lambda d: d["categories"][1]["label"].pop("sv"),
            "category 'health': field 'label': language 'sv'",
        ),
        (
            lambda d: d["categories"][0].update(label="x"),
            "category 'social': field 'label' must map",
        ),
        (
            lambda d: d["categories"][0]["keywords"].update(fi="lääkäri"),
            "field 'keywords': language 'fi' must be a non-empty list",
        ),
        (lambda d: d["categories"][0]["keywords"].update(fi=["a", "a"]), "language 'fi' repeats a"),
        (
            lambda d: d["categories"][0].update(statute={"fi": {"text": "x", "verified": "yes"}}),
            "'statute.fi.verified' must be true or false",
        ),
        (lambda d: d["categories"][0].update(aliases="sote"), "field 'aliases' must be a list"),
        (lambda d: d["categories"].append("oops"), "category #3 must be a mapping"),
        (
            lambda d: d["categories"][0]["label"].update(en=["social"]),
            "category 'social': field 'label': language 'en' must map to a text",
        ),
        # keys holding a separator the outputs split on (exp22 county D2)
        *[
            (
                lambda d, sep=sep: d["categories"][0].update(key=f"asuminen{sep}vuokra"),
                "field 'key' must not contain",
            )
            for sep in (";", ":", ",", "/")
        ],
        # two categories one name could mean (D5): case, ä-folding, alias = another's key/label
        (
            lambda d: d["categories"][1].update(key="Social"),
            "category 'Social': key 'Social' is the same name as key 'social' of category 'social'",
        ),
        (
            lambda d: d["categories"][1]["label"].update(fi="sosiaalipalvelut"),
            "category 'health': label (fi) 'sosiaalipalvelut' is the same name as label (fi)",
        ),
        (
            lambda d: d["categories"][1].update(aliases=["Socialservice"]),
            "category 'health': alias 'Socialservice' is the same name as label (sv) "
            "'socialservice' of category 'social'",
        ),
        # misspelt and unknown fields (D6)
        (
            lambda d: d["categories"][0].update(alias=["sote"]),
            "category 'social': unknown field 'alias' (did you mean 'aliases'?); the fields are "
            "key, label, description, keywords, statute, includes, excludes, aliases",
        ),
        (
            lambda d: d.update(kategoriat=d.pop("categories")),
            "at the top level: unknown field 'kategoriat' (did you mean 'categories'?)",
        ),
    ],
)
def test_validation_names_file_key_and_field(tmp_path, mutate, message):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(_broken(mutate), allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_taxonomy(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_unreadable_or_missing_files(tmp_path):
    with pytest.raises(ConfigError, match="neither a built-in name"):
        load_taxonomy(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not valid YAML: line 2, column 1"):
        load_taxonomy(bad)
    top = tmp_path / "list.yaml"
    top.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        load_taxonomy(top)


def test_unknown_category_key_is_a_config_error():
    with pytest.raises(ConfigError, match="valid keys: 1, 2"):
        load_taxonomy("shl11").category("11")


def test_builtin_taxonomies_have_english_labels_for_english_outputs():
    for name in ("shl11", "sectors"):
        tax = load_taxonomy(name)
        english = [tax.label(key, "en") for key in tax.keys]
        finnish = [tax.label(key, "fi") for key in tax.keys]
        assert len(set(english)) == len(tax), name
        # only names that are the same in every language (Kela) may repeat the Finnish one
        assert sum(e == f for e, f in zip(english, finnish, strict=True)) <= 1, name
        assert "en" in tax.title
        # the reports are still read and matched in Finnish and Swedish only
        assert tax.languages == ["fi", "sv"]
        assert all(set(c.prototype_texts()) == {"fi", "sv"} for c in tax.categories)
    assert load_taxonomy("shl11").label("2", "en") == "housing"
    assert load_taxonomy("sectors").label("ngo_parish", "en") == "NGOs and parishes"


def test_extra_label_language_is_kept_and_missing_one_falls_back(tmp_path):
    data = _minimal()
    data["categories"][0]["label"]["en"] = "  social   services "
    tax = taxonomy_from_dict(data)
    assert tax.label("social", "en") == "social services"
    assert tax.label("health", "en") == "terveys"  # no en label: the first language
    assert taxonomy_from_dict(tax.to_dict()).label("social", "en") == "social services"
    # an English label is one more name a reporter may type
    assert tax.parse_reported("Social services") == ["social"]


def test_folded_duplicate_keys_are_refused(tmp_path):
    """exp22 county D5: 'ikäihmisten palvelut' and 'ikaihmisten palvelut' are one name typed."""
    d = _minimal()
    d["categories"][0]["key"] = "ikäihmisten palvelut"
    d["categories"][1]["key"] = "Ikaihmisten  palvelut"
    with pytest.raises(ConfigError, match="same name as key 'ikäihmisten palvelut'"):
        taxonomy_from_dict(d, source="county.yaml")


_COUNTY = """\
name: county
languages: [fi, sv]
categories:
  - key: social
    label: {fi: sosiaalipalvelut, sv: socialservice}
    description: {fi: Sosiaalityö., sv: Socialt arbete.}
    keywords: {fi: [sosiaalityö], sv: [socialarbete]}
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # a field given twice: the second would silently replace the first (D6)
        (
            _COUNTY + "    label: {fi: sote, sv: sote}\n",
            "line 8: category 'social': field 'label' is given twice",
        ),
        (
            _COUNTY.replace("  - key: social", "  - key: on"),
            "category #1: field 'key' must be a string; YAML reads unquoted "
            "on/off/yes/no/true/false as true/false, so put the value in quotes",
        ),
        (
            _COUNTY.replace("[fi, sv]", "[fi, sv, no]"),
            "field 'languages' must be a non-empty list of language codes such as [fi, sv]; "
            "YAML reads unquoted",
        ),
        (
            _COUNTY.replace("label: {fi: sosiaalipalvelut,", "label: {fi: sosiaali-, terveys,"),
            "field 'label': language 'terveys' must map to a text",
        ),
        (
            _COUNTY.replace("label: {fi: sosiaalipalvelut,", "label: {fi: sos-, ja terveys,"),
            "a label that holds a comma must be in quotes",
        ),
        (
            _COUNTY.replace("    label", "\tlabel"),
            "line 5 is indented with a tab; YAML allows only",
        ),
        (
            _COUNTY.replace("    label", "   label"),
            "is not valid YAML: line 5, column 4: ",
        ),
        ("", "is empty (or holds only comments)"),
        ("# only a comment\n\n", "is empty (or holds only comments)"),
    ],
)
def test_file_mistakes_name_the_problem_and_what_to_do(tmp_path, text, message):
    """exp22 county D6/D7: one line naming the file, the place and the fix."""
    path = tmp_path / "county.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_taxonomy(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_encodings_and_json_suffix_are_explained(tmp_path):
    """exp22 county D7: cp1252 and UTF-16 files, YAML saved as .json, a UTF-8 BOM."""
    text = _COUNTY.replace("name: county", "name: ikäihmiset")
    cp1252 = tmp_path / "cp.yaml"
    cp1252.write_bytes(text.encode("cp1252"))
    with pytest.raises(
        ConfigError, match=r"line 1 is not UTF-8 \(byte 0xe4.*save the file as UTF-8"
    ):
        load_taxonomy(cp1252)
    utf16 = tmp_path / "u16.yaml"
    utf16.write_bytes(text.encode("utf-16"))
    with pytest.raises(ConfigError, match="is saved as UTF-16.*save it as UTF-8"):
        load_taxonomy(utf16)
    as_json = tmp_path / "county.json"
    as_json.write_text(text, encoding="utf-8")
    with pytest.raises(
        ConfigError, match="ends in .json, so it is read as JSON.*rename it to .yaml"
    ):
        load_taxonomy(as_json)
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(text.encode("utf-8-sig"))
    assert load_taxonomy(bom).name == "ikäihmiset"


def test_missing_file_says_where_it_looked(tmp_path, monkeypatch):
    """exp22 county D8: the folder a relative path was looked for in."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=f"looked for {tmp_path / 'sektorit.yaml'}"):
        load_taxonomy("sektorit.yaml")


def test_json_fields_given_twice_and_boolean_keywords(tmp_path):
    """exp22 county D6/D7 in JSON files and keyword lists."""
    path = tmp_path / "county.json"
    text = json.dumps(_minimal())
    path.write_text(text.replace('"key": "social",', '"key": "social", "label": {},', 1), "utf-8")
    with pytest.raises(ConfigError, match="category 'social': field 'label' is given twice"):
        load_taxonomy(path)
    d = _minimal()
    d["categories"][0]["keywords"]["fi"] = ["sosiaalityö", True]
    with pytest.raises(ConfigError, match="non-text entry True; YAML reads unquoted"):
        taxonomy_from_dict(d, source="county.yaml")
