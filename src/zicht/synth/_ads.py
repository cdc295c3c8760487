"""The synthetic ad world: licensed independent workers and the exploitation networks.

Independent workers hold a licence of their municipality, write their own text and
post under their own phone in their own city. Networks (the world's sexual
exploitation networks when a `World` is given, else drawn here) post for several
workers, some of them minors, from one or two text templates with the slots filled
anew, across cities, with a few shared and rotating phones plus burners, reused
photos, and licence numbers that are borrowed from a worker, expired, invented or
absent. The truth says per ad who posted it (`operator`), whether it is exploitation,
whether the worker is a minor, and the licence case.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from zicht.platforms import municipalities
from zicht.standard import format_licence_number
from zicht.synth._ad_texts import POOLS

__all__ = ["AdWorld", "network_sizes_of", "simulate_ads", "write_ad_world"]

_NAMES = [
    "Anna", "Bo", "Cleo", "Dewi", "Eva", "Fleur", "Gina", "Hanna", "Iris", "Jade", "Kim",
    "Lisa", "Mila", "Nina", "Olga", "Pia", "Roos", "Sara", "Tess", "Uma", "Vera", "Yara",
    "Zoe", "Lina", "Maya", "Noor", "Lotte", "Sanne", "Esmee", "Luna", "Amber", "Daria",
    "Elena", "Ioana", "Katya", "Mei", "Lin", "Joy", "Carla", "Sofia",
]  # fmt: skip
_FAMILY = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos",
           "Vos", "Peters", "Hendriks", "Dekker", "Brouwer", "Kok", "Jacobs"]  # fmt: skip
_TAGS = {
    "nl": ["Jonge Aziatische dame.", "Zij is nieuw in de stad.", "Exotische schoonheid, 24/7.",
           "Jong meisje, net 18.", "Onze meiden staan voor je klaar."],
    "en": ["Young Asian lady.", "She is new in town.", "Exotic beauty, 24/7.",
           "Teen girl, barely legal.", "Our girls are waiting for you."],
}  # fmt: skip
_LICENCE_CASES = ("borrowed", "expired", "invented", "check_digit", "none")
_LICENCE_SHARES = (0.35, 0.15, 0.15, 0.1, 0.25)


@dataclass
class AdWorld:
    """Ads (feed rows), the municipalities' licence files and the truth per ad."""

    ads: list[dict[str, Any]] = field(default_factory=list)
    licences: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    truth: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Operator:
    key: str
    exploited: bool
    language: str
    templates: list[list[int]]
    phones: list[str]
    emails: list[str]
    cities: list[str]
    workers: list[tuple[str, int, list[str]]]  # name, age, photos


def _pdq(rng: np.random.Generator) -> str:
    return bytes(rng.integers(0, 256, 32, dtype=np.uint8)).hex()


def _variant(rng: np.random.Generator, pdq: str) -> str:
    bits = np.unpackbits(np.frombuffer(bytes.fromhex(pdq), dtype=np.uint8)).copy()
    flip = rng.choice(256, int(rng.integers(0, 12)), replace=False)
    bits[flip] ^= 1
    return bytes(np.packbits(bits)).hex()


def _phone(rng: np.random.Generator) -> str:
    return f"06-{int(rng.integers(10_000_000, 99_999_999))}"


def _template(rng: np.random.Generator, language: str) -> list[int]:
    return [int(rng.integers(0, len(pool))) for pool in POOLS[language]]


class _Register:
    """Licences as municipalities issue them, and the serials used so far."""

    def __init__(self) -> None:
        self.files: dict[str, list[dict[str, str]]] = {}
        self.serial = 0

    def issue(self, rng: np.random.Generator, place: str, start: dt.date, status: str) -> str:
        self.serial += 1
        number = format_licence_number(place, self.serial)
        age = int(rng.integers(22, 50))
        born = start - dt.timedelta(days=365 * age + int(rng.integers(0, 300)))
        end = start + dt.timedelta(days=3 * 365) if status == "active" else start + dt.timedelta(
            days=365
        )  # fmt: skip
        self.files.setdefault(place, []).append({
            "licence_number": number,
            "holder_name": f"{rng.choice(_NAMES)} {rng.choice(_FAMILY)}",
            "date_of_birth": born.isoformat(),
            "valid_from": start.isoformat(),
            "valid_to": end.isoformat(),
            "status": status,
        })  # fmt: skip
        return number


def network_sizes_of(world: Any, last_year_only: bool = True) -> list[tuple[int, list[int]]]:
    """Per sexual-exploitation network of a `World`: its number of victims and their ages.

    Args:
        world: a `zicht.synth.World`; with `last_year_only`, only the networks active in
            its last year (the ads are of "now").
    """
    victims = world.victims
    sexual = victims["form"].astype(str).str.startswith("sexual")
    networked = victims["network_id"].astype(str) != ""
    if last_year_only:
        sexual &= victims["year"] == world.years[1]
    chosen = victims[sexual & networked]
    return [
        (len(group), [int(a) for a in group["age"]])
        for _, group in sorted(chosen.groupby("network_id", observed=True), key=lambda g: g[0])
    ]


def simulate_ads(
    seed: int = 0,
    *,
    independents: int = 300,
    networks: int = 30,
    days: int = 30,
    start: dt.date = dt.date(2026, 3, 1),
    platform: str = "synthplatform",
    contacts: bool = True,
    network_sizes: list[tuple[int, list[int]]] | None = None,
) -> AdWorld:
    """Simulate `days` of ads of one platform.

    Args:
        network_sizes: per network, (workers, their ages) from a `World`; default drawn.
        contacts: False leaves every phone and e-mail out of the fields and the text.
    """
    rng = np.random.default_rng(seed)
    places = sorted(municipalities())
    register = _Register()
    world = AdWorld()
    operators: list[_Operator] = []
    own_licence: dict[str, str] = {}
    inactive: set[str] = set()
    for i in range(independents):
        place = places[int(rng.integers(0, len(places)))]
        issued = start - dt.timedelta(days=int(rng.integers(30, 700)))
        status = "active" if rng.random() > 0.05 else str(rng.choice(["suspended", "revoked"]))
        key = f"I{i:05d}"
        own_licence[key] = register.issue(rng, place, issued, status)
        if status != "active":
            inactive.add(key)
        language = "nl" if rng.random() < 0.7 else "en"
        photos = [_pdq(rng) for _ in range(int(rng.integers(1, 4)))]
        name, age = str(rng.choice(_NAMES)), int(rng.integers(21, 50))
        phones = [_phone(rng) for _ in range(1 if rng.random() < 0.85 else 2)]
        # Unique by construction: two workers do not share an address.
        emails = [f"{name.lower()}.{i}@example.nl"] if rng.random() < 0.3 else []
        own_text = [_template(rng, language)]
        home = [municipalities()[place].name]
        operators.append(
            _Operator(key, False, language, own_text, phones, emails, home, [(name, age, photos)])
        )
    sizes = network_sizes or [
        (n, [int(a) for a in rng.integers(16, 30, n)]) for n in rng.integers(2, 10, networks)
    ]
    expired = [
        register.issue(rng, places[int(rng.integers(0, len(places)))],
                       start - dt.timedelta(days=int(rng.integers(400, 900))), "expired")
        for _ in range(max(1, len(sizes)))
    ]  # fmt: skip
    names_of_places = [municipalities()[p].name for p in places]
    for n, (size, ages) in enumerate(sizes):
        language = "nl" if rng.random() < 0.5 else "en"
        templates = [_template(rng, language) for _ in range(1 if rng.random() < 0.7 else 2)]
        workers = [
            (str(rng.choice(_NAMES)), int(age), [_pdq(rng) for _ in range(int(rng.integers(1, 3)))])
            for age in ages[:size]
        ]  # fmt: skip
        cities = list(rng.choice(names_of_places, int(rng.integers(2, 8)), replace=False))
        phones = [_phone(rng) for _ in range(int(rng.integers(2, 6)))]
        emails = [f"vip{n}@example.com"] if rng.random() < 0.3 else []
        operators.append(_Operator(f"N{n:04d}", True, language, templates, phones, emails,
                                   [str(c) for c in cities], workers))  # fmt: skip
    independents_keys = [key for key in own_licence if key not in inactive]
    number = 0
    for day in range(days):
        for op in operators:
            rate = 0.6 if op.exploited else 0.3
            for name, age, photos in op.workers:
                if rng.random() >= rate:
                    continue
                number += 1
                ad_id = f"S{seed:02d}{number:07d}"
                case, licence = _licence_for(
                    rng, op, own_licence, independents_keys, expired, inactive
                )
                template = op.templates[int(rng.integers(0, len(op.templates)))]
                city = op.cities[int(rng.integers(0, len(op.cities)))]
                phone = op.phones[int(rng.integers(0, len(op.phones)))]
                if op.exploited and rng.random() < 0.2:
                    phone = _phone(rng)  # a burner
                stated = age if age >= 21 or rng.random() < 0.3 else int(rng.integers(21, 24))
                text = _text(rng, op, template, name, stated, city)
                if contacts:
                    text += f" {'Bel' if op.language == 'nl' else 'Call'} {phone}."
                in_text = licence is not None and rng.random() < 0.05
                if in_text:
                    text += f" Vergunning {licence}."
                moment = dt.datetime.combine(start + dt.timedelta(days=day), dt.time(8)) + (
                    dt.timedelta(minutes=int(rng.integers(0, 14 * 60)))
                )  # fmt: skip
                photo = photos[int(rng.integers(0, len(photos)))]
                if op.exploited and rng.random() < 0.2:
                    photo = op.workers[int(rng.integers(0, len(op.workers)))][2][0]
                world.ads.append({
                    "ad_id": ad_id, "platform": platform, "posted_at": moment.isoformat(),
                    "title": f"{name} ({stated})", "text": text, "city": city,
                    "stated_age": stated,
                    "phones": [phone] if contacts else [],
                    "emails": op.emails if contacts else [],
                    "licence_number": None if in_text else licence,
                    "image_hashes": [_variant(rng, photo)] if rng.random() < 0.8 else [],
                })  # fmt: skip
                world.truth.append({"ad_id": ad_id, "operator": op.key,
                                    "exploited": op.exploited, "minor": age < 18,
                                    "licence_case": case, "_licence": licence})  # fmt: skip
    # An independent worker whose number a network borrows: her own ads carry a number
    # that is in use by others (screening rightly flags it as shared).
    lent = {row["_licence"] for row in world.truth if row["licence_case"] == "borrowed"}
    for truth in world.truth:
        if truth.pop("_licence") in lent and truth["licence_case"] == "own":
            truth["licence_case"] = "own_lent"
    world.licences = register.files
    return world


def _licence_for(
    rng: np.random.Generator, op: _Operator, own: dict[str, str], independents: list[str],
    expired: list[str], inactive: set[str],
) -> tuple[str, str | None]:  # fmt: skip
    if not op.exploited:
        licence = own[op.key]
        if rng.random() < 0.02:  # a typo in the last check digit
            return "check_digit", licence[:-1] + str((int(licence[-1]) + 1) % 10)
        return ("own" if op.key not in inactive else "not_active"), licence
    case = str(rng.choice(_LICENCE_CASES, p=_LICENCE_SHARES))
    if case == "borrowed" and independents:
        # A network borrows the numbers of a few workers and keeps using them.
        owner = independents[(int(op.key[1:]) * 7 + int(rng.integers(0, 3))) % len(independents)]
        return case, own[owner]
    if case == "expired":
        return case, expired[int(rng.integers(0, len(expired)))]
    if case in ("invented", "check_digit"):
        place = str(rng.choice(sorted(municipalities())))
        made = format_licence_number(place, int(rng.integers(500_000, 999_999)))
        if case == "check_digit":
            made = made[:-1] + str((int(made[-1]) + 3) % 10)
        return case, made
    return "none", None


def _text(
    rng: np.random.Generator, op: _Operator, template: list[int], name: str, age: int, city: str
) -> str:
    sentences = [POOLS[op.language][p][i] for p, i in enumerate(template)]
    if rng.random() < 0.15:
        sentences.pop(int(rng.integers(1, len(sentences))))  # one sentence left out
    if op.exploited and rng.random() < 0.4:
        sentences.insert(1, str(rng.choice(_TAGS[op.language])))
    price = int(rng.integers(10, 30)) * 10
    return " ".join(s.format(name=name, age=age, city=city, price=price) for s in sentences)


def write_ad_world(ad_world: AdWorld, out: Path, platform: str = "synthplatform") -> None:
    """Write out/ads/<platform>.jsonl, out/ads/licences/<GM>.csv and out/truth/ads.csv."""
    folder = out / "ads" / "licences"
    folder.mkdir(parents=True, exist_ok=True)
    with (out / "ads" / f"{platform}.jsonl").open("w", encoding="utf-8") as handle:
        for ad in ad_world.ads:
            handle.write(json.dumps({k: v for k, v in ad.items() if v not in (None, [])},
                                    ensure_ascii=False) + "\n")  # fmt: skip
    for place, rows in sorted(ad_world.licences.items()):
        with (folder / f"{place}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    with (out / "truth" / "ads.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["ad_id", "operator", "exploited", "minor",
                                                    "licence_case"])  # fmt: skip
        writer.writeheader()
        writer.writerows(ad_world.truth)
