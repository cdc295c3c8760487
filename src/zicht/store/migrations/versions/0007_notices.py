"""notices: DSA platforms as tenants, notices, decisions, complaints, referrals, flaggers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "dsa_platform",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact_point", sa.String(length=254), nullable=False),
        sa.Column("established_in", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dsa_platform")),
        sa.UniqueConstraint("code", name=op.f("uq_dsa_platform_code")),
    )
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("platform", sa.String(length=60), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("flagger", sa.String(length=40), nullable=True),
        sa.Column("notifier_key", sa.String(length=64), nullable=True),
        sa.Column("category", sa.String(length=80), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("ad_ids", sa.JSON(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("contact", sa.LargeBinary(), nullable=True),
        sa.Column("good_faith", sa.Boolean(), nullable=False),
        sa.Column("threat_to_life", sa.Boolean(), nullable=False),
        sa.Column("lane", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("screening_score", sa.Float(), nullable=True),
        sa.Column("automated_detection", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assigned_to", sa.String(length=80), nullable=True),
        sa.Column("assigned_at", sa.DateTime(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
        sa.UniqueConstraint("reference", name=op.f("uq_notice_reference")),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_flagger"), ["flagger"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_notifier_key"), ["notifier_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_platform"), ["platform"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_received_at"), ["received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_status"), ["status"], unique=False)

    op.create_table(
        "trusted_flagger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=40), nullable=False),
        sa.Column("designated_on", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_flagger")),
        sa.UniqueConstraint("organisation", name=op.f("uq_trusted_flagger_organisation")),
    )
    op.create_table(
        "moderation_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("puid", sa.String(length=120), nullable=False),
        sa.Column("redress_key", sa.String(length=64), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=60), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("acted", sa.Boolean(), nullable=False),
        sa.Column("visibility", sa.JSON(), nullable=False),
        sa.Column("monetary", sa.String(length=40), nullable=True),
        sa.Column("provision", sa.String(length=50), nullable=True),
        sa.Column("account", sa.String(length=40), nullable=True),
        sa.Column("ground", sa.String(length=50), nullable=True),
        sa.Column("ground_reference", sa.String(length=500), nullable=True),
        sa.Column("ground_explanation", sa.String(length=2000), nullable=True),
        sa.Column("incompatible_illegal", sa.String(length=3), nullable=True),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("content_type", sa.JSON(), nullable=False),
        sa.Column("other_texts", sa.JSON(), nullable=False),
        sa.Column("territorial_scope", sa.JSON(), nullable=False),
        sa.Column("account_type", sa.String(length=30), nullable=True),
        sa.Column("content_date", sa.Date(), nullable=False),
        sa.Column("application_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("automated_detection", sa.Boolean(), nullable=False),
        sa.Column("automated_decision", sa.String(length=40), nullable=False),
        sa.Column("referred", sa.Boolean(), nullable=False),
        sa.Column("unfounded", sa.Boolean(), nullable=False),
        sa.Column("poster_key", sa.String(length=64), nullable=True),
        sa.Column("manifestly_illegal", sa.Boolean(), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("approved_by", sa.String(length=80), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("reversed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notice.id"], name=op.f("fk_moderation_decision_notice_id_notice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_decision")),
        sa.UniqueConstraint("puid", name=op.f("uq_moderation_decision_puid")),
        sa.UniqueConstraint("redress_key", name=op.f("uq_moderation_decision_redress_key")),
    )
    with op.batch_alter_table("moderation_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_moderation_decision_decided_at"), ["decided_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_moderation_decision_notice_id"), ["notice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_moderation_decision_platform"), ["platform"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_moderation_decision_status"), ["status"], unique=False)

    op.create_table(
        "dsa_complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=60), nullable=False),
        sa.Column("complainant", sa.String(length=10), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("reviewer", sa.String(length=80), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("outcome_reason", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["moderation_decision.id"],
            name=op.f("fk_dsa_complaint_decision_id_moderation_decision"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dsa_complaint")),
        sa.UniqueConstraint("reference", name=op.f("uq_dsa_complaint_reference")),
    )
    with op.batch_alter_table("dsa_complaint", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dsa_complaint_decision_id"), ["decision_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dsa_complaint_platform"), ["platform"], unique=False)
        batch_op.create_index(batch_op.f("ix_dsa_complaint_status"), ["status"], unique=False)

    op.create_table(
        "dsa_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=60), nullable=False),
        sa.Column("organisation", sa.String(length=40), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["moderation_decision.id"],
            name=op.f("fk_dsa_referral_decision_id_moderation_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notice.id"], name=op.f("fk_dsa_referral_notice_id_notice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dsa_referral")),
    )
    with op.batch_alter_table("dsa_referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dsa_referral_notice_id"), ["notice_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dsa_referral_organisation"), ["organisation"], unique=False
        )

    op.create_table(
        "dsa_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notice.id"], name=op.f("fk_dsa_outbox_notice_id_notice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dsa_outbox")),
    )
    op.create_index(op.f("ix_dsa_outbox_notice_id"), "dsa_outbox", ["notice_id"], unique=False)
    op.create_index(op.f("ix_dsa_outbox_sent_at"), "dsa_outbox", ["sent_at"], unique=False)
    op.create_index(
        op.f("ix_moderation_decision_poster_key"),
        "moderation_decision",
        ["poster_key"],
        unique=False,
    )
    op.create_table(
        "dsa_sanction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.String(length=10), nullable=False),
        sa.Column("subject_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dsa_sanction")),
    )
    op.create_index(
        op.f("ix_dsa_sanction_subject_key"), "dsa_sanction", ["subject_key"], unique=False
    )


def downgrade() -> None:
    op.drop_table("dsa_sanction")
    op.drop_table("dsa_outbox")

    with op.batch_alter_table("dsa_referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dsa_referral_organisation"))
        batch_op.drop_index(batch_op.f("ix_dsa_referral_notice_id"))

    op.drop_table("dsa_referral")
    with op.batch_alter_table("dsa_complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dsa_complaint_status"))
        batch_op.drop_index(batch_op.f("ix_dsa_complaint_platform"))
        batch_op.drop_index(batch_op.f("ix_dsa_complaint_decision_id"))

    op.drop_table("dsa_complaint")
    with op.batch_alter_table("moderation_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_decision_status"))
        batch_op.drop_index(batch_op.f("ix_moderation_decision_platform"))
        batch_op.drop_index(batch_op.f("ix_moderation_decision_notice_id"))
        batch_op.drop_index(batch_op.f("ix_moderation_decision_decided_at"))

    op.drop_table("moderation_decision")
    op.drop_table("trusted_flagger")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_status"))
        batch_op.drop_index(batch_op.f("ix_notice_received_at"))
        batch_op.drop_index(batch_op.f("ix_notice_platform"))
        batch_op.drop_index(batch_op.f("ix_notice_notifier_key"))
        batch_op.drop_index(batch_op.f("ix_notice_flagger"))

    op.drop_table("notice")
    op.drop_table("dsa_platform")
