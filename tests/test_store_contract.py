"""One contract per store port (Journal, KeyStore), run on SQLite and on the running PostgreSQL.

Each PostgreSQL case works in a fresh schema (dropped afterwards), so parallel runs never collide.
"""

from __future__ import annotations

import sqlite3
import threading

import psycopg
import pytest
import sqlalchemy as sa

from assistant.adapters.journal_writer import BackgroundJournal
from assistant.adapters.sql_journal import SqlJournal
from assistant.adapters.sql_keys import SqlApiKeyStore
from assistant.adapters.stores import build_journal, build_key_store
from assistant.dialogue.journal import JournalEntry
from assistant.errors import ConfigurationError, InputError, NotFoundError, StoreUnavailableError
from tests.conftest import make_settings
from tests.support.registry_fixtures import PG_URL, postgres_schema

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path):
    """(url, schema) of an empty store database."""
    if request.param == "postgres":
        with postgres_schema() as schema:
            yield PG_URL, schema
        return
    yield f"sqlite:///{tmp_path / 'store.sqlite3'}", None


@pytest.fixture(params=["direct", "background"])
def journal(request, store_url):
    """The SQL journal, and the same behind the background writer the API uses."""
    url, schema = store_url
    j = SqlJournal(url, schema=schema)
    if request.param == "background":
        j = BackgroundJournal(j)
    yield j
    j.close()


@pytest.fixture
def keys(store_url):
    url, schema = store_url
    k = SqlApiKeyStore(url, schema=schema)
    yield k
    k.close()


def entry(answer_id: str, user: str = "u1", at: str = "2026-11-30T10:00:00+00:00", **fields) -> JournalEntry:
    base = {"answer_id": answer_id, "conversation_id": f"c-{user}", "user_hash": user, "channel": "api",
            "role": "citizen", "intent": "program_question", "question": "Kapan PKH cair?",
            "resolved_question": "kapan pkh cair", "answer": "Jawaban [1].", "refused": False,
            "doc_ids": ("pkh-pencairan", "pkh-umum"), "latency_ms": 12.5, "created_at": at}
    base.update(fields)
    return JournalEntry(**base)


class TestJournalContract:
    def test_record_and_read_back_in_insertion_order(self, journal):
        for i in range(5):  # the same second: the insertion order decides
            journal.record(entry(f"a{4 - i}", refused=i == 2))
        rows = journal.interactions()
        assert [r["answer_id"] for r in rows] == ["a4", "a3", "a2", "a1", "a0"]
        assert rows[2]["refused"] is True and rows[0]["refused"] is False
        assert rows[0]["doc_ids"] == ["pkh-pencairan", "pkh-umum"] and rows[0]["latency_ms"] == 12.5
        assert set(rows[0]) >= {"conversation_id", "user_hash", "channel", "role", "intent", "question",
                                "resolved_question", "answer", "created_at"}

    def test_how_an_answer_was_made_is_kept(self, journal):
        made = {"generator": "extractive", "fallback_reason": "unsupported_fact", "prompt_version": "id-2"}
        journal.record(entry("llm", generation=made))
        journal.record(entry("plain"))
        assert {r["answer_id"]: r["generation"] for r in journal.interactions()} == {"llm": made, "plain": {}}

    def test_since_filters_by_creation_time(self, journal):
        journal.record(entry("old", at="2026-11-01T08:00:00+00:00"))
        journal.record(entry("new", at="2026-11-30T08:00:00+00:00"))
        assert [r["answer_id"] for r in journal.interactions("2026-11-15")] == ["new"]

    def test_feedback_joins_the_rated_answer(self, journal):
        journal.record(entry("a1"))
        assert journal.add_feedback("a1", "down", "kurang jelas", "2026-11-30T10:01:00+00:00") is True
        assert journal.add_feedback("tidak-ada", "up", "", "2026-11-30T10:01:00+00:00") is False
        with pytest.raises(InputError):
            journal.add_feedback("a1", "meh", "", "2026-11-30T10:01:00+00:00")
        (row,) = journal.feedback_rows()
        assert (row["answer_id"], row["rating"], row["comment"]) == ("a1", "down", "kurang jelas")
        assert row["question"] == "Kapan PKH cair?" and row["doc_ids"] == ["pkh-pencairan", "pkh-umum"]
        assert journal.feedback_rows("2026-12-01") == []

    def test_forget_user_erases_only_theirs_with_their_feedback(self, journal):
        journal.record(entry("a1", user="u1"))
        journal.record(entry("a2", user="u1"))
        journal.record(entry("b1", user="u2"))
        journal.add_feedback("a1", "up", "", "2026-11-30T10:01:00+00:00")
        journal.add_feedback("b1", "up", "", "2026-11-30T10:01:00+00:00")
        assert journal.forget_user("u1") == 3
        assert [r["answer_id"] for r in journal.interactions()] == ["b1"]
        assert [r["answer_id"] for r in journal.feedback_rows()] == ["b1"]
        assert journal.forget_user("u1") == 0

    def test_concurrent_writers_lose_nothing(self, journal):
        def write(t: int) -> None:
            for i in range(10):
                journal.record(entry(f"t{t}-{i}", user=f"u{t}"))

        threads = [threading.Thread(target=write, args=(t,)) for t in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(journal.interactions()) == 40

    def test_two_instances_share_one_database(self, store_url, journal):
        url, schema = store_url
        other = SqlJournal(url, schema=schema)  # another worker; migrating again is a no-op
        try:
            other.record(entry("from-b"))
            journal.add_feedback("from-b", "up", "", "2026-11-30T10:01:00+00:00")
            assert [r["answer_id"] for r in journal.interactions()] == ["from-b"]
            assert [r["answer_id"] for r in other.feedback_rows()] == ["from-b"]
        finally:
            other.close()


class TestKeyStoreContract:
    def test_create_authenticate_and_list(self, keys):
        key, token = keys.create(name="fasil-a", role="facilitator", regions=["3204", " 3205 "])
        assert key.regions == ("3204", "3205") and key.active
        assert keys.authenticate(token) == key
        admin, admin_token = keys.create(name="admin", role="admin")
        assert keys.authenticate(admin_token) == admin
        assert {k.name for k in keys.list()} == {"fasil-a", "admin"}

    def test_wrong_malformed_and_revoked_tokens_fail(self, keys):
        key, token = keys.create(name="fasil-a", role="facilitator", regions=["3204"])
        assert keys.authenticate(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert keys.authenticate(f"ask_{key.key_id}_") is None
        assert keys.authenticate("ask_deadbeef_nope") is None
        assert keys.authenticate("garbage") is None
        revoked = keys.revoke("fasil-a")
        assert revoked.revoked_at is not None and keys.authenticate(token) is None
        assert keys.revoke(key.key_id).revoked_at == revoked.revoked_at
        assert [k.revoked_at for k in keys.list()] == [revoked.revoked_at]
        with pytest.raises(NotFoundError):
            keys.revoke("tidak-ada")

    def test_names_are_unique_and_rules_hold(self, keys):
        keys.create(name="fasil", role="facilitator", regions=["3204"])
        with pytest.raises(InputError, match="sudah dipakai"):
            keys.create(name="fasil", role="facilitator", regions=["3205"])
        for name, role, regions in [("x", "facilitator", []), ("y", "admin", ["32"]), ("z", "warga", []),
                                    ("bad name!", "admin", []), ("w", "facilitator", ["32x4"])]:
            with pytest.raises(InputError):
                keys.create(name=name, role=role, regions=regions)
        assert [k.name for k in keys.list()] == ["fasil"]

    def test_secret_is_stored_only_as_a_salted_digest(self, keys):
        _, token = keys.create(name="fasil-a", role="facilitator", regions=["3204"])
        keys.create(name="fasil-b", role="facilitator", regions=["3204"])
        with keys.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT salt, digest FROM api_keys")).all()
            dump = " ".join(str(v) for r in conn.execute(sa.text("SELECT * FROM api_keys")) for v in r)
        assert token.split("_", 2)[2] not in dump
        assert len({r.salt for r in rows}) == 2 and all(len(r.digest) == 64 for r in rows)

    def test_a_revocation_reaches_every_worker(self, store_url, keys):
        url, schema = store_url
        other = SqlApiKeyStore(url, schema=schema)
        try:
            _, token = keys.create(name="fasil", role="facilitator", regions=["3204"])
            assert other.authenticate(token) is not None
            other.revoke("fasil")
            assert keys.authenticate(token) is None
        finally:
            other.close()


def test_existing_embedded_files_are_adopted_with_their_rows(tmp_path):
    """Journal and key files made by the earlier hand-written schema keep working, rows included."""
    journal_file, keys_file = tmp_path / "journal.sqlite3", tmp_path / "keys.sqlite3"
    with sqlite3.connect(journal_file) as conn:
        conn.executescript(
            "CREATE TABLE interactions (answer_id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, user_hash TEXT"
            " NOT NULL, channel TEXT NOT NULL, role TEXT NOT NULL, intent TEXT NOT NULL, question TEXT NOT NULL,"
            " resolved_question TEXT NOT NULL, answer TEXT NOT NULL, refused INTEGER NOT NULL, doc_ids TEXT NOT"
            " NULL, latency_ms REAL NOT NULL, created_at TEXT NOT NULL);"
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, answer_id TEXT NOT NULL REFERENCES"
            " interactions (answer_id) ON DELETE CASCADE, rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),"
            " comment TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL);"
            "INSERT INTO interactions VALUES ('old', 'c', 'u', 'api', 'citizen', 'program_question', 'q', 'q',"
            " 'a', 0, '[\"pkh\"]', 1.0, '2026-11-01T00:00:00+00:00');"
        )
    with sqlite3.connect(keys_file) as conn:
        conn.execute("CREATE TABLE api_keys (key_id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT"
                     " NULL, regions TEXT NOT NULL, salt TEXT NOT NULL, digest TEXT NOT NULL, created_at TEXT NOT"
                     " NULL, revoked_at TEXT)")
        conn.execute("INSERT INTO api_keys VALUES ('abc', 'lama', 'admin', '', '00', 'x', '2026-11-01T00:00:00Z',"
                     " NULL)")
    settings = make_settings(tmp_path)
    journal, keys = build_journal(settings), build_key_store(settings)
    try:
        assert [r["answer_id"] for r in journal.interactions()] == ["old"]
        journal.record(entry("new"))
        assert [r["answer_id"] for r in journal.interactions()] == ["old", "new"]
        assert [k.name for k in keys.list()] == ["lama"]
    finally:
        journal.close()
        keys.close()


@pytest.mark.postgres
def test_store_url_puts_journal_and_keys_beside_the_registry(tmp_path):
    """One PostgreSQL database for registry, journal and keys: each keeps its own migration record."""
    from assistant.adapters.sql_registry import SqlRegistry

    with postgres_schema() as schema:
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        settings = make_settings(tmp_path, store={"url": url}, registry={"url": url})
        registry = SqlRegistry(url)
        journal, keys = build_journal(settings), build_key_store(settings)
        try:
            journal.record(entry("a1"))
            keys.create(name="admin", role="admin")
            with psycopg.connect(PG_URL) as conn:
                tables = {r[0] for r in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))}
                versions = {r[0] for r in conn.execute(f'SELECT version_num FROM "{schema}".store_alembic_version')}
            assert {"households", "audit_log", "alembic_version", "interactions", "feedback", "api_keys",
                    "store_alembic_version"} <= tables
            assert versions == {"journal_0002", "keys_0001"}
            assert not (tmp_path / "journal.sqlite3").exists() and not (tmp_path / "keys.sqlite3").exists()
        finally:
            journal.close()
            keys.close()
            registry.close()


@pytest.mark.postgres
def test_workers_starting_at_once_on_a_fresh_database_all_migrate():
    """Several processes open the stores and the registry at the same moment: none fails, one migrates."""
    from assistant.adapters.sql_registry import SqlRegistry

    with postgres_schema() as schema:
        start, errors, opened = threading.Barrier(6), [], []

        def open_one(kind: type) -> None:
            start.wait()
            try:
                opened.append(kind(PG_URL, schema=schema))
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=open_one, args=(kind,))
                   for kind in (SqlJournal, SqlJournal, SqlApiKeyStore, SqlApiKeyStore, SqlRegistry, SqlRegistry)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for store in opened:
            store.close()
        assert errors == [] and len(opened) == 6


def test_unknown_store_url_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigurationError, match="ASSISTANT_STORE__URL"):
        build_journal(make_settings(tmp_path, store={"url": "mysql://x"}))


@pytest.mark.postgres
def test_unreachable_store_is_a_clear_unavailable_error():
    with pytest.raises(StoreUnavailableError, match="ASSISTANT_STORE__URL"):
        SqlJournal("postgresql://root@127.0.0.1:1/test", connect_timeout=1)
