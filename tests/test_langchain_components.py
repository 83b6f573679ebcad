"""The hybrid retriever as a LangChain BaseRetriever and the embedder as LangChain Embeddings, composed
into an LCEL chain with LangChain's own vector store and a fake chat model (no network)."""

from __future__ import annotations

import numpy as np
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnablePassthrough
from langchain_core.vectorstores import InMemoryVectorStore

from assistant.adapters.fakes import FakeKnowledgeBase, HashEmbedder
from assistant.adapters.langchain_components import AssistantEmbeddings, AssistantRetriever


def test_retriever_returns_documents_with_citation_metadata():
    retriever = AssistantRetriever(knowledge=FakeKnowledgeBase(), k=2)
    docs = retriever.invoke("berapa bantuan PKH ibu hamil")
    assert 1 <= len(docs) <= 2
    assert "Rp3.000.000" in docs[0].page_content
    assert docs[0].metadata["doc_id"] == "pkh-besaran" and docs[0].metadata["chunk_id"] == docs[0].id
    assert {"title", "section", "source_url", "source_year", "score", "program"} <= set(docs[0].metadata)


def test_retriever_passes_filters_to_the_search():
    knowledge = FakeKnowledgeBase()
    docs = AssistantRetriever(knowledge=knowledge, k=5, filters={"program": "lansia"}).invoke("bantuan PKH lansia")
    assert docs and all(d.metadata["program"] == "lansia" for d in docs)


def test_embeddings_use_query_and_passage_sides_of_the_embedder():
    embedder = HashEmbedder()
    embeddings = AssistantEmbeddings(embedder)
    [doc] = embeddings.embed_documents(["Bantuan ibu hamil Rp3.000.000"])
    assert np.allclose(doc, embedder.embed_passages(["Bantuan ibu hamil Rp3.000.000"])[0])
    assert np.allclose(embeddings.embed_query("ibu hamil"), embedder.embed_queries(["ibu hamil"])[0])
    store = InMemoryVectorStore.from_texts(["Sembako Rp200.000 per bulan", "Ibu hamil Rp3.000.000 per tahun"],
                                           embedding=embeddings)
    assert "hamil" in store.similarity_search("bantuan ibu hamil", k=1)[0].page_content


def test_retriever_composes_into_an_lcel_chain():
    prompt = ChatPromptTemplate.from_messages([("system", "Jawab dari kutipan."),
                                               ("human", "{context}\n\nPertanyaan: {question}")])
    model = GenericFakeChatModel(messages=iter([AIMessage(content="Rp3.000.000 per tahun [1].")]))
    seen: list[str] = []

    def context(docs) -> str:
        text = "\n".join(f"[{n}] {d.page_content}" for n, d in enumerate(docs, start=1))
        seen.append(text)
        return text

    chain = ({"context": AssistantRetriever(knowledge=FakeKnowledgeBase(), k=2) | RunnableLambda(context),
              "question": RunnablePassthrough()} | prompt | model)
    assert chain.invoke("berapa bantuan PKH ibu hamil").content == "Rp3.000.000 per tahun [1]."
    assert "Rp3.000.000" in seen[0]
