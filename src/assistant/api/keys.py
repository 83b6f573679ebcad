"""API keys for the HTTP API: ``ApiKeyStore`` is the embedded default, one SQLite file in the data directory.

The rules (token format, roles, regions) are in ``assistant.api_keys``; the SQL store that also runs on
PostgreSQL (``ASSISTANT_STORE__URL``) is ``assistant.adapters.sql_keys.SqlApiKeyStore``.
"""

from __future__ import annotations

from pathlib import Path

from assistant.adapters.sql_keys import SqlApiKeyStore
from assistant.api_keys import ROLES, ApiKey

__all__ = ["ROLES", "ApiKey", "ApiKeyStore"]


class ApiKeyStore(SqlApiKeyStore):
    """API keys in a small SQLite file (``settings.data_dir / "keys.sqlite3"``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        super().__init__(f"sqlite:///{self.path}")
