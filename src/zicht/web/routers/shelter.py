"""Shelter pages: availability, requests, matching and reservations, per role.

Caseworkers make requests and follow their own; coordinators match and reserve; shelter
staff keep their availability and accept, refuse or discharge. Every page calls
`zicht.shelter`, as the CLI and the API do; its permission checks are the service's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zicht.access import Principal, authorize
from zicht.i18n import N_
from zicht.shelter import (
    BED_KINDS,
    REFUSAL_REASONS,
    REGIONS,
    SECURITY_LEVELS,
    URGENCIES,
    WAIT_BANDS,
    Place,
    RequestInput,
    ReservationOutcome,
    ShelterDenied,
    ShelterError,
    ShelterNotFound,
    accept,
    availability,
    discharge,
    find_request,
    hold_ran_out,
    list_requests,
    list_reservations,
    make_request,
    match_request,
    refuse,
    registration_pseudonym,
    reserve,
    reveal_address,
    set_availability,
    shelter_figures,
)
from zicht.standard import FORMS
from zicht.store.models import utcnow
from zicht.web.deps import requires, state
from zicht.web.figures import shown
from zicht.web.i18n import Translator, language_of
from zicht.web.params import RowId, whole_number
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)
# The states of a request and of a reservation (zicht.shelter), as the pages say them.
STATUS_TEXTS = {
    "open": N_("open"),
    "partly": N_("partly placed"),
    "placed": N_("placed"),
    "held": N_("held"),
    "accepted": N_("accepted"),
    "refused": N_("refused"),
    "expired": N_("expired"),
    "discharged": N_("discharged"),
}
T = TypeVar("T")
_DECISIONS = ("accept", "refuse", "discharge")


def _call(step: Callable[[], T]) -> T:
    """Run a service call; its refusals become 403 / 404 (a bad value stays ShelterError)."""
    try:
        return step()
    except ShelterDenied:
        raise HTTPException(status_code=403, detail="forbidden") from None
    except ShelterNotFound:
        raise HTTPException(status_code=404, detail="not_found") from None


def _choices(t: Translator, labels: dict[Any, str]) -> list[tuple[Any, str]]:
    return [(code, t(label)) for code, label in labels.items()]


def _figures(request: Request, t: Translator) -> dict[str, Any]:
    figures = shelter_figures(state(request).engine)
    return {
        "occupancy": [(t.date(day), shown(t, n)) for day, n in figures.occupancy.items()],
        "waits": [(t(label), shown(t, figures.waits[code])) for code, label, _ in WAIT_BANDS],
        "refusals": [
            (t(label), shown(t, figures.refusals[c])) for c, label in REFUSAL_REASONS.items()
        ],
        "placements": [
            (region, t.label("form", form) if form != "*" else t("All forms"), shown(t, n))
            for (region, form), n in figures.placements.items()
            if region != "*"
        ],
        "placed_total": shown(t, figures.placements.get(("*", "*"))),
    }


def _place_row(t: Translator, place: Place) -> dict[str, Any]:
    beds = {bed.kind: bed for bed in place.beds}
    cells = [
        f"{t.number(beds[k].free)} / {t.number(beds[k].total)}" if k in beds else "–"
        for k in BED_KINDS
    ]
    return {
        "code": place.shelter.code,
        "name": place.shelter.name,
        "region": place.shelter.region,
        "cells": cells,
    }


def _overview(
    request: Request, principal: Principal, errors: dict[str, str], status: int = 200
) -> Response:
    t = Translator(language_of(request))
    engine = state(request).engine
    staff = authorize(principal, "manage_shelter") and not authorize(
        principal, "coordinate_shelter"
    )
    places = availability(engine, principal, own=staff)
    requests = list_requests(engine, principal) if authorize(principal, "request_shelter") else []
    reservations = (
        list_reservations(engine, principal, statuses=("held", "accepted"))
        if authorize(principal, "manage_shelter")
        else []
    )
    return render(
        request,
        "shelter.html",
        principal,
        N_("Shelter"),
        status_texts=STATUS_TEXTS,
        status_code=status,
        errors=errors,
        places=places,
        place_rows=[_place_row(t, place) for place in places],
        requests=requests,
        reservations=reservations,
        bed_kinds=_choices(t, BED_KINDS),
        regions=[(code, code) for code in REGIONS],
        forms=[(term.code, t.label("form", term.code)) for term in FORMS],
        urgencies=_choices(t, URGENCIES),
        securities=_choices(t, SECURITY_LEVELS),
        reasons=_choices(t, REFUSAL_REASONS),
        can_request=authorize(principal, "request_shelter"),
        can_manage=authorize(principal, "manage_shelter"),
        can_coordinate=authorize(principal, "coordinate_shelter"),
        see_address=authorize(principal, "view_shelter_address"),
        figures=_figures(request, t) if authorize(principal, "view_dashboard") else None,
    )


@router.get("/shelter")
def shelter_page(
    request: Request,
    principal: Annotated[Principal, Depends(requires("view_shelter_availability"))],
) -> Response:
    return _overview(request, principal, {})


def _request_input(form: dict[str, str], cipher_key: Callable[[str, str], str]) -> RequestInput:
    size = whole_number(form.get("size"), 1, 200)
    security = whole_number(form.get("security") or "1", 1, 3)
    if size is None:
        raise ShelterError(N_("field %(field)s: %(rule)s"), field="size", rule="1-200")
    keys = []
    for line in form.get("registrations", "").splitlines():
        source, _, record_id = line.strip().partition(":")
        if line.strip() and not (source and record_id):
            raise ShelterError(
                N_("field %(field)s: %(rule)s"), field="registrations", rule="SOURCE:RECORD_ID"
            )
        if line.strip():
            keys.append(cipher_key(source.strip(), record_id.strip()))
    languages = tuple(c.strip() for c in form.get("languages", "").split(",") if c.strip())
    return RequestInput(
        form.get("bed_kind", ""),
        size,
        form.get("region", ""),
        form.get("form", ""),
        form.get("urgency", "tonight"),
        tuple(keys),
        languages,
        security or 0,
        form.get("care") == "yes",
        form.get("wheelchair") == "yes",
    )


@router.post("/shelter/requests")
async def request_submit(
    request: Request,
    principal: Annotated[Principal, Depends(requires("request_shelter"))],
) -> Response:
    t = Translator(language_of(request))
    async with request.form() as form:
        fields = {k: str(v) for k, v in form.items()}
    shared = state(request)
    try:
        wanted = _request_input(fields, lambda s, r: registration_pseudonym(shared.cipher, s, r))
        request_id = await run_in_threadpool(
            _call, lambda: make_request(shared.engine, principal, wanted)
        )
    except ShelterError as exc:
        field = str(exc.values.get("field", "bed_kind"))
        return await run_in_threadpool(
            _overview, request, principal, {field: t(exc.message, **exc.values)}, 400
        )
    return RedirectResponse(f"/shelter/requests/{request_id}", status_code=303)


def _request_page(
    request: Request,
    principal: Principal,
    request_id: int,
    outcome: ReservationOutcome | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    t = Translator(language_of(request))
    # Reads only, each of one statement: the pool of autocommit connections (no BEGIN and
    # ROLLBACK around each, and not the pool the reservations' transactions wait for).
    engine = state(request).reader
    found = _call(lambda: find_request(engine, principal, request_id))
    reservations = list_reservations(engine, principal, request_id=request_id)
    # Places are sought only while someone of the request has no place, or a hold ran
    # out (reserving again releases it): otherwise nothing is left to reserve, and the
    # search is the costliest read of the page.
    now = utcnow()
    can_reserve = authorize(principal, "coordinate_shelter") and (
        found.status != "placed"
        or any(hold_ran_out(r.status, r.held_until, now) for r in reservations)
    )
    ranked = match_request(engine, principal, found) if can_reserve else []
    return render(
        request,
        "shelter_request.html",
        principal,
        N_("Shelter request"),
        status_texts=STATUS_TEXTS,
        title=t("Shelter request %(id)s", id=request_id),
        found=found,
        bed_kind=t(BED_KINDS[found.bed_kind]),
        urgency=t(URGENCIES[found.urgency]),
        form_label=t.label("form", found.form),
        candidates=[
            {
                "code": c.shelter.code,
                "name": c.shelter.name,
                "region": c.shelter.region,
                "reasons": "; ".join(t(r.message, **r.values) for r in c.reasons),
            }
            for c in ranked
        ],
        reservations=reservations,
        outcome=outcome,
        can_reserve=can_reserve,
        errors=errors or {},
    )


@router.get("/shelter/requests/{request_id}")
def request_page(
    request: Request,
    request_id: RowId,
    principal: Annotated[Principal, Depends(requires("request_shelter"))],
) -> Response:
    return _request_page(request, principal, request_id)


@router.post("/shelter/requests/{request_id}/reserve")
async def reserve_submit(
    request: Request,
    request_id: RowId,
    principal: Annotated[Principal, Depends(requires("coordinate_shelter"))],
) -> Response:
    async with request.form() as form:
        partial = form.get("partial") == "yes"
        chosen = [str(v) for v in form.getlist("shelter") if str(v)]
    engine = state(request).engine
    t = Translator(language_of(request))
    try:
        outcome = await run_in_threadpool(
            _call,
            lambda: reserve(
                engine, principal, request_id, shelters=chosen or None, partial=partial
            ),
        )
    except ShelterError as exc:
        return await run_in_threadpool(
            _request_page,
            request,
            principal,
            request_id,
            None,
            {"reserve": t(exc.message, **exc.values)},
        )
    return await run_in_threadpool(_request_page, request, principal, request_id, outcome)


@router.post("/shelter/reservations/{reservation_id}/{decision}")
async def decision_submit(
    request: Request,
    reservation_id: RowId,
    decision: str,
    principal: Annotated[Principal, Depends(requires("manage_shelter"))],
) -> Response:
    if decision not in _DECISIONS:
        raise HTTPException(status_code=404, detail="not_found")
    async with request.form() as form:
        reason = str(form.get("reason", ""))
    engine = state(request).engine
    t = Translator(language_of(request))
    steps = {
        "accept": lambda: accept(engine, principal, reservation_id),
        "refuse": lambda: refuse(engine, principal, reservation_id, reason),
        "discharge": lambda: discharge(engine, principal, reservation_id),
    }
    try:
        await run_in_threadpool(_call, steps[decision])
    except ShelterError as exc:
        return await run_in_threadpool(
            _overview, request, principal, {"reservations": t(exc.message, **exc.values)}, 400
        )
    return RedirectResponse("/shelter", status_code=303)


@router.post("/shelter/places/{code}/beds")
async def beds_submit(
    request: Request,
    code: str,
    principal: Annotated[Principal, Depends(requires("manage_shelter"))],
) -> Response:
    async with request.form() as form:
        kind = str(form.get("kind", ""))
        beds = whole_number(str(form.get("beds", "")), 0, 10_000)
        free = whole_number(str(form.get("free", "")), 0, 10_000)
    engine = state(request).engine
    t = Translator(language_of(request))
    try:
        if beds is None or free is None:
            raise ShelterError(N_("field %(field)s: %(rule)s"), field="beds", rule="0-10000")
        await run_in_threadpool(
            _call, lambda: set_availability(engine, principal, code, kind, beds, free)
        )
    except ShelterError as exc:
        return await run_in_threadpool(
            _overview, request, principal, {"beds": t(exc.message, **exc.values)}, 400
        )
    return RedirectResponse("/shelter", status_code=303)


@router.get("/shelter/places/{code}/address")
def address_page(
    request: Request,
    code: str,
    principal: Annotated[Principal, Depends(requires("view_shelter_address"))],
    purpose: str = "",
) -> Response:
    t = Translator(language_of(request))
    shared = state(request)
    address = None
    errors: dict[str, str] = {}
    if purpose:
        try:
            address = _call(
                lambda: reveal_address(shared.engine, shared.cipher, principal, code, purpose)
            )
        except ValueError:
            errors["purpose"] = t("Give a purpose of at least 5 characters.")
    else:
        _call(lambda: _check_address(shared.engine, principal, code))
    return render(
        request,
        "shelter_address.html",
        principal,
        N_("Shelter address"),
        title=t("Address of shelter %(code)s", code=code),
        code=code,
        address=address,
        errors=errors,
    )


def _check_address(engine: Any, principal: Principal, code: str) -> None:
    """404 for an unknown shelter, 403 for one that is not the principal's, before a look."""
    places = {p.shelter.code: p for p in availability(engine, principal)}
    if code not in places:
        raise ShelterNotFound(N_("no shelter %(code)s"), code=code)
    own = {p.shelter.code for p in availability(engine, principal, own=True)}
    if not authorize(principal, "coordinate_shelter") and code not in own:
        raise ShelterDenied(N_("not permitted for this shelter: %(action)s"), action="address")
