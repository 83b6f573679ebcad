"""Access rules and the audit log: citizen verification and rate limits, facilitator regions."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest

from assistant.adapters.sql_registry import SqlRegistry
from assistant.adapters.state import InMemoryStateStore, RedisStateStore
from assistant.errors import AccessDeniedError, InputError, NotFoundError, RateLimitedError
from assistant.privacy import KeyedHasher
from assistant.registry.access import RegistryAccess, build_access
from assistant.registry.backoff import BackoffPolicy
from tests.conftest import make_settings
from tests.support.registry_fixtures import (
    AS_OF,
    PG_URL,
    REDIS_URL,
    couple,
    household,
    member,
    postgres_schema,
)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def state(request):
    if request.param == "memory":
        yield InMemoryStateStore()
        return
    store = RedisStateStore(REDIS_URL, prefix=f"test-{uuid.uuid4().hex[:8]}:")
    yield store
    for key in store._redis.scan_iter(store._prefix + "*"):
        store._redis.delete(key)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def registry(request, tmp_path):
    if request.param == "sqlite":
        reg = SqlRegistry.sqlite(tmp_path / "r.sqlite3")
        yield reg
        reg.close()
        return
    with postgres_schema() as schema:
        reg = SqlRegistry(PG_URL, schema=schema)
        yield reg
        reg.close()


@pytest.fixture
def family(registry):
    h = household(*couple(28, pregnant=True), member("Andi", 3, "L", "anak"), region="320401")
    far = household(*couple(30), region="357801", kk="3578010107250001")
    registry.add_households([h, far])
    return h, far


class Clock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def test_citizen_sees_own_programs_after_giving_the_family_card_number(registry, state, family):
    h, _ = family
    access = RegistryAccess(registry, state)
    wife = h.members[1]
    report = access.citizen_status(user_id="tg:1", nik=wife.nik, kk_number=h.kk, as_of=AS_OF.isoformat())
    assert report.programs[0].program == "PKH" and report.programs[0].status == "eligible"
    dumped = json.dumps(report.to_dict(), ensure_ascii=False) + repr(report)
    assert all(m.nik not in dumped and m.nik[:4] + "****" not in dumped for m in h.members)
    assert h.kk[4:] not in dumped and (report.kk, report.region_code, report.desil) == ("", "", None)
    assert "S***" not in dumped and "B***" not in dumped and "berusia" not in dumped  # no member names or ages
    assert report.withheld  # reasons about single members were left out
    last = registry.audit_entries(1)[0]
    assert (last.role, last.purpose, last.outcome) == ("citizen", "citizen_self_check", "ok")
    assert last.actor.startswith("citizen:") and "tg:1" not in last.actor
    assert last.nik_masked == wife.nik[:4] + "********" + wife.nik[-4:]
    full = access.facilitator_status(actor="f", regions=["32"], nik=wife.nik, as_of=AS_OF.isoformat())
    assert "S***" in json.dumps(full.to_dict())  # the facilitator view keeps them


def test_kk_in_any_spelling_is_accepted(registry, state, family):
    h, _ = family
    access = RegistryAccess(registry, state)
    spaced = " ".join(h.kk[i:i + 4] for i in range(0, 16, 4))
    assert access.citizen_status(user_id="u", nik=h.members[0].nik, kk_number=spaced).programs
    with pytest.raises(InputError, match="16 angka"):
        access.citizen_status(user_id="u", nik=h.members[0].nik, kk_number="12345")


def test_wrong_kk_and_unknown_nik_look_the_same(registry, state, family):
    h, far = family
    access = RegistryAccess(registry, state)
    with pytest.raises(AccessDeniedError) as wrong:
        access.citizen_status(user_id="u1", nik=h.members[1].nik, kk_number=far.kk)
    with pytest.raises(AccessDeniedError) as unknown:
        access.citizen_status(user_id="u2", nik="3204011708900999", kk_number=h.kk)
    assert wrong.value.message == unknown.value.message
    assert wrong.value.code == unknown.value.code == "verification_failed"
    assert h.members[1].nik not in wrong.value.message and far.kk not in wrong.value.message
    outcomes = [e.outcome for e in registry.audit_entries(5)]
    assert outcomes[:2] == ["verification_failed", "verification_failed"]


def test_wrong_tries_slow_the_same_user_down_with_a_doubling_wait(registry, state, family):
    h, far = family
    clock = Clock()
    policy = BackoffPolicy(free_failures=2, base_delay_seconds=30, max_delay_seconds=3600)
    access = RegistryAccess(registry, state, backoff=policy, clock=clock)
    wife = h.members[1]
    for _ in range(2):  # free tries
        with pytest.raises(AccessDeniedError):
            access.citizen_status(user_id="guesser", nik=wife.nik, kk_number=far.kk)
    with pytest.raises(AccessDeniedError):
        access.citizen_status(user_id="guesser", nik=wife.nik, kk_number=far.kk)
    with pytest.raises(RateLimitedError) as first:
        access.citizen_status(user_id="guesser", nik=wife.nik, kk_number=h.kk)
    assert first.value.retry_after == 30
    assert registry.audit_entries(1)[0].outcome == "rate_limited"
    clock.t += 31
    with pytest.raises(AccessDeniedError):
        access.citizen_status(user_id="guesser", nik=wife.nik, kk_number=far.kk)
    with pytest.raises(RateLimitedError) as second:
        access.citizen_status(user_id="guesser", nik=wife.nik, kk_number=far.kk)
    assert second.value.retry_after == 60  # doubled
    clock.t += 61
    assert access.citizen_status(user_id="guesser", nik=wife.nik, kk_number=h.kk).programs


def test_wrong_tries_by_others_never_lock_the_family_out(registry, state, family):
    """Issue 11: five wrong tries from different user ids used to lock the owner out for 15 minutes."""
    h, far = family
    clock = Clock()
    access = RegistryAccess(registry, state, backoff=BackoffPolicy(), clock=clock)
    head = h.members[0]
    for i in range(8):  # the old lockout took five
        with pytest.raises(AccessDeniedError):
            access.citizen_status(user_id=f"attacker-{i}", nik=head.nik, kk_number=far.kk)
    assert access.citizen_status(user_id="owner", nik=head.nik, kk_number=h.kk).programs
    for i in range(8, 40):  # far more wrong tries: the NIK is slowed down, the owner waits at most a minute
        try:
            access.citizen_status(user_id=f"attacker-{i}", nik=head.nik, kk_number=far.kk)
        except (AccessDeniedError, RateLimitedError):
            pass
    with pytest.raises(RateLimitedError) as paused:
        access.citizen_status(user_id="owner-new-phone", nik=head.nik, kk_number=h.kk)
    assert paused.value.retry_after <= 60
    clock.t += paused.value.retry_after
    assert access.citizen_status(user_id="owner-new-phone", nik=head.nik, kk_number=h.kk).programs


def test_a_nik_under_attack_is_slowed_down_but_never_locked(registry, state, family):
    h, far = family
    clock = Clock()
    policy = BackoffPolicy(nik_free_failures=3, base_delay_seconds=10, nik_max_delay_seconds=60)
    access = RegistryAccess(registry, state, backoff=policy, clock=clock)
    head = h.members[0]
    access.citizen_status(user_id="owner-phone", nik=head.nik, kk_number=h.kk)  # a device that knows the NIK
    for i in range(6):  # rotating user ids: each must now wait for the NIK's pause
        with pytest.raises(AccessDeniedError):
            access.citizen_status(user_id=f"bot-{i}", nik=head.nik, kk_number=far.kk)
        clock.t += 61
    with pytest.raises(AccessDeniedError):
        access.citizen_status(user_id="bot-x", nik=head.nik, kk_number=far.kk)
    with pytest.raises(RateLimitedError) as paused:
        access.citizen_status(user_id="bot-y", nik=head.nik, kk_number=far.kk)
    assert 0 < paused.value.retry_after <= 60  # a short pause, not a 15-minute lockout
    # the family's known device is not paused, and a new device gets through once the pause is over
    assert access.citizen_status(user_id="owner-phone", nik=head.nik, kk_number=h.kk).programs
    clock.t += 61
    assert access.citizen_status(user_id="owner-new-phone", nik=head.nik, kk_number=h.kk).programs


def test_enumerating_niks_slows_that_user_down(registry, state, family):
    h, _ = family
    clock = Clock()
    access = RegistryAccess(registry, state, backoff=BackoffPolicy(user_free_failures=3), clock=clock)
    for i in range(4):
        with pytest.raises(AccessDeniedError):
            access.citizen_status(user_id="enumerator", nik=f"320401170890{i + 1:04d}", kk_number=h.kk)
    with pytest.raises(RateLimitedError):
        access.citizen_status(user_id="enumerator", nik=h.members[1].nik, kk_number=h.kk)
    assert access.citizen_status(user_id="honest", nik=h.members[1].nik, kk_number=h.kk).programs


def test_nik_plus_birth_date_no_longer_passes(registry, state, family):
    """Issue 11: the birth date is digits 7-12 of the NIK, so it proved nothing; it is not a KK."""
    h, _ = family
    access = RegistryAccess(registry, state)
    wife = h.members[1]
    for guess in (wife.birth_date, wife.nik[6:12], wife.nik):
        with pytest.raises((AccessDeniedError, InputError)):
            access.citizen_status(user_id="attacker", nik=wife.nik, kk_number=guess)


def test_backoff_keys_are_keyed_hashes(registry, family):
    h, far = family
    store = InMemoryStateStore()
    hasher = KeyedHasher(b"k" * 32)
    access = RegistryAccess(registry, store, hasher=hasher)
    nik = h.members[0].nik
    with pytest.raises(AccessDeniedError):
        access.citizen_status(user_id="tg:42", nik=nik, kk_number=far.kk)
    keys = " ".join(store._data)
    assert nik not in keys and "tg:42" not in keys
    assert hashlib.sha256(nik.encode()).hexdigest()[:32] not in keys  # not the old unsalted hash
    assert hasher.digest("verify-nik", nik) in keys


def test_facilitator_limited_to_assigned_regions(registry, state, family):
    h, far = family
    access = RegistryAccess(registry, state)
    nik = h.members[0].nik
    for regions in (["32"], ["3204"], ["320401"], ["3578", "3204"]):
        report = access.facilitator_status(actor="pendamping-7", regions=regions, nik=nik, as_of="2025-07-01")
        assert report.region_code == "320401"
    for regions in (["3578"], ["320402"], [], [""]):
        with pytest.raises(AccessDeniedError) as err:
            access.facilitator_status(actor="pendamping-7", regions=regions, nik=nik)
        assert nik not in err.value.message
    with pytest.raises(NotFoundError):
        access.facilitator_status(actor="pendamping-7", regions=["32"], nik="3204011708900999")
    entries = registry.audit_entries(20)
    assert [e.outcome for e in entries[:2]] == ["not_found", "denied_region"]
    assert {e.role for e in entries} == {"facilitator"}
    assert all(len(e.nik_masked) == 16 and "********" in e.nik_masked for e in entries)


def test_every_lookup_is_audited(registry, state, family):
    h, _ = family
    access = RegistryAccess(registry, state)
    access.admin_status(actor="cli:root", nik=h.members[0].nik, as_of="2025-07-01")
    with pytest.raises(AccessDeniedError):
        access.citizen_status(user_id="u", nik=h.members[0].nik, kk_number="3204010101990009")
    access.facilitator_status(actor="f", regions=["32"], nik=h.members[0].nik)
    rows = [(e.role, e.outcome) for e in reversed(registry.audit_entries(3))]
    assert rows == [("admin", "ok"), ("citizen", "verification_failed"), ("facilitator", "ok")]


def test_as_of_validation_and_build_access(registry, tmp_path, family):
    h, _ = family
    settings = make_settings(tmp_path, registry={"verify_free_failures": 1, "verify_nik_max_delay_seconds": 30})
    access = build_access(settings, registry, InMemoryStateStore())
    assert access.backoff.policy.free_failures == 1 and access.backoff.policy.nik_max_delay_seconds == 30
    with pytest.raises(InputError, match="TTTT-BB-HH"):
        access.facilitator_status(actor="f", regions=["32"], nik=h.members[0].nik, as_of="01-07-2025")


def test_as_of_before_the_earliest_rule_is_a_clear_input_error(registry, state, family):
    h, _ = family
    access = RegistryAccess(registry, state)
    with pytest.raises(InputError, match="terlalu awal"):  # InputError maps to 422, not 503
        access.admin_status(actor="cli:root", nik=h.members[0].nik, as_of="1990-01-01")
