"""Art. 23 misuse: after a warning, a time-limited suspension of notifiers who keep filing
manifestly unfounded notices and of posters who keep posting manifestly illegal content.

Moderators mark a decision `unfounded` (a notice) or `manifestly_illegal` (a poster's
content, with the poster's account reference); the counts over a window decide, as the
platform's published policy says (`MisusePolicy`). Subjects are keyed pseudonyms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from zicht.access import AuditedTransaction, Principal
from zicht.platforms.notices._common import audit
from zicht.store import notice_cases as store
from zicht.store.models import utcnow

__all__ = ["MisusePolicy", "apply_misuse_policy", "suspended_until"]


@dataclass(frozen=True)
class MisusePolicy:
    """Absolute numbers within a window: a warning first, then a suspension."""

    window: dt.timedelta = dt.timedelta(days=180)
    warn_at: int = 3
    suspend_at: int = 5
    suspension: dt.timedelta = dt.timedelta(days=30)


def apply_misuse_policy(
    target: Engine | AuditedTransaction,
    principal: Principal,
    platform: str,
    subject: str,
    key: str,
    policy: MisusePolicy | None = None,
) -> str | None:
    """Warn or suspend `key` when its count reaches the policy; return the measure taken.

    Given the `audited_transaction` of the decision that counts, the measure and its
    audit entry commit with that decision (or not at all).
    """
    engine = target.connection if isinstance(target, AuditedTransaction) else target
    policy = policy or MisusePolicy()
    now = utcnow()
    since = now - policy.window
    count = store.misuse_count(engine, platform, subject, key, since)
    taken = store.sanction_kinds(engine, platform, key, since)
    kind, until = None, None
    if count >= policy.suspend_at and "warning" in taken:
        if store.active_suspension(engine, platform, key, now) is None:
            kind, until = "suspension", now + policy.suspension
    elif count >= policy.warn_at and "warning" not in taken:
        kind = "warning"
    if kind is None:
        return None
    values = {"platform": platform, "subject": subject, "subject_key": key, "kind": kind}
    sanction = store.insert_sanction(engine, {**values, "until": until, "created_at": now})
    audit(
        target, principal, f"misuse_{kind}", "sanction", [sanction], subject=subject,
        count=count,
    )  # fmt: skip
    return kind


def suspended_until(engine: Engine, platform: str, key: str) -> dt.datetime | None:
    """Until when `key` is suspended on `platform` (None: not suspended)."""
    return store.active_suspension(engine, platform, key, utcnow())
