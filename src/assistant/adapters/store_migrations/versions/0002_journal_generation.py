"""Journal: how each answer was made (generator, prompt version, LLM outcome, fallback reason, tokens).

Revision ID: journal_0002
Revises: journal_0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "journal_0002"
down_revision = "journal_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("interactions")}
    if "generation" not in columns:
        op.add_column("interactions", sa.Column("generation", sa.Text, nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.drop_column("generation")
