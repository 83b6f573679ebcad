"""Shared helpers for the API tests (no tests here): Services built from the shared fakes, and a uvicorn runner.

``create_fake_app`` is also a ``uvicorn --factory`` target (``tests.test_api_support:create_fake_app``); it reads its data
folder from ASSISTANT_DATA_DIR, so a test can create API keys in the same SQLite file.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from assistant.adapters.fakes import (
    FakeHousehold,
    FakeHouseholdLookup,
    FakeKnowledgeBase,
    HashEmbedder,
    InMemoryVectorIndex,
    ScriptedConversation,
    sample_status,
)
from assistant.adapters.state import InMemoryStateStore
from assistant.errors import IndexNotReadyError
from assistant.models import Chunk, Citation, Regulation, Reply, ScoredChunk
from assistant.ports import StateStore
from assistant.privacy import KeyedHasher
from assistant.services import Services
from assistant.settings import Settings
from tests.support.servers import free_port

REPO_DIR = Path(__file__).resolve().parents[1]
QUESTION = "Berapa bantuan PKH untuk anak SD?"
FAILING_QUESTION = "Pertanyaan saat indeks belum siap"
NIK_IN_REGION = "3204010101900001"
NIK_OUT_OF_REGION = "3301010101900002"
NIK_UNKNOWN = "3204999999990003"

# The official Kemensos page on Inpres 4/2025 (an address the stored pages show).
INPRES_DTSEN = Regulation(
    type="Inpres", number="4", year=2025, title="Data Tunggal Sosial dan Ekonomi Nasional",
    url="https://kemensos.go.id/en/latest-news/social-minister/"
        "President-Signs-DTSEN-Instruction:-MoSA-to-Conduct-Random-Testing-and-In-depth-Data-Analysis",
)

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
        regulations=(INPRES_DTSEN,),
    ),
)


def _citation(n: int, chunk: Chunk) -> Citation:
    return Citation(n, chunk.doc_id, chunk.title, chunk.section, chunk.source_url, chunk.source_year, chunk.chunk_id,
                    regulations=chunk.regulations)


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
    """The shared ScriptedConversation, logging the raw text as a careless component might; one question fails."""

    def __init__(self) -> None:
        super().__init__({QUESTION: PKH_REPLY})

    def reply(self, **kwargs: Any) -> Reply:
        log.info("conversation got: %s", kwargs["text"])
        if kwargs["text"] == FAILING_QUESTION:
            raise IndexNotReadyError("Indeks pengetahuan belum dibuat. Jalankan dulu: assistant ingest")
        return super().reply(**kwargs)


def fake_lookup() -> FakeHouseholdLookup:
    """Two households; region scoping like the real registry (a key's region is a code prefix)."""
    return FakeHouseholdLookup([
        FakeHousehold(NIK_IN_REGION, "3204010101200001", "320401", sample_status("3204********0001")),
        FakeHousehold(NIK_OUT_OF_REGION, "3301010101200002", "330101", sample_status("3301********0002")),
    ])


def fake_index(chunks: tuple[Chunk, ...] = CHUNKS) -> InMemoryVectorIndex:
    """An in-memory index with one active generation of ``chunks`` (what readiness looks at)."""
    embedder = HashEmbedder()
    index = InMemoryVectorIndex()
    vectors = embedder.embed_passages([c.text for c in chunks])
    index.activate(index.build(chunks, vectors, [""] * len(chunks), info={"model_id": embedder.model_id}))
    return index


def fake_services(settings: Settings, *, state: StateStore | None = None, hasher: KeyedHasher | None = None
                  ) -> Services:
    """The real Services, with the shared fakes for the parts the API tests drive (registry: SQLite)."""
    return Services(
        settings, embedder=HashEmbedder(), index=fake_index(), knowledge=FakeKnowledgeBase(CHUNKS),
        state=state or InMemoryStateStore(), conversation=FakeConversation(), household_lookup=fake_lookup(),
        hasher=hasher,
    )


def make_settings(data_dir: Path, **api: Any) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, api=api)


def create_fake_app():
    """uvicorn factory: fake services, settings from the environment (ASSISTANT_DATA_DIR etc.)."""
    from assistant.api.app import create_app
    from assistant.api.logging import configure_logging

    settings = Settings(_env_file=None)
    configure_logging("INFO")
    return create_app(fake_services(settings))


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

    services: Services
    app: Any
    client: Any
    facilitator: dict[str, str]
    admin: dict[str, str]
    store: Any


def make_harness(data_dir: Path, *, state: Any = None, configure: Any = None, hasher: KeyedHasher | None = None,
                 **api: Any) -> ApiHarness:
    """``configure(services)`` may swap parts (e.g. the real ConversationService) before the app is built.

    Instances that play several workers share ``state`` and ``hasher`` (one privacy secret), as real workers do.
    """
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app

    services = fake_services(make_settings(data_dir, **api), state=state, hasher=hasher)
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
