"""Request and response bodies of the HTTP API, named by role. Requests refuse unknown fields."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from assistant.input_text import text_problem
from assistant.models import Citation, Regulation, Reply, ScoredChunk
from assistant.privacy import has_nik_like

NIK_LIKE_ID = "nik_like_id"
NIK_LIKE_ID_MESSAGE = (
    "user_id dan conversation_id tidak boleh berisi NIK atau nomor KK. Pakai kode acak, misalnya web-7f3a9c."
)

_ID = r"^[A-Za-z0-9_.:@-]{1,128}$"


def _plain_text(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise PydanticCustomError("invalid_text", problem)
    return value


# The same rule, stated in the OpenAPI schema for clients and schema-driven tests (documentation only:
# the validator above decides, with its Indonesian message): no control characters, no lone surrogates.
# Control characters as themselves (JSON escapes them), surrogates as regex escapes (UTF-8 cannot carry them).
_PLAIN = "[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\\ud800-\\udfff]"
_PLAIN_PATTERN = f"^{_PLAIN}*$"
# ...and for a question: at least one character that is not white space.
_QUESTION_PATTERN = f"^{_PLAIN}*[^\\s\x00-\x1f\x7f-\x9f\\ud800-\\udfff]{_PLAIN}*$"

PlainText = Annotated[str, AfterValidator(_plain_text), WithJsonSchema({"type": "string", "pattern": _PLAIN_PATTERN})]
Question = Annotated[
    str, AfterValidator(_plain_text), WithJsonSchema({"type": "string", "pattern": _QUESTION_PATTERN, "minLength": 1})
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChatRequest(_Request):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"message": "Berapa bantuan PKH untuk anak SD?", "user_id": "web-7f3a9c", "conversation_id": None},
                {"message": "kalau untuk anak SMA?", "user_id": "web-7f3a9c", "conversation_id": "c-5d1e"},
                {"message": "Apa syarat ikut Tamasya?", "audience": "facilitator", "stream": True},
            ]
        },
    )

    message: Question = Field(description="The question or message, at most `api.max_message_chars` characters.")
    user_id: str | None = Field(
        None, pattern=_ID, description="Stable, unguessable id of the person (keeps conversation memory)."
    )
    conversation_id: str | None = Field(
        None, pattern=_ID, description="Returned by a previous reply; send it back to continue the conversation."
    )
    audience: Literal["citizen", "facilitator"] | None = Field(
        None, description="Requested answer style; only facilitator and admin keys get 'facilitator'."
    )
    stream: bool = Field(False, description="Answer as server-sent events (start, delta..., done).")

    @field_validator("message")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("message must not be empty")
        return value

    @field_validator("user_id", "conversation_id")
    @classmethod
    def _not_a_nik(cls, value: str | None) -> str | None:
        """A client-chosen id is stored and logged: a NIK or KK must never become one."""
        if value is not None and has_nik_like(value):
            raise PydanticCustomError(NIK_LIKE_ID, NIK_LIKE_ID_MESSAGE)
        return value


class RegulationOut(BaseModel):
    """A regulation the cited document rests on; ``url`` only when it is an official text or page."""

    type: str = Field(description="Kind of regulation: UU, Perpres, Inpres, Permensos, Permendikbud, SEB, ...")
    number: str = Field("", description="Its number as written; empty when the source does not give it.")
    year: int | None = None
    title: str = Field("", description="What it is about (the words after 'tentang'); empty when unknown.")
    article: str = Field("", description="The article the fact rests on, e.g. 'Pasal 1 angka 2'.")
    url: str = Field("", description="Official text or page (a .go.id address); empty when none is known.")
    name: str = Field(description="Short display name, e.g. 'Perpres 72/2021' or 'UU 13/1998 Pasal 1 angka 2'.")

    @classmethod
    def of(cls, regulation: Regulation) -> RegulationOut:
        return cls(type=regulation.type, number=regulation.number, year=regulation.year, title=regulation.title,
                   article=regulation.article, url=regulation.url, name=regulation.name)


class CitationOut(BaseModel):
    n: int
    doc_id: str
    title: str
    section: str
    source_url: str
    source_year: int | None
    chunk_id: str
    regulations: list[RegulationOut] = Field(
        default_factory=list, description="Regulations the cited document rests on, shown beside its source.")

    @classmethod
    def of(cls, citation: Citation) -> CitationOut:
        return cls(n=citation.n, doc_id=citation.doc_id, title=citation.title, section=citation.section,
                   source_url=citation.source_url, source_year=citation.source_year, chunk_id=citation.chunk_id,
                   regulations=[RegulationOut.of(r) for r in citation.regulations])


class ChatResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "answer": "Komponen anak SD dalam PKH mendapat Rp900.000 per tahun [1].",
                    "refused": False,
                    "citations": [
                        {
                            "n": 1,
                            "doc_id": "pkh-besaran",
                            "title": "PKH: besaran bantuan",
                            "section": "PKH > Besaran bantuan",
                            "source_url": "https://kemensos.go.id/",
                            "source_year": 2024,
                            "chunk_id": "pkh-besaran#2",
                        }
                    ],
                    "conversation_id": "c-5d1e",
                    "answer_id": "a-91b2",
                    "suggestions": ["Cek status kepesertaan saya", "Kalau untuk anak SMA?"],
                    "degraded": False,
                }
            ]
        }
    )

    answer: str
    refused: bool
    citations: list[CitationOut]
    conversation_id: str
    answer_id: str
    suggestions: list[str]
    intent: str = Field("", description="What the message was taken as: program_question, status_check, ...")
    degraded: bool = Field(
        False,
        description="True when the answer came from lexical search alone because the vector index was unreachable.",
    )

    @classmethod
    def of(cls, reply: Reply) -> ChatResponse:
        return cls(
            answer=reply.text,
            refused=reply.refused,
            citations=[CitationOut.of(c) for c in reply.citations],
            conversation_id=reply.conversation_id,
            answer_id=reply.answer_id,
            suggestions=list(reply.suggestions),
            intent=reply.intent,
            degraded=bool(reply.extra.get("degraded")),
        )


class SearchRequest(_Request):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"query": "syarat lansia PKH", "k": 5, "program": "pkh"}]},
    )

    query: Question = Field(description="Search text.")
    k: int = Field(5, ge=1, le=20, description="How many passages to return.")
    program: str | None = Field(None, max_length=64, description="Only passages of this program (e.g. 'pkh').")
    audience: Literal["citizen", "facilitator", "both"] | None = Field(None, description="Only this audience.")

    @field_validator("query")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("query must not be empty")
        return value


class Passage(BaseModel):
    chunk_id: str
    doc_id: str
    title: str
    section: str
    text: str
    program: str = ""
    source_url: str = ""
    source_year: int | None = None
    score: float | None = None
    regulations: list[RegulationOut] = Field(default_factory=list)

    @classmethod
    def of(cls, hit: ScoredChunk) -> Passage:
        c = hit.chunk
        return cls(
            chunk_id=c.chunk_id,
            doc_id=c.doc_id,
            title=c.title,
            section=c.section,
            text=c.text,
            program=c.program,
            source_url=c.source_url,
            source_year=c.source_year,
            score=round(float(hit.score), 4),
            regulations=[RegulationOut.of(r) for r in c.regulations],
        )


class SearchResponse(BaseModel):
    hits: list[Passage]


class FeedbackRequest(_Request):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"answer_id": "a-91b2", "rating": "down", "comment": "Nominalnya kurang jelas"}]},
    )

    answer_id: str = Field(pattern=_ID, description="The answer_id of a chat reply.")
    rating: Literal["up", "down"]
    comment: PlainText | None = Field(None, max_length=1000, description="Optional free text.")


class FeedbackResponse(BaseModel):
    recorded: bool = True


class DocumentsResponse(BaseModel):
    documents: list[dict[str, Any]]


class IngestResponse(BaseModel):
    report: dict[str, Any]


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"


class ReadyResponse(BaseModel):
    ready: bool
    checks: dict[str, bool]


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. invalid_request, rate_limited.")
    message: str = Field(description="What went wrong and what to do next, in Indonesian.")


class ErrorResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"error": {"code": "rate_limited", "message": "Terlalu banyak permintaan. Silakan coba lagi dalam 42 detik."}}]
        }
    )

    error: ErrorDetail
