"""typing.Protocol seams between the core and its adapters (1-4 methods each)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from assistant.models import Answer, Chunk, ScoredChunk


class Embedder(Protocol):
    """Turns text into unit-length vectors. Queries and passages may use different prompts (e5)."""

    model_id: str
    dimension: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class VectorIndex(Protocol):
    """Holds chunk vectors in generations: a new generation is built aside, then switched to at once."""

    def active(self) -> IndexSnapshot | None: ...

    def build(
        self,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        *,
        reuse_from: IndexSnapshot | None,
        reuse_ids: Sequence[str],
        info: Mapping[str, Any],
    ) -> IndexSnapshot: ...

    def activate(self, snapshot: IndexSnapshot) -> None: ...


class IndexSnapshot(Protocol):
    """One immutable generation of the index."""

    name: str
    info: Mapping[str, Any]  # embedding model id, dimension, built_at, doc hashes

    def query(self, vector: np.ndarray, k: int, where: Mapping[str, Any] | None = None) -> list[tuple[str, float]]: ...

    def chunks(self) -> list[Chunk]: ...


class AnswerGenerator(Protocol):
    """Composes a grounded answer from retrieved chunks (extractive by default, an LLM optionally)."""

    def answer(self, question: str, hits: Sequence[ScoredChunk], audience: str) -> Answer: ...


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


class HouseholdLookup(Protocol):
    """Verified, audited access to the registry for the conversation layer and the API.

    Both methods return the same dict as ``assistant eligibility NIK --json`` (NIKs masked).
    They raise ``AccessDeniedError`` (verification failed / out of region), ``RateLimitedError``
    (too many failed verifications for this user or this NIK) or ``NotFoundError``.
    """

    def citizen_status(self, *, user_id: str, nik: str, birth_date: str, as_of: str | None = None) -> dict[str, Any]: ...

    def facilitator_status(
        self, *, actor: str, regions: Sequence[str], nik: str, as_of: str | None = None
    ) -> dict[str, Any]: ...
