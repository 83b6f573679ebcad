"""API keys: a random token shown once, stored as a salted HMAC-SHA256, mapped to a role and regions.

Token format: ``ask_<key_id>_<secret>``. The key id is looked up, then the secret is checked against
the stored digest in constant time; the secret itself is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assistant.errors import InputError, NotFoundError

ROLES = ("facilitator", "admin")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_REGION = re.compile(r"^\d{2}(\d{2}){0,3}$")  # province (2), regency (4), district (6), village (8)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    regions TEXT NOT NULL,
    salt TEXT NOT NULL,
    digest TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
)
"""


@dataclass(frozen=True, slots=True)
class ApiKey:
    key_id: str
    name: str
    role: str
    regions: tuple[str, ...]
    created_at: str
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_dict(self) -> dict[str, object]:
        return {
            "key_id": self.key_id,
            "name": self.name,
            "role": self.role,
            "regions": list(self.regions),
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
        }


def _digest(salt: str, secret: str) -> str:
    return hmac.new(bytes.fromhex(salt), secret.encode(), hashlib.sha256).hexdigest()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ApiKeyStore:
    """API keys in a small SQLite file (``settings.data_dir / "keys.sqlite3"``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as conn:
            conn.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=5)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    @staticmethod
    def _row(row: tuple) -> ApiKey:
        key_id, name, role, regions, created_at, revoked_at = row
        return ApiKey(key_id, name, role, tuple(r for r in regions.split(",") if r), created_at, revoked_at)

    def create(self, *, name: str, role: str, regions: Sequence[str] = ()) -> tuple[ApiKey, str]:
        """Create a key and return it with its token (the only time the token is available)."""
        regions = tuple(r.strip() for r in regions if r.strip())
        if not _NAME.match(name or ""):
            raise InputError("Nama kunci hanya boleh berisi huruf, angka, titik, garis bawah atau strip (maks. 64).")
        if role not in ROLES:
            raise InputError(f"Peran harus salah satu dari: {', '.join(ROLES)}.")
        if role == "facilitator" and not regions:
            raise InputError("Kunci pendamping wajib memiliki minimal satu kode wilayah, mis. --regions 3204.")
        if role == "admin" and regions:
            raise InputError("Kunci admin tidak memakai kode wilayah.")
        bad = [r for r in regions if not _REGION.match(r)]
        if bad:
            raise InputError(f"Kode wilayah tidak valid: {', '.join(bad)} (gunakan 2, 4, 6 atau 8 digit).")
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        salt = secrets.token_hex(16)
        key = ApiKey(key_id, name, role, regions, _now())
        conn = self._connect()
        try:
            with conn:
                conn.execute(
                    "INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                    (key_id, name, role, ",".join(regions), salt, _digest(salt, secret), key.created_at),
                )
        except sqlite3.IntegrityError as exc:
            raise InputError(f"Nama kunci '{name}' sudah dipakai; pilih nama lain.") from exc
        return key, f"ask_{key_id}_{secret}"

    def list(self) -> list[ApiKey]:
        rows = self._connect().execute(
            "SELECT key_id, name, role, regions, created_at, revoked_at FROM api_keys ORDER BY created_at, name"
        )
        return [self._row(r) for r in rows]

    def revoke(self, name_or_id: str) -> ApiKey:
        conn = self._connect()
        with conn:
            row = conn.execute(
                "SELECT key_id, name, role, regions, created_at, revoked_at FROM api_keys "
                "WHERE key_id = ? OR name = ?",
                (name_or_id, name_or_id),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"Kunci '{name_or_id}' tidak ditemukan.")
            key = self._row(row)
            if key.revoked_at is None:
                revoked_at = _now()
                conn.execute("UPDATE api_keys SET revoked_at = ? WHERE key_id = ?", (revoked_at, key.key_id))
                key = ApiKey(key.key_id, key.name, key.role, key.regions, key.created_at, revoked_at)
        return key

    def authenticate(self, token: str) -> ApiKey | None:
        """Return the active key for a token, or None (unknown, malformed, wrong secret or revoked)."""
        parts = token.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != "ask" or not parts[1] or not parts[2]:
            return None
        row = self._connect().execute(
            "SELECT key_id, name, role, regions, created_at, revoked_at, salt, digest FROM api_keys "
            "WHERE key_id = ?",
            (parts[1],),
        ).fetchone()
        if row is None:
            return None
        key = self._row(row[:6])
        if not hmac.compare_digest(_digest(row[6], parts[2]), row[7]) or not key.active:
            return None
        return key
