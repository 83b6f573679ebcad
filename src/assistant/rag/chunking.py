"""Heading-aware chunking of Documents into retrievable Chunks.

A chunk never spans two sections. Its ``section`` is the heading path ("Besaran bantuan PKH >
Ibu hamil"), leaving out a top heading equal to the document title. Long sections are cut at
paragraph, then sentence boundaries near ``target_words``; a sentence is never cut in half (only
a single "sentence" over three times the target, e.g. unpunctuated PDF text, is cut by words).
Chunk text is plain text: emphasis and links removed, one list item or table row per line
("- ..."), paragraphs separated by a blank line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from assistant.models import Chunk, Document
from assistant.rag.text import split_sentences, strip_markdown

SECTION_SEPARATOR = " > "

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^(\s*)([-*+\u2022\u25cf]|\d{1,3}[.)])\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^:?-{2,}:?$")


@dataclass
class _Section:
    path: str
    blocks: list[list[str]]  # a block is a paragraph (one line) or a list (one line per item)


@dataclass
class _Unit:
    text: str
    words: int
    sep: str  # separator before this unit when it follows another unit in the same chunk


# --------------------------------------------------------------------------- parsing


def _table_lines(rows: list[str]) -> list[str]:
    cells = [[strip_markdown(c.strip()) for c in r.strip().strip("|").split("|")] for r in rows]
    if len(cells) >= 2 and all(_TABLE_SEPARATOR.match(c) for c in cells[1] if c):
        header, body = cells[0], cells[2:]
        out = []
        for row in body:
            pairs = [f"{h}: {v}" if h else v for h, v in zip(header, row, strict=False) if v]
            if pairs:
                out.append("- " + "; ".join(pairs))
        return out
    return ["- " + " | ".join(c for c in row if c) for row in cells if any(row)]


class _SectionParser:
    def __init__(self, title: str) -> None:
        self.title_key = title.strip().casefold()
        self.stack: list[tuple[int, str]] = []
        self.sections: list[_Section] = [_Section("", [])]
        self.paragraph: list[str] = []
        self.items: list[str] | None = None
        self.table: list[str] = []

    def _path(self) -> str:
        names = [name for _, name in self.stack]
        if names and names[0].casefold() == self.title_key:
            names = names[1:]
        return SECTION_SEPARATOR.join(names)

    def flush(self) -> None:
        blocks = self.sections[-1].blocks
        if self.paragraph:
            blocks.append([strip_markdown(" ".join(self.paragraph))])
            self.paragraph = []
        if self.table:
            blocks.append(_table_lines(self.table))
            self.table = []
        if self.items:
            blocks.append([strip_markdown(i) for i in self.items])
        self.items = None

    def heading(self, level: int, name: str) -> None:
        self.flush()
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, strip_markdown(name).strip()))
        self.sections.append(_Section(self._path(), []))

    def line(self, raw: str, in_code: bool) -> None:
        stripped = raw.strip()
        if in_code:
            if stripped:
                self.paragraph.append(stripped)
            return
        if not stripped or _RULE.match(raw):
            if self.paragraph or self.table:
                self.flush()
            return  # a blank line inside a list keeps the list open (loose list)
        if stripped.startswith("|"):
            if self.paragraph or self.items is not None:
                self.flush()
            self.table.append(stripped)
            return
        item = _LIST_ITEM.match(raw)
        if item:
            if self.paragraph or self.table:
                self.flush()
            marker = item.group(2)
            prefix = f"{marker} " if marker[0].isdigit() else "- "
            self.items = (self.items or []) + [prefix + item.group(3).strip()]
            return
        if self.items is not None and raw[:1].isspace():
            self.items[-1] += " " + stripped  # indented continuation of the last list item
            return
        if self.items is not None or self.table:
            self.flush()  # an unindented line after a list or table starts a paragraph
        self.paragraph.append(stripped)


def _sections(doc: Document) -> list[_Section]:
    parser = _SectionParser(doc.title)
    in_code = False
    for raw in _HTML_COMMENT.sub("", doc.text).splitlines():
        if _FENCE.match(raw):
            in_code = not in_code
            continue
        heading = None if in_code else _HEADING.match(raw)
        if heading:
            parser.heading(len(heading.group(1)), heading.group(2))
        else:
            parser.line(raw, in_code)
    parser.flush()
    return [s for s in parser.sections if s.blocks]


# --------------------------------------------------------------------------- packing


def _units(section: _Section, target_words: int) -> list[_Unit]:
    units: list[_Unit] = []
    for block in section.blocks:
        for i, line in enumerate(block):
            sep = "\n" if i else "\n\n"
            words = len(line.split())
            if words <= target_words or len(block) > 1 and words <= 3 * target_words:
                units.append(_Unit(line, words, sep))
                continue
            for j, sentence in enumerate(split_sentences(line) if len(block) == 1 else [line]):
                for k, piece in enumerate(_word_windows(sentence, target_words)):
                    units.append(_Unit(piece, len(piece.split()), sep if j == k == 0 else " "))
    return units


def _word_windows(sentence: str, target_words: int) -> list[str]:
    words = sentence.split()
    if len(words) <= 3 * target_words:
        return [sentence]
    return [" ".join(words[i : i + target_words]) for i in range(0, len(words), target_words)]


def _pack(units: list[_Unit], target_words: int) -> list[list[_Unit]]:
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    count = 0
    for unit in units:
        fits = count + unit.words <= target_words
        too_small_to_close = count < target_words // 2 and count + unit.words <= target_words * 3 // 2
        if current and not fits and not too_small_to_close:
            groups.append(current)
            current, count = [], 0
        current.append(unit)
        count += unit.words
    if current:
        groups.append(current)
    if len(groups) >= 2 and sum(u.words for u in groups[-1]) < target_words * 0.35:
        groups[-2].extend(groups.pop())
    return groups


def _join(units: list[_Unit]) -> str:
    return "".join((u.sep if i else "") + u.text for i, u in enumerate(units)).strip()


def make_chunk_id(doc_id: str, section: str, text: str, occurrence: int = 0) -> str:
    """Content-derived id: same document, section and text give the same id on every run."""
    key = f"{doc_id}\x1f{section}\x1f{text}" + (f"\x1f{occurrence}" if occurrence else "")
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def chunk_document(doc: Document, target_words: int = 180) -> list[Chunk]:
    """Split a document into heading-aware chunks of about ``target_words`` words.

    Args:
        doc: The loaded document (markdown-ish text; headings start with '#').
        target_words: Desired chunk size in words; chunks end at paragraph or sentence ends.

    Returns:
        Chunks in document order (``ordinal`` 0, 1, ...), each carrying the document metadata.
        ``chunk_id`` is the first 24 hex chars of sha256(doc_id, section, text); a repeated
        identical chunk in the same section gets its occurrence number mixed in to stay unique.
    """
    if target_words < 1:
        raise ValueError("target_words must be positive")
    chunks: list[Chunk] = []
    seen: dict[tuple[str, str], int] = {}
    for section in _sections(doc):
        for group in _pack(_units(section, target_words), target_words):
            text = _join(group)
            if not text:
                continue
            occurrence = seen.get((section.path, text), 0)
            seen[(section.path, text)] = occurrence + 1
            chunks.append(
                Chunk(
                    chunk_id=make_chunk_id(doc.doc_id, section.path, text, occurrence),
                    doc_id=doc.doc_id,
                    text=text,
                    section=section.path,
                    title=doc.title,
                    program=doc.program,
                    audience=doc.audience,
                    source_url=doc.source_url,
                    source_year=doc.source_year,
                    confidence=doc.confidence,
                    caveat=doc.caveat,
                    regulations=doc.regulations,
                    ordinal=len(chunks),
                    doc_hash=doc.content_hash,
                )
            )
    return chunks
