"""Fixed-window rate limits over a StateStore (in-process, or Redis so several workers share the count)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from assistant.errors import RateLimitedError
from assistant.ports import StateStore
from assistant.privacy import KeyedHasher


class FixedWindowLimiter:
    """Counts hits per (scope, identity) in windows of ``window_seconds``; raises when over the limit."""

    def __init__(
        self,
        state: StateStore,
        *,
        window_seconds: int = 60,
        clock: Callable[[], float] = time.time,
        on_limited: Callable[[str], None] | None = None,
        hasher: KeyedHasher | None = None,
    ) -> None:
        self._state = state
        self._hasher = hasher or KeyedHasher.ephemeral()
        self._window = window_seconds
        self._clock = clock
        self._on_limited = on_limited

    def hit(self, scope: str, identity: str, limit: int) -> int:
        """Count one hit and return the count in this window.

        Raises:
            RateLimitedError: when the count passes ``limit``; ``retry_after`` is the rest of the window.
        """
        now = self._clock()
        window = int(now // self._window)
        # A keyed hash of the identity: keys in the store carry neither IPs nor user ids, nor can they be
        # reversed by hashing guesses.
        ident = self._hasher.digest("rate-limit", identity, 24)
        count = self._state.incr(f"rl:{scope}:{ident}:{window}", self._window + 1)
        if count > limit:
            retry_after = max(1, math.ceil((window + 1) * self._window - now))
            if self._on_limited is not None:
                self._on_limited(scope)
            raise RateLimitedError(
                f"Terlalu banyak permintaan. Silakan coba lagi dalam {retry_after} detik.",
                retry_after=retry_after,
            )
        return count
