"""The registrations list (search, filter, sort, numbered pages, CSV export) and one
registration, identities per permission.

Filters and search travel in the URL (a list can be bookmarked and shared). The purpose
of a look at identities never does: identities are asked for with a POSTed form (with
its CSRF token), and the pages showing them carry the purpose on in POSTed forms only
(the numbered pages, the export and each registration's own page).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import (
    MIN_PURPOSE,
    Principal,
    audited_transaction,
    authorize,
    reveal_identities,
    reveal_identities_async,
    scope_of,
)
from zicht.i18n import N_
from zicht.privacy import CsvWriter
from zicht.standard import FORMS, GENDERS, ORGANISATIONS
from zicht.store import RECORD_TABLES
from zicht.store.web_counts import data_version
from zicht.store.web_registrations import (
    RegistrationQuery,
    count_registrations,
    get_registration,
    iter_registrations,
    registration_page,
    years,
)
from zicht.web.deps import audit, audit_async, audit_event, look, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.params import RowId, iso_date, whole_number
from zicht.web.queries import (
    EXPORT_LIMIT,
    LIST_COLUMNS,
    LIST_IDENTITY,
    MAX_PAGE_SIZE,
    SORTS,
    versioned,
)
from zicht.web.registrations_form import filter_form, look_form
from zicht.web.registrations_pager import numbered_pages
from zicht.web.registrations_view import (
    display,
    identity_fields,
    list_columns,
    may_identify,
    record_fields,
    table_rows,
    visible_organisation,
)
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)

IDENTITY_EXPORT_LIMIT = 5_000
"""Rows in one CSV export with identity data at most: a look, not a copy of the register."""
FILTER_NAMES = (
    "record_type",
    "organisation",
    "year",
    "form",
    "gender",
    "since",
    "until",
    "q",
    "batch",
    "sort",
    "page_size",
)


def parse_query(principal: Principal, params: Mapping[str, Any]) -> RegistrationQuery:
    """A registrations query from request parameters, out-of-range values dropped."""
    record_type = params.get("record_type") or "victim_registration"
    if record_type not in RECORD_TABLES:
        record_type = "victim_registration"
    organisation = params.get("organisation") or None
    if organisation not in ORGANISATIONS:
        organisation = None
    form = params.get("form") or None
    gender = params.get("gender") or None
    sort = params.get("sort") or "id"
    # NUL can be in no stored text (PostgreSQL refuses it in a parameter): dropped.
    search = str(params.get("q") or "").replace("\x00", "").strip()[:100] or None
    return RegistrationQuery(
        record_type=record_type,
        organisation=visible_organisation(principal, "list_registrations", organisation),
        year=whole_number(params.get("year"), 1900, 2100),
        form=form if form in FORMS else None,
        sort=sort if sort in SORTS else "id",
        page=whole_number(params.get("page"), 1, 1_000_000) or 1,
        page_size=whole_number(params.get("page_size"), 1, MAX_PAGE_SIZE) or 50,
        search=search,
        gender=gender if gender in GENDERS and record_type != "report" else None,
        since=iso_date(params.get("since")),
        until=iso_date(params.get("until")),
        batch=whole_number(params.get("batch"), 1, 2**31 - 1),
    )


def filters_of(query: RegistrationQuery) -> list[tuple[str, str]]:
    """The filters of `query` that are set, as (parameter, value) pairs (no page)."""
    values: dict[str, Any] = {
        "record_type": query.record_type,
        "organisation": query.organisation,
        "year": query.year,
        "form": query.form,
        "gender": query.gender,
        "since": query.since.isoformat() if query.since else None,
        "until": query.until.isoformat() if query.until else None,
        "q": query.search,
        "batch": query.batch,
        "sort": query.sort if query.sort != "id" else None,
        "page_size": query.page_size if query.page_size != 50 else None,
    }
    return [(name, str(values[name])) for name in FILTER_NAMES if values[name] is not None]


async def _list(
    request: Request,
    principal: Principal,
    params: Mapping[str, Any],
    identities_asked: bool,
) -> Response:
    # Served on the event loop: the reads are a few indexed queries, and the audit entry
    # is awaited (group commit) while other requests go on.
    shared = state(request)
    t = Translator(language_of(request))
    query = parse_query(principal, params)
    purpose = str(params.get("purpose") or "").strip()[:400]
    can_identify = may_identify(principal)
    errors: dict[str, str] = {}
    show = False
    if identities_asked and can_identify:
        if len(purpose) < MIN_PURPOSE:
            errors["purpose"] = t("State the purpose of access")
        else:
            show = True
    version = data_version(shared.reader)
    rows = registration_page(shared.reader, query)
    all_organisations = scope_of(principal, "list_registrations") == "all"
    # An "own" scope's organisation is implied, never a choice to carry on.
    filters = [(k, v) for k, v in filters_of(query) if k != "organisation" or all_organisations]
    total = versioned(
        shared.cache,
        "total:" + urlencode(filters_of(query)),  # the organisation of an own scope too
        version,
        lambda: count_registrations(shared.reader, query),
    )
    shown_ids = [row.id for row in rows]
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
            object_ids=[*map(int, shown_ids)],
        )
    pages = max(1, -(-total // query.page_size))
    year_options = versioned(
        shared.cache,
        f"years:{query.record_type}",
        version,
        lambda: tuple(years(shared.reader, query.record_type)),
    )
    form_html = filter_form(t, query, all_organisations, year_options)
    shown_purpose = purpose if (show or errors) else ""
    identity_form = (
        look_form(t, principal.csrf_token or "", filters, shown_purpose, errors, query.page, show)
        if can_identify
        else ""
    )
    return render(
        request,
        "registrations.html",
        principal,
        N_("Registrations"),
        errors=errors,
        query=query,
        filter_form=form_html,
        look_form=identity_form,
        columns=columns,
        rows=table_rows(t, query.record_type, rows, identity_names, decrypted, look_form=show),
        total=total,
        pages=pages,
        pager=numbered_pages(
            t, query.page, pages, urlencode(filters) + ("&" if filters else ""), show
        ),
        export_query=urlencode(filters),
        can_identify=can_identify,
        identities=show,
    )


@router.get("/registrations")
async def registrations(
    request: Request, principal: Annotated[Principal, Depends(requires("list_registrations"))]
) -> Response:
    return await _list(request, principal, request.query_params, identities_asked=False)


@router.post("/registrations")
async def registrations_with_identities(
    request: Request, principal: Annotated[Principal, Depends(requires("list_registrations"))]
) -> Response:
    """The list with identity data: the purpose comes in the POSTed form, not the URL."""
    form = await request.form()
    params = {k: v for k, v in form.items() if isinstance(v, str)}
    return await _list(request, principal, params, identities_asked=True)


def _export(
    request: Request, principal: Principal, params: Mapping[str, Any], identities_asked: bool
) -> Response:
    shared = state(request)
    t = Translator(language_of(request))
    query = parse_query(principal, params)
    purpose = str(params.get("purpose") or "").strip()[:400]
    if identities_asked:
        if len(purpose) < MIN_PURPOSE:
            raise HTTPException(status_code=400, detail="purpose_required")
        if not may_identify(principal):
            raise HTTPException(status_code=403, detail="forbidden")
    limit = IDENTITY_EXPORT_LIMIT if identities_asked else EXPORT_LIMIT
    rows = list(iter_registrations(shared.engine, query, limit))
    total = count_registrations(shared.engine, query)
    ids = [row.id for row in rows]
    names = LIST_COLUMNS[query.record_type]
    identity_names = LIST_IDENTITY[query.record_type] if identities_asked else ()
    decrypted: dict[int, dict[str, Any]] = {}
    filters = dict(filters_of(query))
    if identities_asked:  # one entry: the door's view_identity, saying it was an export
        decrypted = reveal_identities(
            shared.engine,
            shared.cipher,
            look(request, principal, purpose, export="csv", filters=filters),
            query.record_type,
            ids,
        )
    else:
        # Up to EXPORT_LIMIT ids would make one entry of a megabyte: the entry names the
        # filters, the count and a digest of the exported ids (in the file's order); the
        # ids go beside the chain in the same transaction, so that the trail can say who
        # exported a given record and `verify` finds them altered.
        with audited_transaction(shared.engine) as transaction:
            transaction.log_export(
                audit_event(
                    request,
                    principal,
                    "export_registrations",
                    object_type=query.record_type,
                    filters=filters,
                ),
                ids,
            )
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    # Codes as stored (stable for other programs), then their labels in the reader's language.
    labelled = [n for n in names if n in _LABELLED]
    writer.writerow(["id", *names, *(f"{n}_label" for n in labelled), *identity_names])
    for row in rows:
        identity = decrypted.get(row.id, {})
        writer.writerow(
            [
                row.id,
                *(_cell(row.value(n)) for n in names),
                *(display(t, n, row.value(n)) for n in labelled),
                *(_cell(identity.get(n)) for n in identity_names),
            ]
        )
    name = f"registrations-{query.record_type}-{dt.date.today().isoformat()}.csv"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    if total > len(rows):
        headers["x-zicht-truncated"] = str(total)
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


_LABELLED = frozenset(
    {"source", "forms", "gender", "nationality", "role", "channel", "reporter_kind"}
)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@router.get("/registrations/export.csv")
def export_registrations(
    request: Request, principal: Annotated[Principal, Depends(requires("list_registrations"))]
) -> Response:
    """Every registration matching the filters (up to EXPORT_LIMIT) as CSV, audited."""
    return _export(request, principal, request.query_params, identities_asked=False)


@router.post("/registrations/export.csv")
async def export_registrations_with_identities(
    request: Request, principal: Annotated[Principal, Depends(requires("list_registrations"))]
) -> Response:
    """The export with identity data: a purpose in the POSTed form, through the door."""
    form = await request.form()
    params = {k: v for k, v in form.items() if isinstance(v, str)}
    return await run_in_threadpool(_export, request, principal, params, True)


def _registration(
    request: Request,
    principal: Principal,
    record_type: str,
    record_id: int,
    purpose: str | None,
) -> Response:
    shared = state(request)
    if record_type not in RECORD_TABLES:
        raise HTTPException(status_code=404, detail="not_found")
    record = get_registration(shared.engine, record_type, record_id)
    if record is None or not authorize(principal, "list_registrations", record.source):
        raise HTTPException(status_code=404, detail="not_found")
    t = Translator(language_of(request))
    can_identify = may_identify(principal, record.source)
    errors: dict[str, str] = {}
    identity = None
    if purpose is not None and can_identify:
        purpose = purpose.strip()[:400]
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
        purpose=purpose if identity is not None else "",
        errors=errors,
    )


@router.get("/registrations/{record_type}/{record_id}")
def registration(
    request: Request,
    record_type: str,
    record_id: RowId,
    principal: Annotated[Principal, Depends(requires("list_registrations"))],
) -> Response:
    return _registration(request, principal, record_type, record_id, None)


@router.post("/registrations/{record_type}/{record_id}")
async def registration_with_identity(
    request: Request,
    record_type: str,
    record_id: RowId,
    principal: Annotated[Principal, Depends(requires("list_registrations"))],
) -> Response:
    """One registration with its identity: the purpose comes in the POSTed form."""
    form = await request.form()
    purpose = form.get("purpose")
    return await run_in_threadpool(
        _registration,
        request,
        principal,
        record_type,
        record_id,
        purpose if isinstance(purpose, str) else "",
    )
