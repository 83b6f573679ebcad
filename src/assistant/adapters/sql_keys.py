"""API keys (``ports.KeyStore``) on SQLAlchemy Core: SQLite by default, PostgreSQL to share them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from assistant.adapters.sql_store import UNAVAILABLE, migrate, open_engine
from assistant.adapters.store_tables import api_keys
from assistant.api_keys import ApiKey, new_key, now, secret_matches, split_token
from assistant.errors import InputError, NotFoundError, StoreUnavailableError

_UNAVAILABLE = "Penyimpanan kunci API sedang tidak dapat dihubungi. Coba lagi nanti."
_PUBLIC = (api_keys.c.key_id, api_keys.c.name, api_keys.c.role, api_keys.c.regions, api_keys.c.created_at,
           api_keys.c.revoked_at)


def _key(row: Any) -> ApiKey:
    return ApiKey(row.key_id, row.name, row.role, tuple(r for r in row.regions.split(",") if r), row.created_at,
                  row.revoked_at)


class SqlApiKeyStore:
    """API keys in one SQL database (the token's secret is stored only as a salted HMAC).

    Args:
        url: ``sqlite:///path``, ``sqlite://`` (in memory) or ``postgresql://…``.
        schema: PostgreSQL schema to work in (tests use one per test).
    """

    def __init__(self, url: str, *, schema: str | None = None, connect_timeout: float = 3.0,
                 statement_timeout: float = 5.0) -> None:
        self.engine = open_engine(url, schema=schema, connect_timeout=connect_timeout,
                                  statement_timeout=statement_timeout)
        migrate(self.engine, "keys")

    def create(self, *, name: str, role: str, regions: Sequence[str] = ()) -> tuple[ApiKey, str]:
        """Create a key and return it with its token (the only time the token is available)."""
        made = new_key(name=name, role=role, regions=regions)
        key = made.key
        row = {"key_id": key.key_id, "name": key.name, "role": key.role, "regions": ",".join(key.regions),
               "salt": made.salt, "digest": made.digest, "created_at": key.created_at, "revoked_at": None}
        try:
            with self.engine.begin() as conn:
                conn.execute(api_keys.insert(), row)
        except IntegrityError as exc:
            raise InputError(f"Nama kunci '{name}' sudah dipakai; pilih nama lain.") from exc
        except UNAVAILABLE as exc:
            raise StoreUnavailableError(_UNAVAILABLE) from exc
        return key, made.token

    def list(self) -> list[ApiKey]:
        query = sa.select(*_PUBLIC).order_by(api_keys.c.created_at, api_keys.c.name)
        try:
            with self.engine.connect() as conn:
                return [_key(r) for r in conn.execute(query)]
        except UNAVAILABLE as exc:
            raise StoreUnavailableError(_UNAVAILABLE) from exc

    def revoke(self, name_or_id: str) -> ApiKey:
        try:
            with self.engine.begin() as conn:
                row = conn.execute(sa.select(*_PUBLIC).where(
                    (api_keys.c.key_id == name_or_id) | (api_keys.c.name == name_or_id))).first()
                if row is None:
                    raise NotFoundError(f"Kunci '{name_or_id}' tidak ditemukan.")
                key = _key(row)
                if key.revoked_at is None:
                    revoked_at = now()
                    conn.execute(api_keys.update().where(api_keys.c.key_id == key.key_id)
                                 .values(revoked_at=revoked_at))
                    key = ApiKey(key.key_id, key.name, key.role, key.regions, key.created_at, revoked_at)
        except UNAVAILABLE as exc:
            raise StoreUnavailableError(_UNAVAILABLE) from exc
        return key

    def authenticate(self, token: str) -> ApiKey | None:
        """Return the active key for a token, or None (unknown, malformed, wrong secret or revoked)."""
        parts = split_token(token)
        if parts is None:
            return None
        key_id, secret = parts
        try:
            with self.engine.connect() as conn:
                row = conn.execute(sa.select(*_PUBLIC, api_keys.c.salt, api_keys.c.digest)
                                   .where(api_keys.c.key_id == key_id)).first()
        except UNAVAILABLE as exc:
            raise StoreUnavailableError(_UNAVAILABLE) from exc
        if row is None:
            return None
        key = _key(row)
        if not secret_matches(row.salt, row.digest, secret) or not key.active:
            return None
        return key

    def close(self) -> None:
        self.engine.dispose()
