"""Answers to repeated questions come from the cache, and a new index generation invalidates them."""

from __future__ import annotations

import pytest

from assistant.rag.cache import LruCache


def test_lru_keeps_the_most_recent_entries():
    cache: LruCache[str, int] = LruCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert (cache.hits, cache.misses) == (3, 1)


def test_size_zero_disables_the_cache():
    cache: LruCache[str, int] = LruCache(0)
    cache.put("a", 1)
    assert cache.get("a") is None and len(cache) == 0


@pytest.mark.slow
def test_repeated_question_is_answered_from_the_cache(indexed_services):
    kb = indexed_services.knowledge
    first = kb.ask("Berapa bantuan PKH untuk anak SMP?")
    encodes = indexed_services.embedder.stats["query_encodes"]
    again = kb.ask("  berapa bantuan PKH untuk anak SMP? ")
    assert again.text == first.text and again.citations == first.citations
    assert indexed_services.embedder.stats["query_encodes"] == encodes  # no new embedding, no new search
    facilitator = kb.ask("Berapa bantuan PKH untuk anak SMP?", audience="facilitator")
    assert indexed_services.embedder.stats["query_encodes"] == encodes  # query vector cached, answer is its own
    assert facilitator.citations
