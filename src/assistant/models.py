"""Domain value types shared across the core. No framework types here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Literal

Audience = Literal["citizen", "facilitator"]
Role = Literal["citizen", "facilitator", "admin"]


# --------------------------------------------------------------------------- knowledge / RAG


@dataclass(frozen=True, slots=True)
class Regulation:
    """A regulation a document's facts rest on, named in its front-matter (``regulations:``).

    ``number``, ``year`` and ``title`` are empty when the source does not give them (a joint circular
    cited without its number); ``url`` is an official text or page, never a news page.
    """

    type: str  # Perpres, Permensos, UU, Inpres, Permendikbud, SEB, ...
    number: str = ""
    year: int | None = None
    title: str = ""  # its subject, the words after "tentang"; empty when the source does not give it
    article: str = ""  # e.g. "Pasal 1 angka 2"
    url: str = ""

    @property
    def name(self) -> str:
        """The short name a facilitator searches for: "Perpres 72/2021", "UU 13/1998 Pasal 1 angka 2"."""
        if self.number and self.year:
            name = f"{self.type} {self.number}/{self.year}"
        elif self.number:
            name = f"{self.type} {self.number}"
        else:
            name = f"{self.type} ({self.year})" if self.year else self.type
        return f"{name} {self.article}" if self.article else name

    @property
    def label(self) -> str:
        """The name with its subject: "Perpres 72/2021 tentang Percepatan Penurunan Stunting"."""
        return f"{self.name} tentang {self.title}" if self.title else self.name

    def named_in(self, text: str) -> bool:
        """True when ``text`` cites it by number: "Perpres 72/2021" or "Nomor 72 Tahun 2021"."""
        if not (self.number and self.year):
            return False
        number = re.escape(self.number)
        return re.search(rf"(?<![\w/]){number}/{self.year}\b|\bNomor {number} Tahun {self.year}\b", text,
                         re.IGNORECASE) is not None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Regulation:
        return cls(**{k: data[k] for k in ("type", "title", "number", "year", "article", "url") if k in data})


def regulations_cited_by(text: str, regulations: Sequence[Regulation]) -> tuple[Regulation, ...]:
    """The regulations a passage rests on: those it names, else all of its document's."""
    named = tuple(r for r in regulations if r.named_in(text))
    return named or tuple(regulations)


def regulations_from(items: Iterable[Regulation | dict[str, Any]] | None) -> tuple[Regulation, ...]:
    """Regulations as value objects, whether given as objects or as their dicts (JSON)."""
    return tuple(r if isinstance(r, Regulation) else Regulation.from_dict(r) for r in items or ())


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
    regulations: tuple[Regulation, ...] = ()  # the regulations its facts rest on


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
    regulations: tuple[Regulation, ...] = ()


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
    regulations: tuple[Regulation, ...] = ()


def documents_of(chunks: Iterable[Chunk]) -> list[DocumentInfo]:
    """One DocumentInfo per doc id (from its first chunk), sorted by doc id."""
    first: dict[str, Chunk] = {}
    counts: dict[str, int] = {}
    for c in chunks:
        first.setdefault(c.doc_id, c)
        counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
    return [
        DocumentInfo(doc_id=d, title=c.title, program=c.program, audience=c.audience, source_url=c.source_url,
                     source_year=c.source_year, confidence=c.confidence, chunks=counts[d], chunk_id=c.chunk_id,
                     section=c.section, regulations=c.regulations)
        for d, c in sorted(first.items())
    ]


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
    regulations: tuple[Regulation, ...] = ()  # named beside the source, linked when official

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["regulations"] = [asdict(r) for r in self.regulations]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Citation:
        """The inverse of ``to_dict`` (an API response's citation); unknown keys are ignored."""
        return cls(n=data["n"], doc_id=data["doc_id"], title=data["title"], section=data["section"],
                   source_url=data["source_url"], source_year=data.get("source_year"), chunk_id=data["chunk_id"],
                   regulations=regulations_from(data.get("regulations")))


@dataclass(frozen=True, slots=True)
class Answer:
    """What a generator returns: text with [n] markers, the citations they point to, and why."""

    text: str
    refused: bool
    citations: tuple[Citation, ...] = ()
    confidence: float = 0.0
    hits: tuple[ScoredChunk, ...] = ()
    latency_ms: float = 0.0
    # How it was made, for the journal and evaluators: generator, prompt version, LLM outcome,
    # fallback reason, token counts (empty for the extractive answerer).
    meta: dict[str, Any] = field(default_factory=dict)
    degraded: bool = False  # retrieved lexically only, because the vector index was unreachable

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "refused": self.refused,
            "citations": [c.to_dict() for c in self.citations],
            "latency_ms": round(self.latency_ms, 2),
            "degraded": self.degraded,
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
    left_on: str | None = None  # YYYY-MM-DD the member left the family card (moved, married out, died)

    def present_on(self, on: str) -> bool:
        """Still on the family card on ``on`` (an ISO date)."""
        return self.left_on is None or self.left_on > on


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


HOUSEHOLD_FIELDS = ("desil", "drinking_water", "toilet")  # the household fields a RegionFilter can name
MEMBER_FIELDS = ("birth_date", "sex", "relation", "pregnant", "school_level", "disability", "occupation")


@dataclass(frozen=True, slots=True)
class RegionFilter:
    """Which households of a region a worklist could list, so a registry can skip the others in its query.

    Every condition given must hold. A worklist builds it to rule out only households its rules would not
    list, so a registry may apply it or ignore it: the rules still decide every household streamed.
    """

    active_in: str | None = None  # an enrollment in this program with status "aktif"
    not_active_in: str | None = None  # no enrollment in this program with status "aktif"
    max_desil: int | None = None  # desil at most this, or not recorded
    # At least one of these is not recorded: a household field by name, or "members.<field>" for any
    # member on the card (one who left included).
    unrecorded: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        known = {*HOUSEHOLD_FIELDS, *(f"members.{name}" for name in MEMBER_FIELDS)}
        unknown = sorted(set(self.unrecorded) - known)
        if unknown:
            raise ValueError(f"RegionFilter cannot name {unknown}; known fields: {sorted(known)}")

    def admits(self, h: Household) -> bool:
        """Whether ``h`` meets every condition (what a registry that applies the filter keeps)."""
        if self.active_in is not None and not _active_in(h, self.active_in):
            return False
        if self.not_active_in is not None and _active_in(h, self.not_active_in):
            return False
        if self.max_desil is not None and h.desil is not None and h.desil > self.max_desil:
            return False
        if self.unrecorded:
            own = [name for name in self.unrecorded if not name.startswith("members.")]
            of_members = [name[8:] for name in self.unrecorded if name.startswith("members.")]
            return any(getattr(h, name) is None for name in own) or any(
                getattr(m, name) is None for m in h.members for name in of_members)
        return True


def _active_in(h: Household, program: str) -> bool:
    return any(e.program == program and e.status == "aktif" for e in h.enrollments)


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


class DecisionStatus(StrEnum):
    """Outcome of one program. KRS (a risk classification, not a benefit) uses at_risk / not_at_risk."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"
    AT_RISK = "at_risk"
    NOT_AT_RISK = "not_at_risk"

    @property
    def text(self) -> str:
        """Plain Indonesian, for every place a person reads the status."""
        return _STATUS_TEXT[self]


_STATUS_TEXT = {
    DecisionStatus.ELIGIBLE: "memenuhi syarat", DecisionStatus.NOT_ELIGIBLE: "tidak memenuhi syarat",
    DecisionStatus.UNKNOWN: "belum dapat dipastikan", DecisionStatus.AT_RISK: "berisiko stunting",
    DecisionStatus.NOT_AT_RISK: "tidak berisiko stunting",
}


PROGRAM_NAMES = {
    "PKH": "PKH", "KRS": "Keluarga Risiko Stunting", "BKL_SEKOLAH_LANSIA": "BKL dan Sekolah Lansia",
    "ATENSI": "Rujukan ATENSI", "TAMASYA": "Tamasya (penitipan anak)", "SEMBAKO": "Program Sembako",
    "PBI_JKN": "PBI JKN",
}


@dataclass(frozen=True, slots=True)
class MissingField:
    """A value the decision lacked: machine path (``members[1].occupation``) and plain Indonesian label
    naming the masked member ("pekerjaan S*** A*****")."""

    path: str
    label: str

    @property
    def text(self) -> str:
        return f"{self.label} belum tercatat"

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "label": self.label, "text": self.text}


@dataclass(frozen=True, slots=True)
class BenefitComponent:
    """One counted PKH component: which member (index, masked name and NIK), which component, how much a year."""

    component: str
    member_index: int
    annual_amount: int
    member: str = ""  # masked name
    member_nik: str = ""  # masked NIK

    def to_dict(self) -> dict[str, Any]:
        return {"component": self.component, "member": self.member, "member_nik": self.member_nik,
                "annual_amount": self.annual_amount}


@dataclass(frozen=True, slots=True)
class DisputedOutcome:
    """The outcome of a program under one documented value of a disputed parameter."""

    value: Any
    status: DecisionStatus
    annual_amount: int | None = None
    source: str = ""  # who documents this value

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "status": str(self.status), "status_text": self.status.text,
                "annual_amount": self.annual_amount, "source": self.source}


@dataclass(frozen=True, slots=True)
class Dispute:
    """A rule whose sources disagree, evaluated under each documented value.

    ``decisive`` is True when the outcome (status or amount) differs between the values: the decision
    then hinges on which value is in force, and ``ask`` names who can confirm it.
    """

    parameter: str
    used_value: Any
    outcomes: tuple[DisputedOutcome, ...]
    decisive: bool
    text: str
    ask: str
    doc_id: str

    def to_dict(self) -> dict[str, Any]:
        return {"parameter": self.parameter, "used_value": self.used_value, "decisive": self.decisive,
                "text": self.text, "ask": self.ask, "doc_id": self.doc_id,
                "outcomes": [o.to_dict() for o in self.outcomes]}


@dataclass(frozen=True, slots=True)
class ProgramDecision:
    """The outcome for one program, as of a date, with its reasons and the fields it lacked.

    ``amount_is_minimum``: eligibility is settled and the amount is certain only as a floor; the
    fields in ``amount_raising`` (e.g. an unrecorded disability) could raise it.
    """

    program: str
    status: DecisionStatus
    as_of: str
    reasons: tuple[Reason, ...] = ()
    missing: tuple[MissingField, ...] = ()
    components: tuple[BenefitComponent, ...] = ()
    annual_amount: int | None = None
    per_tahap_amount: int | None = None
    enrollment: Enrollment | None = None
    amount_is_minimum: bool = False
    amount_raising: tuple[MissingField, ...] = ()
    disputes: tuple[Dispute, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """Doc ids the reasons (and disputes) cite, in order of first mention."""
        return tuple(dict.fromkeys([*(r.doc_id for r in self.reasons), *(d.doc_id for d in self.disputes)]))

    @property
    def missing_paths(self) -> tuple[str, ...]:
        return tuple(m.path for m in self.missing)

    def to_dict(self) -> dict[str, Any]:
        return {
            "program": self.program, "program_name": PROGRAM_NAMES.get(self.program, self.program),
            "status": str(self.status), "status_text": self.status.text,
            "components": [c.to_dict() for c in self.components],
            "annual_amount": self.annual_amount, "per_tahap_amount": self.per_tahap_amount,
            "amount_is_minimum": self.amount_is_minimum,
            "amount_raising_fields": [m.to_dict() for m in self.amount_raising],
            "reasons": [r.text for r in self.reasons if r.text],  # a citizen's view blanks member reasons
            "reason_details": [r.to_dict() for r in self.reasons],
            "sources": list(self.sources),
            "missing": list(self.missing_paths),
            "missing_fields": [m.to_dict() for m in self.missing],
            "disputes": [d.to_dict() for d in self.disputes],
            "enrollment": ({"status": self.enrollment.status, "since": self.enrollment.since}
                           if self.enrollment is not None else None),
        }


@dataclass(frozen=True, slots=True)
class EligibilityReport:
    """Every program's decision for one household as of a date; NIKs and names already masked.

    What the engine produces and every channel consumes (CLI, API, status flow, bot, worklists);
    ``assumptions`` lists what-if corrections applied (never written to the registry).
    """

    kk: str  # masked
    region_code: str
    desil: int | None
    as_of: str
    programs: tuple[ProgramDecision, ...]
    assumptions: tuple[str, ...] = ()
    withheld: bool = False  # the citizen view left out reasons about single members

    def program(self, code: str) -> ProgramDecision | None:
        return next((p for p in self.programs if p.program == code), None)

    def to_dict(self) -> dict[str, Any]:
        return {"kk": self.kk, "region_code": self.region_code, "desil": self.desil, "as_of": self.as_of,
                "assumptions": list(self.assumptions), "withheld": self.withheld,
                "programs": [p.to_dict() for p in self.programs]}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One registry lookup: who, in which role, when, whose (masked) NIK, why, and what happened."""

    actor: str
    role: str
    nik_masked: str
    purpose: str
    outcome: str
    at: str = ""  # ISO-8601 UTC; filled by the writer when empty


# --------------------------------------------------------------------------- interaction log


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One logged reply (``ports.Journal``): hashed user id and redacted text only."""

    answer_id: str
    conversation_id: str
    user_hash: str
    channel: str
    role: str
    intent: str
    question: str  # redacted user text
    resolved_question: str  # redacted, after follow-up rewriting
    answer: str  # redacted reply text
    refused: bool
    doc_ids: tuple[str, ...]
    latency_ms: float
    created_at: str  # ISO 8601, UTC
    # How the answer was made (generator, prompt version, LLM outcome, fallback reason, tokens).
    generation: dict[str, Any] = field(default_factory=dict)
