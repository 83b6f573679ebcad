"""The `assistant` ingest/search/ask commands: output shapes, exit codes and Indonesian messages."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.cli import cli

pytestmark = pytest.mark.slow


@pytest.fixture
def run(monkeypatch):
    def invoke(data_dir, *args):
        for key in list(__import__("os").environ):
            if key.startswith("ASSISTANT_"):
                monkeypatch.delenv(key)
        monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data_dir))
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)  # .output has stderr too

    return invoke


def test_ask_json_has_the_documented_shape(run, indexed_services):
    result = run(indexed_services.settings.data_dir, "ask", "--json", "Berapa bantuan PKH untuk ibu hamil per tahun?")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"answer", "refused", "citations", "latency_ms", "degraded"}
    assert payload["refused"] is False and "3.000.000" in payload["answer"]
    citation = payload["citations"][0]
    assert set(citation) == {"n", "doc_id", "title", "section", "source_url", "source_year", "chunk_id"}
    assert citation["n"] == 1


def test_ask_text_lists_sources(run, indexed_services):
    result = run(indexed_services.settings.data_dir, "ask", "--audience", "facilitator", "Apa dasar hukum DTSEN?")
    assert result.exit_code == 0, result.output
    assert "Sumber:" in result.output and "[1]" in result.output


def test_search_json_returns_scored_chunks(run, indexed_services):
    result = run(indexed_services.settings.data_dir, "search", "--json", "-k", "3", "--program", "pkh", "tahap pencairan")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3 and all(h["doc_id"].startswith(("pkh", "faq-pkh")) for h in hits)
    assert hits[0]["score"] >= hits[-1]["score"]


def test_empty_question_is_a_clear_input_error(run, indexed_services):
    result = run(indexed_services.settings.data_dir, "ask", "   ")
    assert result.exit_code == 2
    assert "Pertanyaan tidak boleh kosong" in result.output


def test_missing_index_says_what_to_do(run, tmp_path, models_dir):
    (tmp_path / "models").symlink_to(models_dir, target_is_directory=True)
    result = run(tmp_path, "ask", "Berapa bantuan PKH?")
    assert result.exit_code == 3
    assert "assistant ingest" in result.output


def test_ingest_of_a_missing_folder_fails_cleanly(run, tmp_path, models_dir):
    (tmp_path / "models").symlink_to(models_dir, target_is_directory=True)
    result = run(tmp_path, "ingest", str(tmp_path / "tidak-ada"))
    assert result.exit_code == 2
    assert "tidak ditemukan" in result.output
