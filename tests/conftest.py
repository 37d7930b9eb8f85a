"""Shared fixtures: small real files written per test, never the network."""

from __future__ import annotations

import os

import pytest

# Nothing may download at run time; hub libraries must stay offline in every test.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def webropol_rows() -> list[list[str]]:
    """A header and rows as a Finnish Webropol export has them."""
    return [
        [
            "Vastauksen ID",
            "Päivämäärä",
            "Yksikkö",
            "Havainto",
            "Toimenpide-ehdotus",
            "Myönteinen vai kielteinen havainto",
        ],
        [
            "101",
            "31.12.2024 klo 14.05",
            "Aikuissosiaalityö Turku",
            "Nuorten aikuisten vuokrat ovat nousseet,\nasumistuki ei riitä.",
            "Korotus",
            "Kielteinen",
        ],
        [
            "102",
            "2.1.2025",
            "Socialbyrån Vasa",
            "Äldre svenskspråkiga får inte service på svenska.",
            "",
            "Negativ",
        ],
        [
            "103",
            "15.3.2025 klo 9.30",
            "Perhepalvelut Salo",
            "Kohtaamispaikka toimii hyvin.",
            "",
            "Myönteinen",
        ],
    ]


@pytest.fixture
def export_csv(tmp_path, webropol_rows):
    """The Webropol rows as a CSV export, with an empty report and a duplicate added."""
    rows = [
        *webropol_rows,
        ["104", "1.4.2025", "X", "", "", ""],
        ["105", "2.4.2025", "Y", webropol_rows[1][3], "", ""],
    ]
    path = tmp_path / "export.csv"
    path.write_text("\r\n".join(";".join(f'"{c}"' for c in r) for r in rows), encoding="utf-8-sig")
    return path
