"""Shelter and crisis-bed coordination: places, requests, matching and reservations.

CoMensha's coordinators keep the shelters (categorical, municipal, crisis beds) and
their secret addresses; each shelter keeps its availability; partners ask for a place
for one person or a group, referring to people by registration pseudonyms only.
Matching ranks suitable places with reasons; a reservation holds a bed until the
shelter accepts or refuses, a group is reserved all or nothing, and no bed is ever
given twice. Every step is audited; figures pass the publication policy. SQL stays in
`zicht.store` (`store/shelter.py`, `shelter_beds.py`, `shelter_queries.py`).
"""

from zicht.shelter._capacity import CapacityImport, import_capacity
from zicht.shelter._demo import ShelterDemo, fill_demo
from zicht.shelter._errors import ShelterDenied, ShelterError, ShelterNotFound
from zicht.shelter._figures import (
    WAIT_BANDS,
    ShelterCounts,
    ShelterFigures,
    WaitingTimes,
    latest_shelter_year,
    read_figures,
    shelter_counts,
    shelter_figures,
    wait_band,
    waiting_times,
)
from zicht.shelter._lists import list_reservations
from zicht.shelter._matching import Candidate, Need, Reason, rank_places
from zicht.shelter._places import (
    Place,
    ShelterInput,
    add_staff,
    availability,
    list_staff,
    reveal_address,
    save_shelter,
    set_availability,
    shelter_id_of,
)
from zicht.shelter._requests import (
    RequestInput,
    find_request,
    list_requests,
    make_request,
    match_request,
    registration_pseudonym,
)
from zicht.shelter._reserve import (
    Placement,
    ReservationOutcome,
    Unplaced,
    accept,
    discharge,
    expire_holds,
    hold_ran_out,
    refuse,
    reserve,
)
from zicht.shelter._scope import command_line_principal
from zicht.shelter._vocabulary import (
    BED_KINDS,
    HOLD_MINUTES,
    MAX_GROUP,
    REFUSAL_REASONS,
    REGIONS,
    SECURITY_LEVELS,
    SHELTER_KINDS,
    URGENCIES,
)
from zicht.store.shelter_queries import RequestView, ReservationView

__all__ = [
    "BED_KINDS",
    "HOLD_MINUTES",
    "MAX_GROUP",
    "REFUSAL_REASONS",
    "REGIONS",
    "SECURITY_LEVELS",
    "SHELTER_KINDS",
    "URGENCIES",
    "WAIT_BANDS",
    "Candidate",
    "CapacityImport",
    "Need",
    "Place",
    "Placement",
    "Reason",
    "RequestInput",
    "RequestView",
    "ReservationOutcome",
    "ReservationView",
    "ShelterCounts",
    "ShelterDemo",
    "ShelterDenied",
    "ShelterError",
    "ShelterFigures",
    "ShelterInput",
    "ShelterNotFound",
    "Unplaced",
    "WaitingTimes",
    "accept",
    "add_staff",
    "availability",
    "command_line_principal",
    "discharge",
    "expire_holds",
    "fill_demo",
    "find_request",
    "hold_ran_out",
    "import_capacity",
    "latest_shelter_year",
    "list_requests",
    "list_reservations",
    "list_staff",
    "make_request",
    "match_request",
    "rank_places",
    "read_figures",
    "refuse",
    "registration_pseudonym",
    "reserve",
    "reveal_address",
    "save_shelter",
    "set_availability",
    "shelter_counts",
    "shelter_figures",
    "shelter_id_of",
    "wait_band",
    "waiting_times",
]
