"""SQLite journal and `assistant export feedback|conversations`."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.adapters.fakes import FakeKnowledgeBase
from assistant.adapters.sqlite_journal import SQLiteJournal, default_journal_path
from assistant.adapters.state import InMemoryStateStore
from assistant.cli.export_commands import export_group
from assistant.dialogue.service import ConversationService
from assistant.settings import Settings

NIK = "3204123456780001"


class StepClock:
    """Timestamps one day apart per conversation day, set by the test."""

    def __init__(self) -> None:
        self.day = 25

    def __call__(self) -> datetime:
        return datetime(2026, 11, self.day, 9, 0, tzinfo=UTC)


@pytest.fixture
def filled(tmp_path: Path):
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    journal = SQLiteJournal(default_journal_path(settings.data_dir))
    clock = StepClock()
    service = ConversationService(FakeKnowledgeBase(), None, InMemoryStateStore(), journal=journal, now=clock)

    def ask(user: str, text: str):
        return service.reply(user_id=user, channel="web", role="citizen", text=text)

    old = ask("a", "kapan PKH cair?")
    service.feedback(old.answer_id, "down", "kurang jelas")
    clock.day = 27
    first = ask("a", "Kapan PKH cair, kak?")
    ask("b", "kapan pkh cair")
    ask("b", "berapa bantuan PKH untuk anak SD?")
    ask("b", "kalau untuk anak SMA?")
    ask("c", "halo")
    ask("c", f"NIK saya {NIK} syarat PKH apa?")
    service.feedback(first.answer_id, "up", f"membantu, NIK {NIK}")
    journal.close()
    return settings


def run(settings: Settings, *args: str):
    result = CliRunner().invoke(export_group, list(args), obj=settings, catch_exceptions=False)
    return result


def test_export_feedback_csv_since(filled) -> None:
    result = run(filled, "feedback", "--since", "2026-11-26")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1
    assert rows[0]["rating"] == "up" and rows[0]["question"] == "Kapan PKH cair, kak?"
    assert NIK not in result.stdout and "3204********0001" in rows[0]["comment"]
    assert "1 umpan balik: 1 jempol naik, 0 jempol turun." in result.stderr
    everything = run(filled, "feedback", "--format", "jsonl")
    assert [json.loads(line)["rating"] for line in everything.stdout.splitlines()] == ["down", "up"]


def test_export_conversations_jsonl_with_most_asked(filled, tmp_path: Path) -> None:
    out = tmp_path / "conv.jsonl"
    summary = tmp_path / "summary.json"
    result = run(filled, "conversations", "--since", "2026-11-27", "--format", "jsonl", "--out", str(out),
                 "--summary", str(summary), "--top", "3")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 6 and NIK not in out.read_text(encoding="utf-8")
    assert rows[3]["resolved_question"] == "berapa bantuan PKH untuk anak SMA?"
    assert {"answer_id", "user_hash", "intent", "refused", "doc_ids", "latency_ms"} <= set(rows[0])
    ranking = json.loads(summary.read_text(encoding="utf-8"))["most_asked"]
    assert ranking[0] == {"question": "kapan pkh cair", "count": 2}
    assert "(2x) kapan pkh cair" in result.stdout


def test_export_errors_are_clear(tmp_path: Path, filled) -> None:
    from assistant.errors import InputError

    with pytest.raises(InputError):
        run(Settings(_env_file=None, data_dir=tmp_path / "empty"), "feedback")
    with pytest.raises(InputError):
        run(filled, "conversations", "--since", "27-11-2026")
