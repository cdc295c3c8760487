"""Fixtures of notice and action: a registered platform, moderators, a flagger, the public."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from zicht.access import Principal
from zicht.platforms.notices import (
    DecisionForm,
    NoticeForm,
    NoticeItem,
    designate_flagger,
    register_platform,
)

PLATFORM, OTHER_PLATFORM = "kinky-nl", "ads-elders"
ADMIN = Principal.for_user(1, "admin", "administrator", None)
MODERATOR = Principal.for_user(2, "mod.anna", "platform_moderator", PLATFORM)
SECOND_MODERATOR = Principal.for_user(3, "mod.bert", "platform_moderator", PLATFORM)
OTHER_MODERATOR = Principal.for_user(4, "mod.cleo", "platform_moderator", OTHER_PLATFORM)
POLICE_FLAGGER = Principal.for_user(5, "flag.police", "trusted_flagger", "police")
FAIRWORK_FLAGGER = Principal.for_user(6, "flag.fairwork", "trusted_flagger", "fairwork")
POLICE_STEWARD = Principal.for_user(7, "steward.police", "data_steward", "police")
PUBLIC = Principal.public("198.51.100.4")


@pytest.fixture
def tenants(engine: Engine) -> Engine:
    """Two platforms registered, police and FairWork designated trusted flaggers."""
    register_platform(engine, ADMIN, PLATFORM, "Kinky NL", "dsa@kinky.example")
    register_platform(engine, ADMIN, OTHER_PLATFORM, "Elders", "dsa@elders.example")
    for organisation in ("police", "fairwork"):
        designate_flagger(engine, ADMIN, organisation, dt.date(2026, 1, 1))
    return engine


def notice_form(**changes: object) -> NoticeForm:
    """A valid trafficking notice about one ad, with the given fields changed."""
    values: dict[str, object] = {
        "platform": PLATFORM,
        "category": "STATEMENT_CATEGORY_VIOLENCE",
        "keywords": ("KEYWORD_HUMAN_TRAFFICKING",),
        "explanation": "Same template as ads of a known network; the worker seems controlled.",
        "items": (NoticeItem("https://kinky.example/ad/A-1", "A-1"),),
        "good_faith": True,
        "name": "Jan Melder",
        "email": "jan.melder@example.org",
    }
    values.update(changes)
    return NoticeForm(**values)  # type: ignore[arg-type]


REMOVE_ILLEGAL = DecisionForm(
    acted=True,
    facts="The ad offers a person controlled by a third party; indicators of exploitation.",
    visibility=("DECISION_VISIBILITY_CONTENT_REMOVED",),
    ground="DECISION_GROUND_ILLEGAL_CONTENT",
    ground_reference="Article 273f Dutch Criminal Code (human trafficking)",
    ground_explanation="The ad recruits for sexual exploitation.",
)
NO_ACTION = DecisionForm(acted=False, facts="No indication of illegal content was found.")
