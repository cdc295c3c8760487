"""Alembic environment: runs on the connection Zicht hands over."""

from __future__ import annotations

from alembic import context

import zicht.store.accounts
import zicht.store.audit
import zicht.store.audit_exports
import zicht.store.linkage
import zicht.store.network
import zicht.store.notices
import zicht.store.opendata_releases
import zicht.store.person_reviews
import zicht.store.platforms
import zicht.store.pprl
import zicht.store.programme
import zicht.store.reporting
import zicht.store.shelter
import zicht.store.web_jobs  # noqa: F401
from zicht.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
