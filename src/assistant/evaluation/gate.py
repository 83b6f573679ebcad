"""Regression gate: compare a run's summary with committed thresholds.

A thresholds file is a JSON object of summary metric -> number, e.g.
``{"pass_rate": 0.8, "fact_coverage": 0.85, "refusal_precision": 0.9, "refusal_recall": 0.9}``.
For most metrics the threshold is a minimum; for ``forbidden_rate``, ``latency_p50_ms`` and
``latency_p95_ms`` (lower is better) it is a maximum. A metric that could not be measured (null)
fails the gate: a gate that silently passes on missing data guards nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.errors import InputError
from assistant.evaluation.metrics import SUMMARY_KEYS

LOWER_IS_BETTER = frozenset({"forbidden_rate", "latency_p50_ms", "latency_p95_ms"})
GATEABLE = frozenset(SUMMARY_KEYS) - {"cases"}


def load_thresholds(path: Path | str) -> dict[str, float]:
    """Read and validate a thresholds file.

    Raises:
        InputError: unreadable file, not an object, unknown metric or non-numeric threshold.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"Berkas ambang {path} tidak bisa dibaca: {exc}") from exc
    if not isinstance(data, dict) or not data:
        raise InputError(f"Berkas ambang {path} harus berupa objek JSON, mis. {{\"pass_rate\": 0.8}}.")
    for name, value in data.items():
        if name not in GATEABLE:
            raise InputError(
                f"Berkas ambang {path}: metrik '{name}' tidak dikenal (yang bisa: {', '.join(sorted(GATEABLE))})."
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"Berkas ambang {path}: ambang '{name}' harus berupa angka.")
    return {name: float(value) for name, value in data.items()}


def gate_failures(summary: dict[str, Any], thresholds: dict[str, float]) -> list[str]:
    """One Indonesian line per metric that misses its threshold; empty when the gate passes."""
    failures = []
    for name, threshold in thresholds.items():
        value = summary.get(name)
        if value is None:
            failures.append(f"{name}: tidak terukur (null), ambang {threshold:g}")
        elif name in LOWER_IS_BETTER and value > threshold:
            failures.append(f"{name}: {value:g} di atas batas {threshold:g}")
        elif name not in LOWER_IS_BETTER and value < threshold:
            failures.append(f"{name}: {value:g} di bawah ambang {threshold:g}")
    return failures
