"""Claim-level post-check of a generated answer before anyone reads it.

A language model's reply is split into sentences. Each sentence must cite at least one of the
passages it was given; every figure in it (amounts in any spelling, percentages, ages, dates, counts,
phone numbers, regulation numbers, program names; see ``assistant.rag.facts``) must be stated by a
passage it cites (or by the structured facts handed to the model); and its words must be supported
by those passages (lexical containment, and embedding similarity when a scorer is given).

Policy: a reply that leaks a NIK, repeats the instructions, or talks about overriding them is
rejected whole. Otherwise failing sentences are dropped when the rest stands (the first sentence,
the direct answer, passes and at least half the sentences pass); else the reply is rejected and the
caller falls back to the extractive answer. Pure logic, no LLM library here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.ports import Embedder
from assistant.privacy import has_nik_like
from assistant.rag.facts import Fact, extract_facts, source_facts
from assistant.rag.injection import is_injection
from assistant.rag.text import normalize, split_sentences, tokenize

# "[2]", "[1, 3]" or "[1;3]": one group of passage numbers as the model wrote it.
MARKER_GROUP = re.compile(r"\[\s*(\d{1,4}(?:\s*[,;]\s*\d{1,4})*)\s*\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\s*\d{1,4}(?:\s*[,;]\s*\d{1,4})*\s*\])+\s*")
_LEAK_NGRAM = 7  # words; a reply sharing this many consecutive words with the prompt repeats it

# Why a sentence or a whole reply failed; stable codes for metrics and the journal.
NO_CITATION = "no_citation"
UNSUPPORTED_FACT = "unsupported_fact"
LOW_SUPPORT = "low_support"
NIK_LEAK = "nik_leak"
PROMPT_LEAK = "prompt_leak"
INJECTION = "injection"
EMPTY = "empty"
TOO_MANY_FAILED = "too_many_failed"

Similarity = Callable[[str, Sequence[str]], float]


@dataclass(frozen=True, slots=True)
class GroundingThresholds:
    """How much support a sentence needs from the passages it cites.

    A sentence passes when at least ``lexical`` of its content words (stemmed, stop words removed)
    occur in its cited passages, or, with an embedding scorer, when at least ``lexical_floor`` of them
    do and its best cosine similarity to a cited passage reaches ``dense``. The defaults were measured
    on the core suite with ``bench/grounding_thresholds.py`` (see the README).
    """

    lexical: float = 0.6
    lexical_floor: float = 0.3
    dense: float = 0.86


@dataclass(frozen=True, slots=True)
class SentenceCheck:
    """The verdict on one sentence of the reply."""

    text: str
    cited: tuple[int, ...]  # 1-based passage positions it cites (valid ones only)
    problem: str | None = None  # None when the sentence passes
    detail: str = ""
    lexical: float = 0.0
    dense: float | None = None
    missing: tuple[Fact, ...] = ()


@dataclass(frozen=True, slots=True)
class GroundingResult:
    """The checked reply: the text to use, or the reason to fall back."""

    text: str
    sentences: tuple[SentenceCheck, ...] = ()
    fallback_reason: str | None = None
    detail: str = ""
    dropped: tuple[SentenceCheck, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return self.fallback_reason is None


def cited_positions(sentence: str, count: int) -> tuple[int, ...]:
    """The valid passage numbers (1..count) a sentence cites, in order of first mention."""
    found: list[int] = []
    for group in MARKER_GROUP.finditer(sentence):
        for raw in re.split(r"[,;]", group.group(1)):
            n = int(raw)
            if 1 <= n <= count and n not in found:
                found.append(n)
    return tuple(found)


def reply_sentences(reply: str) -> list[str]:
    """Sentences of a reply, each with the markers that cite it.

    Markers written after the full stop ("... per tahun. [1] Pendaftaran ...", as the extractive
    answer writes them) belong to the sentence before them, not to the one they precede.
    """
    out: list[str] = []
    for sentence in split_sentences(reply):
        leading = _LEADING_MARKERS.match(sentence)
        if leading and out:
            out[-1] = f"{out[-1]} {leading.group(0).strip()}"
            sentence = sentence[leading.end():]
        if not re.search(r"\w", _strip_markers(sentence)):
            if out and sentence.strip():
                out[-1] = f"{out[-1]} {sentence.strip()}"
            continue
        out.append(sentence.strip())
    return out


def _strip_markers(text: str) -> str:
    return MARKER_GROUP.sub(" ", text)


def lexical_support(sentence: str, sources: Sequence[str]) -> float:
    """Share of the sentence's content words (stemmed, without stop words) found in ``sources``."""
    words = set(tokenize(_strip_markers(sentence)))
    if not words:
        return 1.0  # nothing to support ("Ya.")
    known: set[str] = set()
    for source in sources:
        known.update(tokenize(source))
    return len(words & known) / len(words)


def _leaks(reply: str, secrets: Sequence[str], passages: Sequence[str]) -> bool:
    """True when the reply repeats a run of words from the instructions that no passage contains."""
    def grams(text: str) -> set[tuple[str, ...]]:
        words = normalize(text).split()
        return {tuple(words[i:i + _LEAK_NGRAM]) for i in range(len(words) - _LEAK_NGRAM + 1)}

    secret = set().union(*(grams(s) for s in secrets)) if secrets else set()
    if not secret:
        return False
    allowed = set().union(*(grams(p) for p in passages)) if passages else set()
    return bool((grams(reply) & secret) - allowed)


def _check_sentence(
    sentence: str,
    passages: Sequence[str],
    facts: Sequence[str],
    similarity: Similarity | None,
    thresholds: GroundingThresholds,
) -> SentenceCheck:
    cited = cited_positions(sentence, len(passages))
    if not cited:
        return SentenceCheck(sentence, cited, NO_CITATION, "kalimat tanpa rujukan kutipan")
    sources = [passages[n - 1] for n in cited]
    known = source_facts([*sources, *facts])
    missing = tuple(sorted((f for f in extract_facts(_strip_markers(sentence)) if f.key not in known),
                           key=lambda f: (f.kind, f.value)))
    lexical = lexical_support(sentence, [*sources, *facts])
    if missing:
        detail = ", ".join(f"{f.kind}:{f.surface or f.value}" for f in missing)
        return SentenceCheck(sentence, cited, UNSUPPORTED_FACT, detail, lexical, None, missing)
    if lexical >= thresholds.lexical:
        return SentenceCheck(sentence, cited, None, "", lexical)
    dense = similarity(_strip_markers(sentence), sources) if similarity is not None else None
    if dense is not None and lexical >= thresholds.lexical_floor and dense >= thresholds.dense:
        return SentenceCheck(sentence, cited, None, "", lexical, dense)
    detail = f"lexical {lexical:.2f}" + (f", dense {dense:.3f}" if dense is not None else "")
    return SentenceCheck(sentence, cited, LOW_SUPPORT, detail, lexical, dense)


def check_reply(
    reply: str,
    passages: Sequence[str],
    *,
    facts: Sequence[str] = (),
    secrets: Sequence[str] = (),
    similarity: Similarity | None = None,
    thresholds: GroundingThresholds | None = None,
) -> GroundingResult:
    """Check a generated reply against the passages it was given.

    Args:
        reply: The model's text, with ``[n]`` markers numbered as the passages (from 1).
        passages: The passage texts in prompt order (include the heading: titles name programs).
        facts: Structured facts the model was given to put into words (e.g. an eligibility
            decision); every sentence may rely on them besides its cited passages.
        secrets: Texts the reply must never repeat (the system prompt).
        similarity: Optional scorer: best cosine similarity of a sentence to the given passages.
        thresholds: Support thresholds (defaults measured on the core suite).

    Returns:
        The reply with failing sentences dropped, or a fallback reason when it cannot stand.
    """
    thresholds = thresholds or GroundingThresholds()
    if has_nik_like(reply):
        return GroundingResult("", (), NIK_LEAK, "nomor mirip NIK di jawaban")
    if _leaks(reply, secrets, passages):
        return GroundingResult("", (), PROMPT_LEAK, "jawaban mengulang instruksi sistem")
    if is_injection(reply):
        return GroundingResult("", (), INJECTION, "jawaban membicarakan perintah untuk melanggar aturan")
    sentences = reply_sentences(reply)
    if not sentences:
        return GroundingResult("", (), EMPTY, "jawaban kosong")
    checks = tuple(_check_sentence(s, passages, facts, similarity, thresholds) for s in sentences)
    kept = [c for c in checks if c.problem is None]
    dropped = tuple(c for c in checks if c.problem is not None)
    if checks[0].problem is not None:
        return GroundingResult("", checks, checks[0].problem, checks[0].detail, dropped)
    if len(kept) * 2 < len(checks):
        return GroundingResult("", checks, TOO_MANY_FAILED, f"{len(dropped)} dari {len(checks)} kalimat gagal", dropped)
    return GroundingResult(" ".join(c.text for c in kept), checks, None, "", dropped)


def embedding_similarity(embedder: Callable[[], Embedder]) -> Similarity:
    """A post-check scorer: best cosine similarity of a sentence (as a query) to the cited passages.

    ``embedder`` is called on first use, so building the generator does not load the model.
    """

    def score(sentence: str, sources: Sequence[str]) -> float:
        if not sources:
            return 0.0
        model = embedder()
        query = model.embed_queries([sentence])[0]
        passages = model.embed_passages(list(sources))
        return float((passages @ query).max())

    return score
