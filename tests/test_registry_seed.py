"""Synthetic households: deterministic, valid, realistic spread, and every rule gets exercised."""

from __future__ import annotations

from collections import Counter

from assistant.adapters.sql_registry import SqlRegistry
from assistant.eligibility.engine import evaluate
from assistant.eligibility.facts import age_on
from assistant.eligibility.parameters import Parameters
from assistant.regions import PROVINCES, REGENCIES
from assistant.registry.records import household_from_dict, household_to_dict
from assistant.registry.seed import REFERENCE_DATE, district_quotas, generate, seed_registry


def test_same_seed_same_data_other_seed_other_data():
    assert list(generate(300, seed=5)) == list(generate(300, seed=5))
    assert list(generate(300, seed=5)) != list(generate(300, seed=6))


def test_quotas_add_up_and_follow_real_codes():
    quotas = district_quotas(12_345)
    assert sum(q for _, q in quotas) == 12_345
    regencies = {code for code, _, _ in REGENCIES}
    assert all(code[:4] in regencies and code[:2] in PROVINCES for code, _ in quotas)


def test_generated_records_are_valid_and_keys_unique():
    hs = list(generate(3000, seed=11))
    assert len(hs) == 3000
    for h in hs:
        assert household_from_dict(household_to_dict(h)) == h  # full validation, NIK vs birth date and sex
        assert h.region_code == h.kk[:6]
    niks = [m.nik for h in hs for m in h.members]
    assert len(niks) == len(set(niks))
    assert len({h.kk for h in hs}) == len(hs)


def test_distributions_are_plausible_and_cover_every_rule():
    on = REFERENCE_DATE
    hs = list(generate(5000, seed=2))
    members = [m for h in hs for m in h.members]
    ages = [a for a in (age_on(m.birth_date, on) for m in members) if a is not None]
    assert 2.5 < len(members) / len(hs) < 5
    assert min(ages) == 0 and max(ages) >= 85
    assert 0.05 < sum(a >= 60 for a in ages) / len(ages) < 0.3
    desil = Counter(h.desil for h in hs)
    assert set(range(1, 11)) <= set(desil) and 0 < desil[None] < 0.05 * len(hs)
    assert sum(m.pregnant for m in members) > 50
    assert {"SD", "SMP", "SMA", "none"} <= {m.school_level for m in members}
    assert {"berat", "ringan", "none"} <= {m.disability for m in members}
    assert {"ASN", "TNI", "POLRI"} <= {m.occupation for m in members}
    assert any(m.birth_date is None for m in members)  # a few unknowns, as in real data
    params = Parameters.load()
    statuses = Counter((d.program, d.status) for h in hs[:2000] for d in evaluate(h, on, params))
    for program in ("PKH", "BKL_SEKOLAH_LANSIA", "ATENSI", "TAMASYA", "SEMBAKO", "PBI_JKN"):
        assert statuses[(program, "eligible")] and statuses[(program, "not_eligible")], program
    assert statuses[("KRS", "at_risk")] and statuses[("KRS", "not_at_risk")] and statuses[("PKH", "unknown")]


def test_seed_into_sqlite_in_batches(tmp_path):
    reg = SqlRegistry.sqlite(tmp_path / "r.sqlite3")
    seen = []
    assert seed_registry(reg, 1234, seed=3, batch_size=500, progress=seen.append) == 1234
    assert seen == [500, 1000, 1234]
    assert reg.count_households() == 1234
    first = next(generate(1, seed=3))
    assert reg.get_household_by_nik(first.members[0].nik) == first
    reg.close()


def test_different_seeds_can_share_a_registry(tmp_path):
    reg = SqlRegistry.sqlite(tmp_path / "r.sqlite3")
    seed_registry(reg, 500, seed=1)
    seed_registry(reg, 500, seed=2)
    assert reg.count_households() == 1000
    reg.close()
