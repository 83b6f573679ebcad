"""Deterministic generator of realistic synthetic households (same seed, same data, on any machine).

Households are spread over real regency codes (``regions.REGENCIES``) and their districts; NIKs are
valid and match each member's birth date and sex; KK numbers follow the same district+date+serial
layout. Ages, desil, facilities, pregnancies, schooling, disabilities and elderly members follow
plausible (not official) distributions, with enough edge cases (ASN members, close births, many
children, missing values) to exercise every eligibility rule.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from assistant.models import Enrollment, Household, Member
from assistant.ports import Registry
from assistant.regions import DISTRICTS_PER_REGENCY, REGENCIES
from assistant.registry.names import FEMALE, MALE, SECOND, STREETS

REFERENCE_DATE = date(2026, 1, 1)  # every birth date lies before this; fixed so output never drifts

HEAD_JOBS_M = (("petani", 22), ("buruh harian lepas", 20), ("pedagang", 12), ("wiraswasta", 12),
               ("karyawan swasta", 14), ("nelayan", 4), ("sopir", 5), ("tidak bekerja", 5), ("ASN", 4),
               ("TNI", 1), ("POLRI", 1))
HEAD_JOBS_F = (("mengurus rumah tangga", 30), ("pedagang", 20), ("buruh harian lepas", 18), ("petani", 14),
               ("karyawan swasta", 10), ("ASN", 3), ("tidak bekerja", 5))
WIFE_JOBS = (("mengurus rumah tangga", 60), ("pedagang", 12), ("buruh harian lepas", 8), ("petani", 8),
             ("karyawan swasta", 8), ("ASN", 3), ("POLRI", 1))


def _weighted(items: tuple[tuple[str, int], ...]) -> tuple[list[str], list[int]]:
    values = [v for v, _ in items]
    cum, total = [], 0
    for _, w in items:
        total += w
        cum.append(total)
    return values, cum


_JM, _JF, _JW = _weighted(HEAD_JOBS_M), _weighted(HEAD_JOBS_F), _weighted(WIFE_JOBS)


def district_quotas(n: int) -> list[tuple[str, int]]:
    """Split ``n`` households over every district by regency weight (largest remainder, deterministic)."""
    slots = [(f"{code}{d:02d}", weight) for code, _, weight in REGENCIES for d in range(1, DISTRICTS_PER_REGENCY + 1)]
    total = sum(w for _, w in slots)
    raw = [(code, n * w / total) for code, w in slots]
    quotas = {code: int(x) for code, x in raw}
    rest = n - sum(quotas.values())
    for code, _x in sorted(raw, key=lambda cx: (-(cx[1] - int(cx[1])), cx[0]))[:rest]:
        quotas[code] += 1
    return [(code, quotas[code]) for code, _ in slots if quotas[code]]


class _DistrictGenerator:
    def __init__(self, seed: int, district: str) -> None:
        self.rng = random.Random(f"{seed}:{district}")
        self.district = district
        self.serials: dict[str, int] = {}
        # Each seed numbers its NIK/KK serials in its own block of 100, so registries seeded with
        # different seeds (mod 99) can be combined without key clashes.
        self.block = (seed % 99) * 100

    def _code(self, d: date, female: bool) -> str:
        prefix = f"{self.district}{d.day + (40 if female else 0):02d}{d.month:02d}{d.year % 100:02d}"
        n = self.serials.get(prefix, 0) + 1
        self.serials[prefix] = n
        if n < 100:
            return f"{prefix}{self.block + n:04d}"
        if n < 200:  # 9900-9999 is an overflow area no block uses (blocks end at 9899)
            return f"{prefix}{9800 + n:04d}"
        raise ValueError(f"more than 199 records for one district and date in {self.district}")

    def _birth(self, age_years: float) -> date:
        days = int(age_years * 365.25) + self.rng.randint(0, 364)
        return REFERENCE_DATE - timedelta(days=days + 1)

    def _job(self, table: tuple[list[str], list[int]]) -> str:
        values, cum = table
        return self.rng.choices(values, cum_weights=cum)[0]

    def _member(self, age: float, sex: str, relation: str, surname: str, job: str | None = None,
                pregnant: bool = False) -> Member:
        r = self.rng
        birth = self._birth(age)
        years = int(age)
        female = sex == "P"
        first = r.choice(FEMALE if female else MALE)
        name = f"{first} {surname}" if r.random() < 0.7 else f"{first} {r.choice(FEMALE if female else MALE)}"
        school = "none"
        if 6 <= years <= 18:
            p = r.random()
            school = ("SD" if p < 0.3 else "none") if years == 6 else \
                ("SD" if p < 0.97 else "none") if years <= 12 else \
                ("SMP" if p < 0.9 else "none") if years <= 15 else ("SMA" if p < 0.78 else "none")
        q = r.random()
        disability = "berat" if q < (0.05 if years >= 60 else 0.012) else "ringan" if q < 0.05 else "none"
        if job is None:
            job = "pelajar" if school != "none" else "belum bekerja" if years < 18 else \
                "tidak bekerja" if years >= 65 else self._job(_JM if sex == "L" else _JW)
        # ~1% of records miss one field, as real registries do: the engine must report it, not guess.
        birth_str: str | None = birth.isoformat()
        if r.random() < 0.004:
            birth_str = None
        return Member(nik=self._code(birth, female), name=name, birth_date=birth_str, sex=sex, relation=relation,
                      pregnant=pregnant if female else False, school_level=school, disability=disability,
                      occupation=job)

    def household(self) -> Household:
        r = self.rng
        surname = r.choice(SECOND)
        head_female = r.random() < 0.15
        head_age = min(85.0, max(19.0, r.triangular(19, 85, 40)))
        head_job = self._job(_JF if head_female else _JM)
        members: list[Member] = []
        mother_age: float | None = None
        spouse: Member | None = None
        if not head_female:
            if r.random() < 0.86:
                mother_age = max(16.0, head_age - r.uniform(-3, 9))
        elif r.random() < 0.2:
            spouse = self._member(head_age + r.uniform(-2, 8), "L", "suami", surname, self._job(_JM))
            mother_age = head_age
        else:
            mother_age = head_age
        pregnant = mother_age is not None and 18 <= mother_age <= 44 and r.random() < 0.08
        head = self._member(head_age, "P" if head_female else "L", "kepala_keluarga", surname, head_job,
                            pregnant=pregnant and head_female)
        members.append(head)
        if spouse:
            members.append(spouse)
        if mother_age is not None and not head_female:
            members.append(self._member(mother_age, "P", "istri", surname, self._job(_JW), pregnant=pregnant))
        if mother_age is not None:
            k = r.choices((0, 1, 2, 3, 4, 5, 6), cum_weights=(10, 32, 64, 84, 93, 98, 100))[0]
            age_at_birth = r.uniform(16.5, 31)
            for _ in range(k):
                child_age = mother_age - age_at_birth
                if child_age < 0.05:
                    break
                if child_age <= 25:
                    members.append(self._member(child_age, r.choice("LP"), "anak", surname))
                age_at_birth += r.choice((1.2, 1.6, 2.2, 3, 3.5, 4, 5, 6))
        if r.random() < 0.12:
            members.append(self._member(r.uniform(60, 92), r.choice("LP"), "orang_tua", r.choice(SECOND),
                                        "tidak bekerja"))
        has_formal = any(m.occupation in ("ASN", "TNI", "POLRI") for m in members)
        p = r.random()
        desil: int | None = None if p < 0.02 else (r.randint(4, 9) if has_formal else r.randint(1, 10))
        bad = 0.35 if (desil or 5) <= 2 else 0.22 if (desil or 5) <= 4 else 0.08 if (desil or 5) <= 7 else 0.02
        water = None if r.random() < 0.015 else ("tidak_layak" if r.random() < bad else "layak")
        toilet = None if r.random() < 0.015 else ("tidak_layak" if r.random() < bad else "layak")
        issued = REFERENCE_DATE - timedelta(days=r.randint(30, 5000))
        kk = self._code(issued, False)
        enrollments = []
        if desil is not None and desil <= 4:
            for program, share in (("PKH", 0.45), ("SEMBAKO", 0.55), ("PBI_JKN", 0.75)):
                if r.random() < share:
                    since = date(r.randint(2016, 2025), r.choice((1, 4, 7, 10)), 1).isoformat()
                    enrollments.append(Enrollment(program, "aktif", since))
        elif desil is not None and desil <= 6 and r.random() < 0.1:
            enrollments.append(Enrollment("PKH", "nonaktif", date(r.randint(2016, 2022), 1, 1).isoformat()))
        address = f"Jl. {r.choice(STREETS)} No. {r.randint(1, 250)}, RT {r.randint(1, 15):03d}/RW {r.randint(1, 12):03d}"
        return Household(kk=kk, region_code=self.district, desil=desil, drinking_water=water, toilet=toilet,
                         address=address, members=tuple(members), enrollments=tuple(enrollments))


def generate(n: int, seed: int) -> Iterator[Household]:
    """Yield ``n`` households, district by district; the same (n, seed) always gives the same data."""
    for district, quota in district_quotas(n):
        gen = _DistrictGenerator(seed, district)
        for _ in range(quota):
            yield gen.household()


def seed_registry(registry: Registry, n: int, seed: int, *, batch_size: int = 5000,
                  progress: Callable[[int], None] | None = None) -> int:
    """Write ``n`` generated households in batches (each batch one transaction)."""
    done = 0
    batch: list[Household] = []
    for h in generate(n, seed):
        batch.append(h)
        if len(batch) >= batch_size:
            done += registry.add_households(batch, replace=False)
            batch = []
            if progress:
                progress(done)
    if batch:
        done += registry.add_households(batch, replace=False)
        if progress:
            progress(done)
    return done
