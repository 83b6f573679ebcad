"""Decisions as the JSON the CLI, the API and the conversation layer share (every NIK masked)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.eligibility.facts import rupiah
from assistant.models import Household, ProgramDecision
from assistant.registry.nik import mask_name, mask_nik

STATUS_TEXT = {
    "eligible": "memenuhi syarat", "not_eligible": "tidak memenuhi syarat", "unknown": "belum dapat dipastikan",
    "at_risk": "berisiko stunting", "not_at_risk": "tidak berisiko stunting",
}
PROGRAM_NAMES = {
    "PKH": "PKH", "KRS": "Keluarga Risiko Stunting", "BKL_SEKOLAH_LANSIA": "BKL dan Sekolah Lansia",
    "ATENSI": "Rujukan ATENSI", "TAMASYA": "Tamasya (penitipan anak)", "SEMBAKO": "Program Sembako",
    "PBI_JKN": "PBI JKN",
}


def decision_to_dict(h: Household, d: ProgramDecision) -> dict[str, Any]:
    out: dict[str, Any] = {"program": d.program, "status": d.status}
    if d.program == "PKH":
        out["components"] = [
            {"component": c.component, "member": mask_name(h.members[c.member_index].name),
             "member_nik": mask_nik(h.members[c.member_index].nik), "annual_amount": c.annual_amount}
            for c in d.components
        ]
        out["annual_amount"] = d.annual_amount
        out["per_tahap_amount"] = d.per_tahap_amount
    out["reasons"] = [r.text for r in d.reasons]
    out["reason_details"] = [r.to_dict() for r in d.reasons]
    out["sources"] = list(dict.fromkeys(r.doc_id for r in d.reasons))
    out["missing"] = list(d.missing)
    out["enrollment"] = (
        {"status": d.enrollment.status, "since": d.enrollment.since} if d.enrollment is not None else None
    )
    return out


def status_report(h: Household, decisions: Sequence[ProgramDecision], as_of: str) -> dict[str, Any]:
    return {
        "kk": mask_nik(h.kk), "region_code": h.region_code, "desil": h.desil, "as_of": as_of,
        "programs": [decision_to_dict(h, d) for d in decisions],
    }


def render_text(report: dict[str, Any]) -> str:
    """Plain Indonesian summary for the terminal."""
    lines = [f"KK {report['kk']} (wilayah {report['region_code']}, desil {report['desil'] or 'belum tercatat'}), "
             f"per {report['as_of']}"]
    for prog in report["programs"]:
        lines.append(f"\n{PROGRAM_NAMES.get(prog['program'], prog['program'])}: {STATUS_TEXT.get(prog['status'], prog['status'])}")
        if prog.get("annual_amount"):
            lines.append(f"  perkiraan {rupiah(prog['annual_amount'])} per tahun "
                         f"({rupiah(prog['per_tahap_amount'])} per tahap)")
        for detail in prog["reason_details"]:
            lines.append(f"  - {detail['text']} [{detail['doc_id']}]")
        if prog["missing"]:
            lines.append(f"  data belum lengkap: {', '.join(prog['missing'])}")
    return "\n".join(lines)
