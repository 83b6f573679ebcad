"""Pick the journal and API-key stores from the settings: SQLite files in the data directory, or one database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.errors import ConfigurationError

if TYPE_CHECKING:
    from assistant.adapters.sql_journal import SqlJournal
    from assistant.adapters.sql_keys import SqlApiKeyStore
    from assistant.settings import Settings

_SQL_PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://", "sqlite://")


def store_url(settings: Settings, embedded_file: str) -> str:
    """``ASSISTANT_STORE__URL`` when set, else the SQLite file ``embedded_file`` in the data directory."""
    url = (settings.store.url or "").strip()
    if not url:
        return f"sqlite:///{settings.data_dir / embedded_file}"
    if url.startswith(_SQL_PREFIXES):
        return url
    raise ConfigurationError(
        "ASSISTANT_STORE__URL tidak dikenali: kosongkan (SQLite di folder data), atau isi postgresql://…"
    )


def build_journal(settings: Settings) -> SqlJournal:
    """The conversation journal and feedback (embedded: ``journal.sqlite3``)."""
    from assistant.adapters.sql_journal import SqlJournal

    return SqlJournal(store_url(settings, "journal.sqlite3"))


def build_key_store(settings: Settings) -> SqlApiKeyStore:
    """The API keys (embedded: ``keys.sqlite3``)."""
    from assistant.adapters.sql_keys import SqlApiKeyStore

    return SqlApiKeyStore(store_url(settings, "keys.sqlite3"))
