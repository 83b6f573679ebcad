"""Prometheus metrics, in a registry owned by one app (several apps in one process do not collide)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "assistant_http_requests_total",
            "HTTP requests by route template, method and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "assistant_http_request_duration_seconds",
            "Time to the end of the response, by route template.",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4),
            registry=self.registry,
        )
        self.in_flight = Gauge("assistant_http_in_flight", "Requests being served.", registry=self.registry)
        self.replies = Counter(
            "assistant_chat_replies_total", "Chat replies by intent and refusal.", ["intent", "refused"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "assistant_rate_limited_total", "Requests refused by a rate limit, by scope.", ["scope"],
            registry=self.registry,
        )
        self.degraded = Counter(
            "assistant_degraded_replies_total",
            "Chat replies answered from a fallback (lexical search while the vector index is down).",
            registry=self.registry,
        )
        self.feedback = Counter(
            "assistant_feedback_total", "Feedback received, by rating.", ["rating"], registry=self.registry
        )
