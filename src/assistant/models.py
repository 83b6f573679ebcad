"""Domain value types shared across the core. No framework types here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Audience = Literal["citizen", "facilitator"]
Role = Literal["citizen", "facilitator", "admin"]


# --------------------------------------------------------------------------- knowledge / RAG


@dataclass(frozen=True, slots=True)
class Document:
    """One knowledge document with its front-matter."""

    doc_id: str
    title: str
    text: str
    path: str
    program: str = ""
    audience: str = "both"  # citizen | facilitator | both
    source_url: str = ""
    source_year: int | None = None
    valid_from: str | None = None
    confidence: str | None = None  # None, or a note such as "UNCONFIRMED: ..." carried into answers
    content_hash: str = ""


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable passage; keeps its heading path and its document's metadata."""

    chunk_id: str
    doc_id: str
    text: str
    section: str  # heading path, e.g. "PKH > Besaran bantuan"
    title: str
    program: str = ""
    audience: str = "both"
    source_url: str = ""
    source_year: int | None = None
    confidence: str | None = None
    ordinal: int = 0
    doc_hash: str = ""


@dataclass(frozen=True, slots=True)
class ScoredChunk:
    chunk: Chunk
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    n: int
    doc_id: str
    title: str
    section: str
    source_url: str
    source_year: int | None
    chunk_id: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Answer:
    """What a generator returns: text with [n] markers, the citations they point to, and why."""

    text: str
    refused: bool
    citations: tuple[Citation, ...] = ()
    confidence: float = 0.0
    hits: tuple[ScoredChunk, ...] = ()
    latency_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "refused": self.refused,
            "citations": [c.to_dict() for c in self.citations],
            "latency_ms": round(self.latency_ms, 2),
        }


# --------------------------------------------------------------------------- conversation


@dataclass(frozen=True, slots=True)
class Reply:
    """What the conversation service returns to any channel."""

    text: str
    refused: bool
    intent: str
    conversation_id: str
    answer_id: str
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[str, ...] = ()
    hits: tuple[ScoredChunk, ...] = ()
    eligibility: dict[str, Any] | None = None
    latency_ms: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
