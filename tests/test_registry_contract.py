"""One contract, run against every Registry: SQLite, PostgreSQL (real server) and HTTP (loopback server)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from assistant.adapters.http_registry import HttpRegistry
from assistant.adapters.registries import build_registry
from assistant.adapters.registry_server import RegistryHttpServer
from assistant.adapters.sql_registry import SqlRegistry
from assistant.errors import InputError, RegistryUnavailableError
from assistant.models import AuditEntry, Enrollment, RegionFilter
from tests.conftest import make_settings
from tests.support.registry_fixtures import PG_URL, couple, household, member, postgres_schema


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "http"])
def backend(request, tmp_path):
    """Yields (registry under test, the SqlRegistry holding the data, for audit checks)."""
    if request.param == "postgres":
        with postgres_schema() as schema:
            reg = SqlRegistry(PG_URL, schema=schema)
            yield reg, reg
            reg.close()
        return
    store = SqlRegistry.sqlite(tmp_path / "registry.sqlite3")
    if request.param == "sqlite":
        yield store, store
    else:
        server = RegistryHttpServer(store, token="rahasia-uji").start()
        client = HttpRegistry(server.url, token="rahasia-uji")
        yield client, store
        client.close()
        server.stop()
    store.close()


class TestRegistryContract:
    def test_add_and_get_by_any_member_nik(self, backend):
        reg, _ = backend
        h = household(*couple(30, pregnant=None, occupation=None), member("Andi", 4, "L", "anak", birth_date=None),
                      desil=None, water=None, enrollments=(Enrollment("PKH", "aktif", "2023-01-01"),
                                                           Enrollment("SEMBAKO", "nonaktif", None)))
        assert reg.add_households([h]) == 1
        for m in h.members:
            assert reg.get_household_by_nik(m.nik) == h  # every field, order and null kept

    def test_unknown_nik_is_none(self, backend):
        reg, _ = backend
        reg.add_households([household(*couple(30))])
        assert reg.get_household_by_nik("3204011708900999") is None

    def test_replace_and_moving_member(self, backend):
        reg, _ = backend
        old = household(*couple(30))
        reg.add_households([old])
        mover = old.members[1]
        newer = household(member("Budi Baru", 40, "L", "kepala_keluarga"), mover, kk=old.kk, desil=5)
        reg.add_households([newer])
        assert reg.get_household_by_nik(mover.nik).desil == 5
        assert reg.get_household_by_nik(old.members[0].nik) is None
        # the wife moves to a new family card: her NIK now resolves to the new KK
        other = household(member("Rudi", 35, "L", "kepala_keluarga"), mover)
        reg.add_households([other])
        assert reg.get_household_by_nik(mover.nik).kk == other.kk
        assert [m.nik for m in reg.get_household_by_nik(newer.members[0].nik).members] == [newer.members[0].nik]

    def test_batch_is_all_or_nothing(self, backend):
        reg, _ = backend
        existing = household(*couple(30))
        reg.add_households([existing])
        fresh = household(*couple(31))
        with pytest.raises(InputError):
            reg.add_households([fresh, existing], replace=False)
        assert reg.get_household_by_nik(fresh.members[0].nik) is None

    def test_iterate_in_kk_order_with_cursor(self, backend):
        reg, _ = backend
        hs = [household(*couple(30 + i)) for i in range(7)]
        reg.add_households(hs)
        got = list(reg.iter_households(batch_size=3))
        assert [h.kk for h in got] == sorted(h.kk for h in hs)
        assert got == sorted(hs, key=lambda h: h.kk)
        assert [h.kk for h in reg.iter_households(batch_size=2, after=got[4].kk)] == [got[5].kk, got[6].kk]

    def test_stream_one_region_by_code_prefix_with_cursor(self, backend):
        reg, _ = backend
        regions = ["320401", "320402", "320501", "330101", "320401", "320402", "3204"]
        hs = [household(*couple(30 + i), region=r) for i, r in enumerate(regions)]
        reg.add_households(hs)
        inside = sorted((h for h in hs if h.region_code.startswith("3204")), key=lambda h: (h.region_code, h.kk))
        got = list(reg.iter_region("3204", batch_size=2))
        assert got == inside and reg.count_region("3204") == len(inside) == 5
        assert [h.kk for h in reg.iter_region("3204", batch_size=2, after=got[2].kk)] == [h.kk for h in inside[3:]]
        assert list(reg.iter_region("320402")) == [h for h in inside if h.region_code == "320402"]
        assert list(reg.iter_region("35")) == [] and reg.count_region("35") == 0
        assert reg.count_region("") == len(hs)

    def test_stream_one_region_with_a_filter(self, backend):
        reg, _ = backend
        pkh = (Enrollment("PKH", "aktif", "2023-01-01"),)
        hs = [household(*couple(30)), household(*couple(31), enrollments=pkh), household(*couple(32), desil=7),
              household(*couple(33), desil=None, enrollments=(Enrollment("PKH", "nonaktif", None),)),
              household(*couple(34, pregnant=None), desil=9), household(*couple(35), toilet=None, enrollments=pkh),
              household(*couple(36), desil=None, region="330101")]
        reg.add_households(hs)
        inside = sorted(hs[:-1], key=lambda h: (h.region_code, h.kk))
        expected = {  # indexes into hs
            RegionFilter(active_in="PKH"): {1, 5},
            RegionFilter(not_active_in="PKH", max_desil=4): {0, 3},
            RegionFilter(unrecorded=("desil", "toilet")): {3, 5},
            RegionFilter(unrecorded=("members.pregnant", "drinking_water")): {4},
            RegionFilter(active_in="PKH", unrecorded=("members.pregnant", "toilet")): {5},
        }
        for only, indexes in expected.items():
            admitted = [h for h in inside if only.admits(h)]
            assert {hs.index(h) for h in admitted} == indexes
            got = list(reg.iter_region("3204", batch_size=1, only=only))
            assert got == admitted  # SQL registries apply it in the query, HTTP passes it on to the server's
            assert reg.count_region("3204", only=only) == len(got)
            assert list(reg.iter_region("3204", batch_size=1, after=got[0].kk, only=only)) == got[1:]
            assert reg.count_region("", only=only) == len(got) + only.admits(hs[-1])

    def test_existing_kks(self, backend):
        reg, _ = backend
        hs = [household(*couple(30 + i)) for i in range(3)]
        reg.add_households(hs[:2])
        assert reg.existing_kks([h.kk for h in hs]) == {hs[0].kk, hs[1].kk}
        assert reg.existing_kks([]) == set()

    def test_audit_is_written_to_the_registry_database(self, backend):
        reg, store = backend
        reg.record_audit(AuditEntry("fasilitator-1", "facilitator", "3204********0001", "facilitator_lookup", "ok"))
        entry = store.audit_entries(1)[0]
        assert (entry.actor, entry.role, entry.nik_masked, entry.outcome) == (
            "fasilitator-1", "facilitator", "3204********0001", "ok")
        assert entry.at.startswith("20")


def test_migrations_are_versioned_and_idempotent(tmp_path):
    reg = SqlRegistry.sqlite(tmp_path / "r.sqlite3")
    reg.migrate()
    with reg.engine.connect() as conn:
        assert conn.execute(sa.text("select version_num from alembic_version")).scalar() == "0004"
        tables = set(sa.inspect(conn).get_table_names())
    assert {"households", "members", "enrollments", "audit_log", "alembic_version"} <= tables
    reg.close()


@pytest.mark.postgres
def test_postgres_schema_via_migrations():
    with postgres_schema() as schema:
        reg = SqlRegistry(PG_URL, schema=schema)
        with reg.engine.connect() as conn:
            assert conn.execute(sa.text("select version_num from alembic_version")).scalar() == "0004"
            found = conn.execute(sa.text(
                "select count(*) from information_schema.tables where table_schema = :s"), {"s": schema}).scalar()
        assert found == 5
        reg.close()


def test_http_wrong_token_and_unreachable(tmp_path):
    store = SqlRegistry.sqlite(tmp_path / "r.sqlite3")
    server = RegistryHttpServer(store, token="benar").start()
    try:
        with pytest.raises(RegistryUnavailableError, match="token"):
            HttpRegistry(server.url, token="salah").get_household_by_nik("3204011708900001")
    finally:
        server.stop()
    with pytest.raises(RegistryUnavailableError):
        HttpRegistry(server.url, timeout=1).get_household_by_nik("3204011708900001")
    store.close()


def test_http_server_rejects_an_invalid_filter(tmp_path):
    import httpx

    store = SqlRegistry.sqlite(tmp_path / "r.sqlite3")
    server = RegistryHttpServer(store).start()
    try:
        for path in ("/v1/households", "/v1/households/count"):
            for bad in ({"max_desil": "empat"}, {"max_desil": "-1"}, {"unrecorded": "desil,members.nik"}):
                r = httpx.get(server.url + path, params={"region": "3204", **bad})
                assert (r.status_code, r.json()) == (422, {"error": "invalid_filter"}), (path, bad)
            assert httpx.get(server.url + path, params={"region": "3204", "max_desil": ""}).status_code == 200
    finally:
        server.stop()
        store.close()


def test_http_server_rejects_invalid_batch_with_reasons(tmp_path):
    import dataclasses

    import httpx

    from assistant.registry.records import household_to_dict

    store = SqlRegistry.sqlite(tmp_path / "r.sqlite3")
    server = RegistryHttpServer(store).start()
    try:
        good = household(*couple(30))
        bad = household_to_dict(household(*couple(30)))
        bad["desil"] = 42
        r = httpx.post(server.url + "/v1/households/batch", json={"households": [household_to_dict(good), bad]})
        assert r.status_code == 422
        assert r.json()["errors"][0]["index"] == 1 and "desil" in r.json()["errors"][0]["reason"]
        client = HttpRegistry(server.url)
        with pytest.raises(InputError, match="rumah tangga ke-2: desil"):
            client.add_households([good, dataclasses.replace(household(*couple(31)), desil=42)])
        assert store.count_households() == 0
        client.close()
    finally:
        server.stop()
        store.close()


def test_build_registry_picks_backend(tmp_path):
    reg = build_registry(make_settings(tmp_path))
    assert isinstance(reg, SqlRegistry) and reg.dialect == "sqlite"
    assert (tmp_path / "registry.sqlite3").exists()
    reg.close()
    http = build_registry(make_settings(tmp_path, registry={"url": "http://127.0.0.1:9/r", "token": "t"}))
    assert isinstance(http, HttpRegistry)
    from assistant.errors import ConfigurationError

    with pytest.raises(ConfigurationError):
        build_registry(make_settings(tmp_path, registry={"url": "ftp://x"}))


@pytest.mark.postgres
def test_build_registry_postgres(tmp_path):
    with postgres_schema() as schema:
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        reg = build_registry(make_settings(tmp_path, registry={"url": url}))
        assert isinstance(reg, SqlRegistry) and reg.dialect == "postgresql"
        with reg.engine.connect() as conn:
            assert conn.execute(sa.text("select current_schema()")).scalar() == schema
        reg.close()
