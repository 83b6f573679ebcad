"""BM25Index against the rank_bm25 reference, plus filters, limits and edge cases."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from assistant.rag.lexical import BM25Index
from assistant.rag.text import tokenize


class LuceneIdfBM25Okapi(BM25Okapi):
    """rank_bm25's Okapi scoring with the non-negative idf BM25Index uses: the reference."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, freq in nd.items():
            self.idf[word] = math.log(1.0 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


CORPUS = [
    "Ibu hamil menerima bantuan PKH Rp3.000.000 per tahun, dibayar Rp750.000 per tahap.",
    "Anak usia dini mendapat Rp3.000.000 per tahun dari PKH.",
    "Anak SD menerima Rp900.000 per tahun; anak SMP Rp1.500.000; anak SMA Rp2.000.000.",
    "Lansia berusia 60 tahun ke atas mendapat Rp2.400.000 per tahun.",
    "Pendaftaran DTSEN dilakukan melalui desa atau kelurahan dengan membawa KTP dan KK.",
    "Posyandu menimbang balita setiap bulan untuk mencegah stunting.",
    "Call Center Kemensos 171 melayani pengaduan bansos.",
    "Keluarga risiko stunting (KRS) didampingi TPK dari BKKBN.",
]
QUERIES = [
    "brp bantuan pkh utk bumil per thn?",
    "cara daftar dtsen bawa apa",
    "bansos lansia 60 tahun",
    "anak sma dapat berapa",
    "stunting balita posyandu",
    "pkh pkh 3 juta",
    "resep rendang",
]


@pytest.fixture(scope="module")
def docs() -> list[list[str]]:
    return [tokenize(text) for text in CORPUS]


@pytest.mark.parametrize("query", QUERIES)
def test_scores_match_rank_bm25_reference(docs: list[list[str]], query: str) -> None:
    tokens = tokenize(query)
    reference = LuceneIdfBM25Okapi(docs).get_scores(tokens)
    index = BM25Index(docs)
    np.testing.assert_allclose(index.scores(tokens), reference, rtol=1e-12, atol=1e-12)
    expected = [int(i) for i in sorted(range(len(docs)), key=lambda i: (-reference[i], i)) if reference[i] > 0]
    assert [pos for pos, _ in index.search(tokens, k=len(docs))] == expected


def test_hand_checked_rankings(docs: list[list[str]]) -> None:
    index = BM25Index(docs)
    assert index.search(tokenize("brp bantuan pkh utk bumil per thn?"), k=1)[0][0] == 0
    assert index.search(tokenize("cara daftar dtsen bawa apa"), k=1)[0][0] == 4
    assert index.search(tokenize("lansia umur 60"), k=1)[0][0] == 3
    assert index.search(tokenize("TPK untuk KRS"), k=1)[0][0] == 7
    assert [p for p, _ in index.search(tokenize("stunting"), k=5)] == [5, 7]  # shorter document first
    assert index.search(tokenize("resep rendang"), k=5) == []


def test_random_corpus_matches_reference_top_k() -> None:
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(400)]
    weights = [1.0 / (i + 1) for i in range(len(vocab))]  # Zipf-like, so some terms are very common
    docs = [rng.choices(vocab, weights, k=rng.randint(5, 80)) for _ in range(300)]
    index = BM25Index(docs, k1=1.2, b=0.6)
    reference = LuceneIdfBM25Okapi(docs, k1=1.2, b=0.6)
    for _ in range(25):
        query = rng.choices(vocab, weights, k=rng.randint(1, 6))
        ref = reference.get_scores(query)
        got = index.search(query, k=10)
        expected = [i for i in sorted(range(len(docs)), key=lambda i: (-ref[i], i)) if ref[i] > 0][:10]
        assert [p for p, _ in got] == expected
        np.testing.assert_allclose([s for _, s in got], ref[expected], rtol=1e-12)


def test_allowed_mask_filters_documents(docs: list[list[str]]) -> None:
    index = BM25Index(docs)
    query = tokenize("Rp3.000.000 per tahun")
    unfiltered = [p for p, _ in index.search(query, k=10)]
    assert unfiltered == [1, 0, 3, 2]  # the short doc 1 beats doc 0; doc 3 says "tahun" twice
    allowed = [i != 1 for i in range(len(docs))]
    filtered = index.search(query, k=10, allowed=allowed)
    assert [p for p, _ in filtered] == [p for p in unfiltered if p != 1]
    assert index.search(query, k=10, allowed=[False] * len(docs)) == []
    with pytest.raises(ValueError, match="allowed has 3 entries"):
        index.search(query, k=10, allowed=[True, True, True])


def test_k_limits_and_scores_descend(docs: list[list[str]]) -> None:
    index = BM25Index(docs)
    hits = index.search(tokenize("anak tahun pkh"), k=2)
    assert len(hits) == 2
    full = index.search(tokenize("anak tahun pkh"), k=100)
    assert hits == full[:2]
    assert all(a[1] >= b[1] for a, b in zip(full, full[1:], strict=False))
    assert all(score > 0 for _, score in full)
    assert index.search(tokenize("anak"), k=0) == []
    assert index.search([], k=5) == []


def test_ties_break_by_position_even_at_the_cut() -> None:
    docs = [["a", "x"], ["b", "x"], ["c", "x"], ["d", "x"]]
    index = BM25Index(docs)
    assert [p for p, _ in index.search(["x"], k=2)] == [0, 1]
    assert [p for p, _ in index.search(["x"], k=4)] == [0, 1, 2, 3]


def test_repeated_query_terms_weigh_more(docs: list[list[str]]) -> None:
    index = BM25Index(docs)
    once = dict(index.search(["pkh"], k=10))
    twice = dict(index.search(["pkh", "pkh"], k=10))
    assert twice == pytest.approx({p: 2 * s for p, s in once.items()})


def test_empty_corpus_and_empty_documents() -> None:
    assert BM25Index([]).search(["pkh"], k=3) == []
    index = BM25Index([[], ["pkh"], []])
    assert [p for p, _ in index.search(["pkh"], k=3)] == [1]
    assert BM25Index([[], []]).search(["pkh"], k=3) == []
    assert len(index) == 3 and index.vocabulary_size == 1


def test_common_term_keeps_positive_weight() -> None:
    # rank_bm25's plain Okapi idf goes to ~0 or is floored for a term in most documents; ours stays positive.
    docs = [["pkh", "lansia"], ["pkh", "anak"], ["pkh", "ibu"]]
    hits = BM25Index(docs).search(["pkh"], k=3)
    assert [p for p, _ in hits] == [0, 1, 2]
    assert all(score > 0 for _, score in hits)


def test_function_words_do_not_match_passages() -> None:
    # "gk pernah dpt PKH" shares only function words with "Petugas tidak pernah meminta biaya"
    assert tokenize("tp kok gk pernah dpt PKH ya sampe skrg?") == ["pkh", "sekarang"]
    assert "pernah" not in tokenize("Petugas resmi tidak pernah meminta biaya.")
