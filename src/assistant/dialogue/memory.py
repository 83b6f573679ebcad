"""Per-user conversation memory on a StateStore (in-process or Redis), with expiry.

Keys use a keyed hash of the user id (``KeyedHasher``), so the store never holds raw user ids and its
keys cannot be reversed by guessing. Stored text is redacted before it gets here. The state of an
unfinished status check (``status_flow.FlowState``, with the pending NIK it needs for the registry call
on the next turn) lives in a separate, short-lived key and is deleted as soon as the check ends.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.ports import StateStore
from assistant.privacy import KeyedHasher

MAX_TURNS = 8


@dataclass(slots=True)
class Turn:
    question: str  # redacted user text
    resolved: str  # redacted question after follow-up rewriting
    intent: str
    answer_id: str


@dataclass(slots=True)
class Memory:
    conversation_id: str
    turns: list[Turn] = field(default_factory=list)

    @property
    def last_question(self) -> str | None:
        for turn in reversed(self.turns):
            if turn.intent == "program_question":
                return turn.resolved
        return None

    @property
    def last_answer_id(self) -> str | None:
        """The latest reply that feedback can be about (not an earlier "thanks for the feedback")."""
        for turn in reversed(self.turns):
            if turn.intent != "feedback":
                return turn.answer_id
        return None

    def add(self, turn: Turn) -> None:
        self.turns.append(turn)
        del self.turns[:-MAX_TURNS]


class MemoryStore:
    """Load and save Memory and the serialised status-check state for a user; everything expires on its own."""

    def __init__(self, state: StateStore, hasher: KeyedHasher, *, ttl_seconds: int, flow_ttl_seconds: int = 900,
                 prefix: str = "dlg:") -> None:
        self._state = state
        self._hasher = hasher
        self._ttl = ttl_seconds
        self._flow_ttl = flow_ttl_seconds
        self._prefix = prefix

    def _key(self, kind: str, user_id: str) -> str:
        return f"{self._prefix}{kind}:{self._hasher.user(user_id)}"

    def load(self, user_id: str) -> Memory | None:
        raw = self._state.get(self._key("mem", user_id))
        if raw is None:
            return None
        data: dict[str, Any] = json.loads(raw)
        return Memory(data["conversation_id"], [Turn(**t) for t in data.get("turns", [])])

    def save(self, user_id: str, memory: Memory) -> None:
        payload = {"conversation_id": memory.conversation_id, "turns": [asdict(t) for t in memory.turns]}
        self._state.set(self._key("mem", user_id), json.dumps(payload, ensure_ascii=False), self._ttl)

    def load_flow(self, user_id: str) -> str | None:
        return self._state.get(self._key("flow", user_id))

    def save_flow(self, user_id: str, flow: str) -> None:
        self._state.set(self._key("flow", user_id), flow, self._flow_ttl)

    def clear_flow(self, user_id: str) -> None:
        self._state.delete(self._key("flow", user_id))

    def forget(self, user_id: str) -> None:
        self._state.delete(self._key("mem", user_id))
        self._state.delete(self._key("flow", user_id))
