"""The JSON API: uploads, quarantine, registrations, persons, estimates, reports.

The same actions and scopes as the pages; authenticate with `Authorization: Bearer`
(an API token) or a session. Anonymous requests get 401. Output models are separate
from the store's models, so nothing is serialised that is not declared here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, UploadFile
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import MIN_PURPOSE, Principal, authorize, reveal_identities, scope_of
from zicht.ingest import rule_message
from zicht.monitor import DashboardFigures
from zicht.standard import FORMS, ORGANISATIONS
from zicht.store.web_quarantine import open_quarantine
from zicht.store.web_registrations import RegistrationQuery, get_registration, list_registrations
from zicht.store.web_uploads import Batch, get_batch
from zicht.web.deps import accept_upload, audit, look, public, requires, state
from zicht.web.i18n import api_language
from zicht.web.linked import latest_run, person_members, persons_of_run
from zicht.web.params import reject_unknown_query
from zicht.web.queries import LIST_COLUMNS, MAX_PAGE_SIZE, SORTS
from zicht.web.registrations_view import may_identify, visible_organisation
from zicht.web.routers.dashboard import current_counts
from zicht.web.routers.estimates import late_registrations, observed_persons, run_estimates
from zicht.web.routers.reports import download, report_files
from zicht.web.uploads import UploadError

router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(reject_unknown_query)])

RecordType = Literal["victim_registration", "suspect_registration", "report"]
Sort = Literal["id", "-id", "registration_date", "-registration_date", "source"]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not authenticated"},
    403: {"description": "Not allowed"},
}


class Problem(BaseModel):
    quarantine_id: int
    row: int
    field: str
    column: str | None
    rule: str
    message: str
    status: str


class UploadOut(BaseModel):
    batch_id: int
    source: str
    record_type: str
    file_name: str
    rows_read: int
    new: int
    updated: int
    unchanged: int
    quarantined: int
    resolved: int
    problems: list[Problem]


class QuarantineOut(BaseModel):
    id: int
    batch_id: int
    source: str
    record_type: str
    file_name: str
    row_number: int
    problems: list[dict[str, str | None]]


class RegistrationOut(BaseModel):
    id: int
    record_type: str
    fields: dict[str, Any]
    identity: dict[str, Any] | None = None


class RegistrationPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[RegistrationOut]


class PersonOut(BaseModel):
    person_id: int
    registrations: int
    suspicious: bool


class PersonPage(BaseModel):
    run_id: int | None
    total: int
    page: int
    items: list[PersonOut]


class PersonDetail(BaseModel):
    person_id: int
    run_id: int
    registrations: list[RegistrationOut]


class EstimateOut(BaseModel):
    stratum: str
    observed: int | None
    lists: list[str]
    estimate: float | None
    lower: float | None
    upper: float | None
    precision: int
    interval: str
    model: str | None
    problem: str | None


class EstimatesOut(BaseModel):
    run_id: int | None
    level: float
    estimates: list[EstimateOut]
    # years with registrations stored after the link run (not in these estimates; the
    # years, not their counts, which would escape the publication policy); a year with
    # no linked registration at all is a stratum with the problem "not_linked"
    years_with_unlinked_registrations: list[str]


class ReportOut(BaseModel):
    name: str
    size: int


class Health(BaseModel):
    status: str


def _upload_out(batch: Batch) -> UploadOut:
    problems = [
        Problem(
            quarantine_id=entry.id,
            row=entry.row_number,
            field=e["field"],
            column=e.get("column"),
            rule=e["rule"],
            message=e.get("message_en", ""),
            status=entry.status,
        )
        for entry in batch.problems
        for e in entry.errors
    ]
    return UploadOut(
        batch_id=batch.id,
        source=batch.source,
        record_type=batch.record_type,
        file_name=batch.file_name,
        rows_read=batch.rows_read,
        new=batch.rows_new,
        updated=batch.rows_updated,
        unchanged=batch.rows_unchanged,
        quarantined=batch.rows_quarantined,
        resolved=batch.rows_resolved,
        problems=problems,
    )


@router.get("/health", dependencies=[Depends(public)])
def health() -> Health:
    """Liveness check (public)."""
    return Health(status="ok")


@router.get("/dashboard", responses=ERRORS)
def dashboard(
    request: Request, principal: Annotated[Principal, Depends(requires("view_aggregates"))]
) -> dict[str, Any]:
    """Headline counts as published: null where suppressed (below k = 10, or secondary).

    Also the anonymous channel's reports of the latest year (by channel, language, who
    reported and outcome) and the shelter figures of its year (people in a shelter per
    day of the last 14, placements by waiting time, region and form, refusals by
    reason; null without shelter data), each as the dashboard page shows them.

    The same cells as the dashboard page and the yearly report of the latest year, from
    the one publication step: no suppressed count is the total minus published parts.
    A principal whose aggregates are scoped to its own organisation (a partner's token)
    gets its own organisation's count per organisation, not the others'.
    """
    _, counts = current_counts(request)
    by_organisation = counts.by_organisation
    if scope_of(principal, "view_aggregates") == "own":
        by_organisation = {
            code: value for code, value in by_organisation.items() if code == principal.organisation
        }
    return {
        "victim_registrations": counts.victim_registrations,
        "suspect_registrations": counts.suspect_registrations,
        "reports": counts.reports,
        "persons": counts.persons,
        "victim_registrations_by_year": {str(y): c for y, c in counts.by_year},
        "victim_registrations_by_form": counts.by_form,
        "victim_registrations_by_organisation": by_organisation,
        "anonymous_reports": _channel_json(counts),
        "shelter": _shelter_json(counts),
        "suppressed_below": counts.k,
    }


def _channel_json(counts: DashboardFigures) -> dict[str, Any]:
    """The anonymous channel's counts of the dashboard's year, as the dashboard page shows."""
    channel = counts.channel
    return {
        "year": channel.year,
        "total": channel.total,
        **{
            f"by_{dimension}": dict(sorted(cells.items()))
            for dimension, cells in channel.by.items()
        },
        "answered": channel.answered,
        "median_hours_to_answer": channel.median_hours_to_answer,
    }


def _shelter_json(counts: DashboardFigures) -> dict[str, Any] | None:
    """The shelter figures of the dashboard's year (cells of the report's system); None
    when there are none."""
    shelter = counts.shelter
    if shelter is None:
        return None
    return {
        "year": shelter.year,
        "occupancy_by_day": {day.isoformat(): n for day, n in shelter.occupancy.items()},
        "placements_by_waiting_time": shelter.waits,
        "refusals_by_reason": shelter.refusals,
        "placements_by_region": {r: shelter.placements[(r, "*")] for r in shelter.regions},
        "placements_by_form": {f: shelter.placements[("*", f)] for f in shelter.forms},
    }


@router.post(
    "/uploads", responses={**ERRORS, 400: {"description": "Unusable file"}}, status_code=201
)
async def upload(
    request: Request,
    principal: Annotated[Principal, Depends(requires("upload"))],
    file: Annotated[UploadFile, File(description="CSV, TSV, XLSX or JSONL file")],
    record_type: Annotated[RecordType, Form()] = "victim_registration",
    mapping: Annotated[UploadFile | None, File(description="YAML mapping file")] = None,
) -> UploadOut:
    """Ingest a partner file of the caller's organisation; rows with problems are quarantined."""
    content = await file.read()
    mapping_text = ""
    if mapping is not None and mapping.filename:
        mapping_text = (await mapping.read()).decode("utf-8", errors="replace")
    try:
        result = await accept_upload(
            request,
            principal,
            file_name=file.filename,
            content=content,
            record_type=record_type,
            mapping_text=mapping_text,
        )
    except UploadError as exc:
        raise HTTPException(status_code=400, detail={exc.field: exc.message}) from None
    batch = await run_in_threadpool(get_batch, state(request).engine, result.batch_id)
    assert batch is not None
    return _upload_out(batch)


@router.get("/uploads/{batch_id}", responses={**ERRORS, 404: {"description": "Not found"}})
def upload_result(
    request: Request,
    principal: Annotated[Principal, Depends(requires("upload"))],
    batch_id: Id,
) -> UploadOut:
    """The result of an upload of the caller's organisation, row by row."""
    batch = get_batch(state(request).engine, batch_id)
    if batch is None or not authorize(principal, "upload", batch.source):
        raise HTTPException(status_code=404, detail="not_found")
    return _upload_out(batch)


@router.get("/quarantine", responses=ERRORS)
def quarantine(
    request: Request, principal: Annotated[Principal, Depends(requires("correct_quarantine"))]
) -> list[QuarantineOut]:
    """Open quarantined rows of the caller's organisation: where and which rules, no values.

    `message` is in the language asked for (`lang`, else Accept-Language, else Dutch);
    `message_en` stays English for programs that match on it.
    """
    lang = api_language(request)
    organisation = (
        principal.organisation if scope_of(principal, "correct_quarantine") == "own" else None
    )
    return [
        QuarantineOut(
            id=e.id,
            batch_id=e.batch_id,
            source=e.source,
            record_type=e.record_type,
            file_name=e.file_name,
            row_number=e.row_number,
            problems=[
                {
                    **{k: p.get(k) for k in ("field", "column", "rule", "message_en")},
                    "message": rule_message(str(p.get("rule")), lang),
                }
                for p in e.errors
            ],
        )
        for e in open_quarantine(state(request).engine, organisation)
    ]


def _identity_request(
    principal: Principal,
    identities_wanted: bool,
    purpose: str | None,
    organisation: str | None = None,
) -> bool:
    if not identities_wanted:
        return False
    if not may_identify(principal, organisation):
        raise HTTPException(status_code=403, detail="forbidden")
    if purpose is None or len(purpose.strip()) < MIN_PURPOSE:
        raise HTTPException(status_code=400, detail="purpose_required")
    return True


@router.get("/registrations", responses={**ERRORS, 400: {"description": "Purpose missing"}})
def registrations(
    request: Request,
    principal: Annotated[Principal, Depends(requires("list_registrations"))],
    record_type: RecordType = "victim_registration",
    organisation: Annotated[str | None, Query(max_length=40)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    form: Annotated[str | None, Query(max_length=40)] = None,
    sort: Sort = "id",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    identities_wanted: Annotated[bool, Query(alias="identities")] = False,
    purpose: Annotated[str | None, Query(max_length=400)] = None,
) -> RegistrationPage:
    """Registrations in scope (own organisation for "own" scopes); identities with a purpose."""
    if organisation is not None and organisation not in ORGANISATIONS:
        raise HTTPException(status_code=400, detail="unknown_organisation")
    if form is not None and form not in FORMS:
        raise HTTPException(status_code=400, detail="unknown_form")
    show = _identity_request(principal, identities_wanted, purpose)
    query = RegistrationQuery(
        record_type=record_type,
        organisation=visible_organisation(principal, "list_registrations", organisation),
        year=year,
        form=form,
        sort=sort if sort in SORTS else "id",
        page=page,
        page_size=page_size,
    )
    shared = state(request)
    rows, total = list_registrations(shared.engine, query)
    ids = [row.id for row in rows]
    decrypted = (
        reveal_identities(
            shared.engine, shared.cipher, look(request, principal, purpose or ""), record_type, ids
        )
        if show
        else {}
    )
    items = [
        RegistrationOut(
            id=row.id,
            record_type=record_type,
            fields={k: row.value(k) for k in LIST_COLUMNS[record_type]},
            identity=decrypted.get(row.id, {}) if show else None,
        )
        for row in rows
    ]
    if not show:  # a look at identities is audited by the door
        audit(
            request, principal, "list_registrations", object_type=record_type, object_ids=list(ids)
        )
    return RegistrationPage(total=total, page=page, page_size=page_size, items=items)


@router.get(
    "/registrations/{record_type}/{record_id}",
    responses={**ERRORS, 404: {"description": "Not found"}},
)
def registration(
    request: Request,
    principal: Annotated[Principal, Depends(requires("list_registrations"))],
    record_type: RecordType,
    record_id: Id,
    identities_wanted: Annotated[bool, Query(alias="identities")] = False,
    purpose: Annotated[str | None, Query(max_length=400)] = None,
) -> RegistrationOut:
    """One registration in scope (404 outside it); identity with a purpose."""
    shared = state(request)
    record = get_registration(shared.engine, record_type, record_id)
    if record is None or not authorize(principal, "list_registrations", record.source):
        raise HTTPException(status_code=404, detail="not_found")
    show = _identity_request(principal, identities_wanted, purpose, record.source)
    identity = None
    if show:
        identity = reveal_identities(
            shared.engine,
            shared.cipher,
            look(request, principal, purpose or ""),
            record_type,
            [record_id],
        ).get(record_id, {})
    else:  # a look at the identity is audited by the door
        audit(
            request, principal, "view_registration", object_type=record_type, object_ids=[record_id]
        )
    fields = {k: v for k, v in record.fields.items() if k not in ("id",)}
    return RegistrationOut(id=record_id, record_type=record_type, fields=fields, identity=identity)


@router.get("/persons", responses=ERRORS)
def persons(
    request: Request,
    principal: Annotated[Principal, Depends(requires("view_persons"))],
    suspicious: bool = False,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> PersonPage:
    """Persons of the latest link run."""
    shared = state(request)
    run = latest_run(shared.engine)
    if run is None:
        return PersonPage(run_id=None, total=0, page=page, items=[])
    items = persons_of_run(shared.engine, run.id, suspicious)
    shown = items[(page - 1) * 100 : page * 100]
    audit(
        request,
        principal,
        "list_persons",
        object_type="person",
        object_ids=[p["person_id"] for p in shown],
    )
    return PersonPage(
        run_id=run.id,
        total=len(items),
        page=page,
        items=[
            PersonOut(
                person_id=p["person_id"],
                registrations=p["registrations"],
                suspicious=p["suspicious"],
            )
            for p in shown
        ],
    )


@router.get("/persons/{person_id}", responses={**ERRORS, 404: {"description": "Not found"}})
def person(
    request: Request,
    principal: Annotated[Principal, Depends(requires("view_persons"))],
    person_id: Id,
    identities_wanted: Annotated[bool, Query(alias="identities")] = False,
    purpose: Annotated[str | None, Query(max_length=400)] = None,
) -> PersonDetail:
    """A person of the latest link run with its registrations (identities with a purpose)."""
    shared = state(request)
    run = latest_run(shared.engine)
    if run is None:
        raise HTTPException(status_code=404, detail="not_found")
    members = person_members(shared.engine, run.id, person_id)
    if scope_of(principal, "view_persons") == "own":
        members = [(rid, source) for rid, source in members if source == principal.organisation]
    if not members:
        raise HTTPException(status_code=404, detail="not_found")
    show = identities_wanted and all(
        _identity_request(principal, True, purpose, source) for _, source in members
    )
    ids = [rid for rid, _ in members]
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
    registrations_out = []
    for rid in ids:
        record = get_registration(shared.engine, "victim_registration", rid)
        registrations_out.append(
            RegistrationOut(
                id=rid,
                record_type="victim_registration",
                fields={k: v for k, v in (record.fields if record else {}).items() if k != "id"},
                identity=decrypted.get(rid, {}) if show else None,
            )
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
    return PersonDetail(person_id=person_id, run_id=run.id, registrations=registrations_out)


@router.get("/estimates", responses=ERRORS)
def estimates(
    request: Request, principal: Annotated[Principal, Depends(requires("view_estimates"))]
) -> EstimatesOut:
    """Multiple systems estimates of the latest link run: all victims and per year.

    Published as the estimation policy says: rounded to the interval's precision, the
    interval rounded outwards; a stratum with too few persons has a problem, no number.
    """
    from zicht.estimate import DEFAULT_POLICY

    run_id, rows = run_estimates(request)
    observed = observed_persons(request, rows)
    estimated = [
        EstimateOut(
            stratum=row.stratum,
            observed=persons,
            lists=list(row.lists),
            estimate=row.estimate,
            lower=row.lower,
            upper=row.upper,
            precision=row.precision,
            interval=row.interval,
            model=row.model,
            problem=row.problem,
        )
        for row, persons in zip(rows, observed, strict=True)
    ]
    unlinked = late_registrations(request, run_id)
    strata = {row.stratum for row in rows}
    for year in sorted(unlinked):
        if str(year) not in strata:  # every registration of the year came after the run
            estimated.append(
                EstimateOut(
                    stratum=str(year),
                    observed=0,
                    lists=[],
                    estimate=None,
                    lower=None,
                    upper=None,
                    precision=0,
                    interval="",
                    model=None,
                    problem="not_linked",
                )
            )
    return EstimatesOut(
        run_id=run_id,
        level=DEFAULT_POLICY.level,
        estimates=estimated,
        years_with_unlinked_registrations=[str(year) for year in sorted(unlinked)],
    )


@router.get("/reports", responses=ERRORS)
def reports(
    request: Request, principal: Annotated[Principal, Depends(requires("download_reports"))]
) -> list[ReportOut]:
    """The report files available for download."""
    folder = state(request).report_dir
    return [
        ReportOut(name=p.relative_to(folder).as_posix(), size=p.stat().st_size)
        for p in report_files(folder)
    ]


@router.get(
    "/reports/{name}",
    responses={**ERRORS, 404: {"description": "Not found"}},
    response_class=Response,
)
def report(
    request: Request,
    principal: Annotated[Principal, Depends(requires("download_reports"))],
    name: Annotated[str, Path(max_length=200)],
) -> Response:
    """Download one report file."""
    return download(request, principal, name)


__all__ = ["router"]
