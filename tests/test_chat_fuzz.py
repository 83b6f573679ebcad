"""Fuzz of chat messages on the real conversation service and model: surrogates, control characters,
right-to-left text, emoji and huge inputs get an answer or a clear 4xx, never a 5xx. Bounded, in-process."""

from __future__ import annotations

import concurrent.futures
import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.api.app import create_app
from assistant.services import Services
from tests.conftest import make_settings

pytestmark = pytest.mark.slow

# Every code point class that has broken text pipelines: lone surrogates (Cs), controls (Cc), format
# characters such as RTL overrides and zero-width joiners (Cf), private use, and ordinary letters.
MESSAGES = st.text(
    alphabet=st.characters(codec=None, categories=("Cs", "Cc", "Cf", "Co", "L", "N", "P", "Zs", "So")),
    min_size=0, max_size=300,
)
EDGE_CASES = [
    "\ud800", "brp bantuan pkh \udfff?", "\x00", "PKH\x1b[2J", "مرحبا، ما هو PKH؟", "\u202eHKP nauhab\u202c",
    "👨‍👩‍👧‍👦 bansos?", "zero\u200bwidth\u200d", "\ufeffBOM", "a" * 2001, "ب" * 5000,
]


@pytest.fixture(scope="module")
def client(tmp_path_factory, indexed_services, models_dir):
    services = Services(
        make_settings(tmp_path_factory.mktemp("fuzz"), models_dir, api={"anonymous_rate_per_minute": 100_000}),
        embedder=indexed_services.embedder, index=indexed_services.index,
    )
    return TestClient(create_app(services), raise_server_exceptions=False)


def _post(client, message: str):
    # ASCII-escaped JSON carries lone surrogates the way a real client's JSON encoder would.
    return client.post("/v1/chat", content=json.dumps({"message": message}).encode(),
                       headers={"content-type": "application/json"})


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
@given(message=MESSAGES)
@example(message="")
def test_no_message_gets_a_server_error(client, message):
    r = _post(client, message)
    assert r.status_code < 500, (message, r.status_code, r.text)
    assert r.status_code in (200, 413, 422), r.text
    if r.status_code != 200:
        assert r.json()["error"]["message"]


@pytest.mark.parametrize("message", EDGE_CASES)
def test_edge_cases(client, message):
    r = _post(client, message)
    assert r.status_code in (200, 413, 422), r.text


def test_bad_messages_never_fail_good_ones_sent_at_the_same_time(client):
    good = [f"Berapa bantuan PKH untuk anak SD? ({i})" for i in range(30)]
    bad = ["\ud800 pkh", "bansos\x00", "\udfff"] * 4
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda m: (m, _post(client, m).status_code), good + bad))
    assert {m: s for m, s in results if m in good} == {m: 200 for m in good}
    assert all(s == 422 for m, s in results if m in bad)
