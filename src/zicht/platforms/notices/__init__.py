"""DSA notice and action for platforms (Regulation (EU) 2022/2065, Arts. 16-24).

Notices from the public and trusted flaggers and own-initiative cases from the ad
screening enter one queue per platform (priority lanes, timers, assignment); moderators
decide them (four eyes for an account termination), refer suspected crimes against
life or safety to the police (Art. 18), review complaints (Art. 20); every decision to
act becomes a statement of reasons for the user (Art. 17) and a Transparency Database
statement valid against `statement.schema.json`. Every step is in the audit trail.
"""

from zicht.platforms.notices._common import NotAllowed, NoticeError, Problem
from zicht.platforms.notices._complaints import (
    ComplaintReceipt,
    OpenComplaint,
    complaint_deadline,
    file_complaint,
    open_complaints,
    review_complaint,
)
from zicht.platforms.notices._decision_rules import (
    REFERRAL_PARTNERS,
    DecisionForm,
    check_decision,
    needs_second_moderator,
)
from zicht.platforms.notices._decisions import (
    PendingDecision,
    QueueEntry,
    approve,
    decide,
    decision_of,
    pending_approvals,
    queue,
    queue_entry,
    referrals,
    reject,
    take,
)
from zicht.platforms.notices._demo import DEMO_PLATFORM, NoticeDemo, run_notice_demo
from zicht.platforms.notices._export import StatementError, statements_since, write_statements
from zicht.platforms.notices._intake import (
    LANES,
    IntakePolicy,
    NoticeForm,
    NoticeItem,
    Receipt,
    asks_for_contact,
    check_notice,
    file_notice,
    file_notice_async,
    warm_intake,
)
from zicht.platforms.notices._misuse import MisusePolicy, apply_misuse_policy, suspended_until
from zicht.platforms.notices._outbox import (
    FileSender,
    Sender,
    SmtpSender,
    complaint_outcome_message,
    decision_message,
    deliver_outbox,
    receipt_message,
)
from zicht.platforms.notices._own_initiative import MINOR_FLAGS, open_screening_cases
from zicht.platforms.notices._reasons import RESTRICTION_LABELS, statement_of_reasons
from zicht.platforms.notices._tdb import (
    SOURCE_TYPE_OF,
    load_statement_schema,
    statement_problems,
    statement_schema,
    tdb_statement,
)
from zicht.platforms.notices._tenants import (
    FlaggerNotice,
    designate_flagger,
    flagger_accuracy,
    flagger_notices,
    register_platform,
)
from zicht.platforms.notices._transparency import (
    TransparencyReport,
    transparency_report,
    write_transparency_report,
)

__all__ = [
    "DEMO_PLATFORM",
    "LANES",
    "MINOR_FLAGS",
    "REFERRAL_PARTNERS",
    "RESTRICTION_LABELS",
    "SOURCE_TYPE_OF",
    "ComplaintReceipt",
    "DecisionForm",
    "FileSender",
    "FlaggerNotice",
    "IntakePolicy",
    "MisusePolicy",
    "NotAllowed",
    "NoticeDemo",
    "NoticeError",
    "NoticeForm",
    "NoticeItem",
    "OpenComplaint",
    "PendingDecision",
    "Problem",
    "QueueEntry",
    "Receipt",
    "Sender",
    "SmtpSender",
    "StatementError",
    "TransparencyReport",
    "apply_misuse_policy",
    "approve",
    "asks_for_contact",
    "check_decision",
    "check_notice",
    "complaint_deadline",
    "complaint_outcome_message",
    "decide",
    "decision_message",
    "decision_of",
    "deliver_outbox",
    "designate_flagger",
    "file_complaint",
    "file_notice",
    "file_notice_async",
    "flagger_accuracy",
    "flagger_notices",
    "load_statement_schema",
    "needs_second_moderator",
    "open_complaints",
    "open_screening_cases",
    "pending_approvals",
    "queue",
    "queue_entry",
    "receipt_message",
    "referrals",
    "register_platform",
    "reject",
    "review_complaint",
    "run_notice_demo",
    "statement_of_reasons",
    "statement_problems",
    "statement_schema",
    "statements_since",
    "suspended_until",
    "take",
    "tdb_statement",
    "transparency_report",
    "warm_intake",
    "write_statements",
    "write_transparency_report",
]
