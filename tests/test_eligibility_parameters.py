"""Dated, sourced parameters: value in force on a date, deployment overrides, refusal of unsourced values."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.eligibility.parameters import Parameters
from assistant.errors import ConfigurationError, EligibilityInputError


def test_every_default_parameter_has_a_source_document():
    params = Parameters.load()
    allowed = {"pkh-kriteria-penerima", "pkh-komponen-besaran", "pkh-lansia-usia", "stunting-krs-kriteria",
               "lansia-bkl-sekolah-lansia", "lansia-atensi", "daycare-tamasya", "lainnya-sembako", "lainnya-pbi-jkn"}
    for name in params.names():
        p = params.get(name)
        assert p.doc_id in allowed, name
        assert p.reference and p.description, name


def test_value_in_force_on_a_date(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(
        "pkh:\n  elderly_min_age:\n    doc_id: pkh-lansia-usia\n    values:\n      2026-01-01: 60\n"
    )
    params = Parameters.load(f)
    assert params.value("pkh.elderly_min_age", date(2025, 12, 31)) == 70  # packaged 2021 value
    assert params.value("pkh.elderly_min_age", date(2026, 1, 1)) == 60
    assert params.get("pkh.elderly_min_age").reference  # metadata kept from the defaults


def test_before_first_date_is_an_input_error_not_a_guess():
    params = Parameters.load()
    with pytest.raises(EligibilityInputError, match="terlalu awal"):  # the caller's date, not the config (422)
        params.value("pkh.max_desil", date(2000, 1, 1))


def test_parameter_without_source_is_refused(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("newprog:\n  limit:\n    values:\n      2025-01-01: 3\n")
    with pytest.raises(ConfigurationError, match="doc_id"):
        Parameters.load(f)


def test_unknown_parameter_name():
    with pytest.raises(ConfigurationError):
        Parameters.load().value("pkh.nope", date(2025, 1, 1))
