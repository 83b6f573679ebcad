"""NIK (Nomor Induk Kependudukan) validation and masking.

Layout (16 digits): province(2) regency(2) district(2) DDMMYY(6, day + 40 for women) serial(4).
Error messages never contain the full NIK; use :func:`mask_nik` whenever a NIK is shown or logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.errors import InputError
from assistant.registry.regions import PROVINCES

_DIGITS16 = re.compile(r"\d{16}")


class NikError(InputError):
    """A NIK that does not follow the Dukcapil layout."""

    code = "invalid_nik"


@dataclass(frozen=True, slots=True)
class NikInfo:
    province: str
    regency: str
    district: str
    day: int
    month: int
    year2: int  # two-digit year
    sex: str  # "L" or "P"
    serial: str

    def matches_birth_date(self, birth: date) -> bool:
        return (birth.day, birth.month, birth.year % 100) == (self.day, self.month, self.year2)


def mask_nik(nik: str | None) -> str:
    """3204********0001 for a 16-character value; anything else is masked entirely."""
    if not nik:
        return ""
    if len(nik) == 16:
        return nik[:4] + "*" * 8 + nik[-4:]
    return "*" * len(nik)


def mask_name(name: str | None) -> str:
    """'Siti Aminah' -> 'S*** A*****': enough for a family to recognise, not enough to identify."""
    if not name:
        return ""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())


def _real_date(day: int, month: int, year2: int) -> bool:
    for century in (1900, 2000):
        try:
            date(century + year2, month, day)
        except ValueError:
            continue
        return True
    return False


def parse_nik(nik: object) -> NikInfo:
    """Parse and validate a NIK's layout; raise :class:`NikError` (masked message) when it is wrong."""
    if not isinstance(nik, str) or not _DIGITS16.fullmatch(nik):
        raise NikError("NIK harus terdiri dari 16 angka.")
    return _parse(nik)


def _parse(nik: str) -> NikInfo:
    masked = mask_nik(nik)
    if nik[:2] not in PROVINCES:
        raise NikError(f"NIK {masked}: kode provinsi {nik[:2]} tidak dikenal.")
    if nik[2:4] == "00" or nik[4:6] == "00":
        raise NikError(f"NIK {masked}: kode kabupaten/kota atau kecamatan tidak boleh 00.")
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "L"
    if day > 40:
        day, sex = day - 40, "P"
    if not _real_date(day, month, year2):
        raise NikError(f"NIK {masked}: angka ke-7 s.d. 12 bukan tanggal lahir yang sah.")
    if nik[12:] == "0000":
        raise NikError(f"NIK {masked}: nomor urut tidak boleh 0000.")
    return NikInfo(nik[:2], nik[2:4], nik[4:6], day, month, year2, sex, nik[12:])


def validate_nik(nik: object, *, birth_date: date | None = None, sex: str | None = None) -> NikInfo:
    """Validate the layout and, when given, its consistency with the recorded birth date and sex."""
    info = parse_nik(nik)
    masked = mask_nik(str(nik))
    if birth_date is not None and not info.matches_birth_date(birth_date):
        raise NikError(f"NIK {masked}: tanggal lahir di NIK tidak sama dengan tanggal lahir {birth_date.isoformat()}.")
    if sex is not None and sex != info.sex:
        label = "perempuan (tanggal + 40)" if info.sex == "P" else "laki-laki"
        raise NikError(f"NIK {masked}: NIK menandakan {label}, tidak sesuai dengan jenis kelamin {sex}.")
    return info


def make_nik(district_code: str, birth: date, sex: str, serial: int) -> str:
    """Build a NIK from its parts (used by the seed generator and tests)."""
    day = birth.day + (40 if sex == "P" else 0)
    return f"{district_code}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"
