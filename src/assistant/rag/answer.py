"""Grounded extractive answering: pick the sentences of the best chunks that answer the question.

No language model: every sentence of an answer is a sentence of a cited guideline, so the answer can
only say what the knowledge base says. Sentences are scored by shared (IDF-weighted) words and, when
sentence vectors are available, by their e5 similarity to the question; the question's shape
(definition, list, compound ...) decides how the answer is composed. A confidence score built from
lexical and semantic evidence decides when to decline instead.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.models import Answer, Citation, ScoredChunk
from assistant.rag import cues
from assistant.rag.question_types import (
    AMOUNT,
    DEFINITION,
    LIST,
    PROCEDURE,
    REASON,
    YES_NO,
    QuestionShape,
    question_shape,
)
from assistant.rag.scope import ScopeVerdict, mentions_domain, names_program
from assistant.rag.sentences import CorpusSentences
from assistant.rag.text import split_sentences, tokenize
from assistant.rag.vocabulary import Vocabulary
from assistant.settings import AnswerSettings

DECLINE_TEXT = (
    "Maaf, saya belum menemukan jawabannya di pedoman program yang saya pelajari, jadi saya tidak mau "
    "menebak. Untuk pertanyaan seputar bansos, silakan tanyakan ke pendamping PKH, kantor desa/kelurahan, "
    "atau Call Center Kemensos 171."
)
_Row = tuple[int, ScoredChunk, int, str]  # hit rank, hit, sentence position in its chunk, sentence

_UNKNOWN_WEIGHT = 1.5
_REDUNDANCY = 0.5  # how much a sentence loses for repeating one already chosen
_DENSE_FLOOR, _DENSE_CEIL = 0.80, 0.90  # e5 cosines bunch near 0.8 even for unrelated text
_SEMANTIC_WEIGHT = 0.2  # weight of question-sentence similarity against the lexical score
_LIFT_SCALE = 0.09  # a sentence this far above the background similarity counts as fully similar
_PEAK_FLOOR, _PEAK_SPAN = 0.045, 0.05  # the best sentence's lift turned into decline evidence
_LIST_CAP = {"citizen": 6, "facilitator": 8}
_NEAREST = 3  # corpus sentences closest to the question, added as candidates beyond the best chunks
_STANCE_SHARE = 0.8  # a stance sentence this close to the best one's score opens a yes/no answer
_MONEY_SHARE = 0.5  # a sentence stating the figure this close to the best one's score opens a money answer


@dataclass(frozen=True)
class _Candidate:
    text: str
    hit_rank: int
    hit: ScoredChunk
    position: int  # sentence number inside its chunk (document order)
    score: float
    tokens: frozenset[str]
    lift: float  # similarity to the question above the corpus background (0 without vectors)


def _weight(tokens: set[str] | frozenset[str], vocabulary: Vocabulary) -> float:
    return math.fsum(vocabulary.idf(t) for t in tokens)  # exact, so set order (hash seed) cannot matter


def _question_weight(tokens: set[str], vocabulary: Vocabulary) -> float:
    """Total weight of a question; words the corpus never uses count extra (an unknown topic)."""
    return math.fsum(vocabulary.idf(t) * (1.0 if t in vocabulary else _UNKNOWN_WEIGHT) for t in tokens)


@lru_cache(maxsize=32768)
def _tokens(text: str) -> frozenset[str]:
    """Lexical tokens of a passage text; chunk texts and sentences recur across questions."""
    return frozenset(tokenize(text))


@lru_cache(maxsize=4096)
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(split_sentences(text))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / max(1, len(a | b))


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def _same_program_amounts(chosen: list[_Candidate]) -> list[_Candidate]:
    """Drop amounts of another program than the best sentence's: "SD berapa" asked of PKH is not PIP's amount.

    An amount question is about one program; a figure from a neighbouring program's passage (PIP beside
    PKH, both for a pupil) reads as a second, contradicting answer.
    """
    if not chosen or not chosen[0].hit.chunk.program or not cues.states_money(chosen[0].text):
        return chosen
    program = chosen[0].hit.chunk.program
    return [chosen[0], *(c for c in chosen[1:] if c.hit.chunk.program in ("", program) or not cues.states_money(c.text))]


def _lead_with(chosen: list[_Candidate], pool: list[_Candidate], has_form: Callable[[str], bool],
               share: float) -> list[_Candidate]:
    """Open with the best sentence of ``pool`` that has the asked-for form, when it is at least ``share``
    as relevant as the best chosen one; the answer keeps its length."""
    if not chosen or has_form(chosen[0].text):
        return chosen
    top = max(c.score for c in chosen)
    fitting = [c for c in pool if has_form(c.text) and c.score >= share * top]
    if not fitting:
        return chosen
    lead = max(fitting, key=lambda c: c.score)
    return [lead, *(c for c in chosen if c is not lead)][: len(chosen)]


def _money_first(chosen: list[_Candidate], candidates: list[_Candidate]) -> list[_Candidate]:
    """A question about how much money opens with a sentence that states the figure.

    "nenek sy ikut PKH lansia, dpt brp tiap cair?" is answered by "Rp600.000 per tahap", not by who
    counts as elderly; the figure leads when some retrieved sentence states it and is at least half as
    relevant as the best. Without such a sentence the answer stays as it was chosen.
    """
    return _lead_with(chosen, candidates, cues.states_money, _MONEY_SHARE)


def _asks_yes_no(shape: QuestionShape) -> bool:
    """Only a yes/no question ("bisa lwt DANA?"), not a list, procedure or reason asked as one."""
    return shape.has(YES_NO) and not any(shape.has(kind) for kind in (LIST, PROCEDURE, REASON))


def _stance_first(chosen: list[_Candidate]) -> list[_Candidate]:
    """A yes/no answer opens with the sentence that takes a stance ("... adalah hoaks", "belum tentu ...").

    The guidelines often state the rule first and the stance after it; a family reading one line
    should read the stance. It moves up only when it is nearly as relevant as the best.
    """
    return _lead_with(chosen, chosen, cues.takes_stance, _STANCE_SHARE)


class ExtractiveAnswerer:
    """Composes a short Indonesian answer from retrieved chunks, citing each sentence's chunk.

    Args:
        settings: decline bars and answer lengths.
        vocabulary: the index's corpus vocabulary (IDF weights, typo correction).
        max_hits: how many of the best chunks sentences are taken from.
        corpus: gives the index's sentences with vectors (semantic scoring and sentence search);
            None scores shared words only.
    """

    def __init__(
        self, settings: AnswerSettings, vocabulary: Vocabulary, max_hits: int = 4,
        corpus: Callable[[], CorpusSentences] | None = None,
        scope: Callable[[str], ScopeVerdict | None] | None = None,
    ) -> None:
        self._settings = settings
        self._vocabulary = vocabulary
        self._max_hits = max_hits
        self._corpus = corpus
        self._scope = scope

    def _resolve(self, text: str) -> tuple[set[str], frozenset[str]]:
        raw = tokenize(text)
        resolved = self._vocabulary.resolve(raw)
        return set(resolved), frozenset(r for t, r in zip(raw, resolved, strict=True) if r != t)

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
        dense_part = _clip((dense - _DENSE_FLOOR) / (_DENSE_CEIL - _DENSE_FLOOR))
        return 0.6 * coverage + 0.4 * dense_part

    def _lifts(self, question: str, sentences: list[str]) -> list[float]:
        if self._corpus is None or not sentences:
            return [0.0] * len(sentences)
        cosines, background = self._corpus().similarities(question, sentences)
        return [float(c) - background for c in cosines]

    def _rows(self, question: str, shape: QuestionShape, hits: Sequence[ScoredChunk]) -> list[_Row]:
        """Sentences of the best chunks, plus corpus sentences found by meaning or as a definition.

        Retrieval ranks whole chunks; the one sentence that answers "suami saya tentara" (it says
        "TNI") or "KPM kepanjangannya apa" may sit in a chunk ranked lower. Such sentences join as
        candidates with their own chunk, ranked after the retrieved ones.
        """
        rows: list[_Row] = [
            (rank, hit, position, sentence)
            for rank, hit in enumerate(hits[: self._max_hits])
            for position, sentence in enumerate(_sentences(hit.chunk.text))
            if _tokens(sentence)
        ]
        if self._corpus is None:
            return rows
        corpus = self._corpus()
        found = corpus.nearest(question, _NEAREST)
        if shape.has(DEFINITION):
            # the sentences that define the question's rarest word ("what is the TAMASYA program")
            terms = self._rarest(cues.asked_terms(question))
            found += corpus.matching(lambda s: cues.defines(s, shape, terms), 3)
        seen = {sentence for *_, sentence in rows}
        for sentence, chunk in found:
            if sentence not in seen and _tokens(sentence):
                seen.add(sentence)
                position = _sentences(chunk.text).index(sentence)
                rows.append((self._max_hits, ScoredChunk(chunk, 0.0), position, sentence))
        return rows

    def _rarest(self, terms: tuple[str, ...]) -> tuple[str, ...]:
        """The asked terms the corpus uses least (the subject of "apa itu X"), ties kept."""
        weights = {t: max((self._vocabulary.idf(tok) for tok in tokenize(t)), default=0.0) for t in terms}
        top = max(weights.values(), default=0.0)
        return tuple(t for t in terms if weights[t] == top and top > 0)

    def _candidates(
        self, question: str, shape: QuestionShape, question_tokens: set[str], hits: Sequence[ScoredChunk],
        audience: str,
    ) -> list[_Candidate]:
        total = _weight(question_tokens, self._vocabulary) or 1.0
        rows = self._rows(question, shape, hits)
        lifts = self._lifts(question, [sentence for *_, sentence in rows])
        terms = cues.asked_terms(question)
        ages = cues.stated_ages(question)
        numbered = cues.stated_numbers(question)
        out: list[_Candidate] = []
        for (rank, hit, position, sentence), lift in zip(rows, lifts, strict=True):
            tokens = _tokens(sentence)
            heading = _tokens(f"{hit.chunk.title} {hit.chunk.section}")
            own = _weight(question_tokens & tokens, self._vocabulary) / total
            context = _weight((question_tokens & heading) - tokens, self._vocabulary) / total
            score = own + 0.35 * context + 0.12 / (1 + rank) + _SEMANTIC_WEIGHT * _clip(lift / _LIFT_SCALE)
            score += cues.bonus(sentence, shape, terms) + cues.age_fit(sentence, ages) + cues.range_fit(sentence, numbered)
            if hit.chunk.audience == audience:
                score += 0.03
            out.append(_Candidate(sentence, rank, hit, position, score, tokens, lift))
        return out

    def _select(self, candidates: list[_Candidate], limit: int, chosen: list[_Candidate] | None = None) -> list[_Candidate]:
        """Greedy maximal-marginal-relevance: relevant sentences that do not repeat each other."""
        chosen = list(chosen or [])
        if not candidates:
            return chosen
        floor = max(c.score for c in candidates) * 0.6
        pool = [c for c in candidates if c.score >= floor and c not in chosen]
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

    def _list_section(self, chosen: list[_Candidate], candidates: list[_Candidate]) -> _Candidate:
        """The best sentence of the section that holds the list.

        A list is several good sentences, not one: among the chosen sentences and the best sentence of
        each retrieved section, the one whose section's three best sentences score highest together
        (then an item of a numbered series, then the earlier one).
        """
        scores: dict[str, list[float]] = {}
        leaders: dict[str, _Candidate] = {}
        for c in candidates:
            chunk_id = c.hit.chunk.chunk_id
            scores.setdefault(chunk_id, []).append(c.score)
            if c.hit_rank < self._max_hits and (chunk_id not in leaders or c.score > leaders[chunk_id].score):
                leaders[chunk_id] = c
        strength = {cid: round(math.fsum(sorted(s, reverse=True)[:3]), 9) for cid, s in scores.items()}
        pool = chosen + [c for c in leaders.values() if c not in chosen]
        # max keeps the first of equals: the earlier sentence wins a tie
        return max(pool, key=lambda c: (strength[c.hit.chunk.chunk_id], cues.enumerates(c.text)))

    def _with_section(
        self, chosen: list[_Candidate], candidates: list[_Candidate], cap: int
    ) -> tuple[list[_Candidate], str | None]:
        """A list or procedure: the direct answers, then the rest of the best sentence's section.

        The guidelines hold a list as consecutive sentences of one section ("Faktor risiko pertama
        ...", "Faktor risiko kedua ..."), so that section, in document order, completes the list.
        Sentences of the section with little to do with the question stay out. Returns the
        sentences and, when the list was cut at ``cap``, the chunk id of the section it was cut from.
        """
        if not chosen:
            return chosen, None
        best = self._list_section(chosen, candidates)
        if best not in chosen:  # the list sits in a retrieved section none of whose sentences was chosen
            chosen = [*chosen[:1], best]
        same = sorted((c for c in candidates if c.hit.chunk.chunk_id == best.hit.chunk.chunk_id), key=lambda c: c.position)
        rest = [c for c in same if c not in chosen and c.score >= 0.3 * best.score]
        room = max(0, cap - len(chosen))
        return chosen + rest[:room], best.hit.chunk.chunk_id if len(rest) > room else None

    def _part_pick(self, part: str, candidates: list[_Candidate], chosen: list[_Candidate]) -> list[_Candidate]:
        """The best sentence for one part of a compound question (and, for a list part, what follows it)."""
        part_tokens, _ = self._resolve(part)
        pool = [c for c in candidates if c not in chosen]
        if not part_tokens or not pool:
            return []
        total = _weight(part_tokens, self._vocabulary) or 1.0
        shape = question_shape(part)
        terms = cues.asked_terms(part)
        lifts = self._lifts(part, [c.text for c in pool])
        scores = [
            _weight(part_tokens & c.tokens, self._vocabulary) / total + _SEMANTIC_WEIGHT * _clip(lift / _LIFT_SCALE)
            + cues.bonus(c.text, shape, terms) + 0.05 / (1 + c.hit_rank)
            for c, lift in zip(pool, lifts, strict=True)
        ]
        best = pool[max(range(len(pool)), key=lambda i: (scores[i], -i))]
        picked = [best]
        if shape.has(LIST) and not shape.has(AMOUNT):  # "cair bulan apa saja": the list that follows
            picked += [c for c in pool if c.hit.chunk.chunk_id == best.hit.chunk.chunk_id
                       and c.position > best.position][:3]
        return picked

    def _compound(self, shape: QuestionShape, candidates: list[_Candidate], limit: int) -> list[_Candidate]:
        """Both halves of "berapa untuk anak SD dan kapan cairnya?": the best sentence for each part."""
        chosen: list[_Candidate] = []
        for part in shape.parts:
            chosen += self._part_pick(part, candidates, chosen)
        return self._select(candidates, max(limit, len(chosen)), chosen)

    def _compose(
        self, question: str, shape: QuestionShape, candidates: list[_Candidate], audience: str
    ) -> tuple[list[_Candidate], str | None]:
        limit = (
            self._settings.max_sentences_facilitator if audience == "facilitator" else self._settings.max_sentences_citizen
        )
        if shape.compound:
            return self._compound(shape, candidates, limit), None
        chosen = self._select(candidates, limit)
        if shape.has(AMOUNT):
            lead = _money_first(chosen, candidates) if cues.asks_money(question, shape) else chosen
            chosen = _same_program_amounts(lead)
        if _asks_yes_no(shape):
            chosen = _stance_first(chosen)
        cap = max(limit, _LIST_CAP.get(audience, limit))
        if (shape.has(LIST) or shape.has(PROCEDURE) or shape.has(REASON)) and not shape.has(AMOUNT):
            return self._with_section(chosen, candidates, cap)
        if chosen and cues.enumerates(chosen[0].text):  # "Termin pertama ...": the rest of the series too
            return self._with_section(chosen, candidates, cap)
        if shape.has(DEFINITION):
            terms = self._rarest(cues.asked_terms(question))
            if not any(cues.expands(c.text, terms) for c in chosen):
                spelled = [c for c in candidates if cues.expands(c.text, terms)]
                if spelled:  # what the letters stand for, after what the term means
                    chosen.append(max(spelled, key=lambda c: c.score))
        return chosen, None

    @staticmethod
    def _next_step(chosen: list[_Candidate], candidates: list[_Candidate]) -> list[_Candidate]:
        """Where to go next, when the cited passage itself names a channel the answer has not given.

        A family told "not automatically" should also read "ask your pendamping PKH": the sentence
        comes from the same passage as the best sentence, so it stays grounded and cited.
        """
        if any(cues.names_channel(c.text) for c in chosen):
            return []
        best_chunk = chosen[0].hit.chunk.chunk_id
        for cand in candidates:
            if cand.hit.chunk.chunk_id == best_chunk and cand not in chosen and cues.names_channel(cand.text):
                return [cand]
        return []

    def _bar(self, question: str, question_tokens: set[str]) -> float:
        """The confidence a question needs: lower when it names a program, higher when it is off the domain.

        A question that names a program and, by meaning, asks what the guidelines answer ("kalau gk
        dateng pertemuan bulanan pkh, dicoret ga?") is held to the lowest bar: its informal words
        share little with the text, but what it asks is clearly covered.

        A question that names no program but asks about something the guidelines never mention
        ("kartu prakerja", "BPJS Ketenagakerjaan") is held to the off-topic bar even when it shares
        general words ("daftar", "syarat") with the domain.
        """
        verdict = self._scope(question) if self._scope is not None else None
        clear_ask = verdict is not None and verdict.in_scope_margin >= self._settings.clear_ask_margin
        if names_program(question):
            # a clear ask is what the guidelines answer
            return self._settings.clear_ask_min_confidence if clear_ask else self._settings.program_min_confidence
        unknown = [t for t in question_tokens if t not in self._vocabulary and len(t) >= 4 and not t.isdigit()]
        # everyday words the guidelines never use ("ngotot", "bosen") do not make a clear ask off-topic
        if mentions_domain(question) and (not unknown or clear_ask):
            return self._settings.min_confidence
        return self._settings.off_topic_min_confidence

    def answer(self, question: str, hits: Sequence[ScoredChunk], audience: str = "citizen") -> Answer:
        started = time.perf_counter()
        question_tokens, corrected = self._resolve(question)
        shape = question_shape(question)
        candidates = self._candidates(question, shape, question_tokens, hits, audience) if hits else []
        confidence = self.confidence(question_tokens, hits, corrected)
        if candidates and self._corpus is not None:
            # semantic evidence: one sentence standing clearly above the background answers the
            # question even when it shares few words with it (English, slang, synonyms)
            peak = max(c.lift for c in candidates)
            confidence = max(confidence, _clip((peak - _PEAK_FLOOR) / _PEAK_SPAN))
        if confidence < self._bar(question, question_tokens) or not candidates:
            return Answer(DECLINE_TEXT, True, (), confidence, tuple(hits), (time.perf_counter() - started) * 1000)
        chosen, cut = self._compose(question, shape, candidates, audience)
        chosen += self._next_step(chosen, candidates)
        # chunks found by sentence search are retrieved too: they join the hits the citations point to
        found = {c.hit.chunk.chunk_id: c.hit for c in chosen if c.hit_rank >= self._max_hits}
        known = {h.chunk.chunk_id for h in hits}
        hits = [*hits, *(h for cid, h in found.items() if cid not in known)]
        return self._render(chosen, cut, confidence, hits, started)

    @staticmethod
    def _render(
        chosen: list[_Candidate], cut: str | None, confidence: float, hits: Sequence[ScoredChunk], started: float
    ) -> Answer:
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
        text = " ".join(parts)
        if cut is not None and cut in numbers:
            text += f" (dan lainnya; selengkapnya di sumber [{numbers[cut]}])"
        caveats = dict.fromkeys(c.hit.chunk.caveat for c in chosen if c.hit.chunk.caveat)
        if caveats:
            text += "\n\nCatatan: " + " ".join(caveats)
        return Answer(text, False, tuple(citations), confidence, tuple(hits), (time.perf_counter() - started) * 1000)


