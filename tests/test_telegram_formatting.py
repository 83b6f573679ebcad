"""Splitting and escaping of bot messages (pure functions; the whole bot is tested in test_telegram_bot.py)."""

from __future__ import annotations

import html
from dataclasses import replace

from assistant.models import Citation, Regulation
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


def test_regulations_are_named_under_their_source_and_linked_only_to_an_official_address() -> None:
    official = Regulation(type="UU", number="13", year=1998, title="Kesejahteraan <Lanjut> Usia",
                          article="Pasal 1 angka 2", url="https://jdih.dpr.go.id/setjen/detail-dokumen/tipe/uu/id/471")
    unlinked = Regulation(type="Permensos", number="16", year=2020, title="Asistensi Rehabilitasi Sosial")
    untitled = Regulation(type="Persesjen Kemendikbudristek", number="14", year=2022)
    cited = replace(_citation(1, url="jdih.dpr.go.id"), regulations=(official, unlinked, untitled))
    body = "".join(format_messages("Jawaban [1] [2].", [cited, _citation(2)], regulations_label="Dasar hukum"))
    source, regulations = body.split("\n[1] ", 1)[1].split("\n")[:2]
    assert source == "Judul &lt;1&gt; &amp; co (2024)"  # the secondary source stays, as text
    assert regulations.strip() == (
        'Dasar hukum: <a href="https://jdih.dpr.go.id/setjen/detail-dokumen/tipe/uu/id/471">'
        "UU 13/1998 Pasal 1 angka 2</a> tentang Kesejahteraan &lt;Lanjut&gt; Usia; "
        "Permensos 16/2020 tentang Asistensi Rehabilitasi Sosial; Persesjen Kemendikbudristek 14/2022"
    )
    assert body.count("Dasar hukum") == 1  # a source without regulations gets no such line
