"""Repository of notice and action: tenants, flaggers, the queue, decisions, complaints.

Every function is one transaction. Rows come back detached (read, never lazy-loaded).
Functions that take `bind` also run inside a caller's transaction when given its
`Connection` (`zicht.access.audited_transaction`): they then commit nothing themselves.

The public seam of the notice store; the functions live by concept in private modules:
`_notice_tenants` (platforms, trusted flaggers), `_notice_intake` (the intake's facts and
writes), `_notice_queue` (queue, decisions, referrals), `_notice_complaints` (Art. 20),
`_notice_misuse` (Art. 23 counts and sanctions), `_notice_reports` (transparency rows,
accuracy, screened ads, the outbox).
"""

from __future__ import annotations

from zicht.store._notice_complaints import (
    complaint_by,
    insert_complaint,
    open_complaints,
    resolve_complaint,
)
from zicht.store._notice_intake import (
    FACTS_CHUNK,
    IntakeAsk,
    IntakeFacts,
    insert_notice,
    insert_notices,
    intake_facts,
    notices_from_since,
)
from zicht.store._notice_misuse import (
    active_suspension,
    insert_sanction,
    misuse_count,
    sanction_kinds,
)
from zicht.store._notice_queue import (
    approve_decision,
    decision_by,
    insert_decision,
    insert_messages,
    latest_decision,
    notice_by,
    notices_of,
    open_queue,
    pending_decisions,
    referrals_for,
    reject_decision,
    take_notice,
)
from zicht.store._notice_reports import (
    ad_postings,
    decisions_since,
    flagger_outcomes,
    outbox_done,
    pending_messages,
    screened_ads,
    transparency_rows,
)
from zicht.store._notice_tenants import (
    platform_by_code,
    platform_codes,
    save_platform,
    save_trusted_flagger,
    trusted_flagger,
)

__all__ = [
    "FACTS_CHUNK",
    "IntakeAsk",
    "IntakeFacts",
    "active_suspension",
    "ad_postings",
    "approve_decision",
    "complaint_by",
    "decision_by",
    "decisions_since",
    "flagger_outcomes",
    "insert_complaint",
    "insert_decision",
    "insert_messages",
    "insert_notice",
    "insert_notices",
    "insert_sanction",
    "intake_facts",
    "latest_decision",
    "misuse_count",
    "notice_by",
    "notices_from_since",
    "notices_of",
    "open_complaints",
    "open_queue",
    "outbox_done",
    "pending_decisions",
    "pending_messages",
    "platform_by_code",
    "platform_codes",
    "referrals_for",
    "reject_decision",
    "resolve_complaint",
    "sanction_kinds",
    "save_platform",
    "save_trusted_flagger",
    "screened_ads",
    "take_notice",
    "transparency_rows",
    "trusted_flagger",
]
