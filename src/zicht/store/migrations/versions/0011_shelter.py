"""shelter: shelters, their staff and beds, requests for a place, reservations

Revision ID: 0011
Revises: 0006
Create Date: 2026-11-30 01:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0006"
branch_labels = None
depends_on = None

_ACTIVE = sa.text("status IN ('held', 'accepted')")


def upgrade() -> None:
    op.create_table(
        "shelter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("languages", sa.String(length=200), nullable=False),
        sa.Column("wheelchair", sa.Boolean(), nullable=False),
        sa.Column("security", sa.Integer(), nullable=False),
        sa.Column("care", sa.Boolean(), nullable=False),
        sa.Column("address", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shelter")),
        sa.UniqueConstraint("code", name=op.f("uq_shelter_code")),
    )
    op.create_index(op.f("ix_shelter_region"), "shelter", ["region"], unique=False)
    op.create_table(
        "shelter_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shelter_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["shelter_id"],
            ["shelter.id"],
            name=op.f("fk_shelter_member_shelter_id_shelter"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shelter_member")),
        sa.UniqueConstraint("shelter_id", "actor", name=op.f("uq_shelter_member_shelter_id")),
    )
    op.create_index(op.f("ix_shelter_member_actor"), "shelter_member", ["actor"], unique=False)
    op.create_index(
        op.f("ix_shelter_member_shelter_id"), "shelter_member", ["shelter_id"], unique=False
    )
    op.create_table(
        "shelter_bed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shelter_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("in_service", sa.Boolean(), nullable=False),
        sa.Column("taken", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shelter_id"],
            ["shelter.id"],
            name=op.f("fk_shelter_bed_shelter_id_shelter"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shelter_bed")),
    )
    op.create_index(
        "ix_shelter_bed_free",
        "shelter_bed",
        ["shelter_id", "kind", "taken", "in_service"],
        unique=False,
    )
    op.create_table(
        "shelter_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=40), nullable=False),
        sa.Column("requested_by", sa.String(length=120), nullable=False),
        sa.Column("bed_kind", sa.String(length=20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("person_keys", sa.JSON(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("form", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shelter_request")),
    )
    op.create_index(
        op.f("ix_shelter_request_created_at"), "shelter_request", ["created_at"], unique=False
    )
    op.create_index(
        op.f("ix_shelter_request_organisation"), "shelter_request", ["organisation"], unique=False
    )
    op.create_index(op.f("ix_shelter_request_status"), "shelter_request", ["status"], unique=False)
    op.create_table(
        "shelter_reservation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("person_index", sa.Integer(), nullable=False),
        sa.Column("bed_id", sa.Integer(), nullable=False),
        sa.Column("shelter_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("held_until", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.String(length=30), nullable=True),
        sa.Column("discharged_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bed_id"], ["shelter_bed.id"], name=op.f("fk_shelter_reservation_bed_id_shelter_bed")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["shelter_request.id"],
            name=op.f("fk_shelter_reservation_request_id_shelter_request"),
        ),
        sa.ForeignKeyConstraint(
            ["shelter_id"], ["shelter.id"], name=op.f("fk_shelter_reservation_shelter_id_shelter")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shelter_reservation")),
    )
    op.create_index(
        op.f("ix_shelter_reservation_request_id"),
        "shelter_reservation",
        ["request_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_shelter_reservation_shelter_id"),
        "shelter_reservation",
        ["shelter_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_shelter_reservation_status"), "shelter_reservation", ["status"], unique=False
    )
    op.create_index(
        "ux_shelter_reservation_active_bed",
        "shelter_reservation",
        ["bed_id"],
        unique=True,
        sqlite_where=_ACTIVE,
        postgresql_where=_ACTIVE,
    )
    op.create_index(
        "ux_shelter_reservation_active_person",
        "shelter_reservation",
        ["request_id", "person_index"],
        unique=True,
        sqlite_where=_ACTIVE,
        postgresql_where=_ACTIVE,
    )


def downgrade() -> None:
    op.drop_table("shelter_reservation")
    op.drop_table("shelter_request")
    op.drop_table("shelter_bed")
    op.drop_table("shelter_member")
    op.drop_table("shelter")
