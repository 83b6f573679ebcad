"""Facts derived from a household as of a date: ages, the wife of the couple, children. Pure functions."""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import Any

from assistant.models import Household, Member, MissingField
from assistant.privacy import mask_name

SCHOOL_LEVELS = ("SD", "SMP", "SMA")


def parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@functools.lru_cache(maxsize=1 << 16)
def age_on(birth_date: str | None, on: date) -> int | None:
    """Completed years on ``on``; None when the birth date is not recorded (memoised: pure, asked often)."""
    birth = parse_date(birth_date)
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def label(member: Member) -> str:
    """How a member is named in reasons: masked name."""
    return mask_name(member.name)


def field(index: int, name: str) -> str:
    """The missing-field path used in decisions, e.g. ``members[2].birth_date``."""
    return f"members[{index}].{name}"


FIELD_LABELS = {
    "birth_date": "tanggal lahir", "pregnant": "status hamil", "occupation": "pekerjaan",
    "school_level": "jenjang sekolah", "disability": "status disabilitas", "sex": "jenis kelamin",
    "relation": "hubungan keluarga", "desil": "desil keluarga", "drinking_water": "sumber air minum",
    "toilet": "jamban", "name": "nama",
}
_MEMBER_PATH = re.compile(r"members\[(\d+)\]\.(\w+)")


def missing_field(household: Household, path: str) -> MissingField:
    """A missing-field path with its plain Indonesian label: ``members[1].occupation`` -> "pekerjaan S*** A*****"."""
    match = _MEMBER_PATH.fullmatch(path)
    if match is None:
        return MissingField(path, FIELD_LABELS.get(path, path))
    index, name = int(match.group(1)), match.group(2)
    member = household.members[index] if index < len(household.members) else None
    who = (label(member) if member is not None else "") or f"anggota ke-{index + 1}"
    return MissingField(path, f"{FIELD_LABELS.get(name, name)} {who}")


def missing_fields(household: Household, paths: tuple[str, ...] | list[str]) -> tuple[MissingField, ...]:
    return tuple(missing_field(household, p) for p in dict.fromkeys(paths))


def wife_index(household: Household) -> int | None:
    """The wife of the couple: the member recorded as istri, else a female head with a husband recorded."""
    for i, m in enumerate(household.members):
        if m.relation == "istri":
            return i
    has_husband = any(m.relation == "suami" for m in household.members)
    for i, m in enumerate(household.members):
        if has_husband and m.relation == "kepala_keluarga" and m.sex == "P":
            return i
    return None


def child_indexes(household: Household) -> list[int]:
    return [i for i, m in enumerate(household.members) if m.relation == "anak"]


def rupiah(amount: Any) -> str:
    """Rp3.000.000 from a number (the one rupiah formatter); anything else is shown as it is."""
    try:
        value = int(round(float(amount)))
    except (TypeError, ValueError):
        return str(amount)
    return "Rp" + f"{value:,}".replace(",", ".")
