"""Tests for socanalysis.nlp.normalize: text clean-up and sentence splitting."""

from __future__ import annotations

import doctest

import pytest

from socanalysis.nlp import normalize
from socanalysis.nlp.normalize import normalize_text, sentence_spans, split_sentences


def test_doctests_run() -> None:
    result = doctest.testmod(normalize)
    assert result.attempted > 0
    assert result.failed == 0


def test_nfc_composes_decomposed_letters() -> None:
    decomposed = "pa\u0308iva\u0308hoito"  # ä as a + combining diaeresis
    assert normalize_text(decomposed) == "päivähoito"


def test_quotes_dashes_and_invisible_characters_unified() -> None:
    text = "“Vuokrat” ‘liian’ korkeat – 2020—2024 ttt\u00adhakemus\u200b »x«"
    assert normalize_text(text) == '"Vuokrat" \'liian\' korkeat - 2020-2024 ttthakemus "x"'


@pytest.mark.parametrize("bullet", ["•", "▪", "–", "*", "-", "—", "●", "►"])
def test_bullets_at_line_start_become_dash_space(bullet: str) -> None:
    text = f"Havainnot:\n{bullet} asunnot kalliita\n  {bullet}jonot pitkiä"
    assert normalize_text(text) == "Havainnot:\n- asunnot kalliita\n- jonot pitkiä"


def test_hyphen_inside_line_is_not_a_bullet() -> None:
    assert normalize_text("TE-palvelut ja mt-palvelut") == "TE-palvelut ja mt-palvelut"


def test_whitespace_collapsed_but_line_breaks_kept() -> None:
    text = "  Asiakas \t ei   saanut\r\napua \r\n\r\n\r\n\r\nKela  "
    assert normalize_text(text) == "Asiakas ei saanut\napua\n\nKela"


def test_normalize_is_idempotent() -> None:
    text = "• Vuokrat  –  liian korkeat\r\n▪ “jonot”"
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_normalize_rejects_non_strings() -> None:
    with pytest.raises(TypeError, match="expects a str"):
        normalize_text(None)  # type: ignore[arg-type]


def test_bullet_list_without_full_stops_gives_one_sentence_per_item() -> None:
    text = "Havainnot\n• vuokrat nousseet\n▪ ttt ei riitä\n– jonot mt-palveluihin\n* Kela hidas"
    assert split_sentences(text, "fi") == [
        "Havainnot",
        "vuokrat nousseet",
        "ttt ei riitä",
        "jonot mt-palveluihin",
        "Kela hidas",
    ]


def test_numbered_list_items_are_sentences() -> None:
    text = "Ehdotukset:\n1. lisää asuntoja\n2) nopeampi käsittely\na) tulkki"
    assert split_sentences(text) == [
        "Ehdotukset:",
        "lisää asuntoja",
        "nopeampi käsittely",
        "tulkki",
    ]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Asiakas sai esim. ruokakassin ja mm. vaatteita.", "fi"),
        ("Ns. väliinputoajat jäävät ilman apua.", "fi"),
        ("Klienten fick t.ex. matkasse och bl.a. kläder.", "sv"),
        ("Hyran var ca. 900 euro i månaden.", "sv"),
        ("Päätös tuli 31.12.2024 ja maksu klo 12.30 samana päivänä.", "fi"),
        ("Tapaaminen oli 31. joulukuuta kotona.", "fi"),
    ],
)
def test_abbreviations_dates_and_times_do_not_split(text: str, language: str) -> None:
    assert split_sentences(text, language) == [text]


def test_full_stop_splits_even_before_lower_case() -> None:
    text = "Asiakas ei saanut apua. seuraavaksi hän soitti Kelaan! Miksi? Ei vastausta"
    assert split_sentences(text, "fi") == [
        "Asiakas ei saanut apua.",
        "seuraavaksi hän soitti Kelaan!",
        "Miksi?",
        "Ei vastausta",
    ]


def test_line_break_ends_sentence_but_wrapped_lower_case_line_continues() -> None:
    text = "Vuokrat ovat nousseet ja nuoret\neivät pärjää\nKela maksaa myöhässä"
    assert split_sentences(text, "fi") == [
        "Vuokrat ovat nousseet ja nuoret\neivät pärjää",
        "Kela maksaa myöhässä",
    ]


def test_spans_point_into_the_original_text() -> None:
    text = "  • Bostäderna är dyra\n\n▪ väntetiden lång. Klienten väntar  "
    spans = sentence_spans(text, "sv")
    assert [text[s:e] for s, e in spans] == [
        "Bostäderna är dyra",
        "väntetiden lång.",
        "Klienten väntar",
    ]
    assert all(0 <= s < e <= len(text) for s, e in spans)


@pytest.mark.parametrize("text", ["", "   \n\n  ", "•", "- \n* \n"])
def test_empty_texts_and_empty_bullets_give_no_sentences(text: str) -> None:
    assert split_sentences(text) == []


def test_language_none_uses_both_abbreviation_lists() -> None:
    text = "Klienten fick bl.a. stöd och esim. apua."
    assert split_sentences(text, None) == [text]
    # an unlisted word with an inner full stop is not taken for a sentence end
    assert len(split_sentences("Klienten fick bl.a. stöd.", "fi")) == 1
