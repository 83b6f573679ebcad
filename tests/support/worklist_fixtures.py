"""A small region with one household for every worklist situation (used by the worklist tests)."""

from __future__ import annotations

from assistant.models import Enrollment, Household
from tests.support.registry_fixtures import couple, household, member

PKH_ACTIVE = (Enrollment("PKH", "aktif", "2023-01-01"),)


def region_households() -> dict[str, Household]:
    """Named households in 3204 (and one in 3301); ages are as of AS_OF (2025-07-01)."""
    return {
        # krs-pkh
        "pregnant_unsafe_water": household(*couple(19, pregnant=True), desil=3, water="tidak_layak"),
        "baby_and_too_many": household(*couple(30), *(member(f"Anak {i}", i * 2 + 1, "L", "anak") for i in range(4)),
                                       member("Bayi", 1, "P", "anak"), desil=2),
        "at_risk_but_enrolled": household(*couple(19, pregnant=True), desil=2, water="tidak_layak",
                                          enrollments=PKH_ACTIVE),
        "at_risk_but_desil_7": household(*couple(19, pregnant=True), desil=7, water="tidak_layak"),
        "at_risk_unknown_occupation": household(member("Budi Santoso", 25, "L", "kepala_keluarga", occupation=None),
                                                member("Siti Aminah", 19, "P", "istri", pregnant=True), desil=1),
        # graduation: the child turns 7 on 2025-08-01 (early childhood ends; not in school)
        "toddler_ageing_out": household(*couple(30), member("Kiki", 7, "P", "anak", months=-1, occupation=None),
                                        desil=3, enrollments=PKH_ACTIVE),
        "desil_rose": household(*couple(30), member("Ana", 3, "P", "anak"), desil=6, enrollments=PKH_ACTIVE),
        "pregnancy_only": household(*couple(28, pregnant=True), desil=3, enrollments=PKH_ACTIVE),
        "stays_eligible": household(*couple(30), member("Dodi", 2, "L", "anak"), desil=3, enrollments=PKH_ACTIVE),
        # data-gaps
        "gaps_desil_and_water": household(*couple(30), member("Rina", 4, "P", "anak"), desil=None, water=None),
        "gaps_one_decision": household(*couple(30, pregnant=None), desil=3),
        "gaps_elderly_disability": household(member("Oma Wati", 75, "P", "kepala_keluarga", disability=None),
                                             member("Dedi", 40, "L", "anak"), desil=3),
        # elsewhere
        "other_region": household(*couple(19, pregnant=True), desil=3, water="tidak_layak", region="330101"),
    }
