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
from zicht.platforms.notices import (
    flagger_notices,
    open_complaints,
    pending_approvals,
    queue,
)
from zicht.web.deps import requires, state
from zicht.web.i18n import Translator, language_of
from zicht.web.rendering import render

router = APIRouter(include_in_schema=False)

# The outcome of a moderator's form, shown on the queue after the redirect.
DONE = {
    "decided": N_("The decision is recorded."),
    "approved": N_("The account termination is approved and in force."),
    "reviewed": N_("The complaint is reviewed."),
}
REFUSED = {
    "four_eyes": N_("Someone other than the decider must do this (four eyes)."),
    "status": N_("This was already done."),
    "length": N_("Give a reason of 1 to 2000 characters."),
    "reversed": N_("A reversed complaint cannot be manifestly unfounded."),
    "outcome": N_("Choose an outcome."),
}


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
        done, refused = request.query_params.get("done"), request.query_params.get("refused")
        return render(
            request,
            "notices.html",
            principal,
            N_("Notices"),
            queue=entries,
            platform=platform,
            pending=[
                {
                    "id": p.decision_id,
                    "notice": p.notice_id,
                    "decided_by": p.decided_by,
                    "decided_at": t.date(p.decided_at),
                    "mine": p.decided_by == principal.actor,
                }
                for p in pending_approvals(engine, principal, platform)
            ],
            complaints=[
                {
                    "id": c.complaint_id,
                    "decision": c.decision_id,
                    "complainant": c.complainant,
                    "text": c.text,
                    "filed": t.date(c.filed_at),
                    "mine": principal.actor in c.deciders,
                }
                for c in open_complaints(engine, state(request).cipher, principal, platform)
            ],
            done=t(DONE[done]) if done in DONE else "",
            refused=t(REFUSED[refused]) if refused in REFUSED else "",
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
