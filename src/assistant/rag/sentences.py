"""Sentence vectors for semantic sentence scoring, kept beside the index and filled lazily.

The extractive answerer picks sentences; shared words alone miss "tentara" for "TNI" or an English
question over Indonesian text. Every sentence of every chunk is embedded once (at ingest, with the
same e5 model and ``passage:`` prompt as the chunks) and stored in one ``.npz`` file per model,
keyed by the sentence text, so an unchanged sentence is never embedded again and a sentence that
appears in several chunks is stored once. A sentence missing from the store (an index built before
the store existed) is embedded on first use and kept.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from assistant.models import Chunk
from assistant.ports import Embedder
from assistant.rag.cache import LruCache
from assistant.rag.text import split_sentences

log = logging.getLogger(__name__)


def store_path(folder: Path, model_id: str) -> Path:
    """The store file of one model inside ``folder`` (the model id made file-name safe)."""
    return folder / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', model_id)}.npz"


class SentenceVectors:
    """Sentence text -> unit vector, in memory, persisted to ``path`` (None keeps it in memory only)."""

    def __init__(self, embedder: Embedder, path: Path | None = None) -> None:
        self._embedder = embedder
        self._path = path
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._loaded = False

    def __len__(self) -> int:
        self._load()
        return len(self._vectors)

    def _load(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            if self._path is not None and self._path.is_file():
                try:
                    with np.load(self._path, allow_pickle=False) as data:
                        keys, matrix = data["keys"], data["vectors"]
                    self._vectors.update({str(k): matrix[i] for i, k in enumerate(keys)})
                except (OSError, ValueError, KeyError):
                    log.warning("sentence vector store %s unreadable; it is rebuilt lazily", self._path)
            self._loaded = True

    def vectors(self, sentences: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``sentences`` (rows in the same order), embedding the missing ones now."""
        self._load()
        missing = list(dict.fromkeys(s for s in sentences if s not in self._vectors))
        if missing:
            self._add(missing)
        if not sentences:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[s] for s in sentences])

    def _add(self, sentences: Sequence[str], batch_size: int = 64) -> None:
        for start in range(0, len(sentences), batch_size):
            part = sentences[start : start + batch_size]
            matrix = np.asarray(self._embedder.embed_passages(list(part)), dtype=np.float32)
            with self._lock:
                self._vectors.update(zip(part, matrix, strict=True))

    def prepare(self, sentences: Iterable[str]) -> int:
        """Embed every sentence not stored yet and save the store; returns how many were embedded."""
        self._load()
        missing = list(dict.fromkeys(s for s in sentences if s not in self._vectors))
        if missing:
            self._add(missing)
        if missing or (self._path is not None and not self._path.is_file()):
            self.save()
        return len(missing)

    def save(self) -> None:
        """Write the store atomically (a reader never sees a half-written file)."""
        if self._path is None:
            return
        with self._lock:
            keys = list(self._vectors)
            if not keys:
                return
            matrix = np.stack([self._vectors[k] for k in keys]).astype(np.float32)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self._path.parent, suffix=".npz.tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, keys=np.array(keys, dtype=str), vectors=matrix)
            os.replace(temporary, self._path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)


class CorpusSentences:
    """Every sentence of one index generation with its chunk and vector: semantic sentence search.

    Args:
        chunks: the generation's chunks; a sentence found in several chunks belongs to the first.
        vectors: the sentence vector store (missing sentences are embedded on first use).
        embed_query: the question's unit vector (``query:`` prompt; cached by the embedder).
    """

    def __init__(
        self, chunks: Sequence[Chunk], vectors: SentenceVectors, embed_query: Callable[[str], np.ndarray]
    ) -> None:
        owner: dict[str, Chunk] = {}
        for chunk in chunks:
            for sentence in split_sentences(chunk.text):
                owner.setdefault(sentence, chunk)
        self.texts: list[str] = list(owner)
        self.chunks: list[Chunk] = [owner[t] for t in self.texts]
        self._vectors = vectors
        self._matrix = vectors.vectors(self.texts) if self.texts else np.zeros((0, 1), dtype=np.float32)
        self._embed_query = embed_query
        # one answer asks for the same question's vector several times (scoring, search, background)
        self._queries: LruCache[str, np.ndarray] = LruCache(256)

    def _query(self, question: str) -> np.ndarray:
        vector = self._queries.get(question)
        if vector is None:
            vector = np.asarray(self._embed_query(question), dtype=np.float32)
            self._queries.put(question, vector)
        return vector

    def similarities(self, question: str, sentences: list[str]) -> tuple[np.ndarray, float]:
        """Cosine of the question to each sentence, and its mean cosine to every corpus sentence.

        e5 query and passage vectors are unit length, so a dot product is the cosine. The mean over
        the corpus is the question's background: what any sentence of the guidelines scores.
        """
        query = self._query(question)
        background = float(np.mean(self._matrix @ query)) if self.texts else 0.0
        if not sentences:
            return np.zeros(0, dtype=np.float32), background
        return np.asarray(self._vectors.vectors(sentences) @ query, dtype=np.float32), background

    def nearest(self, question: str, k: int) -> list[tuple[str, Chunk]]:
        """The ``k`` corpus sentences most similar to the question, best first."""
        if not self.texts or k <= 0:
            return []
        cosines = self._matrix @ self._query(question)
        order = np.argsort(-cosines, kind="stable")[:k]
        return [(self.texts[i], self.chunks[i]) for i in order]

    def matching(self, predicate: Callable[[str], bool], limit: int) -> list[tuple[str, Chunk]]:
        """Corpus sentences for which ``predicate`` holds, in corpus order, at most ``limit``."""
        found: list[tuple[str, Chunk]] = []
        for text, chunk in zip(self.texts, self.chunks, strict=True):
            if predicate(text):
                found.append((text, chunk))
                if len(found) >= limit:
                    break
        return found
