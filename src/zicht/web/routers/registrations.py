"""The registrations list (filter, sort, page) and one registration, identities per permission."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import (
    MIN_PURPOSE,
    Principal,
    authorize,
    reveal_identities,
    reveal_identities_async,
    scope_of,
)
from zicht.i18n import N_
from zicht.standard import FORMS, ORGANISATIONS
from zicht.store import RECORD_TABLES
from zicht.store.web_counts import data_version
from zicht.store.web_registrations import (
    RegistrationQuery,
    count_registrations,
    get_registration,
    registration_page,
    years,
)
from zicht.web.deps import audit, audit_async, look, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.params import RowId, whole_number
from zicht.web.queries import LIST_COLUMNS, LIST_IDENTITY, MAX_PAGE_SIZE, SORTS, versioned
from zicht.web.registrations_form import filter_form
from zicht.web.registrations_view import (
    identity_fields,
    list_columns,
    may_identify,
    record_fields,
    table_rows,
    visible_organisation,
)
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)


def parse_query(principal: Principal, params: Any) -> RegistrationQuery:
    """A registrations query from request parameters, out-of-range values dropped."""
    record_type = params.get("record_type", "victim_registration")
    if record_type not in RECORD_TABLES:
        record_type = "victim_registration"
    organisation = params.get("organisation") or None
    if organisation not in ORGANISATIONS:
        organisation = None
    form = params.get("form") or None
    sort = params.get("sort", "id")
    return RegistrationQuery(
        record_type=record_type,
        organisation=visible_organisation(principal, "list_registrations", organisation),
        year=whole_number(params.get("year"), 1900, 2100),
        form=form if form in FORMS else None,
        sort=sort if sort in SORTS else "id",
        page=whole_number(params.get("page"), 1, 1_000_000) or 1,
        page_size=whole_number(params.get("page_size"), 1, MAX_PAGE_SIZE) or 50,
    )


@router.get("/registrations")
async def registrations(
    request: Request, principal: Annotated[Principal, Depends(requires("list_registrations"))]
) -> Response:
    # Served on the event loop: the reads are a few indexed queries, and the audit entry
    # is awaited (group commit) while other requests go on.
    shared = state(request)
    t = Translator(language_of(request))
    query = parse_query(principal, request.query_params)
    want_identities = request.query_params.get("identities") == "1"
    purpose = request.query_params.get("purpose", "").strip()[:400]
    can_identify = may_identify(principal)
    errors: dict[str, str] = {}
    show = False
    if want_identities and can_identify:
        if len(purpose) < MIN_PURPOSE:
            errors["purpose"] = t("State the purpose of access")
        else:
            show = True
    version = data_version(shared.reader)
    rows = registration_page(shared.reader, query, LIST_COLUMNS[query.record_type])
    total = versioned(
        shared.cache,
        f"total:{query.record_type}:{query.organisation}:{query.year}:{query.form}",
        version,
        lambda: count_registrations(shared.reader, query),
    )
    shown_ids = [row["id"] for row in rows]
    decrypted: dict[int, dict[str, Any]] = {}
    columns = list_columns(query.record_type, t.lang, show)
    identity_names = LIST_IDENTITY[query.record_type] if show else ()
    if show:  # the door writes the view_identity entry itself
        decrypted = await reveal_identities_async(
            shared.engine,
            shared.cipher,
            look(request, principal, purpose),
            query.record_type,
            shown_ids,
            reader=shared.reader,
        )
    else:
        await audit_async(
            request,
            principal,
            "list_registrations",
            object_type=query.record_type,
            object_ids=shown_ids,
        )
    pages = max(1, -(-total // query.page_size))
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "lang")]
    base_query = urlencode(params) + ("&" if params else "")
    year_options = versioned(
        shared.cache,
        f"years:{query.record_type}",
        version,
        lambda: tuple(years(shared.reader, query.record_type)),
    )
    shown_query = {**query.__dict__, "identities": show, "purpose": purpose}
    form_html = filter_form(
        t,
        shown_query,
        errors,
        scope_of(principal, "list_registrations") == "all",
        year_options,
        can_identify,
    )
    return render(
        request,
        "registrations.html",
        principal,
        N_("Registrations"),
        errors=errors,
        query=shown_query,
        filter_form=form_html,
        columns=columns,
        rows=table_rows(t, query.record_type, rows, identity_names, decrypted),
        total=total,
        pages=pages,
        base_query=base_query,
    )


@router.get("/registrations/{record_type}/{record_id}")
def registration(
    request: Request,
    record_type: str,
    record_id: RowId,
    principal: Annotated[Principal, Depends(requires("list_registrations"))],
) -> Response:
    shared = state(request)
    if record_type not in RECORD_TABLES:
        raise HTTPException(status_code=404, detail="not_found")
    record = get_registration(shared.engine, record_type, record_id)
    if record is None or not authorize(principal, "list_registrations", record["source"]):
        raise HTTPException(status_code=404, detail="not_found")
    t = Translator(language_of(request))
    purpose = request.query_params.get("purpose", "").strip()[:400]
    can_identify = may_identify(principal, record["source"])
    errors: dict[str, str] = {}
    identity = None
    if request.query_params.get("identities") == "1" and can_identify:
        if len(purpose) < MIN_PURPOSE:
            errors["purpose"] = t("State the purpose of access")
        else:
            values = reveal_identities(
                shared.engine,
                shared.cipher,
                look(request, principal, purpose),
                record_type,
                [record_id],
            )
            identity = identity_fields(t, record_type, values.get(record_id, {}))
    if identity is None:  # a look at the identity is audited by the door
        audit(
            request, principal, "view_registration", object_type=record_type, object_ids=[record_id]
        )
    return render(
        request,
        "registration.html",
        principal,
        N_("Registrations"),
        title=t("Registration %(id)s", id=record_id),
        record=record,
        record_type=record_type,
        fields=record_fields(t, record_type, record),
        identity=identity,
        can_identify=can_identify,
        errors=errors,
    )
