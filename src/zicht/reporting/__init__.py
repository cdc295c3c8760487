"""Anonymous, multilingual reports and chat for victims, witnesses, clients and workers.

`melding` = report. The public side (`/meld`) files a report without an account,
sealed to the handling organisation's public key, and gives the reporter a receipt to
come back to the conversation; the staff side triages (queue, urgency, referral,
registration with consent, retention) and feeds the monitor counts through the
publication policy. See docs/reporting.md.
"""

from zicht.reporting._attachments import MAX_ATTACHMENT_BYTES, AttachmentError, strip_metadata
from zicht.reporting._conversation import (
    Conversation,
    Message,
    NewReport,
    Receipt,
    open_conversation,
    reply_as_reporter,
    submit_report,
)
from zicht.reporting._counts import ReportingCounts, reporting_counts
from zicht.reporting._demo import DemoReports, file_demo_reports
from zicht.reporting._keys import create_organisation_key, grant_key, public_key_of, unlock_key
from zicht.reporting._model import (
    AUDIENCES,
    COORDINATOR,
    LANGUAGES,
    M_,
    OUTCOMES,
    PUBLIC_AUDIENCES,
    PUBLIC_TOPICS,
    REFERRALS,
    STATUSES,
    TOPICS,
    coordinator_of,
)
from zicht.reporting._pages import (
    InformationPage,
    draft_page,
    information_pages,
    pages_to_review,
    render_markdown,
    review_page,
)
from zicht.reporting._pending import PendingFinisher, finish_pending
from zicht.reporting._policy import RateLimited, ReportingError, ReportingPolicy
from zicht.reporting._registration import RegistrationFacts, register_report
from zicht.reporting._sealing import WrongPassword, normalise_receipt
from zicht.reporting._triage import (
    QueueEntry,
    ReportView,
    answer_report,
    close_report,
    flag_urgent,
    purge_expired,
    read_attachment,
    read_report,
    refer_report,
    triage_queue,
)
from zicht.reporting._work import WorkError, issue_challenge, solve

__all__ = [
    "AUDIENCES",
    "COORDINATOR",
    "LANGUAGES",
    "MAX_ATTACHMENT_BYTES",
    "M_",
    "OUTCOMES",
    "PUBLIC_AUDIENCES",
    "PUBLIC_TOPICS",
    "REFERRALS",
    "STATUSES",
    "TOPICS",
    "AttachmentError",
    "Conversation",
    "DemoReports",
    "InformationPage",
    "Message",
    "NewReport",
    "PendingFinisher",
    "QueueEntry",
    "RateLimited",
    "Receipt",
    "RegistrationFacts",
    "ReportView",
    "ReportingCounts",
    "ReportingError",
    "ReportingPolicy",
    "WorkError",
    "WrongPassword",
    "answer_report",
    "close_report",
    "coordinator_of",
    "create_organisation_key",
    "draft_page",
    "file_demo_reports",
    "finish_pending",
    "flag_urgent",
    "grant_key",
    "information_pages",
    "issue_challenge",
    "normalise_receipt",
    "open_conversation",
    "pages_to_review",
    "public_key_of",
    "purge_expired",
    "read_attachment",
    "read_report",
    "refer_report",
    "register_report",
    "render_markdown",
    "reply_as_reporter",
    "reporting_counts",
    "review_page",
    "solve",
    "strip_metadata",
    "submit_report",
    "triage_queue",
    "unlock_key",
]
