"""The programme: its actions, the municipal self-assessment (form for a municipality
account, map and tables of coverage) and progress over the years.

Every page calls `zicht.programme`; the form works without JavaScript and saves the
blocks that were answered, keeping the others as they were.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from zicht import programme as service
from zicht.access import Principal, authorize
from zicht.i18n import N_
from zicht.programme import ANSWERS, AnswerInput, AssessmentError, Programme
from zicht.standard import municipalities
from zicht.store import programme as store
from zicht.web.deps import client_of, requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.params import whole_number
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)

Year = Annotated[int | None, Query(ge=2018, le=2100)]

ANSWER_LABELS = {"yes": N_("Yes"), "partly": N_("Partly"), "no": N_("No")}


def _progress(engine: Any, t: Translator) -> list[dict[str, str]]:
    rows = []
    for year in store.programme_years(engine):
        programme = service.stored_programme(engine, year)
        if programme is None or not store.round_published(engine, year):
            continue
        _, _, national = service.coverage(engine, programme, year)
        with_policy = service.municipalities_with_policy(engine, programme, year)
        answered = len({a.municipality for a in store.answers(engine, year)})
        rows.append(
            {
                "year": str(year),
                "answered": t.number(answered),
                "share": "–" if national.share is None else t.number(100 * national.share) + "%",
                "policy": "–" if with_policy is None else t.number(with_policy),
            }
        )
    return rows


def programme_for(engine: Any, year: int | None) -> Programme:
    """The programme of `year` (None: the newest); 404 when there is none."""
    if year is None:
        return service.current_programme(engine)
    found = service.programme_of(engine, year)
    if found is None:
        raise HTTPException(status_code=404, detail="not_found")
    return found


@router.get("/programme")
def programme_page(
    request: Request,
    principal: Annotated[Principal, Depends(requires("view_programme"))],
    year: Year = None,
) -> Response:
    engine = state(request).engine
    t = Translator(language_of(request))
    programme = programme_for(engine, year)
    year = programme.year
    results = service.build_results(engine, year, t.lang)
    published = store.round_published(engine, year)
    manager = authorize(principal, "manage_programme")
    places, regions, national = service.coverage(
        engine, programme, year, published_only=not manager
    )
    return render(
        request,
        "programme.html",
        principal,
        N_("Programme"),
        programme=programme,
        status_labels={k: t(v) for k, v in service.STATUS_LABELS.items()},
        published=published,
        shown=published or manager,
        map_svg=service.coverage_map(t, places, year),
        region_rows=service.coverage_rows(t, [*regions, national]),
        place_rows=list(
            zip([p.code for p in places], service.coverage_rows(t, places), strict=True)
        ),
        progress=_progress(engine, t),
        can_assess=authorize(principal, "self_assess"),
        years=service.available_years(engine),
        year=year,
        indicators=results.indicators,
        labour=service.labour_table(t, results.labour),
        labour_note=t(service.LABOUR_NOTE),
    )


def _form_page(
    request: Request,
    principal: Principal,
    programme: Programme,
    *,
    errors: dict[str, str] | None = None,
    given: dict[str, AnswerInput] | None = None,
    status: int = 200,
) -> Response:
    engine = state(request).engine
    t = Translator(language_of(request))
    code = principal.organisation or ""
    stored = service.visible_answers(engine, principal, programme.year, code)
    blocks = []
    for block in programme.assessment.blocks:
        current = (given or {}).get(block.code)
        saved = stored.get(block.code)
        blocks.append(
            {
                "code": block.code,
                "question": block.question,
                "source": block.source,
                "answer": current.answer if current else (saved.answer if saved else ""),
                "note": (current.note if current else (saved.note if saved else None)) or "",
                "saved": t.date(saved.updated_at) if saved else None,
            }
        )
    answered = sum(1 for b in blocks if b["answer"])
    saved_count = whole_number(request.query_params.get("saved"), 0, 1000)
    return render(
        request,
        "programme_assessment.html",
        principal,
        N_("Self-assessment"),
        status_code=status,
        municipality=municipalities()[code],
        year=programme.year,
        blocks=blocks,
        answers=[(a, t(ANSWER_LABELS[a])) for a in ANSWERS],
        answered=answered,
        errors=errors or {},
        saved=saved_count,
        published=store.round_published(engine, programme.year),
        max_note=service.MAX_NOTE,
    )


@router.get("/programme/assessment")
def assessment_form(
    request: Request, principal: Annotated[Principal, Depends(requires("self_assess"))]
) -> Response:
    programme = service.current_programme(state(request).engine)
    return _form_page(request, principal, programme)


@router.post("/programme/assessment")
async def save_assessment(
    request: Request, principal: Annotated[Principal, Depends(requires("self_assess"))]
) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = await request.form()
    engine = state(request).engine
    programme = await run_in_threadpool(service.current_programme, engine)
    given: dict[str, AnswerInput] = {}
    for block in programme.assessment.blocks:
        answer = str(form.get(f"answer-{block.code}") or "")
        note = str(form.get(f"note-{block.code}") or "")
        if answer:
            given[block.code] = AnswerInput(answer, note)
    try:
        written = await run_in_threadpool(
            service.save_assessment,
            engine,
            principal,
            programme,
            principal.organisation or "",
            given,
            client_of(request),
        )
    except AssessmentError as exc:
        bad_block, _, _ = str(exc).partition(":")
        t = Translator(language_of(request))
        message = t(
            "The answer or note is not valid (at most %(n)s characters).", n=service.MAX_NOTE
        )
        return await run_in_threadpool(
            lambda: _form_page(
                request,
                principal,
                programme,
                errors={f"answer-{bad_block}": message},
                given=given,
                status=400,
            )
        )
    except PermissionError:
        raise HTTPException(status_code=403, detail="forbidden") from None
    return RedirectResponse(f"/programme/assessment?saved={written}", status_code=303)


@router.get("/programme/municipalities/{code}")
def municipality_answers(
    request: Request,
    code: str,
    principal: Annotated[Principal, Depends(requires("view_programme"))],
    year: Year = None,
) -> Response:
    engine = state(request).engine
    t = Translator(language_of(request))
    place = municipalities().get(code)
    if place is None:
        raise HTTPException(status_code=404, detail="not_found")
    programme = programme_for(engine, year)
    try:
        stored = service.visible_answers(engine, principal, programme.year, code)
    except PermissionError:
        # Not published and not the caller's own: as if there were nothing.
        raise HTTPException(status_code=404, detail="not_found") from None
    rows = [
        {
            "question": block.question,
            "answer": t(ANSWER_LABELS[stored[block.code].answer]) if block.code in stored else "–",
            "note": (stored[block.code].note or "") if block.code in stored else "",
        }
        for block in programme.assessment.blocks
    ]
    return render(
        request,
        "programme_municipality.html",
        principal,
        N_("Self-assessment"),
        municipality=place,
        year=programme.year,
        rows=rows,
    )
