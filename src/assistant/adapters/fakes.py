"""Deterministic fakes of the ports, shipped as production code for tests and demos."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.dialogue.journal import RATINGS
from assistant.eligibility.report import citizen_view
from assistant.errors import (
    AccessDeniedError,
    InputError,
    NotFoundError,
    RateLimitedError,
    RegistryUnavailableError,
)
from assistant.models import (
    Answer,
    BenefitComponent,
    Chunk,
    Citation,
    DecisionStatus,
    DocumentInfo,
    EligibilityReport,
    IngestReport,
    MissingField,
    ProgramDecision,
    Reason,
    Reply,
    ScoredChunk,
    documents_of,
    regulations_cited_by,
)
from assistant.ports import IndexSnapshot, ProgressFactory


class ScriptedConversation:
    """A ``Conversation`` that answers from a script: question text -> Reply.

    The returned Reply carries the conversation id the caller passed, or a new ``conv-N`` one, so
    multi-turn callers behave as with the real service. Unscripted questions get ``default`` (a
    refusal unless given). Every call is recorded in ``calls`` (the keyword arguments).
    """

    def __init__(self, script: Mapping[str, Reply], default: Reply | None = None) -> None:
        self.script = dict(script)
        self.default = default or Reply(
            text="Maaf, saya belum punya jawabannya.", refused=True, intent="unknown", conversation_id="", answer_id=""
        )
        self.calls: list[dict[str, Any]] = []
        self.feedback_given: list[tuple[str, str, str | None]] = []
        self._answer_ids: set[str] = set()
        self._conversations = 0

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
        self.calls.append(
            {
                "user_id": user_id,
                "channel": channel,
                "role": role,
                "text": text,
                "audience": audience,
                "conversation_id": conversation_id,
                "regions": list(regions) if regions is not None else None,
            }
        )
        if conversation_id is None:
            self._conversations += 1
            conversation_id = f"conv-{self._conversations}"
        reply = self.script.get(text, self.default)
        answer_id = reply.answer_id or f"ans-{len(self.calls)}"
        self._answer_ids.add(answer_id)
        return dataclasses.replace(reply, conversation_id=conversation_id, answer_id=answer_id)

    def feedback(self, answer_id: str, rating: str, comment: str | None = None) -> None:
        """Like the real service: a bad rating is InputError, an answer id it never gave is NotFoundError."""
        if rating not in RATINGS:
            raise InputError("Penilaian harus 'up' atau 'down'.")
        if answer_id not in self._answer_ids:
            raise NotFoundError("Jawaban dengan id tersebut tidak ditemukan.", code="answer_not_found")
        self.feedback_given.append((answer_id, rating, comment))

    def forget(self, user_id: str) -> int:
        """Drop the user's recorded calls; returns how many."""
        kept = [c for c in self.calls if c["user_id"] != user_id]
        deleted = len(self.calls) - len(kept)
        self.calls[:] = kept
        return deleted


# --------------------------------------------------------------------------- knowledge base and registry fakes
# (used by the conversation-layer tests and demos)

_FAKE_STOPWORDS = frozenset(
    "apa apakah yang dan di ke dari untuk dengan ini itu saya kami berapa bagaimana kapan adalah atau "
    "juga bisa ada akan tidak nya ya kak min dong lewat".split()
)


def _fake_tokens(text: str) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+", text.lower()) if len(t) >= 2 and t not in _FAKE_STOPWORDS}


def fake_chunk(doc_id: str, text: str, *, title: str = "", section: str = "", program: str = "") -> Chunk:
    """A Chunk for tests, with its id derived from the doc id."""
    return Chunk(chunk_id=f"{doc_id}#0", doc_id=doc_id, text=text, section=section or title or doc_id,
                 title=title or doc_id, program=program, source_url=f"https://example.org/{doc_id}",
                 source_year=2025)


DEFAULT_FAKE_CHUNKS = (
    fake_chunk("pkh-besaran", "Besaran bantuan PKH untuk anak SD Rp900.000 per tahun, anak SMP Rp1.500.000, "
               "anak SMA Rp2.000.000, lansia Rp2.400.000, ibu hamil Rp3.000.000.",
               title="PKH: besaran bantuan", program="pkh"),
    fake_chunk("pkh-syarat", "Syarat PKH: keluarga terdaftar di DTSEN desil 1 sampai 4 dan punya komponen "
               "kesehatan, pendidikan anak SD SMP SMA, atau lansia dan disabilitas berat.",
               title="PKH: syarat kepesertaan", program="pkh"),
    fake_chunk("pkh-jadwal", "Jadwal pencairan PKH dibagi empat tahap: Januari-Maret, April-Juni, "
               "Juli-September, Oktober-Desember.", title="PKH: jadwal pencairan", program="pkh"),
    fake_chunk("lainnya-penipuan", "Petugas resmi tidak pernah meminta PIN, OTP, atau biaya admin agar bansos "
               "cair. Bansos tidak dicairkan lewat DANA atau OVO; penipuan dilaporkan ke Call Center 171.",
               title="Waspada penipuan bansos", program="lainnya"),
    fake_chunk("lansia-program", "Lansia dapat mengikuti BKL dan Sekolah Lansia; PKH komponen lansia "
               "Rp2.400.000 per tahun untuk satu orang per keluarga.", title="Program lansia", program="lansia"),
)


class FakeKnowledgeBase:
    """A ``KnowledgeBase`` that ranks chunks by word overlap; refuses when fewer than ``min_overlap`` words match.

    Answers are the best chunk's text with a [1] citation. Every ``ask`` is recorded in ``asked``
    as (question, audience) so tests can check rewriting and audience; ``declined_families`` sets
    what ``declined_family`` reports for a question.
    """

    def __init__(self, chunks: Sequence[Chunk] = DEFAULT_FAKE_CHUNKS, *, min_overlap: int = 2,
                 confidence: float = 0.9) -> None:
        self.chunks = list(chunks)
        self.min_overlap = min_overlap
        self.confidence = confidence
        self.asked: list[tuple[str, str]] = []
        self.searched: list[str] = []
        self.search_calls: list[tuple[str, int, dict[str, Any] | None]] = []
        self.ingested: list[Path] = []
        self.declined_families: dict[str, str] = {}  # question -> family ``declined_family`` reports

    def _rank(self, query: str) -> list[ScoredChunk]:
        q = _fake_tokens(query)
        scored = [(len(q & _fake_tokens(c.text + " " + c.title)), c) for c in self.chunks]
        scored = [(s, c) for s, c in scored if s > 0]
        scored.sort(key=lambda item: -item[0])
        return [ScoredChunk(chunk=c, score=float(s)) for s, c in scored]

    def search(
        self, query: str, k: int = 5, filters: Mapping[str, Any] | None = None, mode: str | None = None
    ) -> list[ScoredChunk]:
        """Word-overlap ranking whatever the ``mode``."""
        self.searched.append(query)
        self.search_calls.append((query, k, dict(filters) if filters is not None else None))
        hits = self._rank(query)
        if filters and filters.get("program"):
            hits = [h for h in hits if h.chunk.program == filters["program"]]
        return hits[:k]

    def ask(self, question: str, audience: str = "citizen", filters: Mapping[str, Any] | None = None) -> Answer:
        self.asked.append((question, audience))
        hits = self._rank(question)[:3]
        if not hits or hits[0].score < self.min_overlap:
            return Answer(text="Maaf, jawabannya tidak ada di pedoman.", refused=True, hits=tuple(hits))
        top = hits[0].chunk
        citation = Citation(n=1, doc_id=top.doc_id, title=top.title, section=top.section,
                            source_url=top.source_url, source_year=top.source_year, chunk_id=top.chunk_id,
                            regulations=regulations_cited_by(top.text, top.regulations))
        text = f"{top.text} [1]"
        if audience == "facilitator":
            text += " (Rujukan: pedoman program.)"
        return Answer(text=text, refused=False, citations=(citation,), confidence=self.confidence,
                      hits=tuple(hits))

    def answer_ready(self, question: str, audience: str = "citizen", filters: Mapping[str, Any] | None = None) -> bool:
        return False  # no answer cache: every ask is computed (and subclasses may make it slow)

    def declined_family(self, question: str) -> str | None:
        return self.declined_families.get(question)

    def chunk(self, chunk_id: str) -> Chunk | None:
        return next((c for c in self.chunks if c.chunk_id == chunk_id), None)

    def document(self, doc_id: str) -> DocumentInfo | None:
        return next((d for d in self.documents() if d.doc_id == doc_id), None)

    def documents(self) -> list[DocumentInfo]:
        return documents_of(self.chunks)

    def ingest(
        self, path: Path, *, rebuild: bool = False, progress: ProgressFactory | None = None, keep_others: bool = False
    ) -> IngestReport:
        """Records the call; the fake's chunks are fixed, so nothing is re-embedded."""
        self.ingested.append(path)
        return IngestReport(documents=len(self.documents()), chunks=len(self.chunks), embedded=0,
                            reused=len(self.chunks), unchanged=True, generation="fake")


@dataclasses.dataclass
class FakeHousehold:
    """One registry entry for ``FakeHouseholdLookup``: the NIK, its family-card number, region and status dict."""

    nik: str
    kk: str
    region_code: str
    status: EligibilityReport


def sample_status(kk_masked: str = "3204********0001", *, desil: int | None = 3) -> EligibilityReport:
    """A typed report like the engine's (``assistant eligibility NIK --json`` prints its ``to_dict()``)."""
    eligible, unknown = DecisionStatus.ELIGIBLE, DecisionStatus.UNKNOWN
    return EligibilityReport(
        kk=kk_masked, region_code="320401", desil=desil, as_of="2026-11-27",
        programs=(
            ProgramDecision(
                "PKH", eligible, "2026-11-27",
                reasons=(Reason("pkh.desil", f"desil keluarga {desil}, batas PKH desil 4", "pkh-syarat", desil, 4),
                         Reason("pkh.components", "komponen anak sekolah SD: B***, Rp900.000 per tahun",
                                "pkh-besaran", "sd", 900000)),
                components=(BenefitComponent("sd", 2, 900000, "B***", "3204********0003"),),
                annual_amount=900000, per_tahap_amount=225000),
            ProgramDecision(
                "KRS", unknown, "2026-11-27",
                reasons=(Reason("krs.drinking_water", "sumber air minum belum tercatat", "stunting-krs"),),
                missing=(MissingField("drinking_water", "sumber air minum"),
                         MissingField("members[1].birth_date", "tanggal lahir S*** A*****"))),
        ),
    )


class FakeHouseholdLookup:
    """A ``HouseholdLookup`` over a list of FakeHousehold, with the same errors as the real one.

    A wrong NIK or KK counts as a failed verification for the user; after ``max_failures`` the user
    gets ``RateLimitedError``. Facilitators see households whose region code starts with
    one of their regions. ``unavailable=True`` makes every call raise RegistryUnavailableError.
    """

    def __init__(self, households: Sequence[FakeHousehold] = (), *, max_failures: int = 3,
                 retry_after: int = 900, unavailable: bool = False) -> None:
        self.households = {h.nik: h for h in households}
        self.max_failures = max_failures
        self.retry_after = retry_after
        self.unavailable = unavailable
        self.failures: dict[str, int] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def citizen_status(self, *, user_id: str, nik: str, kk_number: str,
                       as_of: str | None = None) -> EligibilityReport:
        self.calls.append(("citizen", {"user_id": user_id, "nik": nik, "kk_number": kk_number}))
        if self.unavailable:
            raise RegistryUnavailableError("Registri tidak dapat dihubungi.")
        if self.failures.get(user_id, 0) >= self.max_failures:
            raise RateLimitedError("Terlalu banyak percobaan verifikasi.", retry_after=self.retry_after)
        household = self.households.get(nik)
        if household is None or household.kk != kk_number:
            self.failures[user_id] = self.failures.get(user_id, 0) + 1
            raise AccessDeniedError("NIK dan nomor KK tidak cocok.")
        return citizen_view(household.status)  # the production filter, so the fake cannot drift

    def facilitator_status(self, *, actor: str, regions: Sequence[str], nik: str,
                           as_of: str | None = None, assume: Sequence[str] = ()) -> EligibilityReport:
        self.calls.append(("facilitator", {"actor": actor, "regions": list(regions), "nik": nik, "as_of": as_of}))
        if self.unavailable:
            raise RegistryUnavailableError("Registri tidak dapat dihubungi.")
        household = self.households.get(nik)
        if household is None:
            raise NotFoundError("NIK tidak ditemukan.")
        if not any(household.region_code.startswith(r) for r in regions):
            raise AccessDeniedError("NIK di luar wilayah tugas.")
        if assume:
            return dataclasses.replace(household.status, assumptions=tuple(assume))
        return household.status


# --------------------------------------------------------------------------- embedder and vector index fakes


class HashEmbedder:
    """A deterministic ``Embedder``: hashed word and character-trigram features, unit length, stable across runs.

    Texts sharing words get similar vectors, so retrieval over it behaves like a weak lexical model:
    enough for tests of the plumbing around embeddings, with no model to load.
    """

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension
        self.model_id = f"hash-embedder-v1-{dimension}"

    def _features(self, text: str) -> list[str]:
        words = re.findall(r"\w+", text.lower())
        grams = [w[i:i + 3] for w in words for i in range(max(1, len(w) - 2))]
        return [f"w:{w}" for w in words] + [f"g:{g}" for g in grams]

    def _embed(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for feature in self._features(text):
            digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self.dimension
            vector[bucket] += 1.0 if digest[4] & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        if norm == 0.0:
            vector[0] = 1.0  # empty text still gets a unit vector
            return vector
        return vector / norm

    def warm_up(self) -> None:
        """Nothing to load."""

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_passages(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._embed(t) for t in texts])


class InMemorySnapshot:
    """One generation of ``InMemoryVectorIndex``: exact cosine search over a matrix."""

    def __init__(self, name: str, chunks: Sequence[Chunk], vectors: np.ndarray, tokens: Sequence[str],
                 info: Mapping[str, Any]) -> None:
        self.name = name
        self.info = dict(info)
        self._chunks = list(chunks)
        self._tokens = list(tokens)
        self._vectors = np.asarray(vectors, dtype=np.float32)

    def _allowed(self, chunk: Chunk, where: Mapping[str, Any] | None) -> bool:
        for key, value in (where or {}).items():
            if value in (None, ""):
                continue
            if key == "audience":
                if chunk.audience not in (value, "both"):
                    return False
            elif getattr(chunk, key, None) != value:
                return False
        return True

    def query(self, vector: np.ndarray, k: int, where: Mapping[str, Any] | None = None) -> list[tuple[str, float]]:
        if not self._chunks:
            return []
        scores = self._vectors @ np.asarray(vector, dtype=np.float32).reshape(-1)
        order = np.argsort(-scores, kind="stable")
        found = [(self._chunks[i].chunk_id, float(scores[i])) for i in order if self._allowed(self._chunks[i], where)]
        return found[:k]

    def chunks_with_tokens(self) -> list[tuple[Chunk, str]]:
        pairs = list(zip(self._chunks, self._tokens, strict=True))
        return sorted(pairs, key=lambda pair: (pair[0].doc_id, pair[0].ordinal))

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        position = {c.chunk_id: i for i, c in enumerate(self._chunks)}
        return {cid: self._vectors[position[cid]].copy() for cid in chunk_ids if cid in position}


class InMemoryVectorIndex:
    """A ``VectorIndex`` in process memory with the same generation semantics as the Chroma one."""

    def __init__(self) -> None:
        self._generations: dict[str, InMemorySnapshot] = {}
        self._active: str | None = None
        self._built = 0

    def active(self) -> InMemorySnapshot | None:
        return self._generations.get(self._active) if self._active else None

    def build(self, chunks: Sequence[Chunk], vectors: np.ndarray, tokens: Sequence[str], *,
              info: Mapping[str, Any]) -> InMemorySnapshot:
        self._built += 1
        name = f"mem-gen-{self._built:06d}-{uuid.uuid4().hex[:6]}"
        snapshot = InMemorySnapshot(name, chunks, vectors, tokens, info)
        self._generations[name] = snapshot
        return snapshot

    def activate(self, snapshot: IndexSnapshot) -> None:
        """Switch to ``snapshot`` and drop older generations (names sort by build order)."""
        self._active = snapshot.name
        for name in [n for n in self._generations if n < snapshot.name]:
            del self._generations[name]

    def close(self) -> None:
        self._generations.clear()
        self._active = None
