"""Facts derived from a household as of a date: ages, the wife of the couple, children. Pure functions."""

from __future__ import annotations

from datetime import date

from assistant.models import Household, Member
from assistant.registry.nik import mask_name

SCHOOL_LEVELS = ("SD", "SMP", "SMA")


def parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def age_on(birth_date: str | None, on: date) -> int | None:
    """Completed years on ``on``; None when the birth date is not recorded."""
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


def rupiah(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")
