"""Fact extraction and normalisation for the post-check: every spelling of a figure compares equal."""

from __future__ import annotations

import pytest

from assistant.rag.facts import extract_facts, source_facts, unsupported_facts, words_to_digits


def _keys(text: str) -> set[tuple[str, str]]:
    return {f.key for f in extract_facts(text)}


@pytest.mark.parametrize("spelling", [
    "Rp3.000.000", "Rp 3.000.000", "3 juta", "Rp3 juta", "Rp 3 jt", "3jt", "tiga juta", "Rp3.000.000,00",
    "3,0 juta", "Rp3.000.000,-",
])
def test_amount_spellings_are_one_number(spelling):
    assert _keys(f"Bantuan {spelling} per tahun") == {("number", "3000000")}


@pytest.mark.parametrize(("text", "value"), [
    ("Rp750.000", "750000"), ("750 ribu", "750000"), ("tujuh ratus lima puluh ribu", "750000"),
    ("Rp2,5 juta", "2500000"), ("dua setengah juta", "2500000"), ("sebelas ribu", "11000"),
    ("seratus dua puluh lima", "125"), ("Rp 1.5 juta", "1500000"),
])
def test_amounts_and_number_words(text, value):
    assert ("number", value) in _keys(text)


@pytest.mark.parametrize("text", ["25%", "25 %", "25 persen", "dua puluh lima persen"])
def test_percentages(text):
    assert _keys(f"prevalensi turun {text}") == {("percent", "25")}


def test_a_percentage_is_not_a_plain_count_in_a_sentence():
    assert unsupported_facts("Turun 14 persen.", ["Target 14 tahun."]) != []
    assert unsupported_facts("Targetnya 14.", ["Target 14 persen."]) == []  # a source's 14% backs "14"


@pytest.mark.parametrize("text", ["1 Januari 2025", "01/01/2025", "2025-01-01", "1 Jan 2025", "01-01-2025"])
def test_dates(text):
    assert ("date", "2025-01-01") in _keys(f"mulai {text}")


def test_wrong_date_is_unsupported():
    missing = unsupported_facts("Pencairan mulai 1 Maret 2025 [1].", ["Pencairan tahap 1 mulai 1 Januari 2025."])
    assert {(f.kind, f.value) for f in missing} >= {("date", "2025-03-01"), ("month", "maret")}


def test_month_year_and_month_alone():
    assert {("date", "2025-03"), ("month", "maret")} <= _keys("pada Maret 2025")
    assert ("month", "maret") in _keys("setiap bulan Maret")
    assert not any(k[0] == "month" for k in _keys("desa dan jan"))  # short forms need a day or year


@pytest.mark.parametrize(("text", "digits"), [
    ("0800-1234-567", "08001234567"), ("(021) 2934 3700", "02129343700"), ("+62 812 3456 7890", "081234567890"),
    ("0812.3456.7890", "081234567890"),
])
def test_phone_numbers(text, digits):
    assert ("phone", digits) in _keys(f"hubungi {text}")


def test_wrong_phone_number_is_unsupported():
    missing = unsupported_facts("Telepon 0800-1234-999 [1].", ["Hubungi 0800-1234-567 pada jam kerja."])
    assert [(f.kind, f.value) for f in missing] == [("phone", "08001234999")]


def test_short_service_numbers_are_numbers():
    assert _keys("Call Center Kemensos 171") == {("number", "171"), ("program", "kemensos")} - {("program", "kemensos")}


@pytest.mark.parametrize(("text", "value"), [
    ("Permensos Nomor 1 Tahun 2018", "1/2018"), ("PP No. 12 Tahun 2020", "12/2020"), ("Perpres No. 72/2021", "72/2021"),
])
def test_regulation_numbers(text, value):
    assert ("regulation", value) in _keys(text)


def test_wrong_regulation_number_is_unsupported():
    missing = unsupported_facts("Diatur Permensos Nomor 3 Tahun 2018 [1].", ["Permensos Nomor 1 Tahun 2018."])
    assert ("regulation", "3/2018") in {(f.kind, f.value) for f in missing}


def test_program_names():
    assert {("program", "pkh"), ("program", "bpnt"), ("program", "tamasya")} <= _keys(
        "PKH dan BPNT, juga Program Tamasya")
    assert unsupported_facts("Daftar BLT di desa [1].", ["Daftar PKH di desa."])[0].value == "blt"
    assert unsupported_facts("Ikut PKH [1].", ["Program Keluarga Harapan (pkh) ..."]) == []


def test_roman_numerals_and_common_acronyms_are_not_programs():
    assert ("number", "4") in _keys("tahap IV")
    assert not any(k[0] == "program" for k in _keys("Bawa KTP dan KK ke RT"))


def test_ages_and_counts_are_checked_as_numbers():
    assert unsupported_facts("Anak usia 6 sampai 21 tahun [1].", ["Anak sekolah usia 6-21 tahun."]) == []
    assert [f.value for f in unsupported_facts("Lansia 65 tahun ke atas [1].", ["Lansia 60 tahun ke atas."])] == ["65"]


def test_lone_small_number_words_need_a_unit_in_a_sentence_but_not_in_a_source():
    assert words_to_digits("salah satu syarat") == "salah satu syarat"
    assert words_to_digits("setiap tiga bulan") == "setiap 3 bulan"
    assert words_to_digits("ada empat komponen") == "ada 4 komponen"
    assert words_to_digits("ada empat jenis", eager=True) == "ada 4 jenis"
    assert unsupported_facts("Ada 4 jenis bantuan [1].", ["Ada empat jenis bantuan."]) == []


def test_nik_is_never_a_fact():
    assert _keys("NIK 3204123456780001") == set()


def test_source_facts_are_lenient_only_where_nothing_can_be_invented():
    keys = source_facts(["Hubungi (021) 171 atau turun 5%."])
    assert {("phone", "021171"), ("number", "171"), ("number", "021"), ("percent", "5"), ("number", "5")} <= keys
