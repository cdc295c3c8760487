"""Synthetic shelters, requests and placements for `zicht demo` (no real place or person).

Eight shelters over the regions, with beds of each kind; a fortnight of requests from
the partners for people of the demo world's victim registrations, named by their keyed
pseudonyms (single people and one crisis group of labour exploitation), reserved
through the same services as the web app, then accepted, refused or discharged as a
seeded random walk. `demo-shelter` is made staff of the first shelter.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.i18n import N_
from zicht.privacy import Cipher
from zicht.shelter._errors import ShelterError
from zicht.shelter._places import ShelterInput, add_staff, save_shelter, set_availability
from zicht.shelter._requests import RequestInput, make_request, registration_pseudonym
from zicht.shelter._reserve import accept, discharge, refuse, reserve
from zicht.shelter._scope import command_line_principal
from zicht.shelter._vocabulary import REFUSAL_REASONS
from zicht.standard import FORMS
from zicht.store.shelter_queries import RegistrationRef, registration_refs

__all__ = ["DEMO_SHELTERS", "ShelterDemo", "fill_demo"]

# code, name, kind, region, languages, wheelchair, security, care, beds per kind
DEMO_SHELTERS: tuple[tuple[str, str, str, str, str, bool, int, bool, dict[str, int]], ...] = (
    (
        "cat-west",
        "Categorale opvang West",
        "categorical",
        "den-haag",
        "nl;en;ro",
        True,
        3,
        True,
        {"women": 12, "minors": 4},
    ),
    (
        "cat-oost",
        "Categorale opvang Oost",
        "categorical",
        "oost-nederland",
        "nl;en;pl",
        False,
        2,
        True,
        {"women": 8, "men": 8},
    ),
    (
        "cat-zuid",
        "Categorale opvang Zuid",
        "categorical",
        "limburg",
        "nl;en",
        True,
        2,
        True,
        {"men": 10, "families": 3},
    ),
    (
        "gem-amsterdam",
        "Opvang Amsterdam",
        "municipal",
        "amsterdam",
        "nl;en;es",
        True,
        1,
        False,
        {"women": 6, "men": 6},
    ),
    (
        "gem-rotterdam",
        "Opvang Rotterdam",
        "municipal",
        "rotterdam",
        "nl;en;bg",
        False,
        1,
        False,
        {"women": 5, "men": 5, "families": 2},
    ),
    (
        "gem-utrecht",
        "Opvang Utrecht",
        "municipal",
        "midden-nederland",
        "nl;en",
        True,
        1,
        False,
        {"women": 4, "minors": 2},
    ),
    (
        "crisis-noord",
        "Crisisbedden Noord",
        "crisis",
        "noord-nederland",
        "pl;ro;bg;en",
        False,
        1,
        False,
        {"crisis_labour": 20},
    ),
    (
        "crisis-brabant",
        "Crisisbedden Brabant",
        "crisis",
        "oost-brabant",
        "pl;ro;uk;en",
        True,
        1,
        False,
        {"crisis_labour": 20},
    ),
)
_PARTNERS = ("police", "kmar", "inspectorate", "care_coordinator")
_FORMS = ("sexual_domestic", "sexual_cross_border", "labour", "criminal")


@dataclass(frozen=True)
class ShelterDemo:
    """What the demo step made."""

    shelters: int
    requests: int
    reserved: int
    accepted: int
    refused: int
    discharged: int


def _add_shelters(engine: Engine, cipher: Cipher) -> None:
    operator = command_line_principal()
    for code, name, kind, region, languages, wheelchair, security, care, beds in DEMO_SHELTERS:
        place = ShelterInput(
            code,
            name,
            kind,
            region,
            f"Synthetisch adres {code}",
            tuple(languages.split(";")),
            wheelchair,
            security,
            care,
        )
        save_shelter(engine, operator, cipher, place)
        for bed_kind, count in beds.items():
            set_availability(engine, operator, code, bed_kind, count, count)
    add_staff(engine, operator, DEMO_SHELTERS[0][0], "demo-shelter")


def _bed_kind(rng: random.Random, ref: RegistrationRef) -> str:
    """The bed a registration's person needs: minors, women, men (a family now and then)."""
    if ref.minor:
        return "minors"
    if rng.random() < 0.1:
        return "families"
    if ref.gender in ("female", "transgender_female"):
        return "women"
    if ref.gender in ("male", "transgender_male"):
        return "men"
    return rng.choice(("women", "men"))


def _first_form(rng: random.Random, ref: RegistrationRef) -> str:
    forms = [form for form in ref.forms.split(";") if form in FORMS]
    return forms[0] if forms else rng.choice(_FORMS)


def _pseudonym(cipher: Cipher, ref: RegistrationRef) -> str:
    return registration_pseudonym(cipher, ref.source, ref.source_record_id)


def fill_demo(engine: Engine, cipher: Cipher, *, seed: int = 1, days: int = 14) -> ShelterDemo:
    """Shelters, two weeks of requests and their placements, ending today.

    Every person of a request is a victim registration of the demo world, referred to by
    its keyed pseudonym; the bed kind and form follow the registration.

    Raises:
        ShelterError: the database holds no victim registrations (ingest the world first).
    """
    rng = random.Random(seed)
    operator = command_line_principal()
    with engine.connect() as connection:
        refs = registration_refs(connection, 2000)
    if not refs:
        raise ShelterError(
            N_("the shelter demo needs victim registrations: ingest the demo world first")
        )
    pool = iter(rng.sample(refs, len(refs)))
    labour = [ref for ref in refs if "labour" in ref.forms.split(";")]
    _add_shelters(engine, cipher)
    today = dt.datetime.now(dt.UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    counts = {"requests": 0, "reserved": 0, "accepted": 0, "refused": 0, "discharged": 0}
    regions = sorted({row[3] for row in DEMO_SHELTERS})
    for day in range(days, 0, -1):
        asked = today - dt.timedelta(days=day, hours=rng.randint(0, 12))
        for n in range(rng.randint(2, 5)):
            urgency = "tonight" if rng.random() < 0.6 else "days"
            if day != days // 2 or n > 0:
                ref = next(pool, None) or rng.choice(refs)
                organisation = ref.source if ref.source in _PARTNERS else rng.choice(_PARTNERS)
                wanted = RequestInput(
                    _bed_kind(rng, ref),
                    1,
                    rng.choice(regions),
                    _first_form(rng, ref),
                    urgency,
                    (_pseudonym(cipher, ref),),
                )
            else:
                # a crisis reception of a workplace: 30 people of labour registrations
                chosen = labour if len(labour) >= 30 else refs
                group = rng.sample(chosen, min(30, len(chosen)))
                organisation = "inspectorate"
                keys = tuple(dict.fromkeys(_pseudonym(cipher, ref) for ref in group))
                wanted = RequestInput(
                    "crisis_labour", len(keys), rng.choice(regions), "labour", urgency, keys
                )
            request_id = make_request(
                engine, operator, wanted, organisation=organisation, now=asked
            )
            counts["requests"] += 1
            placed_at = asked + dt.timedelta(hours=rng.choice((1, 2, 3, 6, 20, 30)))
            outcome = reserve(engine, operator, request_id, partial=True, now=placed_at)
            for placement in outcome.placed:
                counts["reserved"] += 1
                decided = placed_at + dt.timedelta(minutes=rng.randint(5, 50))
                if rng.random() < 0.15:
                    reason = rng.choice(list(REFUSAL_REASONS))
                    refuse(engine, operator, placement.reservation_id, reason, now=decided)
                    counts["refused"] += 1
                    continue
                accept(engine, operator, placement.reservation_id, now=decided)
                counts["accepted"] += 1
                stay = dt.timedelta(days=rng.randint(2, 40))
                if decided + stay < today:
                    discharge(engine, operator, placement.reservation_id, now=decided + stay)
                    counts["discharged"] += 1
    return ShelterDemo(len(DEMO_SHELTERS), **counts)
