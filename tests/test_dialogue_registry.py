"""The status flow end to end against the real registry access layer (SQLite registry, rules engine)."""

from __future__ import annotations

import logging

import pytest

from assistant.adapters.fakes import FakeKnowledgeBase
from assistant.adapters.sql_registry import SqlRegistry
from assistant.adapters.state import InMemoryStateStore
from assistant.dialogue.service import ConversationService
from assistant.models import Enrollment, Household, Member
from assistant.registry.access import RegistryAccess
from assistant.registry.backoff import BackoffPolicy

MOTHER = "3204015208850001"  # woman born 12-08-1985 in 3204.01
CHILD = "3204011005150002"  # boy born 10-05-2015
KK = "3204010101200001"


@pytest.fixture
def service(tmp_path):
    registry = SqlRegistry.sqlite(tmp_path / "registry.sqlite3")
    registry.add_households([Household(
        kk=KK, region_code="320401", desil=3, drinking_water="layak", toilet="layak",
        address="Kp. Sukamaju RT 01", members=(
            Member(MOTHER, "Siti Aminah", "1985-08-12", "P", "kepala_keluarga", False, "none", "none", "petani"),
            Member(CHILD, "Budi Santoso", "2015-05-10", "L", "anak", False, "SD", "none", "pelajar"),
        ), enrollments=(Enrollment("PKH", "aktif", "2023-01-01"),),
    )])
    state = InMemoryStateStore()
    access = RegistryAccess(registry, state, backoff=BackoffPolicy(free_failures=2, base_delay_seconds=600))
    yield ConversationService(FakeKnowledgeBase(), access, state)
    registry.close()


def test_citizen_check_against_the_registry(service, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    say = lambda text: service.reply(user_id="tg:1", channel="telegram", role="citizen", text=text)  # noqa: E731
    say("cek status saya")
    assert "3204********0001" in say(MOTHER).text
    reply = say(KK)
    assert reply.extra["status_outcome"] == "verified", reply.text
    pkh = next(p for p in reply.eligibility["programs"] if p["program"] == "PKH")
    assert pkh["status"] == "eligible"
    assert "PKH: memenuhi syarat" in reply.text and "Rp900.000 per tahun" in reply.text
    assert reply.citations and all(c.doc_id for c in reply.citations)
    assert "Tidak memenuhi syarat: BKL dan Sekolah Lansia" in reply.text  # citizens: one short line
    assert "anggota tertua" not in reply.text and "B***" not in reply.text and "berusia" not in reply.text
    assert "KK 3204" not in reply.text and "desil 3:" not in reply.text
    assert MOTHER not in reply.text and CHILD not in reply.text
    for record in caplog.records:
        assert MOTHER not in record.getMessage() and MOTHER not in str(record.__dict__)


def test_wrong_kk_then_slowed_down_by_the_registry(service) -> None:
    say = lambda text: service.reply(user_id="tg:2", channel="telegram", role="citizen", text=text)  # noqa: E731
    for wrong in ("3204010101200009", "3204010101200008", "3204010101200007"):
        say(f"cek status {MOTHER}")
        denied = say(wrong)
        assert denied.extra["status_outcome"] == "denied" and "tidak cocok" in denied.text
    say(f"cek status {MOTHER}")
    limited = say(KK)
    assert limited.extra["status_outcome"] == "rate_limited" and "10 menit" in limited.text


def test_birth_date_from_the_nik_is_not_enough(service) -> None:
    """Issue 11: digits 7-12 of a NIK are the birth date; the old check passed with them on the first try."""
    say = lambda text: service.reply(user_id="tg:4", channel="telegram", role="citizen", text=text)  # noqa: E731
    say(f"cek status {MOTHER}")
    reply = say("12-08-1985")
    assert reply.extra["status_outcome"] == "invalid_input" and reply.eligibility is None


def test_invalid_nik_layout_reprompts(service) -> None:
    say = lambda text: service.reply(user_id="tg:3", channel="telegram", role="citizen", text=text)  # noqa: E731
    say("cek status")
    reply = say("9904015208850001")  # unknown province code
    assert reply.extra["status_outcome"] == "invalid_input" and "16 angka" in reply.text


def test_facilitator_region_scope(service) -> None:
    ok = service.reply(user_id="key:f1", channel="api", role="facilitator", text=MOTHER, regions=["3204"])
    assert ok.extra["status_outcome"] == "verified" and "Komponen:" in ok.text
    assert "anggota tertua berusia" in ok.text  # facilitators: every program with its reasons
    out = service.reply(user_id="key:f2", channel="api", role="facilitator", text=MOTHER, regions=["3510"])
    assert out.extra["status_outcome"] == "denied" and "luar wilayah" in out.text
