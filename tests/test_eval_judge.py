"""The optional faithfulness judge against a tiny OpenAI-compatible server on loopback."""

from __future__ import annotations

import json

import pytest

from assistant.adapters.openai_judge import OpenAIFaithfulnessJudge, judge_from_settings
from assistant.errors import ConfigurationError
from assistant.evaluation.judge import judge_summary, parse_verdicts, split_sentences
from assistant.evaluation.metrics import check_reply
from assistant.evaluation.suite import Case
from assistant.settings import LLMSettings, Settings
from tests.support.fake_openai import FakeOpenAI


@pytest.fixture
def fake_openai():
    with FakeOpenAI() as fake:
        yield fake


ANSWER = "PKH untuk ibu hamil Rp3.000.000 per tahun [1]. Pendaftaran dipungut biaya. Tanyakan ke pendamping!"
SOURCES = ["Komponen ibu hamil: Rp3.000.000 per tahun.", "Pendaftaran PKH tidak dipungut biaya."]


def test_split_sentences():
    assert split_sentences(ANSWER) == [
        "PKH untuk ibu hamil Rp3.000.000 per tahun [1].",
        "Pendaftaran dipungut biaya.",
        "Tanyakan ke pendamping!",
    ]
    assert split_sentences("Baris satu\nBaris dua") == ["Baris satu", "Baris dua"]


def test_parse_verdicts_tolerates_code_fences_and_ignores_bad_numbers():
    content = '```json\n{"putusan": [{"kalimat": 1, "didukung": true}, {"kalimat": 9, "didukung": true}]}\n```'
    assert parse_verdicts(content, 2) == {1: True}
    with pytest.raises(ValueError):
        parse_verdicts("tidak tahu", 2)


def test_judge_scores_supported_share_and_sends_indonesian_prompt(fake_openai):
    fake_openai.contents = [json.dumps(
        {"putusan": [{"kalimat": 1, "didukung": True}, {"kalimat": 2, "didukung": False, "alasan": "bertentangan"}]}
    )]
    judge = OpenAIFaithfulnessJudge(fake_openai.base_url, "juri-kecil", api_key="k-rahasia")
    try:
        score, note = judge(ANSWER, SOURCES)
    finally:
        judge.close()
    assert score == 0.3333  # 1 of 3 sentences; sentence 3 had no verdict and counts as unsupported
    assert note == "tidak didukung: kalimat 2, 3"
    [request] = fake_openai.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer k-rahasia"
    body = request["body"]
    assert body["model"] == "juri-kecil" and body["temperature"] == 0
    system, user = body["messages"]
    assert system["role"] == "system" and "didukung oleh kutipan" in system["content"]
    assert "[2] Pendaftaran PKH tidak dipungut biaya." in user["content"]
    assert "2. Pendaftaran dipungut biaya." in user["content"]
    assert "Balas HANYA dengan JSON" in user["content"]


def test_judge_failure_is_a_note_not_a_crash(fake_openai):
    fake_openai.status = 500
    judge = OpenAIFaithfulnessJudge(fake_openai.base_url, "m")
    try:
        score, note = judge(ANSWER, SOURCES)
    finally:
        judge.close()
    assert score is None and note.startswith("penilai gagal: HTTPStatusError")


def test_judge_needs_a_configured_llm(fake_openai):
    with pytest.raises(ConfigurationError):
        judge_from_settings(Settings(_env_file=None))
    judge = judge_from_settings(Settings(_env_file=None, generator="llm", llm=LLMSettings(base_url=fake_openai.base_url, model="m2")))
    try:
        assert judge.model == "m2"
    finally:
        judge.close()


def test_judge_summary_is_the_mean_over_judged_answers():
    case = Case(id="a", turns=("q",))
    results = []
    for score in (1.0, 0.5, None):
        result = check_reply(case, answer="a", refused=False, citations=[], hit_doc_ids=[], hit_chunk_ids=[], latency_ms=1.0)
        result.faithfulness = score
        results.append(result)
    assert judge_summary(results, "m") == {"model": "m", "judged": 2, "faithfulness": 0.75}


def test_eval_command_with_judge_writes_judge_json(fake_openai, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from assistant.adapters.fakes import ScriptedConversation
    from assistant.cli import cli, eval_commands
    from assistant.models import Chunk, Citation, Reply, ScoredChunk

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ASSISTANT_GENERATOR", "llm")
    monkeypatch.setenv("ASSISTANT_LLM__BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("ASSISTANT_LLM__MODEL", "juri")
    chunk = Chunk(chunk_id="pkh#1", doc_id="pkh", text=SOURCES[0], section="Besaran", title="PKH")
    citation = Citation(n=1, doc_id="pkh", title="PKH", section="Besaran", source_url="", source_year=None, chunk_id="pkh#1")
    reply = Reply(
        text="Ibu hamil Rp3.000.000 per tahun [1]. Daftar lewat pendamping.",
        refused=False,
        intent="question",
        conversation_id="",
        answer_id="",
        citations=(citation,),
        hits=(ScoredChunk(chunk, 0.9),),
    )
    conversation = ScriptedConversation({"Berapa PKH ibu hamil?": reply})
    monkeypatch.setattr(eval_commands, "build_target", lambda settings: eval_commands.EvalTarget(conversation))
    suite = tmp_path / "s.jsonl"
    suite.write_text(json.dumps({"id": "a", "question": "Berapa PKH ibu hamil?"}) + "\n", encoding="utf-8")
    fake_openai.contents = ['{"putusan": [{"kalimat": 1, "didukung": true}, {"kalimat": 2, "didukung": true}]}']

    result = CliRunner().invoke(cli, ["eval", str(suite), "--judge", "--report", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "out" / "judge.json").read_text()) == {"model": "juri", "judged": 1, "faithfulness": 1.0}
    assert "faithfulness" not in json.loads((tmp_path / "out" / "results.json").read_text())
    assert SOURCES[0] in fake_openai.requests[0]["body"]["messages"][1]["content"]
    case_line = json.loads((tmp_path / "out" / "cases.jsonl").read_text().splitlines()[0])
    assert case_line["faithfulness"] == 1.0


def test_eval_with_judge_on_the_llm_generator_against_one_loopback_server(fake_openai, tmp_path, monkeypatch):
    """The LLM generator and the judge both talk to the same scripted server; LLM figures are reported."""
    import shutil
    from pathlib import Path

    from click.testing import CliRunner

    from assistant.adapters.fakes import HashEmbedder, InMemoryVectorIndex
    from assistant.adapters.state import InMemoryStateStore
    from assistant.cli import cli, eval_commands
    from assistant.services import Services
    from tests.support.fake_llm import passage_stating

    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "knowledge" / "faq" / "pkh-warga.md", knowledge)

    def respond(body: dict) -> str:
        user = body["messages"][1]["content"]
        if "putusan" in user:  # the judge
            return '{"putusan": [{"kalimat": 1, "didukung": true}]}'
        n = passage_stating(user, "Rp3.000.000", "hamil")
        if n is None:  # e.g. the unscored warm-up question
            return "TIDAK_ADA_DI_KUTIPAN"
        return f"Bantuan PKH untuk ibu hamil adalah Rp3.000.000 per tahun [{n}]."

    fake_openai.responder = respond
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))  # never the real data dir (caches live there)
    monkeypatch.setenv("ASSISTANT_GENERATOR", "llm")
    monkeypatch.setenv("ASSISTANT_LLM__BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("ASSISTANT_LLM__MODEL", "model-uji")

    def target(settings):
        services = Services(settings, embedder=HashEmbedder(), index=InMemoryVectorIndex(), state=InMemoryStateStore())
        services.ingest(knowledge)
        return eval_commands.EvalTarget(services.build_conversation(journal=False), services.llm_stats)

    monkeypatch.setattr(eval_commands, "build_target", target)
    suite = tmp_path / "s.jsonl"
    suite.write_text(json.dumps({"id": "a", "question": "Berapa bantuan PKH untuk ibu hamil?",
                                 "must_include": [["Rp3.000.000"]]}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(suite), "--judge", "--report", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "out" / "judge.json").read_text())["faithfulness"] == 1.0
    llm = json.loads((tmp_path / "out" / "llm.json").read_text())
    assert llm["outcomes"]["used"] == 1 and llm["fallback_rate"] == 0.0  # (the warm-up question is counted too)
    assert llm["calls"] == llm["answers"] and llm["prompt_tokens"] == 10 * llm["calls"]
    assert "fallback ke ekstraktif: 0.0%" in result.output
    paths = [r["body"]["messages"][1]["content"] for r in fake_openai.requests]
    assert any("<kutipan>" in p for p in paths) and any("putusan" in p for p in paths)
