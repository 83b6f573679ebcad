"""StateStore implementations: in-process (default) and Redis (shared between workers)."""

from __future__ import annotations

import threading
import time
from typing import cast

from assistant.errors import ConfigurationError


class InMemoryStateStore:
    """Thread-safe dict with per-key expiry. State lives and dies with the process."""

    def __init__(self, clock=time.monotonic) -> None:
        self._data: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def _alive(self, key: str) -> tuple[str, float] | None:
        item = self._data.get(key)
        if item is not None and item[1] <= self._clock():
            del self._data[key]
            return None
        return item

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._alive(key)
            return item[0] if item else None

    def set(self, key: str, value: str, ttl_seconds: int) -> None:
        with self._lock:
            self._data[key] = (value, self._clock() + ttl_seconds)

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def incr(self, key: str, ttl_seconds: int) -> int:
        with self._lock:
            item = self._alive(key)
            if item is None:
                self._data[key] = ("1", self._clock() + ttl_seconds)
                return 1
            value = int(item[0]) + 1
            self._data[key] = (str(value), item[1])
            return value

    def ttl(self, key: str) -> int:
        """Seconds until the key expires (0 when absent)."""
        with self._lock:
            item = self._alive(key)
            return max(0, int(item[1] - self._clock() + 0.999)) if item else 0


class RedisStateStore:
    """The same contract on Redis, with every key under a prefix."""

    def __init__(self, url: str, prefix: str = "assistant:") -> None:
        try:
            import redis
        except ImportError as exc:  # pragma: no cover - redis is a core dependency
            raise ConfigurationError("Paket 'redis' belum terpasang.") from exc
        self._redis = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5)
        self._prefix = prefix

    def get(self, key: str) -> str | None:
        # decode_responses=True makes redis return str, which its stubs do not express.
        return cast("str | None", self._redis.get(self._prefix + key))

    def set(self, key: str, value: str, ttl_seconds: int) -> None:
        self._redis.set(self._prefix + key, value, ex=ttl_seconds)

    def delete(self, key: str) -> None:
        self._redis.delete(self._prefix + key)

    def incr(self, key: str, ttl_seconds: int) -> int:
        full = self._prefix + key
        pipe = self._redis.pipeline()
        pipe.incr(full)
        pipe.expire(full, ttl_seconds, nx=True)
        value, _ = pipe.execute()
        return int(value)

    def ttl(self, key: str) -> int:
        return max(0, int(self._redis.ttl(self._prefix + key)))

    def ping(self) -> bool:
        return bool(self._redis.ping())
