"""Response bodies of the worklist routes (the core's ``Worklist.to_dict()``, typed for OpenAPI)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.api.eligibility_schemas import MissingFieldOut, ReasonOut


class GapFieldOut(MissingFieldOut):
    programs: list[str] = Field(description="Decisions this field would help settle.")


class WorklistRowOut(BaseModel):
    rank: int
    kind: str
    kk: str = Field(description="Masked family card number.")
    region_code: str
    desil: int | None
    head: str = Field(description="Masked name of the head of the family.")
    head_nik: str = Field(description="Masked NIK.")
    summary: str = Field(description="What to do, in plain Indonesian.")
    priority: str = Field(description="Why the row is ranked where it is.")
    pkh_status: str | None
    pkh_status_text: str | None
    krs_status: str | None
    krs_status_text: str | None
    annual_amount: int | None
    amount_is_minimum: bool
    due: str | None = Field(description="graduation: the date the last component ends (YYYY-MM-DD).")
    ending: list[str]
    other_programs: list[str]
    fields: list[GapFieldOut] = Field(description="data-gaps: what to collect, naming the masked member.")
    settles: int
    disputed: list[str] = Field(description="Disputed rules this row hinges on, and whom to ask.")
    reasons: list[ReasonOut]
    sources: list[str] = Field(description="Knowledge documents that state the rules.")


EXAMPLE_ROW: dict[str, Any] = {
    "rank": 1, "kind": "krs-pkh", "kk": "3204********0101", "region_code": "320401", "desil": 2,
    "head": "A***** R***", "head_nik": "3204********0101",
    "summary": "Berisiko stunting, memenuhi syarat PKH (Rp6.000.000 per tahun), belum terdaftar PKH: usulkan lewat "
               "musyawarah desa/kelurahan.",
    "priority": "ada ibu hamil; 1 anak di bawah 2 tahun; 2 faktor risiko; desil 2",
    "pkh_status": "eligible", "pkh_status_text": "memenuhi syarat", "krs_status": "at_risk",
    "krs_status_text": "berisiko stunting", "annual_amount": 6000000, "amount_is_minimum": False, "due": None,
    "ending": [], "other_programs": [], "fields": [], "settles": 0, "disputed": [],
    "reasons": [{"rule": "krs.target", "text": "S*** A***** sedang hamil (keluarga sasaran)",
                 "doc_id": "stunting-krs-kriteria", "value": True, "threshold": None}],
    "sources": ["stunting-krs-kriteria", "pkh-alur-usulan-musdes"],
}


class WorklistResponse(BaseModel):
    """One page of a region's worklist as of a date."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "kind": "krs-pkh", "title": "Keluarga berisiko stunting yang belum menerima PKH", "region": "3204",
        "as_of": "2026-07-01", "within_months": None,
        "priority_rule": "urutan: ada ibu hamil, lalu jumlah anak di bawah 2 tahun, jumlah faktor risiko, desil "
                         "terendah", "total": 1, "households_read": 120, "page": 1, "page_size": 50,
        "rows": [EXAMPLE_ROW]}]})

    kind: str
    title: str
    region: str
    as_of: str
    within_months: int | None
    priority_rule: str = Field(description="How the rows are ordered, in plain Indonesian.")
    total: int
    households_read: int
    page: int
    page_size: int
    rows: list[WorklistRowOut]


class OpenedHousehold(BaseModel):
    """One worklist row with its household unmasked (the opening is audited)."""

    row: WorklistRowOut
    household: dict[str, Any] = Field(description="The registry record (same shape as the JSON Lines import).")
