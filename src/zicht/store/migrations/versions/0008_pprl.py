"""pprl: encodings of victim registrations delivered encoded (no identity token)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 02:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registration_encoding",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("secret_id", sa.String(length=64), nullable=False),
        sa.Column("hardening", sa.JSON(), nullable=False),
        sa.Column("encoding", sa.JSON(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["ingest_batch.id"],
            name=op.f("fk_registration_encoding_batch_id_ingest_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["victim_registration.id"],
            name=op.f("fk_registration_encoding_registration_id_victim_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_registration_encoding")),
    )
    op.create_index(
        op.f("ix_registration_encoding_batch_id"),
        "registration_encoding",
        ["batch_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_registration_encoding_secret_id"),
        "registration_encoding",
        ["secret_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("registration_encoding")
