"""Bad input gets a clear JSON error (422/413) with a stable code and an Indonesian message, never a 500."""

from __future__ import annotations

import json

import pytest

from tests.test_api_support import QUESTION, make_harness


@pytest.fixture()
def h(tmp_path):
    return make_harness(tmp_path, max_message_chars=200)


def _error(r, status, code):
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize(
    "payload",
    [
        {"message": ""},
        {"message": "   \n "},
        {},
        {"message": 42},
        {"message": ["a"]},
        {"message": None},
        {"message": QUESTION, "stream": "sometimes"},
        {"message": QUESTION, "audience": "menteri"},
        {"message": QUESTION, "user_id": "a b c"},
        {"message": QUESTION, "conversation_id": "x" * 500},
        [QUESTION],
        "just a string",
    ],
)
def test_bad_chat_bodies_are_422(h, payload):
    _error(h.client.post("/v1/chat", json=payload), 422, "invalid_request")
    assert h.services.conversation.calls == []


def test_unknown_fields_are_named_in_the_message(h):
    err = _error(h.client.post("/v1/chat", json={"message": QUESTION, "role": "admin"}), 422, "invalid_request")
    assert "role" in err["message"] and "tidak dikenal" in err["message"]


def test_invalid_json_and_wrong_content_type(h):
    err = _error(
        h.client.post("/v1/chat", content=b'{"message": ', headers={"content-type": "application/json"}),
        422, "invalid_request",
    )
    assert "JSON" in err["message"]
    _error(h.client.post("/v1/chat", content=b"message=halo", headers={"content-type": "text/plain"}),
           422, "invalid_request")


def test_message_over_the_limit_is_413(h):
    err = _error(h.client.post("/v1/chat", json={"message": "a" * 201}), 413, "payload_too_large")
    assert "200" in err["message"]
    assert h.client.post("/v1/chat", json={"message": "a" * 200}).status_code == 200


def test_huge_body_is_refused_before_parsing(h):
    _error(h.client.post("/v1/chat", json={"message": "a" * 100_000}), 413, "payload_too_large")


def test_huge_chunked_body_is_413(h):
    def chunks():
        yield b'{"message": "'
        for _ in range(100):
            yield b"a" * 1000
        yield b'"}'

    r = h.client.post("/v1/chat", content=chunks(), headers={"content-type": "application/json"})
    _error(r, 413, "payload_too_large")


def test_search_validation(h):
    _error(h.client.post("/v1/search", json={"query": ""}), 422, "invalid_request")
    _error(h.client.post("/v1/search", json={"query": "PKH", "k": 0}), 422, "invalid_request")
    _error(h.client.post("/v1/search", json={"query": "PKH", "k": "lima"}), 422, "invalid_request")
    _error(h.client.post("/v1/search", json={"query": "PKH", "filters": {}}), 422, "invalid_request")
    _error(h.client.post("/v1/search", json={"query": "a" * 201}), 413, "payload_too_large")


def test_feedback_validation(h):
    _error(h.client.post("/v1/feedback", json={"answer_id": "ans-1"}), 422, "invalid_request")
    _error(h.client.post("/v1/feedback", json={"answer_id": "ans-1", "rating": "up", "comment": "x" * 1001}),
           422, "invalid_request")


def test_validation_errors_never_echo_the_input(h):
    nik = "3204010101900001"
    r = h.client.post("/v1/chat", json={"message": QUESTION, "user_id": f"nik {nik}"})
    assert r.status_code == 422 and nik not in r.text
    r = h.client.get(f"/v1/eligibility/{nik}x", headers=h.facilitator)
    assert r.status_code == 422 and nik not in r.text


def test_unknown_route_and_method_are_json(h):
    _error(h.client.get("/v1/tidak-ada"), 404, "not_found")
    _error(h.client.get("/v1/chat"), 405, "method_not_allowed")


def test_service_errors_map_to_status_codes(h):
    from assistant.errors import IndexNotReadyError, InputError

    def broken(**kwargs):
        raise IndexNotReadyError("Indeks pengetahuan belum dibuat.")

    h.services.conversation.reply = broken
    _error(h.client.post("/v1/chat", json={"message": QUESTION}), 503, "index_not_ready")

    def refuses(**kwargs):
        raise InputError("Pertanyaan tidak boleh kosong.")

    h.services.conversation.reply = refuses
    _error(h.client.post("/v1/chat", json={"message": QUESTION}), 422, "invalid_input")


def test_unexpected_failure_is_a_json_500_without_details(h):
    def crash(**kwargs):
        raise RuntimeError("secret internals 3204010101900001")

    h.services.conversation.reply = crash
    err = _error(h.client.post("/v1/chat", json={"message": QUESTION}), 500, "internal_error")
    assert "secret" not in err["message"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [("halo \ud800 pkh", "surrogate"), ("bansos\x00pkh", "kontrol"), ("\x1b[31mPKH", "kontrol"), ("a\udfffb", "surrogate")],
)
def test_unencodable_or_control_text_is_422_with_an_indonesian_reason(h, text, reason):
    for path, field in (("/v1/chat", "message"), ("/v1/search", "query")):
        body = json.dumps({field: text})  # ASCII escapes (\ud800) keep the lone surrogate encodable
        r = h.client.post(path, content=body.encode(), headers={"content-type": "application/json"})
        err = _error(r, 422, "invalid_request")
        assert reason in err["message"] and field in err["message"]
    assert h.services.conversation.calls == []


def test_rtl_emoji_and_newlines_are_ordinary_text(h):
    for text in ("مرحبا PKH", "bansos 👨‍👩‍👧 ya?", "baris satu\nbaris dua\tTab", "\u202ePKH"):
        assert h.client.post("/v1/chat", json={"message": text}).status_code == 200
