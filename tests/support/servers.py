"""Start real servers on free loopback ports for tests, and stop them afterwards."""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited early with code {proc.returncode}")
        try:
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not come up: {last}")


@contextlib.contextmanager
def chroma_server(path: Path) -> Iterator[str]:
    """A real `chroma run` on a free loopback port; yields its URL."""
    with chroma_server_process(path) as (url, _proc):
        yield url


@contextlib.contextmanager
def chroma_server_process(path: Path, port: int | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """A real `chroma run` on a (free) loopback port; yields its URL and process (to stop or pause it)."""
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = port or free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/api/v2/heartbeat", proc=proc)
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGCONT)  # in case a test paused it
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def hung_tcp_server() -> Iterator[int]:
    """A loopback port that accepts connections and never answers (a hung database or cache); yields it."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)  # the kernel completes handshakes into the backlog; nobody ever reads
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


@contextlib.contextmanager
def app_in_thread(app) -> Iterator[str]:
    """Serve an ASGI app with a real uvicorn in a background thread on a free loopback port; yields its URL."""
    import threading

    import uvicorn

    port = free_port()
    # log_config=None: uvicorn's own records reach the root logger (and pytest's caplog).
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/healthz", timeout=30)
        yield url
    finally:
        server.should_exit = True
        thread.join(15)
