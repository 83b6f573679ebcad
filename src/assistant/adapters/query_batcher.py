"""Micro-batching of concurrent query embeddings, on one or more lanes.

Under load, many requests each need one query vector at the same moment. Encoding them one at a
time costs a full model pass each; gathering the ones that arrive within a couple of milliseconds
into one batch costs little more than a single pass. The first caller becomes the leader: it waits
briefly for company, encodes everything queued, hands each caller its vector and repeats while
work remains. Other callers just wait for their vector.

With several lanes, a second leader may gather the next batch while the first one's pass runs, so
up to ``lanes`` passes run at once (one per core, each on one thread: on a small CPU two
single-threaded passes do more work per core than one pass split over both cores, and nobody
waits for a whole batch to finish before the next one starts). Only one leader gathers at a time,
so batches stay as large as the load allows.

A batch that fails is encoded again one item at a time, so one bad query (text the tokenizer
rejects) fails only its own caller, never the others that happened to share its model pass.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import numpy as np


class _Slot:
    __slots__ = ("text", "done", "vector", "error")

    def __init__(self, text: str) -> None:
        self.text = text
        self.done = threading.Event()
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None


class QueryBatcher:
    def __init__(
        self,
        encode: Callable[[Sequence[str]], np.ndarray],
        *,
        max_batch: int = 32,
        max_wait_seconds: float = 0.002,
        lanes: int = 1,
    ) -> None:
        self._encode = encode
        self._max_batch = max_batch
        self._max_wait = max_wait_seconds
        self._lanes = max(1, lanes)
        self._lock = threading.Lock()
        self._pending: list[_Slot] = []
        self._leaders = 0  # leaders gathering or encoding a batch, at most ``lanes``
        self._gathering = False  # one leader is waiting for company right now
        self.batches = 0
        self.queries = 0

    @property
    def max_batch(self) -> int:
        return self._max_batch

    def embed(self, text: str) -> np.ndarray:
        return self.embed_many([text])[0]

    def embed_many(self, texts: Sequence[str]) -> list[np.ndarray]:
        """One vector per text; the texts join the pending batch together (a question and its clauses)."""
        slots = [_Slot(text) for text in texts]
        with self._lock:
            self._pending.extend(slots)
            lead = not self._gathering and self._leaders < self._lanes
            if lead:
                self._leaders += 1
                self._gathering = True
        if lead:
            self._lead()
        vectors = []
        for slot in slots:
            slot.done.wait()
            if slot.error is not None:
                raise slot.error
            assert slot.vector is not None
            vectors.append(slot.vector)
        return vectors

    def _lead(self) -> None:
        """Gather and encode batches while work remains and no other leader is gathering it."""
        while True:
            if self._max_wait and len(self._pending) < self._max_batch:
                time.sleep(self._max_wait)  # let concurrent callers join this batch
            with self._lock:
                batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
                self._gathering = False
                if not batch:
                    self._leaders -= 1
                    return
            self._encode_batch(batch)
            with self._lock:
                if not self._pending or self._gathering:  # nothing left, or another leader has it
                    self._leaders -= 1
                    return
                self._gathering = True

    def _encode_batch(self, batch: list[_Slot]) -> None:
        try:
            vectors = self._encode([s.text for s in batch])
        except BaseException as exc:  # noqa: BLE001 - isolated below, re-raised only to its own caller
            if len(batch) == 1:
                batch[0].error = exc
                batch[0].done.set()
                return
            for slot in batch:  # find the culprit: every other caller still gets its vector
                self._encode_batch([slot])
            return
        self.batches += 1
        self.queries += len(batch)
        for slot, vector in zip(batch, vectors, strict=True):
            slot.vector = vector
            slot.done.set()
