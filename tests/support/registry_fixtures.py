"""Builders and database helpers for the registry and eligibility tests."""

from __future__ import annotations

import contextlib
import itertools
import uuid
from collections.abc import Iterator
from datetime import date

from assistant.models import Enrollment, Household, Member
from assistant.privacy import make_nik

PG_URL = "postgresql://root@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"
AS_OF = date(2025, 7, 1)
_serial = itertools.count(1)
_kk = itertools.count(1)


def born(age: int, months: int = 0, on: date = AS_OF) -> str:
    """A birth date making someone exactly ``age`` years and ``months`` months old on ``on``."""
    y, m = on.year - age, on.month - months
    while m <= 0:
        m += 12
        y -= 1
    return date(y, m, 1).isoformat()


def member(name: str = "Siti Aminah", age: int | None = 30, sex: str = "P", relation: str = "istri", *,
           months: int = 0, district: str = "320401", **fields) -> Member:
    birth = born(age, months) if age is not None else born(30)
    nik = make_nik(district, date.fromisoformat(birth), sex, next(_serial) % 9999 + 1)
    base = {"nik": nik, "name": name, "birth_date": birth if age is not None else None, "sex": sex,
            "relation": relation, "pregnant": False, "school_level": "none", "disability": "none",
            "occupation": "petani"}
    base.update(fields)
    return Member(**base)


def household(*members: Member, desil: int | None = 2, water: str | None = "layak", toilet: str | None = "layak",
              region: str = "320401", enrollments: tuple[Enrollment, ...] = (), kk: str | None = None) -> Household:
    kk = kk or f"{region[:6]:0<6}010725{next(_kk) % 9999 + 1:04d}"
    return Household(kk=kk, region_code=region, desil=desil, drinking_water=water, toilet=toilet,
                     address="Jl. Contoh No. 1", members=tuple(members), enrollments=enrollments)


def couple(wife_age: int = 30, **wife_fields) -> list[Member]:
    return [member("Budi Santoso", wife_age + 3, "L", "kepala_keluarga"),
            member("Siti Aminah", wife_age, "P", "istri", **wife_fields)]


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test (dropped afterwards), so parallel runs never collide."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
