"""The in-process state store forgets expired conversations on its own and stays bounded."""

from __future__ import annotations

from assistant.adapters.state import InMemoryStateStore
from assistant.dialogue.memory import Memory, MemoryStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_expired_conversations_are_removed_without_being_read_again():
    clock = Clock()
    state = InMemoryStateStore(clock)
    memories = MemoryStore(state, ttl_seconds=3600)
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
