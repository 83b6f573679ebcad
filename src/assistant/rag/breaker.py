"""A circuit breaker for the language-model endpoint.

After ``failures`` consecutive failed calls the circuit opens: for ``cooldown_seconds`` no call is
made (the caller answers extractively at once instead of making every family wait for a timeout).
Then one trial call is let through (half-open): success closes the circuit, failure opens it again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class CircuitBreaker:
    """Thread-safe consecutive-failure breaker with a cool-down and a single half-open trial."""

    def __init__(self, failures: int = 3, cooldown_seconds: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._threshold = max(1, failures)
        self._cooldown = cooldown_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False
        self.opened_count = 0  # how many times the circuit opened (for metrics)

    @property
    def state(self) -> str:
        """"closed", "open" or "half_open"."""
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self._cooldown:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """May a call be made now? In half-open state only one trial call is allowed at a time."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return True
            if state == "half_open" and not self._trial_running:
                self._trial_running = True
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial_running or (self._opened_at is None and self._failures >= self._threshold):
                self._opened_at = self._clock()
                self.opened_count += 1
            self._trial_running = False
