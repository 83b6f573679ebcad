"""Eligibility eval: load households into an empty registry and score expected decisions.

Cases file: {"as_of": "YYYY-MM-DD", "cases": [{"case", "nik", "pkh_status", "pkh_annual", "krs_status",
"programs": {"TAMASYA": "eligible", ...}, "missing": ["desil", ...]}]}. Every field except "case" and
"nik" is optional; each one present is scored:

- ``missing`` / ``not_missing``: field paths that must (not) be reported missing by any program;
- ``pkh_minimum``: whether the PKH amount is an "at least" amount; ``amount_raising``: paths that could raise it;
- ``labels``: plain Indonesian texts that must appear among the missing-field labels ("pekerjaan A***");
- ``disputed``: parameters whose documented values give this family different outcomes;
- ``assume``: what-if corrections applied before deciding; ``as_of``: a per-case date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from assistant.eligibility.assume import apply_assumptions
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


def score_case(case: dict[str, Any], decisions: dict[str, ProgramDecision]) -> list[str]:
    """Compare the expected fields with the typed decisions (program -> decision)."""
    failures = []
    pkh, krs = decisions["PKH"], decisions["KRS"]
    checks: list[tuple[str, Any]] = [
        ("pkh_status", str(pkh.status)), ("pkh_annual", pkh.annual_amount), ("krs_status", str(krs.status)),
        ("pkh_minimum", pkh.amount_is_minimum), ("amount_raising", [m.path for m in pkh.amount_raising]),
    ]
    for key, got in checks:
        if key in case and case[key] != got:
            failures.append(f"{key}: diharapkan {case[key]!r}, hasil {got!r}")
    for program, expected in (case.get("programs") or {}).items():
        got = str(decisions[program].status) if program in decisions else None
        if got != expected:
            failures.append(f"{program}: diharapkan {expected!r}, hasil {got!r}")
    reported = {m.path for d in decisions.values() for m in d.missing}
    failures += [f"missing: {item!r} tidak dilaporkan" for item in case.get("missing") or [] if item not in reported]
    failures += [f"not_missing: {item!r} dilaporkan" for item in case.get("not_missing") or [] if item in reported]
    labels = {m.label for d in decisions.values() for m in (*d.missing, *d.amount_raising)}
    failures += [f"labels: {item!r} tidak ada" for item in case.get("labels") or [] if item not in labels]
    disputed = {x.parameter for d in decisions.values() for x in d.disputes if x.decisive}
    if "disputed" in case and set(case["disputed"]) != disputed:
        failures.append(f"disputed: diharapkan {sorted(case['disputed'])!r}, hasil {sorted(disputed)!r}")
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
        try:
            h, _ = apply_assumptions(h, case.get("assume") or ())
        except InputError as exc:
            results.append(CaseResult(name, [f"assume: {exc}"]))
            continue
        on = date.fromisoformat(case["as_of"]) if case.get("as_of") else as_of
        decisions = {d.program: d for d in evaluate(h, on, params)}
        results.append(CaseResult(name, score_case(case, decisions)))
    return results
