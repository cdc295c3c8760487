"""Platforms as tenants and trusted flaggers.

Part of the notice repository `zicht.store.notice_cases` (its public seam).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Engine,
    select,
)

from zicht.store._notice_common import _session
from zicht.store.notices import (
    PlatformTenantRow,
    TrustedFlaggerRow,
)


def save_platform(engine: Engine, code: str, name: str, contact_point: str, state: str) -> bool:
    """Register a platform (True) or update its name and contact point (False)."""
    with _session(engine) as session, session.begin():
        row = session.scalar(select(PlatformTenantRow).where(PlatformTenantRow.code == code))
        if row is None:
            session.add(
                PlatformTenantRow(
                    code=code, name=name, contact_point=contact_point, established_in=state
                )
            )
            return True
        row.name, row.contact_point, row.established_in = name, contact_point, state
        return False


def platform_by_code(engine: Engine, code: str) -> PlatformTenantRow | None:
    """The registered platform `code`, or None."""
    with _session(engine) as session:
        return session.scalar(select(PlatformTenantRow).where(PlatformTenantRow.code == code))


def platform_codes(engine: Engine) -> list[str]:
    """The codes of every registered platform, sorted."""
    with _session(engine) as session:
        return sorted(session.scalars(select(PlatformTenantRow.code)))


def save_trusted_flagger(engine: Engine, organisation: str, on: dt.date, active: bool) -> None:
    """Designate (or withdraw) `organisation` as a trusted flagger."""
    with _session(engine) as session, session.begin():
        row = session.scalar(
            select(TrustedFlaggerRow).where(TrustedFlaggerRow.organisation == organisation)
        )
        if row is None:
            session.add(
                TrustedFlaggerRow(organisation=organisation, designated_on=on, active=active)
            )
        else:
            row.active = active


def trusted_flagger(engine: Engine, organisation: str) -> bool:
    """Whether `organisation` is an active trusted flagger."""
    with _session(engine) as session:
        return bool(
            session.scalar(
                select(TrustedFlaggerRow.active).where(
                    TrustedFlaggerRow.organisation == organisation
                )
            )
        )
