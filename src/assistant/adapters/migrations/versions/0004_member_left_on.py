"""members.left_on: the date a member left the family card (moved out, married out, died).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("members", sa.Column("left_on", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:  # SQLite cannot drop a column in place
        batch.drop_column("left_on")
