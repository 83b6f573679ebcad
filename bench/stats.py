"""Latency figures shared by the bench scripts: timing, nearest-rank percentiles, one way to print them.

The scripts run as ``python bench/<name>.py``, which puts bench/ first on sys.path, so they import
this module as ``from stats import ...``. The percentile is the one the eval report uses
(``assistant.evaluation.metrics.nearest_rank_percentile``), so bench and eval figures agree.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from assistant.evaluation.metrics import nearest_rank_percentile


def timed(fn: Callable[[Any], object], inputs: Iterable[Any]) -> list[float]:
    """Wall-clock milliseconds of ``fn(item)`` for each item of ``inputs``, one call at a time."""
    out = []
    for item in inputs:
        started = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def percentile(values: Sequence[float], q: float) -> float:
    """The value at 1-based rank ceil(q/100 * n) of the sorted values; NaN when there are none."""
    value = nearest_rank_percentile(values, q)
    return float("nan") if value is None else float(value)


def percentiles(
    values: Sequence[float], qs: Sequence[int] = (50, 95), digits: int | None = None
) -> dict[str, float]:
    """``{"p50": ..., "p95": ...}`` for ``qs``, rounded to ``digits`` when given."""
    found = {f"p{q}": percentile(values, q) for q in qs}
    return found if digits is None else {name: round(value, digits) for name, value in found.items()}


def format_ms(values: Sequence[float], qs: Sequence[int] = (50, 95), digits: int = 2) -> str:
    """One line of percentiles in milliseconds, e.g. ``p50    1.23 ms  p95    4.56 ms``."""
    return "  ".join(f"{name} {value:7.{digits}f} ms" for name, value in percentiles(values, qs).items())
