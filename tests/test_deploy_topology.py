"""The scale-out topology on loopback: two API worker processes, one Chroma server, PostgreSQL and Redis.

Mirrors deploy/docker-compose.yml with this machine's parts: `chroma run`, two `uvicorn --factory`
workers configured only through ASSISTANT_* variables (separate data directories, as on two hosts),
the registry, journal and API keys in a fresh PostgreSQL database, state in Redis under a fresh prefix.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

import httpx
import pytest
import redis

from assistant.adapters.sql_registry import SqlRegistry
from assistant.services import Services
from tests.conftest import KNOWLEDGE, make_settings
from tests.support.registry_fixtures import REDIS_URL, couple, household
from tests.support.servers import chroma_server
from tests.support.topology import api_workers, postgres_database

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

RATE_LIMIT = 6


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "assistant.cli", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def topology(tmp_path_factory, models_dir, embedder):
    """(workers, shared environment, registry, seeded household) for the whole module."""
    root = tmp_path_factory.mktemp("topology")
    prefix = f"test-topology-{uuid.uuid4().hex[:10]}:"
    with postgres_database() as db_url, chroma_server(root / "chroma") as chroma_url:
        shared = {
            "ASSISTANT_INDEX__CHROMA_URL": chroma_url,
            "ASSISTANT_REGISTRY__URL": db_url,
            "ASSISTANT_STORE__URL": db_url,
            "ASSISTANT_REDIS_URL": REDIS_URL,
            "ASSISTANT_REDIS_KEY_PREFIX": prefix,
            # One key for the keyed hashes of user ids on every worker (each has its own data directory).
            "ASSISTANT_PRIVACY__SECRET": uuid.uuid4().hex + uuid.uuid4().hex,
            "ASSISTANT_API__ANONYMOUS_RATE_PER_MINUTE": str(RATE_LIMIT),
            "ASSISTANT_EMBEDDING__THREADS": "1",
            "ASSISTANT_API__WORKER_THREADS": "4",
        }
        # The index is built once into the Chroma server (one program's guidelines keep this quick).
        corpus = root / "knowledge"
        shutil.copytree(KNOWLEDGE / "pkh", corpus / "pkh")
        indexer = Services(make_settings(root / "indexer", models_dir, index={"chroma_url": chroma_url}),
                           embedder=embedder)
        indexer.ingest(corpus)
        registry = SqlRegistry(db_url)
        family = household(*couple(34), region="320401")
        registry.add_households([family])
        envs = []
        for name in ("a", "b"):
            data_dir = root / f"worker-{name}"
            make_settings(data_dir, models_dir)  # links the prepared model into this worker's data directory
            envs.append({**shared, "ASSISTANT_DATA_DIR": str(data_dir)})
        try:
            with api_workers(envs, root) as workers:
                yield workers, shared, registry, family
        finally:
            registry.close()
            indexer.close()
            keys = redis.Redis.from_url(REDIS_URL)
            for key in keys.scan_iter(match=prefix + "*"):
                keys.delete(key)


@pytest.fixture(scope="module")
def facilitator_token(topology, tmp_path_factory):
    """A facilitator key made with `assistant keys create` against the shared PostgreSQL store."""
    _, shared, _, _ = topology
    env = {**shared, "ASSISTANT_DATA_DIR": str(tmp_path_factory.mktemp("operator"))}
    done = cli(env, "keys", "create", "--name", "fasil-bandung", "--role", "facilitator", "--regions", "3204")
    return done.stdout.strip().splitlines()[-1]


def lookups(registry: SqlRegistry, nik: str) -> list[str]:
    """Outcomes of the facilitator lookups of this NIK in the audit log (which keeps the NIK masked)."""
    masked = f"{nik[:4]}********{nik[-4:]}"
    return [e.outcome for e in registry.audit_entries(50)
            if e.role == "facilitator" and e.purpose == "facilitator_lookup" and e.nik_masked == masked]


def post(worker, message: str, **kw) -> httpx.Response:
    headers = kw.pop("headers", {})
    return httpx.post(f"{worker.url}/v1/chat", json={"message": message, **kw}, headers=headers, timeout=60)


def start_status_check(worker, user: str, key: dict[str, str]) -> dict:
    """A facilitator starts a status check; the worker asks for the NIK."""
    asked = post(worker, "cek status bansos keluarga", user_id=user, headers=key)
    assert asked.status_code == 200 and "NIK" in asked.json()["answer"], asked.text
    return asked.json()


def test_both_workers_answer_from_the_one_chroma_index(topology, facilitator_token):
    workers, _, _, _ = topology
    key = {"X-API-Key": facilitator_token}  # the key is known to both workers: one PostgreSQL store
    docs = []
    for worker in workers:
        r = post(worker, "Berapa besaran bantuan PKH untuk ibu hamil?", user_id="pkh-q", headers=key)
        assert r.status_code == 200, r.text
        body = r.json()
        assert not body["refused"] and body["citations"]
        docs.append([c["doc_id"] for c in body["citations"]])
    assert docs[0] == docs[1] and all(d.startswith("pkh") for d in docs[0])


def test_a_status_check_started_on_one_worker_continues_on_the_other(topology, facilitator_token):
    workers, shared, registry, family = topology
    a, b = workers
    key = {"X-API-Key": facilitator_token}
    nik = family.members[1].nik
    asked = start_status_check(a, "fasil-1", key)
    conversation = asked["conversation_id"]
    result = post(b, nik, user_id="fasil-1", conversation_id=conversation, headers=key)
    assert result.status_code == 200, result.text
    assert result.json()["answer"] != asked["answer"] and nik not in result.json()["answer"]
    # Worker B did the lookup of the flow worker A started, audited in the shared registry database.
    assert lookups(registry, nik) == ["ok"]
    # Both turns are in the one journal, under one conversation, as the operator's export shows.
    exported = cli({**shared, "ASSISTANT_DATA_DIR": str(workers[0].log.parent / "export")},
                   "export", "conversations", "--format", "jsonl")
    rows = [json.loads(line) for line in exported.stdout.splitlines() if line.strip()]
    turns = [r for r in rows if r["conversation_id"] == conversation]
    assert len(turns) == 2 and nik not in exported.stdout


def test_a_citizen_status_check_alternates_workers_turn_by_turn(topology):
    """NIK asked on A, given on B, the family-card number given on A: each turn finds what the last one kept."""
    workers, _, registry, family = topology
    a, b = workers
    nik = family.members[1].nik
    client = {"X-Forwarded-For": "10.20.30.40"}  # its own client identity for the anonymous rate limit
    asked = post(a, "cek status bansos saya", user_id="ibu-siti", headers=client)
    assert asked.status_code == 200 and "NIK" in asked.json()["answer"], asked.text
    conversation = asked.json()["conversation_id"]
    asked_kk = post(b, nik, user_id="ibu-siti", conversation_id=conversation, headers=client)
    assert asked_kk.status_code == 200 and "KK" in asked_kk.json()["answer"], asked_kk.text
    result = post(a, family.kk, user_id="ibu-siti", conversation_id=conversation, headers=client)
    assert result.status_code == 200, result.text
    assert nik not in result.json()["answer"] and family.kk not in result.json()["answer"]
    masked = f"{nik[:4]}********{nik[-4:]}"
    checks = [e.outcome for e in registry.audit_entries(50)
              if e.purpose == "citizen_self_check" and e.nik_masked == masked]
    assert checks == ["ok"]


def test_rate_limits_are_shared_between_workers(topology):
    workers, _, _, _ = topology
    if 60 - time.time() % 60 < 15:  # too close to the end of the limiter's minute window: start a fresh one
        time.sleep(60 - time.time() % 60 + 0.5)
    statuses = [post(workers[i % 2], "halo", user_id=f"warga-{i}").status_code for i in range(RATE_LIMIT)]
    assert statuses == [200] * RATE_LIMIT
    over = [post(w, "halo", user_id="warga-x") for w in workers]
    assert [r.status_code for r in over] == [429, 429]
    assert all(int(r.headers["Retry-After"]) >= 1 for r in over)


def test_killing_a_worker_loses_no_conversation(topology, facilitator_token):
    workers, _, registry, family = topology
    a, b = workers
    key = {"X-API-Key": facilitator_token}
    nik = family.members[0].nik
    asked = start_status_check(a, "fasil-2", key)
    a.proc.send_signal(signal.SIGKILL)
    a.proc.wait(timeout=10)
    with pytest.raises(httpx.TransportError):
        post(a, nik, user_id="fasil-2", headers=key)
    result = post(b, nik, user_id="fasil-2", conversation_id=asked["conversation_id"], headers=key)
    assert result.status_code == 200, result.text
    assert lookups(registry, nik) == ["ok"]  # the flow worker A started was finished by worker B
    assert httpx.get(f"{b.url}/readyz", timeout=10).status_code == 200
