"""The micro-batcher gives every caller its own vector and merges concurrent calls into few passes."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from assistant.adapters.query_batcher import QueryBatcher
from tests.support.waiting import wait_until


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
    # the first pass is held until every caller has queued
    wait_until(lambda: len(encoder.entered) + len(batcher._pending) >= len(texts))
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


def test_one_failing_query_never_fails_the_others_in_its_batch():
    calls: list[list[str]] = []

    def picky(texts):
        calls.append(list(texts))
        if any("\ud800" in t for t in texts):
            raise TypeError("tokenizer rejects lone surrogates")
        return np.array([[float(len(t))] for t in texts], dtype=np.float32)

    batcher = QueryBatcher(picky, max_wait_seconds=0.5)  # long enough for every thread to join one batch
    texts = [f"pertanyaan {i}" for i in range(6)] + ["rusak \ud800"]
    results: dict[str, object] = {}

    def ask(text):
        try:
            results[text] = batcher.embed(text).tolist()
        except TypeError as exc:
            results[text] = exc

    threads = [threading.Thread(target=ask, args=(t,)) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert isinstance(results.pop("rusak \ud800"), TypeError)
    assert results == {t: [float(len(t))] for t in texts[:-1]}
    assert any(len(call) > 1 and "rusak \ud800" in call for call in calls)  # they really shared a batch


def _ask_in_thread(batcher: QueryBatcher, text: str, results: dict[str, np.ndarray]) -> threading.Thread:
    thread = threading.Thread(target=lambda: results.__setitem__(text, batcher.embed(text)))
    thread.start()
    return thread


def test_with_two_lanes_a_second_batch_runs_while_the_first_pass_is_held():
    gate = threading.Event()
    encoder = RecordingEncoder(gate)
    batcher = QueryBatcher(encoder, max_wait_seconds=0, lanes=2)
    results: dict[str, np.ndarray] = {}
    first = _ask_in_thread(batcher, "pkh", results)
    assert wait_until(lambda: encoder.entered == ["pkh"])
    second = _ask_in_thread(batcher, "dtsen", results)
    assert wait_until(lambda: len(encoder.entered) == 2)  # its own pass, though the first has not finished
    gate.set()
    first.join(10)
    second.join(10)
    assert results["dtsen"].tolist() == [5.0, float(sum(map(ord, "dtsen")))]
    assert sorted(encoder.calls) == [["dtsen"], ["pkh"]]


def test_with_one_lane_the_next_batch_waits_for_the_running_pass():
    gate = threading.Event()
    encoder = RecordingEncoder(gate)
    batcher = QueryBatcher(encoder, max_wait_seconds=0, lanes=1)
    results: dict[str, np.ndarray] = {}
    first = _ask_in_thread(batcher, "pkh", results)
    assert wait_until(lambda: encoder.entered == ["pkh"])
    second = _ask_in_thread(batcher, "dtsen", results)
    assert wait_until(lambda: len(batcher._pending) == 1)
    time.sleep(0.05)  # room for a wrong second pass to start
    assert encoder.entered == ["pkh"]
    gate.set()
    first.join(10)
    second.join(10)
    assert encoder.calls == [["pkh"], ["dtsen"]]
    assert set(results) == {"pkh", "dtsen"}


def test_several_texts_of_one_caller_share_a_pass_and_keep_their_order():
    encoder = RecordingEncoder()
    batcher = QueryBatcher(encoder, max_wait_seconds=0)
    texts = ["apakah dapat PKH", "pkh", "syarat daftar DTSEN"]
    vectors = batcher.embed_many(texts)
    assert [v.tolist() for v in vectors] == [[float(len(t)), float(sum(map(ord, t)))] for t in texts]
    assert encoder.calls == [texts]


def test_no_pass_holds_more_than_max_batch_queries():
    encoder = RecordingEncoder()
    batcher = QueryBatcher(encoder, max_batch=2, max_wait_seconds=0)
    texts = [f"pertanyaan {i}" for i in range(5)]
    vectors = batcher.embed_many(texts)
    assert [v[0] for v in vectors] == [float(len(t)) for t in texts]
    assert [len(c) for c in encoder.calls] == [2, 2, 1]
