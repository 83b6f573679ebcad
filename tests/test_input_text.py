"""Text that cannot be encoded or holds control characters is refused at every edge, with a reason."""

from __future__ import annotations

import pytest

from assistant.errors import InputError
from assistant.input_text import checked_text, text_problem


@pytest.mark.parametrize("text", ["a\ud800", "\udc00", "x\x00y", "\x07", "\x1b[0m", "a\x7fb", "\x85"])
def test_refused(text):
    assert text_problem(text)
    with pytest.raises(InputError) as info:
        checked_text(text)
    assert info.value.code == "invalid_text" and "Kirim ulang" in info.value.message


@pytest.mark.parametrize(
    "text", ["Berapa bantuan PKH?", "baris\nbaru\tdan\r\n", "مرحبا", "\u202eteks\u202c", "👨‍👩‍👧", "zero\u200bwidth"]
)
def test_accepted(text):
    assert text_problem(text) is None and checked_text(text) == text


def test_knowledge_base_refuses_before_embedding(hashed_services):
    with pytest.raises(InputError):
        hashed_services.knowledge.ask("brp pkh \ud800")
    with pytest.raises(InputError):
        hashed_services.knowledge.search("pkh\x00")
