"""The API under failure: one traceback per unexpected error, health off the request pool, bounded readiness."""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time

import httpx

from tests.support.servers import app_in_thread
from tests.test_api_support import QUESTION, make_harness


def _tracebacks(records) -> list[logging.LogRecord]:
    return [r for r in records if r.exc_info or "Traceback" in r.getMessage()]


def test_an_unexpected_error_is_one_json_500_and_one_traceback(tmp_path, caplog):
    h = make_harness(tmp_path)

    def crash(**kwargs):
        raise RuntimeError("boom")

    h.services.conversation.reply = crash
    caplog.set_level(logging.INFO)
    with app_in_thread(h.app) as url:
        r = httpx.post(f"{url}/v1/chat", json={"message": QUESTION}, timeout=10)
        time.sleep(0.2)  # let the server thread finish logging
    assert r.status_code == 500 and r.json()["error"]["code"] == "internal_error"
    assert len(_tracebacks(caplog.records)) == 1, [(x.name, x.getMessage()) for x in _tracebacks(caplog.records)]


def test_health_and_metrics_answer_while_every_worker_thread_is_stuck(tmp_path):
    h = make_harness(tmp_path, worker_threads=2)
    release = threading.Event()
    entered = threading.Semaphore(0)

    def hung(**kwargs):  # a dependency that never answers
        entered.release()
        release.wait(30)
        raise RuntimeError("released")

    h.services.conversation.reply = hung
    with app_in_thread(h.app) as url, concurrent.futures.ThreadPoolExecutor(4) as pool:
        stuck = [pool.submit(httpx.post, f"{url}/v1/chat", json={"message": QUESTION}, timeout=40) for _ in range(4)]
        try:
            for _ in range(2):
                assert entered.acquire(timeout=10)  # both request threads are now blocked
            started = time.monotonic()
            assert httpx.get(f"{url}/healthz", timeout=2).status_code == 200
            assert "assistant_http_in_flight" in httpx.get(f"{url}/metrics", timeout=2).text
            assert time.monotonic() - started < 2
        finally:
            release.set()
        assert all(f.result().status_code == 500 for f in stuck)


def test_readyz_answers_in_time_when_a_check_hangs(tmp_path):
    h = make_harness(tmp_path, ready_timeout_seconds=0.5)
    release = threading.Event()
    h.services.ready = lambda: release.wait(20) and {}
    try:
        started = time.monotonic()
        r = h.client.get("/readyz")
        assert time.monotonic() - started < 3
        assert r.status_code == 503 and r.json() == {"ready": False, "checks": {"answered_in_time": False}}
    finally:
        release.set()
