"""Sentence cues that tell which sentence answers which kind of question.

General Indonesian patterns, not topic words: a definition ("X adalah ...", "X (Nama Lengkap)"),
a reason ("karena", "jika"), a worked example ("misalnya", "contohnya"), a channel to go to next.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.rag.question_types import (
    AMOUNT,
    DEFINITION,
    EXPANSION,
    LIST,
    REASON,
    QuestionShape,
    question_shape,
)
from assistant.rag.text import normalize, stop_words

_DIGITS = re.compile(r"\d")
_SERIES_BONUS = 0.05  # small: it orders list answers among sentences already on topic
_DEFINES = re.compile(r"\b(?:adalah|yaitu|ialah|merupakan|berarti|singkatan dari|kepanjangan(?:nya)?|artinya)\b")
_EXPANSION_ONLY = re.compile(r"\bsingkatan dari\b|\bkepanjangan\w*\b", re.I)
_CAUSE = re.compile(
    r"\b(?:karena|sebab|akibat|jika|bila|apabila|kalau|sehingga|agar|supaya|tujuan(?:nya)?|alasan(?:nya)?"
    r"|(?:dapat|bisa) membuat|menyebabkan|penyebab)\b", re.I
)
_EXAMPLE = re.compile(r"\b(?:misal(?:nya)?|contoh(?:nya)?|sebagai contoh|ilustrasi|for example|total bantuan)\b", re.I)
_CHANNEL = re.compile(r"pendamping|\b171\b|\b165\b|dinas sosial|kantor desa|kelurahan|puskesmas|posyandu", re.I)
_QUESTION_WORDS = frozenset(
    """apa itu ini sih kah dong ya yg yang maksud maksudnya arti artinya pengertian definisi kepanjangan
    kepanjangannya singkatan singkatannya dari what is are does do the mean means meaning stand stands for
    explain jelaskan please pls tolong apaan tuh""".split()
)


def asked_terms(question: str) -> tuple[str, ...]:
    """The words a definition question is about ("apa itu KPM?" -> "kpm"): not question or stop words."""
    stops = stop_words()
    words = normalize(question).split()
    return tuple(w for w in words if w not in _QUESTION_WORDS and w not in stops and len(w) >= 2)


# Corpus sentences recur in every answer: what a sentence's own form is (a definition head, a series,
# a figure ...) is computed once per sentence, not once per question.
_SENTENCE_CACHE = 32768


@lru_cache(maxsize=4 * _SENTENCE_CACHE)
def _has(pattern: re.Pattern[str], sentence: str) -> bool:
    """The sentence has the form ``pattern`` marks (kept per pattern and sentence)."""
    return bool(pattern.search(sentence))


@lru_cache(maxsize=_SENTENCE_CACHE)
def _defining_head(sentence: str) -> str:
    """The sentence's first ten words, normalised, when a defining verb is among them ("" otherwise)."""
    head = " ".join(normalize(sentence).split()[:10])
    return head if _DEFINES.search(head) else ""


def _defines_term(sentence: str, terms: tuple[str, ...]) -> bool:
    """The sentence defines one of ``terms``: the term opens the sentence and a defining verb follows."""
    head = _defining_head(sentence)
    return bool(head) and any(re.search(rf"\b{re.escape(t)}\b", head) for t in terms)


def _expands_term(sentence: str, terms: tuple[str, ...]) -> bool:
    """The sentence spells out an abbreviation: "Keluarga Penerima Manfaat (KPM)" or "KPM (Keluarga ...)"."""
    for term in terms:
        if len(term) > 10:
            continue
        escaped = re.escape(term)
        if re.search(rf"\(\s*{escaped}\s*\)|\b{escaped}\s*\(|\b{escaped}\b[^.]{{0,40}}\b(?:singkatan|kepanjangan)", sentence, re.I):
            return True
    return False


def defines(sentence: str, shape: QuestionShape, terms: tuple[str, ...]) -> bool:
    """The sentence is the kind of definition the question asks for (an expansion or "X adalah ...")."""
    return _expands_term(sentence, terms) if shape.has(EXPANSION) else _defines_term(sentence, terms)


# "A, B, dan C": a sentence that names several items at once (a whole list in one sentence)
_SERIES = re.compile(r"[^,.;]+,[^,.;]+,?\s(?:dan|atau|serta|and|or)\s", re.I)


def names_several(sentence: str) -> bool:
    """The sentence lists three or more items ("berat badan, tinggi badan, dan LiLA")."""
    return _has(_SERIES, sentence)


def bonus(sentence: str, shape: QuestionShape, terms: tuple[str, ...]) -> float:
    """Extra score for a sentence that has the form the question asks for."""
    score = 0.0
    if shape.has(LIST) and names_several(sentence):
        score += _SERIES_BONUS
    if shape.has(AMOUNT) and _has(_DIGITS, sentence):
        score += 0.15
    if shape.has(EXPANSION) and _expands_term(sentence, terms):
        score += 0.5
    elif shape.has(DEFINITION) and _defines_term(sentence, terms):
        # what a term means says more than what its letters stand for
        score += 0.1 if _EXPANSION_ONLY.search(sentence) else 0.3
    if shape.has(REASON) and _has(_CAUSE, sentence):
        score += 0.1
    if _has(_EXAMPLE, sentence):
        score -= 0.15  # a worked example answers less directly than the rule it illustrates
    return score


_MONEY = re.compile(r"\bRp\s?\d|\b\d[\d.,]*\s?(?:juta|ribu|rb|jt)\b", re.I)


_STANCE = re.compile(
    r"\b(?:tidak|tak|bukan|belum(?: tentu)?|hoaks|hoax|dilarang|boleh|berhak|wajib|otomatis)\b", re.I
)


def takes_stance(sentence: str) -> bool:
    """The sentence says yes or no to something ("tidak bisa", "belum tentu", "adalah hoaks", "boleh")."""
    return _has(_STANCE, sentence)


_MONEY_WORDS = re.compile(
    r"\b(?:dapat|dapet|dpt|terima|diterima|menerima|cair|cairnya|besaran|nominal|uang|duit|rupiah|rp|bantuan"
    r"|bantuannya|get|paid|receive|money)\b", re.I
)


def asks_money(question: str, shape: QuestionShape | None = None) -> bool:
    """The question asks how much money: an amount question that names receiving or money ("dpt brp",
    "berapa bantuannya"), not "umur berapa". ``shape``: the question's, when the caller has it already."""
    return (shape or question_shape(question)).has(AMOUNT) and bool(_MONEY_WORDS.search(question))


def states_money(sentence: str) -> bool:
    """The sentence states an amount of money ("Rp900.000", "2,4 juta")."""
    return _has(_MONEY, sentence)


def expands(sentence: str, terms: tuple[str, ...]) -> bool:
    """The sentence spells out one of ``terms`` (see ``_expands_term``)."""
    return _expands_term(sentence, terms)


_ORDINAL = re.compile(
    r"\b(?:pertama|kedua|ketiga|keempat|kelima|keenam|ketujuh|first|second|third)\b|\bke-\d+\b", re.I
)


def enumerates(sentence: str) -> bool:
    """The sentence is one item of a numbered series ("Termin kedua ...", "Langkah ketiga ...")."""
    return _has(_ORDINAL, sentence)


def names_channel(sentence: str) -> bool:
    """The sentence names where to go next (pendamping, 171, Dinas Sosial, desa, puskesmas ...)."""
    return _has(_CHANNEL, sentence)


# An age the question states ("anak sy umur 2 thn", "5,5 tahun", "bayi 8 bulan") and the age ranges a
# sentence states ("usia 0–6 tahun", "di bawah 2 tahun", "60 tahun ke atas").
_AGE = re.compile(
    r"\b(?:umur|usia|aged?)?\s*(\d{1,3}(?:[.,]\d)?)\s*(tahun|thn|th|taun|thun|tahunan|years?|yrs?|yo|bulan|bln|months?)\b",
    re.I,
)
_TO = r"(?:–|-|—|sampai|hingga|s\.?d\.?|to)"  # "0–6", "10 sampai 12", "1 s.d. 4"
_RANGE = re.compile(rf"\b(\d{{1,3}})\s*{_TO}\s*(\d{{1,3}})\s*(?:tahun|bulan|years?)", re.I)
_BELOW = re.compile(r"\b(?:di ?bawah|kurang dari|under|below|sampai umur|sampai usia|hingga usia)\s*(\d{1,3})\s*tahun", re.I)
_ABOVE = re.compile(r"\b(\d{1,3})\s*tahun\s*(?:ke ?atas|atau lebih|lebih)|\b(?:di ?atas|lebih dari|over|above)\s*(\d{1,3})\s*tahun", re.I)


def stated_ages(question: str) -> tuple[float, ...]:
    """Ages, in years, that the question states about someone ("umur 2 thn" -> 2.0, "8 bulan" -> 0.67)."""
    ages = []
    for number, unit in _AGE.findall(question):
        value = float(number.replace(",", "."))
        ages.append(value / 12 if unit.lower().startswith(("bul", "bln", "month")) else value)
    return tuple(ages)


@lru_cache(maxsize=_SENTENCE_CACHE)
def _age_ranges(sentence: str) -> tuple[tuple[float, float], ...]:
    ranges = [(float(a), float(b)) for a, b in _RANGE.findall(sentence)]
    ranges += [(0.0, float(b)) for b in _BELOW.findall(sentence)]
    ranges += [(float(a or b), 200.0) for a, b in _ABOVE.findall(sentence)]
    return tuple(ranges)


def age_fit(sentence: str, ages: tuple[float, ...]) -> float:
    """Extra score for a sentence whose age range holds an age the question states, less for one that excludes it.

    "trs dpt brp? anak sy umur 2 thn" is answered by the rule for ages 0–6, not by the one for school
    children; ages are compared as numbers, so no list of ages or groups is needed.
    """
    if not ages:
        return 0.0
    ranges = _age_ranges(sentence)
    if not ranges:
        return 0.0
    if any(low <= age <= high for age in ages for low, high in ranges):
        return 0.15
    return -0.05


# A numbered attribute the question states ("sy desil 5", "anak kelas 11") and the range a sentence gives
# for the same attribute ("desil 1–4", "kelas 10 sampai 12"): the sentence states the bounds the asker
# is measured against, whether the number falls inside them or not. Ages have their own check above.
_STATED_NUMBER = re.compile(r"\b([a-z]{3,})\s+(?:(?:sy|saya|aku|ku|kami|kita|nya|my|our)\s+)?(\d{1,2})\b")
_RANGED_NUMBER = re.compile(rf"\b([a-z]{{3,}})\s+(\d{{1,2}})\s*(?:{_TO}|s/d)\s*(?:[a-z]{{3,}}\s+)?(\d{{1,2}})\b")
_AGE_WORDS = frozenset({"umur", "usia", "aged", "age"})
_RANGE_FIT = 0.1


def stated_numbers(question: str) -> frozenset[str]:
    """The attributes the question gives a number for ("desil 5" -> "desil"), ages aside."""
    return frozenset(w for w, _ in _STATED_NUMBER.findall(question.lower()) if w not in _AGE_WORDS)


@lru_cache(maxsize=_SENTENCE_CACHE)
def _ranged(sentence: str) -> frozenset[str]:
    return frozenset(w for w, _, _ in _RANGED_NUMBER.findall(sentence.lower()))


def range_fit(sentence: str, attributes: frozenset[str]) -> float:
    """Extra score for a sentence that gives the range of an attribute the question states a number for."""
    return _RANGE_FIT if attributes and attributes & _ranged(sentence) else 0.0
