"""person reviews (confirm, split) and background jobs started from the web app

Revision ID: 0016
Revises: 0008
Create Date: 2026-11-30 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["victim_registration.id"],
            name=op.f("fk_person_review_registration_id_victim_registration"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["link_run.id"], name=op.f("fk_person_review_run_id_link_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_review")),
    )
    op.create_index(op.f("ix_person_review_registration_id"), "person_review", ["registration_id"])
    op.create_index(op.f("ix_person_review_person_id"), "person_review", ["person_id"])
    op.create_table(
        "web_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("started_by", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("beat_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(length=400), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_job")),
    )
    op.create_index(op.f("ix_web_job_kind"), "web_job", ["kind"])
    op.create_index(op.f("ix_web_job_status"), "web_job", ["status"])


def downgrade() -> None:
    op.drop_table("web_job")
    op.drop_table("person_review")
