"""`assistant ask` with ASSISTANT_GENERATOR=llm: the real command, index and generator, and a scripted
OpenAI-compatible server on loopback as the model (HashEmbedder index of the shipped corpus)."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from assistant.adapters.fakes import HashEmbedder
from assistant.cli import cli, rag_commands
from assistant.services import Services
from tests.support.fake_llm import citing
from tests.support.fake_openai import FakeOpenAI

QUESTION = "Berapa bantuan PKH untuk ibu hamil per tahun?"


@pytest.fixture
def ask(monkeypatch, hashed_services):
    monkeypatch.setattr(rag_commands, "build_services", lambda settings: Services(settings, embedder=HashEmbedder()))
    with FakeOpenAI() as fake:
        def invoke(*args: str):
            for key in list(os.environ):
                if key.startswith("ASSISTANT_"):
                    monkeypatch.delenv(key)
            monkeypatch.setenv("ASSISTANT_DATA_DIR", str(hashed_services.settings.data_dir))
            monkeypatch.setenv("ASSISTANT_GENERATOR", "llm")
            monkeypatch.setenv("ASSISTANT_LLM__BASE_URL", fake.base_url)
            monkeypatch.setenv("ASSISTANT_LLM__MAX_RETRIES", "0")
            result = CliRunner().invoke(cli, ["ask", "--json", *args], catch_exceptions=False)
            assert result.exit_code == 0, result.output
            return json.loads(result.stdout)

        yield fake, invoke


def test_a_grounded_model_reply_is_used_as_written(ask):
    fake, invoke = ask
    fake.responder = citing("Bantuan PKH untuk ibu hamil adalah Rp3.000.000 per tahun", "Rp3.000.000", "hamil")
    payload = invoke(QUESTION)
    assert payload["answer"].startswith("Bantuan PKH untuk ibu hamil adalah Rp3.000.000 per tahun [1].")
    assert payload["citations"][0]["n"] == 1 and fake.requests


def test_an_invented_figure_never_reaches_the_user_who_gets_the_correct_one(ask):
    fake, invoke = ask
    fake.responder = citing("Bantuan PKH untuk ibu hamil adalah Rp10.000.000 per tahun", "Rp3.000.000", "hamil")
    payload = invoke(QUESTION)
    assert "10.000.000" not in payload["answer"] and "Rp3.000.000" in payload["answer"]
    assert fake.requests
