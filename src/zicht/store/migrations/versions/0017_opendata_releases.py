"""stored differential-privacy releases and the privacy-budget ledger

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "opendata_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column("epsilon", sa.Float(), nullable=False),
        sa.Column("delta", sa.Float(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("made_by", sa.String(length=100), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["link_run.id"], name=op.f("fk_opendata_release_run_id_link_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opendata_release")),
    )
    op.create_index(
        "ix_opendata_release_key",
        "opendata_release",
        ["kind", "run_id", "first_year", "last_year"],
    )
    op.create_table(
        "opendata_budget_spend",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("epsilon", sa.Float(), nullable=False),
        sa.Column("delta", sa.Float(), nullable=False),
        sa.Column("spent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["link_run.id"], name=op.f("fk_opendata_budget_spend_run_id_link_run")
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["opendata_release.id"],
            name=op.f("fk_opendata_budget_spend_release_id_opendata_release"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opendata_budget_spend")),
    )
    op.create_index(op.f("ix_opendata_budget_spend_year"), "opendata_budget_spend", ["year"])


def downgrade() -> None:
    op.drop_table("opendata_budget_spend")
    op.drop_table("opendata_release")
