"""Ads by API: a platform's system delivers its ads with an API token.

The token's organisation is the platform's code (a registered platform) and needs the
action `import_ads`. One service with `zicht ads screen`: the same reading and rules
(`ad.schema.json`), the same quarantine, one transaction, the same screening and
grouping; a file that is not an ad feed stores nothing (400). The screened ads are
on the pages (`/ads`), for the platform's moderators.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, UploadFile
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request

from zicht.access import Principal
from zicht.ingest import IngestFileError
from zicht.platforms import MAX_ADS_UPLOAD, screen_upload
from zicht.web.deps import requires, state
from zicht.web.params import reject_unknown_query
from zicht.web.routers._delivery import deliver_audited

router = APIRouter(prefix="/api", tags=["ads"], dependencies=[Depends(reject_unknown_query)])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Not an ad feed or unusable file (nothing stored)"},
    401: {"description": "Not authenticated"},
    403: {"description": "Not allowed"},
}


class AdsDeliveryOut(BaseModel):
    """What happened to every row: refusals name file, row, field and rule, never a value."""

    platform: str
    batch_id: int
    rows_read: int
    stored: int
    quarantined: int
    flagged: int
    clusters: int
    refusals: list[str]


@router.post("/ads", responses=ERRORS, status_code=201)
async def deliver_ads_api(
    request: Request,
    principal: Annotated[Principal, Depends(requires("import_ads"))],
    file: Annotated[UploadFile, File(description="JSON Lines, CSV or XLSX ad file")],
) -> AdsDeliveryOut:
    """Store and screen the ads of the token's platform (its organisation, the code)."""
    content = await file.read(MAX_ADS_UPLOAD + 1)
    shared = state(request)
    try:
        result = await deliver_audited(
            request,
            principal,
            "import_ads",
            lambda connection: screen_upload(
                content,
                file_name=file.filename,
                platform=principal.organisation or "",
                engine=connection,
                cipher=shared.cipher,
            ),
        )
    except IngestFileError as exc:
        raise HTTPException(status_code=400, detail={"file": exc.problem}) from None
    except SQLAlchemyError:
        raise HTTPException(
            status_code=400, detail={"file": "the database refused the delivery; nothing stored"}
        ) from None
    return AdsDeliveryOut(
        platform=result.platform,
        batch_id=result.batch_id,
        rows_read=result.rows_read,
        stored=result.stored,
        quarantined=result.quarantined,
        flagged=result.flagged,
        clusters=result.clusters,
        refusals=result.refusals,
    )
