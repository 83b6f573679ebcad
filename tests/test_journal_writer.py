"""The background journal writer: replies never wait for their row, and no row is lost or read too early."""

from __future__ import annotations

import logging
import threading
import time

from assistant.adapters.journal_writer import BackgroundJournal
from assistant.adapters.sql_journal import SqlJournal
from assistant.dialogue.journal import JournalEntry
from tests.support.waiting import wait_until


def entry(answer_id: str, user: str = "u1") -> JournalEntry:
    return JournalEntry(answer_id=answer_id, conversation_id="c1", user_hash=user, channel="api", role="citizen",
                        intent="program_question", question="Kapan PKH cair?", resolved_question="kapan pkh cair",
                        answer="Jawaban.", refused=False, doc_ids=("pkh",), latency_ms=1.0,
                        created_at="2026-11-30T10:00:00+00:00")


class GatedJournal:
    """A journal that holds every write until the test opens the gate, and records how rows arrived."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.inner = SqlJournal("sqlite://")
        self.gate = threading.Event()
        self.calls: list[list[str]] = []
        self.fail_on = fail_on

    def record(self, e: JournalEntry) -> None:
        self.record_many([e])

    def record_many(self, entries) -> None:
        self.gate.wait(10)
        self.calls.append([e.answer_id for e in entries])
        if self.fail_on in (e.answer_id for e in entries):
            raise RuntimeError("baris rusak")
        self.inner.record_many(entries)

    def close(self) -> None:
        self.closed_with = len(self.inner.interactions())
        self.inner.close()

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_record_returns_before_the_row_is_written_and_reads_wait_for_it():
    store = GatedJournal()
    journal = BackgroundJournal(store)
    started = time.perf_counter()
    journal.record(entry("a1"))
    assert time.perf_counter() - started < 1.0 and store.calls == []  # the store is still held
    threading.Timer(0.05, store.gate.set).start()
    assert [r["answer_id"] for r in journal.interactions()] == ["a1"]  # the read waited for the writer
    journal.close()


def test_rows_queued_meanwhile_are_written_together_in_order():
    store = GatedJournal()
    journal = BackgroundJournal(store)
    journal.record(entry("a0"))
    assert wait_until(lambda: not journal._queue)  # the writer holds a0 at the gate
    for i in range(1, 6):
        journal.record(entry(f"a{i}"))
    store.gate.set()
    assert [r["answer_id"] for r in journal.interactions()] == [f"a{i}" for i in range(6)]
    assert store.calls == [["a0"], ["a1", "a2", "a3", "a4", "a5"]]
    journal.close()


def test_a_full_queue_makes_record_wait_instead_of_dropping_rows():
    store = GatedJournal()
    journal = BackgroundJournal(store, max_pending=2)
    journal.record(entry("a0"))
    assert wait_until(lambda: not journal._queue)
    journal.record(entry("a1"))
    journal.record(entry("a2"))
    third = threading.Thread(target=journal.record, args=(entry("a3"),))
    third.start()
    time.sleep(0.05)
    assert third.is_alive()  # waiting for room
    store.gate.set()
    third.join(10)
    assert [r["answer_id"] for r in journal.interactions()] == ["a0", "a1", "a2", "a3"]
    journal.close()


def test_close_writes_every_queued_row_before_closing_the_store():
    store = GatedJournal()
    journal = BackgroundJournal(store)
    for i in range(3):
        journal.record(entry(f"a{i}"))
    threading.Timer(0.05, store.gate.set).start()
    journal.close()
    assert store.closed_with == 3  # every row was in the store when it was closed


def test_feedback_on_a_just_recorded_answer_finds_it():
    store = GatedJournal()
    store.gate.set()
    journal = BackgroundJournal(store)
    for i in range(50):
        journal.record(entry(f"a{i}"))
        assert journal.add_feedback(f"a{i}", "up", "", "2026-11-30T10:01:00+00:00")
    assert len(journal.feedback_rows()) == 50
    journal.close()


def test_one_bad_row_costs_only_itself(caplog):
    store = GatedJournal(fail_on="bad")
    journal = BackgroundJournal(store)
    journal.record(entry("a0"))
    assert wait_until(lambda: not journal._queue)
    for name in ("a1", "bad", "a2"):
        journal.record(entry(name))
    with caplog.at_level(logging.WARNING, logger="assistant.journal"):
        store.gate.set()
        rows = journal.interactions()
    assert [r["answer_id"] for r in rows] == ["a0", "a1", "a2"]
    assert any(r.getMessage() == "journal write failed" and r.answer_id == "bad" for r in caplog.records)
    journal.close()


def test_rows_of_the_next_moment_join_one_transaction_and_a_flush_does_not_wait_for_them():
    store = GatedJournal()
    store.gate.set()
    journal = BackgroundJournal(store, linger=30.0)  # woken by the first row, the writer lingers for more
    for n in range(20):
        journal.record(entry(f"a{n}"))
    started = time.perf_counter()
    journal.flush()  # cuts the linger short
    assert time.perf_counter() - started < 10.0
    assert store.calls == [[f"a{n}" for n in range(20)]]  # one transaction, in order
    journal.close()
