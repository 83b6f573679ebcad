"""One contract per port, run against the fake in ``adapters/fakes.py`` and every real adapter.

Vector index: in-memory fake, Chroma embedded, Chroma server (a real ``chroma run`` on loopback).
State store: in-memory, Redis. Household lookup: the fake, and RegistryAccess over a SQLite registry.
(The journal and key store contracts are in test_store_contract.py; the registry's in test_registry_contract.py.)
"""

from __future__ import annotations

import time
import uuid
from dataclasses import replace

import numpy as np
import pytest

from assistant.adapters.chroma_index import ChromaVectorIndex
from assistant.adapters.fakes import (
    FakeHousehold,
    FakeHouseholdLookup,
    HashEmbedder,
    InMemoryVectorIndex,
    fake_chunk,
)
from assistant.adapters.sql_registry import SqlRegistry
from assistant.adapters.state import InMemoryStateStore, RedisStateStore
from assistant.eligibility.engine import assess
from assistant.eligibility.parameters import Parameters
from assistant.eligibility.report import citizen_view
from assistant.errors import AccessDeniedError, NotFoundError, RateLimitedError
from assistant.models import EligibilityReport
from assistant.registry.access import RegistryAccess
from assistant.registry.backoff import BackoffPolicy
from tests.support.registry_fixtures import AS_OF, REDIS_URL, couple, household
from tests.support.servers import chroma_server

# --------------------------------------------------------------------------- vector index

EMBEDDER = HashEmbedder()
CHUNKS = [
    replace(fake_chunk("pkh-besaran", "Bantuan PKH ibu hamil Rp3.000.000 per tahun.", program="pkh"),
            chunk_id="pkh-besaran#0", ordinal=0, audience="citizen"),
    replace(fake_chunk("pkh-besaran", "Anak SD Rp900.000, anak SMP Rp1.500.000 per tahun.", program="pkh"),
            chunk_id="pkh-besaran#1", ordinal=1, audience="both"),
    replace(fake_chunk("dtsen-desil", "Desil DTSEN menentukan urutan kesejahteraan keluarga.", program="dtsen"),
            chunk_id="dtsen-desil#0", ordinal=0, audience="facilitator"),
    replace(fake_chunk("lansia-bkl", "Bina Keluarga Lansia untuk keluarga dengan anggota lanjut usia.",
                       program="lansia"), chunk_id="lansia-bkl#0", ordinal=0, caveat=None, confidence=None),
]
TOKENS = [" ".join(c.text.lower().split()[:4]) for c in CHUNKS]
INFO = {"model_id": EMBEDDER.model_id, "dimension": EMBEDDER.dimension, "docs": {"pkh-besaran": "h1"}}


@pytest.fixture(params=["in-memory", "chroma-embedded", "chroma-server"])
def vector_index(request, tmp_path):
    if request.param == "in-memory":
        index = InMemoryVectorIndex()
        yield index
    elif request.param == "chroma-embedded":
        index = ChromaVectorIndex(prefix="contract", path=tmp_path / "chroma")
        yield index
    else:
        with chroma_server(tmp_path / "chroma-server") as url:
            index = ChromaVectorIndex(prefix="contract", url=url)
            yield index
    index.close()


def _build(index):
    vectors = EMBEDDER.embed_passages([c.text for c in CHUNKS])
    return index.build(CHUNKS, vectors, TOKENS, info=INFO), vectors


class TestVectorIndexContract:
    def test_a_built_generation_is_invisible_until_activated(self, vector_index):
        assert vector_index.active() is None
        snapshot, _ = _build(vector_index)
        assert vector_index.active() is None
        vector_index.activate(snapshot)
        active = vector_index.active()
        assert active is not None and active.name == snapshot.name
        assert dict(active.info) == INFO

    def test_a_new_generation_replaces_the_active_one(self, vector_index):
        first, _ = _build(vector_index)
        vector_index.activate(first)
        second, _ = _build(vector_index)
        assert vector_index.active().name == first.name  # still the first until the switch
        vector_index.activate(second)
        assert vector_index.active().name == second.name != first.name

    def test_chunks_and_tokens_come_back_whole_in_document_order(self, vector_index):
        snapshot, _ = _build(vector_index)
        vector_index.activate(snapshot)
        pairs = vector_index.active().chunks_with_tokens()
        expected = sorted(zip(CHUNKS, TOKENS, strict=True), key=lambda p: (p[0].doc_id, p[0].ordinal))
        assert pairs == expected

    def test_query_ranks_by_cosine_similarity(self, vector_index):
        snapshot, vectors = _build(vector_index)
        vector_index.activate(snapshot)
        active = vector_index.active()
        query = EMBEDDER.embed_queries(["bantuan PKH ibu hamil per tahun"])[0]
        found = active.query(query, k=4)
        expected = sorted(((c.chunk_id, float(v @ query)) for c, v in zip(CHUNKS, vectors, strict=True)),
                          key=lambda p: -p[1])
        assert [cid for cid, _ in found] == [cid for cid, _ in expected]
        for (_, score), (_, cosine) in zip(found, expected, strict=True):
            assert score == pytest.approx(cosine, abs=1e-4)
        assert [cid for cid, _ in active.query(vectors[2], k=1)] == ["dtsen-desil#0"]

    def test_filters_on_program_and_audience(self, vector_index):
        snapshot, _ = _build(vector_index)
        vector_index.activate(snapshot)
        active = vector_index.active()
        query = EMBEDDER.embed_queries(["bantuan"])[0]
        assert {cid for cid, _ in active.query(query, k=4, where={"program": "pkh"})} == {
            "pkh-besaran#0", "pkh-besaran#1"}
        citizen = {cid for cid, _ in active.query(query, k=4, where={"audience": "citizen"})}
        assert citizen == {"pkh-besaran#0", "pkh-besaran#1", "lansia-bkl#0"}  # "both" is shown to every audience
        both = active.query(query, k=4, where={"program": "pkh", "audience": "facilitator"})
        assert [cid for cid, _ in both] == ["pkh-besaran#1"]

    def test_stored_vectors_are_returned_by_id(self, vector_index):
        snapshot, vectors = _build(vector_index)
        vector_index.activate(snapshot)
        got = vector_index.active().vectors(["dtsen-desil#0", "pkh-besaran#0"])
        assert set(got) == {"dtsen-desil#0", "pkh-besaran#0"}
        np.testing.assert_allclose(got["dtsen-desil#0"], vectors[2], atol=1e-6)
        np.testing.assert_allclose(got["pkh-besaran#0"], vectors[0], atol=1e-6)


# --------------------------------------------------------------------------- state store


@pytest.fixture(params=["in-memory", pytest.param("redis", marks=pytest.mark.redis)])
def state_store(request):
    if request.param == "in-memory":
        store = InMemoryStateStore()
        yield store
    else:
        prefix = f"test-contract-{uuid.uuid4().hex[:10]}:"
        store = RedisStateStore(REDIS_URL, prefix=prefix)
        yield store
        for key in store._redis.scan_iter(match=prefix + "*"):
            store._redis.delete(key)
    store.close()


class TestStateStoreContract:
    def test_set_get_overwrite_delete(self, state_store):
        assert state_store.get("a") is None
        state_store.set("a", "satu", 60)
        state_store.set("b", "dua ✓", 60)
        assert (state_store.get("a"), state_store.get("b")) == ("satu", "dua ✓")
        state_store.set("a", "tiga", 60)
        assert state_store.get("a") == "tiga"
        state_store.delete("a")
        state_store.delete("never-set")
        assert state_store.get("a") is None and state_store.get("b") == "dua ✓"

    def test_counters_count_per_key(self, state_store):
        assert [state_store.incr("n", 60) for _ in range(3)] == [1, 2, 3]
        assert state_store.incr("m", 60) == 1
        assert state_store.get("n") == "3"

    def test_values_and_counters_expire_and_a_window_is_not_extended(self, state_store):
        state_store.set("v", "x", 1)
        assert state_store.incr("w", 2) == 1
        time.sleep(1.2)
        assert state_store.incr("w", 2) == 2  # same fixed window: the second hit does not extend it
        assert state_store.get("v") is None
        time.sleep(1.0)
        assert state_store.get("w") is None
        assert state_store.incr("w", 2) == 1  # a new window


# --------------------------------------------------------------------------- household lookup

PARAMS = Parameters.load()
ON = AS_OF.isoformat()


@pytest.fixture(scope="module")
def family():
    """A household in 3204.01 whose wife verifies with the family-card number (nomor KK)."""
    return household(*couple())


@pytest.fixture(params=["fake", "registry-access"])
def lookup(request, tmp_path, family):
    wife = family.members[1]
    if request.param == "fake":
        report = assess(family, AS_OF, PARAMS)
        yield FakeHouseholdLookup([FakeHousehold(wife.nik, family.kk, family.region_code, report)],
                                  max_failures=2)
        return
    registry = SqlRegistry.sqlite(tmp_path / "registry.sqlite3")
    registry.add_households([family])
    policy = BackoffPolicy(free_failures=2, user_free_failures=2, nik_free_failures=2)
    yield RegistryAccess(registry, InMemoryStateStore(), PARAMS, backoff=policy, today=lambda: AS_OF)
    registry.close()


WRONG_KK = "3204010107250999"


class TestHouseholdLookupContract:
    def test_citizen_with_matching_kk_gets_the_citizen_view(self, lookup, family):
        wife = family.members[1]
        report = lookup.citizen_status(user_id="u1", nik=wife.nik, kk_number=family.kk, as_of=ON)
        assert isinstance(report, EligibilityReport)
        assert report == citizen_view(assess(family, AS_OF, PARAMS))
        assert family.kk not in repr(report) and wife.nik not in repr(report)

    def test_wrong_kk_and_unknown_nik_are_the_same_refusal(self, lookup, family):
        wife = family.members[1]
        with pytest.raises(AccessDeniedError) as wrong_kk:
            lookup.citizen_status(user_id="u1", nik=wife.nik, kk_number=WRONG_KK, as_of=ON)
        with pytest.raises(AccessDeniedError) as unknown:
            lookup.citizen_status(user_id="u2", nik="3204014107900009", kk_number=family.kk, as_of=ON)
        assert str(wrong_kk.value) == str(unknown.value)

    def test_repeated_failures_slow_the_guesser_down(self, lookup, family):
        wife = family.members[1]
        for _ in range(2):
            with pytest.raises(AccessDeniedError):
                lookup.citizen_status(user_id="u1", nik=wife.nik, kk_number=WRONG_KK, as_of=ON)
        with pytest.raises((AccessDeniedError, RateLimitedError)):
            lookup.citizen_status(user_id="u1", nik=wife.nik, kk_number=WRONG_KK, as_of=ON)
        with pytest.raises(RateLimitedError) as caught:
            lookup.citizen_status(user_id="u1", nik=wife.nik, kk_number=family.kk, as_of=ON)
        assert caught.value.retry_after > 0

    def test_facilitator_sees_own_regions_only(self, lookup, family):
        wife = family.members[1]
        report = lookup.facilitator_status(actor="fasil", regions=["3204"], nik=wife.nik, as_of=ON)
        assert report == assess(family, AS_OF, PARAMS)
        with pytest.raises(AccessDeniedError):
            lookup.facilitator_status(actor="fasil", regions=["3301"], nik=wife.nik, as_of=ON)
        with pytest.raises(NotFoundError):
            lookup.facilitator_status(actor="fasil", regions=["3204"], nik="3204014107900009", as_of=ON)
