"""Stored results (results.json + cases.jsonl) and the comparison of a run against a baseline."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import InputError
from assistant.evaluation.metrics import SUMMARY_KEYS, CaseResult

RESULTS_FILE = "results.json"
CASES_FILE = "cases.jsonl"


def write_results(directory: Path, summary: dict[str, Any], results: Sequence[CaseResult]) -> Path:
    """Write DIR/results.json (the summary only) and DIR/cases.jsonl (one line per case)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / RESULTS_FILE
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with (directory / CASES_FILE).open("w", encoding="utf-8") as out:
        for result in results:
            out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    return path


@dataclass(frozen=True, slots=True)
class Baseline:
    """A previous run: its summary and, per case id, whether it passed."""

    summary: dict[str, Any]
    passed: dict[str, bool]
    source: str


def load_baseline(path: Path | str) -> Baseline:
    """Read a baseline: a results.json file (cases.jsonl next to it) or the folder holding both.

    Raises:
        InputError: a file is missing or unreadable.
    """
    path = Path(path)
    results_path = path / RESULTS_FILE if path.is_dir() else path
    cases_path = results_path.parent / CASES_FILE
    try:
        summary = json.loads(results_path.read_text(encoding="utf-8"))
        passed = {}
        for line in cases_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                passed[record["id"]] = bool(record["passed"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"Baseline {path} tidak bisa dibaca ({exc}). Berikan results.json hasil `assistant eval --report`, "
            f"dengan {CASES_FILE} di folder yang sama."
        ) from exc
    if not isinstance(summary, dict):
        raise InputError(f"Baseline {results_path} bukan ringkasan hasil evaluasi.")
    return Baseline(summary=summary, passed=passed, source=str(results_path))


@dataclass(frozen=True, slots=True)
class MetricDelta:
    name: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 4)


@dataclass(slots=True)
class Comparison:
    """What changed between a baseline and this run."""

    fixed: list[str] = field(default_factory=list)  # failed in the baseline, pass now
    broke: list[str] = field(default_factory=list)  # passed in the baseline, fail now
    added: list[str] = field(default_factory=list)  # not in the baseline
    removed: list[str] = field(default_factory=list)  # in the baseline, not run now
    deltas: list[MetricDelta] = field(default_factory=list)
    baseline_summary: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.source,
            "fixed": self.fixed,
            "broke": self.broke,
            "added": self.added,
            "removed": self.removed,
            "deltas": {d.name: {"before": d.before, "after": d.after, "delta": d.delta} for d in self.deltas},
        }


def compare(baseline: Baseline, summary: dict[str, Any], results: Sequence[CaseResult]) -> Comparison:
    """Cases that were fixed or broke, cases added or removed, and each summary metric's delta."""
    comparison = Comparison(baseline_summary=baseline.summary, source=baseline.source)
    current_ids = set()
    for result in results:
        case_id = result.case.id
        current_ids.add(case_id)
        if case_id not in baseline.passed:
            comparison.added.append(case_id)
        elif result.passed and not baseline.passed[case_id]:
            comparison.fixed.append(case_id)
        elif not result.passed and baseline.passed[case_id]:
            comparison.broke.append(case_id)
    comparison.removed = [case_id for case_id in baseline.passed if case_id not in current_ids]
    comparison.deltas = [
        MetricDelta(name, _number(baseline.summary.get(name)), _number(summary.get(name))) for name in SUMMARY_KEYS
    ]
    return comparison


def _number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None
