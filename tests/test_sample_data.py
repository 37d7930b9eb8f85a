"""The shipped sample data is consistent, realistic in shape, and rebuilds byte for byte."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import re
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from socanalysis.classify.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "sample_data"
WEBROPOL_COLUMNS = [
    "Vastauksen ID",
    "Päivämäärä",
    "Yksikkö",
    "Kunta",
    "Havainto",
    "Toimenpide-ehdotus",
    "Myönteinen vai kielteinen havainto",
    "SHL 11 § tuen tarve",
    "Hallinnonala",
]
XLSX_COLUMNS = [
    "ID",
    "Datum",
    "Enhet",
    "Kommun",
    "Beskrivning",
    "Åtgärdsförslag",
    "Positiv/negativ",
    "Stödbehov enligt SHL 11 §",
    "Förvaltningsområde",
]
# gold sector keys must be keys of the shipped default sector taxonomy
SECTOR_KEYS = set(load_taxonomy("sectors").keys)
PII_TYPES = {"hetu", "hetu_invalid", "phone", "email", "name", "address", "iban", "vehicle"}
HETU = re.compile(r"(\d{6})([-+A-FU-Y])(\d{3})([0-9A-Y])")
HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
WEBROPOL_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}) klo (\d{1,2})\.(\d{2})")


def read_csv_dicts(path: Path, **kw) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, **kw))


@pytest.fixture(scope="module")
def webropol() -> list[dict[str, str]]:
    return read_csv_dicts(DATA / "reports_webropol.csv", delimiter=";")


@pytest.fixture(scope="module")
def gold() -> list[dict[str, str]]:
    return read_csv_dicts(DATA / "gold.csv")


@pytest.fixture(scope="module")
def gold_pii() -> list[dict[str, str]]:
    return read_csv_dicts(DATA / "gold_pii.csv")


@pytest.fixture(scope="module")
def themes() -> dict:
    return yaml.safe_load((DATA / "themes_gold.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def joined(webropol, gold) -> list[dict[str, str]]:
    by_id = {g["report_id"]: g for g in gold}
    out = []
    for row in webropol:
        m = WEBROPOL_DATE.fullmatch(row["Päivämäärä"])
        assert m, row["Päivämäärä"]
        d, mo, y, h, mi = map(int, m.groups())
        out.append({**row, **by_id[row["Vastauksen ID"]], "when": dt.datetime(y, mo, d, h, mi)})
    return out


def hetu_is_valid(code: str) -> bool:
    m = HETU.fullmatch(code)
    assert m, f"not shaped like a personal identity code: {code}"
    ddmmyy, _sign, individual, check = m.groups()
    return HETU_CHECK[int(ddmmyy + individual) % 31] == check


def iban_is_valid(iban: str) -> bool:
    raw = iban.replace(" ", "")
    moved = raw[4:] + raw[:4]
    digits = "".join(str(int(c, 36)) for c in moved)
    return int(digits) % 97 == 1


# ------------------------------------------------------------------------------------------
# file formats
# ------------------------------------------------------------------------------------------
def test_webropol_csv_is_a_realistic_export(webropol):
    raw = (DATA / "reports_webropol.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    first_line = raw.split(b"\n", 1)[0]
    assert first_line.endswith(b"\r"), "CRLF line ends"
    assert first_line[3:-1].decode("utf-8").split(";") == WEBROPOL_COLUMNS
    assert list(webropol[0]) == WEBROPOL_COLUMNS
    # multi-line cells are quoted and survive the round trip
    assert sum("\n" in r["Havainto"] for r in webropol) >= 20
    assert sum("\n- " in r["Havainto"] for r in webropol) >= 10, "bullet lists"
    assert {r["Myönteinen vai kielteinen havainto"] for r in webropol} == {
        "Myönteinen",
        "Kielteinen",
    }
    assert all(WEBROPOL_DATE.fullmatch(r["Päivämäärä"]) for r in webropol)


def test_xlsx_is_a_messy_excel_export_with_the_same_reports(webropol):
    from openpyxl import load_workbook

    wb = load_workbook(DATA / "reports.xlsx")
    assert wb.sheetnames == ["Rapporter", "Ohje"]
    ws = wb["Rapporter"]
    assert "Sosiaalinen raportointi" in ws.cell(1, 1).value
    assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges), "merged title cell"
    assert all(c.value is None for c in ws[2]), "empty row 2"
    header = [c.value for c in ws[3]]
    assert [h for h in header if h is not None] == XLSX_COLUMNS
    assert None in header[: len(XLSX_COLUMNS)], "an extra empty column inside the table"
    empty_col = header.index(None) + 1
    assert all(ws.cell(r, empty_col).value is None for r in range(4, ws.max_row + 1))
    col = {h: i + 1 for i, h in enumerate(header) if h is not None}
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == len(webropol)
    for row, ref in zip(rows, webropol, strict=True):
        assert str(row[col["ID"] - 1]) == ref["Vastauksen ID"]
        assert isinstance(row[col["Datum"] - 1], dt.datetime), "real Excel date cells"
        assert row[col["Beskrivning"] - 1] == ref["Havainto"]
        assert (row[col["Åtgärdsförslag"] - 1] or "") == ref["Toimenpide-ehdotus"]
        assert row[col["Enhet"] - 1] == ref["Yksikkö"]
    ohje = wb["Ohje"]
    text = " ".join(str(c.value) for c in ohje["A"] if c.value)
    assert "SHL 11" in text and "Beskrivning" not in [c.value for c in ohje[1]]


# ------------------------------------------------------------------------------------------
# ids, languages, dates, units
# ------------------------------------------------------------------------------------------
def test_same_ids_everywhere(webropol, gold, gold_pii):
    ids = [r["Vastauksen ID"] for r in webropol]
    assert len(ids) >= 220
    assert len(set(ids)) == len(ids)
    assert [g["report_id"] for g in gold] == ids
    assert {p["report_id"] for p in gold_pii} <= set(ids)


def test_texts_are_unique_and_fully_rendered(webropol):
    texts = [r["Havainto"] for r in webropol]
    assert len(set(texts)) == len(texts)
    assert not any("{" in t or "}" in t for t in texts), "unfilled placeholder"
    # Latin script only (a stray Cyrillic letter looks identical but breaks lemmatisers)
    assert not any(re.search(r"[\u0370-\u03ff\u0400-\u04ff]", t) for t in texts)
    lengths = sorted(len(t.split()) for t in texts)
    assert lengths[0] <= 12 and lengths[-1] >= 60, "short one-liners and long reports"


def test_language_shares(gold):
    n = len(gold)
    share = {k: v / n for k, v in Counter(g["language"] for g in gold).items()}
    assert set(share) == {"fi", "sv", "mixed", "other"}
    assert 0.52 <= share["fi"] <= 0.66
    assert 0.28 <= share["sv"] <= 0.40
    assert 0.03 <= share["mixed"] <= 0.08
    assert 0.01 <= share["other"] <= 0.05
    others = [g["other_language"] for g in gold if g["language"] == "other"]
    assert {"en", "et"} <= set(others)


def test_dates_span_two_full_years_on_working_days(joined):
    dates = [r["when"] for r in joined]
    assert dates == sorted(dates), "export in response order"
    assert min(dates).date() < dt.date(2024, 1, 20)
    assert max(dates).date() > dt.date(2025, 12, 10)
    assert all(d.weekday() < 5 for d in dates)
    months = {(d.year, d.month) for d in dates}
    assert len(months) == 24


def test_units_and_municipalities(joined):
    units = Counter(r["Yksikkö"] for r in joined)
    assert len(units) >= 12
    assert min(units.values()) >= 5
    municipalities = {r["Kunta"] for r in joined}
    assert {"Vasa", "Pargas", "Närpes", "Kristinestad", "Borgå"} <= municipalities
    assert len(municipalities) >= 8


# ------------------------------------------------------------------------------------------
# themes and weak signals
# ------------------------------------------------------------------------------------------
def test_recurring_themes_in_both_languages_and_both_years(joined, themes):
    recurring = set(themes["themes"])
    assert len(recurring) >= 12
    seen = defaultdict(set)
    for r in joined:
        seen[r["theme"]].add((r["language"], r["when"].year))
    for key in recurring:
        for lang in ("fi", "sv"):
            for year in (2024, 2025):
                assert (lang, year) in seen[key], f"{key}: no {lang} report in {year}"
    used = {r["theme"] for r in joined}
    assert used == recurring | set(themes["weak_signals"]) | set(themes["other"])


def test_recurring_themes_cover_all_quarters(joined, themes):
    for key in themes["themes"]:
        quarters = {
            (r["when"].year, (r["when"].month - 1) // 3) for r in joined if r["theme"] == key
        }
        assert len(quarters) >= 6, f"{key} is not spread over the two years"


def test_weak_signals_only_in_the_last_four_months(joined, themes):
    weak = set(themes["weak_signals"])
    assert len(weak) == 3
    for key in weak:
        rows = [r for r in joined if r["weak_signal"] == key]
        assert 4 <= len(rows) <= 7, key
        assert all(r["theme"] == key for r in rows)
        assert all(
            dt.datetime(2025, 9, 1) <= r["when"] <= dt.datetime(2025, 12, 31, 23, 59) for r in rows
        )
        assert len({r["Yksikkö"] for r in rows}) >= 3, f"{key} comes from one unit only"
        assert {"fi", "sv"} <= {r["language"] for r in rows}
    for r in joined:
        assert (r["weak_signal"] in weak) == (r["theme"] in weak)


def test_positive_and_negative_observations(joined, themes):
    pol = Counter(r["polarity"] for r in joined)
    assert set(pol) == {"positive", "negative"}
    assert 20 <= pol["positive"] <= 0.3 * len(joined)
    for r in joined:
        expected = "Myönteinen" if r["polarity"] == "positive" else "Kielteinen"
        assert r["Myönteinen vai kielteinen havainto"] == expected
    good = [
        k
        for k in themes["themes"]
        if sum(r["polarity"] == "positive" for r in joined if r["theme"] == k)
        > sum(r["polarity"] == "negative" for r in joined if r["theme"] == k)
    ]
    assert good, "at least one theme of mostly good practices"


def test_proposals_often_but_not_always(joined):
    share = sum(bool(r["Toimenpide-ehdotus"]) for r in joined) / len(joined)
    assert 0.45 <= share <= 0.8


# ------------------------------------------------------------------------------------------
# §11 and sectors
# ------------------------------------------------------------------------------------------
def test_gold_shl_and_sectors_are_well_formed(gold):
    for g in gold:
        points = [int(p) for p in g["shl"].split(";")]
        assert 1 <= len(points) <= 3 and len(set(points)) == len(points)
        assert all(1 <= p <= 10 for p in points)
        assert points[0] == int(g["shl_primary"])
        sectors = g["sectors"].split(";")
        assert 1 <= len(sectors) <= 3 and len(set(sectors)) == len(sectors)
        assert set(sectors) <= SECTOR_KEYS
        assert sectors[0] == g["sector_primary"]
        assert g["polarity"] in {"positive", "negative"}
    assert {int(g["shl_primary"]) for g in gold} >= {2, 3, 4, 5, 7, 8, 10}
    assert {p for g in gold for p in map(int, g["shl"].split(";"))} == set(range(1, 11))


def test_reporter_columns_are_partly_filled_and_sometimes_wrong(joined):
    filled = [r for r in joined if r["SHL 11 § tuen tarve"]]
    assert 0.6 <= len(filled) / len(joined) <= 0.8
    numeric = [r for r in filled if re.fullmatch(r"[\d, ]+", r["SHL 11 § tuen tarve"])]
    wrong = [
        r for r in numeric if int(r["SHL 11 § tuen tarve"].split(",")[0]) != int(r["shl_primary"])
    ]
    assert numeric and wrong, "reporters' own §11 choices include mistakes"
    assert any(not re.search(r"\d", r["SHL 11 § tuen tarve"]) for r in filled), "labels too"
    sector_filled = sum(bool(r["Hallinnonala"]) for r in joined) / len(joined)
    assert 0.3 <= sector_filled <= 0.6


# ------------------------------------------------------------------------------------------
# planted identifiers
# ------------------------------------------------------------------------------------------
def test_gold_pii_values_occur_in_their_reports(webropol, gold_pii):
    text = {r["Vastauksen ID"]: r["Havainto"] for r in webropol}
    assert {p["type"] for p in gold_pii} == PII_TYPES
    for p in gold_pii:
        assert p["value"] in text[p["report_id"]], p
    assert 20 <= len({p["report_id"] for p in gold_pii}) <= 32
    # no planted value leaks into a report it is not listed for
    listed = {(p["report_id"], p["value"]) for p in gold_pii}
    for rid, t in text.items():
        for p in gold_pii:
            if p["value"] in t:
                assert (rid, p["value"]) in listed


def test_identity_codes_and_ibans(gold_pii):
    hetus = [p["value"] for p in gold_pii if p["type"] == "hetu"]
    invalid = [p["value"] for p in gold_pii if p["type"] == "hetu_invalid"]
    assert len(hetus) >= 5 and 2 <= len(invalid) <= 3
    assert all(hetu_is_valid(h) for h in hetus)
    assert not any(hetu_is_valid(h) for h in invalid)
    signs = {HETU.fullmatch(h).group(2) for h in hetus}
    assert "-" in signs and signs & set("BCDEF") and signs & set("UVWXY"), "2023 century signs"
    ibans = [p["value"] for p in gold_pii if p["type"] == "iban"]
    assert ibans and all(v.startswith("FI") and iban_is_valid(v) for v in ibans)
    phones = [p["value"] for p in gold_pii if p["type"] == "phone"]
    assert any(v.startswith("+358 ") for v in phones)
    assert any(re.fullmatch(r"0\d{2}-\d{7}", v) for v in phones)
    assert any(re.fullmatch(r"0\d{1,2} \d{3} \d{4}", v) for v in phones)
    vehicles = [p["value"] for p in gold_pii if p["type"] == "vehicle"]
    assert vehicles and all(re.fullmatch(r"[A-Z]{3}-\d{1,3}", v) for v in vehicles)


def test_hetu_check_matches_known_example():
    # the example from the Digital and Population Data Services Agency's documentation
    assert hetu_is_valid("131052-308T")
    assert not hetu_is_valid("131052-308U")


# ------------------------------------------------------------------------------------------
# reproducibility
# ------------------------------------------------------------------------------------------
def load_build_module():
    path = DATA / "build_sample_data.py"
    spec = importlib.util.spec_from_file_location("build_sample_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def xlsx_writer_version(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        app = zf.read("docProps/app.xml").decode("utf-8")
    m = re.search(r"Openpyxl ([\w.]+)", app)
    return m.group(1) if m else ""


def xlsx_values(path: Path) -> list[list[list]]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [[list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets]


def test_rebuild_is_byte_identical(tmp_path):
    import openpyxl

    module = load_build_module()
    first = module.build(tmp_path / "a")
    second = module.build(tmp_path / "b")
    assert set(first) == {"csv", "xlsx", "gold", "gold_pii", "themes"}
    for key, path in first.items():
        assert path.read_bytes() == second[key].read_bytes(), f"{path.name}: not deterministic"
        shipped = DATA / path.name
        if key == "xlsx" and xlsx_writer_version(shipped) != openpyxl.__version__:
            # another openpyxl may lay out the zip differently: the content must still agree
            assert xlsx_values(path) == xlsx_values(shipped)
            continue
        assert path.read_bytes() == shipped.read_bytes(), f"{path.name}: rebuild differs"


def test_gold_csv_parses_as_plain_csv():
    raw = (DATA / "gold.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[0][:9] == [
        "report_id",
        "language",
        "theme",
        "weak_signal",
        "shl_primary",
        "shl",
        "sector_primary",
        "sectors",
        "polarity",
    ]
    assert len({len(r) for r in rows}) == 1


# ------------------------------------------------------------------------------------------
# the texts agree with their labels and dates
# ------------------------------------------------------------------------------------------
FOLD = str.maketrans("äöåÄÖÅ", "aoaAOA")


def folded(text: str) -> str:
    return text.translate(FOLD).lower()


def test_seasonal_words_match_the_report_date(joined):
    autumn = ("syksyn aikana", "syksylla", "koko syksyn", "under hosten")
    spring = ("kevaan aikana", "under varen")
    for r in joined:
        text = folded(r["Havainto"])
        if any(w in text for w in autumn):
            assert r["when"].month in (9, 10, 11, 12, 1, 2), (r["report_id"], text[:80])
        if any(w in text for w in spring):
            assert r["when"].month in (2, 3, 4, 5, 6), (r["report_id"], text[:80])
        if "siirto kunnille" in text or "flyttades till kommunerna" in text:
            assert r["when"] >= dt.datetime(2025, 1, 1), "employment services moved on 1.1.2025"


def test_good_practice_wording_only_in_positive_reports(joined):
    cues = ("hyva kaytanto", "myonteinen havainto", "god praxis", "positiv iakttagelse")
    for r in joined:
        if any(c in folded(r["Havainto"]) for c in cues):
            assert r["polarity"] == "positive", r["report_id"]


def test_weak_signal_vocabulary_stays_in_weak_signals(joined):
    # the new phenomena must not leak into the recurring themes (that would make them old)
    words = {
        "money_mules": ("rahanvalittaj", "penningmalvakt"),
        "phone_scams_elderly": ("huijauspuhelu", "bedragerisamtal"),
        "housing_benefit_rule": ("maksusaanto", "betalningsregel", "tulorekisteri"),
    }
    for r in joined:
        text = folded(r["Havainto"])
        for key, cues in words.items():
            if any(c in text for c in cues):
                assert r["theme"] == key, (r["report_id"], key)


def test_readme_figures_match_the_data(gold):
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    lang = Counter(g["language"] for g in gold)
    pol = Counter(g["polarity"] for g in gold)
    assert f"{len(gold)} reports" in readme
    assert f"{lang['fi']} Finnish" in readme and f"{lang['sv']} Swedish" in readme
    assert f"{pol['negative']} negative and {pol['positive']} positive" in readme
    themes = Counter(g["theme"] for g in gold)
    for key, n in themes.items():
        assert re.search(rf"\| `{key}`[^|]*\|[^|]*\| {n} \|", readme), f"README count for {key}"
