"""ad_band: one index on (key, ad) instead of the index on key

Grouping reads the representatives of a chunk's band keys in key and row order; with
the index on the key alone every hit was a lookup in the table and the order a sort.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30 21:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ad_band_key_ad", "ad_band", ["key", "ad"], unique=False)
    op.drop_index(op.f("ix_ad_band_key"), table_name="ad_band")


def downgrade() -> None:
    op.create_index(op.f("ix_ad_band_key"), "ad_band", ["key"], unique=False)
    op.drop_index("ix_ad_band_key_ad", table_name="ad_band")
