"""Realistic analysed results for the export tests and benchmark, built in code.

Texts are short Finnish and Swedish social reports on the recurring themes of DOMAIN.md. The raw
``text`` and ``proposal`` columns may carry planted identifiers; ``text_masked`` and
``proposal_masked`` carry the placeholders that the privacy stage writes instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from socanalysis.config import AnalysisConfig
from socanalysis.export.contract import REPORTS_COLUMNS
from socanalysis.pipeline import AnalysisResult

PLANTED = ("131052-308T", "+358 40 123 4567", "matti.meikalainen@example.fi", "Matti Meikäläinen")

SHL_LABELS = {
    "1": {"fi": "arjessa selviytyminen", "sv": "vardagen"},
    "2": {"fi": "asuminen", "sv": "boende"},
    "3": {"fi": "taloudellinen tuki", "sv": "ekonomiskt stöd"},
    "4": {"fi": "syrjäytyminen ja osallisuus", "sv": "utanförskap och delaktighet"},
    "5": {"fi": "väkivalta ja kaltoinkohtelu", "sv": "våld och illabehandling"},
    "6": {"fi": "äkilliset kriisit", "sv": "akuta kriser"},
    "7": {"fi": "lapsen kehitys ja hyvinvointi", "sv": "barns utveckling och välfärd"},
    "8": {
        "fi": "päihteet, mielenterveys, sairaus, vamma, ikääntyminen",
        "sv": "rusmedel, psykisk ohälsa, sjukdom, skada, åldrande",
    },
    "9": {"fi": "muu toimintakyky", "sv": "annan funktionsförmåga"},
    "10": {"fi": "omaiset ja läheiset", "sv": "anhöriga och närstående"},
}
SECTOR_LABELS = {
    "social_services": {"fi": "sosiaalipalvelut", "sv": "socialservice"},
    "health_services": {"fi": "terveyspalvelut", "sv": "hälso- och sjukvård"},
    "mental_health_substance_services": {
        "fi": "mielenterveys- ja päihdepalvelut",
        "sv": "mentalvårds- och missbrukartjänster",
    },
    "elderly_services": {"fi": "ikääntyneiden palvelut", "sv": "äldreomsorg"},
    "child_welfare": {"fi": "lastensuojelu ja jälkihuolto", "sv": "barnskydd och eftervård"},
    "youth_services": {"fi": "nuorisopalvelut", "sv": "ungdomstjänster"},
    "housing": {"fi": "asuminen", "sv": "boende"},
    "kela": {"fi": "Kela", "sv": "FPA"},
    "immigration_integration": {
        "fi": "maahanmuutto ja kotoutuminen",
        "sv": "invandring och integration",
    },
}

# theme id -> labels, keywords, §11 points, sectors, fi and sv texts (masked), proposals (masked)
THEMES = {
    0: dict(
        label_fi="Nuorten aikuisten asumiskulut",
        label_sv="Unga vuxnas boendekostnader",
        keywords_fi="vuokra; asumistuki; nuori aikuinen; vuokrarästi",
        keywords_sv="hyra; bostadsbidrag; ung vuxen; hyresskuld",
        shl="2;3",
        sectors="housing;kela",
        fi="Nuoren aikuisen [NIMI] vuokra nousi ja asumistuki ei riitä, vuokrarästejä kertyy.",
        sv="Unga vuxna som [NAMN] har inte råd med hyran, bostadsbidraget räcker inte.",
        proposal_fi="Kohtuuhintaisia vuokra-asuntoja nuorille, yhteistyö vuokranantajien kanssa.",
        proposal_sv="Fler hyresbostäder till rimligt pris för unga.",
    ),
    1: dict(
        label_fi="Mielenterveyspalvelujen jonot",
        label_sv="Köer till mentalvården",
        keywords_fi="mielenterveys; jono; psykiatri; odotus",
        keywords_sv="psykisk ohälsa; kö; psykiatri; väntan",
        shl="8",
        sectors="mental_health_substance_services;health_services",
        fi="Asiakas odottaa psykiatrin aikaa kuukausia, soitti numerosta [PUHELIN] useasti.",
        sv="Klienten väntar i månader på tid till psykiatrin, mår allt sämre.",
        proposal_fi="Matalan kynnyksen mielenterveyspalveluja sosiaalitoimen yhteyteen.",
        proposal_sv="Lågtröskeltjänster för psykisk ohälsa.",
    ),
    2: dict(
        label_fi="Omaishoitajien uupuminen",
        label_sv="Utmattade närståendevårdare",
        keywords_fi="omaishoitaja; uupumus; vapaa; kotihoito",
        keywords_sv="närståendevårdare; utmattning; ledighet; hemvård",
        shl="10;8",
        sectors="elderly_services;social_services",
        fi="Omaishoitaja [NIMI] on uupunut, lakisääteiset vapaat jäävät pitämättä.",
        sv="Närståendevårdaren orkar inte längre, avlösning saknas.",
        proposal_fi="Sijaishoitoa omaishoitajan vapaiden ajaksi.",
        proposal_sv="Avlösning för närståendevårdare.",
    ),
    3: dict(
        label_fi="Digitaalisen asioinnin esteet",
        label_sv="Hinder i digitala tjänster",
        keywords_fi="sähköinen asiointi; tunnistautuminen; pankkitunnus; Kela",
        keywords_sv="e-tjänst; identifiering; bankkoder; FPA",
        shl="1;4",
        sectors="kela;social_services",
        fi="Ikääntynyt asiakas ei saa hakemusta tehtyä ilman pankkitunnuksia, "
        "[SÄHKÖPOSTI] ei toimi.",
        sv="Äldre klient kan inte ansöka hos FPA utan bankkoder.",
        proposal_fi="Asiointiapua kasvokkain Kelan ja hyvinvointialueen yhteispisteessä.",
        proposal_sv="Personlig service vid FPA.",
    ),
}
OUTLIER_TEXT_FI = "Asiakas [NIMI] kertoi tilanteestaan, jota on vaikea luokitella."
GOOD_TEXT_FI = "Kohtaamispaikka toimii hyvin: asiakkaat saavat apua nopeasti ilman ajanvarausta."
GOOD_TEXT_SV = "Mötesplatsen fungerar bra, klienterna får snabbt hjälp utan tidsbokning."
UNITS = [
    ("Turku", "Aikuissosiaalityö Turku"),
    ("Salo", "Perhepalvelut Salo"),
    ("Vaasa", "Socialbyrån Vasa"),
    ("Kaarina", "Vammaispalvelut Kaarina"),
    ("Pargas", "Socialservice Pargas"),
]


def planted_text(masked: str) -> str:
    """Raw text: the masked text with real-looking identifiers put back in."""
    return (
        masked.replace("[NIMI]", PLANTED[3])
        .replace("[NAMN]", PLANTED[3])
        .replace("[PUHELIN]", PLANTED[1])
        .replace("[SÄHKÖPOSTI]", PLANTED[2])
        + f" Hetu {PLANTED[0]}, puh. {PLANTED[1]}, {PLANTED[2]}."
    )


def make_reports(n: int = 60, seed: int = 0) -> pd.DataFrame:
    """An analysed report table of ``n`` rows over 2024-2025 (fi and sv, all statuses)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01")
    rows = []
    for i in range(n):
        rid = f"r{i + 1:04d}"
        status = "ok"
        if i % 29 == 28:
            status = "empty"
        elif i % 31 == 30:
            status = "duplicate"
        # theme 3 only in the last quarter: an emerging theme for the emergence map
        day = int(rng.integers(0, 730))
        theme_id = int(rng.choice([0, 0, 1, 1, 2, -1]))
        if day > 640 and rng.random() < 0.6:
            theme_id = 3
        language = "sv" if rng.random() < 0.3 else "fi"
        positive = rng.random() < 0.15
        municipality, unit = UNITS[int(rng.integers(0, len(UNITS)))]
        if theme_id == -1:
            masked = OUTLIER_TEXT_FI
            shl, sectors, proposal = "9", "social_services", ""
        else:
            spec = THEMES[theme_id]
            masked = spec[language]
            shl, sectors = spec["shl"], spec["sectors"]
            proposal = spec[f"proposal_{language}"] if rng.random() < 0.7 else ""
        if positive:
            masked = GOOD_TEXT_SV if language == "sv" else GOOD_TEXT_FI
        masked = f"{masked} ({rid})"
        text = planted_text(masked)
        if status == "empty":
            text, masked, proposal, theme_id, language = "", "", "", -1, ""
        rows.append(
            {
                "report_id": rid,
                "source_row": i + 2,
                "status": status,
                "status_reason": "" if status == "ok" else status,
                "text": text,
                "proposal": planted_text(proposal) if proposal else "",
                "date": start + pd.Timedelta(days=day),
                "unit": unit,
                "municipality": municipality,
                "polarity": "positive" if positive else ("negative" if i % 7 else "unknown"),
                "shl_reported": shl.split(";")[0] if i % 3 == 0 else "",
                "sectors_reported": "",
                "duplicate_of": "r0001" if status == "duplicate" else "",
                "language": language,
                "language_confidence": 0.97 if language else float("nan"),
                "theme_id": theme_id,
                "theme_label": THEMES[theme_id]["label_fi"] if theme_id >= 0 else "",
                "weak_signal_id": "",
                "shl_suggested": shl if status != "empty" else "",
                "shl_scores": "0.81;0.44" if status != "empty" else "",
                "sectors_suggested": sectors if status != "empty" else "",
                "sector_scores": "0.77;0.52" if status != "empty" else "",
                "pii_masked": masked.count("[") if status != "empty" else 0,
                "text_masked": masked,
                "proposal_masked": proposal,
            }
        )
    table = pd.DataFrame(rows)
    table.loc[table["theme_id"] == 3, "weak_signal_id"] = "ws-1"
    assert set(REPORTS_COLUMNS) <= set(table.columns)
    return table


def make_themes(reports: pd.DataFrame) -> pd.DataFrame:
    """The themes table computed from a report table (as the theme stage would)."""
    ok = reports[reports["status"] == "ok"]
    rows = []
    for theme_id in sorted(ok["theme_id"].unique()):
        group = ok[ok["theme_id"] == theme_id]
        spec = THEMES.get(int(theme_id), {})
        rows.append(
            {
                "theme_id": int(theme_id),
                "label_fi": spec.get("label_fi", ""),
                "label_sv": spec.get("label_sv", ""),
                "keywords_fi": spec.get("keywords_fi", ""),
                "keywords_sv": spec.get("keywords_sv", ""),
                "n_reports": len(group),
                "n_fi": int((group["language"] == "fi").sum()),
                "n_sv": int((group["language"] == "sv").sum()),
                "n_positive": int((group["polarity"] == "positive").sum()),
                "n_negative": int((group["polarity"] == "negative").sum()),
                "first_date": group["date"].min().strftime("%Y-%m-%d"),
                "last_date": group["date"].max().strftime("%Y-%m-%d"),
                "trend": "new" if theme_id == 3 else ("rising" if theme_id == 1 else "stable"),
                "top_shl": spec.get("shl", ""),
                "top_sectors": spec.get("sectors", ""),
                "example_report_ids": ";".join(group["report_id"].head(3)),
            }
        )
    return pd.DataFrame(rows)


def make_weak_signals(reports: pd.DataFrame) -> pd.DataFrame:
    ids = reports.loc[reports["weak_signal_id"] == "ws-1", "report_id"].tolist()
    units = reports.loc[reports["weak_signal_id"] == "ws-1", "unit"].nunique()
    return pd.DataFrame(
        [
            {
                "weak_signal_id": "ws-1",
                "label_fi": "Digitaalisen asioinnin esteet",
                "label_sv": "Hinder i digitala tjänster",
                "report_ids": ";".join(ids),
                "n_reports": len(ids),
                "n_units": units,
                "score": 0.83,
                "why": "Uusi viimeisellä jaksolla; 4 yksikköä; ei aiempaa vastinetta.",
            },
            {
                "weak_signal_id": "ws-2",
                "label_fi": "Tulkkipalvelujen puute",
                "label_sv": "Brist på tolkar",
                "report_ids": "r0005;r0009",
                "n_reports": 2,
                "n_units": 2,
                "score": 0.41,
                "why": "Kaksi raporttia kahdesta yksiköstä; kasvava.",
            },
        ]
    )


def make_result(n: int = 60, seed: int = 0, language: str = "fi") -> AnalysisResult:
    """A complete AnalysisResult as the pipeline returns it after every stage."""
    reports = make_reports(n, seed)
    themes = make_themes(reports)
    weak = make_weak_signals(reports)
    config = AnalysisConfig(output_language=language)
    run_info = {
        "socanalysis_version": "0.1.0",
        "python": "3.11.9",
        "platform": "Linux",
        "input": {"source": "export.xlsx", "format": "xlsx", "rows": n},
        "config": config.to_dict(),
        "seed": config.seed,
        "embedder": {"name": "e5-small-bundled", "dimension": 384},
        "counts": {
            "rows": n,
            "analysed": int((reports["status"] == "ok").sum()),
            "by_status": {
                str(k): int(v) for k, v in reports["status"].value_counts().sort_index().items()
            },
            "by_language": {
                str(k): int(v)
                for k, v in reports.loc[reports["language"] != "", "language"]
                .value_counts()
                .sort_index()
                .items()
            },
        },
        "timings_s": {"intake": 0.12, "language": 0.4, "themes": 3.1},
    }
    return AnalysisResult(reports, themes, weak, run_info, config)
