"""Turning a service Reply into Telegram HTML messages: escaping, short source lines, safe splitting.

Telegram rejects a message over 4096 characters (counted in UTF-16 code units) and one whose HTML
does not parse. Every piece of text is escaped here, and long replies are cut only between whole
tokens: a word together with the citation markers that follow it ("cair [1]."), or a whole source
line with its link, so no word, citation, entity or tag is ever split.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from assistant.models import Citation

TELEGRAM_LIMIT = 4096
SAFE_LIMIT = 4000  # room for a Telegram-side count that differs slightly from ours

# A word, any citation markers after it ("cair [1][2]." or "cair [1] [2]"), and its trailing whitespace.
_TOKEN_RE = re.compile(r"\S+(?:[ \t]+\[\d+\]\S*)*\s*|\s+")
_WEB_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def escape(text: str) -> str:
    """Escape text for parse_mode=HTML (only <, > and & are special there)."""
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _linked(text: str, url: str) -> str:
    """Escaped text, as a link when ``url`` is a web address."""
    url = (url or "").strip()
    if _WEB_RE.match(url):
        return f'<a href="{html.escape(url, quote=True)}">{escape(text)}</a>'
    return escape(text)


def source_line(citation: Citation, regulations_label: str = "Dasar hukum") -> str:
    """``[1] Title (2025)``, then the regulations it rests on: each named, linked when an official address is known.

    The title is a link only when the source is a web address; a regulation's link is its official text or page.
    """
    year = f" ({citation.source_year})" if citation.source_year else ""
    line = f"[{citation.n}] {_linked(citation.title or citation.doc_id, citation.source_url)}{escape(year)}"
    if citation.regulations:
        named = "; ".join(_linked(r.name, r.url) + (f" tentang {escape(r.title)}" if r.title else "")
                          for r in citation.regulations)
        line += f"\n    {escape(regulations_label)}: {named}"
    return line


def render_reply(text: str, citations: Sequence[Citation], *, sources_label: str = "Sumber",
                 regulations_label: str = "Dasar hukum") -> list[str]:
    """The reply text and its numbered sources as HTML tokens, ready for ``split_tokens``."""
    tokens = [escape(t) for t in _TOKEN_RE.findall(text.strip())]
    unique = list({c.n: c for c in citations}.values())
    if unique:
        tokens.append(f"\n\n<b>{escape(sources_label)}:</b>\n")
        tokens.extend(source_line(c, regulations_label) + "\n" for c in sorted(unique, key=lambda c: c.n))
    return tokens


def split_tokens(tokens: Iterable[str], limit: int = SAFE_LIMIT) -> list[str]:
    """Pack HTML tokens into messages of at most ``limit`` UTF-16 units, breaking at the best boundary.

    A message ends preferably after a paragraph, then a line, then a sentence, then a word, as long as
    that keeps it at least half full. A single token longer than ``limit`` (a pathological "word") is cut
    between escaped characters.
    """
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for token in _bounded(tokens, limit):
        length = utf16_len(token)
        while current and size + length > limit:
            cut = _best_cut(current, limit)
            messages.append("".join(current[:cut]).strip())
            current = current[cut:]
            size = sum(utf16_len(t) for t in current)
        current.append(token)
        size += length
    if current:
        messages.append("".join(current).strip())
    return [m for m in messages if m]


def format_messages(text: str, citations: Sequence[Citation] = (), *, sources_label: str = "Sumber",
                    regulations_label: str = "Dasar hukum", limit: int = SAFE_LIMIT) -> list[str]:
    """A reply as one or more HTML messages, each below Telegram's limit."""
    return split_tokens(render_reply(text, citations, sources_label=sources_label,
                                     regulations_label=regulations_label), limit)


def _best_cut(tokens: list[str], limit: int) -> int:
    """Index after which to end the message: last paragraph break, else line break, else word."""
    half = limit // 2
    running = 0
    candidates: dict[str, int] = {}
    for i, token in enumerate(tokens, start=1):
        running += utf16_len(token)
        if running < half:
            continue
        if "\n\n" in token:
            candidates["para"] = i
        elif "\n" in token:
            candidates["line"] = i
        elif token.rstrip().endswith((".", "!", "?", ":", ";")) and token != token.rstrip():
            candidates["sentence"] = i
        candidates["word"] = i
    for kind in ("para", "line", "sentence", "word"):
        if kind in candidates:
            return candidates[kind]
    return len(tokens)


def _bounded(tokens: Iterable[str], limit: int) -> Iterable[str]:
    """Tokens, with any single token over ``limit`` cut into pieces that keep entities whole."""
    for token in tokens:
        if utf16_len(token) <= limit:
            yield token
            continue
        piece = ""
        for part in re.findall(r"&[a-z]+;|.", token, flags=re.DOTALL):
            if utf16_len(piece + part) > limit:
                yield piece
                piece = ""
            piece += part
        if piece:
            yield piece
