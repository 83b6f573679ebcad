"""Fluent answers from a language model that cannot mislead: checked claim by claim, else extractive.

``GroundedLlmGenerator`` implements ``ports.AnswerGenerator``. It sends the numbered passages (or,
in rephrase mode, the extractive answer) to a chat model through the small :class:`ChatModel` seam
(LangChain adapters in ``assistant.adapters.langchain_generator``), then runs the post-check of
``assistant.rag.grounding`` on the complete reply. A reply that passes is used as written, with its
citations renumbered; failing sentences are dropped when the rest stands; otherwise, and whenever
the endpoint fails or its circuit breaker is open, the extractive answer is returned instead. Every
outcome is counted (``LlmStats``) and described in ``Answer.meta`` for the journal.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from assistant.errors import GenerationError
from assistant.models import Answer, Chunk, Citation, ScoredChunk
from assistant.ports import AnswerGenerator
from assistant.privacy import redact_nik
from assistant.rag.answer import DECLINE_TEXT
from assistant.rag.breaker import CircuitBreaker
from assistant.rag.grounding import (
    MARKER_GROUP,
    GroundingResult,
    GroundingThresholds,
    Similarity,
    check_reply,
)
from assistant.rag.llm_stats import LlmStats
from assistant.rag.prompts import (
    DECLINE_MARKER,
    PROMPT_VERSION,
    REPHRASE_SYSTEM,
    evidence,
    passage_text,
    rephrase_prompts,
    system_prompt,
    user_prompt,
)
from assistant.rag.streaming import TokenSink, current_sink

log = logging.getLogger(__name__)

Mode = Literal["generate", "rephrase"]
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+(?=[.,;:!?])")
_RUNS_OF_SPACES = re.compile(r"[ \t]{2,}")
_CAVEAT_PARAGRAPH = re.compile(r"\n\nCatatan: .*\Z", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Completion:
    """A chat model's complete reply and what it cost (token counts when the endpoint reports them)."""

    text: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class ChatModel(Protocol):
    """One chat completion (system + user message) at temperature 0; streams tokens to ``on_token``.

    Implementations raise ``GenerationError`` (codes generation_timeout, generation_unavailable,
    generation_http_error, generation_bad_response, ...) for every transport failure.
    """

    name: str

    def complete(self, system: str, user: str, on_token: TokenSink | None = None) -> Completion: ...


def _tidy(text: str) -> str:
    lines = [_RUNS_OF_SPACES.sub(" ", _SPACE_BEFORE_PUNCT.sub("", line)).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def cite_passages(content: str, chunks: Sequence[Chunk]) -> tuple[str, list[Citation], list[Chunk]]:
    """Keep the ``[n]`` markers that point to a given passage and renumber them by first use.

    Args:
        content: The model's reply, with markers numbered as the passages were in the prompt (from 1).
        chunks: The passages in prompt order.

    Returns:
        The text with renumbered markers (invalid ones removed), the citations in their new order,
        and the cited chunks in the same order.
    """
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    cited: list[Chunk] = []

    def renumber(match: re.Match[str]) -> str:
        out: list[int] = []
        for raw in re.split(r"[,;]", match.group(1)):
            position = int(raw)
            if not 1 <= position <= len(chunks):
                continue  # a passage the model was never given: not a citation
            chunk = chunks[position - 1]
            if chunk.chunk_id not in numbers:
                numbers[chunk.chunk_id] = len(numbers) + 1
                citations.append(
                    Citation(numbers[chunk.chunk_id], chunk.doc_id, chunk.title, chunk.section,
                             chunk.source_url, chunk.source_year, chunk.chunk_id)
                )
                cited.append(chunk)
            if numbers[chunk.chunk_id] not in out:
                out.append(numbers[chunk.chunk_id])
        return "".join(f"[{n}]" for n in out)

    text = _tidy(MARKER_GROUP.sub(renumber, content))
    return text, citations, cited


def append_caveats(text: str, cited: Sequence[Chunk]) -> str:
    """Add the cited chunks' caveats as one "Catatan:" paragraph, like the extractive answerer."""
    caveats = [c for c in dict.fromkeys(chunk.caveat for chunk in cited if chunk.caveat) if c not in text]
    if caveats:
        text += "\n\nCatatan: " + " ".join(caveats)
    return text


def _declined(content: str) -> bool:
    return DECLINE_MARKER.lower() in content.lower()


def _without_planted_instructions(hits: Sequence[ScoredChunk]) -> list[ScoredChunk]:
    """The hits with passage sentences that address the model removed, for the model and the fallback."""
    out: list[ScoredChunk] = []
    for hit in hits:
        text = passage_text(hit.chunk)
        out.append(hit if text == hit.chunk.text.strip() else replace(hit, chunk=replace(hit.chunk, text=text)))
    return out


def _best_dense_score(hits: Sequence[ScoredChunk]) -> float | None:
    return max((h.dense_score for h in hits if h.dense_score is not None), default=None)


class GroundedLlmGenerator:
    """Implements ``ports.AnswerGenerator``: a checked LLM answer, else the extractive one."""

    def __init__(
        self,
        chat: ChatModel,
        *,
        fallback: AnswerGenerator | None = None,
        mode: Mode = "generate",
        breaker: CircuitBreaker | None = None,
        stats: LlmStats | None = None,
        similarity: Similarity | None = None,
        thresholds: GroundingThresholds | None = None,
        max_passages: int = 6,
        min_hits_confidence: float = 0.0,
    ) -> None:
        """Configure; nothing is sent until the first question.

        Args:
            chat: The chat model seam.
            fallback: The extractive answerer used on failure (and as the draft in rephrase mode);
                ``with_fallback`` binds one per index.
            mode: "generate" (the model answers from passages) or "rephrase" (it only rewords the
                extractive answer's sentences).
            breaker: Circuit breaker shared by every answer (a default one when omitted).
            stats: Counters shared by every answer.
            similarity: Optional embedding scorer for the post-check.
            thresholds: Post-check thresholds.
            max_passages: How many of the best hits are shown to the model.
            min_hits_confidence: Skip the model when the best passage's cosine similarity is lower.
        """
        self.chat = chat
        self.mode: Mode = mode
        self.breaker = breaker or CircuitBreaker()
        self.stats = stats or LlmStats()
        self._fallback = fallback
        self._similarity = similarity
        self._thresholds = thresholds
        self._max_passages = max_passages
        self._min_hits_confidence = min_hits_confidence

    def with_fallback(self, fallback: AnswerGenerator) -> GroundedLlmGenerator:
        """The same generator (same breaker and counters) falling back to ``fallback``."""
        bound = GroundedLlmGenerator(
            self.chat, fallback=fallback, mode=self.mode, breaker=self.breaker, stats=self.stats,
            similarity=self._similarity, thresholds=self._thresholds, max_passages=self._max_passages,
            min_hits_confidence=self._min_hits_confidence,
        )
        return bound

    # ------------------------------------------------------------------ answering

    def answer(self, question: str, hits: Sequence[ScoredChunk], audience: str = "citizen") -> Answer:
        """Answer from ``hits`` only; never raises for an endpoint failure (falls back instead)."""
        started = time.perf_counter()
        hits = _without_planted_instructions(hits)
        best = _best_dense_score(hits)
        if not hits or (best is not None and best < self._min_hits_confidence):
            return self._fall_back(question, hits, audience, "weak_passages", "", started, count=False)
        if not self.breaker.allow():
            return self._fall_back(question, hits, audience, "breaker_open", "", started)
        if self.mode == "rephrase":
            return self._rephrase(question, hits, audience, started)
        chunks = [hit.chunk for hit in hits[: self._max_passages]]
        system = system_prompt(audience)
        # A NIK the asker typed is never needed to answer from guidelines: do not send it out.
        completion = self._call(system, user_prompt(redact_nik(question), chunks))
        if isinstance(completion, GenerationError):
            return self._fall_back(question, hits, audience, completion.code, completion.message, started)
        if _declined(completion.text):
            log.info("llm declined: passages do not answer")
            self.stats.record_outcome("declined")
            confidence = best if best is not None else 0.0
            return Answer(DECLINE_TEXT, True, (), confidence, tuple(hits), self._ms(started),
                          meta=self._meta("declined", completion))
        result = check_reply(completion.text, [evidence(c) for c in chunks], secrets=[system],
                             similarity=self._similarity, thresholds=self._thresholds)
        return self._use(result, completion, chunks, question, hits, audience, started, best)

    def _rephrase(self, question: str, hits: Sequence[ScoredChunk], audience: str, started: float) -> Answer:
        draft = self._fallback_answerer().answer(question, hits, audience)
        if draft.refused:
            self.stats.record_outcome("declined")
            return replace(draft, meta={**draft.meta, **self._meta("declined", None)})
        by_id = {hit.chunk.chunk_id: hit.chunk for hit in hits}
        chunks = [by_id[c.chunk_id] for c in draft.citations if c.chunk_id in by_id]
        body = _CAVEAT_PARAGRAPH.sub("", draft.text)
        system, user = rephrase_prompts(redact_nik(question), body)
        completion = self._call(system, user)
        if isinstance(completion, GenerationError):
            return self._fall_back(question, hits, audience, completion.code, completion.message, started,
                                   answer=draft)
        result = check_reply(completion.text, [evidence(c) for c in chunks], facts=[body],
                             secrets=[REPHRASE_SYSTEM], similarity=self._similarity, thresholds=self._thresholds)
        return self._use(result, completion, chunks, question, hits, audience, started, draft.confidence,
                         draft=draft)

    def _use(self, result: GroundingResult, completion: Completion, chunks: Sequence[Chunk], question: str,
             hits: Sequence[ScoredChunk], audience: str, started: float, confidence: float | None,
             draft: Answer | None = None) -> Answer:
        if not result.passed:
            reason = result.fallback_reason or "check_failed"
            return self._fall_back(question, hits, audience, reason, result.detail, started, completion,
                                   answer=draft, result=result)
        text, citations, cited = cite_passages(result.text, chunks)
        if not citations:
            return self._fall_back(question, hits, audience, "no_citation", "", started, completion, answer=draft)
        text = append_caveats(text, cited)
        outcome = "trimmed" if result.dropped else "used"
        self.stats.record_outcome(outcome)
        meta = self._meta(outcome, completion, result)
        log.info("llm answer %s: %d citations, %d dropped", outcome, len(citations), len(result.dropped))
        return Answer(text, False, tuple(citations), confidence or 0.0, tuple(hits), self._ms(started), meta=meta)

    # ------------------------------------------------------------------ helpers

    def _call(self, system: str, user: str) -> Completion | GenerationError:
        sink = current_sink()
        began = time.perf_counter()
        try:
            completion = self.chat.complete(system, user, on_token=sink)
        except GenerationError as exc:
            self.breaker.record_failure()
            log.warning("llm call failed (%s); answering extractively", exc.code)
            return exc
        self.breaker.record_success()
        self.stats.record_call(time.perf_counter() - began, completion.prompt_tokens, completion.completion_tokens)
        return completion

    def _fallback_answerer(self) -> AnswerGenerator:
        if self._fallback is None:
            raise GenerationError("Generator LLM belum terhubung ke penjawab ekstraktif.", code="generation_unbound")
        return self._fallback

    def _fall_back(self, question: str, hits: Sequence[ScoredChunk], audience: str, reason: str, detail: str,
                   started: float, completion: Completion | None = None, *, answer: Answer | None = None,
                   result: GroundingResult | None = None, count: bool = True) -> Answer:
        if count:
            self.stats.record_outcome("fallback", reason)
            log.info("llm fallback to extractive: %s %s", reason, detail)
        answer = answer or self._fallback_answerer().answer(question, hits, audience)
        meta = {**answer.meta, **self._meta("fallback" if count else "skipped", completion, result),
                "generator": "extractive", "fallback_reason": reason}
        if detail:
            meta["fallback_detail"] = redact_nik(detail)
        return replace(answer, latency_ms=self._ms(started), meta=meta)

    def _meta(self, outcome: str, completion: Completion | None,
              result: GroundingResult | None = None) -> dict[str, Any]:
        meta: dict[str, Any] = {"generator": "llm", "llm_mode": self.mode, "llm_outcome": outcome,
                                "prompt_version": PROMPT_VERSION, "llm_model": self.chat.name}
        if completion is not None:
            meta["prompt_tokens"] = completion.prompt_tokens
            meta["completion_tokens"] = completion.completion_tokens
        if result is not None and result.dropped:
            meta["dropped"] = [{"reason": c.problem, "detail": redact_nik(c.detail)} for c in result.dropped]
        return meta

    @staticmethod
    def _ms(started: float) -> float:
        return (time.perf_counter() - started) * 1000

