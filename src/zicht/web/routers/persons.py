"""Linked persons: the list of the latest run, and a person with why it was linked."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zicht.access import (
    MIN_PURPOSE,
    Principal,
    audited_transaction,
    authorize,
    reveal_identities,
    scope_of,
)
from zicht.i18n import N_
from zicht.standard import ORGANISATIONS, VOCABULARIES
from zicht.store.person_reviews import add_person_review, read_person_reviews
from zicht.store.web_registrations import get_registration
from zicht.web.deps import audit, audit_event, look, requires, state
from zicht.web.explained import review_reasons
from zicht.web.i18n import Translator, language_of
from zicht.web.linked import (
    explanation,
    latest_run,
    linkage_staleness,
    person_members,
    person_registrations_frame,
    persons_of_run,
    search_persons,
)
from zicht.web.params import RowId, whole_number
from zicht.web.queries import cached
from zicht.web.registrations_view import display, list_columns, may_identify
from zicht.web.rendering import render

FORMS = VOCABULARIES["form"]
router = APIRouter(include_in_schema=False)
PAGE = 50
# A review states why: at least this many characters (a few words, not "ok").
MIN_REASON = 10
_DECISIONS = {"confirm": N_("Confirmed as one person"), "split": N_("Split off")}
_REVIEW_ERRORS = {
    "decision": N_("Choose to confirm the person or to split a registration off."),
    "single": N_("A person of one registration has nothing to confirm or split."),
    "run": N_(
        "A newer link run finished after this page was shown: look at the person again "
        "before you review."
    ),
    "reason": N_("State the reason for the review (at least %(n)s characters)."),
    "registration": N_("Choose the registration to split off."),
}


def _filters(request: Request) -> dict[str, Any]:
    """The search of the persons list, from the query string (bad values are ignored)."""
    query = request.query_params
    organisation = query.get("organisation", "")
    form = query.get("form", "")
    minor = {"yes": True, "no": False}.get(query.get("minor", ""))
    return {
        "text": query.get("q", "").strip()[:100],
        "organisation": organisation if organisation in ORGANISATIONS.codes else None,
        "year": whole_number(query.get("year"), 1900, 2100),
        "minor": minor,
        "form": form if form in FORMS.codes else None,
    }


@router.get("/persons")
def persons(
    request: Request, principal: Annotated[Principal, Depends(requires("view_persons"))]
) -> Response:
    shared = state(request)
    t = Translator(language_of(request))
    run = latest_run(shared.engine)
    suspicious = request.query_params.get("suspicious") == "1"
    page_text = request.query_params.get("page", "1")
    page = whole_number(page_text, 1, 999_999) or 1
    filters = _filters(request)
    items: list[dict[str, Any]] = []
    if run is not None:
        listed = cached(
            shared.cache,
            f"persons:{run.id}:{suspicious}",
            lambda: persons_of_run(shared.engine, run.id, suspicious),
            ttl=60,
        )
        frame = cached(
            shared.cache,
            f"person-frame:{run.id}",
            lambda: person_registrations_frame(shared.engine, run.id),
            ttl=60,
        )
        items = search_persons(frame, listed, **filters)
        named = {
            rid
            for r in read_person_reviews(shared.engine)
            for rid in (r.registration_id, *r.members)
        }
        reviewed = set(frame.loc[frame["registration_id"].isin(named), "person_id"].astype(int))
        items = [{**p, "reviewed": p["person_id"] in reviewed} for p in items]
    pages = max(1, -(-len(items) // PAGE))
    shown = [
        {
            **p,
            "organisations": ", ".join(t.label("organisation", o) for o in p["organisations"]),
            "years": ", ".join(str(y) for y in p["years"]),
        }
        for p in items[(page - 1) * PAGE : page * PAGE]
    ]
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
        stale=linkage_staleness(shared.reader),
        can_run_linkage=authorize(principal, "run_linkage"),
        run=run,
        persons=shown,
        total=len(items),
        page=page,
        pages=pages,
        suspicious=suspicious,
        search={
            "q": filters["text"],
            "organisation": filters["organisation"] or "",
            "year": filters["year"] or "",
            "minor": request.query_params.get("minor", ""),
            "form": filters["form"] or "",
        },
        organisations=[(code, t.label("organisation", code)) for code in ORGANISATIONS.codes],
        forms=[(code, t.label("form", code)) for code in FORMS.codes],
        base_query=urlencode(params) + ("&" if params else ""),
    )


@router.get("/persons/{person_id}")
def person(
    request: Request,
    person_id: RowId,
    principal: Annotated[Principal, Depends(requires("view_persons"))],
) -> Response:
    """A linked person without identities (a purpose in the URL is never read)."""
    return _person(request, person_id, principal, None)


@router.post("/persons/{person_id}")
async def person_with_identities(
    request: Request,
    person_id: RowId,
    principal: Annotated[Principal, Depends(requires("view_persons"))],
) -> Response:
    """A linked person with identities: the purpose comes in the POSTed form (with its CSRF
    token), never in a URL, as on a registration's page."""
    async with request.form() as form:
        purpose = form.get("purpose")
    return await run_in_threadpool(
        _person, request, person_id, principal, purpose if isinstance(purpose, str) else ""
    )


def _person(
    request: Request, person_id: int, principal: Principal, purpose: str | None
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
    can_identify = all(may_identify(principal, source) for _, source in members)
    errors: dict[str, str] = {}
    show = False
    if purpose is not None and can_identify:
        purpose = purpose.strip()[:400]
        if len(purpose) < MIN_PURPOSE:
            errors["purpose"] = t("State the purpose of access")
        else:
            show = True
    decrypted = (
        reveal_identities(
            shared.engine,
            shared.cipher,
            look(request, principal, purpose or "", person=person_id),
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
    links, notes = explanation(shared.engine, run.id, person_id, t)
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
    reviews = [
        {
            "decision": t(_DECISIONS[r.decision]),
            "registration_id": r.registration_id,
            "reason": r.reason,
            "reviewer": r.reviewer,
            "when": t.date(r.created_at),
            "pending": r.created_at >= run.started_at,
        }
        for r in read_person_reviews(shared.engine, ids)
    ]
    review_error = request.query_params.get("review_error", "")
    person_info = {
        "person_id": person_id,
        "run_id": run.id,
        "suspicious": bool(info and info["suspicious"]),
        "reasons": review_reasons(t, info["reasons"]) if info else None,
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
        reviews=reviews,
        can_review=authorize(principal, "review_persons"),
        review_errors=(
            {"review": t(_REVIEW_ERRORS[review_error], n=MIN_REASON)}
            if review_error in _REVIEW_ERRORS
            else {}
        ),
        reviewed=whole_number(request.query_params.get("reviewed"), 1, 2**31),
        min_reason=MIN_REASON,
    )


@router.post("/persons/{person_id}/review")
async def review_person(
    request: Request,
    person_id: RowId,
    principal: Annotated[Principal, Depends(requires("review_persons"))],
) -> Response:
    """Confirm a person, or split one registration off it, with a reason (audited)."""
    async with request.form() as form:
        decision = str(form.get("decision", ""))
        reason = " ".join(str(form.get("reason", "")).split())[:400]
        chosen = whole_number(str(form.get("registration", "")), 1, 2**31)
        shown_run = whole_number(str(form.get("run", "")), 1, 2**31)
    shared = state(request)
    run = await run_in_threadpool(latest_run, shared.engine)
    if run is None or not 0 < person_id < 2**31:
        raise HTTPException(status_code=404, detail="not_found")
    if shown_run != run.id:
        # person ids belong to one link run: a review of the page of an earlier run would
        # land on whoever has this id now
        return RedirectResponse(f"/persons/{person_id}?review_error=run#review", status_code=303)
    members = await run_in_threadpool(person_members, shared.engine, run.id, person_id)
    if not members:
        raise HTTPException(status_code=404, detail="not_found")
    ids = [rid for rid, _ in members]
    back = f"/persons/{person_id}"
    error = None
    if decision not in _DECISIONS:
        error = "decision"
    elif len(ids) < 2:
        error = "single"
    elif len(reason) < MIN_REASON:
        error = "reason"
    elif decision == "split" and chosen not in ids:
        error = "registration"
    if error is not None:
        return RedirectResponse(f"{back}?review_error={error}#review", status_code=303)
    registration = chosen if decision == "split" and chosen is not None else ids[0]
    others = [rid for rid in ids if rid != registration] if decision == "split" else ids

    def store() -> int:
        # the review and its audit entry commit together, or neither does
        with audited_transaction(shared.engine) as tx:
            review_id = add_person_review(
                tx.connection,
                decision="split" if decision == "split" else "confirm",
                registration_id=registration,
                members=others,
                person_id=person_id,
                run_id=run.id,
                reason=reason,
                reviewer=principal.name,
            )
            tx.log(
                audit_event(
                    request,
                    principal,
                    "person_reviewed",
                    object_type="victim_registration",
                    object_ids=list[int | str](
                        [registration, *others] if decision == "split" else ids
                    ),
                    purpose=reason,
                    person=person_id,
                    decision=decision,
                    review=review_id,
                    run=run.id,
                )
            )
        return review_id

    review_id = await run_in_threadpool(store)
    return RedirectResponse(f"{back}?reviewed={review_id}#review", status_code=303)
