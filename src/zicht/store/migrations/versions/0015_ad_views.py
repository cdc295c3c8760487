"""ad views: each ad's flag evidence (translatable) and the links that joined its operator

Revision ID: 0015
Revises: 0007
Create Date: 2026-11-30 02:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ad") as batch:
        batch.add_column(sa.Column("evidence", sa.JSON(), nullable=True))
    op.create_table(
        "ad_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ad", sa.Integer(), nullable=False),
        sa.Column("linked_ad", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ad"], ["ad.id"], name=op.f("fk_ad_link_ad_ad"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["linked_ad"], ["ad.id"], name=op.f("fk_ad_link_linked_ad_ad"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_link")),
    )
    op.create_index(op.f("ix_ad_link_ad"), "ad_link", ["ad"], unique=False)
    op.create_index(op.f("ix_ad_link_linked_ad"), "ad_link", ["linked_ad"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_ad_link_linked_ad"), table_name="ad_link")
    op.drop_index(op.f("ix_ad_link_ad"), table_name="ad_link")
    op.drop_table("ad_link")
    with op.batch_alter_table("ad") as batch:
        batch.drop_column("evidence")
