"""Versioned migration scripts (Alembic ignores this file)."""
