"""The demo of notice and action on the synthetic ads: notices from the public and from
trusted flaggers, own-initiative cases from screening, decisions of every kind, an
account termination with four eyes, a referral, complaints with a reversal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.access import Principal
from zicht.platforms.notices._complaints import file_complaint, review_complaint
from zicht.platforms.notices._decision_rules import DecisionForm
from zicht.platforms.notices._decisions import approve, decide, queue
from zicht.platforms.notices._export import statements_since
from zicht.platforms.notices._intake import NoticeForm, NoticeItem, file_notice
from zicht.platforms.notices._own_initiative import open_screening_cases
from zicht.platforms.notices._tenants import designate_flagger, register_platform
from zicht.privacy import Cipher
from zicht.store import notice_cases as store

__all__ = ["DEMO_PLATFORM", "NoticeDemo", "run_notice_demo"]

# The platform of the demo's notices (its moderator account: `ensure_demo_accounts`).
DEMO_PLATFORM = "synthplatform"

_TRAFFICKING = DecisionForm(
    acted=True,
    facts="Template ad of a group of ads with rotating phones and a borrowed licence number.",
    visibility=("DECISION_VISIBILITY_CONTENT_REMOVED",),
    ground="DECISION_GROUND_ILLEGAL_CONTENT",
    ground_reference="Article 273f Dutch Criminal Code (human trafficking)",
    ground_explanation="Indicators of sexual exploitation by a third party.",
    keywords=("KEYWORD_HUMAN_TRAFFICKING", "KEYWORD_HUMAN_EXPLOITATION"),
)
_TERMS = DecisionForm(
    acted=True,
    facts="The ad carries no licence number, which the terms require.",
    visibility=("DECISION_VISIBILITY_CONTENT_DEMOTED",),
    ground="DECISION_GROUND_INCOMPATIBLE_CONTENT",
    ground_reference="Terms 3.1: every ad shows the advertiser's licence number",
    ground_explanation="No licence number in the ad or its text.",
    incompatible_illegal="No",
)
# Decisions of every kind, used in turn on the queue.
_KINDS = (
    _TRAFFICKING,
    _TERMS,
    dataclasses.replace(_TERMS, visibility=(), monetary="DECISION_MONETARY_SUSPENSION"),
    dataclasses.replace(
        _TRAFFICKING, visibility=(), provision="DECISION_PROVISION_PARTIAL_SUSPENSION"
    ),
    dataclasses.replace(_TERMS, visibility=(), account="DECISION_ACCOUNT_SUSPENDED"),
    dataclasses.replace(_TRAFFICKING, account="DECISION_ACCOUNT_TERMINATED"),
    DecisionForm(acted=False, facts="No indication of illegal content or a terms breach."),
)


@dataclass(frozen=True)
class NoticeDemo:
    """What the demo's notice-and-action step made."""

    notices: int
    screening_cases: int
    decisions: int
    referrals: int
    complaints: int
    reversals: int
    statements: int


def run_notice_demo(engine: Engine, cipher: Cipher, platform: str) -> NoticeDemo:
    """Run the workflow on `platform`'s stored, screened ads (the demo's step)."""
    admin = Principal.for_user(0, "demo", "administrator", None)
    first = Principal.for_user(0, "demo-moderator-a", "platform_moderator", platform)
    second = Principal.for_user(0, "demo-moderator-b", "platform_moderator", platform)
    register_platform(engine, admin, platform, "Synthetic platform", f"dsa@{platform}.example")
    today = dt.date.today()
    for partner in ("police", "fairwork"):
        designate_flagger(engine, admin, partner, today)
    cases = open_screening_cases(engine, cipher, first, platform)
    ads, _ = store.screened_ads(engine, platform)
    ranked = [ad for ad, _, _ in sorted(ads, key=lambda ad: (-ad[1], ad[0]))][:5]
    filers: list[tuple[Principal, dict[str, object]]] = [
        (Principal.public("demo"), {"email": "melder@example.org", "threat_to_life": True}),
        (Principal.public("demo"), {"category": "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"}),
        (Principal.for_user(0, "demo-police", "trusted_flagger", "police"), {}),
        (Principal.for_user(0, "demo-fairwork", "trusted_flagger", "fairwork"), {}),
        (Principal.public("demo"), {"name": "A. Melder", "email": "a.melder@example.org"}),
    ]
    for ad_id, (filer, extra) in zip(ranked, filers, strict=False):
        values: dict[str, object] = {
            "platform": platform,
            "category": "STATEMENT_CATEGORY_VIOLENCE",
            "explanation": "The ad looks like one of a series posted for several women.",
            "items": (NoticeItem(f"https://{platform}.example/ad/{ad_id}", ad_id),),
            "good_faith": True,
            "keywords": ("KEYWORD_HUMAN_TRAFFICKING",),
            **extra,
        }
        file_notice(engine, cipher, filer, NoticeForm(**values))  # type: ignore[arg-type]
    entries = queue(engine, first, platform, limit=1000)
    decided, referred, redress, ignored = 0, 0, [], []
    for number, entry in enumerate(entries):
        form = _KINDS[number % len(_KINDS)]
        if entry.lane == "life_or_safety":
            form = dataclasses.replace(_TRAFFICKING, refer_to="police")
            referred += 1
        decision = decide(engine, cipher, first, entry.notice_id, form)
        decided += 1
        if decision.status == "pending_approval":
            approve(engine, second, decision.id)
        if decision.acted:
            redress.append(decision.redress_key)
        else:
            notice = store.notice_by(engine, id=entry.notice_id)
            assert notice is not None
            ignored.append(notice.reference)
    complaints = reversals = 0
    public = Principal.public("demo")
    if redress:  # the poster: the ad was a licensed worker's own; reversed at once
        receipt = file_complaint(engine, cipher, public, redress[0], "My licence is valid.")
        review_complaint(engine, second, receipt.complaint_id, True, "Licence checked: valid.")
        complaints, reversals = complaints + 1, reversals + 1
    if ignored:  # the notifier, against a decision not to act: upheld
        receipt = file_complaint(engine, cipher, public, ignored[0], "The ad is still online.")
        review_complaint(engine, second, receipt.complaint_id, False, "No indication found.")
        complaints += 1
    statements = statements_since(engine, first, platform, today)
    total = len(cases) + len(ranked)
    return NoticeDemo(total, len(cases), decided, referred, complaints, reversals, len(statements))
