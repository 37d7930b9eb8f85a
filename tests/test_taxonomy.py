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
    with pytest.raises(ConfigError, match="not valid YAML/JSON"):
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
