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
from zicht.web.routers.notice_form import CATEGORY_LABELS

router = APIRouter(include_in_schema=False)

# The outcome of a moderator's form, shown on the queue after the redirect.
DONE = {
    "decided": N_("The decision is recorded."),
    "approved": N_("The account termination is approved and in force."),
    "rejected": N_("The account termination is refused; the notice is back in the queue."),
    "reviewed": N_("The complaint is reviewed."),
}
REFUSED = {
    "four_eyes": N_("Someone other than the decider must do this (four eyes)."),
    "person": N_("Only a logged-in moderator can do this."),
    "status": N_("This was already done."),
    "length": N_("Give a reason of 1 to 2000 characters."),
    "reversed": N_("A reversed complaint cannot be manifestly unfounded."),
    "outcome": N_("Choose an outcome."),
}


# The codes of a notice (zicht.platforms.notices) as the pages say them.
LANE_TEXTS = {
    "life_or_safety": N_("life or safety"),
    "minors": N_("minors"),
    "trusted_flagger": N_("trusted flagger"),
    "screening": N_("own screening"),
    "standard": N_("standard"),
}
SOURCE_TEXTS = {
    "notice": N_("notice"),
    "trusted_flagger": N_("trusted flagger"),
    "own_initiative": N_("own initiative"),
}
STATUS_TEXTS = {
    "open": N_("open"),
    "pending_approval": N_("awaiting approval"),
    "decided": N_("decided"),
    "in_force": N_("in force"),
    "reversed": N_("reversed"),
    "rejected": N_("refused by the second moderator"),
}


def notice_terms(
    t: Translator, lane: str, category: str, source: str | None = None
) -> dict[str, str]:
    """A notice's lane, category and source in `t`'s language (unknown codes as given)."""
    return {
        "lane": t(LANE_TEXTS[lane]) if lane in LANE_TEXTS else lane,
        "category": t(CATEGORY_LABELS[category]) if category in CATEGORY_LABELS else category,
        "source": t(SOURCE_TEXTS[source]) if source in SOURCE_TEXTS else (source or ""),
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
                **notice_terms(t, entry.lane, entry.category, entry.source),
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
            **notice_terms(t, notice.lane, notice.category),
            "status": t(STATUS_TEXTS[notice.status])
            if notice.status in STATUS_TEXTS
            else notice.status,
            "received": t.date(notice.received_at),
        }
        for notice in flagger_notices(engine, principal)
    ]
    return render(request, "notices.html", principal, N_("Notices"), own=own)
