"""CI creates the PostgreSQL role and database the tests need when they are missing (deploy/ensure-postgres.sh)."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.support.registry_fixtures import PG_URL

SCRIPT = Path(__file__).resolve().parents[1] / "deploy" / "ensure-postgres.sh"

pytestmark = pytest.mark.postgres


def _run(name: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PGTEST_ROLE": name, "PGTEST_DB": name}
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


def test_missing_role_and_database_are_created_once():
    name = f"ci_{uuid.uuid4().hex[:10]}"
    try:
        first = _run(name)
        assert first.returncode == 0, first.stderr
        assert f"creating role {name}" in first.stderr and f"creating database {name}" in first.stderr
        with psycopg.connect(f"postgresql://{name}@127.0.0.1:5432/{name}") as conn:
            assert conn.execute("SELECT current_user, current_database()").fetchone() == (name, name)
            conn.execute("CREATE SCHEMA t_probe")  # what the tests do: one schema per test
        again = _run(name)
        assert again.returncode == 0 and "creating" not in again.stderr  # idempotent
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{name}"')


def test_an_unreachable_server_is_named_not_ignored():
    env = {**os.environ, "PGTEST_PORT": "1"}  # nothing listens there, and no cluster serves that port
    result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 3
    assert "PostgreSQL is not running on 127.0.0.1:1" in result.stderr
