"""A deterministic synthetic partner file (default mapping) for the encoder's golden output.

Rows mix what a partner file holds: repeated and unique names (Latin with diacritics,
Cyrillic, particles, empty), full dates, year-only births, phones in several forms,
BSNs that pass and fail the eleven-test, foreign national ids, and rows that break an
analytic rule (refused: future or unparsable registration dates, unknown forms, ages
out of range) or an identity rule (flagged: birth after registration, control
characters, a name too long). Only synthetic values.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

COLUMNS = (
    "source_record_id",
    "registration_date",
    "victim_status",
    "forms",
    "gender",
    "age",
    "minor",
    "nationality",
    "given_names",
    "middle_names",
    "family_name",
    "date_of_birth",
    "birth_year",
    "place_of_birth",
    "address",
    "postcode",
    "city",
    "phone",
    "email",
    "national_id_number",
    "national_id_country",
    "id_document_number",
    "bank_account",
)
GIVEN = ["Anna", "Ioana", "Paweł", "Олена", "Blessing", "Minh", "Wei", "Youssef", "Ayşe", "João"]
FAMILY = ["de Vries", "Popescu", "Kowalski", "Шевченко", "Okafor", "Nguyen", "Li", "van der Berg"]
CITIES = ["Utrecht", "Venlo", "Den Haag", "'s-Hertogenbosch", "Rotterdam", ""]
FORMS = ["labour", "sexual_domestic", "criminal", "labour;criminal", "other"]
NATIONS = ["NL", "RO", "PL", "UA", "NG", "VN", "ro", "pl", ""]
BSNS = ["111222333", "123456782", "123456789", ""]


def _rarely(rng: random.Random, good: str, bad: str, share: float = 0.02) -> str:
    return bad if rng.random() < share else good


def _maybe(rng: random.Random, value: str, share: float = 0.8) -> str:
    return value if rng.random() < share else ""


def _row(rng: random.Random, number: int) -> dict[str, str]:
    year = rng.randint(2016, 2025)
    registered = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if rng.random() < 0.03:
        registered = rng.choice(["2099-01-01", "31-02-2023", "2023-13-01", "", "1850-01-01"])
    born_year = year - rng.randint(0, 70)
    born = f"{born_year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    birth_year = ""
    pick = rng.random()
    if pick < 0.15:
        born, birth_year = "", str(born_year)
    elif pick < 0.2:
        born = rng.choice(["", "2100-01-01", "1990-02-30", f"{year + 1}-01-01", "17-05-1990"])
    given = rng.choice(GIVEN) if rng.random() < 0.9 else f"Name{number % 40}"
    if rng.random() < 0.02:
        given = rng.choice(["An\x01na", "x" * 250, "  "])
    country = rng.choice(["", "", "", "NL", "PL", "Polen", "XX"])
    return {
        "source_record_id": f"G{number:05d}" if rng.random() > 0.01 else "",
        "registration_date": registered,
        "victim_status": _rarely(rng, rng.choice(["possible", "", "actual"]), "unknown"),
        "forms": _rarely(rng, rng.choice(FORMS), "nonsense"),
        "gender": _rarely(rng, rng.choice(["female", "male", ""]), "x"),
        "age": _maybe(rng, str(year - born_year), 0.5) if rng.random() > 0.02 else "200",
        "minor": _rarely(rng, "", rng.choice(["true", "false", "maybe"]), 0.1),
        "nationality": _rarely(rng, rng.choice(NATIONS), "Roemenië"),
        "given_names": given,
        "middle_names": _maybe(rng, rng.choice(GIVEN), 0.2),
        "family_name": _maybe(rng, rng.choice(FAMILY), 0.95),
        "date_of_birth": born,
        "birth_year": birth_year,
        "place_of_birth": _maybe(rng, rng.choice(CITIES), 0.3),
        "address": _maybe(rng, f"Straat {rng.randint(1, 300)}", 0.5),
        "postcode": _maybe(rng, f"{rng.randint(1000, 9999)} {rng.choice(['AB', 'cd', 'XY'])}", 0.4),
        "city": rng.choice(CITIES),
        "phone": _maybe(
            rng,
            rng.choice(["06-", "+31 6 ", "0031 6", "+48 "])
            + str(rng.randint(10_000_000, 99_999_999)),
            0.6,
        ),
        "email": _maybe(rng, f"p{rng.randint(1, 500)}@example.org", 0.2),
        "national_id_number": _maybe(rng, rng.choice(BSNS), 0.3),
        "national_id_country": country,
        "id_document_number": _maybe(rng, f"NX{rng.randint(1000000, 9999999)}", 0.3),
        "bank_account": _maybe(
            rng, f"NL{rng.randint(10, 99)}BANK0{rng.randint(10**8, 10**9)}", 0.1
        ),
    }


def write_golden_partner(path: Path, rows: int = 600, seed: int = 17) -> Path:
    """Write the golden partner CSV (UTF-8, comma-separated) and return its path."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for number in range(rows):
            writer.writerow(_row(rng, number))
    return path
