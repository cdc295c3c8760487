"""Shelters for the tests: principals of each role and a small set of places."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from zicht.access import Principal
from zicht.privacy import Cipher
from zicht.shelter import ShelterInput, add_staff, save_shelter, set_availability

COORDINATOR = Principal.for_user(1, "coord", "coordinator", "comensha")
STAFF_A = Principal.for_user(2, "staff-a", "shelter_staff", "shelter")
STAFF_B = Principal.for_user(3, "staff-b", "shelter_staff", "shelter")
CASEWORKER = Principal.for_user(4, "case-police", "caseworker", "police")
OTHER_CASEWORKER = Principal.for_user(5, "case-kmar", "caseworker", "kmar")
ANALYST = Principal.for_user(6, "ana", "analyst", None)


def add_places(engine: Engine, cipher: Cipher) -> None:
    """Shelter a (Rotterdam, Polish and Romanian, 3 women beds, 4 crisis beds), b (Limburg,
    wheelchair, security 3, 2 women beds) and c (Rotterdam, 1 crisis bed); staff-a keeps a,
    staff-b keeps b."""
    places = [
        ShelterInput("a", "Shelter A", "categorical", "rotterdam", "Street 1", ("pl", "ro")),
        ShelterInput(
            "b", "Shelter B", "categorical", "limburg", "Street 2", ("nl",), True, 3, True
        ),
        ShelterInput("c", "Crisis C", "crisis", "rotterdam", "Street 3", ("bg",)),
    ]
    for place in places:
        save_shelter(engine, COORDINATOR, cipher, place)
    add_staff(engine, COORDINATOR, "a", "staff-a")
    add_staff(engine, COORDINATOR, "b", "staff-b")
    set_availability(engine, COORDINATOR, "a", "women", 3, 3)
    set_availability(engine, COORDINATOR, "a", "crisis_labour", 4, 4)
    set_availability(engine, COORDINATOR, "b", "women", 2, 2)
    set_availability(engine, COORDINATOR, "c", "crisis_labour", 1, 1)


@pytest.fixture
def places(engine: Engine, cipher: Cipher) -> Engine:
    """The migrated engine with `add_places` done."""
    add_places(engine, cipher)
    return engine
