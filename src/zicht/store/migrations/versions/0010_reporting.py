"""reporting: anonymous reports, messages, attachments, keys, challenges, information pages

Revision ID: 0010
Revises: 0006
Create Date: 2026-11-30 00:52:38.926197
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reporting_challenge",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("spent_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_challenge")),
    )
    with op.batch_alter_table("reporting_challenge", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reporting_challenge_spent_at"), ["spent_at"], unique=False
        )

    op.create_table(
        "reporting_key",
        sa.Column("organisation", sa.String(length=40), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("organisation", name=op.f("pk_reporting_key")),
    )
    op.create_table(
        "reporting_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=12), nullable=False),
        sa.Column("topic", sa.String(length=12), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_page")),
    )
    with op.batch_alter_table("reporting_page", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reporting_page_status"), ["status"], unique=False)

    op.create_table(
        "reporting_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lookup", sa.String(length=64), nullable=False),
        sa.Column("organisation", sa.String(length=40), nullable=False),
        sa.Column("audience", sa.String(length=12), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("referred_to", sa.String(length=20), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("reporter_key", sa.LargeBinary(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("first_answer_at", sa.DateTime(), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(), nullable=False),
        sa.Column("consent_at", sa.DateTime(), nullable=True),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_report")),
        sa.UniqueConstraint("lookup", name=op.f("uq_reporting_report_lookup")),
    )
    with op.batch_alter_table("reporting_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reporting_report_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reporting_report_organisation"), ["organisation"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reporting_report_status"), ["status"], unique=False)

    op.create_table(
        "reporting_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reporting_report.id"],
            name=op.f("fk_reporting_attachment_report_id_reporting_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_attachment")),
    )
    with op.batch_alter_table("reporting_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reporting_attachment_report_id"), ["report_id"], unique=False
        )

    op.create_table(
        "reporting_key_wrap",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("salt", sa.LargeBinary(), nullable=False),
        sa.Column("box", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["reporting_key.organisation"],
            name=op.f("fk_reporting_key_wrap_organisation_reporting_key"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_key_wrap")),
        sa.UniqueConstraint(
            "organisation", "user_id", name=op.f("uq_reporting_key_wrap_organisation")
        ),
    )
    op.create_table(
        "reporting_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=8), nullable=False),
        sa.Column("for_organisation", sa.LargeBinary(), nullable=False),
        sa.Column("for_reporter", sa.LargeBinary(), nullable=False),
        sa.Column("staff", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reporting_report.id"],
            name=op.f("fk_reporting_message_report_id_reporting_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_message")),
    )
    with op.batch_alter_table("reporting_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reporting_message_report_id"), ["report_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reporting_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reporting_message_report_id"))

    op.drop_table("reporting_message")
    op.drop_table("reporting_key_wrap")
    with op.batch_alter_table("reporting_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reporting_attachment_report_id"))

    op.drop_table("reporting_attachment")
    with op.batch_alter_table("reporting_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reporting_report_status"))
        batch_op.drop_index(batch_op.f("ix_reporting_report_organisation"))
        batch_op.drop_index(batch_op.f("ix_reporting_report_created_at"))

    op.drop_table("reporting_report")
    with op.batch_alter_table("reporting_page", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reporting_page_status"))

    op.drop_table("reporting_page")
    op.drop_table("reporting_key")
    with op.batch_alter_table("reporting_challenge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reporting_challenge_spent_at"))

    op.drop_table("reporting_challenge")
