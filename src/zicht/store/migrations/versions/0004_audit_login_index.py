"""audit trail: an index for counting a client address's recent failed logins

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 12:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Not in batch mode: on SQLite that could rebuild the table without its triggers.
    op.create_index(
        "ix_audit_entry_action_client_at", "audit_entry", ["action", "client", "at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_audit_entry_action_client_at", table_name="audit_entry")
