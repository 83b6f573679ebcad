"""Per-client, per-user and per-key rate limits: 429 with Retry-After; Redis-shared between app instances."""

from __future__ import annotations

import uuid

import pytest

from assistant.adapters.state import InMemoryStateStore, RedisStateStore
from assistant.api.ratelimit import FixedWindowLimiter
from assistant.errors import RateLimitedError
from assistant.privacy import KeyedHasher
from tests.test_api_support import QUESTION, make_harness

REDIS_URL = "redis://127.0.0.1:6379/0"


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_fixed_window_counts_and_resets():
    clock = Clock(60 * 16_667 + 20.0)  # 20 s into a 60 s window
    limiter = FixedWindowLimiter(InMemoryStateStore(), window_seconds=60, clock=clock)
    assert [limiter.hit("client", "1.2.3.4", 2) for _ in range(2)] == [1, 2]
    with pytest.raises(RateLimitedError) as exc:
        limiter.hit("client", "1.2.3.4", 2)
    assert exc.value.retry_after == 40
    assert limiter.hit("client", "5.6.7.8", 2) == 1  # another client has its own count
    clock.now += 40  # next window
    assert limiter.hit("client", "1.2.3.4", 2) == 1


def test_anonymous_client_limit_gives_429_with_retry_after(tmp_path):
    h = make_harness(tmp_path, anonymous_rate_per_minute=3)
    for _ in range(3):
        assert h.client.post("/v1/chat", json={"message": QUESTION}).status_code == 200
    r = h.client.post("/v1/chat", json={"message": QUESTION})
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "rate_limited" and "detik" in r.json()["error"]["message"]
    assert 1 <= int(r.headers["retry-after"]) <= 61
    assert len(h.services.conversation.calls) == 3
    assert 'assistant_rate_limited_total{scope="client"} 1.0' in h.client.get("/metrics").text


def test_per_user_limit_applies_to_each_user(tmp_path):
    h = make_harness(tmp_path, anonymous_rate_per_minute=2, key_rate_per_minute=1000)
    for _ in range(2):
        assert h.client.post("/v1/chat", json={"message": QUESTION, "user_id": "ani"}, headers=h.facilitator).status_code == 200
    limited = h.client.post("/v1/chat", json={"message": QUESTION, "user_id": "ani"}, headers=h.facilitator)
    assert limited.status_code == 429 and limited.headers["retry-after"]
    other = h.client.post("/v1/chat", json={"message": QUESTION, "user_id": "budi"}, headers=h.facilitator)
    assert other.status_code == 200


def test_per_key_limit(tmp_path):
    h = make_harness(tmp_path, key_rate_per_minute=2)
    assert h.client.post("/v1/search", json={"query": "PKH"}, headers=h.facilitator).status_code == 200
    assert h.client.post("/v1/search", json={"query": "PKH"}, headers=h.facilitator).status_code == 200
    r = h.client.post("/v1/search", json={"query": "PKH"}, headers=h.facilitator)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    # anonymous callers are counted separately from the key
    assert h.client.post("/v1/search", json={"query": "PKH"}).status_code == 200


def test_health_and_metrics_are_not_rate_limited(tmp_path):
    h = make_harness(tmp_path, anonymous_rate_per_minute=1)
    for _ in range(5):
        assert h.client.get("/healthz").status_code == 200
        assert h.client.get("/readyz").status_code == 200


@pytest.fixture()
def redis_state():
    prefix = f"test-api-{uuid.uuid4().hex[:10]}:"
    store = RedisStateStore(REDIS_URL, prefix=prefix)
    try:
        store.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"Redis on 127.0.0.1:6379 is required: {exc}")
    yield store
    for key in store._redis.scan_iter(match=prefix + "*"):
        store._redis.delete(key)


@pytest.mark.redis
def test_redis_limits_are_shared_between_app_instances(tmp_path, redis_state):
    """Two apps (as two workers) on one Redis: the second sees the first one's count."""
    secret = KeyedHasher.ephemeral()  # workers share the privacy secret, as they share Redis
    a = make_harness(tmp_path / "a", state=redis_state, hasher=secret, anonymous_rate_per_minute=3)
    b = make_harness(tmp_path / "b", state=redis_state, hasher=secret, anonymous_rate_per_minute=3)
    assert a.client.post("/v1/chat", json={"message": QUESTION}).status_code == 200
    assert b.client.post("/v1/chat", json={"message": QUESTION}).status_code == 200
    assert a.client.post("/v1/chat", json={"message": QUESTION}).status_code == 200
    r = b.client.post("/v1/chat", json={"message": QUESTION})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    keys = list(redis_state._redis.scan_iter(match=redis_state._prefix + "rl:client:*"))
    assert len(keys) == 1 and "testclient" not in keys[0]  # identities are hashed
    assert 0 < redis_state._redis.ttl(keys[0]) <= 61
