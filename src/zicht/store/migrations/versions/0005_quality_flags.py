"""records: data-quality flags and the flagged identity cells, encrypted (issue 13)

A registration whose birth date (or another identity value) breaks a rule is stored
with that value left out, instead of being quarantined whole.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TABLES = ("victim_registration", "suspect_registration", "report")


def upgrade() -> None:
    # Plain ADD COLUMN (nullable, no default): no table rebuild on SQLite.
    for table in _TABLES:
        op.add_column(table, sa.Column("quality_flags", sa.String(length=400), nullable=True))
        op.add_column(table, sa.Column("flagged_original", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("flagged_original")
            batch.drop_column("quality_flags")
