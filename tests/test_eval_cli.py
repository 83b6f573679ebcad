"""`assistant eval` end to end on a scripted conversation: reports, --json, --baseline, --gate, exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.adapters.fakes import ScriptedConversation
from assistant.cli import cli, eval_commands
from assistant.models import Reply
from tests.support.eval_keys import ISSUE_SUMMARY_KEYS

SUITE = [
    {"id": "pkh-hamil", "question": "Berapa PKH ibu hamil?", "program": "pkh", "must_include": [["3 juta", "Rp3.000.000"]]},
    {"id": "tamasya", "question": "Apa itu Tamasya?", "program": "tamasya", "must_include": [["penitipan"]]},
    {"id": "cuaca", "question": "Cuaca besok?", "should_refuse": True},
]


def _reply(text, refused=False):
    return Reply(text=text, refused=refused, intent="question", conversation_id="", answer_id="")


GOOD = {
    "Berapa PKH ibu hamil?": _reply("Ibu hamil mendapat Rp 3.000.000 per tahun."),
    "Apa itu Tamasya?": _reply("Tamasya adalah taman penitipan anak."),
    "Cuaca besok?": _reply("Maaf, di luar layanan.", refused=True),
}


@pytest.fixture
def suite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env
    path = tmp_path / "core.jsonl"
    path.write_text("\n".join(json.dumps(case) for case in SUITE) + "\n", encoding="utf-8")
    return path


def _use(monkeypatch, script):
    conversation = ScriptedConversation(script)
    monkeypatch.setattr(eval_commands, "build_target", lambda settings: eval_commands.EvalTarget(conversation))
    return conversation


def _run(*args):
    return CliRunner().invoke(cli, ["eval", *map(str, args)])


def test_eval_writes_report_and_prints_exact_json(suite, tmp_path, monkeypatch):
    conversation = _use(monkeypatch, GOOD)
    result = _run(suite, "--report", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert set(summary) == ISSUE_SUMMARY_KEYS | {"by_program", "by_audience", "by_question_type"}
    assert summary["cases"] == 3 and summary["pass_rate"] == 1.0
    assert summary == json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    for name in ("report.html", "report.md", "cases.jsonl", "pass_rate_by_program.png", "latency.png"):
        assert (tmp_path / "out" / name).is_file()
    # one unscored warm-up question, then the three cases
    assert [c["user_id"] for c in conversation.calls][0] == "eval-warmup"
    assert len(conversation.calls) == 4


def test_second_run_with_baseline_shows_fixed_and_broke(suite, tmp_path, monkeypatch):
    first = dict(GOOD, **{"Berapa PKH ibu hamil?": _reply("Besarnya tergantung komponen.")})
    _use(monkeypatch, first)
    assert _run(suite, "--report", tmp_path / "before").exit_code == 0

    second = dict(GOOD, **{"Apa itu Tamasya?": _reply("Tamasya adalah program lansia.")})
    _use(monkeypatch, second)
    result = _run(suite, "--report", tmp_path / "after", "--baseline", tmp_path / "before" / "results.json")
    assert result.exit_code == 0, result.output
    assert "diperbaiki (fixed): pkh-hamil" in result.stdout
    assert "rusak (broke):      tamasya" in result.stdout
    page = (tmp_path / "after" / "report.html").read_text(encoding="utf-8")
    assert '<tr class="fixed"><td>pkh-hamil</td>' in page and '<tr class="broke"><td>tamasya</td>' in page


def test_gate_fails_with_exit_1_naming_each_metric_below_threshold(suite, tmp_path, monkeypatch):
    bad = dict(GOOD, **{"Cuaca besok?": _reply("Besok cerah."), "Apa itu Tamasya?": _reply("Tidak tahu.")})
    _use(monkeypatch, bad)
    gate = tmp_path / "gate.json"
    gate.write_text(json.dumps({"pass_rate": 0.8, "fact_coverage": 0.5, "refusal_recall": 0.9}), encoding="utf-8")
    result = _run(suite, "--gate", gate, "--report", tmp_path / "out")
    assert result.exit_code == 1
    assert "Gerbang kualitas GAGAL" in result.stderr
    assert "pass_rate: 0.3333 di bawah ambang 0.8" in result.stderr
    assert "refusal_recall: 0 di bawah ambang 0.9" in result.stderr
    assert "fact_coverage" not in result.stderr  # 1 of 2 groups = 0.5 meets 0.5
    assert (tmp_path / "out" / "report.html").is_file()  # the report is written before the gate decides


def test_gate_passes_with_exit_0(suite, tmp_path, monkeypatch):
    _use(monkeypatch, GOOD)
    gate = tmp_path / "gate.json"
    gate.write_text(json.dumps({"pass_rate": 1.0, "refusal_precision": 0.9, "forbidden_rate": 0.0}), encoding="utf-8")
    result = _run(suite, "--gate", gate)
    assert result.exit_code == 0, result.output
    assert "Gerbang kualitas lulus" in result.stderr


def test_gate_with_unknown_metric_is_an_input_error(suite, tmp_path, monkeypatch):
    conversation = _use(monkeypatch, GOOD)
    gate = tmp_path / "gate.json"
    gate.write_text(json.dumps({"passrate": 0.8}), encoding="utf-8")
    result = _run(suite, "--gate", gate)
    assert result.exit_code == 2
    assert "'passrate' tidak dikenal" in result.stderr
    assert conversation.calls == []  # validated before running anything


def test_invalid_suite_exits_2_with_line_number(suite, tmp_path, monkeypatch):
    conversation = _use(monkeypatch, GOOD)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "a", "question": "x"}) + "\n" + json.dumps({"id": "b", "qustion": "y"}) + "\n")
    result = _run(bad)
    assert result.exit_code == 2
    assert f"{bad}:2: kolom tidak dikenal: 'qustion'" in result.stderr
    assert conversation.calls == []


def test_judge_without_llm_is_a_configuration_error(suite, monkeypatch):
    monkeypatch.delenv("ASSISTANT_LLM__BASE_URL", raising=False)
    conversation = _use(monkeypatch, GOOD)
    result = _run(suite, "--judge")
    assert result.exit_code == 2
    assert "ASSISTANT_LLM__BASE_URL" in result.stderr
    assert conversation.calls == []
