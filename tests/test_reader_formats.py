"""Dates and decimals as the readers of each output language write them (reader_formats)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from socanalysis.config import OUTPUT_LANGUAGES
from socanalysis.reader_formats import (
    decimal_mark,
    excel_date_format,
    format_date,
    format_decimal,
)


@pytest.mark.parametrize(
    "value",
    [
        "2025-03-07",
        " 2025-03-07 ",
        "2025-03-07 00:00:00",
        dt.date(2025, 3, 7),
        dt.datetime(2025, 3, 7, 13, 45),
        pd.Timestamp("2025-03-07"),
    ],
)
def test_every_kind_of_date_is_written_day_first_in_finnish_and_swedish(value):
    assert format_date(value, "fi") == format_date(value, "sv") == "7.3.2025"
    assert format_date(value, "en") == "2025-03-07"


@pytest.mark.parametrize("value", [None, float("nan"), pd.NaT, pd.NA, ""])
def test_a_missing_date_is_empty(value):
    assert format_date(value, "fi") == ""


def test_a_label_in_place_of_a_date_is_kept_and_other_values_are_refused():
    assert format_date("(ei päivämäärää)", "fi") == "(ei päivämäärää)"
    with pytest.raises(TypeError, match="ISO date text"):
        format_date(20250307, "fi")


def test_decimals_use_the_readers_mark_and_round_half_even_as_python_does():
    assert format_decimal(0.8167, "fi") == "0,82"
    assert format_decimal(-12.5, "sv", decimals=1) == "-12,5"
    assert format_decimal(0.125, "en") == "0.12"  # binary 0.125 rounds half to even
    assert decimal_mark("fi") == decimal_mark("sv") == "," and decimal_mark("en") == "."


def test_every_output_language_has_formats_and_others_are_named_in_the_error():
    for language in OUTPUT_LANGUAGES:
        assert excel_date_format(language) in {"d.m.yyyy", "yyyy-mm-dd"}
    with pytest.raises(ValueError, match=r"'de'.*fi, sv, en"):
        format_date("2025-03-07", "de")
