"""A question whose answer is cached is answered on the event loop, with the same reply a worker thread gives."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.adapters.fakes import HashEmbedder
from assistant.adapters.state import InMemoryStateStore
from assistant.api.app import create_app
from assistant.services import Services
from tests.conftest import make_settings

REPO = Path(__file__).resolve().parents[1]
QUESTION = "Berapa bantuan PKH untuk anak SD?"
WORKER = "AnyIO worker thread"


class NetworkedState:
    """An in-process store that does not say so, as Redis would not: the API must not count on it."""

    def __init__(self) -> None:
        self._store = InMemoryStateStore()

    def __getattr__(self, name):
        return getattr(self._store, name)


def client_for(tmp_path: Path, **services) -> tuple[TestClient, Services, list[str]]:
    built = Services(make_settings(tmp_path), embedder=HashEmbedder(), **services)
    built.ingest(REPO / "knowledge" / "pkh")
    conversation = built.conversation
    threads: list[str] = []
    reply = conversation.reply

    def recording_reply(**kwargs):
        threads.append(threading.current_thread().name)
        return reply(**kwargs)

    conversation.reply = recording_reply  # type: ignore[method-assign]
    return TestClient(create_app(built)), built, threads


def ask(client: TestClient, text: str, user: str) -> dict:
    response = client.post("/v1/chat", json={"message": text, "user_id": user})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_cached_answer_skips_the_worker_threads_and_is_the_same_answer(tmp_path):
    client, services, threads = client_for(tmp_path)
    with client:
        first = ask(client, QUESTION, "ibu-ani")
        again = ask(client, QUESTION, "pak-budi")
        assert threads == [WORKER, threads[1]] and threads[1] != WORKER
        for field in ("answer", "citations", "refused", "intent", "suggestions"):
            assert again[field] == first[field]
        follow_up = ask(client, "kalau SMP?", "pak-budi")  # rewritten against memory: not "at once"
        assert threads[2] == WORKER and follow_up["answer"]
    rows = services.journal.interactions()
    assert [r["answer_id"] for r in rows] == [first["answer_id"], again["answer_id"], follow_up["answer_id"]]


def test_with_a_state_store_outside_the_process_every_reply_takes_a_worker_thread(tmp_path):
    client, services, threads = client_for(tmp_path, state=NetworkedState())
    assert services.local_state is False
    with client:
        ask(client, QUESTION, "ibu-ani")
        ask(client, QUESTION, "pak-budi")
    assert threads == [WORKER, WORKER]


@pytest.mark.parametrize("text", ["cek status bansos saya", "Petugas minta kode OTP supaya bantuan cair, benar tidak?"])
def test_status_checks_and_scam_warnings_take_a_worker_thread(tmp_path, text):
    client, _, threads = client_for(tmp_path)
    with client:
        ask(client, text, "ibu-ani")
        ask(client, text, "pak-budi")
    assert threads == [WORKER, WORKER]
