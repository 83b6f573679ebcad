"""Region-scoped, audited worklists over the registry: listing (masked) and opening one household.

A facilitator key sees worklists of its own regions only (a region it covers by prefix). Every listing
and every opened household is written to the audit log. A finished list is kept for a few minutes
(keyed by kind, region, date and window), so paging and opening one row do not re-read the region.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.eligibility.parameters import Parameters
from assistant.errors import AccessDeniedError, InputError, NotFoundError
from assistant.models import AuditEntry, Household
from assistant.ports import Registry
from assistant.privacy import mask_nik
from assistant.registry.access import parse_as_of, today_in_jakarta
from assistant.worklists.evaluate import evaluate_worklist, region_filter
from assistant.worklists.rows import (
    CSV_COLUMNS,
    KIND_TITLES,
    KINDS,
    PRIORITY_RULES,
    WorklistKind,
    WorklistRow,
)

_REGION = re.compile(r"^\d{2}(\d{2}){0,2}(\d{4})?$")


@dataclass(frozen=True, slots=True)
class Worklist:
    """A ranked worklist of one region as of a date."""

    kind: WorklistKind
    region: str
    as_of: str
    within_months: int
    rows: tuple[WorklistRow, ...]
    households_read: int  # the region's households: those the registry's query ruled out count as read

    def page(self, page: int, page_size: int) -> tuple[WorklistRow, ...]:
        start = (page - 1) * page_size
        return self.rows[start:start + page_size]

    def to_csv(self) -> str:
        """Every row, flat columns in plain Indonesian (masked), for a spreadsheet."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in self.rows:
            writer.writerow(row.csv_row())
        return buffer.getvalue()

    def to_dict(self, page: int = 1, page_size: int | None = None) -> dict[str, Any]:
        size = page_size or max(1, len(self.rows))
        return {
            "kind": self.kind, "title": KIND_TITLES[self.kind], "region": self.region, "as_of": self.as_of,
            "within_months": self.within_months if self.kind == "graduation" else None,
            "priority_rule": PRIORITY_RULES[self.kind], "total": len(self.rows),
            "households_read": self.households_read, "page": page, "page_size": size,
            "rows": [r.to_dict() for r in self.page(page, size)],
        }


def check_kind(kind: str) -> WorklistKind:
    if kind not in KINDS:
        raise InputError(f"Jenis daftar kerja '{kind}' tidak dikenal; pilih: {', '.join(KINDS)}.")
    return kind  # type: ignore[return-value]


def check_region(region: str) -> str:
    region = (region or "").strip()
    if not _REGION.fullmatch(region):
        raise InputError("Kode wilayah harus 2, 4, 6 atau 10 angka (provinsi, kabupaten/kota, kecamatan, desa).")
    return region


class WorklistAccess:
    """Builds worklists from a registry stream and gates who may see them."""

    def __init__(self, registry: Registry, params: Parameters, *, cache_seconds: float = 300.0,
                 cache_size: int = 8, today: Callable[[], date] = today_in_jakarta) -> None:
        self.registry = registry
        self.params = params
        self._cache: OrderedDict[tuple[str, str, date, int], tuple[float, Worklist]] = OrderedDict()
        self._cache_seconds = cache_seconds
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._today = today

    def build(self, kind: str, region: str, *, as_of: str | date | None = None, within_months: int = 3,
              progress: Callable[[int], None] | None = None, batch_size: int = 2000) -> Worklist:
        """The worklist (no access check: for operators and the region-checked methods below)."""
        checked, region, on = check_kind(kind), check_region(region), parse_as_of(as_of, self._today)
        if not 1 <= within_months <= 24:
            raise InputError("Jangka waktu harus 1 sampai 24 bulan.")
        key = (checked, region, on, within_months)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and time.monotonic() - hit[0] < self._cache_seconds:
                return hit[1]
        # Only the households the rules could list are streamed; the rules still decide each one.
        stream = self.registry.iter_region(region, batch_size=batch_size, only=region_filter(checked, on, self.params))
        rows = evaluate_worklist(checked, stream, region=region, as_of=on, params=self.params,
                                 within_months=within_months, progress=progress)
        result = Worklist(checked, region, on.isoformat(), within_months, tuple(rows),
                          self.registry.count_region(region))
        with self._lock:
            self._cache[key] = (time.monotonic(), result)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result

    def count(self, kind: str, region: str, *, as_of: str | date | None = None) -> int:
        """How many households :meth:`build` streams and evaluates (the length of its progress)."""
        checked, region, on = check_kind(kind), check_region(region), parse_as_of(as_of, self._today)
        return self.registry.count_region(region, only=region_filter(checked, on, self.params))

    def facilitator_worklist(self, *, actor: str, regions: Sequence[str], kind: str, region: str,
                             as_of: str | None = None, within_months: int = 3) -> Worklist:
        self._authorise(actor, regions, kind, region, "worklist")
        result = self.build(kind, region, as_of=as_of, within_months=within_months)
        self._audit(actor, "facilitator", "-", f"worklist:{kind}:{region}", f"ok:{len(result.rows)}")
        return result

    def open_household(self, *, actor: str, regions: Sequence[str], kind: str, region: str, rank: int,
                       as_of: str | None = None, within_months: int = 3) -> tuple[WorklistRow, Household]:
        """One row with its household unmasked, for a facilitator of that region who opens it (audited)."""
        self._authorise(actor, regions, kind, region, "worklist_open")
        result = self.build(kind, region, as_of=as_of, within_months=within_months)
        if not 1 <= rank <= len(result.rows):
            raise NotFoundError(f"Baris {rank} tidak ada di daftar kerja ini ({len(result.rows)} baris).")
        row = result.rows[rank - 1]
        household = self.registry.get_household_by_nik(row.key_nik)
        if household is None:
            raise NotFoundError("Keluarga ini sudah tidak ada di registri; muat ulang daftar kerja.")
        self._audit(actor, "facilitator", mask_nik(row.key_nik), f"worklist_open:{kind}", "ok")
        return row, household

    def _authorise(self, actor: str, regions: Sequence[str], kind: str, region: str, purpose: str) -> None:
        check_kind(kind)
        region = check_region(region)
        if not any(r and region.startswith(r) for r in regions):
            self._audit(actor, "facilitator", "-", f"{purpose}:{kind}:{region}", "denied_region")
            raise AccessDeniedError(f"Wilayah {region} di luar wilayah tugas Anda.", code="out_of_region")

    def _audit(self, actor: str, role: str, masked: str, purpose: str, outcome: str) -> None:
        self.registry.record_audit(AuditEntry(actor=actor, role=role, nik_masked=masked, purpose=purpose,
                                              outcome=outcome))
