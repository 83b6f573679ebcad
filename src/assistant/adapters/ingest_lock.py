"""One ingest at a time per data directory: an advisory lock file the kernel releases when the holder dies.

A second `assistant ingest` (or POST /v1/ingest) while one runs would build a second generation
beside the first and race it to the switch; it now stops at once with a message saying who holds
the lock. A crashed or SIGKILLed ingest releases the lock with its process, so nothing is left to
clean up by hand.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from assistant.errors import IngestBusyError

LOCK_NAME = "ingest.lock"


@contextlib.contextmanager
def ingest_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data directory's ingest lock for the block.

    Raises:
        IngestBusyError: another process (or thread) holds it.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise IngestBusyError(
                f"Indeks sedang diperbarui oleh proses lain (PID {holder}). Tunggu sampai selesai, "
                "lalu jalankan lagi bila perlu. Indeks yang aktif tetap dipakai."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
