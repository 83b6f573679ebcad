"""The journal (``ports.Journal``) on SQLAlchemy Core: SQLite by default, PostgreSQL to share it.

Several API workers and hosts write to one PostgreSQL journal; exports read every worker's rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from assistant.adapters.sql_store import UNAVAILABLE, migrate, open_engine
from assistant.adapters.store_tables import feedback, interactions
from assistant.dialogue.journal import RATINGS, JournalEntry
from assistant.errors import InputError, StoreUnavailableError

_UNAVAILABLE = "Log percakapan sedang tidak dapat dihubungi. Coba lagi nanti."


def _row(entry: JournalEntry) -> dict[str, Any]:
    return {
        "answer_id": entry.answer_id, "conversation_id": entry.conversation_id, "user_hash": entry.user_hash,
        "channel": entry.channel, "role": entry.role, "intent": entry.intent, "question": entry.question,
        "resolved_question": entry.resolved_question, "answer": entry.answer, "refused": bool(entry.refused),
        "doc_ids": json.dumps(list(entry.doc_ids)), "latency_ms": float(entry.latency_ms),
        "created_at": entry.created_at, "generation": json.dumps(entry.generation, ensure_ascii=False),
    }


class SqlJournal:
    """Interactions and feedback in one SQL database.

    Args:
        url: ``sqlite:///path``, ``sqlite://`` (in memory) or ``postgresql://…``.
        schema: PostgreSQL schema to work in (tests use one per test).
        connect_timeout: PostgreSQL: longest wait for a connection.
        statement_timeout: PostgreSQL: longest run of one statement.
    """

    def __init__(self, url: str, *, schema: str | None = None, connect_timeout: float = 3.0,
                 statement_timeout: float = 5.0) -> None:
        self.engine = open_engine(url, schema=schema, connect_timeout=connect_timeout,
                                  statement_timeout=statement_timeout)
        migrate(self.engine, "journal")
        # Rows of the same second keep their insertion order: SQLite's rowid, PostgreSQL's identity column.
        self._order: sa.ColumnClause[Any] = sa.column("rowid" if self.engine.dialect.name == "sqlite" else "seq")

    def record(self, entry: JournalEntry) -> None:
        self.record_many([entry])

    def record_many(self, entries: Sequence[JournalEntry]) -> None:
        """Insert several rows in one transaction (the background writer's batches)."""
        rows = [_row(entry) for entry in entries]
        if not rows:
            return
        try:
            with self.engine.begin() as conn:
                conn.execute(interactions.insert(), rows if len(rows) > 1 else rows[0])
        except UNAVAILABLE as exc:
            raise StoreUnavailableError(_UNAVAILABLE) from exc

    def add_feedback(self, answer_id: str, rating: str, comment: str, created_at: str) -> bool:
        if rating not in RATINGS:
            raise InputError("Penilaian harus 'up' atau 'down'.")
        try:
            with self.engine.begin() as conn:
                known = conn.execute(
                    sa.select(interactions.c.answer_id).where(interactions.c.answer_id == answer_id)
                ).first()
                if known is None:
                    return False
                conn.execute(feedback.insert(), {"answer_id": answer_id, "rating": rating, "comment": comment,
                                                 "created_at": created_at})
        except UNAVAILABLE as exc:
            raise StoreUnavailableError(_UNAVAILABLE) from exc
        return True

    def forget_user(self, user_hash: str) -> int:
        theirs = sa.select(interactions.c.answer_id).where(interactions.c.user_hash == user_hash)
        try:
            with self.engine.begin() as conn:
                rated = conn.execute(feedback.delete().where(feedback.c.answer_id.in_(theirs))).rowcount
                logged = conn.execute(interactions.delete().where(interactions.c.user_hash == user_hash)).rowcount
        except UNAVAILABLE as exc:
            raise StoreUnavailableError(_UNAVAILABLE) from exc
        return rated + logged

    def interactions(self, since: str | None = None) -> list[dict[str, Any]]:
        query = (sa.select(*interactions.c).where(interactions.c.created_at >= (since or ""))
                 .order_by(interactions.c.created_at, self._order))
        rows = self._read(query)
        for row in rows:
            row["refused"] = bool(row["refused"])
            row["doc_ids"] = json.loads(row["doc_ids"])
            row["generation"] = json.loads(row.get("generation") or "{}")
        return rows

    def feedback_rows(self, since: str | None = None) -> list[dict[str, Any]]:
        """Feedback joined with the question and answer it rates."""
        i = interactions.c
        query = (
            sa.select(feedback.c.answer_id, feedback.c.rating, feedback.c.comment, feedback.c.created_at,
                      i.conversation_id, i.channel, i.role, i.intent, i.question, i.answer, i.doc_ids)
            .select_from(feedback.join(interactions, i.answer_id == feedback.c.answer_id))
            .where(feedback.c.created_at >= (since or ""))
            .order_by(feedback.c.created_at, feedback.c.id)
        )
        rows = self._read(query)
        for row in rows:
            row["doc_ids"] = json.loads(row["doc_ids"])
        return rows

    def _read(self, query: sa.Select[Any]) -> list[dict[str, Any]]:
        try:
            with self.engine.connect() as conn:
                return [dict(r) for r in conn.execute(query).mappings()]
        except UNAVAILABLE as exc:
            raise StoreUnavailableError(_UNAVAILABLE) from exc

    def close(self) -> None:
        self.engine.dispose()
