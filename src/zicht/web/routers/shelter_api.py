"""Shelter API: free places for partners' systems, availability kept by a shelter's system,
and the published figures.

A shelter's system uses an API token with `manage_shelter` that a coordinator made staff
of the shelter (`zicht shelter staff CODE token:NAME`). Never an address.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from starlette.requests import Request

from zicht.access import Principal
from zicht.shelter import (
    ShelterDenied,
    ShelterError,
    ShelterNotFound,
    availability,
    set_availability,
    shelter_figures,
)
from zicht.web.deps import requires, state
from zicht.web.routers.api import ERRORS

router = APIRouter(prefix="/api/shelter", tags=["shelter"])

BedKind = Literal["women", "men", "minors", "families", "crisis_labour"]


class BedsOut(BaseModel):
    kind: str
    beds: int
    taken: int
    free: int


class PlaceOut(BaseModel):
    code: str
    name: str
    kind: str
    region: str
    languages: list[str]
    wheelchair: bool
    security: int
    care: bool
    beds: list[BedsOut]


class BedsIn(BaseModel):
    kind: BedKind
    beds: int = Field(ge=0, le=10_000)
    free: int = Field(ge=0, le=10_000)


@router.get("/availability", responses=ERRORS)
def availability_api(
    request: Request,
    principal: Annotated[Principal, Depends(requires("view_shelter_availability"))],
) -> list[PlaceOut]:
    """Every shelter with its beds per kind: all, taken (reserved or occupied), free."""
    return [
        PlaceOut(
            code=p.shelter.code,
            name=p.shelter.name,
            kind=p.shelter.kind,
            region=p.shelter.region,
            languages=list(p.shelter.languages),
            wheelchair=p.shelter.wheelchair,
            security=p.shelter.security,
            care=p.shelter.care,
            beds=[BedsOut(kind=b.kind, beds=b.total, taken=b.taken, free=b.free) for b in p.beds],
        )
        for p in availability(state(request).engine, principal)
    ]


@router.post("/places/{code}/beds", responses={**ERRORS, 404: {"description": "No shelter"}})
def beds_api(
    request: Request,
    code: str,
    body: BedsIn,
    principal: Annotated[Principal, Depends(requires("manage_shelter"))],
) -> BedsOut:
    """Set a shelter's beds of one kind and how many are free (its own staff only)."""
    try:
        free = set_availability(
            state(request).engine, principal, code, body.kind, body.beds, body.free
        )
    except ShelterDenied:
        raise HTTPException(status_code=403, detail="forbidden") from None
    except ShelterNotFound:
        raise HTTPException(status_code=404, detail="not_found") from None
    except ShelterError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    return BedsOut(kind=body.kind, beds=body.beds, taken=body.beds - free, free=free)


class FiguresOut(BaseModel):
    suppressed_below: int
    occupancy_per_day: dict[str, int | None]
    time_to_placement: dict[str, int | None]
    refusals_by_reason: dict[str, int | None]
    placements_by_region_and_form: dict[str, dict[str, int | None]]


@router.get("/figures", responses=ERRORS)
def figures_api(
    request: Request,
    principal: Annotated[Principal, Depends(requires("view_aggregates"))],
) -> FiguresOut:
    """Published figures (null where suppressed): people in a shelter per day, time from
    request to placement, refusals by reason, placements by region and form ("*": all)."""
    figures = shelter_figures(state(request).engine)
    table: dict[str, dict[str, int | None]] = {}
    for (region, form), count in figures.placements.items():
        table.setdefault(region, {})[form] = count
    return FiguresOut(
        suppressed_below=figures.policy.k,
        occupancy_per_day={day.isoformat(): n for day, n in figures.occupancy.items()},
        time_to_placement=figures.waits,
        refusals_by_reason=figures.refusals,
        placements_by_region_and_form=table,
    )
