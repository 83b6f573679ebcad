"""Response body of the eligibility route: the engine's ``EligibilityReport.to_dict()``, typed for OpenAPI."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import DecisionStatus


class MissingFieldOut(BaseModel):
    path: str = Field(description="Machine path of the missing value, e.g. `members[1].occupation`.")
    label: str = Field(description="Plain Indonesian, naming the masked member: `pekerjaan S*** A*****`.")
    text: str = Field(description="The label as a sentence: `pekerjaan S*** A***** belum tercatat`.")


class ReasonOut(BaseModel):
    rule: str = Field(description="Rule id, e.g. `pkh.desil`.")
    text: str = Field(description="The step in plain Indonesian.")
    doc_id: str = Field(description="Knowledge document that states the rule.")
    value: Any = Field(None, description="The household's value the rule read.")
    threshold: Any = Field(None, description="The parameter value it was compared with.")


class ComponentOut(BaseModel):
    component: str
    member: str = Field(description="Masked name.")
    member_nik: str = Field(description="Masked NIK.")
    annual_amount: int


class DisputedOutcomeOut(BaseModel):
    value: Any
    status: DecisionStatus
    status_text: str
    annual_amount: int | None
    source: str


class DisputeOut(BaseModel):
    parameter: str = Field(description="The disputed parameter, e.g. `pkh.elderly_min_age`.")
    used_value: Any = Field(description="The value in force in this deployment.")
    decisive: bool = Field(description="True when the outcome differs between the documented values.")
    text: str
    ask: str = Field(description="Who can confirm which value applies.")
    doc_id: str
    outcomes: list[DisputedOutcomeOut]


class EnrollmentOut(BaseModel):
    status: str
    since: str | None


class ProgramDecisionOut(BaseModel):
    program: str
    program_name: str = Field(description="The program's name in Indonesian.")
    status: DecisionStatus
    status_text: str = Field(description="The status in plain Indonesian.")
    components: list[ComponentOut]
    annual_amount: int | None
    per_tahap_amount: int | None
    amount_is_minimum: bool = Field(description="The amount is a floor: `amount_raising_fields` could raise it.")
    amount_raising_fields: list[MissingFieldOut]
    reasons: list[str]
    reason_details: list[ReasonOut]
    sources: list[str]
    missing: list[str] = Field(description="Machine paths of the missing values (same order as missing_fields).")
    missing_fields: list[MissingFieldOut]
    disputes: list[DisputeOut]
    enrollment: EnrollmentOut | None


EXAMPLE: dict[str, Any] = {
    "kk": "3204********0001", "region_code": "320401", "desil": 3, "as_of": "2026-07-01", "assumptions": [],
    "withheld": False,
    "programs": [
        {
            "program": "PKH", "program_name": "PKH", "status": "eligible", "status_text": "memenuhi syarat",
            "components": [{"component": "sd", "member": "B*** S******", "member_nik": "3204********0003",
                            "annual_amount": 900000}],
            "annual_amount": 900000, "per_tahap_amount": 225000, "amount_is_minimum": True,
            "amount_raising_fields": [{"path": "members[0].disability", "label": "status disabilitas S*** A*****",
                                       "text": "status disabilitas S*** A***** belum tercatat"}],
            "reasons": ["desil keluarga 3, batas PKH desil 4"],
            "reason_details": [{"rule": "pkh.desil", "text": "desil keluarga 3, batas PKH desil 4",
                                "doc_id": "pkh-kriteria-penerima", "value": 3, "threshold": 4}],
            "sources": ["pkh-kriteria-penerima"], "missing": [], "missing_fields": [], "disputes": [],
            "enrollment": None,
        }
    ],
}


class EligibilityResponse(BaseModel):
    """Every program's decision for the household of a NIK, as of a date (NIKs and names masked)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    kk: str = Field(description="Masked family card number.")
    region_code: str
    desil: int | None
    as_of: str = Field(description="The date the rules were applied for (YYYY-MM-DD).")
    assumptions: list[str] = Field(description="What-if corrections applied to this answer; never stored.")
    withheld: bool = Field(
        False, description="True only in a citizen's view, when reasons about single members were left out."
    )
    programs: list[ProgramDecisionOut]
