"""Per-call figures of the language-model generator: outcomes, fallback reasons, tokens, latency.

Kept in process by the generator; the API exports them in /metrics and the eval report prints them.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# Latency histogram bucket bounds in seconds (a local 7B model takes seconds, a hosted one less).
LATENCY_BUCKETS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)


@dataclass
class LlmStats:
    """Thread-safe counters; ``snapshot()`` is a plain dict for reports."""

    outcomes: Counter[str] = field(default_factory=Counter)  # used | trimmed | declined | fallback
    fallback_reasons: Counter[str] = field(default_factory=Counter)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0  # requests actually sent to the endpoint
    latency_seconds_sum: float = 0.0
    latency_buckets: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BUCKETS) + 1))
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record_call(self, seconds: float, prompt_tokens: int | None, completion_tokens: int | None) -> None:
        with self._lock:
            self.calls += 1
            self.latency_seconds_sum += seconds
            index = next((i for i, bound in enumerate(LATENCY_BUCKETS) if seconds <= bound), len(LATENCY_BUCKETS))
            self.latency_buckets[index] += 1
            self.prompt_tokens += prompt_tokens or 0
            self.completion_tokens += completion_tokens or 0

    def record_outcome(self, outcome: str, reason: str | None = None) -> None:
        with self._lock:
            self.outcomes[outcome] += 1
            if reason:
                self.fallback_reasons[reason] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            answers = sum(self.outcomes.values())
            return {
                "answers": answers,
                "outcomes": dict(self.outcomes),
                "fallback_reasons": dict(self.fallback_reasons),
                "fallback_rate": round(self.outcomes["fallback"] / answers, 4) if answers else 0.0,
                "calls": self.calls,
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
                "mean_latency_ms": round(1000 * self.latency_seconds_sum / self.calls, 1) if self.calls else 0.0,
                "latency_seconds_sum": self.latency_seconds_sum,
                "latency_buckets": list(zip((*LATENCY_BUCKETS, float("inf")), self.latency_buckets, strict=True)),
            }
