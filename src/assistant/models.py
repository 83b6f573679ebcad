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
    caveat: str | None = None  # why a point is uncertain; required when confidence is set


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
    caveat: str | None = None
    ordinal: int = 0
    doc_hash: str = ""


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """One indexed document as the channels list and cite it: its front-matter and how many chunks it has.

    ``chunk_id`` and ``section`` are those of the document's first chunk, so a citation of the whole
    document still opens a passage.
    """

    doc_id: str
    title: str
    program: str = ""
    audience: str = "both"
    source_url: str = ""
    source_year: int | None = None
    confidence: str | None = None
    chunks: int = 0
    chunk_id: str = ""
    section: str = ""


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did."""

    documents: int
    chunks: int
    embedded: int
    reused: int
    changed_documents: list[str] = field(default_factory=list)
    removed_documents: list[str] = field(default_factory=list)
    unchanged: bool = False
    generation: str = ""
    seconds: float = 0.0

    def summary(self) -> str:
        if self.unchanged:
            return (
                f"Tidak ada perubahan: {self.documents} dokumen, {self.chunks} potongan, "
                f"tidak ada yang di-embed ulang ({self.seconds:.1f} dtk)."
            )
        return (
            f"Indeks baru aktif: {self.documents} dokumen, {self.chunks} potongan; "
            f"{self.embedded} potongan di-embed, {self.reused} dipakai ulang; "
            f"{len(self.changed_documents)} dokumen berubah/baru, {len(self.removed_documents)} dihapus "
            f"({self.seconds:.1f} dtk)."
        )


@dataclass(frozen=True, slots=True)
class ScoredChunk:
    chunk: Chunk
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    dense_score: float | None = None  # cosine similarity of the query to the chunk
    lexical_score: float | None = None  # BM25 score


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


# --------------------------------------------------------------------------- registry / eligibility

@dataclass(frozen=True, slots=True)
class Member:
    """One person on a family card (KK). ``None`` always means "not recorded", never false or zero."""

    nik: str
    name: str
    birth_date: str | None = None  # YYYY-MM-DD
    sex: str | None = None  # L | P
    relation: str | None = None  # kepala_keluarga, istri, suami, anak, cucu, orang_tua, mertua, famili_lain
    pregnant: bool | None = None
    school_level: str | None = None  # SD | SMP | SMA | none
    disability: str | None = None  # berat | ringan | none
    occupation: str | None = None


@dataclass(frozen=True, slots=True)
class Enrollment:
    """A program the household is recorded in (e.g. PKH aktif since 2023-01-01)."""

    program: str
    status: str  # aktif | nonaktif
    since: str | None = None  # YYYY-MM-DD


@dataclass(frozen=True, slots=True)
class Household:
    """A household as held in the registry (modelled on DTSEN)."""

    kk: str
    region_code: str  # province+regency(+district) code, e.g. "320401"
    desil: int | None = None  # 1 (poorest) .. 10; None = unknown
    drinking_water: str | None = None  # layak | tidak_layak
    toilet: str | None = None  # layak | tidak_layak
    address: str | None = None
    members: tuple[Member, ...] = ()
    enrollments: tuple[Enrollment, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """One explained step of a decision: plain Indonesian text plus where the rule is written."""

    rule: str  # e.g. "pkh.desil"
    text: str  # "desil keluarga 7, batas PKH desil 4"
    doc_id: str  # knowledge document that states the rule
    value: Any = None
    threshold: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "text": self.text, "doc_id": self.doc_id,
                "value": self.value, "threshold": self.threshold}


@dataclass(frozen=True, slots=True)
class BenefitComponent:
    """One counted PKH component: which member, which component, how much a year."""

    component: str
    member_index: int
    annual_amount: int


@dataclass(frozen=True, slots=True)
class ProgramDecision:
    """The outcome for one program, as of a date, with its reasons and the fields it lacked."""

    program: str
    status: str  # eligible | not_eligible | unknown ; KRS: at_risk | not_at_risk | unknown
    as_of: str
    reasons: tuple[Reason, ...] = ()
    missing: tuple[str, ...] = ()
    components: tuple[BenefitComponent, ...] = ()
    annual_amount: int | None = None
    per_tahap_amount: int | None = None
    enrollment: Enrollment | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One registry lookup: who, in which role, when, whose (masked) NIK, why, and what happened."""

    actor: str
    role: str
    nik_masked: str
    purpose: str
    outcome: str
    at: str = ""  # ISO-8601 UTC; filled by the writer when empty
