"""Hybrid retrieval: dense (vector index) and lexical (Indonesian BM25) rankings fused with RRF."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from assistant.errors import IndexUnavailableError
from assistant.models import Chunk, ScoredChunk
from assistant.outage import Outage
from assistant.ports import Embedder, IndexSnapshot
from assistant.rag.cache import LruCache
from assistant.rag.lexical import BM25Index
from assistant.rag.text import tokenize
from assistant.rag.vocabulary import Vocabulary
from assistant.settings import RetrievalSettings


def rrf_fuse(rankings: Sequence[Sequence[str]], k: int, weights: Sequence[float] | None = None) -> dict[str, float]:
    """Reciprocal rank fusion: each list adds weight / (k + rank) for the ids it holds (rank from 1)."""
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


class HybridRetriever:
    """Searches one index generation. Chunks and their lexical tokens are mirrored in memory."""

    def __init__(
        self, embedder: Embedder, snapshot: IndexSnapshot, settings: RetrievalSettings, outage: Outage | None = None
    ) -> None:
        self._embedder = embedder
        # Tracks the vector index: while it is down, search is lexical only (the BM25 index is in memory).
        self._outage = outage
        self.snapshot = snapshot
        self._settings = settings
        pairs = snapshot.chunks_with_tokens()
        self.chunks: list[Chunk] = [chunk for chunk, _ in pairs]
        self.by_id: dict[str, int] = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        token_lists = [tokens.split() for _, tokens in pairs]
        self.lexical = BM25Index(token_lists)
        self._programs = np.array([c.program for c in self.chunks], dtype=object)
        self._audiences = np.array([c.audience for c in self.chunks], dtype=object)
        self.vocabulary = Vocabulary(token_lists)
        self.query_vectors: LruCache[str, np.ndarray] = LruCache(256)  # recent queries' vectors

    def query_tokens(self, text: str) -> list[str]:
        """Lexical tokens of a question, typos corrected against the corpus vocabulary."""
        return self.vocabulary.resolve(tokenize(text))

    def _allowed(self, filters: Mapping[str, Any] | None) -> np.ndarray | None:
        if not filters:
            return None
        mask = np.ones(len(self.chunks), dtype=bool)
        if filters.get("program"):
            mask &= self._programs == filters["program"]
        if filters.get("audience"):
            mask &= (self._audiences == filters["audience"]) | (self._audiences == "both")
        return mask

    def search(
        self,
        query: str,
        k: int = 5,
        filters: Mapping[str, Any] | None = None,
        mode: str | None = None,
    ) -> list[ScoredChunk]:
        return self.search_status(query, k, filters, mode)[0]

    def _dense(self, query: str, candidates: int, filters: Mapping[str, Any] | None) -> list[tuple[str, float]] | None:
        """The dense ranking, or None while the vector index is unreachable (with an Outage to report to)."""
        if self._outage is not None and not self._outage.should_try():
            return None
        try:
            vector = self._embedder.embed_queries([query])[0]
            self.query_vectors.put(query, vector)  # the answerer scores sentences with the same vector
            dense = self.snapshot.query(vector, min(candidates, len(self.chunks)) or 1, filters)
        except IndexUnavailableError as exc:
            if self._outage is None:
                raise
            self._outage.failed(exc)
            return None
        if self._outage is not None:
            self._outage.recovered()
        return dense

    def search_status(
        self,
        query: str,
        k: int = 5,
        filters: Mapping[str, Any] | None = None,
        mode: str | None = None,
    ) -> tuple[list[ScoredChunk], bool]:
        """The best ``k`` chunks, and whether they come from the lexical fallback (vector index down)."""
        mode = mode or self._settings.mode
        candidates = max(k, self._settings.candidates)
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        degraded = False
        if mode in ("hybrid", "dense"):
            found = self._dense(query, candidates, filters)
            if found is None:
                degraded, mode = True, "lexical"
            else:
                dense = found
        if mode in ("hybrid", "lexical"):
            found_lexical = self.lexical.search(self.query_tokens(query), candidates, self._allowed(filters))
            lexical = [(self.chunks[i].chunk_id, score) for i, score in found_lexical]
        dense_rank = {cid: r for r, (cid, _) in enumerate(dense, start=1)}
        lexical_rank = {cid: r for r, (cid, _) in enumerate(lexical, start=1)}
        dense_score = dict(dense)
        lexical_score = dict(lexical)
        fused = rrf_fuse(
            [[c for c, _ in dense], [c for c, _ in lexical]], self._settings.rrf_k,
            [1.0, self._settings.lexical_weight],
        )
        ordered = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        hits = [
            ScoredChunk(
                chunk=self.chunks[self.by_id[cid]],
                score=score,
                dense_rank=dense_rank.get(cid),
                lexical_rank=lexical_rank.get(cid),
                dense_score=dense_score.get(cid),
                lexical_score=lexical_score.get(cid),
            )
            for cid, score in ordered
            if cid in self.by_id
        ]
        return hits, degraded
