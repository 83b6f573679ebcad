"""Initial registry schema: households, members, enrollments, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "households",
        sa.Column("kk", sa.String(16), primary_key=True),
        sa.Column("region_code", sa.String(10), nullable=False),
        sa.Column("desil", sa.SmallInteger),
        sa.Column("drinking_water", sa.String(12)),
        sa.Column("toilet", sa.String(12)),
        sa.Column("address", sa.Text),
    )
    op.create_index("ix_households_region_code", "households", ["region_code"])
    op.create_table(
        "members",
        sa.Column("nik", sa.String(16), primary_key=True),
        sa.Column("kk", sa.String(16), sa.ForeignKey("households.kk"), nullable=False),
        sa.Column("position", sa.SmallInteger, nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("birth_date", sa.String(10)),
        sa.Column("sex", sa.String(1)),
        sa.Column("relation", sa.String(20)),
        sa.Column("pregnant", sa.Boolean),
        sa.Column("school_level", sa.String(4)),
        sa.Column("disability", sa.String(8)),
        sa.Column("occupation", sa.String(60)),
    )
    op.create_index("ix_members_kk", "members", ["kk"])
    op.create_table(
        "enrollments",
        sa.Column("kk", sa.String(16), sa.ForeignKey("households.kk"), primary_key=True),
        sa.Column("program", sa.String(20), primary_key=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("since", sa.String(10)),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("nik_masked", sa.String(16), nullable=False),
        sa.Column("purpose", sa.String(60), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("enrollments")
    op.drop_index("ix_members_kk", table_name="members")
    op.drop_table("members")
    op.drop_index("ix_households_region_code", table_name="households")
    op.drop_table("households")
