"""The pure worklist function: which households, in which order, why, with which documents (all masked)."""

from __future__ import annotations

import json

import pytest

from assistant.eligibility.parameters import Parameters
from assistant.worklists.evaluate import add_months, evaluate_worklist
from tests.support.registry_fixtures import AS_OF
from tests.support.worklist_fixtures import region_households

P = Parameters.load()


@pytest.fixture(scope="module")
def hs():
    return region_households()


def rows_of(kind, hs, region="3204", months=3):
    return evaluate_worklist(kind, list(hs.values()), region=region, as_of=AS_OF, params=P, within_months=months)


def kk_of(rows):
    return [r.key_nik for r in rows]


def names(rows, hs):
    by_nik = {m.nik: name for name, h in hs.items() for m in h.members}
    return [by_nik[r.key_nik] for r in rows]


def test_krs_pkh_lists_at_risk_families_pkh_would_take_that_are_not_enrolled(hs):
    rows = rows_of("krs-pkh", hs)
    assert names(rows, hs) == ["pregnant_unsafe_water", "at_risk_unknown_occupation", "baby_and_too_many"]
    first, unknown, baby = rows
    assert [r.rank for r in rows] == [1, 2, 3]
    assert first.priority_text.startswith("ada ibu hamil;") and "desil 3" in first.priority_text
    assert "2 faktor risiko" in first.priority_text  # too young and unsafe water
    assert baby.priority_text.startswith("2 anak di bawah 2 tahun;")
    assert first.pkh_status == "eligible" and first.krs_status == "at_risk" and first.annual_amount == 3_000_000
    assert "usulkan lewat musyawarah desa/kelurahan" in first.summary
    assert {"stunting-krs-kriteria", "pkh-kriteria-penerima", "pkh-alur-usulan-musdes"} <= set(first.sources)
    assert unknown.pkh_status == "unknown" and "(lengkapi: pekerjaan B*** S******)" in unknown.summary
    assert [g.missing.path for g in unknown.gaps] == ["members[0].occupation"]


def test_rows_are_masked_everywhere(hs):
    text = json.dumps([r.to_dict() for kind in ("krs-pkh", "graduation", "data-gaps") for r in rows_of(kind, hs)])
    text += "".join(str(r.csv_row()) for r in rows_of("krs-pkh", hs))
    for h in hs.values():
        assert h.kk not in text
        for m in h.members:
            assert m.nik not in text and m.name not in text


def test_graduation_gives_the_date_and_the_component_that_ends(hs):
    rows = rows_of("graduation", hs)
    assert names(rows, hs) == ["desil_rose", "toddler_ageing_out", "at_risk_but_enrolled", "pregnancy_only"]
    rose, toddler, _, pregnant = rows
    assert rose.due == AS_OF.isoformat() and "desil keluarga 6" in rose.summary
    assert rose.summary.startswith("Sudah tidak memenuhi syarat per 2025-07-01")
    assert toddler.due == "2025-08-01" and toddler.ending == ("anak usia dini K***",)
    assert "P2K2" in toddler.summary and "Program Sembako" in toddler.other_programs
    assert "pkh-graduasi" in toddler.sources
    assert pregnant.due is None and "setelah persalinan" in pregnant.ending[0]
    assert "stays_eligible" not in names(rows_of("graduation", hs, months=24), hs)  # ends in 2030


def test_graduation_window_is_respected(hs):
    only = {"toddler_ageing_out": hs["toddler_ageing_out"]}
    assert rows_of("graduation", only, months=1) != []  # 2025-08-01 is inside one month
    later = evaluate_worklist("graduation", list(only.values()), region="3204", as_of=add_months(AS_OF, -2),
                              params=P, within_months=1)
    assert later == []  # from 2025-05-01 one month does not reach 2025-08-01


def test_data_gaps_names_fields_and_ranks_by_decisions_settled(hs):
    rows = rows_of("data-gaps", hs)
    order = names(rows, hs)
    assert order[0] == "gaps_desil_and_water"  # the missing desil leaves PKH, Sembako and PBI JKN open
    # one decision each, one field each: the lower desil first
    assert order.index("at_risk_unknown_occupation") < order.index("gaps_one_decision")
    first, one = rows[0], rows[order.index("gaps_one_decision")]
    assert first.settles == 4 and {g.missing.path for g in first.gaps} == {"desil", "drinking_water"}
    desil = next(g for g in first.gaps if g.missing.path == "desil")
    assert desil.programs == ("PKH", "SEMBAKO", "PBI_JKN")
    assert first.gaps[0] is desil  # the field that settles most decisions comes first
    assert ("melengkapi data ini memastikan 4 keputusan (PKH, Keluarga Risiko Stunting, Program Sembako, PBI JKN)"
            in first.priority_text)
    assert {"lainnya-sembako", "lainnya-pbi-jkn"} <= set(first.sources)
    assert one.settles == 1 and [g.missing.text for g in one.gaps] == ["status hamil S*** A***** belum tercatat"]
    assert one.gaps[0].programs == ("PKH",)


def test_data_gaps_covers_programs_beyond_pkh_and_krs(hs):
    rows = rows_of("data-gaps", hs)
    elder = rows[names(rows, hs).index("gaps_elderly_disability")]
    # PKH is settled (the lansia component) and KRS does not apply; only the ATENSI referral waits for the data
    assert elder.pkh_status == "eligible" and elder.settles == 1
    assert [(g.missing.text, g.programs) for g in elder.gaps] == [("status disabilitas O** W*** belum tercatat",
                                                                   ("ATENSI",))]
    assert "lansia-atensi" in elder.sources


def test_region_scoping_and_add_months(hs):
    assert rows_of("krs-pkh", hs, region="3301") and all(r.region_code.startswith("3301")
                                                          for r in rows_of("krs-pkh", hs, region="3301"))
    assert add_months(AS_OF.replace(day=31, month=1), 1).isoformat() == "2025-02-28"
