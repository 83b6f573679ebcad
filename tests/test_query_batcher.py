"""The micro-batcher gives every caller its own vector and merges concurrent calls into few passes."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from assistant.adapters.query_batcher import QueryBatcher


class RecordingEncoder:
    def __init__(self, gate: threading.Event | None = None) -> None:
        self.calls: list[list[str]] = []
        self.gate = gate

        self.entered: list[str] = []

    def __call__(self, texts):
        self.entered.extend(texts)
        if self.gate is not None:
            self.gate.wait(5)
        self.calls.append(list(texts))
        return np.array([[float(len(t)), float(sum(map(ord, t)))] for t in texts], dtype=np.float32)


def test_single_caller_gets_its_vector():
    encoder = RecordingEncoder()
    batcher = QueryBatcher(encoder, max_wait_seconds=0)
    vector = batcher.embed("pkh")
    assert vector.tolist() == [3.0, float(sum(map(ord, "pkh")))]
    assert encoder.calls == [["pkh"]]


def test_concurrent_callers_share_passes_and_get_their_own_vectors():
    gate = threading.Event()
    encoder = RecordingEncoder(gate)
    batcher = QueryBatcher(encoder, max_wait_seconds=0.01)
    texts = [f"pertanyaan nomor {i}" for i in range(12)]
    results: dict[str, np.ndarray] = {}

    def ask(text):
        results[text] = batcher.embed(text)

    threads = [threading.Thread(target=ask, args=(t,)) for t in texts]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(encoder.entered) + len(batcher._pending) < len(texts) and time.monotonic() < deadline:
        time.sleep(0.001)  # the first pass is held until every caller has queued
    gate.set()
    for thread in threads:
        thread.join(10)
    assert set(results) == set(texts)
    for text, vector in results.items():
        assert vector.tolist() == [float(len(text)), float(sum(map(ord, text)))]
    assert sum(len(c) for c in encoder.calls) == len(texts)
    assert len(encoder.calls) < len(texts)  # merged: fewer model passes than queries


def test_errors_reach_every_waiting_caller():
    def broken(texts):
        raise RuntimeError("model gagal")

    batcher = QueryBatcher(broken, max_wait_seconds=0)
    with pytest.raises(RuntimeError):
        batcher.embed("pkh")
    with pytest.raises(RuntimeError):  # the batcher recovers for the next caller
        batcher.embed("dtsen")
