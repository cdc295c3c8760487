"""a complainant's optional contact and language; outbox messages to a complainant

Revision ID: 0022
Revises: 0020
Create Date: 2026-11-30 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dsa_complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact", sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column("language", sa.String(length=5), nullable=False, server_default="nl")
        )
    with op.batch_alter_table("dsa_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("complaint_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_dsa_outbox_complaint_id_dsa_complaint"),
            "dsa_complaint",
            ["complaint_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_dsa_outbox_complaint_id"), ["complaint_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("dsa_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dsa_outbox_complaint_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_dsa_outbox_complaint_id_dsa_complaint"), type_="foreignkey"
        )
        batch_op.drop_column("complaint_id")
    with op.batch_alter_table("dsa_complaint", schema=None) as batch_op:
        batch_op.drop_column("language")
        batch_op.drop_column("contact")
