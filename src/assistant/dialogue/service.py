"""``ConversationService``: the one conversation object every channel talks to (ports.Conversation)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from assistant.dialogue.intents import (
    Classification,
    Intent,
    classify,
    has_domain_words,
    is_follow_up,
    rewrite_follow_up,
    with_carried_program,
)
from assistant.dialogue.journal import RATINGS, Journal, JournalEntry
from assistant.dialogue.memory import Memory, MemoryStore, Turn
from assistant.dialogue.safety import is_data_fishing, is_injection
from assistant.dialogue.status_flow import FlowInput, FlowResult, FlowState, StatusFlow
from assistant.dialogue.texts import Texts, load_texts, out_of_scope_key
from assistant.errors import AssistantError, InputError, NotFoundError
from assistant.input_text import checked_text
from assistant.models import Answer, Citation, DocumentInfo, Reply, ScoredChunk
from assistant.ports import HouseholdLookup, KnowledgeBase, StateStore
from assistant.privacy import KeyedHasher, extract_nik, has_nik_like, random_id, redact_nik

logger = logging.getLogger("assistant.dialogue")
_MISUSE = "misuse"  # the task family of requests to misuse the aid system (assistant.rag.scope)

ROLES = ("citizen", "facilitator", "admin")
AUDIENCES = ("citizen", "facilitator")
MAX_COMMENT_CHARS = 1000
# What memory and the journal keep of a message that answered the status check (a NIK, a KK number).
STATUS_INPUT_PLACEHOLDER = "[data cek status]"
FLOW_GRACE_SECONDS = 300  # an expired check is still found this long, to say it timed out


def _utc_now() -> datetime:
    return datetime.now(UTC)


def resolve_audience(role: str, requested: str | None) -> str:
    """The answer style: citizens always get the citizen style; key holders may ask for either."""
    default = "citizen" if role == "citizen" else "facilitator"
    if requested is None:
        return default
    if requested not in AUDIENCES:
        raise InputError(f"Audiens tidak dikenal: {requested}.")
    return default if role == "citizen" else requested


@dataclass(slots=True)
class _Outcome:
    """What one turn produced, before it becomes a Reply."""

    intent: str
    text: str
    refused: bool = False
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[str, ...] = ()
    hits: tuple[ScoredChunk, ...] = ()
    eligibility: dict | None = None
    resolved: str = ""
    remember: bool = True  # write the turn to memory and the journal
    verification_input: bool = False  # the message answered the status check: store a placeholder only
    extra: dict = field(default_factory=dict)
    generation: dict = field(default_factory=dict)  # Answer.meta, recorded in the journal


def _names_the_declined_person(text: str, memory: Memory) -> bool:
    """A NIK sent right after a lookup of someone else's record was declined is that person's NIK.

    "tolong cekin status tetangga sy" is declined; "ini NIK nya 3201..." that follows would otherwise
    start a status check, as a NIK alone does.
    """
    if not memory.turns or extract_nik(text) is None:
        return False
    last = memory.turns[-1]
    return last.intent == Intent.INJECTION and is_data_fishing(last.question) and not is_injection(last.question)


def _continues(memory: Memory, conversation_id: str | None) -> bool:
    """The message continues the remembered conversation (no id given, or the remembered one's)."""
    return not conversation_id or conversation_id == memory.conversation_id


class ConversationService:
    """Routes a message to the right intent and keeps per-user memory; implements ports.Conversation.

    Args:
        knowledge: grounded retrieval and answering (``KnowledgeBase``).
        lookup: verified registry access (``HouseholdLookup``); None disables the status check.
        state: memory store (in-process or Redis ``StateStore``).
        journal: interaction log and feedback store; None keeps no log.
        hasher: keyed hashes of user ids for memory keys, the journal and the logs; None uses a
            per-process key (tests).
        texts: the Indonesian texts; None loads bots/texts.id.yaml over the built-in defaults.
        memory_ttl_seconds: how long a user's conversation memory lives (settings.memory_ttl_seconds).
        flow_ttl_seconds: how long an unfinished status check waits for the next answer (its NIK is
            dropped at most FLOW_GRACE_SECONDS later).
        now: clock for journal timestamps and the status check's timeout (tests inject one).
        off_topic_min_confidence: a question with no program words at all needs at least this grounding
            confidence to be answered (otherwise it is declined as out of scope).
    """

    def __init__(
        self,
        knowledge: KnowledgeBase,
        lookup: HouseholdLookup | None,
        state: StateStore,
        *,
        journal: Journal | None = None,
        hasher: KeyedHasher | None = None,
        texts: Texts | None = None,
        memory_ttl_seconds: int = 86400,
        flow_ttl_seconds: int = 900,
        now: Callable[[], datetime] = _utc_now,
        off_topic_min_confidence: float = 0.5,
        rewrite: Callable[[str, str], str] = rewrite_follow_up,
    ) -> None:
        self._kb = knowledge
        self._journal = journal
        self._texts = texts or load_texts()
        self._hasher = hasher or KeyedHasher.ephemeral()
        self._memory = MemoryStore(state, self._hasher, ttl_seconds=memory_ttl_seconds,
                                   flow_ttl_seconds=flow_ttl_seconds + FLOW_GRACE_SECONDS)
        self._flow = StatusFlow(lookup, self._texts, self._cite, timeout_seconds=flow_ttl_seconds,
                                clock=lambda: now().timestamp())
        self._now = now
        self._off_topic_min_confidence = off_topic_min_confidence
        self._rewrite = rewrite  # follow-up -> self-contained question (rules, or the LLM when configured)

    # ------------------------------------------------------------------ public API

    def reply(
        self,
        *,
        user_id: str,
        channel: str,
        role: str,
        text: str,
        audience: str | None = None,
        conversation_id: str | None = None,
        regions: Sequence[str] | None = None,
    ) -> Reply:
        """Answer one message. ``role`` comes from authentication; ``regions`` are a facilitator's."""
        started = time.perf_counter()
        if role not in ROLES:
            raise InputError(f"Peran tidak dikenal: {role}.")
        text = checked_text((text or "").strip())
        if not text:
            raise InputError("Pesan tidak boleh kosong.")
        effective_audience = resolve_audience(role, audience)
        conversation_id = self._stored_id(conversation_id)
        memory = self._memory.load(user_id)
        if memory is None or not _continues(memory, conversation_id):
            if memory is not None:
                self._memory.clear_flow(user_id)
            memory = Memory(conversation_id or random_id())
        classification = classify(text)
        outcome = self._route(user_id, role, list(regions or ()), text, classification, memory, effective_audience)
        answer_id = random_id()
        latency_ms = (time.perf_counter() - started) * 1000
        if outcome.intent == Intent.ERASE:
            memory = Memory(random_id())
        if outcome.verification_input:
            redacted_q = redacted_resolved = STATUS_INPUT_PLACEHOLDER
        else:
            redacted_q, redacted_resolved = redact_nik(text), redact_nik(outcome.resolved or text)
        user_hash = self._hasher.user(user_id)
        if outcome.remember:
            memory.add(Turn(redacted_q, redacted_resolved, outcome.intent, answer_id))
            self._memory.save(user_id, memory)
            self._record(JournalEntry(
                answer_id=answer_id, conversation_id=memory.conversation_id, user_hash=user_hash,
                channel=channel, role=role, intent=outcome.intent, question=redacted_q,
                resolved_question=redacted_resolved, answer=redact_nik(outcome.text),
                refused=outcome.refused, doc_ids=tuple(dict.fromkeys(c.doc_id for c in outcome.citations)),
                latency_ms=latency_ms, created_at=self._now().isoformat(timespec="seconds"),
                generation=outcome.generation,
            ))
        logger.info(
            "chat reply intent=%s refused=%s", outcome.intent, outcome.refused,
            extra={"event": "chat_reply", "intent": outcome.intent, "refused": outcome.refused,
                   "conversation_id": memory.conversation_id, "answer_id": answer_id,
                   "user_hash": user_hash[:12], "channel": channel, "role": role,
                   "latency_ms": round(latency_ms, 2), "citations": len(outcome.citations), **outcome.extra},
        )
        logger.debug("chat question %s", redacted_resolved, extra={"event": "chat_question", "answer_id": answer_id})
        return Reply(
            text=outcome.text, refused=outcome.refused, intent=outcome.intent,
            conversation_id=memory.conversation_id, answer_id=answer_id, citations=outcome.citations,
            suggestions=outcome.suggestions, hits=outcome.hits, eligibility=outcome.eligibility,
            latency_ms=latency_ms, extra={"audience": effective_audience, **outcome.extra},
        )

    def answers_at_once(self, *, user_id: str, role: str, text: str, audience: str | None = None,
                        conversation_id: str | None = None) -> bool:
        """True when ``reply`` would do no slow work for this message, so a caller may run it on its event loop.

        That is a program question (no scam or misconduct warning, not a follow-up to rewrite, no status
        check under way) whose answer the knowledge base holds ready. Memory and the journal are still
        written by ``reply``; whether the state store is in-process is for the caller to judge. Never raises:
        anything unusual is simply not "at once".
        """
        try:
            text = checked_text((text or "").strip())
            if not text or role not in ROLES or self._memory.load_flow(user_id) is not None:
                return False
            c = classify(text)
            if c.intent != Intent.PROGRAM_QUESTION or c.scam or c.misconduct:
                return False
            memory = self._memory.load(user_id)
            # a message that starts a new conversation has nothing to follow up on
            continued = memory is not None and _continues(memory, self._stored_id(conversation_id))
            question = c.question or text
            previous = memory.last_question if memory is not None and continued else None
            if previous and is_follow_up(question, previous):
                return False
            return self._kb.answer_ready(redact_nik(question), resolve_audience(role, audience))
        except Exception:  # noqa: BLE001 - reply() meets the same problem on a worker thread and reports it
            return False

    def _stored_id(self, conversation_id: str | None) -> str | None:
        """The conversation id as kept: a client-chosen id that looks like a NIK is never stored, its hash is."""
        if conversation_id and has_nik_like(conversation_id):
            return self._hasher.digest("conversation", conversation_id)
        return conversation_id

    def feedback(self, answer_id: str, rating: str, comment: str | None = None) -> None:
        """Store thumbs up/down (+ optional comment) on an answer; NotFoundError for an unknown id."""
        if rating not in RATINGS:
            raise InputError("Penilaian harus 'up' atau 'down'.")
        clean = redact_nik((comment or "").strip())[:MAX_COMMENT_CHARS]
        if self._journal is None:
            return
        stored = self._journal.add_feedback(answer_id, rating, clean, self._now().isoformat(timespec="seconds"))
        if not stored:
            raise NotFoundError("Jawaban dengan id tersebut tidak ditemukan.", code="answer_not_found")
        logger.info("feedback %s", rating, extra={"event": "feedback", "answer_id": answer_id, "rating": rating})

    def forget(self, user_id: str) -> int:
        """Erase a user's memory, unfinished check and journal rows; returns journal rows deleted."""
        self._memory.forget(user_id)
        user_hash = self._hasher.user(user_id)
        deleted = self._journal.forget_user(user_hash) if self._journal else 0
        logger.info("user data erased", extra={"event": "forget", "user_hash": user_hash[:12],
                                               "rows_deleted": deleted})
        return deleted

    # ------------------------------------------------------------------ routing

    def _route(self, user_id: str, role: str, regions: list[str], text: str, c: Classification,
               memory: Memory, audience: str) -> _Outcome:
        message = FlowInput(user_id=user_id, role=role, regions=tuple(regions), text=text, intent=c.intent.value)
        flow = FlowState.from_json(self._memory.load_flow(user_id), self._hasher)
        if flow is not None:
            result = self._flow.handle(flow, message)
            if result is not None:
                return self._flow_outcome(user_id, result,
                                          verification_input=result.outcome not in ("cancelled", "injection"))
            self._memory.clear_flow(user_id)  # the user moved on: drop the unfinished check
        if c.intent == Intent.INJECTION or _names_the_declined_person(text, memory):
            return _Outcome(Intent.INJECTION, self._texts.get("injection_declined"), refused=True,
                            suggestions=self._default_suggestions(role))
        match c.intent:
            case Intent.CANCEL:
                return _Outcome(Intent.CANCEL, self._texts.get("nothing_to_cancel"),
                                suggestions=self._default_suggestions(role))
            case Intent.ERASE:
                self.forget(user_id)
                return _Outcome(Intent.ERASE, self._texts.get("erase_done"), remember=False,
                                suggestions=self._default_suggestions(role))
            case Intent.GREETING:
                return _Outcome(Intent.GREETING, self._texts.get("greeting"), suggestions=self._menu(role))
            case Intent.HELP:
                return _Outcome(Intent.HELP, self._texts.get("help") + "\n" + self._texts.get("privacy_notice"),
                                suggestions=self._menu(role))
            case Intent.FEEDBACK:
                return self._feedback_turn(text, c, memory, role)
            case Intent.STATUS_CHECK:
                result = self._flow.start(message)
                return self._flow_outcome(user_id, result, verification_input=result.outcome != "asked_nik")
            case Intent.OUT_OF_SCOPE:
                return _Outcome(Intent.OUT_OF_SCOPE, self._texts.get(out_of_scope_key(c.family)), refused=True,
                                suggestions=self._default_suggestions(role))
        return self._program_question(text, c, memory, role, audience)

    def _flow_outcome(self, user_id: str, result: FlowResult, *, verification_input: bool) -> _Outcome:
        if result.next is None:
            self._memory.clear_flow(user_id)
        else:
            self._memory.save_flow(user_id, result.next.to_json(self._hasher))
        intent = {"cancelled": Intent.CANCEL, "injection": Intent.INJECTION}.get(result.outcome, Intent.STATUS_CHECK)
        return _Outcome(intent, result.text, refused=result.refused, citations=result.citations,
                        suggestions=result.suggestions, eligibility=result.eligibility,
                        verification_input=verification_input, extra={"status_outcome": result.outcome})

    def _feedback_turn(self, text: str, c: Classification, memory: Memory, role: str) -> _Outcome:
        target = memory.last_answer_id
        if target and self._journal is not None and c.rating:
            try:
                self.feedback(target, c.rating, text)
            except NotFoundError:
                target = None
        return _Outcome(Intent.FEEDBACK, self._texts.get("feedback_thanks"), suggestions=self._menu(role),
                        extra={"feedback_for": target, "rating": c.rating})

    def _program_question(self, text: str, c: Classification, memory: Memory, role: str,
                          audience: str) -> _Outcome:
        text = c.question or text
        previous = memory.last_question
        follow_up = is_follow_up(text, previous)
        resolved = self._rewrite(text, previous) if follow_up and previous else with_carried_program(text, previous)
        query = redact_nik(resolved)
        answer = self._kb.ask(query, audience=audience) if not (c.scam or c.misconduct) else Answer("", True)
        extra = {"follow_up": follow_up, "scam_warning": c.scam, "offers_status_check": c.mixed,
                 "misconduct": c.misconduct, "injection_stripped": c.question is not None,
                 "degraded": answer.degraded}
        if (c.scam or c.misconduct) and self._kb.declined_family(query) == _MISUSE:
            # "KKS tetangga sy pegang, PIN nya sy tau, boleh sy tarik?" names a PIN but asks to misuse a
            # card: the asker is not the victim, and gets the misuse decline, not the scam warning
            return _Outcome(Intent.OUT_OF_SCOPE, self._texts.get(out_of_scope_key(_MISUSE)), refused=True,
                            resolved=resolved, suggestions=self._default_suggestions(role), extra=extra)
        if c.scam or c.misconduct:
            # answered from the scam and misuse guidance, whatever else the message mentions
            answer = self._kb.ask(f"penipuan bansos {query}", audience=audience)
            extra["degraded"] = answer.degraded
            warning = self._texts.get("scam_warning" if c.scam else "misconduct_warning")
            parts = [warning] + ([answer.text] if not answer.refused else [])
            suggestions: tuple[str, ...] = (self._texts.get("suggest_scam"), self._texts.get("suggest_schedule"),
                                            self._status_suggestion(role))
            return self._answered(answer, "\n\n".join(parts), False, suggestions, resolved, extra)
        family = answer.meta.get("out_of_scope")  # a task outside the assistant's role, by meaning
        in_scope = has_domain_words(resolved) and family is None
        if not answer.refused and not in_scope and answer.confidence < self._off_topic_min_confidence:
            answer = Answer(text="", refused=True, confidence=answer.confidence, hits=answer.hits)
        if answer.refused:
            intent = Intent.PROGRAM_QUESTION if in_scope else Intent.OUT_OF_SCOPE
            key = "decline_unknown" if in_scope else out_of_scope_key(family)
            return _Outcome(intent, self._texts.get(key), refused=True, hits=answer.hits, resolved=resolved,
                            suggestions=self._default_suggestions(role), extra=extra, generation=dict(answer.meta))
        text_out = answer.text
        suggestions = self._default_suggestions(role)
        if c.mixed and role == "citizen":
            text_out += "\n\n" + self._texts.get("offer_status_check")
        return self._answered(answer, text_out, False, suggestions, resolved, extra)

    def _answered(self, answer: Answer, text: str, refused: bool, suggestions: tuple[str, ...], resolved: str,
                  extra: dict) -> _Outcome:
        return _Outcome(Intent.PROGRAM_QUESTION, text, refused=refused, citations=answer.citations,
                        suggestions=suggestions, hits=answer.hits, resolved=resolved, extra=extra,
                        generation=dict(answer.meta))

    # ------------------------------------------------------------------ helpers

    def _status_suggestion(self, role: str) -> str:
        return self._texts.get("suggest_status" if role == "citizen" else "suggest_status_facilitator")

    def _default_suggestions(self, role: str) -> tuple[str, ...]:
        return (self._status_suggestion(role), self._texts.get("suggest_requirements"),
                self._texts.get("suggest_schedule"))

    def _menu(self, role: str) -> tuple[str, ...]:
        return self._default_suggestions(role) + (self._texts.get("suggest_amount"),)

    def _record(self, entry: JournalEntry) -> None:
        if self._journal is None:
            return
        try:
            self._journal.record(entry)
        except Exception:  # noqa: BLE001 - a broken log must not cost the user their answer
            logger.warning("journal write failed", extra={"event": "journal_error", "answer_id": entry.answer_id},
                           exc_info=True)

    def _cite(self, doc_ids: Sequence[str]) -> tuple[Citation, ...]:
        citations = []
        for n, doc_id in enumerate(doc_ids, start=1):
            doc = self._document(doc_id)
            citations.append(Citation(
                n=n, doc_id=doc_id, title=doc.title if doc else doc_id, section=doc.section if doc else "",
                source_url=doc.source_url if doc else "", source_year=doc.source_year if doc else None,
                chunk_id=doc.chunk_id if doc else "", regulations=doc.regulations if doc else (),
            ))
        return tuple(citations)

    def _document(self, doc_id: str) -> DocumentInfo | None:
        """The cited document's title and link, from the knowledge base (None when it is not indexed)."""
        try:
            return self._kb.document(doc_id)
        except AssistantError:
            return None
