"""Art. 16 notices in: check the form, choose the lane, store, acknowledge.

A notice is acknowledged (its receipt reference returned) only after it is committed,
so every acknowledged notice survives a crash. The explanation and locations, and the
notifier's contact when given, are encrypted before they are stored.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine

from zicht.access import (
    AuditedTransaction,
    GroupWriter,
    Principal,
    audited_transaction,
    scope_of,
)
from zicht.platforms.notices._common import (
    NotAllowed,
    NoticeError,
    Problem,
    audit_event,
    is_email,
    new_reference,
    refuse,
)
from zicht.platforms.notices._outbox import receipt_message
from zicht.platforms.notices._vocabulary import (
    CHILD_ABUSE_KEYWORDS,
    KEYWORDS,
    MINORS_CATEGORY,
    STATEMENT_CATEGORIES,
)
from zicht.privacy import Cipher
from zicht.store import notice_cases as store
from zicht.store.models import utcnow
from zicht.store.notices import notice_context

__all__ = [
    "LANES",
    "IntakePolicy",
    "NoticeForm",
    "NoticeItem",
    "Receipt",
    "asks_for_contact",
    "check_notice",
    "file_notice",
    "file_notice_async",
    "warm_intake",
]

# Priority lanes, most urgent first: the queue is ordered by a lane's index.
LANES = ("life_or_safety", "minors", "trusted_flagger", "screening", "standard")

_AD_ID = re.compile(r"[\x21-\x7e]{1,200}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class IntakePolicy:
    """Limits of a notice, and the flood rule (Art. 23: a misuse flag, not a crash)."""

    max_explanation: int = 5000
    max_items: int = 20
    max_url: int = 2000
    max_keywords: int = 10
    flood_per_hour: int = 20


@dataclass(frozen=True)
class NoticeItem:
    """One item a notice names: its exact URL and, on a Zicht platform, the ad id."""

    url: str
    ad_id: str | None = None


@dataclass(frozen=True)
class NoticeForm:
    """A notice as a notifier fills it in (form or API), before it is checked."""

    platform: str
    category: str
    explanation: str
    items: Sequence[NoticeItem]
    good_faith: bool
    keywords: Sequence[str] = ()
    threat_to_life: bool = False
    name: str | None = None
    email: str | None = None
    language: str = "nl"


@dataclass(frozen=True)
class Receipt:
    """What the notifier gets back: the reference (also the key to complain) and the lane."""

    reference: str
    lane: str
    received_at: dt.datetime
    notice_id: int = field(repr=False)


def asks_for_contact(category: str, keywords: Sequence[str] = ()) -> bool:
    """Whether the form asks for name and e-mail: never for child sexual abuse (Art. 16(2)(c))."""
    return category != MINORS_CATEGORY and not CHILD_ABUSE_KEYWORDS & set(keywords)


def _check_url(url: str, where: str, policy: IntakePolicy) -> Problem | None:
    if not url or len(url) > policy.max_url:
        return Problem(where, "url", f"a URL of 1 to {policy.max_url} characters")
    if _CONTROL.search(url) or any(ch.isspace() for ch in url):
        return Problem(where, "url", "a URL has no spaces or control characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return Problem(where, "url", "not a valid URL")
    if parts.scheme not in ("http", "https") or not host:
        return Problem(where, "url", "an http(s) URL with a host")
    return None


def check_notice(form: NoticeForm, policy: IntakePolicy = IntakePolicy()) -> list[Problem]:
    """Every broken rule of `form` (empty when it may be filed). Never echoes a value."""
    problems: list[Problem] = []
    if form.category not in STATEMENT_CATEGORIES:
        problems.append(Problem("category", "code", "not a Transparency Database category"))
    unknown = [k for k in form.keywords if k not in KEYWORDS]
    if unknown or len(form.keywords) > policy.max_keywords:
        problems.append(
            Problem("keywords", "code", f"at most {policy.max_keywords} known keywords")
        )
    text = form.explanation.strip()
    if not text or len(form.explanation) > policy.max_explanation:
        problems.append(
            Problem("explanation", "length", f"1 to {policy.max_explanation} characters")
        )
    elif _CONTROL.search(form.explanation):
        problems.append(Problem("explanation", "text", "no control characters"))
    if not 1 <= len(form.items) <= policy.max_items:
        problems.append(Problem("items", "count", f"1 to {policy.max_items} items"))
    for number, item in enumerate(form.items[: policy.max_items], start=1):
        problem = _check_url(item.url, f"items[{number}].url", policy)
        if problem is not None:
            problems.append(problem)
        if item.ad_id is not None and not _AD_ID.fullmatch(item.ad_id):
            problems.append(Problem(f"items[{number}].ad_id", "ad_id", "1 to 200 visible ASCII"))
    if form.good_faith is not True:
        problems.append(Problem("good_faith", "required", "the statement of good faith"))
    if form.language not in ("nl", "en"):
        problems.append(Problem("language", "code", "nl or en"))
    contact_given = bool((form.name or "").strip() or (form.email or "").strip())
    if contact_given and not asks_for_contact(form.category, form.keywords):
        problems.append(
            Problem("contact", "not_asked", "no name or e-mail for child sexual abuse notices")
        )
    if form.name is not None and (len(form.name) > 200 or _CONTROL.search(form.name)):
        problems.append(Problem("name", "length", "at most 200 characters"))
    email = (form.email or "").strip()
    if email and not is_email(email):
        problems.append(Problem("email", "email", "not an e-mail address"))
    return problems


def _lane(form: NoticeForm, trusted: bool, score: float | None) -> str:
    if form.threat_to_life:
        return "life_or_safety"
    if form.category == MINORS_CATEGORY or CHILD_ABUSE_KEYWORDS & set(form.keywords):
        return "minors"
    if trusted:
        return "trusted_flagger"
    return "screening" if score else "standard"


def _notifier_key(
    cipher: Cipher, principal: Principal, email: str, client: str | None
) -> str | None:
    if principal.kind != "public" and principal.organisation:
        return cipher.pseudonym(f"notifier/organisation/{principal.organisation}")
    if email:
        return cipher.pseudonym(f"notifier/email/{email.lower()}")
    return cipher.pseudonym(f"notifier/client/{client}") if client else None


@dataclass
class _Filed:
    """A notice checked and sealed, for the writer: it reads the facts the lane and the
    refusals need, then stores the notice with its entry, or records why not."""

    principal: Principal
    form: NoticeForm
    client: str | None
    policy: IntakePolicy
    values: dict[str, Any]  # the row, but for what the facts decide (lane, source, score)
    receipt: Receipt | None = None
    refusal: NoticeError | None = None

    def outcome(self) -> Receipt:
        """The receipt once stored; raises the refusal otherwise."""
        if self.refusal is not None:
            raise self.refusal
        assert self.receipt is not None
        return self.receipt


# The most notices one transaction of the writer stores: a backlog after a pause is
# written in bounded steps, each acknowledged at its commit, and SQLite's write lock
# (shared by every server process) is held for a bounded time.
_BATCH = 64
_WRITERS: weakref.WeakKeyDictionary[Engine, GroupWriter[_Filed]] = weakref.WeakKeyDictionary()
_WRITERS_LOCK = threading.Lock()


def _ask(filed: _Filed) -> store.IntakeAsk:
    values = filed.values
    now = values["received_at"]
    # The flood rule counts public notifiers only.
    since = now - dt.timedelta(hours=1) if filed.principal.kind == "public" else None
    return store.IntakeAsk(
        filed.form.platform, values["notifier_key"], filed.principal.organisation,
        values["ad_ids"], now, since,
    )  # fmt: skip


def _admit(
    transaction: AuditedTransaction,
    filed: _Filed,
    facts: store.IntakeFacts,
    earlier: Counter[str],
) -> bool:
    """Complete the row of `filed` from its facts (True), or record its refusal (False;
    a suspension or a flood with its misuse entry). `earlier` counts the notices of each
    notifier admitted earlier in this burst."""
    form, principal, values = filed.form, filed.principal, filed.values
    key = values["notifier_key"]
    refused: tuple[str, str, str] | None = None
    if not facts.platform_known:
        filed.refusal = refuse("platform", "unknown", "not a platform registered with Zicht")
        return False
    if facts.suspended:
        action = "notice_suspended_notifier"
        refused = ("suspended", "notices from this notifier are suspended (Art. 23)", action)
    elif (
        key is not None
        and principal.kind == "public"
        and facts.recent + earlier[key] >= filed.policy.flood_per_hour
    ):
        refused = ("flood", "too many notices in the last hour", "notice_flood")
    if refused is not None:
        rule, message, action = refused
        transaction.log(audit_event(principal, action, "platform", [form.platform], filed.client))
        filed.refusal = refuse("notifier", rule, message)
        return False
    lane = _lane(form, facts.trusted, facts.score)
    values.update(
        source="trusted_flagger" if facts.trusted else "notice",
        lane=lane,
        priority=LANES.index(lane),
        screening_score=facts.score,
    )
    if key is not None:
        earlier[key] += 1
    return True


def _store_filed(engine: Engine, batch: list[_Filed]) -> Callable[[], None]:
    # One transaction: the facts the lane and the refusals need, read under the write
    # lock (SQLite's, or the notifiers' on PostgreSQL: `intake_facts`), so another
    # process's burst or a suspension committed meanwhile is seen and no two bursts
    # admit on the same count; then the notices admitted with their "notice_filed"
    # entries, and the refusals' misuse entries, commit together. The audit checkpoint
    # step is returned, for the writer to run once the burst's callers are answered.
    with audited_transaction(engine, batched=True, checkpoint_later=True) as transaction:
        facts = store.intake_facts(transaction.connection, [_ask(filed) for filed in batch])
        earlier: Counter[str] = Counter()
        stored = [
            filed
            for filed, found in zip(batch, facts, strict=True)
            if _admit(transaction, filed, found, earlier)
        ]
        store.insert_notices(transaction.connection, [filed.values for filed in stored])
        for filed in stored:
            values = filed.values
            entry = audit_event(
                filed.principal, "notice_filed", "notice", values["id"], filed.client,
                platform=values["platform"], lane=values["lane"], source=values["source"],
            )  # fmt: skip
            transaction.log(entry)
            filed.receipt = Receipt(
                values["reference"], values["lane"], values["received_at"], values["id"]
            )
    return transaction.checkpoint


def _writer(engine: Engine) -> GroupWriter[_Filed]:
    """One group-commit writer of notices per database (a burst costs one commit)."""
    with _WRITERS_LOCK:
        writer = _WRITERS.get(engine)
        if writer is None:
            writer = _WRITERS[engine] = GroupWriter(partial(_store_filed, engine), most=_BATCH)
    return writer


def _seal(
    cipher: Cipher,
    principal: Principal,
    form: NoticeForm,
    client: str | None,
    policy: IntakePolicy,
) -> _Filed:
    """Check `form` and encrypt it into its row (what needs no database)."""
    if scope_of(principal, "file_notice") is None:
        raise NotAllowed("file_notice")
    problems = check_notice(form, policy)
    if problems:
        raise NoticeError(problems)
    email = (form.email or "").strip()
    reference = new_reference("N")
    content = {
        "explanation": form.explanation.strip(),
        "items": [{"url": item.url, "ad_id": item.ad_id} for item in form.items],
    }
    contact = None
    if (form.name or "").strip() or email:
        contact = cipher.encrypt_json(
            {"name": (form.name or "").strip(), "email": email},
            notice_context(reference, "contact"),
        )
    values: dict[str, Any] = {
        "reference": reference,
        "platform": form.platform,
        "flagger": principal.organisation if principal.kind != "public" else None,
        "notifier_key": _notifier_key(cipher, principal, email, client),
        "category": form.category,
        "keywords": list(dict.fromkeys(form.keywords)),
        "ad_ids": [item.ad_id for item in form.items if item.ad_id],
        "content": cipher.encrypt_json(content, notice_context(reference, "content")),
        "contact": contact,
        "good_faith": True,
        "threat_to_life": form.threat_to_life,
        "automated_detection": False,
        "language": form.language,
        "status": "open",
        "received_at": utcnow(),
    }
    if email:  # the receipt, queued in the notice's own transaction
        values["outbox"] = [receipt_message(reference, form.language)]
    return _Filed(principal, form, client, policy, values)


def file_notice(
    engine: Engine,
    cipher: Cipher,
    principal: Principal,
    form: NoticeForm,
    client: str | None = None,
    policy: IntakePolicy = IntakePolicy(),
) -> Receipt:
    """Check, store and acknowledge a notice (public, partner user or trusted flagger).

    Returns once the notice is committed with its audit entry (then it may be
    acknowledged). Raises NoticeError naming each broken rule (a flood is the rule
    `flood`, written to the audit trail as a misuse flag), NotAllowed without
    `file_notice`.
    """
    filed = _seal(cipher, principal, form, client, policy)
    _writer(engine).submit(filed).result()
    return filed.outcome()


async def file_notice_async(
    engine: Engine,
    cipher: Cipher,
    principal: Principal,
    form: NoticeForm,
    client: str | None = None,
    policy: IntakePolicy = IntakePolicy(),
) -> Receipt:
    """`file_notice` for the event loop: the checks and encryption here, the reads and
    the write on the writer's thread; other requests go on while it waits."""
    filed = _seal(cipher, principal, form, client, policy)
    await asyncio.wrap_future(_writer(engine).submit(filed))
    return filed.outcome()


def warm_intake(engine: Engine) -> None:
    """Once in a server process before it accepts requests, so that its first notices do
    not pay for it: open the intake's first pooled connection and compile its facts
    statement (read only; nothing is written)."""
    with engine.connect() as connection:
        store.intake_facts(connection, [store.IntakeAsk("", None, None, (), utcnow(), None)])
        connection.rollback()
