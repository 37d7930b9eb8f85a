"""Generate a seeded benchmark of personal data planted in realistic fi and sv report sentences.

Every planted identifier is recorded with its character span, type and (for identity codes and
IBANs) whether its checksum is right; tricky negatives (dates, times, amounts in euros, statute
references, years, percentages, institutions, municipalities, months, weekdays and the first
word of every sentence) are recorded too, so that bench_privacy.py can measure precision and
recall per type and the false-positive rate on negatives.

Names come in two groups: names from the detector's own lists, and held-out names that are in
no list (``in_list`` false), so that the heuristic is measured apart from list look-up.

Usage::

    python benchmarks/make_pii_set.py --seed 0 --reports 700 --out /tmp/pii_set.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

CHECK_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"

# --- names -------------------------------------------------------------------------------------
LIST_FIRST_FI = [
    "Matti", "Pekka", "Jukka", "Heikki", "Antti", "Sanna", "Liisa", "Tiina", "Minna", "Juha",
    "Kari", "Sari", "Mikko", "Jussi", "Päivi", "Riikka", "Eero", "Aleksi", "Noora", "Ville",
    "Sirpa", "Tuula", "Seppo", "Timo", "Jenni", "Laura", "Emilia", "Onni", "Anna", "Venla",
]  # fmt: skip
LIST_FIRST_SV = [
    "Erik", "Johan", "Karin", "Lena", "Mats", "Nils", "Sofia", "Henrik", "Ulla", "Åsa",
    "Göran", "Fredrik", "Ingrid", "Hans", "Ebba", "Oskar", "Linnea", "Gunilla", "Björn", "Stina",
]  # fmt: skip
LIST_FIRST_OTHER = ["Ahmed", "Fatima", "Mohamed", "Olena", "Abdi", "Amina", "Igor", "Hassan"]
LIST_SUR_FI = [
    "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen", "Koskinen",
    "Lehtonen", "Saarinen", "Salminen", "Rantanen", "Jokinen", "Kivi",
]  # fmt: skip
LIST_SUR_SV = [
    "Lindholm", "Johansson", "Karlsson", "Nyman", "Sjöberg", "Holmström", "Lindqvist", "Berg",
    "Eriksson", "Forsman", "Grönroos", "Sundström",
]  # fmt: skip
# held-out: not in socanalysis/nlp/data/privacy_names.yaml (checked at generation time)
HELD_FIRST_FI = [
    "Aune", "Eveliina", "Iiris", "Jooa", "Lenni", "Peetu", "Saku", "Tuure", "Vertti", "Vilppu",
    "Kaapo", "Elmo", "Hertta", "Inka", "Kiia", "Reino", "Topias", "Nelli",
]  # fmt: skip
HELD_SUR_FI = [
    "Heikura", "Kolehmainen", "Puustinen", "Kärnä", "Hyttinen", "Rönkkö", "Tikkanen", "Ryynänen",
    "Koponen", "Hirvikoski", "Mäenpää", "Pajunen", "Väänänen", "Honkala", "Kilpeläinen", "Ylitalo",
    "Haapala", "Rajala", "Hautala", "Ketonen",
]  # fmt: skip
HELD_FIRST_SV = [
    "Elvira", "Folke", "Gottfrid", "Hedda", "Ingmar", "Kasper", "Majken", "Nora", "Ronja", "Signe",
    "Tyra", "Vidar", "Edit", "Alvar", "Ines", "Melker",
]  # fmt: skip
HELD_SUR_SV = [
    "Bergqvist", "Dahlström", "Ekström", "Fagerholm", "Grönqvist", "Hellström", "Knuts",
    "Mickelsson", "Nordman", "Snickars", "Wargh", "Backström", "Hästbacka", "Ingves", "Lillqvist",
    "Mattfolk", "Rögård",
]  # fmt: skip
HELD_FIRST_OTHER = [
    "Abdiaziz", "Halima", "Nasra", "Yonas", "Tesfaye", "Oleksii", "Bogdan", "Farhan",
]  # fmt: skip

# --- other values ------------------------------------------------------------------------------
STREET_ROOTS_FI = ["Rauhan", "Kauppa", "Koulu", "Kirkko", "Puisto", "Myllyn", "Sataman", "Tehtaan",
                   "Linnan", "Aleksanterin", "Humaliston", "Kaski", "Koivu", "Pihlaja", "Vaahtera",
                   "Uudenmaan", "Hämeen", "Ylioppilas", "Vähä", "Iso"]  # fmt: skip
STREET_SUFFIXES_FI = ["katu", "tie", "kuja", "polku", "rinne", "kaari"]
STREET_ROOTS_SV = ["Stor", "Skol", "Kyrko", "Hamn", "Kvarn", "Strand", "Björk", "Rönn", "Sjö",
                   "Skeppar", "Rådhus", "Berg"]  # fmt: skip
STREET_SUFFIXES_SV = ["gatan", "vägen", "gränd", "stigen"]
POSTAL = [
    ("20100", "Turku"), ("20500", "Turku"), ("65100", "Vasa"), ("65200", "Vaasa"),
    ("00100", "Helsinki"), ("00530", "Helsingfors"), ("21200", "Raisio"), ("68600", "Jakobstad"),
    ("24100", "Salo"), ("33100", "Tampere"), ("66900", "Nykarleby"), ("64200", "Närpes"),
    ("90100", "Oulu"), ("21600", "Parainen"), ("10600", "Ekenäs"), ("23500", "Uusikaupunki"),
]  # fmt: skip
EMAIL_DOMAINS = ["gmail.com", "hotmail.com", "outlook.com", "varha.fi", "ovph.fi", "luukku.com",
                 "suomi24.fi", "yahoo.se", "netti.fi", "example.org"]  # fmt: skip
INSTITUTIONS_FI = ["Kela", "TE-toimisto", "Ohjaamo", "HUS", "Varha", "Vasso", "THL", "AVI"]
INSTITUTIONS_SV = ["FPA", "TE-byrån", "Navigatorn", "HUS", "Folkhälsan", "Migrationsverket"]
PLACES_FI = ["Turku", "Raisio", "Kaarina", "Salo", "Uusikaupunki", "Loimaa", "Naantali", "Lieto"]
PLACES_SV = ["Vasa", "Korsholm", "Närpes", "Jakobstad", "Pargas", "Kristinestad", "Nykarleby"]
MONTHS_FI = ["tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "syyskuu", "lokakuu"]
MONTHS_SV = ["januari", "februari", "mars", "april", "maj", "september", "oktober"]
WEEKDAYS_FI = ["maanantai", "tiistai", "keskiviikko", "torstai", "perjantai"]
WEEKDAYS_SV = ["måndag", "tisdag", "onsdag", "torsdag", "fredag"]
STATUTES_FI = ["SHL 11 §", "1301/2014", "§ 7", "SHL 7 §:n", "LSL 34 §", "HE 164/2014",
               "1301/2014 11 §", "sosiaalihuoltolain 36 §"]  # fmt: skip
SERVICES_FI = [
    "Aikuissosiaalityöhön", "Perhekeskukseen", "Nuorisoasemalle", "Asumisneuvontaan",
    "Sosiaalipäivystykseen", "Vammaispalveluihin", "Mielenterveysseuran", "Velkaneuvonnan",
    "Omaishoidon tuen", "Työllisyyspalveluiden", "Päihdepalveluihin", "Perheneuvolaan",
    "Aikuissosiaalityön", "Kotihoidon", "Lastensuojeluun", "Etsivän nuorisotyön",
]  # fmt: skip
SERVICES_SV = [
    "Socialjouren", "Hemvården", "Barnskyddet", "Familjecentret", "Ungdomsstationen",
    "Skuldrådgivningen", "Handikappservicen", "Vuxensocialarbetet", "Missbrukarvården",
    "Familjerådgivningen", "Uppsökande ungdomsarbetet", "Boenderådgivningen",
]  # fmt: skip
STATUTES_SV = ["SVL 11 §", "1301/2014", "§ 7", "socialvårdslagen 11 §", "BSL 34 §", "RP 164/2014"]


# --- templates ---------------------------------------------------------------------------------
# Slots: {name} full name, {first} first name, {sur} surname, {name_gen}/{first_all} inflected
# (fi), {name_gen_sv} Swedish genitive, {hetu}, {hetu_bad}, {phone}, {email}, {iban}, {address},
# {postal}, {vehicle}; negatives: {date}, {time}, {amount}, {statute}, {year}, {percent}, {inst},
# {place}, {month}, {weekday}, {count}.
TEMPLATES = {
    "fi": [
        "Asiakas {name} ({hetu}) otti yhteyttä {date} klo {time}.",
        "{name} kertoi, että {inst} ei ole vielä käsitellyt hakemusta ja vuokrarästiä on {amount}.",
        "Äiti {first} soitti numerosta {phone} ja pyysi takaisinsoittoa.",
        "Yhteystiedot: {email}, puh. {phone}.",
        "Tuki maksetaan tilille {iban} {date} alkaen.",
        "Perhe asuu osoitteessa {address}, {postal}.",
        "Nuoren auto {vehicle} hinattiin pois ja sakko oli {amount}.",
        "Hetu {hetu} ei täsmännyt {inst}n rekisteriin.",
        "Sosiaalityöntekijä {name} on tavoitettavissa {weekday}sin numerosta {phone}.",
        "Päätös tehtiin {date} ({statute}), ja asumistuki nousi {percent}.",
        "Asiakas muutti vuonna {year} paikkakunnalle {place}.",
        "Rouva {sur} kävi vastaanotolla {month}ssa.",
        "Tapasin {name_gen} kanssa {date} ja sovimme uuden ajan.",
        "Lähetin viestin {first_all} Wilman kautta.",
        "Vastaanotto on avoinna {weekday}isin klo {time}–{time}.",
        "Laskun summa oli {amount} ja eräpäivä {date}.",
        "Ks. {statute} sekä {statute}.",
        "Asiakkaan puoliso {name} ({hetu_bad}) ei ole kirjoilla kunnassa.",
        "Sähköposti {email} ei toiminut, joten soitin numeroon {phone}.",
        "Lapsi {first} ja veli {first} aloittavat koulun {month}ssa.",
        "Osoite: {address}, {postal}. Puhelin {phone}.",
        "{inst} ja {inst} eivät vastanneet viestiin {count} kertaa.",
        "Ajoneuvon {vehicle} omistaja {name} ei ole tavoitettavissa.",
        "Asiakas {name} on ollut työttömänä vuodesta {year}.",
        "Kelan päätöksessä {date} perustoimeentulotuki oli {amount} ja asumistuki {amount}.",
        "Nuori on ollut {inst}n asiakkaana vuodesta {year}, ja tilanne paheni {month}ssa.",
        "Tilille {iban} maksettiin väärin {amount}.",
        "Herra {sur} ilmoitti uudeksi numerokseen {phone}.",
        "Asiakkaalla on {count} lasta ja toimeentulotuen osuus on {percent}.",
        "{first} {sur} asuu {place}ssa ja käy {inst}ssa kerran viikossa.",
        "Hakemus jätettiin {date}, käsittely kesti {count} viikkoa ({statute}).",
        "Hänen hetunsa on {hetu} ja puhelin {phone}.",
        "asiakas {first_lower} soitti taas, aukioloajat ovat {range} ({code}).",
        "Hakemuksen mukaan {first}, {first} ja {first} asuvat samassa taloudessa.",
        "{first} kertoi, että vuosina {range} tuki ei riittänyt ja diagnoosi oli {code}.",
        "Äidin {name_gen} mukaan lapsi on ollut poissa koulusta {count} päivää.",
        "Asiakas ohjattiin {service} ja sieltä edelleen {service}.",
        "Yhteistyö {service} kanssa sujui, mutta {service} jonotus kestää {count} viikkoa.",
    ],
    "sv": [
        "Klienten {name} ({hetu}) kontaktade oss {date} kl. {time}.",
        "{name} berättade att {inst} inte har behandlat ansökan och att hyresskulden är {amount}.",
        "Mamma {first} ringde från {phone} och bad om att bli uppringd.",
        "Kontaktuppgifter: {email}, tel. {phone}.",
        "Stödet betalas till konto {iban} från och med {date}.",
        "Familjen bor på {address}, {postal}.",
        "Den unga personens bil {vehicle} bogserades bort och böterna var {amount}.",
        "Personbeteckningen {hetu} stämde inte med {inst}s register.",
        "Socialarbetaren {name} nås på {weekday}ar på nummer {phone}.",
        "Beslutet fattades {date} ({statute}) och bostadsbidraget steg {percent}.",
        "Klienten flyttade år {year} till {place}.",
        "Fru {sur} besökte mottagningen i {month}.",
        "Jag träffade {name_gen_sv} mamma {date} och vi bokade en ny tid.",
        "Jag skickade ett meddelande till {first} via Wilma.",
        "Mottagningen är öppen på {weekday}ar kl. {time}–{time}.",
        "Räkningen var {amount} och förfallodagen {date}.",
        "Se {statute} samt {statute}.",
        "Klientens sambo {name} ({hetu_bad}) är inte skriven i kommunen.",
        "E-posten {email} fungerade inte, så jag ringde {phone}.",
        "Barnet {first} och brodern {first} börjar skolan i {month}.",
        "Adress: {address}, {postal}. Telefon {phone}.",
        "{inst} och {inst} svarade inte på meddelandet {count} gånger.",
        "Ägaren till fordonet {vehicle}, {name}, går inte att nå.",
        "Klienten {name} har varit arbetslös sedan {year}.",
        "I FPA:s beslut {date} var utkomststödet {amount} och bostadsbidraget {amount}.",
        "Den unga har varit klient hos {inst} sedan {year} och läget blev sämre i {month}.",
        "Till konto {iban} betalades {amount} ut felaktigt.",
        "Herr {sur} meddelade sitt nya nummer {phone}.",
        "Klienten har {count} barn och utkomststödets andel är {percent}.",
        "{first} {sur} bor i {place} och besöker {inst} en gång i veckan.",
        "Ansökan lämnades in {date} och behandlingen tog {count} veckor ({statute}).",
        "Hennes personbeteckning är {hetu} och telefon {phone}.",
        "klienten {first_lower} ringde igen, öppettiderna är {range} ({code}).",
        "Enligt ansökan bor {first}, {first} och {first} i samma hushåll.",
        "{first} berättade att stödet under åren {range} inte räckte och diagnosen var {code}.",
        "Enligt {name_gen_sv} mamma har barnet varit borta från skolan {count} dagar.",
        "Klienten hänvisades till {service} och därifrån vidare till {service}.",
        "Samarbetet med {service} fungerade, men kön till {service} är {count} veckor.",
    ],
}


@dataclass
class Report:
    language: str
    text: str = ""
    spans: list[dict] = field(default_factory=list)
    negatives: list[dict] = field(default_factory=list)


def _hetu(rng: random.Random, valid: bool) -> str:
    year = rng.randint(1925, 2023)
    # old signs are still the most common, so they get more weight
    sign = rng.choice("-" * 4 + "UVWXY") if year < 2000 else rng.choice("A" * 4 + "BCDEF")
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    number = rng.randint(2, 899)
    base = f"{day:02d}{month:02d}{year % 100:02d}"
    check = CHECK_CHARS[int(f"{base}{number:03d}") % 31]
    if not valid:
        if rng.random() < 0.7:
            check = rng.choice([c for c in CHECK_CHARS if c != check])
        else:  # impossible date, right-looking checksum
            base = f"{rng.randint(32, 39)}{month:02d}{year % 100:02d}"
            check = CHECK_CHARS[int(f"{base}{number:03d}") % 31]
    return f"{base}{sign}{number:03d}{check}"


def _phone(rng: random.Random) -> str:
    mobile = rng.choice(["40", "41", "44", "45", "46", "50"])
    a, b = rng.randint(100, 999), rng.randint(1000, 9999)
    area = rng.choice(["9", "2", "6", "3", "17"])
    formats = [
        f"+358 {mobile} {a} {b}",
        f"+358{mobile}{a}{b}",
        f"0{mobile}-{a} {b}",
        f"0{mobile} {a}{b}",
        f"0{mobile} {a} {b}",
        f"0{mobile}-{a}{b}",
        f"0{area} {a} {b}",
        f"(0{area}) {b} {a}",
        f"0800 {a} {rng.randint(100, 999)}",
        f"+358 (0){mobile} {a} {b}",
        f"0{mobile}{a}{b}",
        f"+46 70 {a} {rng.randint(10, 99)} {rng.randint(10, 99)}",
    ]
    return rng.choice(formats)


def _ascii(s: str) -> str:
    return s.lower().translate(str.maketrans("äöåé", "aoae"))


def _email(rng: random.Random, first: str, sur: str) -> str:
    user = rng.choice(
        [f"{_ascii(first)}.{_ascii(sur)}", f"{_ascii(first)}{rng.randint(1, 99)}",
         f"{_ascii(first)[0]}{_ascii(sur)}", f"{_ascii(sur)}_{_ascii(first)}"]
    )  # fmt: skip
    return f"{user}@{rng.choice(EMAIL_DOMAINS)}"


def _iban(rng: random.Random, valid: bool = True) -> str:
    country, digits = rng.choice([("FI", 14), ("FI", 14), ("FI", 14), ("SE", 20), ("DE", 18),
                                  ("EE", 16), ("NO", 11), ("DK", 14)])  # fmt: skip
    bban = "".join(str(rng.randint(0, 9)) for _ in range(digits))
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    if not valid:
        check = (check + rng.randint(1, 90)) % 97 or 1
    compact = f"{country}{check:02d}{bban}"
    if rng.random() < 0.7:
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return compact


def _address(rng: random.Random, lang: str) -> str:
    if lang == "fi" or rng.random() < 0.3:
        street = rng.choice(STREET_ROOTS_FI) + rng.choice(STREET_SUFFIXES_FI)
    else:
        street = rng.choice(STREET_ROOTS_SV) + rng.choice(STREET_SUFFIXES_SV)
    number = str(rng.randint(1, 120))
    flat = f" as. {rng.randint(1, 40)}" if lang == "fi" else f" lgh {rng.randint(1, 40)}"
    stair = f" {rng.choice('ABCD')} {rng.randint(1, 60)}"
    extra = rng.choice(["", "", stair, rng.choice("ab"), flat])
    return f"{street} {number}{extra}"


def _vehicle(rng: random.Random) -> str:
    letters = "ABCEGHIJKLMNOPRSUVXYZ"
    while True:
        code = "".join(rng.choice(letters) for _ in range(rng.choice([2, 3, 3, 3])))
        if code not in {"SHL", "HUS", "THL", "STM", "AVI", "ELY", "KHO", "HAO", "LSL", "ASO"}:
            break
    return f"{code}-{rng.randint(1, 999)}"


def _gradate(name: str) -> str:
    for strong, weak in (("kk", "k"), ("tt", "t"), ("pp", "p")):
        if name[:-1].endswith(strong):
            return name[: -1 - len(strong)] + weak + name[-1]
    return name


def _fi_genitive(name: str) -> str:
    if name.endswith("nen"):
        return name[:-3] + "sen"
    if name[-1] in "aeiouyäö":
        return _gradate(name) + "n"
    return name + "in"


def _fi_allative(name: str) -> str:
    if name.endswith("nen"):
        return name[:-3] + "selle"
    if name[-1] in "aeiouyäö":
        return _gradate(name) + "lle"
    return name + "ille"


def _date(rng: random.Random) -> str:
    d, m, y = rng.randint(1, 31), rng.randint(1, 12), rng.randint(2019, 2026)
    return rng.choice([f"{d}.{m}.{y}", f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.", f"{y}-{m:02d}-{d:02d}"])


def _time(rng: random.Random) -> str:
    h, mi = rng.randint(7, 18), rng.choice([0, 5, 15, 30, 45])
    return rng.choice([f"{h}.{mi:02d}", f"{h}:{mi:02d}", f"{h:02d}.{mi:02d}"])


def _amount(rng: random.Random, lang: str) -> str:
    n = rng.choice([35, 120, 450, 1200, 2450, 12000, 850])
    cents = rng.randint(0, 99)
    word = "euroa" if lang == "fi" else "euro"
    thousands = f"{n:,}".replace(",", " ")
    return rng.choice([f"{thousands} €", f"{n},{cents:02d} {word}", f"{n} €", f"{thousands} {word}",
                       f"{n},{cents:02d} €"])  # fmt: skip


class Builder:
    """Fills templates while tracking the character span of every planted value."""

    def __init__(self, rng: random.Random, known_names: set[str]):
        self.rng = rng
        self.known = known_names

    def _person(self, lang: str) -> tuple[str, str, bool]:
        rng = self.rng
        held = rng.random() < 0.3
        pools = {
            ("fi", False): (LIST_FIRST_FI + LIST_FIRST_OTHER, LIST_SUR_FI),
            ("sv", False): (LIST_FIRST_SV + LIST_FIRST_OTHER, LIST_SUR_SV),
            ("fi", True): (HELD_FIRST_FI + HELD_FIRST_OTHER, HELD_SUR_FI),
            ("sv", True): (HELD_FIRST_SV + HELD_FIRST_OTHER, HELD_SUR_SV),
        }
        firsts, surs = pools[(lang, held)]
        return rng.choice(firsts), rng.choice(surs), held

    def fill(self, template: str, report: Report) -> None:
        lang = report.language
        parts = template.replace("}", "{").split("{")
        first, sur, held = self._person(lang)
        for i, part in enumerate(parts):
            if i % 2 == 0:
                report.text += part
                continue
            at_start = report.text == "" or report.text.endswith((". ", "- "))
            kind, value, extra = self._value(part, lang, first, sur)
            start = len(report.text)
            report.text += value
            if kind == "neg":
                report.negatives.append({"start": start, "end": len(report.text), "kind": part})
            else:
                record = {"start": start, "end": len(report.text), "type": kind, **extra}
                if kind == "name":
                    words = value.replace("s ", " ").split()
                    record["in_list"] = all(self._in_list(w) for w in words) and not held
                    record["sentence_initial"] = at_start
                report.spans.append(record)
            if part in ("first", "name"):
                first, sur, held = self._person(lang)

    def _in_list(self, word: str) -> bool:
        return word.casefold().rstrip("s") in self.known or word.casefold() in self.known

    def _value(self, slot: str, lang: str, first: str, sur: str) -> tuple[str, str, dict]:
        rng = self.rng
        if slot == "name":
            return "name", rng.choice([f"{first} {sur}", f"{first} {sur}", first]), {}
        if slot == "first":
            return "name", first, {}
        if slot == "sur":
            return "name", sur, {}
        if slot == "name_gen":
            return "name", rng.choice([f"{first} {_fi_genitive(sur)}", _fi_genitive(first)]), {}
        if slot == "first_lower":
            return "name", first.lower(), {}
        if slot == "first_all":
            return "name", _fi_allative(first), {}
        if slot == "name_gen_sv":
            gen = first if first.endswith("s") else first + "s"
            return "name", gen, {}
        if slot == "hetu":
            return "hetu", _hetu(rng, True), {"valid": True}
        if slot == "hetu_bad":
            return "hetu", _hetu(rng, False), {"valid": False}
        if slot == "phone":
            return "phone", _phone(rng), {}
        if slot == "email":
            return "email", _email(rng, first, sur), {}
        if slot == "iban":
            valid = rng.random() > 0.1
            return "iban", _iban(rng, valid), {"valid": valid}
        if slot == "address":
            return "address", _address(rng, lang), {}
        if slot == "postal":
            code, place = rng.choice(POSTAL)
            return "postal_code", f"{code} {place}", {}
        if slot == "vehicle":
            return "vehicle", _vehicle(rng), {}
        neg = {
            "date": lambda: _date(rng),
            "time": lambda: _time(rng),
            "amount": lambda: _amount(rng, lang),
            "statute": lambda: rng.choice(STATUTES_FI if lang == "fi" else STATUTES_SV),
            "year": lambda: str(rng.randint(2015, 2026)),
            "percent": lambda: rng.choice(
                ["5 %", "12,5 %", "30%", "2,3 prosenttia" if lang == "fi" else "7 procent"]
            ),
            "inst": lambda: rng.choice(INSTITUTIONS_FI if lang == "fi" else INSTITUTIONS_SV),
            "place": lambda: rng.choice(PLACES_FI if lang == "fi" else PLACES_SV),
            "month": lambda: rng.choice(MONTHS_FI if lang == "fi" else MONTHS_SV),
            "weekday": lambda: rng.choice(WEEKDAYS_FI if lang == "fi" else WEEKDAYS_SV),
            "count": lambda: str(rng.randint(2, 12)),
            "range": lambda: rng.choice(["2019–2024", "9-16", "8.00–16.00", "2020-2023", "10–15"]),
            "code": lambda: rng.choice(["COVID-19", "ICD-10", "F32.1", "PHQ-9", "GAD-7", "Z59.0"]),
            # unit and service names that workers capitalise inside a sentence (not on the
            # detector's stop list, in Finnish mostly inflected)
            "service": lambda: rng.choice(SERVICES_FI if lang == "fi" else SERVICES_SV),
        }  # fmt: skip
        if slot not in neg:
            raise KeyError(f"unknown slot {slot!r}")
        return "neg", neg[slot](), {}


def _known_names() -> set[str]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from socanalysis.nlp.privacy_data import name_lists

    lists = name_lists()
    return set().union(*(lists[k] for k in lists if k.startswith(("first_", "surnames_"))))


def generate(seed: int = 0, n_reports: int = 700) -> list[dict]:
    """Build ``n_reports`` reports (half fi, half sv) of 2-4 sentences each."""
    rng = random.Random(seed)
    known = _known_names()
    for word in HELD_FIRST_FI + HELD_SUR_FI + HELD_FIRST_SV + HELD_SUR_SV + HELD_FIRST_OTHER:
        if word.casefold() in known:
            raise SystemExit(f"held-out name {word} is in the shipped lists; pick another")
    builder = Builder(rng, known)
    reports = []
    for i in range(n_reports):
        lang = "fi" if i % 2 == 0 else "sv"
        report = Report(lang)
        bullets = rng.random() < 0.2
        for j, template in enumerate(rng.sample(TEMPLATES[lang], rng.randint(2, 4))):
            if j:
                report.text += "\n- " if bullets else " "
            elif bullets:
                report.text += "- "
            before = len(report.text)
            builder.fill(template, report)
            # the first word of the sentence, when it is an ordinary word, is a negative
            word = report.text[before:].split(" ", 1)[0].rstrip(":,.")
            if word and not template.startswith("{"):
                report.negatives.append(
                    {"start": before, "end": before + len(word), "kind": "sentence_start"}
                )
        reports.append(
            {"id": f"r{i:04d}", "language": lang, "text": report.text, "spans": report.spans,
             "negatives": report.negatives}
        )  # fmt: skip
    return reports


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reports", type=int, default=700)
    parser.add_argument("--out", type=Path, default=Path("pii_set.jsonl"))
    args = parser.parse_args(argv)
    reports = generate(args.seed, args.reports)
    with args.out.open("w", encoding="utf-8") as handle:
        for report in reports:
            handle.write(json.dumps(report, ensure_ascii=False) + "\n")
    n_spans = sum(len(r["spans"]) for r in reports)
    n_neg = sum(len(r["negatives"]) for r in reports)
    print(f"wrote {len(reports)} reports, {n_spans} planted identifiers, {n_neg} negatives "
          f"to {args.out}")  # fmt: skip


if __name__ == "__main__":
    main()
