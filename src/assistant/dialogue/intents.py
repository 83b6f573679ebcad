"""Intent routing and deterministic follow-up rewriting (no model involved, so it is testable)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from assistant.dialogue import safety
from assistant.privacy import digit_count, sixteen_digit_numbers
from assistant.rag.scope import DOMAIN_RE, mentions_domain


class Intent(StrEnum):
    GREETING = "greeting"
    HELP = "help"
    PROGRAM_QUESTION = "program_question"
    STATUS_CHECK = "status_check"
    FEEDBACK = "feedback"
    ERASE = "erase"
    CANCEL = "cancel"
    OUT_OF_SCOPE = "out_of_scope"
    INJECTION = "injection"


@dataclass(frozen=True, slots=True)
class Classification:
    intent: Intent
    scam: bool = False  # mentions a scam pattern: warn, then answer from the guidelines
    mixed: bool = False  # a program question about the user's own family: answer and offer the status check
    rating: str | None = None  # for feedback: "up" or "down"
    misconduct: bool = False  # reports extortion, cuts or a kept card: say it is not allowed and where to report
    question: str | None = None  # the real question left after an injected instruction was stripped
    family: str | None = None  # for OUT_OF_SCOPE: the kind of task declined, which picks the decline text


def fold_message(text: str) -> str:
    """Lowercase, unify separators and collapse whitespace; keeps digits and letters only."""
    return safety.fold_text(text)


_GREETING_RE = re.compile(
    r"^(?:halo+|hallo+|hai+|hi+|hey|hello|pagi|siang|sore|malam|permisi|assalamu ?alaikum\w*|salam"
    r"|selamat (?:pagi|siang|sore|malam)|/start|start)(?: (?:min|kak|admin|bot|pak|bu|semua|juga))*$"
)
_HELP_RE = re.compile(r"^(?:/help|help|bantuan|menu|tolong|bisa bantu apa|bisa apa saja|kamu bisa apa|apa yang bisa kamu bantu)$")
_CANCEL_RE = re.compile(r"^(?:batal|batalkan|cancel|stop|berhenti|gak jadi|nggak jadi|tidak jadi|ga jadi)$")
_ERASE_RE = re.compile(
    r"hapus (?:semua )?(?:data|riwayat|percakapan|chat|memori)(?: \w+)? (?:saya|aku|ku)\b"
    r"|hapus data saya|lupakan (?:saya|data saya|percakapan)"
)
_STATUS_RE = re.compile(
    r"\bcek (?:status|bansos|data|kelayakan|nik|pkh|penerima)\b"
    r"|\bstatus (?:bansos|bantuan|pkh|penerima|kelayakan)? ?(?:saya|kami|keluarga saya|aku)\b"
    r"|\bapakah (?:saya|aku|kami|keluarga saya) (?:ter)?(?:daftar|dapat|berhak|layak|termasuk|penerima|masuk)\b"
    r"|\b(?:saya|aku|kami|keluarga saya) (?:dapat|terdaftar|penerima|layak|berhak)(?: \w+){0,2} (?:tidak|gak|nggak|ga|enggak)\b"
    r"|\bkelayakan (?:saya|keluarga)\b"
)
# "cara cek bansos", "langkah cek status di situs": a how-to question, answered from the guidelines.
_HOW_TO_RE = re.compile(r"\b(?:cara|bagaimana|langkah|situs|website|web|aplikasi|app|link|lewat|pakai|dimana|di mana|apa)\b")
_PERSONAL_RE = re.compile(r"\b(?:saya|aku|kami|keluarga saya|anak saya|istri saya|suami saya|ibu saya|bapak saya)\b")
# "NIK saya ...", "nik istri sy ...", "ini nik ku": a NIK given as the asker's own or their household's.
_OWN_NIK_RE = re.compile(
    r"\b(?:nik|ktp)(?: (?:istri|suami|anak|ibu|bapak|ayah))? ?(?:saya|sy|aku|ku|gw|gue|kami|my)\b"
    r"|\b(?:my|our) (?:nik|id|id number)\b"
)
_BENEFIT_RE = re.compile(r"\b(?:dapat|berapa|berhak|bisa dapat|menerima|layak|cair)\b")
_FEEDBACK_RE = re.compile(
    r"^(?:feedback|masukan|saran|kritik)\b"
    r"|\bjawaban(?:nya|mu)? (?:salah|keliru|kurang|tidak membantu|gak membantu|bagus|membantu|tepat|jelas|benar)\b"
)
_THANKS_RE = re.compile(r"^(?:terima ?kasih|makasih|thanks|thx|mantap|sip|oke|ok)(?: (?:banyak|ya|kak|min|atas \w+))*$")
_NEGATIVE_RE = re.compile(r"\b(?:salah|keliru|kurang|tidak membantu|gak membantu|jelek|buruk|tidak jelas|bingung)\b")
_OFF_TOPIC_RE = re.compile(
    r"\b(?:resep|cuaca|sepak ?bola|pemilu|capres|pacar|zodiak|ramalan|togel|judi|slot|bitcoin|saham|crypto"
    r"|kripto|lirik lagu|film|game|pinjol|pinjaman online)\b"
)


# A request to write or make a text or a document (a letter, an SKTM, an announcement, a message, a
# NIK, code, a poem, a thesis chapter): the assistant answers from the guidelines, it produces nothing,
# and a made-up document in an office's name is forgery. "cara bikin KK baru?" asks how, not for one.
_WRITING_RE = re.compile(
    r"(?:\b(?:buatkan|buatin|bikinin|bikinkan|tuliskan|tulisin|susunkan|susunin|karangkan|karangin|write|draft"
    r"|generate)\b|\b(?:tolong|bantu|mohon|bisa|minta|please|pls|can you)\b(?: \S+){0,2} (?:buat|bikin|tulis|susun"
    r"|karang|write|make|create)\b)(?: \S+){0,5} (?:surat|sktm|pesan|teks|text|pengumuman|kode|code|program|script"
    r"|skrip|puisi|pantun|esai|essay|makalah|tesis|skripsi|bab|nik|ktp|kartu keluarga|stempel|kop|tanda tangan"
    r"|perjanjian|proposal|caption|announcement|letter|message|poem|function|fungsi)\b"
)


# Popular questions come again and again: their classification is kept. A text with this many digits
# may hold a NIK, and a NIK is never kept in memory beyond its own request.
_CACHED_MAX_DIGITS = 9


def classify(text: str) -> Classification:
    """Decide what the user wants. Safety checks come first so they cannot be bypassed."""
    if digit_count(text) > _CACHED_MAX_DIGITS:
        return _classify(text)
    return _classify_kept(text)


def _classify(text: str) -> Classification:
    norm = fold_message(text)
    if safety.is_data_fishing(text):
        return Classification(Intent.INJECTION)
    if safety.is_injection(norm):
        # an injection wrapped around a real question: answer the question, never the injected figure
        question = safety.strip_injection(text)
        if question and mentions_domain(question) and not safety.is_data_fishing(question):
            return Classification(Intent.PROGRAM_QUESTION, question=question)
        return Classification(Intent.INJECTION)
    if safety.is_deception_request(text):
        return Classification(Intent.OUT_OF_SCOPE, family="deception")
    if _WRITING_RE.search(norm):
        return Classification(Intent.OUT_OF_SCOPE)
    if _CANCEL_RE.match(norm):
        return Classification(Intent.CANCEL)
    if _ERASE_RE.search(norm):
        return Classification(Intent.ERASE)
    if _GREETING_RE.match(norm):
        return Classification(Intent.GREETING)
    if _HELP_RE.match(norm):
        return Classification(Intent.HELP)
    if _FEEDBACK_RE.search(norm):
        return Classification(Intent.FEEDBACK, rating="down" if _NEGATIVE_RE.search(norm) else "up")
    if _THANKS_RE.match(norm):
        return Classification(Intent.FEEDBACK)  # thanks: acknowledged, not stored as a rating
    scam = safety.is_scam_related(norm)
    misconduct = safety.is_misconduct_report(norm)
    if misconduct:
        return Classification(Intent.PROGRAM_QUESTION, scam=scam, misconduct=True)
    words = len(norm.split())
    how_to = bool(_HOW_TO_RE.search(norm))
    numbers = sixteen_digit_numbers(text)
    if _looks_up_others_by_nik(numbers, norm):
        return Classification(Intent.INJECTION)
    if not scam and not how_to and _STATUS_RE.search(norm) and words <= 8:
        return Classification(Intent.STATUS_CHECK)
    nik = numbers[0] if numbers else None  # extract_nik's answer: the first of them
    if not scam and nik and words <= 6:
        return Classification(Intent.STATUS_CHECK)
    if nik and not _OWN_NIK_RE.search(norm):
        # a NIK not given as the asker's own is someone else's: never looked up nor talked about
        return Classification(Intent.INJECTION)
    if not scam and _OFF_TOPIC_RE.search(norm) and not DOMAIN_RE.search(norm):
        return Classification(Intent.OUT_OF_SCOPE)
    mixed = how_to and bool(_STATUS_RE.search(norm)) or bool(
        _PERSONAL_RE.search(norm) and _BENEFIT_RE.search(norm) and DOMAIN_RE.search(norm)
    )
    return Classification(Intent.PROGRAM_QUESTION, scam=scam, mixed=mixed and not scam)


# Who is behind a NIK, or where they live ("3201... ini punya siapa?", "nik ... alamatnya dmn?"): a status check
# tells a family its own standing, never whose a number is.
_IDENTITY_ASKED_RE = re.compile(
    r"\b(?:punya siapa|milik siapa|atas nama siapa|namanya siapa|siapa (?:pemiliknya|pemilik|yang punya|yg punya|orangnya)"
    r"|whose|who owns|who is|(?:alamat|tinggal|rumah)\w* (?:dmn|dimana|di mana|mana)|nama lengkap\w* (?:siapa|apa)"
    r"|(?:tanggal|tgl) lahir\w* (?:kapan|brp|berapa)|(?:no|nomor) hp\w* (?:brp|berapa)|where (?:does|do|is)|address)\b"
)


def _looks_up_others_by_nik(numbers: list[str], norm: str) -> bool:
    """A NIK (of ``numbers``, the message's 16-digit numbers) not given as the asker's own with who-is-this or
    where-do-they-live asked, or three NIKs or more at once (two may be a family's NIK and its family card number)."""
    if not numbers or _OWN_NIK_RE.search(norm):
        return False
    return len(set(numbers)) >= 3 or bool(_IDENTITY_ASKED_RE.search(norm))


def has_domain_words(text: str) -> bool:
    return mentions_domain(text)


# --------------------------------------------------------------------------- follow-up rewriting

_CONNECTOR_RE = re.compile(
    r"^(?:(?:kalau|kalo|klo|kl|terus|trus|trs|lalu|kemudian|lantas|sama|bagaimana dengan|gimana dengan"
    r"|bagaimana kalau|gimana kalau|gmn kalau|seandainya|nah)\b\s*)+"
)
_FILLER_RE = re.compile(
    r"\b(?:untuk|utk|buat|bwt|bagi|dengan|dgn|yang|yg|nya|ya|kak|min|dong|sih|nih|gimana|bagaimana|gmn)\b"
)
# A reply that acknowledges the previous answer before asking on ("oh gitu. kalo yg lansia?", "ok, trus ...").
_ACKNOWLEDGEMENT_RE = re.compile(
    r"^(?:(?:oh+|o+|ok+|oke+|okay|okey|baik|baiklah|siap|sip|iya|iyaa+|yaudah|noted|paham|makasih|thanks|thx"
    r"|terima kasih|gitu|gt|gtu|begitu|bgtu|ya)\b\s*)+(?=\S)"
)


def _unacknowledged(norm: str) -> str:
    """The folded message without a leading acknowledgement of the previous answer."""
    return _ACKNOWLEDGEMENT_RE.sub("", norm)

# (class, canonical form, pattern). Order matters: longer, more specific patterns first.
_ENTITIES: list[tuple[str, str, re.Pattern[str]]] = [
    ("program", "Sekolah Lansia", re.compile(r"\bsekolah lansia\b")),
    ("target", "anak usia dini", re.compile(r"\banak usia dini\b|\bpaud\b|\btk\b")),
    ("target", "anak SD", re.compile(r"\b(?:anak )?(?:sd|mi|sekolah dasar)\b")),
    ("target", "anak SMP", re.compile(r"\b(?:anak )?(?:smp|mts|sekolah menengah pertama)\b")),
    ("target", "anak SMA", re.compile(r"\b(?:anak )?(?:sma|smk|ma|sekolah menengah atas)\b")),
    ("target", "balita", re.compile(r"\b(?:anak )?balita\b|\bbayi\b")),
    ("target", "ibu hamil", re.compile(r"\b(?:ibu )?hamil\b|\bibu nifas\b")),
    ("target", "lansia", re.compile(r"\blansia\b|\blanjut usia\b|\bkakek\b|\bnenek\b")),
    ("target", "disabilitas berat", re.compile(r"\b(?:penyandang )?disabilitas(?: berat)?\b|\bdifabel\b")),
    ("program", "PKH", re.compile(r"\bpkh\b")),
    ("program", "BPNT", re.compile(r"\bbpnt\b|\bsembako\b")),
    ("program", "PIP", re.compile(r"\bpip\b|\bkip\b")),
    ("program", "PBI JKN", re.compile(r"\bpbi(?: jkn)?\b|\bbpjs(?: kesehatan)?\b")),
    ("program", "DTSEN", re.compile(r"\bdtsen\b|\bdtks\b")),
    ("program", "Tamasya", re.compile(r"\btamasya\b|\bdaycare\b|\bday care\b|\btpa\b")),
    ("program", "BKL", re.compile(r"\bbkl\b|\bbina keluarga lansia\b")),
]


@dataclass(frozen=True, slots=True)
class _Span:
    cls: str
    canonical: str
    start: int
    end: int


def _find_entities(norm: str) -> list[_Span]:
    spans: list[_Span] = []
    taken: list[tuple[int, int]] = []
    for cls, canonical, pattern in _ENTITIES:
        for m in pattern.finditer(norm):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            spans.append(_Span(cls, canonical, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return sorted(spans, key=lambda s: s.start)


_FOLLOW_UP_WORDS = 8  # longest message read as a follow-up
_TOPICLESS_FOLLOW_UP_WORDS = 16  # ... when it names nothing in or outside the domain


def is_follow_up(text: str, previous_question: str | None) -> bool:
    """A message that only makes sense against the previous question.

    A short one that starts with a connector, names only entities or refers back; or one of up to 16
    words with no topic of its own: "bayar gk?" after "Tamasya itu apa?", "kok skrg dipulangin lg ke
    rumah? kirain bs tinggal disana seterusnya" after a question about ATENSI.
    """
    if not previous_question:
        return False
    norm = fold_message(text)
    words = norm.split()
    topicless = not DOMAIN_RE.search(norm) and not _OFF_TOPIC_RE.search(norm)
    if not words or len(words) > (_TOPICLESS_FOLLOW_UP_WORDS if topicless else _FOLLOW_UP_WORDS):
        return False
    asked = _unacknowledged(norm)
    starts_with_connector = bool(_CONNECTOR_RE.match(asked))
    rest = _CONNECTOR_RE.sub("", asked)
    entities = _find_entities(rest)
    body_words = _FILLER_RE.sub(" ", _strip_spans(rest, entities)).split()
    only_entities = bool(entities) and not body_words
    self_contained = any(e.cls == "program" for e in entities) and len(body_words) >= 2
    refers_back = len(words) <= 3 and not entities and any(w.endswith("nya") and len(w) > 4 for w in words)
    return (starts_with_connector or only_entities or refers_back or topicless) and not self_contained


def with_carried_program(text: str, previous_question: str | None) -> str:
    """A question that names no program, in a conversation about one, asked about that program.

    "anak sy 5,5 thn msh bs msk gk?" after "tamasya itu daycare ya?" is about Tamasya, although it is
    long enough to stand alone; only a message that still speaks of the domain (a child, a payment
    stage ...) and names no program of its own takes the previous question's programs.
    """
    if not previous_question:
        return text
    norm = fold_message(text)
    if _program_names(norm) or not DOMAIN_RE.search(norm):
        return text
    carried = _program_names(fold_message(previous_question))
    return f"{text.rstrip()} ({' '.join(carried)})" if carried else text


def _program_names(norm: str) -> list[str]:
    return list(dict.fromkeys(e.canonical for e in _find_entities(norm) if e.cls == "program"))


def _strip_spans(text: str, spans: list[_Span]) -> str:
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + " " + text[span.end :]
    return re.sub(r"\s+", " ", text).strip()


def rewrite_follow_up(text: str, previous_question: str) -> str:
    """Resolve a follow-up against the previous (already resolved) question.

    - Only entities ("kalau untuk anak SMA?", "kalo lansia?"): substitute them into the previous
      question by class (target group or program); append when the previous question had none.
    - A new aspect ("terus syaratnya apa?"): keep the new words and carry over the previous
      question's program and target group.
    """
    norm = _CONNECTOR_RE.sub("", _unacknowledged(fold_message(text))).strip()
    new_entities = _find_entities(norm)
    body = _FILLER_RE.sub(" ", _strip_spans(norm, new_entities))
    body = re.sub(r"\s+", " ", body).strip()
    prev = previous_question.strip().rstrip("?").strip()
    prev_norm = prev.lower()
    old_entities = _find_entities(prev_norm)
    if not body and new_entities:
        result = prev
        for cls in ("target", "program"):
            new = [e for e in new_entities if e.cls == cls]
            if not new:
                continue
            old = [e for e in old_entities if e.cls == cls]
            replacement = " dan ".join(e.canonical for e in new)
            if old:
                first, last = old[0], old[-1]
                result = result[: first.start] + replacement + result[last.end :]
                old_entities = _find_entities(result.lower())
            else:
                result = f"{result} {'untuk ' if cls == 'target' else ''}{replacement}"
                old_entities = _find_entities(result.lower())
        return re.sub(r"\s+", " ", result).strip() + "?"
    programs = [e.canonical for e in new_entities if e.cls == "program"] or [
        e.canonical for e in old_entities if e.cls == "program"
    ]
    targets = [e.canonical for e in new_entities if e.cls == "target"] or [
        e.canonical for e in old_entities if e.cls == "target"
    ]
    parts = [body or prev]
    if programs and body:
        parts.append(" ".join(dict.fromkeys(programs)))
    if targets and body:
        parts.append("untuk " + " dan ".join(dict.fromkeys(targets)))
    if not programs and not targets and body:
        parts.append(f"(lanjutan dari: {prev})")
    return " ".join(parts).strip() + "?"


_classify_kept = lru_cache(maxsize=4096)(_classify)
