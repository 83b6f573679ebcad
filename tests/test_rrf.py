"""Reciprocal rank fusion, hand-computed."""

from __future__ import annotations

import pytest

from assistant.rag.retrieve import rrf_fuse


def test_rrf_adds_reciprocal_ranks():
    fused = rrf_fuse([["a", "b"], ["b", "c"]], k=60)
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["c"] == pytest.approx(1 / 62)


def test_weights_scale_each_ranking():
    fused = rrf_fuse([["a"], ["b"]], k=60, weights=[1.0, 1.5])
    assert fused["b"] == pytest.approx(1.5 / 61) and fused["b"] > fused["a"]
