"""NIK validation edge cases and masking."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.privacy import NikError, make_nik, mask_name, mask_nik, parse_nik, validate_nik


def test_male_nik_parts():
    info = parse_nik("3204011708900001")
    assert (info.province, info.regency, info.district) == ("32", "04", "01")
    assert (info.day, info.month, info.year2, info.sex, info.serial) == (17, 8, 90, "L", "0001")


def test_female_day_has_forty_added():
    info = parse_nik("3204015708900002")
    assert (info.day, info.sex) == (17, "P")
    assert parse_nik("3204017112990001").day == 31  # 31 + 40 = 71 is still a real day


@pytest.mark.parametrize(
    ("nik", "fragment"),
    [
        ("320401170890001", "16 angka"),  # 15 digits
        ("32040117089000011", "16 angka"),  # 17 digits
        ("32040117089A0001", "16 angka"),
        (" 3204011708900001", "16 angka"),
        ("9904011708900001", "kode provinsi 99"),
        ("2004011708900001", "kode provinsi 20"),
        ("3200011708900001", "tidak boleh 00"),
        ("3204001708900001", "tidak boleh 00"),
        ("3204013102900001", "bukan tanggal"),  # 31 February
        ("3204017202900001", "bukan tanggal"),  # woman, 32nd day
        ("3204010013900001", "bukan tanggal"),  # month 13
        ("3204010008900001", "bukan tanggal"),  # day 0
        ("3204014008900001", "bukan tanggal"),  # woman, day 0 (40)
        ("3204012902010001", "bukan tanggal"),  # 29 Feb 1901/2001: no leap year either way
        ("3204011708900000", "0000"),
    ],
)
def test_invalid_niks_are_refused_with_a_reason(nik, fragment):
    with pytest.raises(NikError) as err:
        parse_nik(nik)
    assert fragment in err.value.message
    assert nik.strip() not in err.value.message  # never the full NIK in a message


def test_leap_day_is_valid_when_either_century_is_leap():
    assert parse_nik("3204012902000001").day == 29  # 2000 was a leap year
    assert parse_nik("3204016902960001").sex == "P"


def test_consistency_with_birth_date_and_sex():
    nik = "3204015708900002"
    assert validate_nik(nik, birth_date=date(1990, 8, 17), sex="P").sex == "P"
    with pytest.raises(NikError, match="tanggal lahir"):
        validate_nik(nik, birth_date=date(1990, 8, 18))
    with pytest.raises(NikError, match="tanggal lahir"):
        validate_nik(nik, birth_date=date(1980, 8, 17))  # same day and month, other year
    with pytest.raises(NikError, match="jenis kelamin"):
        validate_nik(nik, sex="L")
    with pytest.raises(NikError) as err:
        validate_nik("3204011708900001", sex="P")
    assert "3204011708900001" not in err.value.message
    assert "3204********0001" in err.value.message


def test_make_nik_round_trip():
    for birth, sex in ((date(2024, 2, 29), "P"), (date(1950, 12, 31), "L"), (date(2001, 1, 1), "P")):
        nik = make_nik("350701", birth, sex, 42)
        assert validate_nik(nik, birth_date=birth, sex=sex).serial == "0042"


def test_masking():
    assert mask_nik("3204011708900001") == "3204********0001"
    assert mask_nik("12345") == "*****"
    assert mask_nik(None) == ""
    assert mask_name("Siti Aminah") == "S*** A*****"
