"""The assistant's domain: words that mark a question as being about family-welfare programs.

Two strengths of evidence. ``names_program``: the question names a program, an agency or a data
system of the domain (PKH, DTSEN, KKS, Tamasya, Kemensos ...); such a question is in scope even
when it is worded so informally that few of its words appear in the guidelines. ``mentions_domain``:
it at least mentions a target group, a channel or a general welfare word (anak, hamil, syarat,
desa ...); those words also occur in questions about other services (school homework, a bank loan,
a private insurance claim), so they only lower the bar, and a question that mentions none of them
(gold prices, football, a presidential quiz) must clear a higher grounding bar before it is answered.

Words alone cannot tell "apa itu stunting?" from "anak saya 80 cm, dia stunting? tolong diagnosa",
or "syarat PKH" from "syarat daftar TNI": ``SemanticScope`` judges what a question *asks*. It
compares each ask (the whole question and each of its question or request clauses) with the
questions the guidelines answer (the headings of the index phrased as questions) and with example
asks of the task families outside the assistant's role (``assistant.rag.scope_families``), all as e5
query vectors. An ask that stands closer to a family than to anything the guidelines answer is out
of scope, and the family names the channel to point to.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.models import Chunk
from assistant.rag.cache import LruCache
from assistant.rag.scope_families import OUT_OF_SCOPE_FAMILIES, TaskFamily
from assistant.rag.scope_probe import ScopeProbe, probe_features
from assistant.rag.text import normalize

# Proper names of the programs, agencies, data systems and payment channels the guidelines cover.
_PROGRAM_NAMES = (
    r"pkh|bansos|kks|kpm|dtsen|dtks|desil|stunting|krs|posyandu|tamasya|daycare|day care|sembako|bpnt"
    r"|pip|kip|pbi|jkn|bpjs kesehatan|bkl|atensi|genting|elsimil|sidaya|kemensos|mensos|bkkbn|kemendukbangga|p2k2"
    r"|himbara|dinsos|dinas sosial|graduasi|aslut|tpk|hpk|sekolah lansia|cek bansos|cekbansos|bantuan sosial"
    r"|pendamping pkh|keluarga harapan|kesejahteraan sosial|perlinsos|nik|ktp|dukcapil|kartu keluarga|lansia|balita"
    r"|ibu hamil|disabilitas"
)
# Target groups, channels and general welfare words; with the program names (naming a program is
# mentioning the domain) they make the domain's words.
_DOMAIN_WORDS = (
    r"bantuan|puskesmas|lanjut usia|penitipan|tpa|bpjs|pendamping|cair|pencairan|tahap|hamil|bayi|anak|sekolah"
    r"|catin|kartu|penipuan|hoaks|hoax|desa|kelurahan|syarat|daftar|kk|domisili|perpres|inpres|permensos|kemenkes"
    r"|kader|gizi|nikah|pengasuh|nifas|kehamilan|keluarga|rehabilitasi|sanggah|usul|kuota"
)
PROGRAM_RE = re.compile(rf"\b(?:{_PROGRAM_NAMES})\w*")
DOMAIN_RE = re.compile(rf"\b(?:{_PROGRAM_NAMES}|{_DOMAIN_WORDS})\w*")


def mentions_domain(text: str) -> bool:
    """True when the (raw) text names a program, a target group or a channel of the domain."""
    return bool(DOMAIN_RE.search(normalize(text)))


def names_program(text: str) -> bool:
    """True when the (raw) text names a program, agency or data system of the domain."""
    return bool(PROGRAM_RE.search(normalize(text)))


# A clause that asks something: a question word, a request verb, or a yes/no tag at its end.
_ASK_RE = re.compile(
    r"\b(?:apa|apakah|berapa|brp|bagaimana|gimana|gmn|kapan|kpn|siapa|mana|kenapa|knp|mengapa|bisa|bisakah|boleh"
    r"|bolehkah|tolong|mohon|minta|buatkan|bikinkan|jelaskan|what|how|when|who|why|which|can|could|please|pls)\b"
    r"|\b(?:gk|ga|gak|nggak|ngga|enggak|tidak|kah)$",
    re.IGNORECASE,
)
# punctuation ends a clause, except a point or comma inside a number ("Rp1.250.000", "19,8")
_CLAUSE_SPLIT = re.compile(r"(?:(?<!\d)[.,]|[.,](?!\d)|[?!;:\n])+")


def asks(question: str) -> list[str]:
    """What a question asks: the whole question, then each clause that asks or requests something.

    "anak sy 2 th tingginya 80 cm, dia stunting gk? tolong diagnosa dong" asks "dia stunting gk"
    and "tolong diagnosa dong"; a clause that only tells ("anak sy 2 th tingginya 80 cm") is context.
    """
    whole = " ".join(question.split())
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(whole) if c.strip()]
    meaningful = [c for c in clauses if len(c.split()) >= 2]
    asking = [c for c in meaningful if _ASK_RE.search(c)]
    # one clause that asks, and nothing else worth reading: the whole question is that ask
    return [whole, *asking] if len(meaningful) > 1 and asking else [whole]


def judged_asks(question: str) -> list[str]:
    """The asks the scope check embeds: the whole question, and each asking clause that names no program.

    A clause that names a program ("apakah dapat bantuan PKH di Bandung?") asks about it as the whole
    question does; judging it again costs a model pass and adds nothing. A clause that names none
    ("tolong diagnosa dong", "bunganya brp") may ask for a task outside the assistant's role.
    """
    return [ask for n, ask in enumerate(asks(question)) if n == 0 or not names_program(ask)]


def question_headings(chunks: Sequence[Chunk]) -> list[str]:
    """The questions the guidelines answer: every heading of the index phrased as a question."""
    found = {chunk.section.split(" > ")[-1].strip() for chunk in chunks}
    return sorted(h for h in found if h.endswith("?"))


@dataclass(frozen=True, slots=True)
class ScopeVerdict:
    """What a question asks, judged against the guidelines' questions and the out-of-scope families.

    ``family`` names the out-of-scope family one of its asks belongs to (None: in scope);
    ``in_scope_margin`` is how far the whole question stands closer to a question the guidelines
    answer than to any out-of-scope example (negative: closer to an out-of-scope task).
    """

    family: str | None
    in_scope_margin: float
    ask: str = ""


class SemanticScope:
    """Judges whether a question asks what the guidelines cover (see the module docstring).

    Args:
        embed_queries: the embedder's query encoder (unit vectors; it caches repeated texts).
        in_scope_asks: questions the guidelines answer (``question_headings`` of the index).
        margin: how much closer to an out-of-scope family than to the guidelines an ask must be.
        families: the out-of-scope task families.
        probe: a linear probe fitted for the embedder's model (``assistant.rag.scope_probe``); a
            question it flags is out of scope even when no single example stands close to it.
        probe_encoder: the second sentence encoder the probe was fitted with (None: the probe reads
            the query vector alone).
        misuse_probe: a probe of the same kind fitted on requests to misuse the aid system (someone
            else's data or card, help to hide assets or fake a document, a bribe); a question it flags
            is declined as family ``misuse`` (its texts say what is not allowed and where to report).
    """

    def __init__(
        self,
        embed_queries: Callable[[Sequence[str]], np.ndarray],
        in_scope_asks: Sequence[str],
        margin: float,
        families: Sequence[TaskFamily] = OUT_OF_SCOPE_FAMILIES,
        probe: ScopeProbe | None = None,
        probe_encoder: Callable[[Sequence[str]], np.ndarray] | None = None,
        misuse_probe: ScopeProbe | None = None,
    ) -> None:
        self._probe = probe
        self._misuse_probe = misuse_probe
        self._probe_encoder = probe_encoder
        self._embed = embed_queries
        self._in_scope_asks = list(in_scope_asks)
        self._families = list(families)
        self._margin = margin
        self._matrices: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._lock = threading.Lock()
        self._verdicts: LruCache[str, ScopeVerdict] = LruCache(1024)

    def _reference(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Vectors of the in-scope asks, of every family example, and each example's family index."""
        if self._matrices is None:
            with self._lock:
                if self._matrices is None:
                    examples = [(i, e) for i, family in enumerate(self._families) for e in family.examples]
                    inside = np.asarray(self._embed(self._in_scope_asks), dtype=np.float32)
                    outside = np.asarray(self._embed([e for _, e in examples]), dtype=np.float32)
                    owners = np.array([i for i, _ in examples], dtype=np.int64)
                    self._matrices = (inside, outside, owners)
        return self._matrices

    def judge(self, question: str) -> ScopeVerdict:
        """The verdict on one question (cached: the answerer and the pipeline both ask for it)."""
        key = " ".join(question.lower().split())
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._judge(question)
            self._verdicts.put(key, verdict)
        return verdict

    def _judge(self, question: str) -> ScopeVerdict:
        inside, outside, owners = self._reference()
        texts = judged_asks(question)
        if not len(inside) or not len(outside):
            return ScopeVerdict(None, 0.0)
        vectors = np.asarray(self._embed(texts), dtype=np.float32)
        in_best = (vectors @ inside.T).max(axis=1)
        out_sims = vectors @ outside.T
        out_best = out_sims.max(axis=1)
        margins = out_best - in_best
        worst = int(np.argmax(margins))
        family = None
        if margins[worst] >= self._margin:
            family = self._families[int(owners[int(np.argmax(out_sims[worst]))])].name
        else:
            features = self._probe_features(texts[0], vectors[:1])
            if _flags(self._probe, features):
                # flagged as a whole: the nearest family names the channel when the question leans to it
                nearest = self._families[int(owners[int(np.argmax(out_sims[0]))])].name
                family, worst = (nearest if margins[0] >= 0 else "general"), 0
            elif _flags(self._misuse_probe, features):
                family, worst = "misuse", 0
        return ScopeVerdict(family, float(in_best[0] - out_best[0]), texts[worst])

    def _probe_features(self, question: str, query_vector: np.ndarray) -> np.ndarray | None:
        """The probes' input for the whole question (None when no probe is on: no second encoder pass)."""
        if self._probe is None and self._misuse_probe is None:
            return None
        encoded = self._probe_encoder([question]) if self._probe_encoder is not None else None
        return probe_features(query_vector, encoded)


def _flags(probe: ScopeProbe | None, features: np.ndarray | None) -> bool:
    """True when ``probe`` is on and its probability for the question reaches its threshold."""
    if probe is None or features is None:
        return False
    return bool(probe.probabilities(features)[0] >= probe.threshold)
