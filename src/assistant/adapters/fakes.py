"""Deterministic fakes of the ports, shipped as production code for tests and demos."""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.errors import AccessDeniedError, NotFoundError, RateLimitedError, RegistryUnavailableError
from assistant.models import Answer, Chunk, Citation, Reply, ScoredChunk


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
    ) -> Reply:
        self.calls.append(
            {
                "user_id": user_id,
                "channel": channel,
                "role": role,
                "text": text,
                "audience": audience,
                "conversation_id": conversation_id,
            }
        )
        if conversation_id is None:
            self._conversations += 1
            conversation_id = f"conv-{self._conversations}"
        reply = self.script.get(text, self.default)
        return dataclasses.replace(reply, conversation_id=conversation_id, answer_id=reply.answer_id or f"ans-{len(self.calls)}")


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
    as (question, audience) so tests can check rewriting and audience.
    """

    def __init__(self, chunks: Sequence[Chunk] = DEFAULT_FAKE_CHUNKS, *, min_overlap: int = 2,
                 confidence: float = 0.9) -> None:
        self.chunks = list(chunks)
        self.min_overlap = min_overlap
        self.confidence = confidence
        self.asked: list[tuple[str, str]] = []
        self.searched: list[str] = []

    def _rank(self, query: str) -> list[ScoredChunk]:
        q = _fake_tokens(query)
        scored = [(len(q & _fake_tokens(c.text + " " + c.title)), c) for c in self.chunks]
        scored = [(s, c) for s, c in scored if s > 0]
        scored.sort(key=lambda item: -item[0])
        return [ScoredChunk(chunk=c, score=float(s)) for s, c in scored]

    def search(self, query: str, k: int = 5, filters: Mapping[str, Any] | None = None) -> list[ScoredChunk]:
        self.searched.append(query)
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
                            source_url=top.source_url, source_year=top.source_year, chunk_id=top.chunk_id)
        text = f"{top.text} [1]"
        if audience == "facilitator":
            text += " (Rujukan: pedoman program.)"
        return Answer(text=text, refused=False, citations=(citation,), confidence=self.confidence,
                      hits=tuple(hits))


@dataclasses.dataclass
class FakeHousehold:
    """One registry entry for ``FakeHouseholdLookup``: the NIK, its birth date, region and status dict."""

    nik: str
    birth_date: str  # YYYY-MM-DD
    region_code: str
    status: dict[str, Any]


def sample_status(kk_masked: str = "3204********0001", *, desil: int | None = 3) -> dict[str, Any]:
    """A status dict shaped like ``assistant eligibility NIK --json``."""
    return {
        "kk": kk_masked, "region_code": "320401", "desil": desil, "as_of": "2026-11-27",
        "programs": [
            {"program": "PKH", "status": "eligible",
             "components": [{"component": "sd", "member": "B***", "annual_amount": 900000}],
             "annual_amount": 900000, "per_tahap_amount": 225000,
             "reasons": ["desil keluarga 3, batas PKH desil 4", "ada anak SD"],
             "sources": ["pkh-syarat", "pkh-besaran"], "missing": []},
            {"program": "KRS", "status": "unknown", "reasons": ["data air minum belum tercatat"],
             "sources": ["stunting-krs"], "missing": ["drinking_water", "members[1].birth_date"]},
        ],
    }


class FakeHouseholdLookup:
    """A ``HouseholdLookup`` over a list of FakeHousehold, with the same errors as the real one.

    A wrong NIK or birth date counts as a failed verification for the user; after ``max_failures``
    the user gets ``RateLimitedError``. Facilitators see households whose region code starts with
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

    def citizen_status(self, *, user_id: str, nik: str, birth_date: str, as_of: str | None = None) -> dict[str, Any]:
        self.calls.append(("citizen", {"user_id": user_id, "nik": nik, "birth_date": birth_date}))
        if self.unavailable:
            raise RegistryUnavailableError("Registri tidak dapat dihubungi.")
        if self.failures.get(user_id, 0) >= self.max_failures:
            raise RateLimitedError("Terlalu banyak percobaan verifikasi.", retry_after=self.retry_after)
        household = self.households.get(nik)
        if household is None or household.birth_date != birth_date:
            self.failures[user_id] = self.failures.get(user_id, 0) + 1
            raise AccessDeniedError("NIK dan tanggal lahir tidak cocok.")
        return copy.deepcopy(household.status)

    def facilitator_status(self, *, actor: str, regions: Sequence[str], nik: str,
                           as_of: str | None = None) -> dict[str, Any]:
        self.calls.append(("facilitator", {"actor": actor, "regions": list(regions), "nik": nik}))
        if self.unavailable:
            raise RegistryUnavailableError("Registri tidak dapat dihubungi.")
        household = self.households.get(nik)
        if household is None:
            raise NotFoundError("NIK tidak ditemukan.")
        if not any(household.region_code.startswith(r) for r in regions):
            raise AccessDeniedError("NIK di luar wilayah tugas.")
        return copy.deepcopy(household.status)
