"""JSON Lines records: validation with line numbers and reasons, duplicates, round trip."""

from __future__ import annotations

import json

import pytest

from assistant.errors import InputError
from assistant.registry.records import (
    household_from_dict,
    household_to_dict,
    parse_lines,
    read_jsonl,
    write_jsonl,
)
from tests.support.registry_fixtures import couple, household, member


def _line(h) -> str:
    return json.dumps(household_to_dict(h))


def test_round_trip_keeps_every_field_including_unknowns(tmp_path):
    h = household(*couple(30, pregnant=None, school_level=None, disability=None, occupation=None), desil=None,
                  water=None, toilet="tidak_layak")
    path = tmp_path / "h.jsonl"
    assert write_jsonl([h], path) == 1
    assert read_jsonl(path) == [h]
    record = json.loads(path.read_text())
    assert set(record) == {"kk", "region_code", "desil", "drinking_water", "toilet", "address", "members",
                           "enrollments"}
    assert set(record["members"][0]) == {"nik", "name", "birth_date", "sex", "relation", "pregnant", "school_level",
                                         "disability", "occupation", "left_on"}


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda r: r.update(desil=11), "desil"),
        (lambda r: r.update(desil="3"), "desil"),
        (lambda r: r.update(kk="123"), "kk"),
        (lambda r: r.update(region_code="9901"), "provinsi"),
        (lambda r: r.update(toilet="bagus"), "toilet"),
        (lambda r: r.update(members=[]), "members"),
        (lambda r: r.update(colour="x"), "kolom tidak dikenal"),
        (lambda r: r["members"][0].update(nik="3204011708900000"), "0000"),
        (lambda r: r["members"][0].update(birth_date="1990-02-30"), "birth_date"),
        (lambda r: r["members"][0].update(birth_date="1990-01-01"), "tanggal lahir di NIK"),
        (lambda r: r["members"][0].update(sex="P"), "jenis kelamin"),
        (lambda r: r["members"][0].update(pregnant=True), "laki-laki"),
        (lambda r: r["members"][1].update(school_level="SMK"), "school_level"),
        (lambda r: r["members"][1].update(disability="sedang"), "disability"),
        (lambda r: r["members"][1].update(name=" "), "nama"),
        (lambda r: r["members"].append(dict(r["members"][0])), "dua kali"),
        (lambda r: r.update(enrollments=[{"program": "PKH", "status": "maybe"}]), "status"),
    ],
)
def test_invalid_fields_are_named(mutate, fragment):
    record = household_to_dict(household(*couple(30)))
    mutate(record)
    lines = [_line(household(*couple(31))), json.dumps(record), _line(household(*couple(32)))]
    households, errors = parse_lines(lines)
    assert len(households) == 2
    assert [e.line for e in errors] == [2]
    assert fragment in errors[0].reason


def test_bad_json_and_duplicates_across_lines():
    a = household(*couple(30))
    b = household(*couple(31))
    same_nik = household(member("Lain", 40, "L", "kepala_keluarga"), a.members[1])
    lines = [_line(a), "{not json", _line(b), _line(a), "", _line(same_nik)]
    _, errors = parse_lines(lines)
    assert [(e.line, e.reason.split(" ")[0]) for e in errors] == [(2, "JSON"), (4, "KK"), (6, "NIK")]
    assert "baris 1" in errors[1].reason and "baris 1" in errors[2].reason


def test_read_jsonl_reports_every_bad_line_and_never_a_full_nik(tmp_path):
    good = household(*couple(30))
    bad = household_to_dict(household(*couple(30)))
    bad["members"][0]["sex"] = "P"
    bad2 = household_to_dict(household(*couple(30)))
    bad2["desil"] = 0
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([_line(good), json.dumps(bad), json.dumps(bad2)]) + "\n")
    with pytest.raises(InputError) as err:
        read_jsonl(path)
    message = err.value.message
    assert "2 baris tidak sah" in message and "baris 2:" in message and "baris 3:" in message
    assert "tidak ada data yang diimpor" in message
    assert bad["members"][0]["nik"] not in message


def test_enrollment_program_is_normalised():
    record = household_to_dict(household(*couple(30)))
    record["enrollments"] = [{"program": "pkh", "status": "aktif", "since": "2024-01-01"}]
    assert household_from_dict(record).enrollments[0].program == "PKH"
