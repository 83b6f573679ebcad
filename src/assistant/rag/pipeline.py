"""The knowledge base the channels use: hybrid search plus a grounded answer, over the active index."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import IndexMismatchError, IndexNotReadyError, IndexUnavailableError, InputError
from assistant.input_text import checked_text
from assistant.models import (
    Answer,
    Chunk,
    Citation,
    DocumentInfo,
    IngestReport,
    ScoredChunk,
    documents_of,
    regulations_cited_by,
)
from assistant.outage import Outage
from assistant.ports import AnswerGenerator, Embedder, ProgressFactory, SentenceEncoder, VectorIndex
from assistant.rag import cues
from assistant.rag.answer import DECLINE_TEXT, ExtractiveAnswerer
from assistant.rag.cache import LruCache
from assistant.rag.ingest import ingest
from assistant.rag.llm_answer import GroundedLlmGenerator
from assistant.rag.retrieve import HybridRetriever
from assistant.rag.scope import ScopeVerdict, SemanticScope, question_headings
from assistant.rag.scope_probe import MISUSE_PROBE_PATH, PROBE_PATH, ScopeProbe, load_probe, probe_model_id
from assistant.rag.sentences import CorpusSentences, SentenceVectors
from assistant.rag.text import split_sentences
from assistant.settings import AnswerSettings, RetrievalSettings

_RECHECK_SECONDS = 5.0
# Added to a money question whose passages state no figure (see RagKnowledgeBase.ask).
_AMOUNT_EXPANSION = "besaran bantuan per tahap dan per tahun"
# Fallbacks caused by the endpoint, not by the question: the next asker should get the model again.
_TRANSIENT_REASONS = ("generation_", "breaker_open")

log = logging.getLogger(__name__)


def _transient(answer: Answer) -> bool:
    reason = str(answer.meta.get("fallback_reason") or "")
    return reason.startswith(_TRANSIENT_REASONS)


def _with_regulations(answer: Answer, retriever: HybridRetriever) -> Answer:
    """Each citation names the regulations its passage rests on (generators cite the passage only)."""
    def cited(citation: Citation) -> Citation:
        position = retriever.by_id.get(citation.chunk_id)
        if position is None or citation.regulations:
            return citation
        chunk = retriever.chunks[position]
        return replace(citation, regulations=regulations_cited_by(chunk.text, chunk.regulations))

    return replace(answer, citations=tuple(cited(c) for c in answer.citations)) if answer.citations else answer


def _answer_key(retriever: HybridRetriever, question: str, audience: str, filters: Mapping[str, Any] | None) -> tuple:
    return (
        retriever.snapshot.name, audience, " ".join(question.lower().split()),
        tuple(sorted((k, str(v)) for k, v in (filters or {}).items() if v)),
    )


class RagKnowledgeBase:
    """Implements ports.KnowledgeBase. Follows index switches made by other processes."""

    def __init__(
        self,
        embedder: Embedder,
        index: VectorIndex,
        retrieval: RetrievalSettings,
        answer: AnswerSettings,
        generator: AnswerGenerator | None = None,
        answer_cache_size: int = 1024,
        *,
        chunk_words: int = 180,
        batch_size: int = 32,
        outage_retry_seconds: float = 10.0,
        sentence_vectors: SentenceVectors | None = None,
        probe_encoder: SentenceEncoder | None = None,
    ) -> None:
        self._embedder = embedder
        self._probe_encoder = probe_encoder
        self._index = index
        self._retrieval = retrieval
        self._answer_settings = answer
        self._generator = generator
        self._sentences = sentence_vectors if sentence_vectors is not None else SentenceVectors(embedder)
        self._retriever: HybridRetriever | None = None
        self._extractive: tuple[HybridRetriever, ExtractiveAnswerer, AnswerGenerator | None] | None = None
        self._corpus: tuple[HybridRetriever, CorpusSentences] | None = None
        self._scope: tuple[HybridRetriever, SemanticScope] | None = None
        # Popular questions repeat all day; an answer is a pure function of question, audience and
        # index generation, so it is kept (the generation is part of the key, so a re-index resets it).
        self._answers: LruCache[tuple, Answer] = LruCache(answer_cache_size)
        self._checked_at = 0.0
        self._lock = threading.Lock()
        self._chunk_words = chunk_words
        self._batch_size = batch_size
        self._documents: tuple[HybridRetriever, dict[str, DocumentInfo]] | None = None
        # One record of the vector index's health for every generation: while it is down, answers
        # come from the in-memory BM25 index and say so (Answer.degraded).
        self.index_outage = Outage("vector index", retry_seconds=outage_retry_seconds,
                                   fallback="answering from lexical (BM25) search")

    def retriever(self) -> HybridRetriever:
        now = time.monotonic()
        if self._retriever is not None and now - self._checked_at < _RECHECK_SECONDS:
            return self._retriever
        with self._lock:
            if self._retriever is not None and not self.index_outage.should_try():
                self._checked_at = now
                return self._retriever
            try:
                snapshot = self._index.active()
            except IndexUnavailableError as exc:
                if self._retriever is None:
                    raise
                self.index_outage.failed(exc)  # keep serving the generation we hold, lexically
                self._checked_at = now
                return self._retriever
            self._checked_at = now
            if snapshot is None:
                raise IndexNotReadyError("Indeks pengetahuan belum dibuat. Jalankan dulu: assistant ingest")
            if snapshot.info.get("model_id") != self._embedder.model_id:
                raise IndexMismatchError(
                    f"Indeks dibuat dengan model '{snapshot.info.get('model_id')}', bukan model yang "
                    f"dipakai sekarang ('{self._embedder.model_id}'). Jalankan: assistant ingest --rebuild"
                )
            if self._retriever is None or self._retriever.snapshot.name != snapshot.name:
                self._retriever = HybridRetriever(self._embedder, snapshot, self._retrieval, self.index_outage)
        return self._retriever

    def reload(self) -> None:
        self._checked_at = 0.0

    def generator(self) -> AnswerGenerator:
        """The extractive answerer bound to the current index's vocabulary, or the configured generator.

        A checked LLM generator is bound to that extractive answerer, its fallback.
        """
        retriever = self.retriever()
        if self._extractive is None or self._extractive[0] is not retriever:
            extractive = ExtractiveAnswerer(self._answer_settings, retriever.vocabulary, corpus=self.corpus_sentences,
                                            scope=self.scope_verdict)
            bound = self._generator.with_fallback(extractive) if isinstance(
                self._generator, GroundedLlmGenerator) else self._generator
            self._extractive = (retriever, extractive, bound)
        return self._extractive[2] or self._extractive[1]

    def corpus_sentences(self) -> CorpusSentences:
        """Every sentence of the active index with its vector, for semantic sentence scoring."""
        retriever = self.retriever()
        if self._corpus is None or self._corpus[0] is not retriever:
            corpus = CorpusSentences(retriever.chunks, self._sentences, self._query_vector)
            self._corpus = (retriever, corpus)
        return self._corpus[1]

    def scope_verdict(self, question: str) -> ScopeVerdict | None:
        """What the question asks, against the guidelines' questions and out-of-scope tasks (None: check off)."""
        margin = self._answer_settings.scope_margin
        if margin is None:
            return None
        retriever = self.retriever()
        if self._scope is None or self._scope[0] is not retriever:
            encoder = self._probe_encoder
            scope = SemanticScope(self._embedder.embed_queries, question_headings(retriever.chunks), margin,
                                  probe=self._probe(PROBE_PATH), probe_encoder=None if encoder is None else encoder.encode,
                                  misuse_probe=self._probe(MISUSE_PROBE_PATH))
            self._scope = (retriever, scope)
        return self._scope[1].judge(question)

    def _probe(self, path: Path) -> ScopeProbe | None:
        """A shipped probe, when probes are on and it was fitted for this embedder and second encoder."""
        if not self._answer_settings.scope_probe:
            return None
        encoder_id = self._probe_encoder.model_id if self._probe_encoder is not None else None
        models = probe_model_id(self._embedder.model_id, encoder_id)
        probe = load_probe(models, path)
        if probe is None:
            log.warning("%s off: none fitted for %s (refit with bench/fit_scope_probe.py)", path.stem, models)
        return probe

    def _query_vector(self, question: str) -> np.ndarray:
        """The question's vector: the one retrieval just computed, else a new one."""
        vector = self.retriever().query_vectors.get(question)
        return vector if vector is not None else self._embedder.embed_queries([question])[0]

    def prepare_sentences(self) -> int:
        """Embed and store every sentence of the active index not stored yet (run after ingest)."""
        return self._sentences.prepare(s for chunk in self.retriever().chunks for s in split_sentences(chunk.text))

    def search(
        self, query: str, k: int = 5, filters: Mapping[str, Any] | None = None, mode: str | None = None
    ) -> list[ScoredChunk]:
        query = checked_text((query or "").strip())
        if not query:
            raise InputError("Pertanyaan tidak boleh kosong.")
        return self.retriever().search(query, k=k, filters=filters, mode=mode)

    def ask(self, question: str, audience: str = "citizen", filters: Mapping[str, Any] | None = None) -> Answer:
        started = time.perf_counter()
        question = checked_text((question or "").strip())
        if not question:
            raise InputError("Pertanyaan tidak boleh kosong.")
        retriever = self.retriever()
        key = _answer_key(retriever, question, audience, filters)
        answer = self._answers.get(key)
        if answer is None:
            # judged first: the question and its asks are embedded in one model pass, and retrieval
            # then finds the question's vector in the embedder's cache
            verdict = self.scope_verdict(question)
            # Audience shapes the answer, not the search: a facilitator may need a citizen FAQ passage.
            hits, degraded = retriever.search_status(question, k=self._retrieval.top_k, filters=filters)
            hits = self._with_figures(retriever, question, hits, filters)
            if verdict is not None and verdict.family is not None:
                # it asks for a task outside the assistant's role: decline, naming the task's family
                answer = Answer(DECLINE_TEXT, True, (), 0.0, tuple(hits), meta={"out_of_scope": verdict.family})
            else:
                answer = _with_regulations(self.generator().answer(question, hits, audience), retriever)
            if degraded:  # not cached: once the vector index is back, the question gets a hybrid answer
                answer = replace(answer, degraded=True)
            elif not _transient(answer):
                self._answers.put(key, answer)
        return replace(answer, latency_ms=(time.perf_counter() - started) * 1000)

    def _with_figures(self, retriever: HybridRetriever, question: str, hits: list[ScoredChunk],
                      filters: Mapping[str, Any] | None) -> list[ScoredChunk]:
        """A money question whose passages state no figure gets, after its best passage, two that do.

        "nenek sy ikut PKH lansia, dpt brp?" finds passages about the elderly, none with a figure: the
        same question asked for the amount brings the passages that state it.
        """
        if not cues.asks_money(question) or any(cues.states_money(h.chunk.text) for h in hits):
            return hits
        more, _ = retriever.search_status(f"{question} {_AMOUNT_EXPANSION}", k=self._retrieval.top_k, filters=filters)
        seen = {h.chunk.chunk_id for h in hits}
        figures = [h for h in more if h.chunk.chunk_id not in seen and cues.states_money(h.chunk.text)]
        return [*hits[:1], *figures[:2], *hits[1:]]

    def declined_family(self, question: str) -> str | None:
        """The task family ``ask`` declines the question as (None: in scope, or the scope check is off)."""
        question = checked_text((question or "").strip())
        verdict = self.scope_verdict(question) if question else None
        return None if verdict is None else verdict.family

    def answer_ready(self, question: str, audience: str = "citizen", filters: Mapping[str, Any] | None = None) -> bool:
        """True when ``ask`` would answer from the answer cache, touching neither the index nor the model."""
        retriever = self._retriever
        if retriever is None or time.monotonic() - self._checked_at >= _RECHECK_SECONDS:
            return False  # ask() would look for a newer index generation first
        try:
            question = checked_text((question or "").strip())
        except InputError:
            return False
        return bool(question) and _answer_key(retriever, question, audience, filters) in self._answers

    def chunk(self, chunk_id: str) -> Chunk | None:
        retriever = self.retriever()
        position = retriever.by_id.get(chunk_id)
        return None if position is None else retriever.chunks[position]

    def _document_table(self) -> dict[str, DocumentInfo]:
        retriever = self.retriever()
        cached = self._documents
        if cached is not None and cached[0] is retriever:
            return cached[1]
        table = {d.doc_id: d for d in documents_of(retriever.chunks)}
        self._documents = (retriever, table)
        return table

    def document(self, doc_id: str) -> DocumentInfo | None:
        return self._document_table().get(doc_id)

    def documents(self) -> list[DocumentInfo]:
        return list(self._document_table().values())

    def ingest(
        self, path: Path, *, rebuild: bool = False, progress: ProgressFactory | None = None, keep_others: bool = False
    ) -> IngestReport:
        report = ingest(
            path, embedder=self._embedder, index=self._index, chunk_words=self._chunk_words,
            rebuild=rebuild, progress=progress, batch_size=self._batch_size, keep_others=keep_others,
        )
        self.reload()
        self.prepare_sentences()  # sentence vectors for the extractive answerer, stored once
        return report
