"""Ingestion: load, validate, chunk, embed what changed, build a new index generation, switch.

Everything is validated before anything is written, so bad input never leaves a half-written
index; the new generation becomes visible only after it is complete.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from assistant.errors import IndexMismatchError, IngestError
from assistant.models import Chunk, Document, IngestReport
from assistant.ports import Embedder, ProgressFactory, VectorIndex
from assistant.rag.chunking import chunk_document
from assistant.rag.loaders import discover, load_document
from assistant.rag.text import TOKENIZER_VERSION, tokenize

log = logging.getLogger(__name__)


class Progress:
    """No progress display (``ports.ProgressBar``); the CLI passes a tqdm-backed one."""

    def update(self, n: int) -> None:  # pragma: no cover - trivial
        pass

    def close(self) -> None:  # pragma: no cover - trivial
        pass


def passage_text(chunk: Chunk) -> str:
    """What the embedder sees for a chunk: title and heading path give context to short passages."""
    heading = chunk.section if chunk.section and chunk.section != chunk.title else ""
    return f"{chunk.title}. {heading}\n{chunk.text}" if heading else f"{chunk.title}\n{chunk.text}"


def lexical_tokens(chunk: Chunk) -> str:
    return " ".join(tokenize(f"{chunk.title} {chunk.section} {chunk.text}"))


def load_corpus(path: Path) -> list[Document]:
    """Load and validate every document; report every problem at once, write nothing."""
    path = Path(path)
    if not path.exists():
        raise IngestError(f"Folder atau berkas '{path}' tidak ditemukan.")
    files = discover(path)
    if not files:
        raise IngestError(f"Tidak ada dokumen (.md, .txt, .html, .pdf) di '{path}'.")
    root = path if path.is_dir() else path.parent
    documents: list[Document] = []
    problems: list[str] = []
    for file in files:
        try:
            documents.append(load_document(file, root))
        except IngestError as exc:
            problems.append(exc.message)
    seen: dict[str, str] = {}
    for doc in documents:
        if doc.doc_id in seen:
            problems.append(f"id '{doc.doc_id}' dipakai dua dokumen: {seen[doc.doc_id]} dan {doc.path}")
        seen.setdefault(doc.doc_id, doc.path)
    if problems:
        listing = "\n  - ".join(problems)
        raise IngestError(f"{len(problems)} masalah ditemukan, indeks tidak diubah:\n  - {listing}")
    return documents


def _unique(chunks: Iterable[Chunk]) -> list[Chunk]:
    """Drop repeated chunks (same document, section and text give the same content id)."""
    seen: set[str] = set()
    unique: list[Chunk] = []
    for c in chunks:
        if c.chunk_id not in seen:
            seen.add(c.chunk_id)
            unique.append(c)
    return unique


def ingest(
    path: Path,
    *,
    embedder: Embedder,
    index: VectorIndex,
    chunk_words: int = 180,
    rebuild: bool = False,
    progress: ProgressFactory | None = None,
    batch_size: int = 64,
    keep_others: bool = False,
) -> IngestReport:
    """Bring the index in line with the documents under ``path``, re-embedding only what changed.

    With ``keep_others`` the documents under ``path`` are added or updated and every other indexed
    document stays (``assistant ingest FILE``); without it the index holds exactly those documents.
    """
    started = time.perf_counter()
    documents = load_corpus(path)
    current = index.active()
    if current is not None and current.info.get("model_id") != embedder.model_id and not rebuild:
        raise IndexMismatchError(
            f"Indeks dibuat dengan model '{current.info.get('model_id')}', sedangkan model sekarang "
            f"'{embedder.model_id}'. Vektor dari dua model tidak boleh dicampur: jalankan "
            "'assistant ingest --rebuild' untuk membangun ulang seluruh indeks."
        )
    reusable = current is not None and not rebuild and current.info.get("chunk_words") == chunk_words
    # `reusable` implies `current is not None`; the repeated check only narrows the type for mypy.
    old_docs: dict[str, str] = dict(current.info.get("docs", {})) if reusable and current is not None else {}
    loaded = {doc.doc_id: doc.content_hash for doc in documents}
    kept_docs: dict[str, str] = {}
    if keep_others and current is not None:
        kept_docs = {d: h for d, h in dict(current.info.get("docs", {})).items() if d not in loaded}
    new_docs = {**kept_docs, **loaded}
    chunks = _unique(chunk for doc in documents for chunk in chunk_document(doc, target_words=chunk_words))
    same_tokens = reusable and current is not None and current.info.get("tokenizer") == TOKENIZER_VERSION
    if same_tokens and old_docs == new_docs:
        assert current is not None  # same_tokens implies reusable
        total = len(current.chunks_with_tokens()) if kept_docs else len(chunks)
        return IngestReport(
            documents=len(new_docs), chunks=total, embedded=0, reused=total, unchanged=True,
            generation=current.name, seconds=time.perf_counter() - started,
        )
    previous = current.chunks_with_tokens() if current is not None and (reusable or kept_docs) else []

    unchanged_docs = {d for d, h in new_docs.items() if old_docs.get(d) == h}
    # Documents kept from the index (not under `path`) keep their stored chunks; they have no source here.
    chunks = _unique([*chunks, *(c for c, _ in previous if c.doc_id in kept_docs)])
    stored = {c.chunk_id: t for c, t in previous if c.doc_id in unchanged_docs} if reusable else {}
    reuse_ids = [c.chunk_id for c in chunks if c.chunk_id in stored]
    vectors = current.vectors(reuse_ids) if reuse_ids and current is not None else {}  # reuse_ids implies reusable
    stored_tokens = stored if same_tokens else {}
    fresh = [c for c in chunks if c.chunk_id not in vectors]
    bar = progress(len(fresh)) if progress and fresh else Progress()
    try:
        for start in range(0, len(fresh), batch_size):
            part = fresh[start : start + batch_size]
            for chunk, vector in zip(part, embedder.embed_passages([passage_text(c) for c in part]), strict=True):
                vectors[chunk.chunk_id] = vector
            bar.update(len(part))
    finally:
        bar.close()
    tokens = [stored_tokens.get(c.chunk_id) or lexical_tokens(c) for c in chunks]
    matrix = np.stack([vectors[c.chunk_id] for c in chunks]).astype(np.float32)
    info = {
        "model_id": embedder.model_id,
        "dimension": int(matrix.shape[1]),
        "chunk_words": chunk_words,
        "tokenizer": TOKENIZER_VERSION,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "docs": new_docs,
    }
    snapshot = index.build(chunks, matrix, tokens, info=info)
    index.activate(snapshot)
    return IngestReport(
        documents=len(new_docs),
        chunks=len(chunks),
        embedded=len(fresh),
        reused=len(reuse_ids),
        changed_documents=sorted(d for d in new_docs if d not in unchanged_docs),
        removed_documents=sorted(d for d in old_docs if d not in new_docs),
        generation=snapshot.name,
        seconds=time.perf_counter() - started,
    )
