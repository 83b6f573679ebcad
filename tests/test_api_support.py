"""Shared helpers for the API tests (no tests here): a fake-backed Services object and a uvicorn runner.

``create_fake_app`` is also a ``uvicorn --factory`` target (``tests.test_api_support:create_fake_app``); it reads its data
folder from ASSISTANT_DATA_DIR, so a test can create API keys in the same SQLite file.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from assistant.adapters.fakes import ScriptedConversation
from assistant.adapters.state import InMemoryStateStore
from assistant.errors import AccessDeniedError, IndexNotReadyError, NotFoundError
from assistant.models import Chunk, Citation, Reply, ScoredChunk
from assistant.settings import Settings
from tests.support.servers import free_port

REPO_DIR = Path(__file__).resolve().parents[1]
QUESTION = "Berapa bantuan PKH untuk anak SD?"
FAILING_QUESTION = "Pertanyaan saat indeks belum siap"
NIK_IN_REGION = "3204010101900001"
NIK_OUT_OF_REGION = "3301010101900002"
NIK_UNKNOWN = "3204999999990003"

CHUNKS = (
    Chunk(
        chunk_id="pkh-besaran#1",
        doc_id="pkh-besaran",
        text="Komponen anak sekolah dasar (SD) dalam PKH mendapat Rp900.000 per tahun, dibayar per tahap.",
        section="PKH > Besaran bantuan",
        title="PKH: besaran bantuan",
        program="pkh",
        source_url="https://kemensos.go.id/pkh",
        source_year=2024,
    ),
    Chunk(
        chunk_id="pkh-syarat#2",
        doc_id="pkh-syarat",
        text="Keluarga harus terdaftar di DTSEN dan memiliki komponen kesehatan, pendidikan atau kesejahteraan sosial.",
        section="PKH > Syarat",
        title="PKH: syarat kepesertaan",
        program="pkh",
        source_url="https://kemensos.go.id/pkh",
        source_year=2024,
    ),
)


def _citation(n: int, chunk: Chunk) -> Citation:
    return Citation(n, chunk.doc_id, chunk.title, chunk.section, chunk.source_url, chunk.source_year, chunk.chunk_id)


PKH_REPLY = Reply(
    text="Komponen anak SD dalam PKH mendapat Rp900.000 per tahun [1]. Syaratnya terdaftar di DTSEN [2].",
    refused=False,
    intent="program_question",
    conversation_id="",
    answer_id="",
    citations=(_citation(1, CHUNKS[0]), _citation(2, CHUNKS[1])),
    suggestions=("Kalau untuk anak SMA?", "Cek status kepesertaan saya"),
    hits=tuple(ScoredChunk(c, 0.9 - i / 10) for i, c in enumerate(CHUNKS)),
)

log = logging.getLogger("tests.fake_conversation")


class FakeConversation(ScriptedConversation):
    """ScriptedConversation plus feedback/forget; it logs the raw text, as a careless component might."""

    def __init__(self) -> None:
        super().__init__({QUESTION: PKH_REPLY})
        self.feedback_given: list[tuple[str, str, str | None]] = []

    def reply(self, **kwargs: Any) -> Reply:
        log.info("conversation got: %s", kwargs["text"])
        if kwargs["text"] == FAILING_QUESTION:
            raise IndexNotReadyError("Indeks pengetahuan belum dibuat. Jalankan dulu: assistant ingest")
        return super().reply(**kwargs)

    def feedback(self, answer_id: str, rating: str, comment: str | None = None) -> None:
        if not answer_id.startswith("ans-"):
            raise NotFoundError("Jawaban dengan id itu tidak ditemukan.")
        self.feedback_given.append((answer_id, rating, comment))

    def forget(self, user_id: str) -> None:
        return None


class FakeKnowledge:
    """Search by word overlap over CHUNKS; ``with_chunk_lookup`` toggles the optional ``chunk`` method."""

    def __init__(self, with_chunk_lookup: bool = True) -> None:
        self.searches: list[tuple[str, int, Any]] = []
        if with_chunk_lookup:
            self.chunk = lambda chunk_id: next((c for c in CHUNKS if c.chunk_id == chunk_id), None)

    def search(self, query: str, k: int = 5, filters: Any = None) -> list[ScoredChunk]:
        self.searches.append((query, k, filters))
        words = set(query.lower().split())
        scored = [ScoredChunk(c, len(words & set(c.text.lower().split())) / 10) for c in CHUNKS]
        return sorted(scored, key=lambda s: -s.score)[:k]

    def ask(self, question: str, audience: str = "citizen", filters: Any = None):  # pragma: no cover
        raise NotImplementedError


class FakeHouseholdLookup:
    """Two households; region scoping like the real registry (a key's region is a code prefix)."""

    households = {NIK_IN_REGION: "320401", NIK_OUT_OF_REGION: "330101"}

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def facilitator_status(self, *, actor: str, regions, nik: str, as_of: str | None = None) -> dict[str, Any]:
        self.calls.append({"actor": actor, "regions": tuple(regions), "nik": nik, "as_of": as_of})
        region = self.households.get(nik)
        if region is None:
            raise NotFoundError("NIK tidak ditemukan di data terpadu.")
        if not any(region.startswith(r) for r in regions):
            raise AccessDeniedError("NIK ini berada di luar wilayah tugas Anda.")
        return {"nik": f"{nik[:4]}********{nik[-4:]}", "registered": True, "region_code": region,
                "programs": [{"program": "pkh", "status": "eligible"}]}

    def citizen_status(self, **kwargs: Any) -> dict[str, Any]:  # pragma: no cover - not used by the API
        raise AccessDeniedError("Verifikasi gagal.")


@dataclass
class FakeServices:
    settings: Settings
    state: Any = field(default_factory=InMemoryStateStore)
    knowledge: Any = field(default_factory=FakeKnowledge)
    conversation: FakeConversation = field(default_factory=FakeConversation)
    household_lookup: FakeHouseholdLookup = field(default_factory=FakeHouseholdLookup)
    registry: Any = None
    ingest_calls: list[Any] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=lambda: {"index": True, "registry": True})

    def ready(self) -> dict[str, bool]:
        return dict(self.checks)

    def ingest(self, path=None) -> dict[str, Any]:
        self.ingest_calls.append(path)
        return {"documents": 2, "chunks": len(CHUNKS)}

    def documents(self) -> list[dict[str, Any]]:
        return [{"doc_id": c.doc_id, "title": c.title, "chunks": 1} for c in CHUNKS]


def make_settings(data_dir: Path, **api: Any) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, api=api)


def create_fake_app():
    """uvicorn factory: fake services, settings from the environment (ASSISTANT_DATA_DIR etc.)."""
    from assistant.api.app import create_app
    from assistant.api.logging import configure_logging

    settings = Settings(_env_file=None)
    configure_logging("INFO")
    return create_app(FakeServices(settings=settings))


class UvicornProcess:
    """A real uvicorn serving ``create_fake_app`` on a free loopback port."""

    def __init__(self, data_dir: Path, log_path: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        child_env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), **env}
        child_env["PYTHONPATH"] = os.pathsep.join([str(REPO_DIR), child_env.get("PYTHONPATH", "")])
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "tests.test_api_support:create_fake_app",
             "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log", "--log-level", "warning"],
            env=child_env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited: {log_path.read_text()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("uvicorn did not become healthy in 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


@dataclass
class ApiHarness:
    """An app on fake services with a facilitator (regions 3204, 3205) and an admin key."""

    services: FakeServices
    app: Any
    client: Any
    facilitator: dict[str, str]
    admin: dict[str, str]
    store: Any


def make_harness(data_dir: Path, *, state: Any = None, configure: Any = None, **api: Any) -> ApiHarness:
    """``configure(services)`` may swap parts (e.g. the real ConversationService) before the app is built."""
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app

    services = FakeServices(settings=make_settings(data_dir, **api))
    if state is not None:
        services.state = state
    if configure is not None:
        configure(services)
    app = create_app(services)
    store = app.state.keys
    _, facilitator = store.create(name="fasil-bandung", role="facilitator", regions=["3204", "3205"])
    _, admin = store.create(name="admin-pusat", role="admin")
    return ApiHarness(
        services, app, TestClient(app, raise_server_exceptions=False),
        {"X-API-Key": facilitator}, {"Authorization": f"Bearer {admin}"}, store,
    )
