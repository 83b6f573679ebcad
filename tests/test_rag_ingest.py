"""Ingestion against real Chroma (embedded and server), embedded by the deterministic HashEmbedder.

What ingest does with vectors (reuse, switch, refuse to mix models) does not depend on which model made
them; the real model's vectors are tested in test_embedder.py and its answers in test_rag_answers.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.adapters.chroma_index import ChromaVectorIndex
from assistant.adapters.fakes import HashEmbedder
from assistant.errors import IndexMismatchError, IngestError
from assistant.rag.ingest import ingest
from assistant.rag.pipeline import RagKnowledgeBase
from assistant.settings import AnswerSettings, RetrievalSettings
from tests.conftest import KNOWLEDGE
from tests.support.servers import chroma_server

SMALL_DOCS = ["pkh/pkh-komponen-besaran.md", "pkh/pkh-kriteria-penerima.md", "pkh/pkh-penyaluran-tahap.md"]


class CountingEmbedder:
    """Wraps an embedder: counts passages and can fail after N batches (a crash mid-ingest)."""

    def __init__(self, inner, fail_after_batches: int | None = None) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self.passages = 0
        self.batches = 0
        self.fail_after = fail_after_batches

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts):
        if self.fail_after is not None and self.batches >= self.fail_after:
            raise KeyboardInterrupt  # what Ctrl-C raises
        self.batches += 1
        self.passages += len(texts)
        return self.inner.embed_passages(texts)


class OtherModel(CountingEmbedder):
    def __init__(self, inner) -> None:
        super().__init__(inner)
        self.model_id = "some/other-model"


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def corpus(tmp_path) -> Path:
    root = tmp_path / "knowledge"
    for rel in SMALL_DOCS:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(KNOWLEDGE / rel, root / rel)
    return root


@pytest.fixture(params=["embedded", "server"])
def index(request, tmp_path):
    if request.param == "embedded":
        yield ChromaVectorIndex(prefix="t", path=tmp_path / "chroma")
    else:
        with chroma_server(tmp_path / "chroma-server") as url:
            yield ChromaVectorIndex(prefix="t", url=url)


def _kb(embedder, index) -> RagKnowledgeBase:
    # these tests are about the index; a hash embedder carries no meaning, so the semantic scope check is off
    return RagKnowledgeBase(embedder, index, RetrievalSettings(), AnswerSettings(scope_margin=None))


def test_second_ingest_of_same_corpus_embeds_nothing(embedder, index, corpus):
    counting = CountingEmbedder(embedder)
    first = ingest(corpus, embedder=counting, index=index)
    assert first.embedded == first.chunks > 0
    assert counting.passages == first.chunks
    second = ingest(corpus, embedder=counting, index=index)
    assert second.unchanged and second.embedded == 0
    assert counting.passages == first.chunks  # no passage was embedded again
    assert index.active().name == first.generation


def test_changed_and_deleted_documents(embedder, index, corpus):
    counting = CountingEmbedder(embedder)
    first = ingest(corpus, embedder=counting, index=index)
    changed = corpus / "pkh/pkh-penyaluran-tahap.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nKalimat tambahan untuk uji perubahan dokumen.\n",
                       encoding="utf-8")
    (corpus / "pkh/pkh-kriteria-penerima.md").unlink()
    before = counting.passages
    report = ingest(corpus, embedder=counting, index=index)
    assert report.changed_documents == ["pkh-penyaluran-tahap"]
    assert report.removed_documents == ["pkh-kriteria-penerima"]
    changed_chunks = [c for c in index.active().chunks_with_tokens() if c[0].doc_id == "pkh-penyaluran-tahap"]
    assert report.embedded == len(changed_chunks) == counting.passages - before
    assert report.reused == report.chunks - report.embedded
    docs = {c.doc_id for c, _ in index.active().chunks_with_tokens()}
    assert docs == {"pkh-komponen-besaran", "pkh-penyaluran-tahap"}
    assert report.generation != first.generation
    hits = _kb(embedder, index).search("kriteria penerima PKH desil", k=10)
    assert all(h.chunk.doc_id != "pkh-kriteria-penerima" for h in hits)


def test_crash_mid_ingest_keeps_previous_index_queryable(embedder, index, corpus):
    first = ingest(corpus, embedder=embedder, index=index, batch_size=2)
    for path in corpus.rglob("*.md"):
        path.write_text(path.read_text(encoding="utf-8") + "\n\nPerubahan yang memaksa embedding ulang.\n",
                        encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        ingest(corpus, embedder=CountingEmbedder(embedder, fail_after_batches=1), index=index, batch_size=2)
    assert index.active().name == first.generation
    answer = _kb(embedder, index).ask("Berapa bantuan PKH untuk ibu hamil per tahun?")
    assert not answer.refused and "3.000.000" in answer.text


def test_bad_document_changes_nothing(embedder, index, corpus):
    first = ingest(corpus, embedder=embedder, index=index)
    (corpus / "pkh/rusak.md").write_text("---\nid: [tidak ditutup\n---\nIsi\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        ingest(corpus, embedder=embedder, index=index)
    assert "rusak.md" in err.value.message
    assert index.active().name == first.generation


def test_duplicate_ids_are_rejected(embedder, index, corpus):
    shutil.copy(corpus / "pkh/pkh-komponen-besaran.md", corpus / "pkh/salinan.md")
    with pytest.raises(IngestError) as err:
        ingest(corpus, embedder=embedder, index=index)
    assert "pkh-komponen-besaran" in err.value.message
    assert index.active() is None


def test_index_refuses_to_mix_models(embedder, index, corpus):
    ingest(corpus, embedder=embedder, index=index)
    with pytest.raises(IndexMismatchError):
        ingest(corpus, embedder=OtherModel(embedder), index=index)
    with pytest.raises(IndexMismatchError):
        _kb(OtherModel(embedder), index).search("PKH")
    rebuilt = ingest(corpus, embedder=OtherModel(embedder), index=index, rebuild=True)
    assert rebuilt.embedded == rebuilt.chunks
    assert index.active().info["model_id"] == "some/other-model"


def test_stored_vectors_are_the_model_vectors(embedder, index, corpus):
    ingest(corpus, embedder=embedder, index=index)
    snapshot = index.active()
    chunk, _ = snapshot.chunks_with_tokens()[0]
    stored = snapshot.vectors([chunk.chunk_id])[chunk.chunk_id]
    from assistant.rag.ingest import passage_text

    fresh = embedder.embed_passages([passage_text(chunk)])[0]
    assert float(np.dot(stored, fresh)) > 0.999
