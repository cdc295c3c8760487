"""Shared by the notice repository modules: sessions and the decision states that do not count.

Part of the notice repository `zicht.store.notice_cases` (its public seam).
"""

from __future__ import annotations

from sqlalchemy import (
    Connection,
    Engine,
)
from sqlalchemy.orm import Session

# Decisions that do not count (Art. 22 accuracy, Art. 23 misuse): an account termination
# still waiting for its second moderator (no effect yet), one the second moderator refused,
# or one lifted on a complaint.
_NOT_TAKEN = ("pending_approval", "reversed", "rejected")


# Decisions not (yet, or ever) in force: not in the Transparency DB or the report's
# decision counts (their Art. 18 referrals are: filed at decide time, never withdrawn).
_NOT_IN_FORCE = ("pending_approval", "rejected")


def _session(bind: Engine | Connection) -> Session:
    return Session(bind, expire_on_commit=False)
