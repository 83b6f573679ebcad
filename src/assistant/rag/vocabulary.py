"""The corpus vocabulary: document frequencies, IDF weights and one-edit typo correction.

Chat questions carry typos ("hamill", "bantuab"); a query word the corpus never uses is mapped to
the most frequent corpus word one edit away (deletion neighbourhoods, as in SymSpell), so typos
neither miss the lexical ranking nor look like an unknown topic to the confidence score.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

_MIN_CORRECTABLE = 5  # shorter words are too ambiguous to correct ("enak" is not a typo of "anak")


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Vocabulary:
    def __init__(self, token_lists: Sequence[Sequence[str]]) -> None:
        frequency: dict[str, int] = {}
        for tokens in token_lists:
            for token in set(tokens):
                frequency[token] = frequency.get(token, 0) + 1
        n = max(1, len(token_lists))
        self._frequency = frequency
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}
        self.unknown_idf = math.log(1 + (n + 0.5) / 0.5)
        self._neighbours: dict[str, list[str]] = {}
        for token in frequency:
            if len(token) >= _MIN_CORRECTABLE and not token.isdigit():
                for variant in _deletes(token) | {token}:
                    self._neighbours.setdefault(variant, []).append(token)

    def __contains__(self, token: str) -> bool:
        return token in self._idf

    def idf(self, token: str) -> float:
        """Inverse document frequency; a word the corpus never uses weighs most."""
        return self._idf.get(token, self.unknown_idf)

    def correct(self, token: str) -> str | None:
        """The corpus word one edit (insert, delete, substitute) away, most frequent first; None if none."""
        if token in self._idf or len(token) < _MIN_CORRECTABLE or any(ch.isdigit() for ch in token):
            return None
        candidates: set[str] = set()
        for variant in _deletes(token) | {token}:
            candidates.update(self._neighbours.get(variant, ()))
        if not candidates:
            return None
        return max(candidates, key=lambda t: (self._frequency[t], t))

    def resolve(self, tokens: Iterable[str]) -> list[str]:
        """Query tokens with typos corrected where a close corpus word exists."""
        return [self.correct(t) or t for t in tokens]
