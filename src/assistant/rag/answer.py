"""Grounded extractive answering: pick the sentences of the best chunks that answer the question.

No language model: every sentence of an answer is a sentence of a cited guideline, so the answer can
only say what the knowledge base says. A confidence score decides when to decline instead.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.models import Answer, Citation, ScoredChunk
from assistant.rag.scope import mentions_domain
from assistant.rag.text import normalize, split_sentences, tokenize
from assistant.rag.vocabulary import Vocabulary
from assistant.settings import AnswerSettings

DECLINE_TEXT = (
    "Maaf, saya belum menemukan jawabannya di pedoman program yang saya pelajari, jadi saya tidak mau "
    "menebak. Untuk pertanyaan seputar bansos, silakan tanyakan ke pendamping PKH, kantor desa/kelurahan, "
    "atau Call Center Kemensos 171."
)
_QUANTITY_WORDS = {"berapa", "besar", "jumlah", "nominal", "banyak", "how", "much", "many"}
_DIGITS = re.compile(r"\d")
_CHANNEL = re.compile(r"pendamping|\b171\b|\b165\b|dinas sosial|kantor desa|kelurahan|puskesmas|posyandu", re.I)
_UNKNOWN_WEIGHT = 1.5
_REDUNDANCY = 0.5  # how much a sentence loses for repeating one already chosen
_DENSE_FLOOR, _DENSE_CEIL = 0.80, 0.90  # e5 cosines bunch near 0.8 even for unrelated text


@dataclass(frozen=True)
class _Candidate:
    text: str
    hit_rank: int
    hit: ScoredChunk
    score: float
    tokens: frozenset[str]


def _weight(tokens: set[str] | frozenset[str], vocabulary: Vocabulary) -> float:
    return math.fsum(vocabulary.idf(t) for t in tokens)  # exact, so set order (hash seed) cannot matter


def _question_weight(tokens: set[str], vocabulary: Vocabulary) -> float:
    """Total weight of a question; words the corpus never uses count extra (an unknown topic)."""
    return math.fsum(vocabulary.idf(t) * (1.0 if t in vocabulary else _UNKNOWN_WEIGHT) for t in tokens)


@lru_cache(maxsize=32768)
def _tokens(text: str) -> frozenset[str]:
    """Lexical tokens of a passage text; chunk texts and sentences recur across questions."""
    return frozenset(tokenize(text))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / max(1, len(a | b))


class ExtractiveAnswerer:
    """Composes a short Indonesian answer from retrieved chunks, citing each sentence's chunk."""

    def __init__(self, settings: AnswerSettings, vocabulary: Vocabulary, max_hits: int = 4) -> None:
        self._settings = settings
        self._vocabulary = vocabulary
        self._max_hits = max_hits

    def confidence(
        self, question_tokens: set[str], hits: Sequence[ScoredChunk], corrected: frozenset[str] = frozenset()
    ) -> float:
        """How well the best chunks cover the question: IDF-weighted term coverage and dense similarity.

        A typo-corrected word earns half credit: "rendang" is one letter from "rentang", but a match
        on a guessed word is weaker evidence than a match on the word the user wrote.
        """
        if not hits or not question_tokens:
            return 0.0
        total = _question_weight(question_tokens, self._vocabulary)
        best = 0.0
        for hit in hits[: self._max_hits]:
            matched = question_tokens & _tokens(f"{hit.chunk.title} {hit.chunk.section} {hit.chunk.text}")
            score = _weight(matched, self._vocabulary) - 0.5 * _weight(matched & corrected, self._vocabulary)
            best = max(best, score)
        coverage = best / total
        dense = max((h.dense_score for h in hits if h.dense_score is not None), default=None)
        if dense is None:
            return coverage
        dense_part = min(1.0, max(0.0, (dense - _DENSE_FLOOR) / (_DENSE_CEIL - _DENSE_FLOOR)))
        return 0.6 * coverage + 0.4 * dense_part

    def _candidates(
        self, question: str, question_tokens: set[str], hits: Sequence[ScoredChunk], audience: str
    ) -> list[_Candidate]:
        total = _weight(question_tokens, self._vocabulary) or 1.0
        wants_quantity = bool(set(normalize(question).split()) & _QUANTITY_WORDS)
        out: list[_Candidate] = []
        for rank, hit in enumerate(hits[: self._max_hits]):
            heading = _tokens(f"{hit.chunk.title} {hit.chunk.section}")
            for sentence in split_sentences(hit.chunk.text):
                tokens = _tokens(sentence)
                if not tokens:
                    continue
                own = _weight(question_tokens & tokens, self._vocabulary) / total
                context = _weight((question_tokens & heading) - tokens, self._vocabulary) / total
                score = own + 0.35 * context + 0.12 / (1 + rank)
                if wants_quantity and _DIGITS.search(sentence):
                    score += 0.15
                if hit.chunk.audience == audience:
                    score += 0.03
                out.append(_Candidate(sentence, rank, hit, score, tokens))
        return out

    def _select(self, candidates: list[_Candidate], limit: int) -> list[_Candidate]:
        """Greedy maximal-marginal-relevance: relevant sentences that do not repeat each other."""
        if not candidates:
            return []
        floor = max(c.score for c in candidates) * 0.6
        pool = [c for c in candidates if c.score >= floor]
        chosen: list[_Candidate] = []
        while pool and len(chosen) < limit:
            def marginal(c: _Candidate) -> float:
                overlap = max((_jaccard(c.tokens, o.tokens) for o in chosen), default=0.0)
                return c.score - _REDUNDANCY * overlap

            best = max(pool, key=lambda c: (marginal(c), -c.hit_rank))
            pool.remove(best)
            if chosen and max(_jaccard(best.tokens, o.tokens) for o in chosen) > 0.7:
                continue
            chosen.append(best)
        return chosen  # best first: a citizen reading one line gets the most direct answer

    @staticmethod
    def _next_step(chosen: list[_Candidate], candidates: list[_Candidate]) -> list[_Candidate]:
        """Where to go next, when the cited passage itself names a channel the answer has not given.

        A family told "not automatically" should also read "ask your pendamping PKH": the sentence
        comes from the same passage as the best sentence, so it stays grounded and cited.
        """
        if any(_CHANNEL.search(c.text) for c in chosen):
            return []
        best_chunk = chosen[0].hit.chunk.chunk_id
        for cand in candidates:
            if cand.hit.chunk.chunk_id == best_chunk and cand not in chosen and _CHANNEL.search(cand.text):
                return [cand]
        return []

    def answer(self, question: str, hits: Sequence[ScoredChunk], audience: str = "citizen") -> Answer:
        started = time.perf_counter()
        raw = tokenize(question)
        resolved = self._vocabulary.resolve(raw)
        question_tokens = set(resolved)
        corrected = frozenset(r for t, r in zip(raw, resolved, strict=True) if r != t)
        confidence = self.confidence(question_tokens, hits, corrected)
        bar = self._settings.min_confidence if mentions_domain(question) else self._settings.off_topic_min_confidence
        if confidence < bar:
            return Answer(DECLINE_TEXT, True, (), confidence, tuple(hits), (time.perf_counter() - started) * 1000)
        limit = (
            self._settings.max_sentences_facilitator if audience == "facilitator" else self._settings.max_sentences_citizen
        )
        candidates = self._candidates(question, question_tokens, hits, audience)
        chosen = self._select(candidates, limit)
        if not chosen:
            return Answer(DECLINE_TEXT, True, (), confidence, tuple(hits), (time.perf_counter() - started) * 1000)
        chosen += self._next_step(chosen, candidates)
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        parts: list[str] = []
        for cand in chosen:
            chunk = cand.hit.chunk
            if chunk.chunk_id not in numbers:
                numbers[chunk.chunk_id] = len(numbers) + 1
                citations.append(
                    Citation(numbers[chunk.chunk_id], chunk.doc_id, chunk.title, chunk.section,
                             chunk.source_url, chunk.source_year, chunk.chunk_id)
                )
            sentence = cand.text.rstrip()
            if sentence[-1:] not in ".!?":
                sentence += "."
            parts.append(f"{sentence} [{numbers[chunk.chunk_id]}]")
        caveats = dict.fromkeys(c.hit.chunk.caveat for c in chosen if c.hit.chunk.caveat)
        text = " ".join(parts)
        if caveats:
            text += "\n\nCatatan: " + " ".join(caveats)
        return Answer(text, False, tuple(citations), confidence, tuple(hits), (time.perf_counter() - started) * 1000)
