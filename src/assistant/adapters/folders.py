"""Write a folder aside and put it in place only when it is complete."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def build_aside(out_dir: Path, prefix: str = ".build-") -> Iterator[Path]:
    """Yield an empty work folder beside ``out_dir``; when the block succeeds it replaces ``out_dir``.

    A crash or Ctrl-C leaves the previous ``out_dir`` untouched and the work folder removed.
    """
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=prefix, dir=out_dir.parent))
    try:
        yield work
        if out_dir.exists():
            shutil.rmtree(out_dir)
        work.rename(out_dir)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
