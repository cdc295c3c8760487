"""programme: yearly programme documents, hand-entered figures, self-assessment

Revision ID: 0012
Revises: 0006
Create Date: 2026-11-30 01:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programme_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("imported_by", sa.String(length=120), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_version")),
        sa.UniqueConstraint("year", name=op.f("uq_programme_version_year")),
    )
    op.create_table(
        "programme_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("entered_by", sa.String(length=120), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_figure")),
        sa.UniqueConstraint("year", "indicator", name=op.f("uq_programme_figure_year")),
    )
    op.create_table(
        "assessment_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("municipality", sa.String(length=6), nullable=False),
        sa.Column("block", sa.String(length=40), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_answer")),
        sa.UniqueConstraint(
            "year", "municipality", "block", name=op.f("uq_assessment_answer_year")
        ),
    )
    op.create_index(op.f("ix_assessment_answer_year"), "assessment_answer", ["year"], unique=False)
    op.create_index(
        op.f("ix_assessment_answer_municipality"),
        "assessment_answer",
        ["municipality"],
        unique=False,
    )
    op.create_table(
        "assessment_round",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("published_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_assessment_round")),
    )


def downgrade() -> None:
    op.drop_table("assessment_round")
    op.drop_table("assessment_answer")
    op.drop_table("programme_figure")
    op.drop_table("programme_version")
