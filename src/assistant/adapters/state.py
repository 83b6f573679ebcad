"""StateStore implementations: in-process (default) and Redis (shared between workers)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, cast

from assistant.errors import ConfigurationError


class InMemoryStateStore:
    """Thread-safe dict with per-key expiry. State lives and dies with the process.

    Expired keys are swept at most every ``sweep_seconds`` (a key nobody reads again would otherwise
    stay forever), and past ``max_keys`` the keys closest to expiry are dropped, so memory stays
    bounded however many conversations pass through one process.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, *, max_keys: int = 200_000, sweep_seconds: float = 60.0) -> None:
        self._data: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._max_keys = max_keys
        self._sweep_seconds = sweep_seconds
        self._swept_at = clock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def _sweep(self) -> None:
        """Drop expired keys now and then, and the soonest-expiring ones past the bound (lock held)."""
        now = self._clock()
        if now - self._swept_at >= self._sweep_seconds:
            self._swept_at = now
            for key in [k for k, (_, expires) in self._data.items() if expires <= now]:
                del self._data[key]
        if len(self._data) > self._max_keys:
            excess = len(self._data) - self._max_keys + self._max_keys // 10  # room, so this is rare
            for key, _ in sorted(self._data.items(), key=lambda item: item[1][1])[:excess]:
                del self._data[key]

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
            self._sweep()

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def incr(self, key: str, ttl_seconds: int) -> int:
        with self._lock:
            item = self._alive(key)
            if item is None:
                self._data[key] = ("1", self._clock() + ttl_seconds)
                self._sweep()
                return 1
            value = int(item[0]) + 1
            self._data[key] = (str(value), item[1])
            return value

    def ttl(self, key: str) -> int:
        """Seconds until the key expires (0 when absent)."""
        with self._lock:
            item = self._alive(key)
            return max(0, int(item[1] - self._clock() + 0.999)) if item else 0

    def close(self) -> None:
        """Nothing to release: the state lives in this object."""


class RedisStateStore:
    """The same contract on Redis, with every key under a prefix."""

    def __init__(self, url: str, prefix: str = "assistant:", *, timeout_seconds: float = 1.0) -> None:
        try:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry
        except ImportError as exc:  # pragma: no cover - redis is a core dependency
            raise ConfigurationError("Paket 'redis' belum terpasang.") from exc
        # Both timeouts: a Redis that accepts connections but never answers must not hold a worker.
        # One immediate retry replaces a pooled connection that went stale (a Redis restart); the
        # library's default of three with backoff would multiply the wait during an outage.
        self._redis = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=timeout_seconds, socket_connect_timeout=timeout_seconds,
            retry=Retry(NoBackoff(), 1),
        )
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

    def close(self) -> None:
        self._redis.close()


class ResilientStateStore:
    """Redis first; while Redis is down, per-process state, so a Redis outage never becomes a 500 storm.

    What workers share (sessions, rate limits) is per-process until Redis is back: a conversation may
    lose its memory when it moves to another worker, and limits count per worker. The operator reads
    one warning when Redis goes away and one line when it is back; /readyz reports it meanwhile.
    """

    def __init__(self, primary: RedisStateStore, *, retry_seconds: float = 10.0,
                 fallback: InMemoryStateStore | None = None) -> None:
        import redis

        from assistant.outage import Outage

        self.primary = primary
        self.fallback = fallback or InMemoryStateStore()
        self.outage = Outage("redis", retry_seconds=retry_seconds, fallback="using per-process state")
        self._outage_errors = (redis.ConnectionError, redis.TimeoutError)

    def _call(self, method: str, *args: Any) -> Any:
        if self.outage.should_try():
            try:
                result = getattr(self.primary, method)(*args)
            except self._outage_errors as exc:
                self.outage.failed(exc)
            else:
                self.outage.recovered()
                return result
        return getattr(self.fallback, method)(*args)

    def get(self, key: str) -> str | None:
        return cast("str | None", self._call("get", key))

    def set(self, key: str, value: str, ttl_seconds: int) -> None:
        self._call("set", key, value, ttl_seconds)

    def delete(self, key: str) -> None:
        self._call("delete", key)

    def incr(self, key: str, ttl_seconds: int) -> int:
        return int(self._call("incr", key, ttl_seconds))

    def ttl(self, key: str) -> int:
        return int(self._call("ttl", key))

    def close(self) -> None:
        self.primary.close()

    def ping(self) -> bool:
        """Whether Redis answers now (for /readyz); never raises."""
        try:
            ok = self.primary.ping()
        except self._outage_errors as exc:
            self.outage.failed(exc)
            return False
        self.outage.recovered()
        return ok
