"""shelter_request: the status column dropped (read from the reservations instead)

A request's status (open, partly, placed) was stored by every act that changed its
reservations, each from its own snapshot of them: two such acts side by side on
PostgreSQL (two refusals, or a refusal and a reservation) could leave a status that no
longer matched the reservations. It is now computed from the reservations whenever a
request is read (`zicht.store.shelter_queries`), so there is nothing to get out of date.

The downgrade adds the column back, filled from the reservations as it is read now.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

# The reservations that serve a person (`zicht.store.shelter.SERVED_STATES` on the day
# of this migration; a migration does not follow later changes of the code).
_SERVED = (
    "(SELECT count(DISTINCT r.person_index) FROM shelter_reservation r"
    " WHERE r.request_id = shelter_request.id"
    " AND r.status IN ('held', 'accepted', 'discharged'))"
)


def upgrade() -> None:
    # ALTER TABLE … DROP COLUMN on both databases (SQLite 3.35 and later): a batch copy
    # of the table would be refused by the reservations' foreign key on SQLite.
    op.drop_index(op.f("ix_shelter_request_status"), table_name="shelter_request")
    op.drop_column("shelter_request", "status")


def downgrade() -> None:
    # The column comes back with a default ("open", what a new request had), which a
    # column added to rows already there needs on SQLite; then it is filled in.
    op.add_column(
        "shelter_request",
        sa.Column("status", sa.String(length=20), nullable=False, server_default="open"),
    )
    op.execute(
        f"UPDATE shelter_request SET status = CASE WHEN size <= {_SERVED} THEN 'placed'"
        f" WHEN {_SERVED} > 0 THEN 'partly' ELSE 'open' END"
    )
    op.create_index(op.f("ix_shelter_request_status"), "shelter_request", ["status"], unique=False)
