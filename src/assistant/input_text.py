"""What text a person may send: checked once at each edge (API schemas, bot, CLI) before anything uses it.

A lone UTF-16 surrogate cannot be encoded (the tokenizer, the journal and JSON logs all choke on
it) and control characters are never part of a real message, so both are refused with a message
that says what to do. Right-to-left text, emoji and zero-width joiners are ordinary text.
"""

from __future__ import annotations

import re

from assistant.errors import InputError

_SURROGATE = re.compile("[\ud800-\udfff]")
# Unicode category Cc (C0, DEL, C1) except tab, line feed and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text_problem(text: str) -> str | None:
    """The Indonesian reason ``text`` cannot be accepted, or None when it is fine."""
    if _SURROGATE.search(text):
        return "Teks berisi karakter yang tidak valid (surrogate UTF-16). Kirim ulang pesan sebagai teks biasa."
    if _CONTROL.search(text):
        return "Teks berisi karakter kontrol yang tidak diizinkan. Kirim ulang pesan sebagai teks biasa."
    return None


def checked_text(text: str) -> str:
    """``text`` unchanged when acceptable.

    Raises:
        InputError: with the reason, in Indonesian.
    """
    problem = text_problem(text)
    if problem is not None:
        raise InputError(problem, code="invalid_text")
    return text
