"""the record ids of audited exports beside the audit chain (append-only)

Revision ID: 0019
Revises: 0017
Create Date: 2026-11-30 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_REFUSE = "audit_export_id is append-only"


def upgrade() -> None:
    op.create_table(
        "audit_export_id",
        sa.Column("export_key", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("export_key", "position", name=op.f("pk_audit_export_id")),
    )
    op.create_index(op.f("ix_audit_export_id_record_id"), "audit_export_id", ["record_id"])
    _append_only(create=True)


def downgrade() -> None:
    _append_only(create=False)
    op.drop_index(op.f("ix_audit_export_id_record_id"), table_name="audit_export_id")
    op.drop_table("audit_export_id")


def _append_only(*, create: bool) -> None:
    """Triggers that refuse UPDATE and DELETE (and TRUNCATE), as on `audit_entry`."""
    if op.get_bind().dialect.name == "postgresql":
        if create:
            op.execute(
                "CREATE FUNCTION zicht_audit_export_append_only() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{_REFUSE}'; END $$"
            )
            op.execute(
                "CREATE TRIGGER audit_export_id_append_only BEFORE UPDATE OR DELETE "
                "ON audit_export_id FOR EACH ROW EXECUTE FUNCTION zicht_audit_export_append_only()"
            )
            op.execute(
                "CREATE TRIGGER audit_export_id_no_truncate BEFORE TRUNCATE ON audit_export_id "
                "FOR EACH STATEMENT EXECUTE FUNCTION zicht_audit_export_append_only()"
            )
        else:
            op.execute("DROP TRIGGER audit_export_id_no_truncate ON audit_export_id")
            op.execute("DROP TRIGGER audit_export_id_append_only ON audit_export_id")
            op.execute("DROP FUNCTION zicht_audit_export_append_only()")
        return
    for event in ("UPDATE", "DELETE"):
        name = f"audit_export_id_no_{event.lower()}"
        if create:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON audit_export_id "
                f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END"
            )
        else:
            op.execute(f"DROP TRIGGER {name}")
