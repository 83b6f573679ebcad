"""Checkable facts in Indonesian text: numbers and amounts in any spelling, percentages, dates, phone
numbers, regulation numbers and program names, each normalised so two spellings compare equal.

"Rp3.000.000", "3 juta", "Rp 3 jt" and "tiga juta" are all the number 3000000; "25%" and "dua puluh
lima persen" are the percentage 25; "1 Januari 2025" and "01/01/2025" are the date 2025-01-01;
"(021) 171" and "021-171" are one phone number. Used by ``assistant.rag.grounding`` to hold every
figure of a generated sentence to the passages it cites. Pure functions, no framework imports.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from assistant.rag.text import normalize

FactKind = Literal["number", "percent", "date", "month", "phone", "regulation", "program"]


@dataclass(frozen=True, slots=True)
class Fact:
    """One checkable fact: its kind, its normalised value, and how the text wrote it."""

    kind: FactKind
    value: str
    surface: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """What two facts must share to be the same fact (the surface spelling does not count)."""
        return (self.kind, self.value)


# --------------------------------------------------------------------------- number words

_UNITS = {
    "nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000,
    "sejuta": 1_000_000,
}
_SCALES = {"ribu": 1000, "juta": 1_000_000, "miliar": 1_000_000_000, "milyar": 1_000_000_000}
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_SCALES, "belas", "puluh", "ratus", "setengah"], key=len, reverse=True))
_NUMBER_WORDS = re.compile(rf"\b(?:(?:{_NUMBER_WORD})\s+)*(?:{_NUMBER_WORD})\b")
# A lone small number word is a figure only before a unit ("tiga bulan"), not in "salah satu syarat".
_MEASURE = re.compile(
    r"\s+(?:tahun|bulan|minggu|hari|jam|kali|tahap|orang|anak|jiwa|anggota|komponen|persen|kg|kilogram|"
    r"liter|digit|angka|lembar|rupiah)\b"
)


def _words_value(words: list[str]) -> float | None:
    """The value of a run of Indonesian number words, or None when it holds no digit word."""
    total, group, last, seen_unit = 0.0, 0.0, 0.0, False
    for word in words:
        if word in _UNITS:
            value = _UNITS[word]
            if value >= 1000:  # seribu, sejuta: a complete scale of its own
                total += value
            elif value >= 10:  # sepuluh, sebelas, seratus
                group += value
            else:
                last += value
            seen_unit = True
        elif word == "setengah":
            last += 0.5
            seen_unit = True
        elif word == "belas":
            group, last = group + last + 10, 0.0
        elif word == "puluh":
            group, last = group + last * 10, 0.0
        elif word == "ratus":
            group, last = group + last * 100, 0.0
        elif word in _SCALES:
            total += (group + last or 1) * _SCALES[word]
            group, last = 0.0, 0.0
    return total + group + last if seen_unit else None


def _spell_out(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}".replace(".", ",")


def words_to_digits(text: str, *, eager: bool = False) -> str:
    """Replace Indonesian number words with digits ("tiga juta" -> "3000000").

    Args:
        text: Lower-case text.
        eager: Also convert a lone small number word that no unit follows ("empat komponen" as well
            as "empat bulan"). Sources are read eagerly (more facts to match against); generated
            sentences are not, so "salah satu syarat" does not become a figure to check.
    """

    def replace(match: re.Match[str]) -> str:
        words = match.group(0).split()
        value = _words_value(words)
        if value is None:
            return match.group(0)
        compound = len(words) > 1 or value >= 10
        if not (eager or compound or _MEASURE.match(text, match.end())):
            return match.group(0)
        return _spell_out(value)

    return _NUMBER_WORDS.sub(replace, text)


# --------------------------------------------------------------------------- patterns

_MONTHS = {
    "januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11, "desember": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8, "sep": 9,
    "okt": 10, "nov": 11, "des": 12,
}
_MONTH_NAMES = {1: "januari", 2: "februari", 3: "maret", 4: "april", 5: "mei", 6: "juni", 7: "juli",
                8: "agustus", 9: "september", 10: "oktober", 11: "november", 12: "desember"}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_WORDS = re.compile(rf"\b(?:(\d{{1,2}})\s+)?({_MONTH})\.?(?:\s+(\d{{4}}))?\b")
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
# Phone numbers: a leading 0 or +62, at least 6 digits in groups separated by spaces, dots or dashes.
_PHONE = re.compile(r"(?<![\w+.,])(?:\+62|\(0\d{1,3}\)|0\d{1,4})(?:[\s.\-]?\d{2,5}){1,4}(?!\d)")
_REGULATION = re.compile(
    r"\b(?:nomor|no\.?|nmr)\s*(\d+[a-z]?)\s*(?:/[\w.\-/]*?)?\s*(?:tahun|thn\.?|/)\s*(\d{4})\b"
)
_PERCENT = re.compile(r"(\d+(?:,\d+)?)\s*(?:%|persen\b)")
_CITATION = re.compile(r"\[\s*\d{1,4}(?:\s*[,;]\s*\d{1,4})*\s*\]")
_NIK_LIKE = re.compile(r"(?<!\d)\d{4}[ .\-]?\d{4}[ .\-]?\d{4}[ .\-]?\d{4}(?!\d)")
_ACRONYM = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]{1,7})(?![\w-])")
_PROGRAM_NAME = re.compile(r"\b[Pp]rogram\s+([A-Z][a-z]{3,})\b")
_ROMAN_NUMERAL = re.compile(r"^[IVXLC]+$|^\d+$")
_WORD = re.compile(r"[a-z][a-z0-9]*")
_NUMBER_TOKEN = re.compile(r"^\d+(?:,\d+)?$")
# Acronyms that are ordinary words of an answer, not names to check.
_COMMON_ACRONYMS = frozenset({"NIK", "KK", "KTP", "RT", "RW", "HP", "SMS", "WA", "OK", "ID", "PDF"})


def _date_value(day: int | None, month: int, year: int | None) -> str | None:
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    if year is None:
        return None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _dates(lower: str) -> tuple[list[Fact], str]:
    facts: list[Fact] = []

    def numeric(match: re.Match[str]) -> str:
        if match.group(4):
            year, month, day = int(match.group(4)), int(match.group(5)), int(match.group(6))
        else:
            day, month, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        value = _date_value(day, month, year)
        if value is None:
            return match.group(0)
        facts.append(Fact("date", value, match.group(0)))
        facts.append(Fact("month", _MONTH_NAMES[month], match.group(0)))
        return " "

    def worded(match: re.Match[str]) -> str:
        month = _MONTHS[match.group(2)]
        if len(match.group(2)) <= 3 and not (match.group(1) or match.group(3)):
            return match.group(0)  # "mar", "des" alone are too ambiguous to be a month
        facts.append(Fact("month", _MONTH_NAMES[month], match.group(0)))
        value = _date_value(int(match.group(1)) if match.group(1) else None, month,
                            int(match.group(3)) if match.group(3) else None)
        if value is not None:
            facts.append(Fact("date", value, match.group(0)))
        # The day and year stay in the text as plain numbers; only the month word is consumed.
        return f" {match.group(1) or ''} {match.group(3) or ''} "

    lower = _DATE_NUMERIC.sub(numeric, lower)
    lower = _DATE_WORDS.sub(worded, lower)
    return facts, lower


def _phones(text: str) -> tuple[list[Fact], str]:
    facts: list[Fact] = []

    def phone(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        if digits.startswith("62"):
            digits = "0" + digits[2:]
        if len(digits) < 6 or len(digits) > 14:
            return match.group(0)
        facts.append(Fact("phone", digits, match.group(0).strip()))
        return " "

    return facts, _PHONE.sub(phone, text)


def extract_facts(text: str, *, eager: bool = False) -> set[Fact]:
    """Every checkable fact of ``text``.

    Args:
        text: A sentence or a passage (citation markers such as ``[1]`` should be removed first).
        eager: Read number words eagerly (see :func:`words_to_digits`); use it for sources.

    Returns:
        Facts of kinds number, percent, date, month, phone, regulation and program. A 16-digit
        NIK-like number is never returned (the leak check handles it).
    """
    text = _NIK_LIKE.sub(" ", _CITATION.sub(" ", _clean(text)))
    facts: set[Fact] = set()
    for match in _ACRONYM.finditer(text):
        if match.group(1) not in _COMMON_ACRONYMS and not _ROMAN_NUMERAL.match(match.group(1)):
            facts.add(Fact("program", match.group(1).lower(), match.group(1)))
    for match in _PROGRAM_NAME.finditer(text):
        facts.add(Fact("program", match.group(1).lower(), match.group(0)))
    lower = text.lower()
    for match in _REGULATION.finditer(lower):
        facts.add(Fact("regulation", f"{match.group(1)}/{match.group(2)}", match.group(0)))
    date_facts, lower = _dates(lower)
    facts.update(date_facts)
    phone_facts, lower = _phones(lower)
    facts.update(phone_facts)
    normalized = normalize(words_to_digits(lower.replace("%", " persen "), eager=eager))
    for match in _PERCENT.finditer(normalized):
        facts.add(Fact("percent", match.group(1), match.group(0)))
    normalized = _PERCENT.sub(" ", normalized)
    for word in normalized.split():
        if _NUMBER_TOKEN.match(word):
            facts.add(Fact("number", word.rstrip("0").rstrip(",") if "," in word else word, word))
    return facts


def source_facts(texts: list[str] | tuple[str, ...]) -> set[tuple[str, str]]:
    """The fact keys that a set of sources states, read eagerly.

    Lenient where leniency cannot invent a figure: a percentage also counts as its number, each digit
    group of a phone number as a number, and any word of a source as a program name in any case
    ("PKH" in a sentence is backed by "pkh" or "Pkh" in the passage).
    """
    keys: set[tuple[str, str]] = set()
    for text in texts:
        for fact in extract_facts(text, eager=True):
            keys.add(fact.key)
            if fact.kind == "percent":
                keys.add(("number", fact.value))
            elif fact.kind == "phone":
                keys.update(("number", group) for group in re.findall(r"\d+", fact.surface))
        keys.update(("program", word) for word in _WORD.findall(_clean(text).lower()))
    return keys


def unsupported_facts(sentence: str, sources: list[str] | tuple[str, ...]) -> list[Fact]:
    """The facts of ``sentence`` that no source states (in any spelling), in a stable order."""
    known = source_facts(sources)
    missing = [fact for fact in extract_facts(sentence) if fact.key not in known]
    return sorted(missing, key=lambda f: (f.kind, f.value))
