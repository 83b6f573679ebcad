"""typing.Protocol seams between the core and its adapters (1-4 methods each)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from assistant.models import (
    Answer,
    AuditEntry,
    Chunk,
    DocumentInfo,
    EligibilityReport,
    Household,
    IngestReport,
    JournalEntry,
    RegionFilter,
    Reply,
    ScoredChunk,
)

if TYPE_CHECKING:
    from assistant.api_keys import ApiKey


class Embedder(Protocol):
    """Turns text into unit-length vectors. Queries and passages may use different prompts (e5)."""

    @property
    def model_id(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def warm_up(self) -> None:
        """Load the model now, so the first query does not wait for it."""
        ...


class SentenceEncoder(Protocol):
    """A second sentence encoder, trained on other data than the embedder: one unit vector per text."""

    @property
    def model_id(self) -> str: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...

    def warm_up(self) -> None: ...


class VectorIndex(Protocol):
    """Holds chunk vectors in generations: a new generation is built aside, then switched to at once."""

    def active(self) -> IndexSnapshot | None: ...

    def build(
        self, chunks: Sequence[Chunk], vectors: np.ndarray, tokens: Sequence[str], *, info: Mapping[str, Any]
    ) -> IndexSnapshot:
        """Write a complete new generation (chunks, their vectors and lexical tokens), not yet active."""
        ...

    def activate(self, snapshot: IndexSnapshot) -> None: ...

    def close(self) -> None:
        """Release the client (connections, file handles); the index is not used afterwards."""
        ...


class IndexSnapshot(Protocol):
    """One immutable generation of the index."""

    @property
    def name(self) -> str: ...

    @property
    def info(self) -> Mapping[str, Any]:
        """Embedding model id, dimension, built_at, doc hashes."""
        ...

    def query(self, vector: np.ndarray, k: int, where: Mapping[str, Any] | None = None) -> list[tuple[str, float]]: ...

    def chunks_with_tokens(self) -> list[tuple[Chunk, str]]:
        """Every chunk with its stored lexical tokens (space-separated), in document order."""
        ...

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]: ...


class ProgressBar(Protocol):
    """Where ingest reports embedding progress (the CLI passes a tqdm-backed one)."""

    def update(self, n: int) -> None: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[int], ProgressBar]


class AnswerGenerator(Protocol):
    """Composes a grounded answer from retrieved chunks (extractive by default, an LLM optionally)."""

    def answer(self, question: str, hits: Sequence[ScoredChunk], audience: str) -> Answer: ...


class Journal(Protocol):
    """Append-only log of replies plus feedback on them; erasable per user.

    ``assistant.adapters.sql_journal.SqlJournal`` on SQLite (embedded default) or PostgreSQL
    (ASSISTANT_STORE__URL), so several API workers and hosts write to one journal.
    """

    def record(self, entry: JournalEntry) -> None: ...

    def add_feedback(self, answer_id: str, rating: str, comment: str, created_at: str) -> bool:
        """Store feedback; False when the answer id is unknown."""
        ...

    def forget_user(self, user_hash: str) -> int:
        """Delete a user's interactions and the feedback on them; returns rows deleted."""
        ...

    def interactions(self, since: str | None = None) -> list[dict[str, Any]]: ...

    def feedback_rows(self, since: str | None = None) -> list[dict[str, Any]]:
        """Feedback joined with the question and answer it rates."""
        ...

    def close(self) -> None: ...


class KeyStore(Protocol):
    """API keys: created with a token shown once, listed, revoked, and checked on every request.

    ``assistant.adapters.sql_keys.SqlApiKeyStore`` on SQLite (embedded default) or PostgreSQL
    (ASSISTANT_STORE__URL). A revoked key stops working on every worker at its next request.
    """

    def create(self, *, name: str, role: str, regions: Sequence[str] = ()) -> tuple[ApiKey, str]:
        """The new key and its token; ``InputError`` for a bad name, role or region, or a taken name."""
        ...

    def list(self) -> list[ApiKey]: ...

    def revoke(self, name_or_id: str) -> ApiKey:
        """Revoke by name or key id (idempotent); ``NotFoundError`` when there is no such key."""
        ...

    def authenticate(self, token: str) -> ApiKey | None:
        """The active key for a token, or None (unknown, malformed, wrong secret or revoked)."""
        ...


class StateStore(Protocol):
    """Small key-value state with expiry: conversation memory, verification counters, rate limits.

    In-process by default (``assistant.adapters.state.InMemoryStateStore``); Redis when
    ASSISTANT_REDIS_URL is set (``RedisStateStore``), so several API workers share it.
    """

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, ttl_seconds: int) -> None: ...

    def delete(self, key: str) -> None: ...

    def incr(self, key: str, ttl_seconds: int) -> int:
        """Increment a counter; the expiry is set when the counter is created (fixed window)."""
        ...

    def close(self) -> None: ...


class HouseholdLookup(Protocol):
    """Verified, audited access to the registry for the conversation layer and the API.

    ``citizen_status`` needs a member's NIK and the family-card number (nomor KK) and returns the
    citizen view (``eligibility.report.citizen_view``: programs, amounts, household-level reasons; no
    KK, region, desil, names or ages). ``facilitator_status`` returns the full typed report (NIKs and
    names masked); ``report.to_dict()`` is what ``assistant eligibility NIK --json`` prints.
    They raise ``AccessDeniedError`` (verification failed / out of region), ``RateLimitedError``
    (wrong tries must wait), ``InputError`` (a malformed NIK or KK) or ``NotFoundError``.
    """

    def citizen_status(
        self, *, user_id: str, nik: str, kk_number: str, as_of: str | None = None
    ) -> EligibilityReport: ...

    def facilitator_status(
        self, *, actor: str, regions: Sequence[str], nik: str, as_of: str | None = None, assume: Sequence[str] = ()
    ) -> EligibilityReport: ...


class Conversation(Protocol):
    """The one conversation service every channel (API, web page, Telegram, eval runner) talks to."""

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
        ...

    def feedback(self, answer_id: str, rating: str, comment: str | None = None) -> None:
        """Record a rating ("up"/"down") on an answer; ``NotFoundError`` for an unknown answer id."""
        ...

    def forget(self, user_id: str) -> int:
        """Erase the user's memory and logged interactions; returns how many rows were deleted."""
        ...


@runtime_checkable
class QuickReplies(Protocol):
    """Optional capability of a Conversation: telling, before replying, that a reply needs no slow work.

    The API then replies on its event loop instead of a worker thread (``ConversationService``).
    """

    def answers_at_once(self, *, user_id: str, role: str, text: str, audience: str | None = None,
                        conversation_id: str | None = None) -> bool: ...


class KnowledgeBase(Protocol):
    """Grounded retrieval and answering over the indexed guidelines (``assistant.rag.pipeline``)."""

    def search(
        self, query: str, k: int = 5, filters: Mapping[str, Any] | None = None, mode: str | None = None
    ) -> list[ScoredChunk]:
        """Best chunks; ``mode`` is "hybrid", "dense" or "lexical" (None: the configured one)."""
        ...

    def ask(self, question: str, audience: str = "citizen", filters: Mapping[str, Any] | None = None) -> Answer:
        """Answer from the index only; ``Answer.refused`` is true when grounding is too weak.

        ``filters`` keys: "program" and/or "audience" (exact match on chunk metadata).
        """
        ...

    def answer_ready(self, question: str, audience: str = "citizen", filters: Mapping[str, Any] | None = None) -> bool:
        """True when ``ask`` would answer at once from what it holds (no index or model work)."""
        ...

    def declined_family(self, question: str) -> str | None:
        """The task family ``ask`` would decline the question as ("misuse", "health" ...; None: none)."""
        ...

    def chunk(self, chunk_id: str) -> Chunk | None:
        """The indexed chunk with this id (a cited passage), or None."""
        ...

    def document(self, doc_id: str) -> DocumentInfo | None:
        """The indexed document with this id (title and link for a citation), or None."""
        ...

    def documents(self) -> list[DocumentInfo]:
        """Every indexed document, by doc id."""
        ...

    def ingest(
        self, path: Path, *, rebuild: bool = False, progress: ProgressFactory | None = None, keep_others: bool = False
    ) -> IngestReport:
        """Index the documents under ``path`` (only what changed is re-embedded) and switch to them.

        ``keep_others`` keeps every indexed document not under ``path`` (add or update one document).
        """
        ...


class Registry(Protocol):
    """Household registry backend (SQLite, PostgreSQL, or an external service over HTTP).

    ``assistant.adapters.registries.build_registry(settings)`` picks the implementation from
    ``settings.registry.url``. Domain types are in ``assistant.models`` (Household, AuditEntry).
    """

    def get_household_by_nik(self, nik: str) -> Household | None: ...

    def add_households(self, items: Iterable[Household], *, replace: bool = True) -> int:
        """Store households in one transaction (all or nothing); returns how many."""
        ...

    def iter_households(self, batch_size: int = 1000, after: str = "") -> Iterator[Household]:
        """Every household with KK greater than ``after``, in KK order (for export and paging)."""
        ...

    def existing_kks(self, kks: Sequence[str]) -> set[str]:
        """Which of these family-card numbers the registry already holds (import reports added vs replaced)."""
        ...

    def iter_region(self, region: str, batch_size: int = 1000, after: str = "",
                    only: RegionFilter | None = None) -> Iterator[Household]:
        """The households whose region code starts with ``region``, streamed page by page in (region code, KK)
        order, resuming after the household with KK ``after`` (worklists). With ``only``, a registry may skip
        the households it does not admit (every household it admits is streamed)."""
        ...

    def count_region(self, region: str, only: RegionFilter | None = None) -> int:
        """How many households ``iter_region(region, only=only)`` yields (for progress bars)."""
        ...

    def record_audit(self, entry: AuditEntry) -> None: ...

    def close(self) -> None: ...
