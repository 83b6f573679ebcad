"""/v1/chat with ASSISTANT_GENERATOR=llm: the real services (ingest, retrieval, conversation, journal)
over the LLM generator and a scripted OpenAI-compatible server on loopback; streaming as SSE.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.adapters.fakes import HashEmbedder, InMemoryVectorIndex
from assistant.adapters.state import InMemoryStateStore
from assistant.api.app import create_app
from assistant.services import Services
from assistant.settings import Settings
from tests.support.fake_llm import citing
from tests.support.fake_openai import FakeOpenAI

KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge"
QUESTION = "Berapa bantuan PKH untuk ibu hamil?"


@pytest.fixture
def llm_api(tmp_path):
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    for name in ("faq/pkh-warga.md", "pkh/pkh-komponen-besaran.md", "pkh/pkh-cara-daftar-usul.md"):
        shutil.copy(KNOWLEDGE / name, knowledge / Path(name).name)
    with FakeOpenAI() as fake:
        settings = Settings(_env_file=None, data_dir=tmp_path / "data", generator="llm",
                            llm={"base_url": fake.base_url, "model": "model-uji", "max_retries": 0},
                            # the hash embedder carries no meaning, so the semantic scope check is off here
                            answer={"scope_margin": None})
        services = Services(settings, embedder=HashEmbedder(), index=InMemoryVectorIndex(), state=InMemoryStateStore())
        services.ingest(knowledge)
        with TestClient(create_app(services)) as client:
            yield fake, client, services


def _events(client: TestClient, message: str) -> list[tuple[str, dict]]:
    events, event = [], None
    with client.stream("POST", "/v1/chat", json={"message": message, "stream": True}) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event:
                events.append((event, json.loads(line[6:])))
    return events


def test_grounded_reply_streams_and_is_used_as_written(llm_api):
    fake, client, services = llm_api
    fake.responder = citing("Bantuan PKH untuk ibu hamil adalah Rp3.000.000 per tahun", "Rp3.000.000", "hamil")
    fake.stream_gap = 0.05  # a model writing: the draft reaches the client in several pieces
    events = _events(client, QUESTION)
    names = [name for name, _ in events]
    assert names[0] == "start" and names[-1] == "done" and names.count("delta") >= 2
    assert fake.requests[0]["body"]["stream"] is True
    done = events[-1][1]
    assert done["answer"].startswith("Bantuan PKH untuk ibu hamil adalah Rp3.000.000 per tahun [1].")
    assert done["citations"][0]["chunk_id"]
    [row] = services.journal.interactions()
    assert row["generation"]["llm_outcome"] == "used" and row["generation"]["prompt_version"]


def test_invented_figure_is_streamed_as_a_draft_then_replaced_by_the_correct_answer(llm_api):
    fake, client, services = llm_api
    fake.responder = citing("Bantuan PKH untuk ibu hamil adalah Rp10.000.000 per tahun", "Rp3.000.000", "hamil")
    events = _events(client, QUESTION)
    draft = "".join(d["text"] for name, d in events if name == "delta")
    assert "Rp10.000.000" in draft
    [replace] = [d for name, d in events if name == "replace"]
    done = events[-1][1]
    assert replace["text"] == done["answer"]
    assert "Rp10.000.000" not in done["answer"] and "Rp3.000.000" in done["answer"]
    [row] = services.journal.interactions()
    assert row["generation"]["fallback_reason"] == "unsupported_fact"
    assert "Rp10.000.000" not in row["answer"]
    metrics = client.get("/metrics").text
    assert 'assistant_llm_fallbacks_total{reason="unsupported_fact"} 1.0' in metrics
    assert 'assistant_llm_answers_total{outcome="fallback"} 1.0' in metrics
    assert 'assistant_llm_tokens_total{kind="prompt"} 10.0' in metrics
    assert "assistant_llm_call_duration_seconds_count 1.0" in metrics


def test_a_streamed_nik_is_never_shown(llm_api):
    fake, client, _ = llm_api
    fake.responder = lambda body: "NIK 3204 1234 5678 0001 terdaftar, bantuan ibu hamil Rp3.000.000 per tahun [1]."
    events = _events(client, "Berapa PKH ibu hamil? NIK saya 3204123456780001")
    streamed = json.dumps(events)
    assert "3204123456780001" not in streamed and "1234 5678" not in streamed
    assert "3204********0001" in "".join(d["text"] for name, d in events if name == "delta")


def test_endpoint_down_still_answers_over_json(llm_api):
    fake, client, _ = llm_api
    fake.status = 500
    body = client.post("/v1/chat", json={"message": QUESTION}).json()
    assert "Rp3.000.000" in body["answer"] and body["citations"]
