"""The eligibility engine: runs every rule for a household as of a date and explains each decision.

The engine decides; a language model may only phrase a decision, never make one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from assistant.eligibility import krs, pkh, services
from assistant.eligibility.checks import Check, combine, unique
from assistant.eligibility.disputes import with_disputes
from assistant.eligibility.facts import label, missing_fields
from assistant.eligibility.parameters import Parameters
from assistant.models import (
    BenefitComponent,
    DecisionStatus,
    EligibilityReport,
    Enrollment,
    Household,
    MissingField,
    ProgramDecision,
    Reason,
)
from assistant.privacy import mask_nik

S = DecisionStatus
RuleFn = Callable[[Household, date, Parameters], Check]

PROGRAM_DOCS = {
    "PKH": "pkh-kriteria-penerima", "KRS": "stunting-krs-kriteria", "BKL_SEKOLAH_LANSIA": "lansia-bkl-sekolah-lansia",
    "ATENSI": "lansia-atensi", "TAMASYA": "daycare-tamasya", "SEMBAKO": "lainnya-sembako", "PBI_JKN": "lainnya-pbi-jkn",
}
PROGRAMS = tuple(PROGRAM_DOCS)
# A decision is "unknown" only because one of these is not recorded (household fields, and "members.<field>"
# of a member): no rule leaves a decision open for any other reason. Worklists of open decisions use it to
# skip complete households in the registry query; tests/test_worklist_prefilter.py blanks fields at random
# to keep it true when a rule changes.
DECIDING_FIELDS = ("desil", "drinking_water", "toilet", "members.birth_date", "members.pregnant",
                   "members.school_level", "members.disability", "members.occupation")
Decider = Callable[[Household, date, Parameters], ProgramDecision]
_MEMBER_INDEX = re.compile(r"members\[(\d+)\]")


def on_the_card(decide: Decider) -> Decider:
    """Decide with only the members still on the family card on ``on``: a member who left (``left_on``)
    no longer counts. Member indexes in the decision stay those of the registry record, and a reason
    names each member who left."""

    @functools.wraps(decide)
    def decide_present(h: Household, on: date, p: Parameters) -> ProgramDecision:
        if all(m.left_on is None for m in h.members):
            return decide(h, on, p)  # the common case: nothing to filter
        day = on.isoformat()
        kept = [i for i, m in enumerate(h.members) if m.present_on(day)]
        if len(kept) == len(h.members):
            return decide(h, on, p)
        d = decide(replace(h, members=tuple(h.members[i] for i in kept)), on, p)
        left = [m for m in h.members if not m.present_on(day)]
        doc = PROGRAM_DOCS[d.program]
        notes = tuple(Reason("household.member_left", f"{label(m)} keluar dari keluarga per {m.left_on}; tidak "
                             "dihitung lagi", doc, m.left_on, None) for m in left)
        return replace(d, reasons=(*d.reasons, *notes), missing=_reindexed(d.missing, kept),
                       amount_raising=_reindexed(d.amount_raising, kept),
                       components=tuple(replace(c, member_index=kept[c.member_index]) for c in d.components))

    return decide_present


def _reindexed(fields: tuple[MissingField, ...], kept: list[int]) -> tuple[MissingField, ...]:
    return tuple(replace(f, path=_MEMBER_INDEX.sub(lambda m: f"members[{kept[int(m.group(1))]}]", f.path))
                 for f in fields)


def _enrollment(h: Household, program: str) -> Enrollment | None:
    aliases = {"SEMBAKO": ("SEMBAKO", "BPNT"), "PBI_JKN": ("PBI_JKN", "PBI", "PBI_JK")}.get(program, (program,))
    return next((e for e in h.enrollments if e.program in aliases), None)


def _enrollment_reasons(program: str, status: DecisionStatus, e: Enrollment | None) -> list[Reason]:
    if e is None:
        return []
    since = f" sejak {e.since}" if e.since else ""
    reasons = [Reason(f"{program.lower()}.enrollment", f"tercatat di data penerima {program} dengan status "
                      f"{e.status}{since}", PROGRAM_DOCS[program], e.status, None)]
    if e.status == "aktif" and status is S.NOT_ELIGIBLE:
        reasons.append(Reason(f"{program.lower()}.enrollment", "status penerima aktif, tetapi data saat ini tidak "
                              "memenuhi aturan; kepesertaan dapat ditinjau pada pemutakhiran data berikutnya",
                              PROGRAM_DOCS[program], e.status, None))
    return reasons


def _status(outcome: bool | None) -> DecisionStatus:
    return {True: S.ELIGIBLE, False: S.NOT_ELIGIBLE, None: S.UNKNOWN}[outcome]


def _ordered_reasons(checks: Sequence[Check]) -> tuple[Reason, ...]:
    """Failing reasons first (they answer "why not"), then unknown, then the ones that held."""
    rank = {False: 0, None: 1, True: 2}
    ordered = sorted(checks, key=lambda c: rank[c.outcome])
    return tuple(r for c in ordered for r in c.reasons)


PKH_RULES = ("pkh.desil", "pkh.occupation", "pkh.components")


@on_the_card
def decide_pkh(h: Household, on: date, p: Parameters) -> ProgramDecision:
    """PKH as of ``on``, with every disputed parameter it reads evaluated under each documented value."""
    return with_disputes(_decide_pkh(h, on, p), PKH_RULES, lambda q: _decide_pkh(h, on, q), on, p)


def _decide_pkh(h: Household, on: date, p: Parameters) -> ProgramDecision:
    gates = [pkh.desil_within_pkh_limit(h, on, p), pkh.no_excluded_occupation(h, on, p)]
    comp_check, components = pkh.pkh_components(h, on, p)
    checks = [*gates, comp_check]
    status = _status(combine(checks))
    missing = unique([f for c in checks for f in c.missing]) if status is not S.NOT_ELIGIBLE else ()
    annual = per_tahap = None
    raising: tuple[str, ...] = ()
    if status is S.ELIGIBLE:
        # Eligibility is settled; what is still missing can only add components, i.e. raise the amount.
        raising, missing = missing, ()
        annual = sum(c.annual_amount for c in components)
        per_tahap = annual // p.value("pkh.tahap_per_year", on)
        components = tuple(_masked(h, c) for c in components)
    else:
        components = ()
    e = _enrollment(h, "PKH")
    reasons = (*_ordered_reasons(checks), *_enrollment_reasons("PKH", status, e))
    return ProgramDecision("PKH", status, on.isoformat(), reasons, missing_fields(h, missing), components,
                           annual, per_tahap, e, amount_is_minimum=bool(raising),
                           amount_raising=missing_fields(h, raising))


def _masked(h: Household, c: BenefitComponent) -> BenefitComponent:
    m = h.members[c.member_index]
    return BenefitComponent(c.component, c.member_index, c.annual_amount, label(m), mask_nik(m.nik))


@on_the_card
def decide_krs(h: Household, on: date, p: Parameters) -> ProgramDecision:
    target = krs.is_target_family(h, on, p)
    factors = [*krs.unsafe_water_or_toilet(h, on, p), krs.wife_too_young_or_old(h, on, p),
               *krs.too_many_or_too_close(h, on, p)]
    any_risk = True if any(f.outcome for f in factors) else (None if any(f.outcome is None for f in factors) else False)
    if target.outcome is False:
        status, used = S.NOT_AT_RISK, [target]
    elif target.outcome is True and any_risk is not None:
        status, used = (S.AT_RISK if any_risk else S.NOT_AT_RISK), [target, *factors]
    else:
        status, used = S.UNKNOWN, [target, *factors]
    if status is S.AT_RISK:
        reasons = (*target.reasons, *(r for f in factors if f.outcome for r in f.reasons))
    elif target.outcome is False:
        reasons = target.reasons
    else:
        reasons = (*target.reasons, *_ordered_reasons(factors))
    missing = unique([m for c in used for m in c.missing]) if status is S.UNKNOWN else ()
    return ProgramDecision("KRS", status, on.isoformat(), tuple(reasons), missing_fields(h, missing))


def _simple(program: str, rule: RuleFn, h: Household, on: date, p: Parameters) -> ProgramDecision:
    def decide(q: Parameters) -> ProgramDecision:
        check = rule(h, on, q)
        status = _status(check.outcome)
        e = _enrollment(h, program)
        reasons = (*check.reasons, *_enrollment_reasons(program, status, e))
        missing = check.missing if status is S.UNKNOWN else ()
        return ProgramDecision(program, status, on.isoformat(), reasons, missing_fields(h, missing), enrollment=e)

    return with_disputes(decide(p), (rule.rule_info.rule_id,), decide, on, p)  # type: ignore[attr-defined]


SIMPLE_RULES: tuple[tuple[str, RuleFn], ...] = (
    ("BKL_SEKOLAH_LANSIA", services.has_elderly_member), ("ATENSI", services.atensi_referral),
    ("TAMASYA", services.has_young_child), ("SEMBAKO", services.sembako_desil), ("PBI_JKN", services.pbi_desil),
)


_SIMPLE_DECIDERS = tuple(on_the_card(functools.partial(_simple, program, rule)) for program, rule in SIMPLE_RULES)


def others_undecided(h: Household, on: date, p: Parameters) -> bool:
    """Whether a program of :func:`decide_others` would be ``unknown`` (its rules alone, without the disputes
    and reasons: a cheap test before deciding them in full)."""
    day = on.isoformat()
    present = replace(h, members=tuple(m for m in h.members if m.present_on(day))) if any(
        m.left_on for m in h.members) else h
    return any(rule(present, on, p).outcome is None for _, rule in SIMPLE_RULES)


def decide_others(h: Household, on: date, p: Parameters) -> tuple[ProgramDecision, ...]:
    """Every program besides PKH and KRS (services, Sembako, PBI JKN): one rule each."""
    return tuple(decide(h, on, p) for decide in _SIMPLE_DECIDERS)


def evaluate(household: Household, on: date, params: Parameters) -> tuple[ProgramDecision, ...]:
    """Every program for one household, as of ``on`` (an explicit date: never a hidden today())."""
    h = household
    return (decide_pkh(h, on, params), decide_krs(h, on, params), *decide_others(h, on, params))


def assess(household: Household, on: date, params: Parameters) -> EligibilityReport:
    """The typed report for one household (KK masked), as every channel shows it."""
    return EligibilityReport(kk=mask_nik(household.kk), region_code=household.region_code, desil=household.desil,
                             as_of=on.isoformat(), programs=evaluate(household, on, params))
