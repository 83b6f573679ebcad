"""Engines and migrations of the SQL stores (journal, API keys): SQLite by default, PostgreSQL to share.

One URL (``ASSISTANT_STORE__URL``) serves every store; each store brings its tables to the newest
migration of its own Alembic branch, recorded in ``store_alembic_version`` (beside, not in, the
registry's ``alembic_version``), so the registry's PostgreSQL database can hold them too.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import StaticPool

from assistant.errors import AssistantError, StoreUnavailableError

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).with_name("store_migrations")
VERSION_TABLE = "store_alembic_version"
# What a broken or unreachable database raises: the stores translate these into StoreUnavailableError.
UNAVAILABLE = (OperationalError, PoolTimeoutError)


def sqlalchemy_url(url: str) -> str:
    """A libpq-style ``postgresql://`` URL as SQLAlchemy's psycopg 3 URL; anything else unchanged."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """Connection settings of every SQLite database (registry, journal, keys)."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers in other processes do not block the writer
    # As the registry does: in WAL mode NORMAL never corrupts the file, and a commit does not wait for an
    # fsync (measured: the fsync was 3.3 ms of a 4 ms cached chat reply, and replies queued behind it).
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def open_engine(url: str, *, schema: str | None = None, connect_timeout: float = 3.0,
                statement_timeout: float = 5.0,
                unavailable: type[AssistantError] = StoreUnavailableError) -> sa.Engine:
    """An engine for ``url`` (``sqlite:///path``, ``sqlite://`` in memory, ``postgresql://…``).

    Used by the registry and the stores alike.

    Args:
        url: database URL; PostgreSQL options in it (``?options=-csearch_path%3Dx``) are kept.
        schema: PostgreSQL schema to work in (tests use one per test); ``None`` for the default.
        connect_timeout: PostgreSQL: longest wait for a connection, new or from the pool.
        statement_timeout: PostgreSQL: the server cancels a statement that runs longer.
        unavailable: the error raised when the URL cannot be opened at all.
    """
    parsed = sa.engine.make_url(sqlalchemy_url(url))
    dialect = parsed.get_backend_name()
    connect_args: dict[str, Any] = {}
    engine_args: dict[str, Any] = {}
    if dialect == "postgresql":
        # Options given in the URL (?options=-csearch_path%3D…) are kept; ours are added to them.
        given = parsed.query.get("options") or ()
        options = [given] if isinstance(given, str) else list(given)
        options.append(f"-cstatement_timeout={int(statement_timeout * 1000)}")
        if schema:
            options.append(f"-csearch_path={schema}")
        connect_args["options"] = " ".join(options)
        parsed = parsed.difference_update_query(["options"])
        connect_args["connect_timeout"] = max(2, math.ceil(connect_timeout))  # libpq: whole seconds, >= 2
        engine_args.update(pool_timeout=connect_timeout, pool_pre_ping=True, pool_recycle=1800)
    elif dialect == "sqlite":
        connect_args["check_same_thread"] = False
        if parsed.database in (None, "", ":memory:"):
            engine_args["poolclass"] = StaticPool  # one shared connection, or every checkout is a new empty db
        else:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        # hide_parameters: bound values never appear in SQLAlchemy errors or logs.
        engine = sa.create_engine(parsed, connect_args=connect_args, hide_parameters=True, **engine_args)
    except (SQLAlchemyError, ImportError) as exc:
        raise unavailable(f"Basis data tidak dapat dibuka: {exc}") from None
    if dialect == "sqlite":
        sa.event.listen(engine, "connect", sqlite_pragmas)
    return engine


# Any constant shared by every process that migrates one of our databases (registry and stores).
_MIGRATION_LOCK = 0x617373697374  # "assist"


def hold_migration_lock(conn: sa.Connection) -> None:
    """PostgreSQL: wait until no other process is migrating this database (held until the commit).

    Several workers starting at once on a fresh database would otherwise race to create the same
    tables and fail; with the lock the second one finds them made and has nothing to do.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})


def migrate(engine: sa.Engine, branch: str) -> None:
    """Bring one store's tables (Alembic branch ``journal`` or ``keys``) to its newest migration."""
    alembic_log = logging.getLogger("alembic")
    level = alembic_log.level
    if not log.isEnabledFor(logging.DEBUG):
        alembic_log.setLevel(logging.WARNING)
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("version_table", VERSION_TABLE)
    try:
        with engine.begin() as conn:
            hold_migration_lock(conn)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, f"{branch}@head")
    except UNAVAILABLE as exc:
        raise StoreUnavailableError(
            f"Basis data penyimpanan tidak dapat dihubungi ({engine.dialect.name}). Periksa ASSISTANT_STORE__URL."
        ) from exc
    finally:
        alembic_log.setLevel(level)
