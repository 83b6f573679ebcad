"""Verified, rate-limited, audited access to the registry (implements ``ports.HouseholdLookup``).

- A citizen sees only their own family's programs, after proving they hold the family card: the NIK of
  a member plus the family-card number (nomor KK), which cannot be derived from the NIK (a NIK carries
  its holder's birth date, so "NIK + birth date" proves nothing). Wrong tries slow further tries down
  (``VerificationBackoff``), without a lockout anyone could trigger for someone else's NIK; "not
  registered" and "wrong KK" give the same answer. The typed KK is compared and forgotten.
- A facilitator sees households in their assigned region codes only (prefix match: "32" covers
  every regency of Jawa Barat, "3204" one regency, "320401" one district).
- Every lookup, including refused ones, is written to the audit log with a masked NIK; a citizen
  appears there under a keyed hash of their user id.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from assistant.eligibility.assume import apply_assumptions
from assistant.eligibility.engine import assess
from assistant.eligibility.parameters import Parameters
from assistant.eligibility.report import citizen_view
from assistant.errors import (
    AccessDeniedError,
    EligibilityInputError,
    NotFoundError,
    RateLimitedError,
)
from assistant.models import AuditEntry, EligibilityReport, Household
from assistant.ports import Registry, StateStore
from assistant.privacy import KeyedHasher, NikError, is_kk_number, mask_nik, parse_nik
from assistant.registry.backoff import BackoffPolicy, VerificationBackoff
from assistant.settings import Settings

JAKARTA = ZoneInfo("Asia/Jakarta")
VERIFY_FAILED = (
    "Data tidak dapat dicocokkan: NIK belum terdaftar atau nomor KK tidak sesuai dengan data. "
    "Periksa kembali KTP dan Kartu Keluarga Anda, atau tanyakan ke pendamping PKH atau dinas sosial setempat."
)
INVALID_KK = "Nomor KK harus 16 angka, seperti yang tertulis di bagian atas Kartu Keluarga."


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


def kk_digits(value: str) -> str:
    """The family-card number as 16 digits; EligibilityInputError (not a failed try) when it is not one."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    if not is_kk_number(digits):
        raise EligibilityInputError(INVALID_KK, code="invalid_kk")
    return digits


class RegistryAccess:
    """The one gate between people and registry data."""

    def __init__(
        self,
        registry: Registry,
        state: StateStore,
        params: Parameters | None = None,
        *,
        hasher: KeyedHasher | None = None,
        backoff: BackoffPolicy | None = None,
        today: Callable[[], date] = today_in_jakarta,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.registry = registry
        self.state = state
        self.params = params or Parameters.load()
        self.hasher = hasher or KeyedHasher.ephemeral()
        extra = {"clock": clock} if clock is not None else {}
        self.backoff = VerificationBackoff(state, self.hasher, backoff, **extra)
        self._today = today

    # ------------------------------------------------------------------ HouseholdLookup

    def citizen_status(self, *, user_id: str, nik: str, kk_number: str, as_of: str | None = None) -> EligibilityReport:
        """The family's programs for a citizen who gave a member's NIK and the family-card number."""
        nik = (nik or "").strip()
        masked = mask_nik(nik)
        actor = "citizen:" + self.hasher.user(user_id)[:16]
        on = parse_as_of(as_of, self._today)
        try:
            parse_nik(nik)
        except NikError:
            self._audit(actor, "citizen", masked, "citizen_self_check", "invalid_nik")
            raise
        kk = kk_digits(kk_number)
        try:
            self.backoff.check(nik, user_id)
        except RateLimitedError:
            self._audit(actor, "citizen", masked, "citizen_self_check", "rate_limited")
            raise
        household = self.registry.get_household_by_nik(nik)
        if household is None or not hmac.compare_digest(household.kk.encode(), kk.encode()):
            self.backoff.failed(nik, user_id)
            self._audit(actor, "citizen", masked, "citizen_self_check", "verification_failed")
            raise AccessDeniedError(VERIFY_FAILED, code="verification_failed")
        self.backoff.succeeded(nik, user_id)
        self._audit(actor, "citizen", masked, "citizen_self_check", "ok")
        return citizen_view(self._report(household, on))

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


def backoff_policy(settings: Settings) -> BackoffPolicy:
    """The verification backoff configured in the registry settings."""
    r = settings.registry
    return BackoffPolicy(
        window_seconds=r.verify_window_seconds, free_failures=r.verify_free_failures,
        base_delay_seconds=r.verify_base_delay_seconds, max_delay_seconds=r.verify_max_delay_seconds,
        user_free_failures=r.verify_user_free_failures, nik_free_failures=r.verify_nik_free_failures,
        nik_max_delay_seconds=r.verify_nik_max_delay_seconds,
    )


def build_access(settings: Settings, registry: Registry, state: StateStore,
                 hasher: KeyedHasher | None = None) -> RegistryAccess:
    """RegistryAccess configured from settings (parameters override, verification backoff, privacy key)."""
    return RegistryAccess(
        registry, state, Parameters.load(settings.registry.eligibility_parameters),
        hasher=hasher, backoff=backoff_policy(settings),
    )
