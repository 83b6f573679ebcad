"""The in-process state store forgets expired conversations on its own and stays bounded."""

from __future__ import annotations

from assistant.adapters.state import InMemoryStateStore
from assistant.dialogue.memory import Memory, MemoryStore
from assistant.privacy import KeyedHasher


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_expired_conversations_are_removed_without_being_read_again():
    clock = Clock()
    state = InMemoryStateStore(clock)
    memories = MemoryStore(state, KeyedHasher(b"k" * 32), ttl_seconds=3600)
    for i in range(500):
        memories.save(f"user-{i}", Memory(f"c-{i}"))
    assert len(state) == 500
    clock.now += 3601  # every one of those conversations has expired, and nobody asks for them again
    memories.save("a-new-user", Memory("c-new"))
    assert len(state) == 1
    assert memories.load("a-new-user") is not None


def test_live_keys_survive_a_sweep():
    clock = Clock()
    state = InMemoryStateStore(clock, sweep_seconds=10)
    state.set("short", "x", 5)
    state.set("long", "y", 100)
    clock.now += 11
    state.incr("counter", 60)
    assert state.get("short") is None and state.get("long") == "y" and state.get("counter") == "1"
    assert len(state) == 2


def test_the_store_never_holds_more_than_its_bound():
    clock = Clock()
    state = InMemoryStateStore(clock, max_keys=100)
    for i in range(1000):
        state.set(f"k{i}", "v", 3600 + i)  # all alive: the bound, not expiry, must keep it small
    assert len(state) <= 100
    assert state.get("k999") == "v"  # the ones that live longest are kept


class FlakyRedis:
    """Stands in for RedisStateStore: raises what redis-py raises while ``down``."""

    def __init__(self) -> None:
        self.down = False
        self.data: dict[str, str] = {}
        self.calls = 0

    def _check(self) -> None:
        import redis

        self.calls += 1
        if self.down:
            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    def get(self, key):
        self._check()
        return self.data.get(key)

    def set(self, key, value, ttl_seconds):
        self._check()
        self.data[key] = value

    def incr(self, key, ttl_seconds):
        self._check()
        self.data[key] = str(int(self.data.get(key, "0")) + 1)
        return int(self.data[key])

    def ping(self):
        self._check()
        return True


def test_redis_outage_falls_back_warns_once_and_recovers(caplog):
    import logging

    from assistant.adapters.state import ResilientStateStore

    primary = FlakyRedis()
    store = ResilientStateStore(primary, retry_seconds=0.5)  # type: ignore[arg-type]
    store.set("a", "1", 60)
    assert primary.data == {"a": "1"}
    primary.down = True
    caplog.set_level(logging.INFO)
    for _ in range(50):
        store.incr("hits", 60)
    assert store.get("hits") == "50" and store.ping() is False  # counted per process meanwhile
    assert primary.calls < 10  # the outage is remembered: Redis is not asked on every call
    primary.down = False
    import time

    time.sleep(0.6)
    store.set("b", "2", 60)
    assert primary.data["b"] == "2" and store.ping() is True
    lines = [r.getMessage() for r in caplog.records if r.name == "assistant.outage"]
    assert len(lines) == 2 and "redis unavailable" in lines[0] and "redis is back" in lines[1]
    assert not [r for r in caplog.records if r.exc_info]
