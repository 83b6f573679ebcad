"""`assistant serve`: builds the services, makes sure the index exists, prints the web chat URL, runs uvicorn."""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner

from tests.test_api_support import fake_services


@pytest.fixture()
def serve_calls(monkeypatch):
    import uvicorn

    import assistant.services

    calls: dict[str, object] = {"ensure_index": 0}

    def build(settings):
        services = fake_services(settings)
        ensure_index = services.ensure_index

        def counted(progress=None):
            calls["ensure_index"] += 1
            return ensure_index(progress)

        services.ensure_index = counted
        return services

    monkeypatch.setattr(assistant.services, "build_services", build)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.update(app=app, **kw))
    root = logging.getLogger()
    before = list(root.handlers), root.level
    yield calls
    root.handlers[:] = before[0]  # serve installs the JSON handler on the CliRunner's (closed) stderr
    root.setLevel(before[1])


def _serve(tmp_path, *args, **env):
    from assistant.cli import cli

    env = {"ASSISTANT_DATA_DIR": str(tmp_path), "ASSISTANT_API__PORT": "8123", "ASSISTANT_REDIS_URL": "", **env}
    return CliRunner().invoke(cli, ["serve", *args], env=env, catch_exceptions=False)


def test_serve_prints_the_url_and_runs_the_app(tmp_path, serve_calls):
    result = _serve(tmp_path)
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert serve_calls["ensure_index"] == 1
    assert serve_calls["host"] == "127.0.0.1" and serve_calls["port"] == 8123
    assert serve_calls["access_log"] is False  # our middleware writes a masked access line instead
    app = serve_calls["app"]
    assert "/v1/chat" in app.openapi()["paths"]


def test_serve_with_workers_uses_the_factory(tmp_path, serve_calls):
    result = _serve(tmp_path, "--host", "0.0.0.0", "--port", "9001", "--workers", "2",
                    ASSISTANT_REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:9001/" in result.output
    assert serve_calls["app"] == "assistant.api.app:app_from_environment"
    assert serve_calls["factory"] is True and serve_calls["workers"] == 2 and serve_calls["host"] == "0.0.0.0"


def test_serve_refuses_several_workers_without_redis(tmp_path, serve_calls):
    """Without Redis each worker would keep its own conversations: refuse before loading anything."""
    result = _serve(tmp_path, "--workers", "2")
    assert result.exit_code == 2
    assert "ASSISTANT_REDIS_URL" in result.output and "--workers 1" in result.output
    assert serve_calls["ensure_index"] == 0 and "app" not in serve_calls
