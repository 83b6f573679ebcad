"""One worklist row: a household (masked), why it is on the list, where its rank comes from, the sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.models import DecisionStatus, MissingField, Reason

WorklistKind = Literal["krs-pkh", "graduation", "data-gaps"]
KINDS: tuple[WorklistKind, ...] = ("krs-pkh", "graduation", "data-gaps")
KIND_TITLES = {
    "krs-pkh": "Keluarga berisiko stunting yang belum menerima PKH",
    "graduation": "Keluarga PKH yang komponen terakhirnya segera berakhir",
    "data-gaps": "Keluarga yang datanya perlu dilengkapi",
}
PRIORITY_RULES = {
    "krs-pkh": "urutan: ada ibu hamil, lalu jumlah anak di bawah 2 tahun, jumlah faktor risiko, desil terendah",
    "graduation": "urutan: tanggal komponen terakhir berakhir (paling awal dulu), lalu desil terendah",
    "data-gaps": "urutan: jumlah keputusan yang dapat dipastikan bila data dilengkapi, lalu sedikitnya data "
                 "yang perlu dikumpulkan, lalu desil terendah",
}


@dataclass(frozen=True, slots=True)
class GapField:
    """A field to collect and the decisions it would help settle."""

    missing: MissingField
    programs: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.missing.to_dict(), "programs": list(self.programs)}


@dataclass(frozen=True, slots=True)
class WorklistRow:
    """A household on a worklist, with every name and number masked.

    ``key_nik`` (a member's full NIK) is kept only so a facilitator of the region can open the household
    explicitly (audited); it never leaves the process in ``to_dict``.
    """

    kind: WorklistKind
    kk: str  # masked
    region_code: str
    desil: int | None
    head: str  # masked name
    head_nik: str  # masked
    summary: str
    priority_text: str
    sort_key: tuple[Any, ...]
    reasons: tuple[Reason, ...]
    pkh_status: DecisionStatus | None = None
    krs_status: DecisionStatus | None = None
    annual_amount: int | None = None
    amount_is_minimum: bool = False
    gaps: tuple[GapField, ...] = ()
    settles: int = 0
    due: str | None = None
    ending: tuple[str, ...] = ()
    other_programs: tuple[str, ...] = ()
    disputed: tuple[str, ...] = ()
    key_nik: str = field(default="", repr=False)
    rank: int = 0

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.doc_id for r in self.reasons))

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank, "kind": self.kind, "kk": self.kk, "region_code": self.region_code,
            "desil": self.desil, "head": self.head, "head_nik": self.head_nik, "summary": self.summary,
            "priority": self.priority_text,
            "pkh_status": str(self.pkh_status) if self.pkh_status else None,
            "pkh_status_text": self.pkh_status.text if self.pkh_status else None,
            "krs_status": str(self.krs_status) if self.krs_status else None,
            "krs_status_text": self.krs_status.text if self.krs_status else None,
            "annual_amount": self.annual_amount, "amount_is_minimum": self.amount_is_minimum,
            "due": self.due, "ending": list(self.ending), "other_programs": list(self.other_programs),
            "fields": [g.to_dict() for g in self.gaps], "settles": self.settles,
            "disputed": list(self.disputed),
            "reasons": [r.to_dict() for r in self.reasons], "sources": list(self.sources),
        }

    def csv_row(self) -> dict[str, Any]:
        """Flat columns for a spreadsheet (plain Indonesian, masked)."""
        return {
            "peringkat": self.rank, "kk": self.kk, "wilayah": self.region_code,
            "desil": "" if self.desil is None else self.desil, "kepala_keluarga": self.head, "nik": self.head_nik,
            "ringkasan": self.summary, "prioritas": self.priority_text,
            "pkh": self.pkh_status.text if self.pkh_status else "",
            "krs": self.krs_status.text if self.krs_status else "",
            "bantuan_per_tahun": self.annual_amount or "", "tanggal_berakhir": self.due or "",
            "data_dikumpulkan": "; ".join(g.missing.text for g in self.gaps),
            "sumber_diperdebatkan": "; ".join(self.disputed),
            "alasan": " | ".join(r.text for r in self.reasons), "dokumen": ", ".join(self.sources),
        }


CSV_COLUMNS = tuple(WorklistRow("krs-pkh", "", "", None, "", "", "", "", (), ()).csv_row())
