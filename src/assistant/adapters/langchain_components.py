"""The assistant's retriever and embedder as LangChain components, for users composing their own chains.

``AssistantRetriever`` is a LangChain ``BaseRetriever`` over the hybrid search (BM25 + dense, rank
fusion) of a ``KnowledgeBase``; ``AssistantEmbeddings`` is a LangChain ``Embeddings`` over the
assistant's embedder (e5 query/passage prompts applied). Each passage comes back as a LangChain
``Document`` with its citation metadata, so a chain can cite like the assistant does.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.models import ScoredChunk
from assistant.ports import Embedder, KnowledgeBase


def as_document(hit: ScoredChunk) -> Document:
    """A retrieved passage as a LangChain Document (text plus citation metadata)."""
    chunk = hit.chunk
    metadata: dict[str, Any] = {
        "chunk_id": chunk.chunk_id, "doc_id": chunk.doc_id, "title": chunk.title, "section": chunk.section,
        "program": chunk.program, "audience": chunk.audience, "source_url": chunk.source_url,
        "source_year": chunk.source_year, "score": hit.score,
    }
    if chunk.caveat:
        metadata["caveat"] = chunk.caveat
    return Document(page_content=chunk.text, metadata=metadata, id=chunk.chunk_id)


class AssistantRetriever(BaseRetriever):
    """LangChain retriever over the assistant's hybrid search.

    Example:
        retriever = AssistantRetriever(knowledge=services.knowledge, k=4, filters={"program": "pkh"})
        docs = retriever.invoke("syarat PKH lansia")
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    knowledge: Any  # ports.KnowledgeBase (a Protocol, so not validated by pydantic)
    k: int = 5
    filters: dict[str, str] | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        knowledge: KnowledgeBase = self.knowledge
        return [as_document(hit) for hit in knowledge.search(query, k=self.k, filters=self.filters)]


class AssistantEmbeddings(Embeddings):
    """LangChain embeddings over the assistant's embedder (documents as passages, queries as queries)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in row] for row in self.embedder.embed_passages(texts)]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self.embedder.embed_queries([text])[0]]
