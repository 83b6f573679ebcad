"""Answer-quality metrics: pure functions over cases and the replies they got.

Definitions (also in docs/evaluation.md):

* **Matching** of ``must_include`` / ``must_not_include`` strings is a substring test after
  :func:`fold_case_and_space`: case is folded (``str.casefold``) and *all* whitespace is removed from both
  sides, so "Rp 3.000.000" matches "Rp3.000.000" and "dirumah" matches "di rumah". Nothing else is
  folded: punctuation and digits stay, so "3.000.000" does not match "3000000" (list both as
  alternatives of one group when both are acceptable).
* A **case passes** iff every ``must_include`` group has at least one alternative in the answer, no
  ``must_not_include`` string is in it, and the reply's ``refused`` flag equals ``should_refuse``
  (when ``should_refuse`` is absent the case expects an answer, ``refused == False``). Retrieval
  (``expected_sources``) does not affect pass/fail; it is scored separately. A case whose run raised
  an error fails.
* **fact_coverage** = satisfied groups / total groups, summed over all cases (null without groups).
* **forbidden_rate** = share of all cases whose answer contains any forbidden string.
* **refusal_precision / refusal_recall** take "should refuse" as the positive class (expected
  ``should_refuse == true``, predicted ``refused == true``): precision = TP / cases refused,
  recall = TP / cases that should refuse. Null when the denominator is zero.
* **retrieval_hit_at_5** and **mrr** (MRR@5) are computed over cases with ``expected_sources`` only,
  on the first 5 distinct doc ids of ``Reply.hits`` (of the citations when ``hits`` is empty):
  hit = 1 if any expected doc id is among them; reciprocal rank = 1/rank of the first expected doc
  id, 0 when none is in the first 5. Null when no case has ``expected_sources``.
* **citation_validity** = share of answered cases (not refused, no error) whose citations' chunk
  ids are all among ``Reply.hits`` chunk ids (an answer without citations counts as valid; a cited
  chunk that was not retrieved makes it invalid). Null when no case was answered.
* **latency_p50_ms / latency_p95_ms** use the nearest-rank percentile: sort the n latencies, take
  the value at 1-based rank ceil(p/100 * n). Errored cases are left out. Null with no latencies.

Rates are rounded to 4 decimals, latencies to 0.1 ms.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.evaluation.suite import Case

HIT_DEPTH = 5
NO_PROGRAM = "(tanpa program)"
NO_QUESTION_TYPE = "(tanpa jenis)"
SUMMARY_KEYS = (
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
)
BREAKDOWN_KEYS = ("by_program", "by_audience", "by_question_type")

_WHITESPACE = re.compile(r"\s+")


# --------------------------------------------------------------------------- per case


def fold_case_and_space(text: str) -> str:
    """Fold case and remove every whitespace character (see the module docstring)."""
    return _WHITESPACE.sub("", text.casefold())


def missing_groups(answer: str, groups: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """The ``must_include`` groups none of whose alternatives occurs in ``answer``."""
    folded = fold_case_and_space(answer)
    return [tuple(group) for group in groups if not any(fold_case_and_space(alt) in folded for alt in group)]


def forbidden_found(answer: str, forbidden: Sequence[str]) -> list[str]:
    """The ``must_not_include`` strings that occur in ``answer``."""
    folded = fold_case_and_space(answer)
    return [text for text in forbidden if fold_case_and_space(text) in folded]


def expected_refusal(case: Case) -> bool:
    """What the case expects of ``Reply.refused``: ``should_refuse``, False when absent."""
    return bool(case.should_refuse)


def first_distinct(values: Iterable[str], k: int = HIT_DEPTH) -> list[str]:
    """The first ``k`` distinct values, in order."""
    out: list[str] = []
    for value in values:
        if value not in out:
            out.append(value)
            if len(out) == k:
                break
    return out


def hit_at_k(expected: Sequence[str], retrieved: Sequence[str], k: int = HIT_DEPTH) -> float:
    """1.0 if any expected doc id is among the first ``k`` retrieved doc ids, else 0.0."""
    top = set(retrieved[:k])
    return 1.0 if any(doc_id in top for doc_id in expected) else 0.0


def reciprocal_rank(expected: Sequence[str], retrieved: Sequence[str], k: int = HIT_DEPTH) -> float:
    """1/rank (1-based) of the first retrieved doc id that is expected, within the first ``k``; else 0."""
    wanted = set(expected)
    for rank, doc_id in enumerate(retrieved[:k], start=1):
        if doc_id in wanted:
            return 1.0 / rank
    return 0.0


def citations_valid(cited_chunk_ids: Sequence[str], retrieved_chunk_ids: Sequence[str]) -> bool:
    """True when every cited chunk id is among the retrieved chunk ids (vacuously true without citations)."""
    retrieved = set(retrieved_chunk_ids)
    return all(chunk_id in retrieved for chunk_id in cited_chunk_ids)


def nearest_rank_percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the value at 1-based rank ceil(p/100 * n) of the sorted values.

    Example: for [10, 20, 30, 40], p50 -> rank 2 -> 20; p95 -> rank 4 -> 40. None when empty.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def refusal_precision_recall(pairs: Iterable[tuple[bool, bool]]) -> tuple[float | None, float | None]:
    """Precision and recall of refusals from (expected_refusal, refused) pairs; None on a zero denominator."""
    tp = predicted = positives = 0
    for expected, refused in pairs:
        tp += expected and refused
        predicted += refused
        positives += expected
    precision = tp / predicted if predicted else None
    recall = tp / positives if positives else None
    return precision, recall


# --------------------------------------------------------------------------- results


@dataclass(slots=True)
class CaseResult:
    """One case run and checked: what came back, whether it passed and why not."""

    case: Case
    answer: str = ""
    refused: bool = False
    intent: str = ""
    conversation_id: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)
    retrieved_doc_ids: list[str] = field(default_factory=list)  # first 5 distinct
    retrieved_chunk_ids: list[str] = field(default_factory=list)
    latency_ms: float | None = None
    error: str | None = None
    groups_satisfied: int = 0
    missing: list[tuple[str, ...]] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    refusal_ok: bool = True
    hit: float | None = None
    rr: float | None = None
    citations_ok: bool | None = None
    faithfulness: float | None = None
    judge_note: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and not self.missing and not self.forbidden and self.refusal_ok

    @property
    def answered(self) -> bool:
        return self.error is None and not self.refused

    @property
    def reasons(self) -> list[str]:
        """Why the case failed, in Indonesian (empty when it passed)."""
        reasons = []
        if self.error is not None:
            reasons.append(f"galat saat menjalankan: {self.error}")
        for group in self.missing:
            reasons.append("tidak ada di jawaban: " + " / ".join(f'"{alt}"' for alt in group))
        for text in self.forbidden:
            reasons.append(f'teks terlarang muncul: "{text}"')
        if self.error is None and not self.refusal_ok:
            if self.refused:
                reasons.append("menolak menjawab, padahal seharusnya menjawab")
            else:
                reasons.append("menjawab, padahal seharusnya menolak")
        return reasons

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.case.id,
            "program": self.case.program,
            "audience": self.case.audience,
            "question_type": self.case.question_type,
            "question": self.case.question,
            "turns": list(self.case.turns),
            "passed": self.passed,
            "reasons": self.reasons,
            "answer": self.answer,
            "refused": self.refused,
            "expected_refusal": expected_refusal(self.case),
            "intent": self.intent,
            "citations": self.citations,
            "retrieved_doc_ids": self.retrieved_doc_ids,
            "expected_sources": list(self.case.expected_sources) if self.case.expected_sources else None,
            "hit_at_5": self.hit,
            "reciprocal_rank": self.rr,
            "citations_valid": self.citations_ok,
            "groups_satisfied": self.groups_satisfied,
            "groups_total": len(self.case.must_include),
            "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 1),
            "error": self.error,
            "faithfulness": self.faithfulness,
            "judge_note": self.judge_note,
        }


def check_reply(
    case: Case,
    *,
    answer: str,
    refused: bool,
    citations: Sequence[dict[str, Any]],
    hit_doc_ids: Sequence[str],
    hit_chunk_ids: Sequence[str],
    latency_ms: float | None,
    intent: str = "",
    conversation_id: str = "",
) -> CaseResult:
    """Score one reply against its case (pure; see the module docstring for the rules)."""
    cited_chunk_ids = [c.get("chunk_id", "") for c in citations]
    doc_ids = list(hit_doc_ids) or [c.get("doc_id", "") for c in citations]
    retrieved = first_distinct(doc_ids)
    missing = missing_groups(answer, case.must_include)
    result = CaseResult(
        case=case,
        answer=answer,
        refused=refused,
        intent=intent,
        conversation_id=conversation_id,
        citations=list(citations),
        retrieved_doc_ids=retrieved,
        retrieved_chunk_ids=list(dict.fromkeys(hit_chunk_ids)),
        latency_ms=latency_ms,
        groups_satisfied=len(case.must_include) - len(missing),
        missing=missing,
        forbidden=forbidden_found(answer, case.must_not_include),
        refusal_ok=refused == expected_refusal(case),
    )
    if case.expected_sources:
        result.hit = hit_at_k(case.expected_sources, retrieved)
        result.rr = reciprocal_rank(case.expected_sources, retrieved)
    if not refused:
        result.citations_ok = citations_valid(cited_chunk_ids, hit_chunk_ids)
    return result


def failed_run(case: Case, error: str) -> CaseResult:
    """A case whose run raised: it fails, and counts as an empty, non-refused answer in the metrics."""
    return CaseResult(case=case, error=error, missing=list(case.must_include), refusal_ok=not expected_refusal(case))


# --------------------------------------------------------------------------- summary


def _rate(numerator: float, denominator: int, digits: int = 4) -> float | None:
    return round(numerator / denominator, digits) if denominator else None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def metrics(results: Sequence[CaseResult]) -> dict[str, Any]:
    """The flat metrics (``SUMMARY_KEYS``) over ``results``."""
    n = len(results)
    groups_total = sum(len(r.case.must_include) for r in results)
    precision, recall = refusal_precision_recall(
        (expected_refusal(r.case), r.refused and r.error is None) for r in results
    )
    scored = [r for r in results if r.case.expected_sources]
    answered = [r for r in results if r.answered]
    latencies = [r.latency_ms for r in results if r.latency_ms is not None and r.error is None]
    return {
        "cases": n,
        "pass_rate": _rate(sum(r.passed for r in results), n),
        "fact_coverage": _rate(sum(r.groups_satisfied for r in results), groups_total),
        "forbidden_rate": _rate(sum(bool(r.forbidden) for r in results), n),
        "refusal_precision": _round(precision, 4),
        "refusal_recall": _round(recall, 4),
        "retrieval_hit_at_5": _rate(sum(r.hit or 0.0 for r in scored), len(scored)),
        "mrr": _rate(sum(r.rr or 0.0 for r in scored), len(scored)),
        "citation_validity": _rate(sum(bool(r.citations_ok) for r in answered), len(answered)),
        "latency_p50_ms": _round(nearest_rank_percentile(latencies, 50), 1),
        "latency_p95_ms": _round(nearest_rank_percentile(latencies, 95), 1),
    }


def _breakdown(results: Sequence[CaseResult], key: Callable[[CaseResult], str]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[CaseResult]] = {}
    for result in results:
        groups.setdefault(key(result), []).append(result)
    return {name: metrics(groups[name]) for name in sorted(groups)}


def summarize(results: Sequence[CaseResult]) -> dict[str, Any]:
    """The summary written to results.json: ``SUMMARY_KEYS`` plus the ``BREAKDOWN_KEYS`` tables.

    Cases without a ``program`` tag are grouped under ``NO_PROGRAM``, cases without a
    ``question_type`` under ``NO_QUESTION_TYPE``.
    """
    summary = metrics(results)
    summary["by_program"] = _breakdown(results, lambda r: r.case.program or NO_PROGRAM)
    summary["by_audience"] = _breakdown(results, lambda r: r.case.audience)
    summary["by_question_type"] = _breakdown(results, lambda r: r.case.question_type or NO_QUESTION_TYPE)
    return summary
