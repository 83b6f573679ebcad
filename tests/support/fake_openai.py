"""A scripted OpenAI-compatible chat-completions server on a free loopback port, for tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI:
    """Answers POST .../chat/completions with scripted contents (the last one repeats) and records requests.

    Each recorded request is ``{"path", "auth", "body"}``. ``status`` other than 200 sends an error
    body; ``raw`` sends that body verbatim; ``delay`` makes the handler wait (until ``stop`` releases
    it) before answering. A request with ``"stream": true`` gets the content as server-sent chunks
    of 7 characters (``stream_gap`` seconds apart) and a final usage chunk. Use as a context manager: the server runs inside the ``with`` block.
    """

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.contents: list[str] = ["Jawaban [1]."]
        self.status = 200
        self.raw: bytes | None = None
        self.delay = 0.0
        self.stream_gap = 0.0  # seconds between streamed pieces
        # Computes the content from the request body instead of ``contents`` (e.g. to cite the right passage).
        self.responder: Callable[[dict], str] | None = None
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                if fake.delay:
                    fake.release.wait(fake.delay)
                if body.get("stream") and fake.status == 200 and fake.raw is None:
                    self._stream(body.get("model", ""))
                    return
                data = fake._response_body(body.get("model", ""))
                try:
                    self.send_response(fake.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout tests)

            def _stream(self, model):
                content = fake._content()
                pieces = [content[i:i + 7] for i in range(0, len(content), 7)] or [""]
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    for n, piece in enumerate(pieces):
                        delta = {"role": "assistant", "content": piece} if n == 0 else {"content": piece}
                        self._event({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1_700_000_000,
                                     "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
                        if fake.stream_gap:
                            fake.release.wait(fake.stream_gap)
                    self._event({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1_700_000_000,
                                 "model": model, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                    self._event({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1_700_000_000,
                                 "model": model, "choices": [],
                                 "usage": {"prompt_tokens": 10, "completion_tokens": len(pieces),
                                           "total_tokens": 10 + len(pieces)}})
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except OSError:
                    pass

            def _event(self, payload):
                self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
                self.wfile.flush()

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
        content = self._content()
        return json.dumps({
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }).encode()

    def _content(self) -> str:
        if self.responder is not None:
            return self.responder(self.requests[-1]["body"])
        return self.contents[min(len(self.requests), len(self.contents)) - 1]

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
