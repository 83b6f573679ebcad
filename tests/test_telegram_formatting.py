"""Splitting and escaping of bot messages (pure functions; the whole bot is tested in test_telegram_bot.py)."""

from __future__ import annotations

import html

from assistant.models import Citation
from assistant.telegram.formatting import format_messages, split_tokens, utf16_len


def _citation(n: int, url: str = "https://example.org/a?x=1&y=2") -> Citation:
    return Citation(n, f"doc-{n}", f"Judul <{n}> & co", "S", url, 2024, f"c{n}")


def test_paragraph_breaks_are_preferred_and_every_part_fits() -> None:
    paragraph = " ".join(["kata"] * 150)  # ~750 characters
    text = "\n\n".join([paragraph] * 8)
    parts = format_messages(text, limit=2000)
    assert all(utf16_len(p) <= 2000 for p in parts)
    assert all(p.endswith("kata") and p.startswith("kata") for p in parts)
    assert sum(p.count("kata") for p in parts) == 150 * 8


def test_a_word_longer_than_the_limit_is_cut_between_entities() -> None:
    word = "&<" * 50  # escapes to 100 entities of 4-5 characters
    parts = split_tokens(format_messages(word, limit=10_000), limit=32)
    assert all(utf16_len(p) <= 32 for p in parts)
    assert html.unescape("".join(parts)) == word


def test_emoji_count_as_two_units() -> None:
    text = " ".join(["👍"] * 30)
    parts = format_messages(text, limit=20)
    assert all(utf16_len(p) <= 20 for p in parts)
    assert "".join(parts).count("👍") == 30


def test_citation_markers_stay_with_their_word() -> None:
    text = " ".join(f"kalimat{i} [{i % 3 + 1}] [2]." for i in range(200))
    parts = format_messages(text, limit=300)
    for part in parts:
        assert not part.startswith("["), part[:20]
        assert part.count("[") == part.count("]")


def test_sources_are_escaped_and_links_only_for_web_addresses() -> None:
    parts = format_messages("Jawaban [1] [2].", [_citation(1), _citation(2, url="Permensos 1/2018")])
    body = "".join(parts)
    assert '[1] <a href="https://example.org/a?x=1&amp;y=2">Judul &lt;1&gt; &amp; co</a> (2024)' in body
    assert "[2] Judul &lt;2&gt; &amp; co (2024)" in body
