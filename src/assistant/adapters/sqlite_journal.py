"""The embedded default journal: ``SqlJournal`` on one SQLite file in the data directory (or in memory)."""

from __future__ import annotations

from pathlib import Path

from assistant.adapters.sql_journal import SqlJournal


def default_journal_path(data_dir: Path) -> Path:
    """Where the embedded journal lives inside the data directory."""
    return Path(data_dir) / "journal.sqlite3"


class SQLiteJournal(SqlJournal):
    """Interaction log and feedback in one SQLite file (or ``":memory:"``)."""

    def __init__(self, path: Path | str) -> None:
        super().__init__("sqlite://" if str(path) == ":memory:" else f"sqlite:///{Path(path)}")
