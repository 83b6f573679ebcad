"""Verified, rate-limited, audited access to the registry (implements ``ports.HouseholdLookup``).

- A citizen sees only their own household, after verifying NIK + birth date on record. Failed
  verifications are counted per user and per NIK in a fixed window (StateStore), so NIKs cannot be
  enumerated; "not registered" and "wrong birth date" give the same answer.
- A facilitator sees households in their assigned region codes only (prefix match: "32" covers
  every regency of Jawa Barat, "3204" one regency, "320401" one district).
- Every lookup, including refused ones, is written to the audit log with a masked NIK.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from assistant.eligibility.assume import apply_assumptions
from assistant.eligibility.engine import assess
from assistant.eligibility.parameters import Parameters
from assistant.errors import (
    AccessDeniedError,
    EligibilityInputError,
    NotFoundError,
    RateLimitedError,
)
from assistant.models import AuditEntry, EligibilityReport, Household
from assistant.ports import Registry, StateStore
from assistant.registry.nik import NikError, mask_nik, parse_nik
from assistant.settings import Settings

JAKARTA = ZoneInfo("Asia/Jakarta")
VERIFY_FAILED = (
    "Data tidak dapat dicocokkan: NIK belum terdaftar atau tanggal lahir tidak sesuai dengan data. "
    "Periksa kembali KTP/KK Anda, atau tanyakan ke pendamping PKH atau dinas sosial setempat."
)


def today_in_jakarta() -> date:
    return datetime.now(JAKARTA).date()


def parse_as_of(as_of: str | date | None, today: Callable[[], date] = today_in_jakarta) -> date:
    if as_of is None or as_of == "":
        return today()
    if isinstance(as_of, date):
        return as_of
    try:
        return date.fromisoformat(as_of)
    except ValueError:
        raise EligibilityInputError("Tanggal harus berformat TTTT-BB-HH, misalnya 2025-07-01.") from None


def normalize_birth_date(value: str) -> str:
    """YYYY-MM-DD from YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY; EligibilityInputError otherwise (not a failed try)."""
    text = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise EligibilityInputError("Tanggal lahir harus berformat HH-BB-TTTT, misalnya 17-08-1990.")


class RegistryAccess:
    """The one gate between people and registry data."""

    def __init__(
        self,
        registry: Registry,
        state: StateStore,
        params: Parameters | None = None,
        *,
        max_failures: int = 5,
        window_seconds: int = 900,
        today: Callable[[], date] = today_in_jakarta,
    ) -> None:
        self.registry = registry
        self.state = state
        self.params = params or Parameters.load()
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._today = today

    # ------------------------------------------------------------------ HouseholdLookup

    def citizen_status(self, *, user_id: str, nik: str, birth_date: str, as_of: str | None = None) -> EligibilityReport:
        nik = (nik or "").strip()
        masked = mask_nik(nik)
        keys = (f"verify:fail:user:{user_id}", f"verify:fail:nik:{hashlib.sha256(nik.encode()).hexdigest()[:32]}")
        for key in keys:
            if int(self.state.get(key) or 0) >= self.max_failures:
                self._audit(user_id, "citizen", masked, "citizen_self_check", "rate_limited")
                retry = self._retry_after(key)
                raise RateLimitedError(
                    f"Terlalu banyak percobaan yang gagal. Silakan coba lagi dalam {max(1, retry // 60)} menit.",
                    retry_after=retry,
                )
        on = parse_as_of(as_of, self._today)
        birth_date = normalize_birth_date(birth_date)
        try:
            parse_nik(nik)
        except NikError:
            self.state.incr(keys[0], self.window_seconds)
            self._audit(user_id, "citizen", masked, "citizen_self_check", "invalid_nik")
            raise
        household = self.registry.get_household_by_nik(nik)
        member = next((m for m in household.members if m.nik == nik), None) if household else None
        if member is None or member.birth_date is None or member.birth_date != birth_date:
            for key in keys:
                self.state.incr(key, self.window_seconds)
            self._audit(user_id, "citizen", masked, "citizen_self_check", "verification_failed")
            raise AccessDeniedError(VERIFY_FAILED, code="verification_failed")
        assert household is not None
        self._audit(user_id, "citizen", masked, "citizen_self_check", "ok")
        return self._report(household, on)

    def facilitator_status(
        self, *, actor: str, regions: Sequence[str], nik: str, as_of: str | None = None, assume: Sequence[str] = ()
    ) -> EligibilityReport:
        """``assume``: what-if corrections (``members[2].disability=berat``) shown in the report, never stored."""
        purpose = "facilitator_what_if" if assume else "facilitator_lookup"
        household, masked, on = self._find_household(actor, "facilitator", purpose, nik, as_of)
        if not any(r and household.region_code.startswith(r) for r in regions):
            self._audit(actor, "facilitator", masked, purpose, "denied_region")
            raise AccessDeniedError(
                f"Keluarga dengan NIK {masked} berada di luar wilayah tugas Anda.", code="out_of_region"
            )
        self._audit(actor, "facilitator", masked, purpose, "ok")
        return self._report(household, on, assume)

    # ------------------------------------------------------------------ operator (CLI)

    def admin_status(self, *, actor: str, nik: str, as_of: str | date | None = None,
                     purpose: str = "cli_eligibility", assume: Sequence[str] = ()) -> EligibilityReport:
        """Unrestricted lookup for operators at the console; audited like every other lookup."""
        household, masked, on = self._find_household(actor, "admin", purpose, nik, as_of)
        self._audit(actor, "admin", masked, purpose, "ok")
        return self._report(household, on, assume)

    # ------------------------------------------------------------------ helpers

    def _find_household(self, actor: str, role: str, purpose: str, nik: str,
                        as_of: str | date | None) -> tuple[Household, str, date]:
        """The household of ``nik`` with the masked NIK and the evaluation date; an unknown NIK is
        audited as ``not_found`` and raised."""
        nik = (nik or "").strip()
        masked = mask_nik(nik)
        on = parse_as_of(as_of, self._today)
        parse_nik(nik)
        household = self.registry.get_household_by_nik(nik)
        if household is None:
            self._audit(actor, role, masked, purpose, "not_found")
            raise NotFoundError(f"NIK {masked} tidak ditemukan di registri.")
        return household, masked, on

    def _report(self, household: Household, on: date, assume: Sequence[str] = ()) -> EligibilityReport:
        if not assume:
            return assess(household, on, self.params)
        changed, described = apply_assumptions(household, assume)  # a copy: the registry is never written
        return replace(assess(changed, on, self.params), assumptions=described)

    def _audit(self, actor: str, role: str, masked: str, purpose: str, outcome: str) -> None:
        self.registry.record_audit(AuditEntry(actor=actor, role=role, nik_masked=masked, purpose=purpose,
                                              outcome=outcome))

    def _retry_after(self, key: str) -> int:
        ttl = getattr(self.state, "ttl", None)
        return int(ttl(key)) if callable(ttl) else self.window_seconds


def build_access(settings: Settings, registry: Registry, state: StateStore) -> RegistryAccess:
    """RegistryAccess configured from settings (parameters override, verification limits)."""
    return RegistryAccess(
        registry, state, Parameters.load(settings.registry.eligibility_parameters),
        max_failures=settings.registry.verify_max_failures,
        window_seconds=settings.registry.verify_window_seconds,
    )
