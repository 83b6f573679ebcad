"""The flat summary keys of results.json, as the evaluation issue specifies them.

Spelled out here rather than imported from ``assistant.evaluation.metrics.SUMMARY_KEYS``, so the tests
pin the agreed contract independently of the code under test.
"""

from __future__ import annotations

ISSUE_SUMMARY_KEYS = frozenset({
    "cases",
    "pass_rate",
    "fact_coverage",
    "forbidden_rate",
    "refusal_precision",
    "refusal_recall",
    "retrieval_hit_at_5",
    "mrr",
    "citation_validity",
    "latency_p50_ms",
    "latency_p95_ms",
})
