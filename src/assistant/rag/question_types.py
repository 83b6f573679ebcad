"""What kind of answer a question asks for, so the answer can be composed for it.

Recognised from general question words of Indonesian (formal and chat) and English, never from
topic words: an amount ("berapa"), a definition ("apa itu", "singkatan"), a list ("apa saja",
"sebutkan"), a procedure ("cara", "langkah"), a reason ("kenapa", "why"), a yes/no question
("apakah", "bisa ... gak"), and a compound question (two questions in one message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AMOUNT = "amount"
DEFINITION = "definition"
EXPANSION = "expansion"  # a definition that asks what an abbreviation stands for
LIST = "list"
PROCEDURE = "procedure"
REASON = "reason"
YES_NO = "yes_no"

_AMOUNT_RE = re.compile(r"\b(?:berapa|brp|brapa|nominal|besaran|how (?:much|many)|jumlah(?:nya)?|persen|berapakah)\b")
_EXPANSION_RE = re.compile(
    r"\b(?:kepanjangan\w*|singkatan\w*|stand(?:s)? for|abbreviation|akronim|panjangnya)\b"
)
_DEFINITION_RE = re.compile(
    r"\b(?:apa itu|apaan tuh|apa sih|itu apa|itu apaan|apa yang dimaksud|yang dimaksud|maksud(?:nya)?|arti(?:nya)?"
    r"|pengertian|definisi|what (?:is|are|does)|meaning|mean|means|explain|jelaskan|apa sebenarnya)\b"
)
_LIST_RE = re.compile(
    r"\b(?:apa (?:saja|aja|aj)|apa2|sebutkan|daftar(?:nya)?|syarat(?:nya|-syarat)?|komponen(?:nya)?|tahap(?:an|annya)"
    r"|langkah(?:-langkah|nya)?|berkas|dokumen|kriteria|indikator|variabel|jenis(?:nya)?|macam|hak(?:-hak|nya)?"
    r"|kewajiban(?:nya)?|ciri(?:-ciri|nya)?|what are|which|(?:^|(?<=please )|(?<=pls )|(?<=you ))list|requirements?|documents?|papers|steps?|tests?"
    r"|siapa (?:saja|aja)|struktur(?:nya)?|susunan(?:nya)?|structure|terdiri)\b"
)
_PROCEDURE_RE = re.compile(
    r"\b(?:cara(?:nya)?|bagaimana|gimana|gmn|gmana|langkah|prosedur|proses(?:nya)?|mekanisme|alur(?:nya)?|how (?:do|to|can|does)"
    r"|ngurus\w*|mengurus|urus)\b"
)
_REASON_RE = re.compile(r"\b(?:kenapa|mengapa|knp|napa|why|alasan(?:nya)?|sebab(?:nya)?|kok|penyebab\w*)\b")
_YES_NO_RE = re.compile(
    r"^(?:apakah|apa benar|benarkah|bener(?:an)?|betul|bisakah|bolehkah|is|are|can|does|do|will|should)\b"
    r"|\b(?:gak|gk|ga|nggak|ngga|tidak|enggak|bukan|kah|or not)\s*\??$"
)
# "berapa ... dan kapan ...", "pkh cair bulan apa, trus ngambilnya dimana": two questions in one.
_QUESTION_WORD = (
    r"(?:berapa|brp|kapan|kpn|dimana|di mana|mana|siapa|apa|bagaimana|gimana|gmn|kenapa|mengapa|how|what|when"
    r"|where|who|why|which|bisa|boleh)"
)
_COMPOUND_SPLIT = re.compile(
    rf"(?:\?\s+|[,;]\s*(?:dan |terus |trus |lalu |serta |and |then )?|\s(?:dan|terus|trus|lalu|serta|and|then)\s)"
    rf"(?=(?:\w+\s){{0,4}}{_QUESTION_WORD}\b)"
)


@dataclass(frozen=True, slots=True)
class QuestionShape:
    """The answer kinds a question asks for, and its parts when it asks two things at once."""

    kinds: frozenset[str]
    parts: tuple[str, ...]

    def has(self, kind: str) -> bool:
        return kind in self.kinds

    @property
    def compound(self) -> bool:
        return len(self.parts) > 1


def _kinds(text: str) -> set[str]:
    kinds: set[str] = set()
    if _AMOUNT_RE.search(text):
        kinds.add(AMOUNT)
    if _EXPANSION_RE.search(text):
        kinds |= {DEFINITION, EXPANSION}
    elif _DEFINITION_RE.search(text) and not _AMOUNT_RE.search(text):
        kinds.add(DEFINITION)
    if _LIST_RE.search(text):
        kinds.add(LIST)
    if _PROCEDURE_RE.search(text):
        kinds.add(PROCEDURE)
    if _REASON_RE.search(text):
        kinds.add(REASON)
    if _YES_NO_RE.search(text.rstrip("?! .")) or _YES_NO_RE.search(text):
        kinds.add(YES_NO)
    return kinds


def question_shape(question: str) -> QuestionShape:
    """Recognise the kinds of answer ``question`` asks for (lowercased regex matching, no model)."""
    text = " ".join(question.lower().replace("’", "'").split())
    parts = [p.strip(" ,;?") for p in _COMPOUND_SPLIT.split(text)]
    parts = [p for p in parts if len(p.split()) >= 2]
    if len(parts) < 2 or not all(re.search(rf"\b{_QUESTION_WORD}\b", p) for p in parts):
        parts = [text]
    return QuestionShape(frozenset(_kinds(text)), tuple(parts[:3]))
