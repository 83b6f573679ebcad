"""Server-sent events from a real uvicorn process on a loopback port."""

from __future__ import annotations

import json

import httpx
import pytest

from assistant.api.keys import ApiKeyStore
from tests.test_api_support import FAILING_QUESTION, NIK_IN_REGION, QUESTION, UvicornProcess

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("api-data")
    _, token = ApiKeyStore(data_dir / "keys.sqlite3").create(name="fasil", role="facilitator", regions=["3204"])
    log_path = data_dir / "uvicorn.log"
    proc = UvicornProcess(data_dir, log_path)
    proc.token = token
    proc.log_path = log_path
    yield proc
    proc.stop()


def read_events(response: httpx.Response) -> list[tuple[str, dict]]:
    events, event, data = [], None, ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            data += line[6:]
        elif line == "" and event:
            events.append((event, json.loads(data)))
            event, data = None, ""
    return events


def test_stream_sends_start_deltas_and_done(server):
    with httpx.stream("POST", server.url + "/v1/chat", json={"message": QUESTION, "stream": True}, timeout=30) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["cache-control"] == "no-cache"
        events = read_events(r)
    names = [name for name, _ in events]
    assert names[0] == "start" and names[-1] == "done"
    assert names.count("delta") >= 2
    done = events[-1][1]
    assert "".join(d["text"] for name, d in events if name == "delta") == done["answer"]
    assert done["citations"][0]["chunk_id"] == "pkh-besaran#1"
    assert done["conversation_id"] and done["answer_id"]


def test_stream_matches_the_json_reply(server):
    plain = httpx.post(server.url + "/v1/chat", json={"message": QUESTION}, timeout=30).json()
    with httpx.stream("POST", server.url + "/v1/chat", json={"message": QUESTION, "stream": True}, timeout=30) as r:
        done = read_events(r)[-1][1]
    for field in ("answer", "refused", "citations", "suggestions"):
        assert done[field] == plain[field]


def test_stream_reports_service_errors_in_band(server):
    body = {"message": FAILING_QUESTION, "stream": True}
    with httpx.stream("POST", server.url + "/v1/chat", json=body, timeout=30) as r:
        events = read_events(r)
    assert [name for name, _ in events] == ["start", "error"]
    assert events[1][1]["error"]["code"] == "index_not_ready"
    assert events[1][1]["error"]["status"] == 503


def test_stream_validation_errors_are_plain_json(server):
    r = httpx.post(server.url + "/v1/chat", json={"message": "", "stream": True}, timeout=30)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"


def test_server_logs_are_json_with_request_ids_and_no_nik(server):
    nik_text = f"NIK saya {NIK_IN_REGION}, apakah dapat PKH?"
    httpx.post(server.url + "/v1/chat", json={"message": nik_text, "stream": True}, timeout=30)
    httpx.get(f"{server.url}/v1/eligibility/{NIK_IN_REGION}", headers={"X-API-Key": server.token}, timeout=30)
    r = httpx.post(server.url + "/v1/chat", json={"message": nik_text}, headers={"X-Request-ID": "req-abc123"},
                   timeout=30)
    assert r.headers["x-request-id"] == "req-abc123"
    lines = [json.loads(line) for line in server.log_path.read_text().splitlines() if line.startswith("{")]
    assert any(line.get("request_id") == "req-abc123" for line in lines)
    # lines written while a stream is produced (in a worker thread) still carry their request id
    conversation_lines = [line for line in lines if line["logger"] == "tests.fake_conversation"]
    assert conversation_lines and all(line["request_id"] != "-" for line in conversation_lines)
    assert any("3204********0001" in line["message"] for line in lines)
    assert NIK_IN_REGION not in server.log_path.read_text()
