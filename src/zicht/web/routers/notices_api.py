"""The Art. 16 notice API: anyone may file (logged out); a trusted flagger files with its
API token or session, and its notice jumps the queue. One service: `file_notice` (its
event-loop form `file_notice_async`).

201 with the receipt once the notice is committed; 422 naming each field and rule
(never a value); 404 for a platform not registered; 401 for a token that is not valid.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from zicht.access import Principal, scope_of
from zicht.platforms.notices import NoticeError, NoticeForm, NoticeItem, file_notice_async
from zicht.web.deps import client_of, current_principal, public, state

router = APIRouter(prefix="/api", tags=["notices"])


class NoticeItemIn(BaseModel):
    """One item: its exact URL and, on a Zicht platform, the ad id."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=2000)
    ad_id: str | None = Field(default=None, max_length=200)


class NoticeIn(BaseModel):
    """A notice (Art. 16): category and keywords of the Transparency Database."""

    model_config = ConfigDict(extra="forbid")
    category: str = Field(max_length=100)
    keywords: list[str] = Field(default_factory=list, max_length=10)
    explanation: str = Field(max_length=5000)
    items: list[NoticeItemIn] = Field(min_length=1, max_length=20)
    good_faith: bool
    threat_to_life: bool = False
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    language: Literal["nl", "en"] = "nl"


class ReceiptOut(BaseModel):
    """The receipt: keep the reference, it is also the key to complain."""

    reference: str
    lane: str
    received_at: dt.datetime


class ProblemOut(BaseModel):
    field: str
    rule: str
    message: str


def _filer(request: Request) -> Principal:
    principal = current_principal(request)
    if principal is None:
        if request.headers.get("authorization"):
            raise HTTPException(status_code=401, detail="invalid_token")
        return Principal.public(client_of(request) or "unknown")
    if scope_of(principal, "file_notice") is None:
        raise HTTPException(status_code=403, detail="forbidden")
    return principal


@router.post(
    "/platforms/{platform}/notices",
    status_code=201,
    dependencies=[Depends(public)],
    responses={
        401: {"description": "Token not valid"},
        403: {"description": "Not allowed to file notices"},
        404: {"description": "Platform not registered"},
        422: {"description": "Rules broken", "model": list[ProblemOut]},
    },
)
async def post_notice(
    request: Request,
    platform: Annotated[str, Path(max_length=60)],
    notice: NoticeIn,
) -> Response:
    """File a notice about items on `platform` (logged out, or as a trusted flagger)."""
    filer = _filer(request)
    shared = state(request)
    form = NoticeForm(
        platform=platform,
        category=notice.category,
        explanation=notice.explanation,
        items=[NoticeItem(item.url, item.ad_id) for item in notice.items],
        good_faith=notice.good_faith,
        keywords=notice.keywords,
        threat_to_life=notice.threat_to_life,
        name=notice.name,
        email=notice.email,
        language=notice.language,
    )
    try:  # on the event loop: the reads and the write wait on the intake's writer thread
        receipt = await file_notice_async(
            shared.engine, shared.cipher, filer, form, client_of(request)
        )
    except NoticeError as exc:
        if [(p.field, p.rule) for p in exc.problems] == [("platform", "unknown")]:
            raise HTTPException(status_code=404, detail="not_found") from None
        problems = [{"field": p.field, "rule": p.rule, "message": p.message} for p in exc.problems]
        status = 429 if ("notifier", "flood") in {(p.field, p.rule) for p in exc.problems} else 422
        return JSONResponse({"problems": problems}, status_code=status)
    out = ReceiptOut(
        reference=receipt.reference, lane=receipt.lane, received_at=receipt.received_at
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=201)
