"""Journal: interactions and the feedback on them.

Tables already made by the earlier hand-written SQLite schema (same columns) are kept as they are.

Revision ID: journal_0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "journal_0001"
down_revision = None
branch_labels = ("journal",)
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    postgres = op.get_bind().dialect.name == "postgresql"
    if "interactions" not in existing:
        # PostgreSQL has no rowid: seq keeps the insertion order for rows of the same second.
        seq = [sa.Column("seq", sa.BigInteger, sa.Identity(always=True), nullable=False)] if postgres else []
        op.create_table(
            "interactions",
            sa.Column("answer_id", sa.Text, primary_key=True),
            sa.Column("conversation_id", sa.Text, nullable=False),
            sa.Column("user_hash", sa.Text, nullable=False),
            sa.Column("channel", sa.Text, nullable=False),
            sa.Column("role", sa.Text, nullable=False),
            sa.Column("intent", sa.Text, nullable=False),
            sa.Column("question", sa.Text, nullable=False),
            sa.Column("resolved_question", sa.Text, nullable=False),
            sa.Column("answer", sa.Text, nullable=False),
            sa.Column("refused", sa.Boolean, nullable=False),
            sa.Column("doc_ids", sa.Text, nullable=False),
            sa.Column("latency_ms", sa.Float, nullable=False),
            sa.Column("created_at", sa.Text, nullable=False),
            *seq,
        )
        op.create_index("interactions_user", "interactions", ["user_hash"])
        op.create_index("interactions_created", "interactions", ["created_at"])
    if "feedback" not in existing:
        op.create_table(
            "feedback",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("answer_id", sa.Text, sa.ForeignKey("interactions.answer_id", ondelete="CASCADE"),
                      nullable=False),
            sa.Column("rating", sa.Text, sa.CheckConstraint("rating IN ('up', 'down')"), nullable=False),
            sa.Column("comment", sa.Text, nullable=False, server_default=""),
            sa.Column("created_at", sa.Text, nullable=False),
        )
        op.create_index("feedback_created", "feedback", ["created_at"])


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_table("interactions")
