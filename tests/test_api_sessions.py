"""The API with the real ConversationService, sessions in a real Redis shared by two app instances (workers)."""

from __future__ import annotations

import io
import logging
import re
import uuid

import pytest

from assistant.adapters.fakes import FakeHousehold, FakeHouseholdLookup, FakeKnowledgeBase, sample_status
from assistant.adapters.sqlite_journal import SQLiteJournal
from assistant.adapters.state import RedisStateStore
from assistant.api.logging import configure_logging
from assistant.dialogue.service import ConversationService
from assistant.privacy import KeyedHasher
from tests.test_api_support import make_harness

pytestmark = pytest.mark.redis

NIK = "3204015208850001"
KK = "3204011207250001"


@pytest.fixture()
def redis_state():
    prefix = f"test-api-sess-{uuid.uuid4().hex[:10]}:"
    store = RedisStateStore("redis://127.0.0.1:6379/0", prefix=prefix)
    store.ping()
    yield store
    for key in store._redis.scan_iter(match=prefix + "*"):
        store._redis.delete(key)


@pytest.fixture()
def workers(tmp_path, redis_state):
    """Two app instances over one Redis, one journal, one knowledge base and one registry (as two workers)."""
    kb = FakeKnowledgeBase()
    lookup = FakeHouseholdLookup([FakeHousehold(NIK, KK, "320401", sample_status())])
    journal = SQLiteJournal(tmp_path / "journal.sqlite3")
    secret = KeyedHasher.ephemeral()  # one privacy secret for every worker

    def configure(services):
        services.knowledge = kb
        services.household_lookup = lookup
        services.conversation = ConversationService(kb, lookup, redis_state, journal=journal, hasher=secret)

    a = make_harness(tmp_path / "a", state=redis_state, configure=configure, hasher=secret)
    b = make_harness(tmp_path / "b", state=redis_state, configure=configure, hasher=secret)
    yield a, b, kb, lookup
    journal.close()


def chat(h, text, user="ibu-ani", **kw):
    r = h.client.post("/v1/chat", json={"message": text, "user_id": user, **kw})
    assert r.status_code == 200, r.text
    return r.json()


def test_follow_up_is_resolved_on_another_worker(workers):
    a, b, kb, _ = workers
    first = chat(a, "berapa bantuan PKH untuk anak SD?")
    assert not first["refused"] and first["citations"][0]["doc_id"] == "pkh-besaran"
    follow = chat(b, "kalau untuk anak SMA?")
    assert follow["conversation_id"] == first["conversation_id"]
    assert "SMA" in kb.asked[-1][0] and "PKH" in kb.asked[-1][0]
    assert "Rp2.000.000" in follow["answer"]
    # another user on the same worker has no such memory
    chat(b, "kalau untuk anak SMA?", user="orang-lain")
    assert "PKH" not in kb.asked[-1][0]


def test_citizen_status_check_across_workers_without_leaking_the_nik(workers):
    a, b, _, lookup = workers
    stream = io.StringIO()
    handler = configure_logging("DEBUG", stream)
    try:
        ask_nik = chat(a, "Cek status saya")
        assert "NIK" in ask_nik["answer"]
        ask_kk = chat(b, NIK)
        assert "3204********0001" in ask_kk["answer"] and NIK not in ask_kk["answer"]
        result = chat(a, KK)
    finally:
        logging.getLogger().removeHandler(handler)
    assert "memenuhi syarat" in result["answer"] and NIK not in result["answer"]
    assert lookup.calls[-1][0] == "citizen" and lookup.calls[-1][1]["kk_number"] == KK
    logs = stream.getvalue()
    assert "chat reply" in logs
    assert re.search(r"(?<!\d)\d{16}(?!\d)", logs) is None
    for key in a.services.state._redis.scan_iter(match=a.services.state._prefix + "*"):
        value = a.services.state._redis.get(key) or ""
        assert NIK not in value, f"full NIK stored in Redis under {key}"
        assert KK[4:12] not in value, f"KK stored in Redis under {key}"


def test_feedback_on_a_real_answer(workers):
    a, b, _, _ = workers
    answer = chat(a, "berapa bantuan PKH untuk anak SD?")
    r = b.client.post("/v1/feedback", json={"answer_id": answer["answer_id"], "rating": "up", "comment": "jelas"})
    assert r.status_code == 200
    missing = b.client.post("/v1/feedback", json={"answer_id": "tidak-ada", "rating": "up"})
    assert missing.status_code == 404 and missing.json()["error"]["message"]


def test_erase_my_data_starts_a_fresh_conversation(workers):
    a, b, kb, _ = workers
    first = chat(a, "berapa bantuan PKH untuk anak SD?")
    chat(b, "hapus data saya")
    after = chat(a, "kalau untuk anak SMA?")
    assert after["conversation_id"] != first["conversation_id"]
    assert kb.asked[-1][0] == "kalau untuk anak SMA?"  # nothing left to resolve the follow-up against


def test_facilitator_key_role_and_regions_reach_the_service(workers):
    a, _, kb, lookup = workers
    r = a.client.post("/v1/chat", json={"message": "berapa bantuan PKH untuk anak SD?", "user_id": "f1"},
                      headers=a.facilitator)
    assert r.status_code == 200 and kb.asked[-1][1] == "facilitator"
    a.client.post("/v1/chat", json={"message": f"cek status NIK {NIK}", "user_id": "f1"}, headers=a.facilitator)
    facilitator_calls = [c for c in lookup.calls if c[0] == "facilitator"]
    assert facilitator_calls and facilitator_calls[-1][1]["regions"] == ["3204", "3205"]
    assert facilitator_calls[-1][1]["actor"]  # the service names the caller
