"""network: graph runs, nodes, edge evidence and ranked networks

Revision ID: 0009
Revises: 0006
Create Date: 2026-11-30 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_run_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("timings", sa.JSON(), nullable=True),
        sa.Column("metrics", sa.JSON(), nullable=True),
        sa.Column("nodes", sa.Integer(), nullable=False),
        sa.Column("edges", sa.Integer(), nullable=False),
        sa.Column("networks", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=400), nullable=True),
        sa.ForeignKeyConstraint(
            ["link_run_id"], ["link_run.id"], name=op.f("fk_network_run_link_run_id_link_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_run")),
    )
    op.create_index(op.f("ix_network_run_status"), "network_run", ["status"], unique=False)
    op.create_table(
        "network_node",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("node", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=True),
        sa.Column("component", sa.Integer(), nullable=False),
        sa.Column("network", sa.Integer(), nullable=False),
        sa.Column("betweenness", sa.Float(), nullable=False),
        sa.Column("articulation", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["network_run.id"], name=op.f("fk_network_node_run_id_network_run")
        ),
        sa.PrimaryKeyConstraint("run_id", "node", name=op.f("pk_network_node")),
    )
    op.create_index(op.f("ix_network_node_network"), "network_node", ["network"], unique=False)
    op.create_table(
        "network_edge",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_node", sa.Integer(), nullable=False),
        sa.Column("target_node", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("record_type", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("organisation", sa.String(length=60), nullable=False),
        sa.Column("seen_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["network_run.id"], name=op.f("fk_network_edge_run_id_network_run")
        ),
        sa.PrimaryKeyConstraint("run_id", "id", name=op.f("pk_network_edge")),
    )
    op.create_index(
        op.f("ix_network_edge_source_node"), "network_edge", ["source_node"], unique=False
    )
    op.create_index(
        op.f("ix_network_edge_target_node"), "network_edge", ["target_node"], unique=False
    )
    op.create_table(
        "network",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("network", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("nodes", sa.Integer(), nullable=False),
        sa.Column("victims", sa.Integer(), nullable=False),
        sa.Column("minors", sa.Integer(), nullable=False),
        sa.Column("suspects", sa.Integer(), nullable=False),
        sa.Column("suspects_om", sa.Integer(), nullable=False),
        sa.Column("ads", sa.Integer(), nullable=False),
        sa.Column("forms", sa.String(length=200), nullable=False),
        sa.Column("cross_border", sa.Boolean(), nullable=False),
        sa.Column("recent", sa.Boolean(), nullable=False),
        sa.Column("first_seen", sa.Date(), nullable=True),
        sa.Column("last_seen", sa.Date(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("change", sa.String(length=12), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["network_run.id"], name=op.f("fk_network_run_id_network_run")
        ),
        sa.PrimaryKeyConstraint("run_id", "network", name=op.f("pk_network")),
    )
    op.create_index(op.f("ix_network_rank"), "network", ["rank"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_network_rank"), table_name="network")
    op.drop_table("network")
    op.drop_index(op.f("ix_network_edge_target_node"), table_name="network_edge")
    op.drop_index(op.f("ix_network_edge_source_node"), table_name="network_edge")
    op.drop_table("network_edge")
    op.drop_index(op.f("ix_network_node_network"), table_name="network_node")
    op.drop_table("network_node")
    op.drop_index(op.f("ix_network_run_status"), table_name="network_run")
    op.drop_table("network_run")
