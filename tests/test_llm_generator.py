"""The LLM answer generator against a scripted OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
import socket

import pytest

from assistant.adapters.langchain_generator import LangChainGenerator, cite_passages
from assistant.errors import ConfigurationError, GenerationError
from assistant.models import Chunk, ScoredChunk
from assistant.rag.answer import DECLINE_TEXT
from assistant.rag.prompts import DECLINE_MARKER, system_prompt
from assistant.services import build_services
from assistant.settings import LLMSettings, Settings
from tests.support.fake_openai import FakeOpenAI


@pytest.fixture
def chat_server():
    with FakeOpenAI() as fake:
        yield fake


def _hit(chunk_id: str, text: str, *, section: str, caveat: str | None = None, dense: float | None = 0.9,
         year: int | None = 2024) -> ScoredChunk:
    doc_id = chunk_id.split("#")[0]
    chunk = Chunk(chunk_id=chunk_id, doc_id=doc_id, text=text, section=section, title="PKH", program="pkh",
                  source_url=f"https://contoh.go.id/{doc_id}", source_year=year, caveat=caveat)
    return ScoredChunk(chunk, score=0.03, dense_score=dense)


HITS = [
    _hit("pkh-besaran#0", "Komponen ibu hamil mendapat Rp3.000.000 per tahun.", section="Besaran bantuan"),
    _hit("pkh-daftar#1", "Pendaftaran PKH tidak dipungut biaya apa pun.", section="Pendaftaran"),
    _hit("sembako#2", "Program Sembako Rp200.000 per bulan.", section="Besaran",
         caveat="Besaran Sembako 2025 belum pasti. Pastikan ke pendamping PKH."),
]
QUESTION = "Berapa bantuan PKH untuk ibu hamil?"


def _generator(server: FakeOpenAI, **kwargs) -> LangChainGenerator:
    settings = LLMSettings(base_url=server.base_url, model="model-uji", timeout_seconds=kwargs.pop("timeout", 10.0),
                           api_key=kwargs.pop("api_key", None))
    kwargs.setdefault("max_retries", 0)
    return LangChainGenerator(settings, **kwargs)


def test_prompt_holds_numbered_passages_question_and_rules(chat_server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-jangan-bocor")
    chat_server.contents = ["Ibu hamil mendapat Rp3.000.000 per tahun [1]."]
    answer = _generator(chat_server).answer(QUESTION, HITS, "citizen")

    assert not answer.refused
    [request] = chat_server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer tidak-dipakai"  # never the OPENAI_API_KEY of the environment
    body = request["body"]
    assert body["model"] == "model-uji" and body["temperature"] == 0
    system, user = body["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    assert system["content"] == system_prompt("citizen")
    assert DECLINE_MARKER in system["content"] and "NIK" in system["content"]
    assert "HANYA berdasarkan kutipan" in system["content"] and "Penanya adalah warga" in system["content"]
    content = user["content"]
    assert "[1] PKH > Besaran bantuan (sumber tahun 2024)\nKomponen ibu hamil mendapat Rp3.000.000 per tahun." in content
    assert "[2] PKH > Pendaftaran (sumber tahun 2024)\nPendaftaran PKH tidak dipungut biaya apa pun." in content
    assert "[3] PKH > Besaran" in content
    assert "Catatan kehati-hatian: Besaran Sembako 2025 belum pasti." in content
    assert content.index("[1]") < content.index("[2]") < content.index("[3]") < content.index(QUESTION)
    assert f"Pertanyaan: {QUESTION}" in content


def test_facilitator_prompt_asks_for_fuller_answer_with_regulations(chat_server):
    _generator(chat_server, api_key="kunci-uji").answer(QUESTION, HITS, "facilitator")
    [request] = chat_server.requests
    assert request["auth"] == "Bearer kunci-uji"
    system = request["body"]["messages"][0]["content"]
    assert "pendamping atau petugas" in system and "peraturan" in system
    assert "Penanya adalah warga" not in system


def test_citations_are_renumbered_by_first_use_and_invalid_markers_dropped(chat_server):
    chat_server.contents = [
        "Pendaftaran gratis [2]. Ibu hamil dapat Rp3.000.000 per tahun [1, 2]. Ada juga bantuan lain [7]. "
        "Rinciannya di pedoman [0][2]."
    ]
    answer = _generator(chat_server).answer(QUESTION, HITS, "citizen")

    assert not answer.refused
    assert answer.text == (
        "Pendaftaran gratis [1]. Ibu hamil dapat Rp3.000.000 per tahun [2][1]. Ada juga bantuan lain. "
        "Rinciannya di pedoman [1]."
    )
    assert [(c.n, c.chunk_id) for c in answer.citations] == [(1, "pkh-daftar#1"), (2, "pkh-besaran#0")]
    first = answer.citations[0]
    assert (first.doc_id, first.title, first.section, first.source_url, first.source_year) == (
        "pkh-daftar", "PKH", "Pendaftaran", "https://contoh.go.id/pkh-daftar", 2024)
    assert answer.hits == tuple(HITS) and answer.confidence == pytest.approx(0.9)
    assert "Catatan" not in answer.text  # no cited chunk carries a caveat


def test_cite_passages_counts_only_given_passages():
    chunks = [h.chunk for h in HITS[:2]]
    text, citations, cited = cite_passages("A [3]. B [2;2]. C [1] .", chunks)
    assert text == "A. B [1]. C [2]."
    assert [c.chunk_id for c in citations] == ["pkh-daftar#1", "pkh-besaran#0"]
    assert cited == [chunks[1], chunks[0]]
    text, citations, _ = cite_passages("C [1].", chunks)
    assert text == "C [1]." and citations[0].chunk_id == "pkh-besaran#0"


def test_caveat_of_a_cited_chunk_is_appended_like_the_extractive_answer(chat_server):
    chat_server.contents = ["Sembako diberikan Rp200.000 per bulan [3]. Pendaftarannya gratis [2]."]
    answer = _generator(chat_server).answer("Berapa bantuan sembako?", HITS, "citizen")
    assert answer.text == (
        "Sembako diberikan Rp200.000 per bulan [1]. Pendaftarannya gratis [2].\n\n"
        "Catatan: Besaran Sembako 2025 belum pasti. Pastikan ke pendamping PKH."
    )
    assert [c.chunk_id for c in answer.citations] == ["sembako#2", "pkh-daftar#1"]


def test_uncited_caveat_is_not_appended(chat_server):
    chat_server.contents = ["Ibu hamil mendapat Rp3.000.000 per tahun [1]."]
    answer = _generator(chat_server).answer(QUESTION, HITS, "citizen")
    assert answer.text == "Ibu hamil mendapat Rp3.000.000 per tahun [1]."


@pytest.mark.parametrize("reply", [
    DECLINE_MARKER,
    f"{DECLINE_MARKER}.",
    f"Maaf. {DECLINE_MARKER.lower()}",
])
def test_decline_marker_is_a_refusal(chat_server, reply):
    chat_server.contents = [reply]
    answer = _generator(chat_server).answer("Kapan Piala Dunia?", HITS, "citizen")
    assert answer.refused and answer.text == DECLINE_TEXT and answer.citations == ()
    assert len(chat_server.requests) == 1


@pytest.mark.parametrize("reply", [
    "Bantuan ibu hamil Rp3.000.000 per tahun.",  # no marker at all
    "Bantuan ibu hamil Rp3.000.000 per tahun [4]. Daftar di desa [9].",  # only invalid markers
    "[1][2]",  # markers without any statement
    "",
])
def test_reply_without_valid_citation_is_a_refusal(chat_server, reply):
    chat_server.contents = [reply]
    answer = _generator(chat_server).answer(QUESTION, HITS, "citizen")
    assert answer.refused and answer.text == DECLINE_TEXT and answer.citations == ()


def test_no_hits_refuses_without_calling_the_model(chat_server):
    answer = _generator(chat_server).answer(QUESTION, [], "citizen")
    assert answer.refused and answer.text == DECLINE_TEXT and answer.citations == ()
    assert chat_server.requests == []


def test_weak_hits_refuse_without_calling_the_model_when_a_floor_is_set(chat_server):
    weak = [_hit("pkh-daftar#1", "Pendaftaran PKH gratis.", section="Pendaftaran", dense=0.71)]
    answer = _generator(chat_server, min_hits_confidence=0.8).answer(QUESTION, weak, "citizen")
    assert answer.refused and answer.confidence == pytest.approx(0.71)
    assert chat_server.requests == []
    strong = _generator(chat_server, min_hits_confidence=0.7).answer(QUESTION, weak, "citizen")
    assert not strong.refused and len(chat_server.requests) == 1


def test_only_the_first_passages_are_shown(chat_server):
    chat_server.contents = ["Sembako Rp200.000 [3]."]
    answer = _generator(chat_server, max_passages=2).answer(QUESTION, HITS, "citizen")
    user = chat_server.requests[0]["body"]["messages"][1]["content"]
    assert "[2] PKH > Pendaftaran" in user and "[3]" not in user.split("Pertanyaan:")[0]
    assert answer.refused  # [3] points to a passage the model was not given


def test_nik_is_neither_sent_to_the_model_nor_repeated(chat_server):
    chat_server.contents = ["NIK 3204123456780001 terdaftar, ibu hamil dapat Rp3.000.000 [1]."]
    answer = _generator(chat_server).answer("NIK saya 3204 1234 5678 0001, berapa PKH ibu hamil?", HITS, "citizen")
    sent = json.dumps(chat_server.requests[0]["body"])
    assert "3204123456780001" not in sent and "1234 5678" not in sent and "3204********0001" in sent
    assert "3204123456780001" not in answer.text and "3204********0001" in answer.text


def test_server_error_is_a_generation_error(chat_server):
    chat_server.status = 500
    with pytest.raises(GenerationError) as caught:
        _generator(chat_server).answer(QUESTION, HITS, "citizen")
    assert caught.value.code == "generation_http_error"
    assert "HTTP 500" in caught.value.message and "coba lagi" in caught.value.message
    assert len(chat_server.requests) == 1
    with pytest.raises(GenerationError):
        _generator(chat_server, max_retries=1).answer(QUESTION, HITS, "citizen")
    assert len(chat_server.requests) == 3  # the configured retry was made


def test_timeout_is_a_generation_error(chat_server):
    chat_server.delay = 5.0
    with pytest.raises(GenerationError) as caught:
        _generator(chat_server, timeout=0.3).answer(QUESTION, HITS, "citizen")
    assert caught.value.code == "generation_timeout"
    assert "tidak menjawab dalam 0.3 detik" in caught.value.message


def test_unreachable_endpoint_is_a_generation_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the request: connection refused
    generator = LangChainGenerator(LLMSettings(base_url=f"http://127.0.0.1:{port}/v1"), max_retries=0)
    with pytest.raises(GenerationError) as caught:
        generator.answer(QUESTION, HITS, "citizen")
    assert caught.value.code == "generation_unavailable"
    assert "ASSISTANT_LLM__BASE_URL" in caught.value.message


def test_unreadable_reply_is_a_generation_error(chat_server):
    chat_server.raw = b"<html>bukan json</html>"
    with pytest.raises(GenerationError) as caught:
        _generator(chat_server).answer(QUESTION, HITS, "citizen")
    assert caught.value.code == "generation_bad_response"


def test_missing_base_url_is_a_configuration_error():
    with pytest.raises(ConfigurationError) as caught:
        LangChainGenerator(LLMSettings())
    assert "ASSISTANT_LLM__BASE_URL" in caught.value.message


def test_build_services_picks_the_llm_generator(chat_server, tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path, generator="llm",
                        llm={"base_url": chat_server.base_url, "model": "model-uji"})
    generator = build_services(settings).generator
    assert isinstance(generator, LangChainGenerator)
    generator.answer(QUESTION, HITS, "citizen")
    assert chat_server.requests[0]["body"]["model"] == "model-uji"

    unconfigured = build_services(Settings(_env_file=None, data_dir=tmp_path / "b", generator="llm"))
    with pytest.raises(ConfigurationError):
        _ = unconfigured.generator
    assert build_services(Settings(_env_file=None, data_dir=tmp_path / "c")).generator is None
