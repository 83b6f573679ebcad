"""Prometheus metrics, in a registry owned by one app (several apps in one process do not collide)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from assistant.errors import AssistantError
from assistant.rag.llm_stats import LlmStats


class LlmCollector(Collector):
    """The LLM generator's counters (outcomes, fallback reasons, tokens, call latency), read at scrape time."""

    def __init__(self, stats: Callable[[], LlmStats | None]) -> None:
        self._stats = stats

    def collect(self) -> Iterator[CounterMetricFamily | HistogramMetricFamily]:
        try:
            stats = self._stats()
        except AssistantError:  # an unconfigured endpoint: nothing to report
            stats = None
        if stats is None:
            return
        snap = stats.snapshot()
        answers = CounterMetricFamily("assistant_llm_answers", "LLM-mode answers by outcome "
                                      "(used, trimmed, declined, fallback).", labels=["outcome"])
        for outcome, count in sorted(snap["outcomes"].items()):
            answers.add_metric([outcome], count)
        yield answers
        fallbacks = CounterMetricFamily("assistant_llm_fallbacks", "Answers that fell back to the extractive "
                                        "answer, by reason.", labels=["reason"])
        for reason, count in sorted(snap["fallback_reasons"].items()):
            fallbacks.add_metric([reason], count)
        yield fallbacks
        tokens = CounterMetricFamily("assistant_llm_tokens", "Tokens reported by the endpoint.", labels=["kind"])
        tokens.add_metric(["prompt"], snap["prompt_tokens"])
        tokens.add_metric(["completion"], snap["completion_tokens"])
        yield tokens
        cumulative, buckets = 0, []
        for bound, count in snap["latency_buckets"]:
            cumulative += count
            buckets.append(("+Inf" if bound == float("inf") else f"{bound:g}", cumulative))
        yield HistogramMetricFamily("assistant_llm_call_duration_seconds", "Time of each call to the endpoint.",
                                    buckets=buckets, sum_value=snap["latency_seconds_sum"])


class ApiMetrics:
    def __init__(self, llm_stats: Callable[[], LlmStats | None] | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        if llm_stats is not None:
            self.registry.register(LlmCollector(llm_stats))
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
