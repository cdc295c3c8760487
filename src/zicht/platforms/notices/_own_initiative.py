"""Own-initiative cases from the ad screening: the ads screening ranks highest go into
the platform's queue (lane `screening`, or `minors`), with automated detection flagged.

Screening gives reasons, never a verdict: a person decides every case.
"""

from __future__ import annotations

import math

from sqlalchemy import Engine

from zicht.access import Principal
from zicht.platforms.notices._common import audit, new_reference, require
from zicht.platforms.notices._intake import LANES
from zicht.platforms.notices._vocabulary import MINORS_CATEGORY
from zicht.privacy import Cipher
from zicht.store import notice_cases as store
from zicht.store.models import utcnow
from zicht.store.notices import notice_context

__all__ = ["MINOR_FLAGS", "open_screening_cases"]

# Screening flags that make a case one of a possible minor.
MINOR_FLAGS = frozenset({"stated_minor", "under_licence_age"})


def open_screening_cases(
    engine: Engine, cipher: Cipher, principal: Principal, platform: str, top_share: float = 0.05
) -> list[int]:
    """Open a case for each screened ad in the top `top_share` of the platform's scores.

    The cut-off is the score of the ad at that rank among ads with a score above 0
    (ties included), so it follows the platform's own data. Ads already in a case are
    skipped. Returns the new notices' ids.
    """
    require(principal, "decide_notice", platform)
    if not 0 < top_share <= 1:
        raise ValueError("top_share is a share in (0, 1]")
    ads, taken = store.screened_ads(engine, platform)
    if not ads:
        return []
    scores = sorted((score for _, score, _ in ads), reverse=True)
    cut = scores[max(0, math.ceil(len(scores) * top_share) - 1)]
    made = []
    now = utcnow()
    for ad_id, score, flags in sorted(ads, key=lambda ad: (-ad[1], ad[0])):
        if score < cut or ad_id in taken:
            continue
        minor = bool(MINOR_FLAGS & set(flags))
        lane = "minors" if minor else "screening"
        reference = new_reference("N")
        explanation = f"screening flags: {', '.join(sorted(flags))} (score {score:g})"
        content = {"explanation": explanation, "items": [{"url": None, "ad_id": ad_id}]}
        row = store.insert_notice(
            engine,
            {
                "reference": reference,
                "platform": platform,
                "source": "own_initiative",
                "flagger": None,
                "notifier_key": None,
                "category": MINORS_CATEGORY if minor else "STATEMENT_CATEGORY_VIOLENCE",
                "keywords": (
                    ["KEYWORD_AGE_SPECIFIC_RESTRICTIONS_MINORS"]
                    if minor
                    else ["KEYWORD_HUMAN_TRAFFICKING", "KEYWORD_HUMAN_EXPLOITATION"]
                ),
                "ad_ids": [ad_id],
                "content": cipher.encrypt_json(content, notice_context(reference, "content")),
                "contact": None,
                "good_faith": True,
                "threat_to_life": False,
                "lane": lane,
                "priority": LANES.index(lane),
                "screening_score": score,
                "automated_detection": True,
                "language": "nl",
                "status": "open",
                "received_at": now,
            },
        )
        made.append(row.id)
    if made:
        audit(engine, principal, "screening_cases_opened", "notice", made, platform=platform)
    return made
