"""The typed report as plain Indonesian text for the terminal (JSON: ``EligibilityReport.to_dict()``)."""

from __future__ import annotations

from assistant.eligibility.facts import rupiah
from assistant.models import PROGRAM_NAMES, EligibilityReport, ProgramDecision


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
