"""A three-source linkage set with realistic errors, made without Zicht's own generator.

People are drawn from Faker's name lists of the countries most Dutch trafficking
victims come from (Faker's locales: nl_NL, pl_PL, ro_RO, bg_BG, uk_UA, hu_HU, yo_NG,
en_NG, vi_VN), and written by three partner files that each keep different fields,
in their own layout. Errors follow the corruption model of GeCo / FEBRL's generator
(P. Christen and A. Pudjijono, "Accurate synthetic generation of realistic personal
information", PAKDD 2009; K.-N. Tran, D. Vatsalan and P. Christen, "GeCo: an online
personal data generator and corruptor", CIKM 2013): per field, with the rates in
`ERRORS`, a keyboard typo (substitution by a neighbouring key, insertion, deletion,
transposition of two neighbouring characters), a phonetic variant (GeCo-style
substitution rules), an OCR-like confusion, a missing value, given and family name
swapped, a given name reduced to its initial, day and month of birth swapped, a
digit of a date or number mistyped; and, across registrations, a move to a new
address or a new phone. Names of people from Bulgaria and Ukraine are written in
Cyrillic by some registrations, in Latin transliteration by others.

Sources (each its own CSV layout, ingested with an ordinary mapping file):
- `police`: "Family, Given" in one column (split), street and house number apart
  (combined), date of birth, gender, nationality, postcode, city, phone, document;
- `shelter`: given and family name and date of birth only (it shares only names and
  dates with the others) -- and registers the same person again more often;
- `fairwork`: the full name in one column "Given Family", birth date as dd-mm-yyyy,
  place of birth, national identification number (BSN for Dutch people), e-mail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from faker import Faker

__all__ = ["ERRORS", "OutsideSet", "make_outside_set"]

LOCALES = {
    "NL": "nl_NL",
    "PL": "pl_PL",
    "RO": "ro_RO",
    "BG": "bg_BG",
    "UA": "uk_UA",
    "HU": "hu_HU",
    "NG": "yo_NG",
    "GH": "en_NG",
    "VN": "vi_VN",
}
SHARES = [0.25, 0.14, 0.14, 0.1, 0.1, 0.07, 0.08, 0.05, 0.07]
CYRILLIC = {"BG", "UA"}

ERRORS = {
    "typo": 0.08,  # per name, date or number field of a registration
    "phonetic": 0.04,
    "ocr": 0.02,
    "missing": 0.05,
    "initial_only": 0.03,
    "swap_names": 0.02,
    "swap_day_month": 0.02,
    "moved": 0.3,  # per later registration: new address and phone
}
_KEYS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_PHONETIC = [
    ("ph", "f"),
    ("ck", "k"),
    ("y", "i"),
    ("sch", "sh"),
    ("w", "v"),
    ("z", "s"),
    ("ie", "y"),
    ("ou", "u"),
    ("th", "t"),
    ("c", "k"),
    ("j", "y"),
    ("ei", "ij"),
]
_OCR = [("m", "rn"), ("l", "1"), ("o", "0"), ("i", "l"), ("cl", "d"), ("vv", "w")]


def _neighbours(char: str) -> str:
    for row_number, row in enumerate(_KEYS):
        column = row.find(char.lower())
        if column >= 0:
            near = row[max(column - 1, 0) : column] + row[column + 1 : column + 2]
            for other in (row_number - 1, row_number + 1):
                if 0 <= other < len(_KEYS):
                    near += _KEYS[other][max(column - 1, 0) : column + 1]
            return near
    return "0123456789" if char.isdigit() else "aeiou"


def typo(text: str, rng: np.random.Generator) -> str:
    """One keyboard error: substitution, insertion, deletion or transposition."""
    if len(text) < 2:
        return text
    at = int(rng.integers(0, len(text)))
    kind = rng.choice(["sub", "ins", "del", "trans"], p=[0.4, 0.2, 0.2, 0.2])
    near = _neighbours(text[at])
    if kind == "sub":
        return text[:at] + str(rng.choice(list(near))) + text[at + 1 :]
    if kind == "ins":
        return text[:at] + str(rng.choice(list(near))) + text[at:]
    if kind == "del":
        return text[:at] + text[at + 1 :]
    at = min(at, len(text) - 2)
    return text[:at] + text[at + 1] + text[at] + text[at + 2 :]


def _rule(text: str, rules: list[tuple[str, str]], rng: np.random.Generator) -> str:
    found = [(a, b) for a, b in rules if a in text.lower()] + [
        (b, a) for a, b in rules if b in text.lower()
    ]
    if not found:
        return typo(text, rng)
    a, b = found[int(rng.integers(0, len(found)))]
    lower = text.lower()
    at = lower.find(a)
    return text[:at] + b + text[at + len(a) :]


@dataclass(frozen=True)
class Person:
    """The truth of one person."""

    person: int
    country: str
    given: str
    given_latin: str
    family: str
    family_latin: str
    born: dt.date
    gender: str
    place: str
    street: str
    number: str
    postcode: str
    city: str
    phone: str
    document: str
    national_id: str
    email: str


def _bsn(rng: np.random.Generator) -> str:
    while True:
        digits = [int(d) for d in rng.integers(0, 10, 8)]
        total = sum(w * d for w, d in zip(range(9, 1, -1), digits, strict=True))
        last = total % 11
        if last < 10 and digits[0] != 0:
            return "".join(map(str, digits)) + str(last)


def _people(count: int, rng: np.random.Generator) -> list[Person]:
    fakers = {c: Faker(loc) for c, loc in LOCALES.items()}
    latin = Faker("en_GB")
    for number, fake in enumerate([*fakers.values(), latin]):
        fake.seed_instance(1000 + number)
    from anyascii import anyascii  # transliteration of Cyrillic for the Latin spelling

    people = []
    countries = rng.choice(list(LOCALES), size=count, p=SHARES)
    for person, country in enumerate(countries):
        fake = fakers[str(country)]
        gender = "female" if rng.random() < 0.7 else "male"
        given = fake.first_name_female() if gender == "female" else fake.first_name_male()
        if rng.random() < 0.15:
            given += " " + (fake.first_name_female() if gender == "female" else fake.first_name())
        family = fake.last_name_female() if gender == "female" else fake.last_name_male()
        born = dt.date(1960, 1, 1) + dt.timedelta(days=int(rng.integers(0, 16000)))
        people.append(
            Person(
                person=person,
                country=str(country),
                given=given,
                given_latin=anyascii(given),
                family=family,
                family_latin=anyascii(family),
                born=born,
                gender=gender,
                place=anyascii(fake.city()),
                street=latin.street_name(),
                number=str(int(rng.integers(1, 300))),
                postcode=f"{rng.integers(1000, 9999)} {latin.lexify('??').upper()}",
                city=fakers["NL"].city(),
                phone="06" + "".join(map(str, rng.integers(0, 10, 8))),
                document=latin.bothify("??#######").upper(),
                national_id=_bsn(rng)
                if country == "NL"
                else latin.bothify("##########" if rng.random() < 0.5 else "??######"),
                email=f"{anyascii(given).split()[0].lower()}.{rng.integers(10, 99)}@example.org",
            )
        )
    return people


class _Corruptor:
    """The error model applied to one registration's values."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def hit(self, kind: str) -> bool:
        return bool(self.rng.random() < ERRORS[kind])

    def text(self, value: str | None) -> str | None:
        """A name or number with at most one error of the model (or missing)."""
        if value is None or self.hit("missing"):
            return None
        if self.hit("typo"):
            return typo(value, self.rng)
        if self.hit("phonetic"):
            return _rule(value, _PHONETIC, self.rng)
        if self.hit("ocr"):
            return _rule(value, _OCR, self.rng)
        return value

    def date(self, born: dt.date) -> dt.date | str | None:
        """A date of birth, possibly day and month swapped or a digit mistyped."""
        if self.hit("missing"):
            return None
        if self.hit("swap_day_month") and born.day <= 12:
            return born.replace(month=born.day, day=born.month)
        if self.hit("typo"):
            text = born.strftime("%Y%m%d")
            at = int(self.rng.integers(2, 8))
            text = text[:at] + str(self.rng.integers(0, 10)) + text[at + 1 :]
            try:
                return dt.datetime.strptime(text, "%Y%m%d").date()
            except ValueError:
                return text  # an impossible date: the partner file carries it as typed
        return born

    def names(self, person: Person, *, native: bool) -> tuple[str | None, str | None]:
        """Given and family name as one registration writes them."""
        given, family = (
            (person.given, person.family) if native else (person.given_latin, person.family_latin)
        )
        given, family = self.text(given), self.text(family)
        if given and self.hit("initial_only"):
            given = given[0] + "."
        if self.hit("swap_names"):
            given, family = family, given
        return given, family


def _registrations(person: Person, rng: np.random.Generator) -> dict[str, int]:
    """How many times each source registers the person (at least one in all)."""
    counts = {
        "police": int(rng.random() < 0.55) * (1 + int(rng.poisson(0.2))),
        "shelter": int(rng.random() < 0.45) * (1 + int(rng.poisson(0.5))),
        "fairwork": int(rng.random() < 0.4) * (1 + int(rng.poisson(0.15))),
    }
    if rng.random() < 0.01:  # a few people are registered a dozen times or more
        counts["shelter"] += int(rng.integers(8, 20))
    if not any(counts.values()):
        counts[str(rng.choice(list(counts)))] = 1
    return counts


@dataclass
class OutsideSet:
    """The three partner files (as frames) and the truth: source record id -> person."""

    files: dict[str, pd.DataFrame]
    truth: pd.Series

    def write(self, folder: Path) -> dict[str, Path]:
        """Write the partner files as CSV; returns source -> path."""
        paths = {}
        for source, frame in self.files.items():
            paths[source] = folder / f"{source}.csv"
            frame.to_csv(paths[source], index=False)
        return paths


def make_outside_set(persons: int = 8000, seed: int = 11) -> OutsideSet:
    """Draw `persons` people and write their registrations in the three layouts."""
    rng = np.random.default_rng(seed)
    corrupt = _Corruptor(rng)
    rows: dict[str, list[dict[str, object]]] = {"police": [], "shelter": [], "fairwork": []}
    truth: dict[str, int] = {}
    record_ids = iter(rng.permutation(10 * persons + 100_000) + 100_000)
    for person in _people(persons, rng):
        for source, times in _registrations(person, rng).items():
            for time in range(times):
                moved = time > 0 and corrupt.hit("moved")
                native = person.country in CYRILLIC and rng.random() < 0.3
                given, family = corrupt.names(person, native=native)
                record_id = f"{source[0].upper()}{next(record_ids)}"
                truth[record_id] = person.person
                born = corrupt.date(person.born)
                if source == "police":
                    rows[source].append(
                        {
                            "RegNr": record_id,
                            "Naam": ", ".join(p for p in (family, given) if p) or None,
                            "Geboortedatum": born.isoformat()
                            if isinstance(born, dt.date)
                            else born,
                            "Geslacht": {"female": "V", "male": "M"}[person.gender],
                            "Nationaliteit": person.country,
                            "Straat": None if moved else corrupt.text(person.street),
                            "Huisnummer": None if moved else person.number,
                            "Postcode": None if moved else corrupt.text(person.postcode),
                            "Plaats": person.city,
                            "Telefoon": None if moved else corrupt.text(person.phone),
                            "Document": corrupt.text(person.document)
                            if rng.random() < 0.6
                            else None,
                        }
                    )
                elif source == "shelter":
                    rows[source].append(
                        {
                            "client": record_id,
                            "voornaam": given,
                            "achternaam": family,
                            "geboren": born.strftime("%Y%m%d")
                            if isinstance(born, dt.date)
                            else born,
                        }
                    )
                else:
                    # A BSN is checked by the source's own system (eleven-test), so
                    # only foreign numbers carry typing errors.
                    national_id = (
                        None
                        if rng.random() < 0.5
                        else person.national_id
                        if person.country == "NL"
                        else corrupt.text(person.national_id)
                    )
                    rows[source].append(
                        {
                            "case_id": record_id,
                            "name": " ".join(p for p in (given, family) if p) or None,
                            "birth_date": born.strftime("%d-%m-%Y")
                            if isinstance(born, dt.date)
                            else born,
                            "birth_place": corrupt.text(person.place),
                            "id_number": national_id,
                            "id_country": person.country if national_id else None,
                            "email": None if moved else corrupt.text(person.email),
                            "nationality": person.country,
                        }
                    )
    files = {
        source: pd.DataFrame(found).sample(frac=1.0, random_state=seed).reset_index(drop=True)
        for source, found in rows.items()
    }
    return OutsideSet(files=files, truth=pd.Series(truth, name="person"))
