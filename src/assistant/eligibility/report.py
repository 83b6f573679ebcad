"""The typed report as plain Indonesian text for the terminal (JSON: ``EligibilityReport.to_dict()``),
and the citizen view of a report (what a verified family sees)."""

from __future__ import annotations

import dataclasses
import re

from assistant.eligibility.facts import FIELD_LABELS, rupiah
from assistant.models import (
    PROGRAM_NAMES,
    BenefitComponent,
    EligibilityReport,
    MissingField,
    ProgramDecision,
    Reason,
)
from assistant.privacy import has_masked_name

# A reason that states a member's age or the months between births describes one person, not the family.
_PERSONAL_DETAIL = re.compile(r"\bberusia\b|\b\d+ bulan\b")
_MEMBER_PATH = re.compile(r"members\[(\d+)\]\.(\w+)")


def amount_text(d: ProgramDecision) -> str:
    """ "perkiraan Rp3.000.000 per tahun (Rp750.000 per tahap)", with "paling sedikit" when it is a floor."""
    if not d.annual_amount:
        return ""
    floor = "paling sedikit " if d.amount_is_minimum else ""
    per_tahap = f" ({floor}{rupiah(d.per_tahap_amount)} per tahap)" if d.per_tahap_amount else ""
    return f"perkiraan {floor}{rupiah(d.annual_amount)} per tahun{per_tahap}"


def render_text(report: EligibilityReport) -> str:
    """Plain Indonesian summary for the terminal."""
    desil = report.desil if report.desil is not None else "belum tercatat"
    lines = [f"KK {report.kk} (wilayah {report.region_code}, desil {desil}), per {report.as_of}"]
    for assumption in report.assumptions:
        lines.append(f"ANDAIAN (tidak disimpan): {assumption}")
    for d in report.programs:
        lines.append(f"\n{PROGRAM_NAMES.get(d.program, d.program)}: {d.status.text}")
        if amount := amount_text(d):
            lines.append(f"  {amount}")
        if d.amount_raising:
            lines.append("  besaran dapat bertambah bila tercatat: " + ", ".join(m.label for m in d.amount_raising))
        for r in d.reasons:
            lines.append(f"  - {r.text} [{r.doc_id}]")
        for dispute in d.disputes:
            lines.append(f"  ! {dispute.text} [{dispute.doc_id}]")
        if d.missing:
            lines.append("  data belum lengkap: " + "; ".join(m.text for m in d.missing))
    return "\n".join(lines)


# --------------------------------------------------------------------------- the citizen view


def is_household_level(reason: Reason) -> bool:
    """True when a reason speaks about the family as a whole (desil, water, enrollment), not one member."""
    return not has_masked_name(reason.text) and not _PERSONAL_DETAIL.search(reason.text)


def _citizen_missing(field: MissingField) -> MissingField:
    """``tanggal lahir S*** A*****`` -> ``tanggal lahir anggota ke-2``: what to update, without a name."""
    match = _MEMBER_PATH.fullmatch(field.path)
    if match is None:
        return field
    name = FIELD_LABELS.get(match.group(2), match.group(2))
    return MissingField(field.path, f"{name} anggota ke-{int(match.group(1)) + 1}")


def _citizen_reason(r: Reason) -> Reason:
    """A household-level reason as it is; one about a member keeps only its rule and source (for citations)."""
    return r if is_household_level(r) else Reason(r.rule, "", r.doc_id)


def _citizen_decision(d: ProgramDecision) -> ProgramDecision:
    return dataclasses.replace(
        d,
        reasons=tuple(_citizen_reason(r) for r in d.reasons),
        missing=tuple(_citizen_missing(m) for m in d.missing),
        amount_raising=tuple(_citizen_missing(m) for m in d.amount_raising),
        components=tuple(BenefitComponent(c.component, -1, c.annual_amount) for c in d.components),
    )


def citizen_view(report: EligibilityReport) -> EligibilityReport:
    """What a verified citizen sees: programs, amounts, household-level reasons and what data to update.

    No KK, region or desil header, and nothing about single members (names, NIKs, ages); ``withheld``
    says that reasons about members were left out, so the reply can point to the pendamping.
    """
    programs = tuple(_citizen_decision(d) for d in report.programs)
    withheld = any(not r.text for d in programs for r in d.reasons)
    return EligibilityReport(kk="", region_code="", desil=None, as_of=report.as_of, programs=programs,
                             withheld=withheld)
