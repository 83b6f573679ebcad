"""Conversation memory on the real Redis at 127.0.0.1:6379, shared by two service instances."""

from __future__ import annotations

import uuid

import pytest

from assistant.adapters.fakes import FakeHousehold, FakeHouseholdLookup, FakeKnowledgeBase, sample_status
from assistant.adapters.state import RedisStateStore
from assistant.dialogue.service import ConversationService
from assistant.privacy import KeyedHasher

pytestmark = pytest.mark.redis

REDIS_URL = "redis://127.0.0.1:6379/0"
NIK = "3204015208850001"


@pytest.fixture
def redis_store():
    prefix = f"test-dialogue-{uuid.uuid4().hex}:"
    store = RedisStateStore(REDIS_URL, prefix=prefix)
    try:
        store.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"Redis at {REDIS_URL} is required for this test: {exc}")
    yield store
    raw = store._redis
    for key in raw.scan_iter(match=prefix + "*"):
        raw.delete(key)


SECRET = KeyedHasher.ephemeral()  # workers share the privacy secret, as they share Redis
KK = "3204011207250001"


def _service(store, kb, lookup):
    return ConversationService(kb, lookup, store, hasher=SECRET, memory_ttl_seconds=120, flow_ttl_seconds=60)


def test_two_instances_share_memory_and_flow(redis_store) -> None:
    kb = FakeKnowledgeBase()
    lookup = FakeHouseholdLookup([FakeHousehold(NIK, KK, "320401", sample_status())])
    worker_a, worker_b = _service(redis_store, kb, lookup), _service(redis_store, kb, lookup)

    first = worker_a.reply(user_id="web:1", channel="web", role="citizen", text="berapa bantuan PKH untuk anak SD?")
    second = worker_b.reply(user_id="web:1", channel="web", role="citizen", text="kalau untuk anak SMA?")
    assert kb.asked[-1][0] == "berapa bantuan PKH untuk anak SMA?"
    assert second.conversation_id == first.conversation_id

    worker_a.reply(user_id="web:1", channel="web", role="citizen", text="cek status")
    worker_b.reply(user_id="web:1", channel="web", role="citizen", text=NIK)
    done = worker_a.reply(user_id="web:1", channel="web", role="citizen", text=KK)
    assert done.extra["status_outcome"] == "verified"

    raw = redis_store._redis
    keys = list(raw.scan_iter(match=redis_store._prefix + "*"))
    assert keys, "memory lives in Redis"
    assert all("web:1" not in k for k in keys)  # keys use a hash of the user id
    values = " ".join(raw.get(k) or "" for k in keys)
    assert NIK not in values and KK[4:12] not in values and "[data cek status]" in values
    assert 0 < raw.ttl(keys[0]) <= 120

    worker_b.reply(user_id="web:1", channel="web", role="citizen", text="hapus data saya")
    assert list(raw.scan_iter(match=redis_store._prefix + "*")) == []
    worker_a.reply(user_id="web:1", channel="web", role="citizen", text="kalau untuk anak SMA?")
    assert kb.asked[-1][0] == "kalau untuk anak SMA?"
