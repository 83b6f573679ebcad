"""Fault tests on real parts: Redis, a Chroma server and PostgreSQL, each stopped and hung.

"Hung" is a loopback server that accepts connections and never answers (or a Chroma server paused
with SIGSTOP); "stopped" is a port where nothing listens (or the Chroma server terminated).
"""

from __future__ import annotations

import logging
import signal
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient

from assistant.adapters.chroma_index import ChromaVectorIndex
from assistant.adapters.sql_registry import SqlRegistry
from assistant.api.app import create_app
from assistant.errors import IndexUnavailableError, RegistryUnavailableError
from assistant.rag.pipeline import RagKnowledgeBase
from assistant.services import Services
from assistant.settings import AnswerSettings, RetrievalSettings
from tests.conftest import make_settings
from tests.support.registry_fixtures import PG_URL, postgres_schema
from tests.support.servers import chroma_server_process, free_port, hung_tcp_server

pytestmark = pytest.mark.slow


def _services(tmp_path, indexed_services, models_dir, **overrides):
    """Real services on the session's model and embedded index, with the given settings."""
    return Services(make_settings(tmp_path / "data", models_dir, **overrides),
                    embedder=indexed_services.embedder, index=indexed_services.index)


@pytest.fixture(params=["stopped", "hung"])
def dead_port(request):
    """A loopback port where nothing listens (stopped) or where connections hang (hung)."""
    if request.param == "stopped":
        yield free_port()
    else:
        with hung_tcp_server() as port:
            yield port


def test_redis_outage_degrades_to_per_process_state_with_one_warning(
    tmp_path, indexed_services, models_dir, dead_port, caplog
):
    services = _services(tmp_path, indexed_services, models_dir, redis_url=f"redis://127.0.0.1:{dead_port}/0",
                         redis_timeout_seconds=0.3, outage_retry_seconds=60)
    client = TestClient(create_app(services), raise_server_exceptions=False)
    caplog.set_level(logging.INFO)
    first = client.post("/v1/chat", json={"message": "Berapa bantuan PKH untuk ibu hamil?", "user_id": "ibu-1"})
    assert first.status_code == 200, first.text
    assert "3.000.000" in first.json()["answer"]
    started = time.monotonic()
    for i in range(10):
        r = client.post("/v1/chat", json={"message": f"Apa itu DTSEN? ({i})", "user_id": f"warga-{i}"})
        assert r.status_code == 200, r.text
    assert time.monotonic() - started < 10  # no request waits for Redis again while it is down
    follow = client.post("/v1/chat", json={"message": "kalau untuk anak SD?", "user_id": "ibu-1"})
    assert follow.status_code == 200 and follow.json()["conversation_id"] == first.json()["conversation_id"]
    warnings = [r for r in caplog.records if r.name == "assistant.outage"]
    assert len(warnings) == 1 and "redis unavailable" in warnings[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["checks"]["redis"] is False


@pytest.fixture()
def server_knowledge(tmp_path, indexed_services):
    """A knowledge base on a real Chroma server holding a copy of the session's index."""
    source = indexed_services.index.active()
    pairs = source.chunks_with_tokens()
    chunks = [c for c, _ in pairs]
    vectors = source.vectors([c.chunk_id for c in chunks])
    with chroma_server_process(tmp_path / "chroma") as (url, proc):
        index = ChromaVectorIndex(prefix="t", url=url, timeout_seconds=1.0)
        snapshot = index.build(chunks, np.stack([vectors[c.chunk_id] for c in chunks]), [t for _, t in pairs],
                               info=source.info)
        index.activate(snapshot)
        kb = RagKnowledgeBase(indexed_services.embedder, index, RetrievalSettings(), AnswerSettings(),
                              outage_retry_seconds=0.5)
        yield kb, proc


def test_chroma_server_paused_then_back_then_stopped(server_knowledge, caplog):
    kb, proc = server_knowledge
    normal = kb.ask("Berapa bantuan PKH untuk ibu hamil per tahun?")
    assert not normal.refused and not normal.degraded
    caplog.set_level(logging.INFO)

    proc.send_signal(signal.SIGSTOP)  # hung: connections are accepted, nothing answers
    started = time.monotonic()
    hung = kb.ask("Apa syarat lansia mendapat bantuan PKH?")
    assert time.monotonic() - started < 5
    assert hung.degraded and not hung.refused and hung.citations
    started = time.monotonic()
    again = kb.ask("Apa itu DTSEN?")
    assert again.degraded and time.monotonic() - started < 1.0  # known outage: no second wait
    cached = kb.ask("Berapa bantuan PKH untuk ibu hamil per tahun?")  # a popular question, from the cache
    assert cached.text == normal.text and not cached.degraded

    proc.send_signal(signal.SIGCONT)
    time.sleep(0.6)  # past the retry interval
    back = kb.ask("Bagaimana cara mendaftar PKH?")
    assert not back.degraded and not back.refused

    proc.terminate()
    proc.wait(10)
    stopped = kb.ask("Apa itu program Tamasya?")
    assert stopped.degraded
    outage_lines = [r.getMessage() for r in caplog.records if r.name == "assistant.outage"]
    assert [line.split(" ")[0:3] for line in outage_lines] == [
        ["vector", "index", "unavailable"], ["vector", "index", "is"], ["vector", "index", "unavailable"]
    ]
    assert not [r for r in caplog.records if r.exc_info]


def test_chroma_server_unreachable_at_start_is_a_clear_error(dead_port):
    started = time.monotonic()
    with pytest.raises(IndexUnavailableError, match="tidak menjawab"):
        ChromaVectorIndex(prefix="t", url=f"http://127.0.0.1:{dead_port}", timeout_seconds=0.5)
    assert time.monotonic() - started < 3


def test_postgres_unreachable_is_a_503_with_an_indonesian_message_and_health_stays_up(
    tmp_path, indexed_services, models_dir, dead_port
):
    services = _services(
        tmp_path, indexed_services, models_dir,
        registry={"url": f"postgresql://root@127.0.0.1:{dead_port}/test", "connect_timeout_seconds": 2},
    )
    app = create_app(services)
    _, key = app.state.keys.create(name="fasil", role="facilitator", regions=["32"])
    client = TestClient(app, raise_server_exceptions=False)
    started = time.monotonic()
    r = client.get("/v1/eligibility/3204010101900001", headers={"X-API-Key": key})
    assert time.monotonic() - started < 8
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "registry_unavailable" and "registri" in r.json()["error"]["message"].lower()
    assert client.get("/healthz").status_code == 200


@pytest.mark.postgres
def test_postgres_statement_timeout_cancels_a_slow_statement():
    import sqlalchemy as sa
    from sqlalchemy.exc import OperationalError

    with postgres_schema() as schema:
        registry = SqlRegistry(PG_URL, schema=schema, statement_timeout=0.3)
        started = time.monotonic()
        with pytest.raises(OperationalError, match="statement timeout"), registry.engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_sleep(5)"))
        assert time.monotonic() - started < 3
        registry.close()


def test_postgres_registry_construction_fails_within_the_connect_timeout(dead_port):
    started = time.monotonic()
    with pytest.raises(RegistryUnavailableError):
        SqlRegistry(f"postgresql://root@127.0.0.1:{dead_port}/test", connect_timeout=2)
    assert time.monotonic() - started < 6
