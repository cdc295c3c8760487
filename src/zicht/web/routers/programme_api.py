"""Programme API (read-only): the programme's actions, its indicators against targets
(with reports of labour exploitation per organisation and definition) and the municipal
self-assessment's coverage, for a year.

The same services and permission (`view_programme`) as the pages: figures are those of
the results table (every count through the publication policy, null where suppressed),
and coverage counts only a published round unless the caller may manage the programme.
Labels (statuses, sources, definitions, the country) are in the language asked for
(`lang`, else Accept-Language, else Dutch), as in `/api/quarantine`; codes stay codes,
and the programme's own texts (themes, actions, results) are as entered.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from zicht import programme as service
from zicht.access import Principal, authorize
from zicht.i18n import N_, Translator
from zicht.programme import STATUS_LABELS, Programme
from zicht.store import programme as store
from zicht.web.deps import requires, state
from zicht.web.i18n import api_language
from zicht.web.params import reject_unknown_query
from zicht.web.routers.api import ERRORS

router = APIRouter(
    prefix="/api/programme", tags=["programme"], dependencies=[Depends(reject_unknown_query)]
)

Year = Annotated[int | None, Query(ge=2018, le=2100)]


class ActionOut(BaseModel):
    theme: str
    code: str
    title: str
    owners: list[str]
    status: str
    status_label: str
    result: str | None
    milestones: list[dict[str, str]]
    regions: list[str]


class ActionsOut(BaseModel):
    year: int
    lang: str
    years: list[int]
    source: str
    actions: list[ActionOut]


class IndicatorOut(BaseModel):
    code: str
    name: str
    kind: str
    source: str
    source_label: str
    value: float | None
    lower: float | None
    upper: float | None
    suppressed: bool
    previous: float | None
    target: int | None


class IndicatorsOut(BaseModel):
    year: int
    lang: str
    suppressed_below: int
    data_cutoff: str | None
    indicators: list[IndicatorOut]
    labour_definitions: dict[str, str]
    labour_reports: dict[str, dict[str, int | None]]


class CoverageOut(BaseModel):
    code: str
    name: str
    blocks: int
    answered: int
    met: float
    share: float | None


class CoveragesOut(BaseModel):
    year: int
    lang: str
    published: bool
    national: CoverageOut
    regions: list[CoverageOut]
    municipalities: list[CoverageOut]


def _programme(engine: Any, year: int | None) -> Programme:
    if year is None:
        return service.current_programme(engine)
    found = service.programme_of(engine, year)
    if found is None:
        raise HTTPException(status_code=404, detail="not_found")
    return found


@router.get("", responses={**ERRORS, 404: {"description": "No programme for that year"}})
def actions_api(
    request: Request,
    principal: Annotated[Principal, Depends(requires("view_programme"))],
    year: Year = None,
) -> ActionsOut:
    """The programme of `year` (default: the newest): its actions per theme."""
    engine = state(request).engine
    programme = _programme(engine, year)
    lang = api_language(request)
    t = Translator(lang)
    return ActionsOut(
        year=programme.year,
        lang=lang,
        years=service.available_years(engine),
        source=programme.source,
        actions=[
            ActionOut(
                theme=theme.code,
                code=action.code,
                title=action.title,
                owners=action.owners,
                status=action.status,
                status_label=t(STATUS_LABELS[action.status]),
                result=action.results.get(programme.year),
                milestones=[
                    {"date": m.date.isoformat(), "text": m.text} for m in action.milestones
                ],
                regions=action.regions,
            )
            for theme in programme.themes
            for action in theme.actions
        ],
    )


@router.get("/indicators", responses={**ERRORS, 404: {"description": "No programme for that year"}})
async def indicators_api(
    request: Request,
    principal: Annotated[Principal, Depends(requires("view_programme"))],
    year: Year = None,
) -> IndicatorsOut:
    """The indicators of `year` against their targets, as the results table shows them
    (null where not available or suppressed), and reports of labour exploitation per
    organisation and definition ("*": all organisations)."""
    engine = state(request).engine
    programme = await run_in_threadpool(_programme, engine, year)
    lang = api_language(request)
    t = Translator(lang)
    results = await run_in_threadpool(service.build_results, engine, programme.year, lang)
    previous = {f.indicator: f.value for f in results.previous_figures}
    labour: dict[str, dict[str, int | None]] = {}
    for (organisation, code), count in results.labour.cells.items():
        labour.setdefault(organisation, {})[code] = count
    return IndicatorsOut(
        year=programme.year,
        lang=lang,
        suppressed_below=results.labour.policy.k,
        data_cutoff=results.cutoff.isoformat() if results.cutoff else None,
        indicators=[
            IndicatorOut(
                code=indicator.code,
                name=indicator.name,
                kind=indicator.kind,
                source=figure.source,
                source_label=line.source,
                value=figure.value,
                lower=figure.lower,
                upper=figure.upper,
                suppressed=figure.suppressed,
                previous=previous.get(indicator.code),
                target=figure.target,
            )
            for indicator, figure, line in zip(
                programme.indicators, results.figures, results.indicators, strict=True
            )
        ],
        labour_definitions={code: t(name) for code, name in service.DEFINITIONS.items()},
        labour_reports=labour,
    )


# The country's name in the coverage (the service names it in Dutch).
_COUNTRY = N_("Netherlands")


def _out(item: service.Coverage, t: Translator | None = None) -> CoverageOut:
    return CoverageOut(
        code=item.code,
        name=item.name if t is None else t(_COUNTRY),
        blocks=item.blocks,
        answered=item.answered,
        met=item.met,
        share=item.share,
    )


@router.get("/coverage", responses={**ERRORS, 404: {"description": "No programme for that year"}})
def coverage_api(
    request: Request,
    principal: Annotated[Principal, Depends(requires("view_programme"))],
    year: Year = None,
) -> CoveragesOut:
    """Coverage of the Kader per municipality, safety region and country in `year`; an
    unpublished round counts as not answered unless the caller manages the programme."""
    engine = state(request).engine
    programme = _programme(engine, year)
    manager = authorize(principal, "manage_programme")
    places, regions, national = service.coverage(
        engine, programme, programme.year, published_only=not manager
    )
    lang = api_language(request)
    return CoveragesOut(
        year=programme.year,
        lang=lang,
        published=store.round_published(engine, programme.year),
        national=_out(national, Translator(lang)),
        regions=[_out(r) for r in regions],
        municipalities=[_out(p) for p in places],
    )
