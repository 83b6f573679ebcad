"""Composite index (region_code, kk): worklists stream one region in keyset order without sorting.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_households_region_kk", "households", ["region_code", "kk"])


def downgrade() -> None:
    op.drop_index("ix_households_region_kk", table_name="households")
