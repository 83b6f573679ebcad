"""API keys (hashed storage, revocation), roles from authentication, and the `assistant keys` commands."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from assistant.api.keys import ApiKeyStore
from assistant.errors import InputError, NotFoundError
from tests.test_api_support import NIK_IN_REGION, QUESTION, make_harness


@pytest.fixture()
def h(tmp_path):
    return make_harness(tmp_path)


def test_token_is_never_stored_only_a_salted_digest(tmp_path):
    store = ApiKeyStore(tmp_path / "keys.sqlite3")
    key, token = store.create(name="fasil-a", role="facilitator", regions=["3204"])
    _, token_b = store.create(name="fasil-b", role="facilitator", regions=["3204"])
    raw = (tmp_path / "keys.sqlite3").read_bytes()
    secret = token.split("_", 2)[2]
    assert secret.encode() not in raw
    rows = sqlite3.connect(tmp_path / "keys.sqlite3").execute("SELECT salt, digest FROM api_keys").fetchall()
    assert len({salt for salt, _ in rows}) == 2 and all(len(d) == 64 for _, d in rows)
    assert store.authenticate(token) == key
    assert store.authenticate(token_b).name == "fasil-b"


def test_wrong_malformed_and_revoked_tokens_fail(tmp_path):
    store = ApiKeyStore(tmp_path / "keys.sqlite3")
    key, token = store.create(name="fasil-a", role="facilitator", regions=["3204", "3205"])
    assert key.regions == ("3204", "3205")
    assert store.authenticate(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert store.authenticate("ask_deadbeef_nope") is None
    assert store.authenticate("garbage") is None
    revoked = store.revoke("fasil-a")
    assert revoked.revoked_at is not None
    assert store.authenticate(token) is None
    assert store.revoke(key.key_id).revoked_at == revoked.revoked_at  # revoking twice keeps the first time
    with pytest.raises(NotFoundError):
        store.revoke("tidak-ada")


@pytest.mark.parametrize(
    ("name", "role", "regions"),
    [
        ("fasil", "facilitator", []),  # a facilitator needs a region
        ("admin", "admin", ["3204"]),  # an admin has none
        ("x", "citizen", []),  # no such key role
        ("bad name!", "admin", []),
        ("fasil", "facilitator", ["32x4"]),
    ],
)
def test_invalid_keys_are_refused(tmp_path, name, role, regions):
    with pytest.raises(InputError):
        ApiKeyStore(tmp_path / "k.sqlite3").create(name=name, role=role, regions=regions)


def test_duplicate_name_is_refused(tmp_path):
    store = ApiKeyStore(tmp_path / "k.sqlite3")
    store.create(name="admin", role="admin")
    with pytest.raises(InputError):
        store.create(name="admin", role="admin")


def test_bearer_and_x_api_key_both_authenticate(h):
    token = h.facilitator["X-API-Key"]
    for headers in ({"X-API-Key": token}, {"Authorization": f"Bearer {token}"}):
        assert h.client.get(f"/v1/eligibility/{NIK_IN_REGION}", headers=headers).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{"X-API-Key": "ask_000000000000_wrong"}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer "}],
)
def test_bad_credentials_are_401_even_on_open_routes(h, headers):
    r = h.client.post("/v1/chat", json={"message": QUESTION}, headers=headers)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert h.services.conversation.calls == []


def test_revoked_key_stops_working_at_once(h):
    assert h.client.get(f"/v1/eligibility/{NIK_IN_REGION}", headers=h.facilitator).status_code == 200
    h.store.revoke("fasil-bandung")
    assert h.client.get(f"/v1/eligibility/{NIK_IN_REGION}", headers=h.facilitator).status_code == 401


def test_citizen_asking_for_facilitator_audience_gets_citizen(h):
    h.client.post("/v1/chat", json={"message": QUESTION, "audience": "facilitator"})
    assert h.services.conversation.calls[-1]["role"] == "citizen"
    assert h.services.conversation.calls[-1]["audience"] == "citizen"


def test_facilitator_key_gets_facilitator_role_and_audience(h):
    h.client.post("/v1/chat", json={"message": QUESTION, "user_id": "u1"}, headers=h.facilitator)
    call = h.services.conversation.calls[-1]
    assert call["role"] == "facilitator" and call["audience"] == "facilitator"
    key_id = next(k.key_id for k in h.store.list() if k.name == "fasil-bandung")
    assert call["user_id"] == f"key:{key_id}:u1"  # separate from an anonymous "u1"
    h.client.post("/v1/chat", json={"message": QUESTION, "audience": "citizen"}, headers=h.facilitator)
    assert h.services.conversation.calls[-1]["audience"] == "citizen"


def test_require_key_refuses_anonymous_chat_and_search(tmp_path):
    h = make_harness(tmp_path, require_key=True)
    r = h.client.post("/v1/chat", json={"message": QUESTION})
    assert r.status_code == 401 and "kunci API" in r.json()["error"]["message"]
    assert h.client.post("/v1/search", json={"query": "PKH"}).status_code == 401
    assert h.client.post("/v1/chat", json={"message": QUESTION}, headers=h.facilitator).status_code == 200
    assert h.client.get("/healthz").status_code == 200


def _cli(tmp_path, *args):
    from assistant.cli import cli

    runner = CliRunner()
    return runner.invoke(cli, list(args), env={"ASSISTANT_DATA_DIR": str(tmp_path)}, catch_exceptions=False)


def test_keys_cli_create_list_revoke(tmp_path):
    created = _cli(tmp_path, "keys", "create", "--role", "facilitator", "--regions", "3204,3205", "--name", "budi")
    assert created.exit_code == 0, created.output
    token = next(line for line in created.output.splitlines() if line.startswith("ask_"))
    store = ApiKeyStore(tmp_path / "keys.sqlite3")
    assert store.authenticate(token).regions == ("3204", "3205")

    listed = _cli(tmp_path, "keys", "list")
    assert "budi" in listed.output and "3204,3205" in listed.output and "aktif" in listed.output
    assert token.split("_", 2)[2] not in listed.output
    as_json = json.loads(_cli(tmp_path, "keys", "list", "--json").output)
    assert as_json[0]["name"] == "budi" and as_json[0]["revoked_at"] is None

    revoked = _cli(tmp_path, "keys", "revoke", "budi")
    assert revoked.exit_code == 0 and "dicabut" in revoked.output
    assert store.authenticate(token) is None


def test_keys_cli_reports_bad_input_with_an_exit_code(tmp_path):
    result = _cli(tmp_path, "keys", "create", "--role", "facilitator", "--name", "tanpa-wilayah")
    assert result.exit_code == 2
    assert "wilayah" in result.output
    assert _cli(tmp_path, "keys", "revoke", "siapa").exit_code != 0
