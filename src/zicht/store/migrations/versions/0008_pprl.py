"""pprl: encoded registrations (analytic fields and Bloom-filter encodings, no identity)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 02:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "encoded_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("source_record_id", sa.String(length=100), nullable=False),
        sa.Column("registration_date", sa.Date(), nullable=False),
        sa.Column("registration_year", sa.Integer(), nullable=False),
        sa.Column("forms", sa.String(length=200), nullable=False),
        sa.Column("victim_status", sa.String(length=20), nullable=False),
        sa.Column("sectors", sa.String(length=400), nullable=False),
        sa.Column("means_of_control", sa.String(length=600), nullable=False),
        sa.Column("gender", sa.String(length=30), nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("age_band", sa.String(length=10), nullable=True),
        sa.Column("minor", sa.Boolean(), nullable=True),
        sa.Column("nationality", sa.String(length=2), nullable=True),
        sa.Column("country_of_exploitation", sa.String(length=2), nullable=True),
        sa.Column("recruiter_relation", sa.String(length=30), nullable=True),
        sa.Column("referred_by", sa.String(length=40), nullable=True),
        sa.Column("quality_flags", sa.String(length=400), nullable=True),
        sa.Column("secret_id", sa.String(length=64), nullable=False),
        sa.Column("hardening", sa.JSON(), nullable=False),
        sa.Column("encoding", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["ingest_batch.id"],
            name=op.f("fk_encoded_registration_batch_id_ingest_batch"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encoded_registration")),
        sa.UniqueConstraint(
            "source", "source_record_id", name=op.f("uq_encoded_registration_source")
        ),
    )
    op.create_index(
        op.f("ix_encoded_registration_batch_id"),
        "encoded_registration",
        ["batch_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_encoded_registration_registration_year"),
        "encoded_registration",
        ["registration_year"],
        unique=False,
    )
    op.create_index(
        op.f("ix_encoded_registration_secret_id"),
        "encoded_registration",
        ["secret_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("encoded_registration")
