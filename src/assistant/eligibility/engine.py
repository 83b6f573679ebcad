"""The eligibility engine: runs every rule for a household as of a date and explains each decision.

The engine decides; a language model may only phrase a decision, never make one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from assistant.eligibility import krs, pkh, services
from assistant.eligibility.checks import Check, combine, unique
from assistant.eligibility.parameters import Parameters
from assistant.models import Enrollment, Household, ProgramDecision, Reason

PROGRAM_DOCS = {
    "PKH": "pkh-kriteria-penerima", "KRS": "stunting-krs-kriteria", "BKL_SEKOLAH_LANSIA": "lansia-bkl-sekolah-lansia",
    "ATENSI": "lansia-atensi", "TAMASYA": "daycare-tamasya", "SEMBAKO": "lainnya-sembako", "PBI_JKN": "lainnya-pbi-jkn",
}
PROGRAMS = tuple(PROGRAM_DOCS)


def _enrollment(h: Household, program: str) -> Enrollment | None:
    aliases = {"SEMBAKO": ("SEMBAKO", "BPNT"), "PBI_JKN": ("PBI_JKN", "PBI", "PBI_JK")}.get(program, (program,))
    return next((e for e in h.enrollments if e.program in aliases), None)


def _enrollment_reasons(program: str, status: str, e: Enrollment | None) -> list[Reason]:
    if e is None:
        return []
    since = f" sejak {e.since}" if e.since else ""
    reasons = [Reason(f"{program.lower()}.enrollment", f"tercatat di data penerima {program} dengan status "
                      f"{e.status}{since}", PROGRAM_DOCS[program], e.status, None)]
    if e.status == "aktif" and status == "not_eligible":
        reasons.append(Reason(f"{program.lower()}.enrollment", "status penerima aktif, tetapi data saat ini tidak "
                              "memenuhi aturan; kepesertaan dapat ditinjau pada pemutakhiran data berikutnya",
                              PROGRAM_DOCS[program], e.status, None))
    return reasons


def _status(outcome: bool | None, yes: str = "eligible", no: str = "not_eligible") -> str:
    return {True: yes, False: no, None: "unknown"}[outcome]


def _ordered_reasons(checks: Sequence[Check]) -> tuple[Reason, ...]:
    """Failing reasons first (they answer "why not"), then unknown, then the ones that held."""
    rank = {False: 0, None: 1, True: 2}
    ordered = sorted(checks, key=lambda c: rank[c.outcome])
    return tuple(r for c in ordered for r in c.reasons)


def decide_pkh(h: Household, on: date, p: Parameters) -> ProgramDecision:
    gates = [pkh.desil_within_pkh_limit(h, on, p), pkh.no_excluded_occupation(h, on, p)]
    comp_check, components = pkh.pkh_components(h, on, p)
    checks = [*gates, comp_check]
    status = _status(combine(checks))
    missing = unique([f for c in checks for f in c.missing]) if status != "not_eligible" else ()
    annual = per_tahap = None
    if status == "eligible":
        annual = sum(c.annual_amount for c in components)
        per_tahap = annual // p.value("pkh.tahap_per_year", on)
    else:
        components = ()
    e = _enrollment(h, "PKH")
    reasons = (*_ordered_reasons(checks), *_enrollment_reasons("PKH", status, e))
    return ProgramDecision("PKH", status, on.isoformat(), reasons, missing, components, annual, per_tahap, e)


def decide_krs(h: Household, on: date, p: Parameters) -> ProgramDecision:
    target = krs.is_target_family(h, on, p)
    factors = [*krs.unsafe_water_or_toilet(h, on, p), krs.wife_too_young_or_old(h, on, p),
               *krs.too_many_or_too_close(h, on, p)]
    any_risk = True if any(f.outcome for f in factors) else (None if any(f.outcome is None for f in factors) else False)
    if target.outcome is False:
        status, used = "not_at_risk", [target]
    elif target.outcome is True and any_risk is not None:
        status, used = ("at_risk" if any_risk else "not_at_risk"), [target, *factors]
    else:
        status, used = "unknown", [target, *factors]
    if status == "at_risk":
        reasons = (*target.reasons, *(r for f in factors if f.outcome for r in f.reasons))
    elif target.outcome is False:
        reasons = target.reasons
    else:
        reasons = (*target.reasons, *_ordered_reasons(factors))
    missing = unique([m for c in used for m in c.missing]) if status == "unknown" else ()
    return ProgramDecision("KRS", status, on.isoformat(), tuple(reasons), missing)


def _simple(program: str, check: Check, h: Household, on: date) -> ProgramDecision:
    status = _status(check.outcome)
    e = _enrollment(h, program)
    reasons = (*check.reasons, *_enrollment_reasons(program, status, e))
    missing = check.missing if status == "unknown" else ()
    return ProgramDecision(program, status, on.isoformat(), reasons, missing, enrollment=e)


def evaluate(household: Household, on: date, params: Parameters) -> tuple[ProgramDecision, ...]:
    """Every program for one household, as of ``on`` (an explicit date: never a hidden today())."""
    h = household
    return (
        decide_pkh(h, on, params),
        decide_krs(h, on, params),
        _simple("BKL_SEKOLAH_LANSIA", services.has_elderly_member(h, on, params), h, on),
        _simple("ATENSI", services.atensi_referral(h, on, params), h, on),
        _simple("TAMASYA", services.has_young_child(h, on, params), h, on),
        _simple("SEMBAKO", services.sembako_desil(h, on, params), h, on),
        _simple("PBI_JKN", services.pbi_desil(h, on, params), h, on),
    )
