"""Tracking one dependency that may be down, so callers skip it quickly and try it again now and then.

When Redis or the Chroma server stops answering, every request that waits for its timeout again
would turn one outage into slow answers for everyone. After a failure the dependency counts as
down: callers use their fallback at once, one of them tries the real thing again every
``retry_seconds``, and the operator reads one warning when it goes down and one line when it is back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("assistant.outage")


class Outage:
    def __init__(self, name: str, *, retry_seconds: float = 10.0, clock: Callable[[], float] = time.monotonic,
                 fallback: str = "") -> None:
        self.name = name
        self._retry = retry_seconds
        self._clock = clock
        self._fallback = fallback
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._next_try = 0.0

    @property
    def down(self) -> bool:
        return self._down_since is not None

    def should_try(self) -> bool:
        """True while the dependency is up, and for one caller each time a retry is due."""
        if self._down_since is None:
            return True
        with self._lock:
            now = self._clock()
            if now < self._next_try:
                return False
            self._next_try = now + self._retry  # the others keep using the fallback meanwhile
            return True

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            self._next_try = self._clock() + self._retry
            if self._down_since is not None:
                return
            self._down_since = self._clock()
        # One line per outage, without a traceback: the cause is the dependency, not this code.
        log.warning(
            "%s unavailable (%s: %s); %s, retrying every %g s",
            self.name, type(exc).__name__, str(exc)[:200] or "-", self._fallback or "requests fail fast",
            self._retry, extra={"dependency": self.name},
        )

    def recovered(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            seconds = self._clock() - self._down_since
            self._down_since = None
        log.warning("%s is back after %.0f s", self.name, seconds, extra={"dependency": self.name})
