"""Alembic migrations of the registry schema, run programmatically by ``SqlRegistry.migrate``."""
