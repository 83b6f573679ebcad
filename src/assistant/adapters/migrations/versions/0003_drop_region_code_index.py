"""Drop the single-column region index: the (region_code, kk) index serves every region query.

With both present, PostgreSQL's planner picked the narrower index for the keyset page query and sorted
each district's households by KK (an incremental sort per page) instead of walking (region_code, kk)
in order; SQLite used the composite index already.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_households_region_code", table_name="households")


def downgrade() -> None:
    op.create_index("ix_households_region_code", "households", ["region_code"])
