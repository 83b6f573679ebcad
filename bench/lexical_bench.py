"""Lexical retrieval benchmark: BM25Index vs rank_bm25.BM25Okapi on synthetic chunks.

Prints build time and per-query p50/p95 at 1k and 10k chunks of ~150 tokens, both libraries in
the same run, plus the cost of tokenising a query (Sastrawi stemming, cold and cached).

    .venv/bin/python bench/lexical_bench.py [--queries 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import time

import numpy as np
from rank_bm25 import BM25Okapi
from stats import format_ms, timed

from assistant.rag.lexical import BM25Index
from assistant.rag.text import stem, tokenize

VOCABULARY = 30_000
WORDS_PER_CHUNK = 150
TOP_K = 20


def synthetic_corpus(rng: random.Random, n_docs: int) -> tuple[list[list[str]], list[str], list[float]]:
    vocab = [f"t{i}" for i in range(VOCABULARY)]
    weights = [1.0 / (i + 1) ** 1.05 for i in range(VOCABULARY)]  # Zipf, like real text
    docs = [rng.choices(vocab, weights, k=max(20, int(rng.gauss(WORDS_PER_CHUNK, 30)))) for _ in range(n_docs)]
    return docs, vocab, weights


def run(n_docs: int, n_queries: int, rng: random.Random) -> None:
    docs, vocab, weights = synthetic_corpus(rng, n_docs)
    # Queries: 3-7 tokens, mostly mid-frequency content words plus one common word.
    queries = [
        rng.choices(vocab[50:5000], k=rng.randint(2, 6)) + rng.choices(vocab[:50], k=1) for _ in range(n_queries)
    ]
    allowed = [rng.random() < 0.5 for _ in range(n_docs)]

    start = time.perf_counter()
    index = BM25Index(docs)
    build_ours = time.perf_counter() - start
    start = time.perf_counter()
    reference = BM25Okapi(docs)
    build_ref = time.perf_counter() - start

    def reference_search(q: list[str]) -> list[int]:
        scores = reference.get_scores(q)
        top = np.argpartition(-scores, TOP_K)[:TOP_K]
        return top[np.argsort(-scores[top])].tolist()

    for q in queries[:5]:  # warm up
        index.search(q, TOP_K)
        reference_search(q)
    ours = timed(lambda q: index.search(q, TOP_K), queries)
    ours_filtered = timed(lambda q: index.search(q, TOP_K, allowed=allowed), queries)
    allowed_array = np.asarray(allowed, dtype=bool)
    ours_filtered_np = timed(lambda q: index.search(q, TOP_K, allowed=allowed_array), queries)
    ref_queries = queries[: max(20, n_queries // 3)]  # rank_bm25 is slow; fewer runs suffice
    ref = timed(reference_search, ref_queries)

    print(f"\n{n_docs:>6} chunks, ~{WORDS_PER_CHUNK} tokens each, vocabulary {index.vocabulary_size}, top-{TOP_K}")
    print(f"  build   BM25Index {build_ours * 1000:8.1f} ms | rank_bm25.BM25Okapi {build_ref * 1000:8.1f} ms")
    for name, samples in (
        ("BM25Index", ours),
        ("BM25Index + list mask", ours_filtered),
        ("BM25Index + numpy mask", ours_filtered_np),
        ("rank_bm25.BM25Okapi", ref),
    ):
        print(f"  query   {name:<24} {format_ms(samples, digits=3)}  (n={len(samples)})")


def tokenizer_cost() -> None:
    questions = [
        "Berapa bantuan PKH untuk ibu hamil per tahun?",
        "gmn cara daftar dtsen kalo blm punya ktp",
        "apakah lansia 70 thn bisa dapat bantuan pkh",
        "kenapa bansos saya tidak cair bulan ini",
        "syarat pendaftaran pendampingan keluarga risiko stunting",
    ]
    stem.cache_clear()
    cold = timed(tokenize, questions)
    warm = timed(tokenize, questions * 20)
    print("\nquery tokenisation (normalise + stop words + Sastrawi stem)")
    print(f"  cold (first sight of each word) {format_ms(cold, (50,), digits=3)}  max {max(cold):7.3f} ms")
    print(f"  warm (stem cache hit)           {format_ms(warm, digits=3)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"lexical bench: {os.cpu_count()} cores, numpy {np.__version__}")
    tokenizer_cost()
    for n_docs in (1_000, 10_000):
        run(n_docs, args.queries, random.Random(args.seed))


if __name__ == "__main__":
    main()
