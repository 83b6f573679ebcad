"""BM25 over pre-tokenised documents, with an inverted index in numpy.

Term weights are precomputed per posting at build time, so a query costs one vectorised
scatter-add per query term over that term's postings: well under a millisecond at 10k chunks.
Scoring is Okapi BM25 with the non-negative Lucene idf, ``log(1 + (N - n + 0.5) / (n + 0.5))``,
so a term found in most documents still counts a little instead of turning negative.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np


class BM25Index:
    """An immutable BM25 index over documents given as token lists (see ``text.tokenize``)."""

    def __init__(self, tokenized_docs: Sequence[Sequence[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.size = len(tokenized_docs)
        lengths = np.fromiter((len(d) for d in tokenized_docs), dtype=np.float64, count=self.size)
        self.avgdl = float(lengths.mean()) if self.size and lengths.sum() else 1.0

        # Vectorised build: term ids per token, then unique (doc, term) pairs with their counts,
        # regrouped by term into one flat postings array addressed by per-term offsets.
        self._vocab: dict[str, int] = {}
        term_of_token = np.fromiter(
            (self._vocab.setdefault(t, len(self._vocab)) for doc in tokenized_docs for t in doc),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        n_terms = len(self._vocab)
        doc_of_token = np.repeat(np.arange(self.size, dtype=np.int64), lengths.astype(np.int64))
        pairs, tf = np.unique(doc_of_token * max(n_terms, 1) + term_of_token, return_counts=True)
        pair_doc, pair_term = np.divmod(pairs, max(n_terms, 1))
        by_term = np.argsort(pair_term, kind="stable")  # stable: documents stay ascending per term
        self._docs = pair_doc[by_term]
        doc_freq = np.bincount(pair_term, minlength=n_terms)
        self._offsets = np.concatenate(([0], np.cumsum(doc_freq)))
        idf = np.log1p((self.size - doc_freq + 0.5) / (doc_freq + 0.5))
        tf_sorted = tf[by_term].astype(np.float64)
        norm = k1 * (1.0 - b + b * lengths / self.avgdl)
        self._weights = idf[pair_term[by_term]] * tf_sorted * (k1 + 1.0) / (tf_sorted + norm[self._docs])

    def __len__(self) -> int:
        return self.size

    @property
    def vocabulary_size(self) -> int:
        return len(self._vocab)

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document (a repeated query token counts once per occurrence)."""
        scores = np.zeros(self.size, dtype=np.float64)
        for term, count in Counter(query_tokens).items():
            term_id = self._vocab.get(term)
            if term_id is not None:
                lo, hi = self._offsets[term_id], self._offsets[term_id + 1]
                weights = self._weights[lo:hi]
                scores[self._docs[lo:hi]] += weights if count == 1 else weights * count
        return scores

    def search(
        self, query_tokens: Sequence[str], k: int, allowed: Sequence[bool] | np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top-k documents for a tokenised query.

        Args:
            query_tokens: Tokens from the same tokenizer as the documents.
            k: How many results at most.
            allowed: Optional mask, one bool per document (False drops it, e.g. other program).

        Returns:
            (document position, score) pairs, best first; ties by position. Documents with a zero
            score (no query term) are never returned.

        Raises:
            ValueError: ``allowed`` does not have one entry per document.
        """
        if k <= 0 or not self.size or not query_tokens:
            return []
        scores = self.scores(query_tokens)
        if allowed is not None:
            mask = np.asarray(allowed, dtype=bool)
            if mask.shape != (self.size,):
                raise ValueError(f"allowed has {mask.size} entries, index has {self.size} documents")
            scores[~mask] = 0.0
        candidates = np.flatnonzero(scores > 0.0)
        if candidates.size > k:
            kth_best = -np.partition(-scores[candidates], k - 1)[k - 1]
            candidates = candidates[scores[candidates] >= kth_best]  # keep ties for a stable cut
        order = np.lexsort((candidates, -scores[candidates]))
        ranked = candidates[order][:k]
        return [(int(i), float(scores[i])) for i in ranked]
