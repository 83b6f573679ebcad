"""The embedded store ranks from vectors held in memory: the same ids, order and scores as Chroma's query."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from assistant.adapters.chroma_index import ChromaSnapshot, ChromaVectorIndex
from assistant.adapters.fakes import fake_chunk

PROGRAMS = ("pkh", "dtsen", "lansia")
AUDIENCES = ("citizen", "facilitator", "both")


@pytest.fixture
def generation(tmp_path):
    rng = np.random.default_rng(7)
    chunks = [
        replace(fake_chunk(f"doc-{i}", f"teks potongan nomor {i}", program=PROGRAMS[i % 3]), audience=AUDIENCES[i % 3])
        for i in range(60)
    ]
    vectors = rng.normal(size=(len(chunks), 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = ChromaVectorIndex(prefix="mirror", path=tmp_path / "chroma")
    snapshot = index.build(chunks, vectors, ["teks"] * len(chunks), info={"model_id": "m", "dimension": 16})
    index.activate(snapshot)
    yield index, rng
    index.close()


def test_the_embedded_store_answers_from_memory(generation):
    index, _ = generation
    active = index.active()
    assert active is not None and active._in_memory


@pytest.mark.parametrize("where", [None, {"program": "pkh"}, {"audience": "citizen"},
                                   {"program": "dtsen", "audience": "facilitator"}])
def test_memory_and_chroma_rank_alike(generation, where):
    index, rng = generation
    active = index.active()
    assert active is not None
    chroma = ChromaSnapshot(active._collection, active.info, in_memory=False)
    for _ in range(10):
        query = rng.normal(size=16).astype(np.float32)
        query /= np.linalg.norm(query)
        mirrored, queried = active.query(query, 8, where), chroma.query(query, 8, where)
        assert [cid for cid, _ in mirrored] == [cid for cid, _ in queried]
        assert [s for _, s in mirrored] == pytest.approx([s for _, s in queried], abs=1e-5)
