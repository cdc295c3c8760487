"""Linked persons: the list of the latest run, and a person with why it was linked."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import MIN_PURPOSE, Principal, authorize, reveal_identities, scope_of
from zicht.i18n import N_
from zicht.store.web_registrations import get_registration
from zicht.web.deps import audit, look, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.linked import explanation, latest_run, person_members, persons_of_run
from zicht.web.params import RowId, whole_number
from zicht.web.queries import cached
from zicht.web.registrations_view import display, list_columns, may_identify
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)
PAGE = 50


@router.get("/persons")
def persons(
    request: Request, principal: Annotated[Principal, Depends(requires("view_persons"))]
) -> Response:
    shared = state(request)
    run = latest_run(shared.engine)
    suspicious = request.query_params.get("suspicious") == "1"
    page_text = request.query_params.get("page", "1")
    page = whole_number(page_text, 1, 999_999) or 1
    items: list[dict[str, object]] = []
    if run is not None:
        items = cached(
            shared.cache,
            f"persons:{run.id}:{suspicious}",
            lambda: persons_of_run(shared.engine, run.id, suspicious),
            ttl=60,
        )
    pages = max(1, -(-len(items) // PAGE))
    shown = items[(page - 1) * PAGE : page * PAGE]
    audit(
        request,
        principal,
        "list_persons",
        object_type="person",
        object_ids=[int(str(p["person_id"])) for p in shown],
    )
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "lang")]
    return render(
        request,
        "persons.html",
        principal,
        N_("Persons"),
        run=run,
        persons=shown,
        total=len(items),
        page=page,
        pages=pages,
        suspicious=suspicious,
        base_query=urlencode(params) + ("&" if params else ""),
    )


@router.get("/persons/{person_id}")
def person(
    request: Request,
    person_id: RowId,
    principal: Annotated[Principal, Depends(requires("view_persons"))],
) -> Response:
    shared = state(request)
    run = latest_run(shared.engine)
    if run is None or not 0 < person_id < 2**31:
        raise HTTPException(status_code=404, detail="not_found")
    members = person_members(shared.engine, run.id, person_id)
    if scope_of(principal, "view_persons") == "own":
        members = [(rid, source) for rid, source in members if source == principal.organisation]
    if not members:
        raise HTTPException(status_code=404, detail="not_found")
    t = Translator(language_of(request))
    ids = [rid for rid, _ in members]
    purpose = request.query_params.get("purpose", "").strip()[:400]
    can_identify = all(may_identify(principal, source) for _, source in members)
    errors: dict[str, str] = {}
    show = False
    if request.query_params.get("identities") == "1" and can_identify:
        if len(purpose) < MIN_PURPOSE:
            errors["purpose"] = t("State the purpose of access")
        else:
            show = True
    decrypted = (
        reveal_identities(
            shared.engine,
            shared.cipher,
            look(request, principal, purpose, person=person_id),
            "victim_registration",
            ids,
        )
        if show
        else {}
    )
    columns = list_columns("victim_registration", t.lang, show)
    rows = []
    for rid in ids:
        record = get_registration(shared.engine, "victim_registration", rid)
        values = {**(record.fields if record else {}), **decrypted.get(rid, {})}
        rows.append(
            {"id": rid, "cells": {c.name: display(t, c.name, values.get(c.name)) for c in columns}}
        )
    links, notes = explanation(shared.engine, run.id, person_id)
    info = next(
        (p for p in persons_of_run(shared.engine, run.id, False) if p["person_id"] == person_id),
        None,
    )
    if not show:  # a look at the identities is audited by the door
        audit(
            request,
            principal,
            "view_person",
            object_type="victim_registration",
            object_ids=list(ids),
            person=person_id,
        )
    person_info = {
        "person_id": person_id,
        "run_id": run.id,
        "suspicious": bool(info and info["suspicious"]),
        "reasons": info["reasons"] if info else None,
    }
    return render(
        request,
        "person.html",
        principal,
        N_("Persons"),
        title=t("Person %(id)s", id=person_id),
        person=person_info,
        registrations=rows,
        columns=columns,
        links=links,
        notes=notes,
        explain_note=None,
        identities_shown=show,
        can_identify=can_identify and authorize(principal, "view_identity"),
        errors=errors,
    )
