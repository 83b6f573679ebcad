"""deploy/: the compose topology and the systemd units name only real settings and a sound topology."""

from __future__ import annotations

import configparser
import re

import yaml
from pydantic import BaseModel

from assistant.settings import Settings
from tests.conftest import REPO

DEPLOY = REPO / "deploy"


def setting_names() -> set[str]:
    names = set()
    for name, field in Settings.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= {f"ASSISTANT_{name.upper()}__{sub.upper()}" for sub in annotation.model_fields}
        else:
            names.add(f"ASSISTANT_{name.upper()}")
    return names


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_sets_only_real_settings():
    known = setting_names()
    for name, service in compose()["services"].items():
        for var in service.get("environment") or {}:
            if var.startswith("ASSISTANT_"):
                assert var in known, f"{name}: {var} is not a setting (see .env.example)"


def test_compose_topology_shares_every_store():
    services = compose()["services"]
    assert {"api", "bot", "chroma", "postgres", "redis", "ingest", "proxy"} <= set(services)
    for name in ("api", "bot", "ingest"):
        env = services[name]["environment"]
        assert env["ASSISTANT_REDIS_URL"].startswith("redis://"), name
        assert env["ASSISTANT_INDEX__CHROMA_URL"] == "http://chroma:8000", name
        assert env["ASSISTANT_REGISTRY__URL"].startswith("postgresql://"), name
        assert env["ASSISTANT_STORE__URL"] == env["ASSISTANT_REGISTRY__URL"], name
        assert env["ASSISTANT_PRIVACY__SECRET"].startswith("${"), name  # one key for every container
    # Only the bot service registers the Telegram webhook; the proxy sends Telegram's updates there.
    assert "ASSISTANT_TELEGRAM__WEBHOOK_URL" in services["bot"]["environment"]
    assert not any(v.startswith("ASSISTANT_TELEGRAM__") for v in services["api"]["environment"])
    caddy = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert re.search(r"handle /telegram/\*\s*{\s*reverse_proxy bot:8000", caddy)
    assert "--workers" in services["api"]["command"] and services["api"]["deploy"]["replicas"] >= 2
    assert services["api"]["depends_on"]["ingest"]["condition"] == "service_completed_successfully"


def test_systemd_unit_runs_workers_with_an_environment_file():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(DEPLOY / "systemd" / "asisten-keluarga.service", encoding="utf-8")
    service = unit["Service"]
    assert "serve" in service["ExecStart"] and "--workers" in service["ExecStart"]
    assert service["EnvironmentFile"] and service["Restart"] == "on-failure"
    chroma = configparser.ConfigParser(strict=False, interpolation=None)
    chroma.read(DEPLOY / "systemd" / "asisten-chroma.service", encoding="utf-8")
    assert "chroma run" in chroma["Service"]["ExecStart"]
