"""The coordinators' page to add or change shelters and make people staff of a shelter.

It calls `zicht.shelter.save_shelter` and `add_staff`, as `zicht shelter add` and
`zicht shelter staff` do: both require `coordinate_shelter`, encrypt the address and
write one audit entry each. A refused field re-renders the form with the field and the
rule, never the value (the address is never sent back to the browser).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zicht.access import Principal
from zicht.i18n import N_
from zicht.shelter import (
    REGIONS,
    SECURITY_LEVELS,
    SHELTER_KINDS,
    ShelterError,
    ShelterInput,
    ShelterNotFound,
    add_staff,
    availability,
    list_staff,
    save_shelter,
)
from zicht.web.deps import requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.params import whole_number
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)
_KEPT = ("code", "name", "kind", "region", "languages", "security", "wheelchair", "care")


def _admin_page(
    request: Request,
    principal: Principal,
    errors: dict[str, str] | None = None,
    kept: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    t = Translator(language_of(request))
    engine = state(request).engine
    staff = list_staff(engine, principal)
    rows = [
        {
            "code": place.shelter.code,
            "name": place.shelter.name,
            "kind": t(SHELTER_KINDS[place.shelter.kind]),
            "region": place.shelter.region,
            "staff": ", ".join(staff.get(place.shelter.code, ())) or "–",
        }
        for place in availability(engine, principal)
    ]
    response = render(
        request,
        "shelter_admin.html",
        principal,
        N_("Shelters and staff"),
        rows=rows,
        kinds=[(code, t(label)) for code, label in SHELTER_KINDS.items()],
        regions=[(code, code) for code in REGIONS],
        levels=[(str(level), t(label)) for level, label in SECURITY_LEVELS.items()],
        codes=[(row["code"], f"{row['name']} ({row['code']})") for row in rows],
        kept=kept or {},
        errors=errors or {},
    )
    response.status_code = status
    return response


@router.get("/shelter/admin")
def admin_page(
    request: Request,
    principal: Annotated[Principal, Depends(requires("coordinate_shelter"))],
) -> Response:
    return _admin_page(request, principal)


def _shelter_input(form: dict[str, str]) -> ShelterInput:
    security = whole_number(form.get("security") or "1", 1, 3)
    if security is None:
        raise ShelterError(N_("field %(field)s: %(rule)s"), field="security", rule="1-3")
    return ShelterInput(
        form.get("code", "").strip(),
        form.get("name", ""),
        form.get("kind", ""),
        form.get("region", ""),
        form.get("address", ""),
        tuple(c.strip() for c in form.get("languages", "").split(",") if c.strip()),
        form.get("wheelchair") == "yes",
        security,
        form.get("care") == "yes",
    )


def _field_of(error: ShelterError) -> str:
    field = error.values.get("field")
    return field if isinstance(field, str) else "place"


@router.post("/shelter/admin/places")
async def place_submit(
    request: Request,
    principal: Annotated[Principal, Depends(requires("coordinate_shelter"))],
) -> Response:
    async with request.form() as form:
        fields = {k: str(v) for k, v in form.items()}
    shared = state(request)
    t = Translator(language_of(request))
    try:
        place = _shelter_input(fields)
        await run_in_threadpool(save_shelter, shared.engine, principal, shared.cipher, place)
    except ShelterError as exc:
        kept = {k: fields[k] for k in _KEPT if k in fields}  # never the address
        errors = {_field_of(exc): t(exc.message, **exc.values)}
        return await run_in_threadpool(_admin_page, request, principal, errors, kept, 400)
    return RedirectResponse("/shelter/admin", status_code=303)


@router.post("/shelter/admin/staff")
async def staff_submit(
    request: Request,
    principal: Annotated[Principal, Depends(requires("coordinate_shelter"))],
) -> Response:
    async with request.form() as form:
        code = str(form.get("shelter", ""))
        member = str(form.get("member", "")).strip()
    engine = state(request).engine
    t = Translator(language_of(request))
    errors: dict[str, Any] = {}
    if not member or len(member) > 100:
        errors["member"] = t("field %(field)s: %(rule)s", field="member", rule="1-100")
    else:
        try:
            await run_in_threadpool(add_staff, engine, principal, code, member)
        except ShelterNotFound as exc:
            errors["shelter"] = t(exc.message, **exc.values)
    if errors:
        return await run_in_threadpool(_admin_page, request, principal, errors, None, 400)
    return RedirectResponse("/shelter/admin", status_code=303)
