"""Alembic environment: always handed an open connection by ``assistant.adapters.sql_registry``."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable when someone runs the alembic CLI directly
    raise RuntimeError("Run migrations through SqlRegistry.migrate(); this env needs a connection.")

context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
