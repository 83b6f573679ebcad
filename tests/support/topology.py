"""The scale-out topology from this machine's parts, on loopback: a fresh PostgreSQL database and API workers.

Used by the deployment test: each API worker is a real ``uvicorn --factory`` process configured only
through the environment, as deploy/docker-compose.yml configures its containers.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.support.registry_fixtures import PG_URL
from tests.support.servers import free_port, wait_http


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database (dropped afterwards); yields its libpq URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Worker:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]


def _stop(worker: Worker) -> None:
    if worker.proc.poll() is None:
        worker.proc.terminate()
        try:
            worker.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.proc.kill()
            worker.proc.wait(timeout=5)


@contextlib.contextmanager
def api_workers(envs: list[Mapping[str, str]], logs_dir: Path, timeout: float = 180.0) -> Iterator[list[Worker]]:
    """Start one API worker process per environment (all at once, each on a free loopback port)."""
    workers: list[Worker] = []
    try:
        for i, env in enumerate(envs):
            port = free_port()
            log = logs_dir / f"worker-{i}.log"
            with log.open("wb") as sink:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "uvicorn", "--factory", "assistant.api.app:app_from_environment",
                     "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
                    env={**os.environ, **env}, stdout=sink, stderr=subprocess.STDOUT,
                )
            workers.append(Worker(f"http://127.0.0.1:{port}", proc, log))
        for worker in workers:
            try:
                wait_http(f"{worker.url}/healthz", timeout=timeout, proc=worker.proc)
            except RuntimeError as exc:
                raise RuntimeError(f"{exc}\n--- worker log ---\n{worker.output()}") from None
        yield workers
    finally:
        for worker in workers:
            _stop(worker)
