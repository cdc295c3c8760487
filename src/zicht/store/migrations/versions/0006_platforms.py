"""platforms: licence register, ads, their contacts and band keys

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "licence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number_key", sa.String(length=64), nullable=False),
        sa.Column("municipality", sa.String(length=6), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("holder_key", sa.String(length=64), nullable=False),
        sa.Column("identity", sa.LargeBinary(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["ingest_batch.id"], name=op.f("fk_licence_batch_id_ingest_batch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licence")),
        sa.UniqueConstraint("number_key", name=op.f("uq_licence_number_key")),
    )
    op.create_index(op.f("ix_licence_batch_id"), "licence", ["batch_id"], unique=False)
    op.create_index(op.f("ix_licence_holder_key"), "licence", ["holder_key"], unique=False)
    op.create_index(op.f("ix_licence_municipality"), "licence", ["municipality"], unique=False)
    op.create_table(
        "ad",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=60), nullable=False),
        sa.Column("ad_id", sa.String(length=200), nullable=False),
        sa.Column("posted_at", sa.DateTime(), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("stated_age", sa.Integer(), nullable=True),
        sa.Column("licence_key", sa.String(length=64), nullable=True),
        sa.Column("image_hashes", sa.JSON(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["ingest_batch.id"], name=op.f("fk_ad_batch_id_ingest_batch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad")),
        sa.UniqueConstraint("platform", "ad_id", name=op.f("uq_ad_platform")),
    )
    op.create_index(op.f("ix_ad_batch_id"), "ad", ["batch_id"], unique=False)
    op.create_index(op.f("ix_ad_cluster_id"), "ad", ["cluster_id"], unique=False)
    op.create_index(op.f("ix_ad_licence_key"), "ad", ["licence_key"], unique=False)
    op.create_index(op.f("ix_ad_posted_at"), "ad", ["posted_at"], unique=False)
    op.create_table(
        "ad_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ad", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["ad"], ["ad.id"], name=op.f("fk_ad_contact_ad_ad"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_contact")),
    )
    op.create_index(op.f("ix_ad_contact_ad"), "ad_contact", ["ad"], unique=False)
    op.create_index(op.f("ix_ad_contact_key"), "ad_contact", ["key"], unique=False)
    op.create_table(
        "ad_band",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ad", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["ad"], ["ad.id"], name=op.f("fk_ad_band_ad_ad"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_band")),
    )
    op.create_index(op.f("ix_ad_band_ad"), "ad_band", ["ad"], unique=False)
    op.create_index(op.f("ix_ad_band_key"), "ad_band", ["key"], unique=False)


def downgrade() -> None:
    op.drop_table("ad_band")
    op.drop_table("ad_contact")
    op.drop_table("ad")
    op.drop_table("licence")
