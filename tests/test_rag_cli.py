"""The `assistant` ingest/search/ask commands: output shapes, exit codes and Indonesian messages.

The commands run on the deterministic HashEmbedder (the real model's answers are tested in
test_rag_answers.py and by the eval gate, which runs these same commands).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.adapters.fakes import HashEmbedder
from assistant.cli import cli, rag_commands
from assistant.services import Services


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setattr(rag_commands, "build_services", lambda settings: Services(settings, embedder=HashEmbedder()))

    def invoke(data_dir, *args):
        for key in list(__import__("os").environ):
            if key.startswith("ASSISTANT_"):
                monkeypatch.delenv(key)
        monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data_dir))
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)  # .output has stderr too

    return invoke


def test_ask_json_has_the_documented_shape(run, hashed_services):
    result = run(hashed_services.settings.data_dir, "ask", "--json", "Berapa bantuan PKH untuk ibu hamil per tahun?")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"answer", "refused", "citations", "latency_ms", "degraded"}
    assert payload["refused"] is False and "3.000.000" in payload["answer"]
    citation = payload["citations"][0]
    assert set(citation) == {"n", "doc_id", "title", "section", "source_url", "source_year", "chunk_id",
                             "regulations"}
    assert isinstance(citation["regulations"], list)
    assert citation["n"] == 1


def test_ask_text_lists_sources(run, hashed_services):
    result = run(hashed_services.settings.data_dir, "ask", "--audience", "facilitator", "Apa dasar hukum DTSEN?")
    assert result.exit_code == 0, result.output
    assert "Sumber:" in result.output and "[1]" in result.output


def test_search_json_returns_scored_chunks(run, hashed_services):
    result = run(hashed_services.settings.data_dir, "search", "--json", "-k", "3", "--program", "pkh", "tahap pencairan")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3 and all(h["doc_id"].startswith(("pkh", "faq-pkh")) for h in hits)
    assert hits[0]["score"] >= hits[-1]["score"]


def test_empty_question_is_a_clear_input_error(run, hashed_services):
    result = run(hashed_services.settings.data_dir, "ask", "   ")
    assert result.exit_code == 2
    assert "Pertanyaan tidak boleh kosong" in result.output


def test_missing_index_says_what_to_do(run, tmp_path):
    result = run(tmp_path, "ask", "Berapa bantuan PKH?")
    assert result.exit_code == 3
    assert "assistant ingest" in result.output


def test_ingest_of_a_missing_folder_fails_cleanly(run, tmp_path):
    result = run(tmp_path, "ingest", str(tmp_path / "tidak-ada"))
    assert result.exit_code == 2
    assert "tidak ditemukan" in result.output
