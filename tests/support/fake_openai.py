"""A scripted OpenAI-compatible chat-completions server on a free loopback port, for tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI:
    """Answers POST .../chat/completions with scripted contents (the last one repeats) and records requests.

    Each recorded request is ``{"path", "auth", "body"}``. ``status`` other than 200 sends an error
    body; ``raw`` sends that body verbatim; ``delay`` makes the handler wait (until ``stop`` releases
    it) before answering. Use as a context manager: the server runs inside the ``with`` block.
    """

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.contents: list[str] = ["Jawaban [1]."]
        self.status = 200
        self.raw: bytes | None = None
        self.delay = 0.0
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                if fake.delay:
                    fake.release.wait(fake.delay)
                data = fake._response_body(body.get("model", ""))
                try:
                    self.send_response(fake.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout tests)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def _response_body(self, model: str) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.status != 200:
            return json.dumps({"error": {"message": "down", "type": "server_error"}}).encode()
        content = self.contents[min(len(self.requests), len(self.contents)) - 1]
        return json.dumps({
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }).encode()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeOpenAI:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
