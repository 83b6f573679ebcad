"""Indonesian text handling for retrieval: normalisation, tokenisation, sentence splitting.

Pure functions, no framework imports. ``normalize`` makes chat-style questions ("brp bansos utk
bumil?") and guideline prose ("Rp3.000.000 per tahun untuk ibu hamil") land on the same words;
``tokenize`` adds stop-word removal and Sastrawi stemming for BM25; ``split_sentences`` feeds the
extractive answerer.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

# Bump when normalisation, stop words or stemming change: the index then recomputes stored tokens.
TOKENIZER_VERSION = "7"

# --------------------------------------------------------------------------- vocabulary tables

# Chat spellings and abbreviations -> standard words (token level, after punctuation stripping).
# "pke" is "pakai" in chat ("daftar pke hp"); "pk" is left alone because it is ambiguous (pak/PKH).
CHAT_WORDS: dict[str, str] = {
    "brp": "berapa", "brapa": "berapa", "brpa": "berapa",
    "gmn": "bagaimana", "gmna": "bagaimana", "gmana": "bagaimana", "gimana": "bagaimana",
    "bgmn": "bagaimana", "bgaimana": "bagaimana",
    "utk": "untuk", "untk": "untuk", "ntk": "untuk",
    "bumil": "ibu hamil", "busui": "ibu menyusui", "ortu": "orang tua", "manula": "lansia",
    "difabel": "disabilitas",
    "pke": "pakai", "pake": "pakai", "pakek": "pakai",
    "yg": "yang", "dgn": "dengan", "dg": "dengan", "dngn": "dengan",
    "gk": "tidak", "ga": "tidak", "gak": "tidak", "nggak": "tidak", "ngga": "tidak", "enggak": "tidak",
    "engga": "tidak", "tdk": "tidak", "tak": "tidak", "ndak": "tidak", "nda": "tidak", "gaada": "tidak ada",
    "sy": "saya", "sya": "saya", "aq": "saya", "aku": "saya",
    "blm": "belum", "blom": "belum", "belom": "belum", "blum": "belum",
    "sdh": "sudah", "udh": "sudah", "udah": "sudah", "sudh": "sudah", "dah": "sudah",
    "dpt": "dapat", "dapet": "dapat", "dpet": "dapat",
    "krn": "karena", "karna": "karena", "krna": "karena", "soalnya": "karena",
    "tpi": "tapi", "tp": "tapi",
    "bs": "bisa", "bsa": "bisa",
    "org": "orang", "th": "tahun", "thn": "tahun", "bln": "bulan", "mgg": "minggu", "hr": "hari",
    "jt": "juta", "jta": "juta", "rb": "ribu", "rbu": "ribu", "rebu": "ribu", "rupiah": "rp",
    "knp": "kenapa", "knapa": "kenapa", "napa": "kenapa", "kpn": "kapan", "kapn": "kapan",
    "dmn": "dimana", "dmana": "dimana", "jg": "juga", "jga": "juga", "lg": "lagi", "lgi": "lagi",
    "aja": "saja", "aj": "saja", "ajh": "saja", "gitu": "begitu", "gt": "begitu", "gini": "begini",
    "klo": "kalau", "kalo": "kalau", "kl": "kalau", "sdg": "sedang", "hrs": "harus", "msh": "masih",
    "masi": "masih", "trs": "terus", "trus": "terus", "skrg": "sekarang", "skrng": "sekarang",
    "tgl": "tanggal", "bpk": "bapak", "sblm": "sebelum", "stlh": "setelah", "dr": "dari", "dri": "dari",
    "pd": "pada", "dlm": "dalam", "bkn": "bukan", "jd": "jadi", "jdi": "jadi", "spt": "seperti",
    "kyk": "seperti", "kayak": "seperti", "ato": "atau", "atw": "atau", "dn": "dan", "tsb": "tersebut",
    "bnyk": "banyak", "mw": "mau", "ad": "ada", "tau": "tahu", "mksh": "terimakasih",
    "makasih": "terimakasih", "trims": "terimakasih", "trimakasih": "terimakasih",
    "ngurus": "mengurus", "nyari": "mencari", "ngecek": "cek", "daftarin": "daftarkan",
    "duit": "uang", "tu": "itu", "sm": "sama", "ama": "sama", "dapetin": "dapatkan", "gimn": "bagaimana", "sampe": "sampai", "smpe": "sampai",
}

# A small English -> Indonesian glossary, so that English questions reach the Indonesian guidelines
# lexically too (the multilingual embedding model already bridges them densely).
ENGLISH_WORDS: dict[str, str] = {
    "money": "uang", "cash": "uang", "benefit": "bantuan", "benefits": "bantuan", "aid": "bantuan",
    "assistance": "bantuan", "help": "bantuan", "allowance": "bantuan", "pregnant": "hamil",
    "mother": "ibu", "mothers": "ibu", "child": "anak", "children": "anak", "kids": "anak", "kid": "anak",
    "toddler": "balita", "school": "sekolah", "elderly": "lansia", "senior": "lansia", "disabled": "disabilitas",
    "disability": "disabilitas", "year": "tahun", "yearly": "tahun", "annual": "tahun", "month": "bulan",
    "monthly": "bulan", "stage": "tahap", "banks": "bank", "pay": "bayar", "paid": "cair", "payout": "cair",
    "payment": "penyaluran", "payments": "penyaluran", "disbursed": "cair", "name": "nama",
    "disappear": "hilang", "disappeared": "hilang", "missing": "hilang", "list": "daftar",
    "register": "daftar", "registered": "terdaftar", "apply": "daftar", "manages": "kelola",
    "manage": "kelola", "who": "siapa", "what": "apa", "why": "kenapa", "when": "kapan", "how": "bagaimana",
    "prevalence": "prevalensi", "married": "menikah", "marry": "menikah", "marriage": "nikah",
    "couple": "pasangan", "services": "layanan", "service": "layanan",
    "father": "ayah", "fee": "biaya",
    "fees": "biaya", "legit": "resmi", "scam": "penipuan", "fraud": "penipuan", "requirements": "syarat",
    "eligible": "syarat", "eligibility": "syarat", "family": "keluarga", "families": "keluarga",
    "poor": "miskin", "check": "cek", "status": "status", "daycare": "penitipan anak", "care": "asuh",
    "health": "kesehatan", "insurance": "jaminan", "stunted": "stunting", "age": "usia", "old": "usia",
    "minimum": "minimal", "complaint": "pengaduan", "complain": "pengaduan", "number": "nomor",
    "digit": "angka", "digits": "angka",
}

# Stage numbers: "tahap IV" and "tahap 4" are the same stage.
_ROMAN_STAGE = re.compile(r"\b(tahap|tahun ke|ke) (iv|iii|ii|i)\b")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}

# Multi-word phrases folded before tokenisation (keys are already normalised text).
PHRASES: dict[str, str] = {
    "lanjut usia": "lansia",
    "terima kasih": "terimakasih",
    "s d": "sampai dengan",
}

# Program acronyms and short codes: never stemmed, never treated as stop words.
PROTECTED_TERMS: frozenset[str] = frozenset(
    """pkh dtsen dtks bpnt kip pip nik kk desil sd smp sma smk krs tpk bkl bkb bkr kpm ktp kis bpjs
    bansos blt pbi jkn sktm rt rw kemensos bkkbn bps siks posyandu paud tamasya lansia balita atensi
    pmt tpa dinsos pmks ppks odgj dukcapil kemendukbangga aslut puskesmas elsimil sidaya pena""".split()
)

_MULTIPLIERS: dict[str, int] = {
    "ribu": 1_000, "k": 1_000, "juta": 1_000_000, "miliar": 1_000_000_000, "milyar": 1_000_000_000,
    "triliun": 1_000_000_000_000,
}

# Words that end a sentence-looking period but are really abbreviations.
_ABBREVIATIONS: frozenset[str] = frozenset(
    """no nomor pt cv tbk jl jln kab kec kel prov dr drs ir h hj st sdr sdri bpk yth tgl hlm ps psl
    kp ds dsn rt rw ttd an ub up vs dkk prof mr mrs s.d a.n u.p skm spd se mm mpd ners""".split()
)
# Abbreviations that often close a sentence too ("..., dll. Bantuan ..."): split only before a capital.
_SOFT_ABBREVIATIONS: frozenset[str] = frozenset({"dll", "dsb", "dst", "dkk", "etc"})

# --------------------------------------------------------------------------- regexes

_THOUSANDS_DOT = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?(?![\d]|\.\d)")
_THOUSANDS_COMMA = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3}){2,})(?![\d]|,\d)")
_RP_PREFIX = re.compile(r"\brp\.?\s*(?=\d)")
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
_GLUED_MULTIPLIER = re.compile(r"(?<![\w,])(\d+(?:,\d+)?)(jt|jta|juta|rb|rbu|ribu|rebu|k)\b")
_REPEATED_LETTERS = re.compile(r"([a-z])\1{2,}")
_REDUPLICATION = re.compile(r"\b([a-z]+)-\1\b")
_NUMBER_TWO_PLURAL = re.compile(r"\b([a-z]{2,})2\b")
_NON_WORD = re.compile(r"(?<!\d)[.,]|[.,](?!\d)|[^\w\s.,]|_")
_NUMBER = re.compile(r"^\d+(?:,\d+)?$")

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~|`)(?=\S)(.+?)(?<=\S)\1")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+\u2022\u25cf\u2013]|\d{1,3}[.)]|[a-zA-Z][.)])\s+")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_SENTENCE_END = re.compile(r"([.!?]+|\u2026)([\"'\u201d\u2019)\]]*)\s+(?=\S)")


# --------------------------------------------------------------------------- normalisation


def _multiplied(number: str, unit: str) -> str:
    value = float(number.replace(",", ".")) * _MULTIPLIERS[unit]
    return str(round(value))


def _fold_money_and_numbers(text: str) -> str:
    text = _RP_PREFIX.sub("rp ", text)

    def thousands(m: re.Match[str]) -> str:
        digits = m.group(1).replace(".", "")
        decimals = m.group(2)
        return digits if not decimals or set(decimals) == {"0"} else f"{digits},{decimals}"

    text = _THOUSANDS_DOT.sub(thousands, text)
    text = _THOUSANDS_COMMA.sub(lambda m: m.group(1).replace(",", ""), text)
    text = re.sub(r"(?<=\d),-", "", text)  # "Rp750.000,-"
    text = _DECIMAL_POINT.sub(",", text)  # "1.5 juta" -> "1,5 juta"
    return _GLUED_MULTIPLIER.sub(lambda m: f"{m.group(1)} {CHAT_WORDS.get(m.group(2), m.group(2))}", text)


def _merge_multipliers(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if word in _MULTIPLIERS and out and _NUMBER.match(out[-1]):
            out[-1] = _multiplied(out[-1], word)
        else:
            out.append(word)
    return out


def normalize(text: str) -> str:
    """Normalise Indonesian text for matching.

    Lowercases, folds money ("Rp3.000.000", "3 juta", "3jt" -> "3000000"), strips punctuation
    except decimal commas inside numbers, folds letter runs ("bantuaaan" -> "bantuan"), collapses
    reduplication ("anak2", "anak-anak" -> "anak") and expands chat spellings ("brp" -> "berapa").

    Args:
        text: Any text, a question or a passage.

    Returns:
        Space-separated normalised words.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("s.d.", " sampai dengan ").replace("\u2019", "'")
    text = _fold_money_and_numbers(text)
    text = _REPEATED_LETTERS.sub(r"\1", text)
    text = _REDUPLICATION.sub(r"\1", text)
    text = _NUMBER_TWO_PLURAL.sub(r"\1", text)
    text = _NON_WORD.sub(" ", text)
    words: list[str] = []
    for word in text.split():
        words.extend(CHAT_WORDS.get(word, ENGLISH_WORDS.get(word, word)).split())
    joined = " ".join(_merge_multipliers(words))
    joined = _ROMAN_STAGE.sub(lambda m: f"{m.group(1)} {_ROMAN[m.group(2)]}", joined)
    for phrase, replacement in PHRASES.items():
        if phrase in joined:
            joined = re.sub(rf"\b{phrase}\b", replacement, joined)
    return joined


# --------------------------------------------------------------------------- tokenisation


@cache
def stop_words() -> frozenset[str]:
    """The Indonesian stop-word list shipped beside this module."""
    lines = Path(__file__).with_name("stopwords_id.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@cache
def _stemmer():  # type: ignore[no-untyped-def]
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


def warm_up() -> None:
    """Load the stop words and the Sastrawi dictionary now (about 25 ms) instead of on the first query."""
    stop_words()
    stem.cache_clear()
    _tokenize.cache_clear()
    stem("bantuan")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Sastrawi stem of one normalised word; acronyms and numbers come back unchanged."""
    if word in PROTECTED_TERMS or any(ch.isdigit() for ch in word):
        return word
    return _stemmer().stem(word) or word


def tokenize(text: str) -> list[str]:
    """Normalise, drop stop words and single letters, and stem: the BM25 view of a text."""
    return list(_tokenize(text))


@lru_cache(maxsize=4096)
def _tokenize(text: str) -> tuple[str, ...]:
    # One question is tokenised by retrieval, by the answerer and by its term weighting: done once.
    stops = stop_words()
    tokens: list[str] = []
    for word in normalize(text).split():
        if word in stops or (len(word) == 1 and not word.isdigit()):
            continue
        stemmed = stem(word)
        if stemmed and stemmed not in stops:
            tokens.append(stemmed)
    return tuple(tokens)


# --------------------------------------------------------------------------- sentences


def strip_markdown(text: str) -> str:
    """Remove inline markdown (links, images, emphasis, code ticks) from one line of text."""
    text = _MD_LINK.sub(r"\1", text)
    previous = None
    while previous != text:  # nested emphasis such as ***bold italic***
        previous = text
        text = _MD_EMPHASIS.sub(r"\2", text)
    return text


def _clean_item(line: str) -> str:
    line = _HEADING.sub("", line)
    line = _LIST_MARKER.sub("", line)
    if line.strip().startswith("|"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            return ""
        line = " | ".join(c for c in cells if c)
    return line.strip()


def _paragraphs(text: str) -> list[str]:
    """Blocks of text: each list item / heading / table row alone, soft-wrapped lines joined."""
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append(" ".join(current))
            current.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line or re.fullmatch(r"[-*_=]{3,}", line):
            flush()
        elif _HEADING.match(raw) or line.startswith("|"):
            flush()
            current.append(_clean_item(raw))
            flush()
        elif _LIST_MARKER.match(raw):
            flush()
            current.append(_clean_item(raw))
        else:  # a paragraph line, or the (lazy) continuation of a list item
            current.append(line)
    flush()
    return [b for b in (strip_markdown(b).strip() for b in blocks) if b]


def _split_block(block: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(block):
        end = m.end(2)
        before = block[start : m.start(1)]
        last_word = before.rsplit(None, 1)[-1].lower() if before.split() else ""
        next_char = block[m.end()]
        if m.group(1) == "." and not m.group(2):
            bare = last_word.strip("(\"'").rstrip(".")
            if bare in _ABBREVIATIONS or (len(bare) == 1 and bare.isalpha()):
                continue
            if bare in _SOFT_ABBREVIATIONS and not next_char.isupper():
                continue
            if not (next_char.isupper() or next_char.isdigit() or next_char in "\"'(\u201c["):
                continue
        sentence = block[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = m.end()
    tail = block[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def split_sentences(text: str) -> list[str]:
    """Split Indonesian text (plain or markdown) into sentences.

    Each list item, table row and heading is its own sentence; markdown emphasis is removed.
    Periods inside numbers ("Rp3.000.000", "2,5"), after abbreviations ("No. 4/2025", "PT.",
    "dll." before a lowercase word) and after initials do not end a sentence.

    Args:
        text: Plain text or markdown.

    Returns:
        Sentences in order, stripped, never empty.
    """
    sentences: list[str] = []
    for block in _paragraphs(text):
        sentences.extend(_split_block(block))
    return sentences
