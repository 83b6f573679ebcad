"""Backoff for the citizen status check: slows KK guessing without a switch to lock a family out.

Three clocks, all in the StateStore under keyed hashes (no NIK or user id in any key):

- per NIK and user: a few free wrong tries, then a wait that doubles with every further wrong try
  (``base``, ``2·base``, … up to ``max``). Only that user waits; the family on its own device does not.
- per user across NIKs: the same doubling once a user has been wrong on many NIKs (enumeration).
- per NIK from everyone: once a NIK has collected many wrong tries, new devices may try it only once
  per short pause (at most ``nik_max_delay``), so the total guessing rate on that NIK is bounded even
  when an attacker rotates user ids. A device that has verified that NIK before skips this pause.

Nothing is ever locked for a fixed time after N tries: a wrong try by someone else costs the family
at most one short pause, and only while the wrong tries keep coming.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from assistant.errors import RateLimitedError
from assistant.ports import StateStore
from assistant.privacy import KeyedHasher

KNOWN_DEVICE_SECONDS = 90 * 86400


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    window_seconds: int = 86400
    free_failures: int = 3
    base_delay_seconds: int = 30
    max_delay_seconds: int = 3600
    user_free_failures: int = 10
    nik_free_failures: int = 10
    nik_max_delay_seconds: int = 60

    def delay(self, failures: int, free: int, cap: int) -> float:
        """Seconds to wait after ``failures`` wrong tries when ``free`` of them cost nothing."""
        if failures <= free:
            return 0.0
        return float(min(cap, self.base_delay_seconds * 2 ** min(failures - free - 1, 30)))


class VerificationBackoff:
    """Checks and records verification attempts; raises RateLimitedError with the wait in seconds."""

    def __init__(self, state: StateStore, hasher: KeyedHasher, policy: BackoffPolicy | None = None, *,
                 clock: Callable[[], float] = time.time) -> None:
        self._state = state
        self._hasher = hasher
        self.policy = policy or BackoffPolicy()
        self._clock = clock

    def _keys(self, nik: str, user_id: str) -> tuple[str, str, str, str]:
        pair = self._hasher.digest("verify-pair", f"{nik}\x00{user_id}")
        return (f"vb:pair:{pair}", f"vb:user:{self._hasher.digest('verify-user', user_id)}",
                f"vb:nik:{self._hasher.digest('verify-nik', nik)}", f"vb:known:{pair}")

    def check(self, nik: str, user_id: str) -> None:
        """Raise RateLimitedError when this user must wait before trying this NIK again."""
        pair, user, nik_key, known = self._keys(nik, user_id)
        waits = [self._until(pair), self._until(user)]
        if self._state.get(known) is None:
            waits.append(self._until(nik_key))
        wait = max(waits) - self._clock()
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise RateLimitedError(
                f"Terlalu banyak percobaan yang salah. Silakan coba lagi dalam {seconds} detik.", retry_after=seconds,
            )

    def failed(self, nik: str, user_id: str) -> None:
        """Count a wrong try on all three clocks and start the waits they now require."""
        p = self.policy
        pair, user, nik_key, _ = self._keys(nik, user_id)
        self._bump(pair, p.free_failures, p.max_delay_seconds)
        self._bump(user, p.user_free_failures, p.max_delay_seconds)
        self._bump(nik_key, p.nik_free_failures, p.nik_max_delay_seconds)

    def succeeded(self, nik: str, user_id: str) -> None:
        """Clear this user's clock for this NIK and remember the device as one that knows the NIK."""
        pair, _, _, known = self._keys(nik, user_id)
        self._state.delete(pair)
        self._state.delete(pair + ":until")
        self._state.set(known, "1", KNOWN_DEVICE_SECONDS)

    def _bump(self, key: str, free: int, cap: int) -> None:
        failures = self._state.incr(key, self.policy.window_seconds)
        delay = self.policy.delay(failures, free, cap)
        if delay > 0:
            self._state.set(key + ":until", f"{self._clock() + delay:.3f}", int(delay) + 1)

    def _until(self, key: str) -> float:
        raw = self._state.get(key + ":until")
        return float(raw) if raw else 0.0
