"""SQLite implementation of ``assistant.dialogue.journal.Journal`` (stdlib sqlite3, thread-safe)."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from assistant.dialogue.journal import RATINGS, JournalEntry
from assistant.errors import InputError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS interactions (
    answer_id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    user_hash TEXT NOT NULL,
    channel TEXT NOT NULL,
    role TEXT NOT NULL,
    intent TEXT NOT NULL,
    question TEXT NOT NULL,
    resolved_question TEXT NOT NULL,
    answer TEXT NOT NULL,
    refused INTEGER NOT NULL,
    doc_ids TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS interactions_user ON interactions (user_hash);
CREATE INDEX IF NOT EXISTS interactions_created ON interactions (created_at);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL REFERENCES interactions (answer_id) ON DELETE CASCADE,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_created ON feedback (created_at);
"""


def default_journal_path(data_dir: Path) -> Path:
    """Where the embedded journal lives inside the data directory."""
    return Path(data_dir) / "journal.sqlite3"


class SQLiteJournal:
    """Interaction log and feedback in one SQLite file (or ``":memory:"``)."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA foreign_keys = ON")
            if str(path) != ":memory:":
                self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.executescript(_SCHEMA)

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO interactions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.answer_id, entry.conversation_id, entry.user_hash, entry.channel, entry.role,
                    entry.intent, entry.question, entry.resolved_question, entry.answer, int(entry.refused),
                    json.dumps(list(entry.doc_ids)), float(entry.latency_ms), entry.created_at,
                ),
            )

    def add_feedback(self, answer_id: str, rating: str, comment: str, created_at: str) -> bool:
        if rating not in RATINGS:
            raise InputError("Penilaian harus 'up' atau 'down'.")
        with self._lock:
            known = self._conn.execute("SELECT 1 FROM interactions WHERE answer_id = ?", (answer_id,)).fetchone()
            if known is None:
                return False
            self._conn.execute(
                "INSERT INTO feedback (answer_id, rating, comment, created_at) VALUES (?, ?, ?, ?)",
                (answer_id, rating, comment, created_at),
            )
        return True

    def forget_user(self, user_hash: str) -> int:
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                fb = self._conn.execute(
                    "DELETE FROM feedback WHERE answer_id IN "
                    "(SELECT answer_id FROM interactions WHERE user_hash = ?)", (user_hash,)
                ).rowcount
                rows = self._conn.execute("DELETE FROM interactions WHERE user_hash = ?", (user_hash,)).rowcount
            except sqlite3.Error:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        return fb + rows

    def interactions(self, since: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            cur = self._conn.execute(
                "SELECT * FROM interactions WHERE created_at >= ? ORDER BY created_at, rowid", (since or "",)
            )
            rows = [dict(r) for r in cur.fetchall()]
        for row in rows:
            row["refused"] = bool(row["refused"])
            row["doc_ids"] = json.loads(row["doc_ids"])
        return rows

    def feedback_rows(self, since: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            cur = self._conn.execute(
                "SELECT f.answer_id, f.rating, f.comment, f.created_at, i.conversation_id, i.channel, i.role,"
                " i.intent, i.question, i.answer, i.doc_ids FROM feedback f JOIN interactions i"
                " ON i.answer_id = f.answer_id WHERE f.created_at >= ? ORDER BY f.created_at, f.id",
                (since or "",),
            )
            rows = [dict(r) for r in cur.fetchall()]
        for row in rows:
            row["doc_ids"] = json.loads(row["doc_ids"])
        return rows

    def close(self) -> None:
        with self._lock:
            self._conn.close()
