"""API keys: what a key is and the rules for making and checking one (stores are in ``adapters.sql_keys``).

Token format: ``ask_<key_id>_<secret>``. The store keeps the key id, a random salt and the
HMAC-SHA256 of the secret under that salt; the secret itself is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from assistant.errors import InputError

ROLES = ("facilitator", "admin", "channel")  # channel: a bot relaying citizens (talks as a citizen)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_REGION = re.compile(r"^\d{2}(\d{2}){0,3}$")  # province (2), regency (4), district (6), village (8)


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


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key about to be stored: the record, its salt and digest, and the token shown once."""

    key: ApiKey
    salt: str
    digest: str
    token: str


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def digest(salt: str, secret: str) -> str:
    return hmac.new(bytes.fromhex(salt), secret.encode(), hashlib.sha256).hexdigest()


def new_key(*, name: str, role: str, regions: Sequence[str] = ()) -> NewKey:
    """Check the request and mint a key; ``InputError`` (Indonesian) says what to change."""
    regions = tuple(r.strip() for r in regions if r.strip())
    if not _NAME.match(name or ""):
        raise InputError("Nama kunci hanya boleh berisi huruf, angka, titik, garis bawah atau strip (maks. 64).")
    if role not in ROLES:
        raise InputError(f"Peran harus salah satu dari: {', '.join(ROLES)}.")
    if role == "facilitator" and not regions:
        raise InputError("Kunci pendamping wajib memiliki minimal satu kode wilayah, mis. --regions 3204.")
    if role in ("admin", "channel") and regions:
        raise InputError(f"Kunci {role} tidak memakai kode wilayah.")
    bad = [r for r in regions if not _REGION.match(r)]
    if bad:
        raise InputError(f"Kode wilayah tidak valid: {', '.join(bad)} (gunakan 2, 4, 6 atau 8 digit).")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    return NewKey(ApiKey(key_id, name, role, regions, now()), salt, digest(salt, secret), f"ask_{key_id}_{secret}")


def split_token(token: str) -> tuple[str, str] | None:
    """``(key_id, secret)`` of a well-formed token, else None."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "ask" or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def secret_matches(salt: str, stored_digest: str, secret: str) -> bool:
    """Constant-time check of a secret against the stored digest."""
    return hmac.compare_digest(digest(salt, secret), stored_digest)
