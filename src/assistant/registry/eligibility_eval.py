"""Eligibility eval: load households into an empty registry and score expected decisions.

Cases file: {"as_of": "YYYY-MM-DD", "cases": [{"case", "nik", "pkh_status", "pkh_annual", "krs_status",
"programs": {"TAMASYA": "eligible", ...}, "missing": ["desil", ...]}]}. Every field except "case" and
"nik" is optional; each one present is scored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from assistant.eligibility.engine import evaluate
from assistant.eligibility.parameters import Parameters
from assistant.errors import InputError
from assistant.models import ProgramDecision
from assistant.ports import Registry
from assistant.registry.records import read_jsonl


@dataclass
class CaseResult:
    case: str
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def _load_cases(path: Path) -> tuple[date, list[dict[str, Any]]]:
    try:
        data = json.loads(path.read_text("utf-8"))
        return date.fromisoformat(data["as_of"]), list(data["cases"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"Berkas kasus {path} tidak sah: {exc}") from None


def score_case(case: dict[str, Any], report: dict[str, dict[str, Any]]) -> list[str]:
    """Compare expected fields with the decisions (``report``: program -> decision dict)."""
    failures = []
    pkh, krs = report["PKH"], report["KRS"]
    checks = [("pkh_status", pkh["status"]), ("pkh_annual", pkh["annual_amount"]), ("krs_status", krs["status"])]
    for key, got in checks:
        if key in case and case[key] != got:
            failures.append(f"{key}: diharapkan {case[key]!r}, hasil {got!r}")
    for program, expected in (case.get("programs") or {}).items():
        got = report.get(program, {}).get("status")
        if got != expected:
            failures.append(f"{program}: diharapkan {expected!r}, hasil {got!r}")
    for item in case.get("missing") or []:
        if not any(item in d["missing"] for d in report.values()):
            failures.append(f"missing: {item!r} tidak dilaporkan")
    return failures


def run_eval(
    households: Path, cases: Path, registry: Registry, params: Parameters | None = None
) -> list[CaseResult]:
    """Score every case; ``registry`` is an empty, throwaway registry the households are loaded into."""
    params = params or Parameters.load()
    as_of, items = _load_cases(cases)
    registry.add_households(read_jsonl(households))
    results = []
    for case in items:
        name = str(case.get("case", "?"))
        h = registry.get_household_by_nik(str(case.get("nik", "")))
        if h is None:
            results.append(CaseResult(name, ["NIK tidak ada di households"]))
            continue
        report = {d.program: _as_dict(d) for d in evaluate(h, as_of, params)}
        results.append(CaseResult(name, score_case(case, report)))
    return results


def _as_dict(d: ProgramDecision) -> dict[str, Any]:
    return {"status": str(d.status), "annual_amount": d.annual_amount, "missing": list(d.missing_paths)}
