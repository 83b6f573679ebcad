"""Alembic environment of the journal and key stores: always handed an open connection by ``sql_store``."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable when someone runs the alembic CLI directly
    raise RuntimeError("Run these migrations through assistant.adapters.sql_store.migrate(); this env needs a connection.")

context.configure(connection=connection, target_metadata=None,
                  version_table=context.config.get_main_option("version_table") or "store_alembic_version")
with context.begin_transaction():
    context.run_migrations()
