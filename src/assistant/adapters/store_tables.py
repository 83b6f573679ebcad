"""SQLAlchemy Core tables of the journal, feedback and API keys (created by ``store_migrations``)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

interactions = sa.Table(
    "interactions", metadata,
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
    sa.Column("doc_ids", sa.Text, nullable=False),  # JSON list
    sa.Column("latency_ms", sa.Float, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("generation", sa.Text, nullable=False, server_default="{}"),  # JSON: Answer.meta
)

feedback = sa.Table(
    "feedback", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("answer_id", sa.Text, sa.ForeignKey("interactions.answer_id", ondelete="CASCADE"), nullable=False),
    sa.Column("rating", sa.Text, nullable=False),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", sa.Text, nullable=False),
)

api_keys = sa.Table(
    "api_keys", metadata,
    sa.Column("key_id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("regions", sa.Text, nullable=False),  # comma-separated region codes
    sa.Column("salt", sa.Text, nullable=False),
    sa.Column("digest", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("revoked_at", sa.Text),
)
