"""Notice and action pages: a moderator's queue of their platform, a flagger's own notices.

The service (`zicht.platforms.notices`) decides who sees what; this page only shows it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from zicht.access import Principal, authorize
from zicht.i18n import N_
from zicht.platforms.notices import flagger_notices, queue
from zicht.web.deps import requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/notices")
def notices(
    request: Request, principal: Annotated[Principal, Depends(requires("list_notices"))]
) -> Response:
    t = Translator(language_of(request))
    engine = state(request).engine
    platform = principal.organisation
    if platform is not None and authorize(principal, "decide_notice", platform):
        entries = [
            {
                "id": entry.notice_id,
                "lane": entry.lane,
                "category": entry.category,
                "source": entry.source,
                "hours": t.number(entry.waiting.total_seconds() / 3600, 1),
                "assigned": entry.assigned_to or "",
            }
            for entry in queue(engine, principal, platform)
        ]
        return render(
            request, "notices.html", principal, N_("Notices"), queue=entries, platform=platform
        )
    own = [
        {
            "platform": notice.platform,
            "category": notice.category,
            "lane": notice.lane,
            "status": notice.status,
            "received": t.date(notice.received_at),
        }
        for notice in flagger_notices(engine, principal)
    ]
    return render(request, "notices.html", principal, N_("Notices"), own=own)
