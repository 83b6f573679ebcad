"""Structured logs: one JSON object per line, request ids, and never a full 16-digit NIK."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from assistant.api.logging import JsonFormatter, NikMaskFilter, configure_logging
from assistant.privacy import redact_nik
from tests.test_api_support import NIK_IN_REGION, make_harness

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


@pytest.fixture()
def captured():
    stream = io.StringIO()
    root = logging.getLogger()
    before = list(root.handlers), root.level
    configure_logging("DEBUG", stream)
    yield stream
    root.handlers[:] = before[0]
    root.setLevel(before[1])


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("NIK 3204010101900001.", "NIK 3204********0001."),
        ("3204 0101 0190 0001", "3204********0001"),
        ("kk=3204-0101-0190-0002;", "kk=3204********0002;"),
        ("telepon 081234567890", "telepon 081234567890"),  # 12 digits: not a NIK
        ("12345678901234567", "1234********4567"),  # a 17-digit typo of a NIK is masked too
        ("32.04.01.010190.0001", "3204********0001"),  # the dotted official form
        ("Rp3.000.000 per tahun, 12-08-1985", "Rp3.000.000 per tahun, 12-08-1985"),
    ],
)
def test_log_masking_uses_the_privacy_redactor(text, masked):
    assert redact_nik(text) == masked


def test_filter_masks_arguments_extras_and_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(NikMaskFilter())
    logger = logging.getLogger("tests.mask")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("lookup %s", NIK_IN_REGION, extra={"nik": NIK_IN_REGION})
        try:
            raise ValueError(f"bad nik {NIK_IN_REGION}")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    out = stream.getvalue()
    assert NIK_IN_REGION not in out
    first = json.loads(out.splitlines()[0])
    assert first["message"] == "lookup 3204********0001" and first["nik"] == "3204********0001"
    assert "ValueError: bad nik 3204********0001" in out


def test_log_scan_during_a_chat_with_a_nik(tmp_path, captured):
    h = make_harness(tmp_path)
    message = f"Saya mau cek bansos, NIK saya {NIK_IN_REGION} lahir 1990-01-01"
    r = h.client.post("/v1/chat", json={"message": message, "user_id": "ibu-ani"},
                      headers={"X-Request-ID": "scan-1"})
    assert r.status_code == 200
    h.client.post("/v1/chat", json={"message": message, "stream": True})
    h.client.get(f"/v1/eligibility/{NIK_IN_REGION}", headers=h.facilitator)
    h.client.get(f"/v1/eligibility/{NIK_IN_REGION}")  # 401, still logged
    h.client.post("/v1/chat", json={"message": message, "extra": NIK_IN_REGION})  # 422

    def crash(**kwargs):
        raise RuntimeError(f"boom while handling {NIK_IN_REGION}")

    h.services.conversation.reply = crash
    assert h.client.post("/v1/chat", json={"message": message}).status_code == 500

    text = captured.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) >= 8
    assert SIXTEEN_DIGITS.search(text) is None, "a full NIK reached the logs"
    assert any("3204********0001" in line["message"] for line in lines)  # the careless logger was masked
    assert any(line["logger"] == "assistant.api.access" and line["request_id"] == "scan-1" for line in lines)
    assert any(line.get("route") == "/v1/eligibility/{nik}" for line in lines)
    assert any("boom while handling 3204********0001" in line.get("exc", "") for line in lines)


def test_other_handlers_get_masked_records_and_plain_stderr_handlers_are_replaced(captured):
    root = logging.getLogger()
    plain = logging.StreamHandler(io.StringIO())
    root.addHandler(plain)
    configure_logging("INFO", captured)  # as `assistant serve` does after the CLI's basicConfig
    assert plain not in root.handlers

    class Collect(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    other = Collect()
    root.addHandler(other)
    try:
        logging.getLogger("tests.other").warning("nik %s", NIK_IN_REGION)
    finally:
        root.removeHandler(other)
    assert other.messages == ["nik 3204********0001"]
    assert captured.getvalue().count("nik 3204********0001") == 1
