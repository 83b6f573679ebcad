"""Pick the registry backend from the settings: SQLite, PostgreSQL or the HTTP registry service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.errors import ConfigurationError

if TYPE_CHECKING:
    from assistant.ports import Registry
    from assistant.settings import Settings


def build_registry(settings: Settings) -> Registry:
    """Empty URL: SQLite at ``settings.sqlite_path``; postgresql://: PostgreSQL; http(s)://: HTTP service."""
    url = (settings.registry.url or "").strip()
    if not url:
        from assistant.adapters.sql_registry import SqlRegistry

        return SqlRegistry.sqlite(settings.sqlite_path)
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://", "sqlite:///")):
        from assistant.adapters.sql_registry import SqlRegistry

        return SqlRegistry(
            url,
            connect_timeout=settings.registry.connect_timeout_seconds,
            statement_timeout=settings.registry.statement_timeout_seconds,
        )
    if url.startswith(("http://", "https://")):
        from assistant.adapters.http_registry import HttpRegistry

        token = settings.registry.token.get_secret_value() if settings.registry.token else None
        return HttpRegistry(url, token=token, timeout=settings.registry.http_timeout_seconds)
    raise ConfigurationError(
        "ASSISTANT_REGISTRY__URL tidak dikenali: kosongkan (SQLite), atau isi postgresql://… atau http(s)://…"
    )
