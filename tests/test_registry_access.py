"""Access rules and the audit log: citizen verification and rate limits, facilitator regions."""

from __future__ import annotations

import json
import uuid

import pytest

from assistant.adapters.sql_registry import SqlRegistry
from assistant.adapters.state import InMemoryStateStore, RedisStateStore
from assistant.errors import AccessDeniedError, InputError, NotFoundError, RateLimitedError
from assistant.registry.access import RegistryAccess, build_access
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


def test_citizen_sees_own_household_after_verifying_birth_date(registry, state, family):
    h, _ = family
    access = RegistryAccess(registry, state, max_failures=3)
    wife = h.members[1]
    report = access.citizen_status(user_id="tg:1", nik=wife.nik, birth_date=wife.birth_date, as_of=AS_OF.isoformat())
    assert report.kk == h.kk[:4] + "********" + h.kk[-4:]
    assert report.programs[0].status == "eligible"
    dumped = json.dumps(report.to_dict()) + repr(report)
    assert all(m.nik not in dumped for m in h.members) and h.kk not in dumped
    last = registry.audit_entries(1)[0]
    assert (last.actor, last.role, last.purpose, last.outcome) == ("tg:1", "citizen", "citizen_self_check", "ok")
    assert last.nik_masked == wife.nik[:4] + "********" + wife.nik[-4:]


def test_wrong_birth_date_and_unknown_nik_look_the_same(registry, state, family):
    h, _ = family
    access = RegistryAccess(registry, state)
    with pytest.raises(AccessDeniedError) as wrong:
        access.citizen_status(user_id="u1", nik=h.members[1].nik, birth_date="1999-01-01")
    with pytest.raises(AccessDeniedError) as unknown:
        access.citizen_status(user_id="u2", nik="3204011708900999", birth_date="1990-08-17")
    assert wrong.value.message == unknown.value.message
    assert wrong.value.code == unknown.value.code == "verification_failed"
    assert h.members[1].nik not in wrong.value.message
    outcomes = [e.outcome for e in registry.audit_entries(5)]
    assert outcomes[:2] == ["verification_failed", "verification_failed"]


def test_failed_verifications_are_limited_per_user(registry, state, family):
    h, _ = family
    access = RegistryAccess(registry, state, max_failures=3, window_seconds=600)
    for i in range(3):
        with pytest.raises(AccessDeniedError):
            access.citizen_status(user_id="enumerator", nik=f"320401170890{i + 1:04d}", birth_date="1990-08-17")
    wife = h.members[1]
    with pytest.raises(RateLimitedError) as err:  # even a correct pair is refused now, for this user
        access.citizen_status(user_id="enumerator", nik=wife.nik, birth_date=wife.birth_date)
    assert 0 < err.value.retry_after <= 600
    assert registry.audit_entries(1)[0].outcome == "rate_limited"
    # another user is not affected
    assert access.citizen_status(user_id="honest", nik=wife.nik, birth_date=wife.birth_date).programs


def test_failed_verifications_are_limited_per_nik(registry, state, family):
    h, _ = family
    access = RegistryAccess(registry, state, max_failures=2)
    head = h.members[0]
    for user in ("a", "b"):
        with pytest.raises(AccessDeniedError):
            access.citizen_status(user_id=user, nik=head.nik, birth_date="2000-01-01")
    with pytest.raises(RateLimitedError):
        access.citizen_status(user_id="c", nik=head.nik, birth_date=head.birth_date)


def test_birth_date_formats(registry, state, family):
    h, _ = family
    access = RegistryAccess(registry, state, max_failures=1)
    wife = h.members[1]
    y, m, d = wife.birth_date.split("-")
    for given in (wife.birth_date, f"{d}-{m}-{y}", f"{d}/{m}/{y}"):
        assert access.citizen_status(user_id="u", nik=wife.nik, birth_date=given).programs
    with pytest.raises(InputError, match="HH-BB-TTTT"):
        access.citizen_status(user_id="u", nik=wife.nik, birth_date="kemarin")
    # an unreadable date is not a failed verification
    assert access.citizen_status(user_id="u", nik=wife.nik, birth_date=wife.birth_date)


def test_invalid_nik_counts_as_a_failure(registry, state, family):
    access = RegistryAccess(registry, state, max_failures=2)
    for _ in range(2):
        with pytest.raises(InputError):
            access.citizen_status(user_id="x", nik="1234", birth_date="1990-01-01")
    with pytest.raises(RateLimitedError):
        access.citizen_status(user_id="x", nik="1234", birth_date="1990-01-01")


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
        access.citizen_status(user_id="u", nik=h.members[0].nik, birth_date="1900-01-01")
    access.facilitator_status(actor="f", regions=["32"], nik=h.members[0].nik)
    rows = [(e.role, e.outcome) for e in reversed(registry.audit_entries(3))]
    assert rows == [("admin", "ok"), ("citizen", "verification_failed"), ("facilitator", "ok")]


def test_as_of_validation_and_build_access(registry, tmp_path, family):
    h, _ = family
    settings = make_settings(tmp_path, registry={"verify_max_failures": 1})
    access = build_access(settings, registry, InMemoryStateStore())
    assert access.max_failures == 1
    with pytest.raises(InputError, match="TTTT-BB-HH"):
        access.facilitator_status(actor="f", regions=["32"], nik=h.members[0].nik, as_of="01-07-2025")


def test_as_of_before_the_earliest_rule_is_a_clear_input_error(registry, state, family):
    h, _ = family
    access = RegistryAccess(registry, state)
    with pytest.raises(InputError, match="terlalu awal"):  # InputError maps to 422, not 503
        access.admin_status(actor="cli:root", nik=h.members[0].nik, as_of="1990-01-01")
