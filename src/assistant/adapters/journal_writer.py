"""``BackgroundJournal``: a Journal whose ``record`` returns at once; one thread writes the rows in batches.

Why: a reply used to wait for its own INSERT and COMMIT. On the cached path that write was the
largest part of the work (measured with py-spy under bench/load_bench.py), and concurrent writers
queued on SQLite's single write lock. One writer thread that takes every row queued so far and
writes them in one transaction costs far less per row.

Nothing is lost or seen out of order:
- the queue is bounded; when the writer falls behind by ``max_pending`` rows, ``record`` waits for
  room instead of dropping a row;
- feedback, erasure and reads first wait until every row recorded before them is written, so they
  see the journal as direct writes would have left it (feedback finds its answer, erasure removes
  every row of the user);
- ``close`` (the app's shutdown) writes whatever is still queued before closing the store, and so
  does the interpreter's exit for a journal that was never closed.

A batch the store refuses is retried row by row, so one bad row costs only itself; a row that
cannot be written is logged and dropped, as a failed direct write was (a broken log must not cost
anyone their answer).
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections import deque
from typing import Any

from assistant.models import JournalEntry
from assistant.ports import Journal

log = logging.getLogger("assistant.journal")


class BackgroundJournal:
    """Implements ports.Journal over another Journal, writing recorded rows from one background thread.

    Args:
        inner: the journal that stores the rows (``SqlJournal``); its ``record_many`` is used when it has one.
        max_pending: rows queued at most before ``record`` waits for the writer.
        max_batch: rows written at most in one transaction.
        linger: seconds the writer waits, once woken, for more rows to join the batch (a flush or
            close does not wait for it).
    """

    def __init__(
        self, inner: Journal, *, max_pending: int = 10_000, max_batch: int = 500, linger: float = 0.05
    ) -> None:
        self.inner = inner
        self._max_pending = max_pending
        self._max_batch = max_batch
        self._linger = linger
        self._flushing = 0  # callers waiting in flush(): the writer does not linger for them
        self._queue: deque[JournalEntry] = deque()
        self._cond = threading.Condition()
        self._recorded = 0  # rows handed to record()
        self._written = 0  # rows the writer has finished with (written, or logged as failed)
        self._closed = False
        self._thread: threading.Thread | None = None
        ref = weakref.ref(self)

        def flush_at_exit() -> None:  # a weak reference: registering must not keep the journal alive
            journal = ref()
            if journal is not None:
                journal.flush()

        self._at_exit = flush_at_exit
        atexit.register(flush_at_exit)

    # ------------------------------------------------------------------ writes

    def record(self, entry: JournalEntry) -> None:
        with self._cond:
            if self._closed:
                self._write([entry])  # a late reply during shutdown: written directly
                return
            while len(self._queue) >= self._max_pending:
                self._cond.wait()
            self._queue.append(entry)
            self._recorded += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="journal-writer", daemon=True)
                self._thread.start()
            if len(self._queue) == 1:  # the writer waits only on an empty queue: wake it once per batch
                self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if not self._closed and not self._flushing and len(self._queue) < self._max_batch:
                    # woken by the first row: let the rows of the next moment join its transaction,
                    # so a busy server wakes this thread a few times a second, not once a reply
                    self._cond.wait(self._linger)
                if not self._queue:
                    return
                batch = [self._queue.popleft() for _ in range(min(len(self._queue), self._max_batch))]
                self._cond.notify_all()  # room for callers waiting in record()
            try:
                self._write(batch)
            finally:
                with self._cond:
                    self._written += len(batch)
                    self._cond.notify_all()

    def _write(self, batch: list[JournalEntry]) -> None:
        record_many = getattr(self.inner, "record_many", None)
        if record_many is not None and len(batch) > 1:
            try:
                record_many(batch)
                return
            except Exception:  # noqa: BLE001 - retried row by row below, so one bad row costs only itself
                log.debug("journal batch write failed; writing its rows one by one", exc_info=True)
        for entry in batch:
            try:
                self.inner.record(entry)
            except Exception:  # noqa: BLE001 - a broken log must not cost the user their answer
                log.warning("journal write failed", extra={"event": "journal_error", "answer_id": entry.answer_id},
                            exc_info=True)

    def flush(self) -> None:
        """Wait until every row recorded so far is written (rows recorded meanwhile are not waited for)."""
        with self._cond:
            target = self._recorded
            self._flushing += 1
            self._cond.notify_all()  # a lingering writer writes now
            try:
                while self._written < target and self._thread is not None and self._thread.is_alive():
                    self._cond.wait(1.0)
            finally:
                self._flushing -= 1

    # ------------------------------------------------------------------ reads and other writes: after a flush

    def add_feedback(self, answer_id: str, rating: str, comment: str, created_at: str) -> bool:
        self.flush()
        return self.inner.add_feedback(answer_id, rating, comment, created_at)

    def forget_user(self, user_hash: str) -> int:
        self.flush()
        return self.inner.forget_user(user_hash)

    def interactions(self, since: str | None = None) -> list[dict[str, Any]]:
        self.flush()
        return self.inner.interactions(since)

    def feedback_rows(self, since: str | None = None) -> list[dict[str, Any]]:
        self.flush()
        return self.inner.feedback_rows(since)

    def close(self) -> None:
        """Write what is queued, stop the writer and close the store."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join()
        atexit.unregister(self._at_exit)
        self.inner.close()
