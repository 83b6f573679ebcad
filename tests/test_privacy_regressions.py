"""Issue 11 security and privacy defects, each pinned by a test that failed on the old code.

- NIK spellings the old maskers missed (dotted official form, spaces, slashes, dashes, 15/17-digit
  typos) reached the journal, the Redis values, the exports and the access log;
- the birth date typed during a status check was stored and exported;
- Redis keys held unsalted SHA-256 hashes of NIKs and user ids;
- client-chosen ids that look like a NIK were stored raw.
(NIK + birth date passing and the lockout abuse are in test_registry_access.py and test_dialogue_registry.py.)
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import sqlite3
import uuid
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from assistant.adapters.fakes import FakeHousehold, FakeHouseholdLookup, FakeKnowledgeBase, sample_status
from assistant.adapters.sqlite_journal import SQLiteJournal, default_journal_path
from assistant.adapters.state import InMemoryStateStore, RedisStateStore
from assistant.api.logging import configure_logging
from assistant.cli.export_commands import export_group
from assistant.dialogue.service import ConversationService
from assistant.privacy import KeyedHasher
from assistant.settings import Settings
from tests.test_api_support import make_harness

NIK = "3204016201080101"
KK = "3204011207250001"
SPELLINGS = [
    "32.04.01.620108.0101",  # the dotted official form
    "3204 0162 0108 0101",
    "3204/0162/0108/0101",
    "3204-0162-0108-0101",
    "32040162010801011",  # 17 digits
    "320401620108010",  # 15 digits
]
# What must never be stored: the middle of the NIK in any spelling (the masked form keeps 4 + 4 digits).
LEAK = re.compile(r"0162\D?0108|620108|01620108")


def leaks(text: str) -> bool:
    return bool(LEAK.search(text))


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def state(request):
    if request.param == "memory":
        yield InMemoryStateStore()
        return
    store = RedisStateStore("redis://127.0.0.1:6379/0", prefix=f"test-privacy-{uuid.uuid4().hex[:10]}:")
    yield store
    for key in store._redis.scan_iter(match=store._prefix + "*"):
        store._redis.delete(key)


def stored_values(state) -> str:
    if isinstance(state, RedisStateStore):
        return " ".join(state._redis.get(k) or "" for k in state._redis.scan_iter(match=state._prefix + "*"))
    return " ".join(v for v, _ in state._data.values())


def stored_keys(state) -> str:
    if isinstance(state, RedisStateStore):
        return " ".join(state._redis.scan_iter(match=state._prefix + "*"))
    return " ".join(state._data)


def make_service(state, journal, lookup=None):
    return ConversationService(FakeKnowledgeBase(), lookup, state, journal=journal,
                               now=lambda: datetime(2026, 11, 27, 9, 0, tzinfo=UTC))


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_nik_spellings_never_reach_journal_state_or_export(tmp_path, state, spelling) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    journal = SQLiteJournal(default_journal_path(settings.data_dir))
    service = make_service(state, journal)
    first = service.reply(user_id="u1", channel="web", role="citizen",
                          text=f"NIK saya {spelling}, syarat PKH apa saja untuk keluarga saya?")
    service.reply(user_id="u1", channel="web", role="citizen", text=f"kalau {spelling} apakah terdaftar PKH?")
    service.feedback(first.answer_id, "down", f"salah, NIK saya {spelling}")
    rows = journal.interactions() + journal.feedback_rows()
    journal.close()
    assert rows and not leaks(json.dumps(rows)), rows
    assert not leaks(stored_values(state))
    for command in (["conversations", "--format", "jsonl"], ["feedback", "--format", "csv"]):
        out = tmp_path / "export.txt"
        result = CliRunner().invoke(export_group, [*command, "--out", str(out)], obj=settings)
        assert result.exit_code == 0, result.output
        assert not leaks(out.read_text(encoding="utf-8"))


def test_export_masks_rows_written_before_the_fix(tmp_path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    journal = SQLiteJournal(default_journal_path(settings.data_dir))
    service = make_service(InMemoryStateStore(), journal)
    reply = service.reply(user_id="u1", channel="web", role="citizen", text="syarat PKH apa?")
    journal.close()
    with sqlite3.connect(default_journal_path(settings.data_dir)) as conn:  # an old, unmasked row
        conn.execute("UPDATE interactions SET question = ? WHERE answer_id = ?",
                     (f"NIK saya {SPELLINGS[0]}", reply.answer_id))
    out = tmp_path / "export.csv"
    CliRunner().invoke(export_group, ["conversations", "--out", str(out)], obj=settings, catch_exceptions=False)
    assert "3204********0101" in out.read_text() and not leaks(out.read_text())


def test_kk_typed_in_the_status_check_is_never_stored(tmp_path, state) -> None:
    """The old check stored and exported the birth date typed as the second factor; the KK is not stored."""
    settings = Settings(_env_file=None, data_dir=tmp_path / "data")
    journal = SQLiteJournal(default_journal_path(settings.data_dir))
    lookup = FakeHouseholdLookup([FakeHousehold(NIK, KK, "320401", sample_status())])
    service = make_service(state, journal, lookup)
    for text in ("cek status", "32.04.01.620108.0101", "3204 0112 0725 0001"):
        reply = service.reply(user_id="u1", channel="web", role="citizen", text=text)
    assert reply.extra["status_outcome"] == "verified"
    service.reply(user_id="u2", channel="web", role="citizen", text=f"cek status NIK {NIK} KK {KK}")
    rows = journal.interactions()
    journal.close()
    dumped = json.dumps(rows) + stored_values(state) + stored_keys(state)
    assert not leaks(dumped) and "01120725" not in dumped.replace(" ", "") and "1207250" not in dumped
    result = CliRunner().invoke(export_group, ["conversations", "--format", "jsonl"], obj=settings)
    assert "1207250" not in result.output and "[data cek status]" in result.output


def test_state_keys_are_keyed_hashes_not_plain_sha256(state) -> None:
    hasher = KeyedHasher(b"s" * 32)
    lookup = FakeHouseholdLookup([FakeHousehold(NIK, KK, "320401", sample_status())])
    service = ConversationService(FakeKnowledgeBase(), lookup, state, hasher=hasher)
    service.reply(user_id="tg:777", channel="telegram", role="citizen", text="cek status")
    keys = stored_keys(state)
    old_user_hash = hashlib.sha256(b"assistant-user:tg:777").hexdigest()[:32]
    assert keys and old_user_hash not in keys and "tg:777" not in keys
    assert hasher.user("tg:777") in keys
    other = KeyedHasher(b"t" * 32)
    assert other.user("tg:777") not in keys  # without the secret the key cannot be recomputed


def test_nik_like_client_ids_are_refused_with_an_indonesian_message(tmp_path) -> None:
    h = make_harness(tmp_path)
    for field in ("user_id", "conversation_id"):
        for value in (NIK, "32.04.01.620108.0101", "web-3204016201080101", "32040162010801011"):
            r = h.client.post("/v1/chat", json={"message": "syarat PKH?", field: value})
            assert r.status_code == 422, (field, value, r.text)
            error = r.json()["error"]
            assert "tidak boleh berisi NIK" in error["message"] and not leaks(r.text)
    assert h.client.post("/v1/chat", json={"message": "syarat PKH?", "user_id": "web-7f3a9c"}).status_code == 200
    assert h.services.conversation.calls[-1]["user_id"].endswith("web-7f3a9c")


def test_nik_like_conversation_id_from_another_channel_is_hashed(state) -> None:
    journal = SQLiteJournal(":memory:")
    service = make_service(state, journal)
    reply = service.reply(user_id="u1", channel="telegram", role="citizen", text="syarat PKH?",
                          conversation_id=SPELLINGS[0])
    assert not leaks(reply.conversation_id) and not leaks(json.dumps(journal.interactions()))
    journal.close()


def test_access_log_and_error_messages_mask_every_spelling(tmp_path) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    before = list(root.handlers), root.level
    configure_logging("DEBUG", stream)
    try:
        h = make_harness(tmp_path)
        for spelling in SPELLINGS:
            h.client.get(f"/v1/eligibility/{spelling}", headers=h.facilitator)  # 422 or 404, logged with its path
            h.client.post("/v1/chat", json={"message": f"NIK {spelling} syarat PKH?", spelling: 1})  # 422
            h.client.post("/v1/chat", json={"message": f"cek NIK {spelling}", "user_id": "ibu-ani"})
    finally:
        root.handlers[:] = before[0]
        root.setLevel(before[1])
    text = stream.getvalue()
    assert "assistant.api.access" in text
    assert not leaks(text), [line for line in text.splitlines() if leaks(line)][:3]
