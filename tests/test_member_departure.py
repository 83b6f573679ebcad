"""A member who left the family card (``left_on``): import format, every registry backend, the engine, graduation."""

from __future__ import annotations

import json

import pytest

from assistant.adapters.sql_registry import SqlRegistry
from assistant.eligibility.engine import decide_pkh, evaluate
from assistant.eligibility.parameters import Parameters
from assistant.models import Enrollment
from assistant.registry.records import RecordError, household_from_dict, household_to_dict
from assistant.worklists.evaluate import evaluate_worklist
from tests.support.registry_fixtures import AS_OF, PG_URL, household, member, postgres_schema

P = Parameters.load()
PKH_ACTIVE = (Enrollment("PKH", "aktif", "2023-01-01"),)


def family(left_on: str | None, *, wife_pregnant: bool | None = False):
    """Head, a schoolchild (the only PKH component) who leaves on ``left_on``, and the wife."""
    return household(member("Budi Santoso", 45, "L", "kepala_keluarga"),
                     member("Rudi", 10, "L", "anak", school_level="SD", occupation=None, left_on=left_on),
                     member("Siti Aminah", 42, "P", "istri", pregnant=wife_pregnant), desil=3, enrollments=PKH_ACTIVE)


def test_left_on_travels_through_the_import_format_and_is_checked():
    h = family("2025-05-02")
    record = household_to_dict(h)
    assert record["members"][1]["left_on"] == "2025-05-02"
    assert household_from_dict(json.loads(json.dumps(record))) == h
    record["members"][1]["left_on"] = "2001-01-01"  # before the child was born
    with pytest.raises(RecordError, match="left_on tidak boleh sebelum tanggal lahir"):
        household_from_dict(record)
    record["members"][1]["left_on"] = "kemarin"
    with pytest.raises(RecordError, match="left_on harus tanggal"):
        household_from_dict(record)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_left_on_is_stored_and_streamed_by_sql_registries(backend, tmp_path):
    h = family("2025-05-02")
    if backend == "sqlite":
        reg = SqlRegistry.sqlite(tmp_path / "r.sqlite3")
        _check_stored(reg, h)
        return
    with postgres_schema() as schema:
        _check_stored(SqlRegistry(PG_URL, schema=schema), h)


def _check_stored(reg: SqlRegistry, h) -> None:
    try:
        reg.add_households([h])
        assert reg.get_household_by_nik(h.members[0].nik) == h
        assert list(reg.iter_region(h.region_code[:4])) == [h]
        assert list(reg.iter_households()) == [h]
    finally:
        reg.close()


def test_a_member_who_left_no_longer_counts_and_the_decision_says_so():
    before = decide_pkh(family("2025-09-01"), AS_OF, P)
    assert before.status == "eligible" and [c.member_index for c in before.components] == [1]
    after = decide_pkh(family("2025-05-02"), AS_OF, P)
    assert after.status == "not_eligible" and after.components == ()
    assert any(r.rule == "household.member_left" and "keluar dari keluarga per 2025-05-02" in r.text
               for r in after.reasons)


def test_missing_fields_keep_the_record_s_member_indexes_after_a_departure():
    gone = family("2025-05-02", wife_pregnant=None)  # the wife (index 2) has no pregnancy status
    d = decide_pkh(gone, AS_OF, P)
    assert d.status == "unknown" and [m.path for m in d.missing] == ["members[2].pregnant"]
    assert d.missing[0].label == "status hamil S*** A*****"


def test_graduation_names_the_departure_date_and_the_component_it_ends():
    leaving = family("2025-08-15")
    rows = evaluate_worklist("graduation", [leaving], region="3204", as_of=AS_OF, params=P, within_months=3)
    assert len(rows) == 1 and rows[0].due == "2025-08-15"
    assert rows[0].ending == ("anak SD R*** (keluar dari keluarga per 2025-08-15)",)
    later = evaluate_worklist("graduation", [family("2025-12-01")], region="3204", as_of=AS_OF, params=P,
                              within_months=3)
    assert later == []  # outside the window
    gone = evaluate_worklist("graduation", [family("2025-05-02")], region="3204", as_of=AS_OF, params=P)
    assert gone[0].due == AS_OF.isoformat()
    assert any("keluar dari keluarga per 2025-05-02" in e for e in gone[0].ending)


def test_a_card_every_member_has_left_is_decided_not_an_error():
    h = household(member("Oma Wati", 80, "P", "kepala_keluarga", left_on="2025-05-02"), desil=3)
    decisions = {d.program: d for d in evaluate(h, AS_OF, P)}
    assert {d.status for d in decisions.values() if d.program not in ("SEMBAKO", "PBI_JKN")} <= {
        "not_eligible", "not_at_risk"}
    assert "tidak ada lagi anggota" in decisions["BKL_SEKOLAH_LANSIA"].reasons[0].text
    assert evaluate_worklist("data-gaps", [h], region="3204", as_of=AS_OF, params=P) == []
