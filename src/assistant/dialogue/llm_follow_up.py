"""Follow-up rewriting with the language model, when one is configured.

"kalau lansia?" after "Berapa bantuan PKH untuk ibu hamil?" must become a question that stands on
its own before retrieval. The rule-based rewrite (``intents.rewrite_follow_up``) stays the default;
with ``ASSISTANT_GENERATOR=llm`` the model may do it instead, and any failure, an open circuit or an
unusable reply (empty, long, several lines, an instruction) falls back to the rules. The rewrite
only steers retrieval: the answer is still composed from passages and post-checked.
"""

from __future__ import annotations

import logging

from assistant.dialogue.intents import rewrite_follow_up
from assistant.errors import GenerationError
from assistant.privacy import redact_nik
from assistant.rag.breaker import CircuitBreaker
from assistant.rag.injection import is_injection
from assistant.rag.llm_answer import ChatModel
from assistant.rag.prompts import DECLINE_MARKER, follow_up_prompts

log = logging.getLogger(__name__)

MAX_REWRITE_CHARS = 300


class LlmFollowUpRewriter:
    """``(text, previous_question) -> question``: the model's rewrite, else the rule-based one."""

    def __init__(self, chat: ChatModel, breaker: CircuitBreaker) -> None:
        self._chat = chat
        self._breaker = breaker

    def __call__(self, text: str, previous_question: str) -> str:
        rules = rewrite_follow_up(text, previous_question)
        if not self._breaker.allow():
            return rules
        system, user = follow_up_prompts(redact_nik(text), redact_nik(previous_question))
        try:
            completion = self._chat.complete(system, user)
        except GenerationError as exc:
            self._breaker.record_failure()
            log.info("llm follow-up rewrite failed (%s); using the rules", exc.code)
            return rules
        self._breaker.record_success()
        raw = completion.text.strip().strip('"').strip()
        candidate = " ".join(raw.split())
        if (not candidate or "\n" in raw or len(candidate) > MAX_REWRITE_CHARS or is_injection(candidate)
                or DECLINE_MARKER.lower() in candidate.lower()):
            log.info("llm follow-up rewrite unusable; using the rules")
            return rules
        return redact_nik(candidate)
