"""Eligibility on real-world data: age-aware missing data, "at least" amounts, disputed rules, labels from values."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assistant.eligibility.checks import RULES
from assistant.eligibility.engine import assess, evaluate
from assistant.eligibility.parameters import Parameters
from assistant.eligibility.report import render_text
from tests.support.registry_fixtures import AS_OF, couple, household, member

P = Parameters.load()


def decide(h, on=AS_OF, p=P):
    return {d.program: d for d in evaluate(h, on, p)}


def test_children_without_occupation_and_nobody_with_disability_recorded_is_eligible_at_least():
    """The issue's acceptance case: desil <= 4, components and adult occupations recorded."""
    head, wife = (member("Budi Santoso", 33, "L", "kepala_keluarga", disability=None),
                  member("Siti Aminah", 30, "P", "istri", disability=None))
    kids = [member("Rina", 8, "P", "anak", school_level="SD", occupation=None, disability=None, pregnant=False),
            member("Dodi", 3, "L", "anak", occupation=None, disability=None)]
    d = decide(household(head, wife, *kids, desil=3))["PKH"]
    assert d.status == "eligible"
    assert d.annual_amount == 900_000 + 3_000_000 and d.amount_is_minimum
    assert d.missing == ()  # a child's occupation cannot change the outcome
    assert {m.path for m in d.amount_raising} == {f"members[{i}].disability" for i in range(4)}
    assert "status disabilitas R***" in [m.label for m in d.amount_raising]
    text = render_text(assess(household(head, wife, *kids, desil=3), AS_OF, P))
    assert "perkiraan paling sedikit Rp3.900.000 per tahun" in text


def test_missing_occupation_matters_only_from_the_minimum_working_age():
    working_age = P.value("pkh.min_working_age", AS_OF)
    young = member("Anak", working_age - 1, "L", "anak", occupation=None, school_level="SMP")
    d = decide(household(*couple(30), young))["PKH"]
    assert d.status == "eligible"
    of_age = member("Anak", working_age, "L", "anak", occupation=None, school_level="SMA")
    d = decide(household(*couple(30), of_age))["PKH"]
    assert d.status == "unknown"
    assert [(m.path, m.text) for m in d.missing] == [("members[2].occupation", "pekerjaan A*** belum tercatat")]
    unknown_age = member("Anak", None, "L", "anak", occupation=None)
    assert "members[2].occupation" in decide(household(*couple(30), unknown_age))["PKH"].missing_paths


def test_minimum_working_age_is_a_dated_parameter(tmp_path: Path):
    override = tmp_path / "p.yaml"
    override.write_text("pkh:\n  min_working_age:\n    doc_id: pkh-kriteria-penerima\n    values:\n"
                        "      2025-01-01: 12\n", "utf-8")
    p = Parameters.load(override)
    kid = member("Anak", 13, "L", "anak", occupation=None, school_level="SMP")
    assert decide(household(*couple(30), kid), p=p)["PKH"].status == "unknown"
    assert decide(household(*couple(30), kid), on=date(2024, 12, 31), p=p)["PKH"].status == "eligible"


def test_a_66_year_old_hears_that_the_elderly_age_is_disputed_and_whom_to_ask():
    grandma = member("Mbah Sumi", 66, "P", "orang_tua")
    d = decide(household(*couple(40), grandma))["PKH"]
    assert d.status == "not_eligible"  # the deployment's value (70) stays in force ...
    (dispute,) = d.disputes  # ... but it is not stated flatly
    assert dispute.decisive and "pendamping PKH" in dispute.ask
    assert d.reasons[0].text == dispute.text
    assert "dengan batas 70 (dipakai sistem): tidak memenuhi syarat" in dispute.text
    assert "dengan batas 60: memenuhi syarat, Rp2.400.000 per tahun" in dispute.text
    assert dispute.doc_id in d.sources


def test_disputes_are_silent_when_every_documented_value_agrees():
    for age in (50, 75):
        d = decide(household(*couple(28, pregnant=True), member("Mbah", age, "L", "orang_tua")))["PKH"]
        assert d.disputes == ()
    assert decide(household(*couple(28, pregnant=True), desil=2))["PKH"].disputes == ()  # desil well inside


def test_an_unconfirmed_cut_off_is_flagged_only_when_it_said_no():
    d = decide(household(*couple(33), desil=5))
    for program in ("PKH", "SEMBAKO", "PBI_JKN"):
        (dispute,) = d[program].disputes
        assert "belum terkonfirmasi" in dispute.text
    assert decide(household(*couple(33), desil=3))["SEMBAKO"].disputes == ()


def test_rule_labels_are_built_from_the_parameter_values(tmp_path: Path):
    assert "lansia (60 tahun ke atas)" in RULES["lansia.bkl"].label(P, AS_OF)
    assert "(70+ tahun)" in RULES["pkh.components"].label(P, AS_OF)
    override = tmp_path / "p.yaml"
    override.write_text("lansia:\n  min_age:\n    doc_id: lansia-bkl-sekolah-lansia\n    values:\n"
                        "      2025-01-01: 65\n", "utf-8")
    assert "lansia (65 tahun ke atas)" in RULES["lansia.bkl"].label(Parameters.load(override), AS_OF)
    for info in RULES.values():
        label = info.label(P, AS_OF)
        assert "{" not in label
        for digit_free in ("60 tahun", "15-49", "(<20)"):
            assert digit_free not in info.template  # no literal ages in a template


def test_school_start_age_and_pregnancy_window_come_from_parameters(tmp_path: Path):
    five = member("Anak", 5, "L", "anak", school_level=None)
    d = decide(household(*couple(30), five))["PKH"]  # below the school start age: early childhood
    assert d.status == "eligible" and d.annual_amount == 3_000_000
    override = tmp_path / "p.yaml"
    override.write_text("pkh:\n  school_age_min:\n    doc_id: pkh-komponen-besaran\n    values:\n"
                        "      2021-01-01: 5\n", "utf-8")
    d = decide(household(*couple(30), five), p=Parameters.load(override))["PKH"]
    assert d.status == "unknown" and "members[2].school_level" in d.missing_paths
