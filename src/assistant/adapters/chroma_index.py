"""Chroma vector index with generations: a new collection is built aside, then switched to at once.

The pointer to the active generation lives in the metadata of a small manifest collection, so
every process (and every API worker on a Chroma server) agrees on it, and a crash or Ctrl-C while
building leaves the previous generation active and fully queryable.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import ParseResult, urlparse

import numpy as np

from assistant.errors import ConfigurationError, IndexNotReadyError, IndexUnavailableError
from assistant.models import Chunk, regulations_from
from assistant.ports import IndexSnapshot

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

log = logging.getLogger(__name__)

_UNAVAILABLE = "Server indeks pengetahuan (Chroma) tidak menjawab. Coba lagi sebentar lagi."


@contextlib.contextmanager
def _reachable() -> Iterator[None]:
    """Turn a Chroma server that is down, slow or unreachable into IndexUnavailableError."""
    import httpx

    try:
        yield
    except httpx.TransportError as exc:  # connect refused, timeouts, dropped connections
        raise IndexUnavailableError(_UNAVAILABLE) from exc

_BATCH = 1000
_CHUNK_FIELDS = ("doc_id", "section", "title", "program", "audience", "source_url", "confidence", "caveat", "doc_hash")


def _metadata(chunk: Chunk, tokens: str) -> dict[str, Any]:
    meta: dict[str, Any] = {name: getattr(chunk, name, None) or "" for name in _CHUNK_FIELDS}
    meta["source_year"] = chunk.source_year if chunk.source_year is not None else -1
    meta["ordinal"] = chunk.ordinal
    meta["tokens"] = tokens
    # Chroma metadata values are scalars: the regulations travel as one JSON string.
    meta["regulations"] = json.dumps([asdict(r) for r in chunk.regulations], ensure_ascii=False)
    return meta


def _chunk(chunk_id: str, text: str, meta: Mapping[str, Any]) -> Chunk:
    year = meta.get("source_year", -1)
    fields = {name: meta.get(name) or "" for name in _CHUNK_FIELDS}
    for optional in ("confidence", "caveat"):
        fields[optional] = fields[optional] or None
    return Chunk(
        chunk_id=chunk_id,
        text=text,
        source_year=None if year in (-1, None) else int(year),
        ordinal=int(meta.get("ordinal", 0)),
        regulations=regulations_from(json.loads(str(meta.get("regulations") or "[]"))),
        **fields,
    )


_T = TypeVar("_T")


def _included(value: _T | None, name: str) -> _T:
    """A field asked for with ``include=`` (Chroma types them all as optional)."""
    if value is None:
        raise IndexNotReadyError(f"Penyimpanan Chroma tidak mengembalikan '{name}'. Jalankan ulang: assistant ingest")
    return value


def to_where(filters: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Translate {"program": "pkh", "audience": "citizen"} into a Chroma where clause."""
    clauses = []
    for key, value in (filters or {}).items():
        if value in (None, ""):
            continue
        if key == "audience":
            clauses.append({"audience": {"$in": [value, "both"]}})
        else:
            clauses.append({key: value})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class _VectorMirror:
    """A generation's vectors in memory: exact cosine search for the embedded store.

    A generation never changes once built, so its vectors can be held. Ranking a few hundred unit
    vectors with one matrix product costs about 0.04 ms of CPU against about 1 ms for a Chroma query
    (its HNSW graph, bindings and result objects), and on the core eval suite it gives the same answers.
    """

    def __init__(self, collection: Collection) -> None:
        page = collection.get(include=["embeddings", "metadatas"])
        self.ids: list[str] = list(page["ids"])
        matrix = np.asarray(_included(page["embeddings"], "embeddings"), dtype=np.float32).reshape(len(self.ids), -1)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        if len(self.ids) and not np.allclose(norms, 1.0, atol=1e-4):  # cosine space: Chroma compares unit vectors
            matrix = matrix / np.maximum(norms, 1e-12)
        self.matrix = matrix
        metadatas = _included(page["metadatas"], "metadatas")
        self._metadatas = [dict(m or {}) for m in metadatas]
        self._columns: dict[str, np.ndarray] = {}

    def _column(self, key: str) -> np.ndarray:
        if key not in self._columns:  # a benign race: two threads may build the same column
            self._columns[key] = np.array([m.get(key) for m in self._metadatas], dtype=object)
        return self._columns[key]

    def query(self, vector: np.ndarray, k: int, where: Mapping[str, Any] | None) -> list[tuple[str, float]]:
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(query))
        if norm and abs(norm - 1.0) > 1e-4:
            query = query / norm
        similarity = self.matrix @ query
        allowed = np.ones(len(self.ids), dtype=bool)
        for key, value in (where or {}).items():
            if value in (None, ""):
                continue
            column = self._column(key)
            allowed &= (column == value) | (column == "both") if key == "audience" else column == value
        candidates = np.flatnonzero(allowed)
        best = candidates[np.argsort(-similarity[candidates], kind="stable")][:k]
        # Chroma's cosine distance is 1 - similarity, and query() reports 1 - distance.
        return [(self.ids[i], 1.0 - float(np.float32(1.0) - similarity[i])) for i in best]


class ChromaSnapshot:
    """One generation of the index (a Chroma collection).

    Args:
        collection: the generation's collection.
        info: what the manifest records about it.
        in_memory: rank by the vectors held in memory (embedded store) instead of querying Chroma
            (a server, whose outages the retriever must notice).
    """

    def __init__(self, collection: Collection, info: Mapping[str, Any], *, in_memory: bool = False) -> None:
        self._collection = collection
        self.name: str = collection.name
        self.info = dict(info)
        self._in_memory = in_memory
        self._mirror: _VectorMirror | None = None
        self._mirror_lock = threading.Lock()

    def count(self) -> int:
        with _reachable():
            return self._collection.count()

    def query(self, vector: np.ndarray, k: int, where: Mapping[str, Any] | None = None) -> list[tuple[str, float]]:
        if self._in_memory:
            if self._mirror is None:
                with self._mirror_lock:
                    if self._mirror is None:
                        self._mirror = _VectorMirror(self._collection)
            return self._mirror.query(vector, k, where)
        with _reachable():
            result = self._collection.query(
                query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
                n_results=k,
                where=to_where(where),
                include=["distances"],
            )
        return [(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], _included(result["distances"], "distances")[0], strict=True)]

    def chunks_with_tokens(self) -> list[tuple[Chunk, str]]:
        out: list[tuple[Chunk, str]] = []
        total = self.count()
        for offset in range(0, total, _BATCH):
            with _reachable():
                page = self._collection.get(include=["documents", "metadatas"], limit=_BATCH, offset=offset)
            for cid, text, meta in zip(
                page["ids"], _included(page["documents"], "documents"), _included(page["metadatas"], "metadatas"),
                strict=True,
            ):
                out.append((_chunk(cid, text, meta), str(meta.get("tokens", ""))))
        out.sort(key=lambda pair: (pair[0].doc_id, pair[0].ordinal))
        return out

    def chunks(self) -> list[Chunk]:
        return [chunk for chunk, _ in self.chunks_with_tokens()]

    def vectors(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        ids = list(chunk_ids)
        for start in range(0, len(ids), _BATCH):
            with _reachable():
                page = self._collection.get(ids=ids[start : start + _BATCH], include=["embeddings"])
            embeddings: Any = _included(page["embeddings"], "embeddings")  # a list or an ndarray, by client
            for cid, vec in zip(page["ids"], embeddings, strict=True):
                out[cid] = np.asarray(vec, dtype=np.float32)
        return out


class ChromaVectorIndex:
    """Embedded PersistentClient by default; HttpClient when a server URL is configured."""

    def __init__(
        self,
        *,
        prefix: str,
        path: Path | None = None,
        url: str | None = None,
        timeout_seconds: float = 5.0,
        retired_grace_seconds: float = 300.0,
    ) -> None:
        import chromadb

        telemetry = chromadb.Settings(anonymized_telemetry=False)
        if url:
            parsed = urlparse(url)
            if not parsed.hostname:
                raise ConfigurationError(f"ASSISTANT_INDEX__CHROMA_URL tidak valid: {url}")
            self._client = self._http_client(chromadb, parsed, telemetry, timeout_seconds)
        else:
            assert path is not None
            path.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(path=str(path), settings=telemetry)
        self._embedded = not url  # a server's generations are queried there, so its outages show
        self._prefix = prefix
        self._manifest_name = f"{prefix}-manifest"
        self._retired_grace = retired_grace_seconds

    @staticmethod
    def _http_client(chromadb: Any, parsed: ParseResult, settings: Any, timeout_seconds: float) -> Any:
        """A Chroma HttpClient whose every request has a timeout (the library sets none)."""
        import httpx

        base = f"{parsed.scheme}://{parsed.hostname}:{parsed.port or (443 if parsed.scheme == 'https' else 8000)}"
        with _reachable():  # the client's constructor already talks to the server, without a timeout
            httpx.get(f"{base}/api/v2/heartbeat", timeout=timeout_seconds)
            client = chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        session = getattr(getattr(client, "_server", None), "_session", None)
        if isinstance(session, httpx.Client):
            session.timeout = httpx.Timeout(timeout_seconds)
        else:  # pragma: no cover - a chromadb release that moved its session; say so rather than hang
            log.warning("could not set a timeout on the Chroma HTTP client; a hung server will block requests")
        return client

    def _manifest(self) -> Collection:
        return self._client.get_or_create_collection(self._manifest_name, embedding_function=None)

    def active(self) -> ChromaSnapshot | None:
        with _reachable():
            meta = self._manifest().metadata or {}
        name = meta.get("active")
        if not name:
            return None
        try:
            with _reachable():
                collection = self._client.get_collection(name, embedding_function=None)
        except IndexUnavailableError:
            raise
        except Exception as exc:  # noqa: BLE001 - vendor raises several types for a missing collection
            raise IndexNotReadyError(
                "Indeks aktif tidak ditemukan di penyimpanan Chroma. Jalankan ulang: assistant ingest"
            ) from exc
        return ChromaSnapshot(collection, json.loads(meta.get("info", "{}")), in_memory=self._embedded)

    def build(
        self,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        tokens: Sequence[str],
        *,
        info: Mapping[str, Any],
    ) -> ChromaSnapshot:
        """Write a complete new generation; it is not visible until ``activate``."""
        name = f"{self._prefix}-gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        with _reachable():
            collection = self._client.create_collection(
                name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
            for start in range(0, len(chunks), _BATCH):
                part = chunks[start : start + _BATCH]
                collection.add(
                    ids=[c.chunk_id for c in part],
                    embeddings=np.asarray(vectors[start : start + _BATCH], dtype=np.float32),
                    documents=[c.text for c in part],
                    metadatas=[_metadata(c, t) for c, t in zip(part, tokens[start : start + _BATCH], strict=True)],
                )
        return ChromaSnapshot(collection, info)

    def activate(self, snapshot: IndexSnapshot) -> None:
        """Switch the pointer, then drop older generations nobody can still be reading.

        The generation just replaced is kept for ``retired_grace_seconds``: a running server notices
        the switch within seconds and finishes the queries it started on the old one, so an ingest
        while serving causes no errors. Crashed builds (never active) and generations retired longer
        ago are dropped. Names sort by build time, so a newer build running in parallel is left alone.
        """
        now = time.time()
        with _reachable():
            manifest = self._manifest()
            meta = manifest.metadata or {}
            retired = [(str(n), float(at)) for n, at in json.loads(meta.get("retired", "[]"))]
            previous = meta.get("active")
            if previous and previous != snapshot.name:
                retired.append((previous, now))
            keep = [(n, at) for n, at in retired if now - at < self._retired_grace and n != snapshot.name]
            manifest.modify(metadata={
                "active": snapshot.name, "info": json.dumps(snapshot.info), "retired": json.dumps(keep),
            })
            kept = {n for n, _ in keep}
            for collection in self._client.list_collections():
                name = collection if isinstance(collection, str) else collection.name
                if name.startswith(f"{self._prefix}-gen-") and name < snapshot.name and name not in kept:
                    self._client.delete_collection(name)

    def heartbeat(self) -> bool:
        with _reachable():
            self._client.heartbeat()
        return True

    def close(self) -> None:
        """Release the client (the embedded store's files, or the server connection pool)."""
        self._client.close()  # type: ignore[attr-defined]  # on every client since chromadb 1.0, not in ClientAPI
