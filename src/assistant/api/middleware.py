"""One pure-ASGI middleware: request id, body size limit, metrics and a masked access log line."""

from __future__ import annotations

import json
import logging
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.api.errors import INTERNAL_ERROR_MESSAGE, BodyTooLarge, error_body
from assistant.api.logging import request_id_var
from assistant.api.metrics import ApiMetrics
from assistant.privacy import random_id, redact_nik

access_log = logging.getLogger("assistant.api.access")
log = logging.getLogger("assistant.api")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: ApiMetrics, max_body_bytes: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", ())}
        incoming = headers.get("x-request-id", "")
        request_id = incoming if _SAFE_ID.match(incoming) else random_id()[:16]
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        started_response = False
        self.metrics.in_flight.inc()

        async def send_with_id(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status = message["status"]
                started_response = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge()
            return message

        try:
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > self.max_body_bytes:
                await self._too_large(send_with_id)
            else:
                await self.app(scope, receive_limited, send_with_id)
        except Exception:  # noqa: BLE001 - answered and logged here, once; re-raising logs it a second time
            log.error("unexpected error", exc_info=True)
            if not started_response:
                await self._send_json(send_with_id, 500, error_body("internal_error", INTERNAL_ERROR_MESSAGE))
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.in_flight.dec()
            self.metrics.requests.labels(scope["method"], template, str(status)).inc()
            self.metrics.latency.labels(template).observe(elapsed)
            principal = getattr(scope.get("state", {}).get("principal"), "name", None)
            access_log.info(
                "%s %s %s",
                scope["method"],
                redact_nik(scope.get("path", "")),
                status,
                extra={"status": status, "duration_ms": round(elapsed * 1000, 2), "route": template,
                       "caller": principal or "anonymous"},
            )
            request_id_var.reset(token)

    @classmethod
    async def _too_large(cls, send: Send) -> None:
        await cls._send_json(send, 413, error_body("payload_too_large", "Permintaan terlalu besar."))

    @staticmethod
    async def _send_json(send: Send, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
