"""a claim on a pending report's derivation: one process derives it, not several

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reporting_report") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reporting_report") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
