"""The registry query skips households a worklist could not list: the rows stay exactly those of the full stream."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date

import pytest

from assistant.adapters.http_registry import HttpRegistry
from assistant.adapters.registry_server import RegistryHttpServer
from assistant.adapters.sql_registry import SqlRegistry
from assistant.eligibility.engine import DECIDING_FIELDS, evaluate
from assistant.eligibility.parameters import Parameters
from assistant.models import DecisionStatus, Household, Member, RegionFilter
from assistant.ports import Registry
from assistant.registry.seed import generate
from assistant.worklists.access import WorklistAccess
from assistant.worklists.evaluate import evaluate_worklist, region_filter
from assistant.worklists.rows import KINDS
from tests.support.registry_fixtures import PG_URL, postgres_schema
from tests.support.worklist_fixtures import region_households

P = Parameters.load()
DATES = (date(2025, 7, 1), date(2026, 1, 1))
_MEMBER_BLANKS = ("birth_date", "sex", "relation", "pregnant", "school_level", "disability", "occupation")


def blanked(h: Household, rng: random.Random) -> Household:
    """``h`` with a few fields not recorded (any nullable field, read by a rule or not), some members gone."""
    if rng.random() < 0.5:
        return h
    fields = {name: None for name in ("desil", "drinking_water", "toilet", "address") if rng.random() < 0.15}
    members = tuple(_blank_member(m, rng) for m in h.members)
    return replace(h, members=members, **fields)


def _blank_member(m: Member, rng: random.Random) -> Member:
    fields: dict[str, object] = {name: None for name in _MEMBER_BLANKS if rng.random() < 0.08}
    if rng.random() < 0.05:
        left_on = rng.choice(("2025-03-01", "2025-08-15", "2025-12-01"))
        if m.birth_date is None or left_on >= m.birth_date:  # a valid record (the HTTP registry checks it)
            fields["left_on"] = left_on
    return replace(m, **fields)


@pytest.fixture(scope="module")
def households() -> list[Household]:
    rng = random.Random(13)
    seeded = [blanked(h, rng) for h in generate(2500, 7)]
    return seeded + [replace(h, region_code="320101") for h in region_households().values()]


def test_a_decision_is_unknown_only_for_a_deciding_field_not_recorded(households):
    complete = RegionFilter(unrecorded=DECIDING_FIELDS)
    unknown = 0
    for h in households:
        for on in DATES:
            for d in evaluate(h, on, P):
                if d.status is not DecisionStatus.UNKNOWN:
                    continue
                unknown += 1
                assert complete.admits(h), (d.program, h.kk)
                paths = {f.path for f in d.missing}
                assert {p.split("].")[-1] if p.startswith("members[") else p for p in paths} <= {
                    name.removeprefix("members.") for name in DECIDING_FIELDS}
    assert unknown > 300 and sum(complete.admits(h) for h in households) < len(households) / 2


@pytest.mark.parametrize("kind", KINDS)
def test_the_region_filter_keeps_every_household_a_worklist_lists(kind, households):
    for on in DATES:
        only = region_filter(kind, on, P)
        admitted = [h for h in households if only.admits(h)]
        for months in (1, 3, 12):
            full = evaluate_worklist(kind, households, region="", as_of=on, params=P, within_months=months)
            kept = evaluate_worklist(kind, admitted, region="", as_of=on, params=P, within_months=months)
            assert [r.to_dict() for r in kept] == [r.to_dict() for r in full]
        assert len(admitted) < len(households) * 0.6  # the filter is worth applying


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres), "http"])
def registry(request, tmp_path, households):
    if request.param != "postgres":
        reg = SqlRegistry.sqlite(tmp_path / "r.sqlite3")
        reg.add_households(households)
        if request.param == "sqlite":
            yield reg
        else:
            with _served(reg) as client:
                yield client
        reg.close()
        return
    with postgres_schema() as schema:
        reg = SqlRegistry(PG_URL, schema=schema)
        reg.add_households(households)
        yield reg
        reg.close()


def test_the_prefiltered_worklist_equals_the_full_stream_s(registry):
    access = WorklistAccess(registry, P, cache_seconds=0)
    for kind in KINDS:
        for on in DATES:
            built = access.build(kind, "32", as_of=on, batch_size=97)
            full = evaluate_worklist(kind, registry.iter_region("32", batch_size=97), region="32", as_of=on, params=P)
            assert [r.to_dict() for r in built.rows] == [r.to_dict() for r in full] and full
            assert built.households_read == registry.count_region("32")
            assert access.count(kind, "32", as_of=on) < built.households_read


class _IgnoresFilter:
    """A registry behind a server written before the filter parameters: every region stream is whole."""

    def __init__(self, store: SqlRegistry) -> None:
        self._store = store

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def iter_region(self, region, batch_size=1000, after="", only=None):
        return self._store.iter_region(region, batch_size=batch_size, after=after)

    def count_region(self, region, only=None):
        return self._store.count_region(region)


@contextmanager
def _served(store: Registry) -> Iterator[HttpRegistry]:
    server = RegistryHttpServer(store).start()
    client = HttpRegistry(server.url)
    try:
        yield client
    finally:
        client.close()
        server.stop()


def test_a_server_ignoring_the_filter_still_gives_the_same_worklists(tmp_path, households):
    store = SqlRegistry.sqlite(tmp_path / "r.sqlite3")
    store.add_households(households)
    with _served(_IgnoresFilter(store)) as old, _served(store) as new:
        for kind in KINDS:
            on = DATES[-1]
            whole = WorklistAccess(old, P, cache_seconds=0).build(kind, "32", as_of=on, batch_size=500)
            filtered = WorklistAccess(new, P, cache_seconds=0).build(kind, "32", as_of=on, batch_size=500)
            assert [r.to_dict() for r in whole.rows] == [r.to_dict() for r in filtered.rows] and whole.rows
            assert WorklistAccess(old, P).count(kind, "32", as_of=on) == store.count_region("32")
            assert WorklistAccess(new, P).count(kind, "32", as_of=on) < store.count_region("32")
    store.close()
