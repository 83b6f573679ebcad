"""Reference server for the registry HTTP contract (``http_registry_contract.md``), backed by any Registry.

Standard library only; a thread per request. Used by the tests and ``assistant registry serve-http``.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from assistant.adapters.region_filter_query import filter_from_query
from assistant.errors import AssistantError, InputError
from assistant.models import AuditEntry
from assistant.ports import Registry
from assistant.registry.records import RecordError, household_from_dict, household_to_dict

log = logging.getLogger(__name__)


def _handler(registry: Registry, token: str | None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt: str, *args: Any) -> None:  # paths carry no NIK; keep them at debug
            log.debug("registry-http %s", fmt % args)

        def _send(self, status: int, body: dict | None = None) -> None:
            data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if not token:
                return True
            given = self.headers.get("Authorization", "")
            if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return True
            self._send(401, {"error": "unauthorized"})
            return False

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"null")

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            if not self._authorised():
                return
            url = urlsplit(self.path)
            if url.path == "/v1/health":
                return self._send(200, {"status": "ok"})
            query = parse_qs(url.query)
            region = query.get("region", [""])[0]
            if region and not region.isdigit():
                return self._send(422, {"error": "invalid_region"})
            try:
                only = filter_from_query(query)
            except ValueError:
                return self._send(422, {"error": "invalid_filter"})
            if url.path == "/v1/households/count":
                return self._send(200, {"count": registry.count_region(region, only=only)})
            if url.path != "/v1/households":
                return self._send(404, {"error": "no_route"})
            after = query.get("after", [""])[0]
            try:
                limit = max(1, min(int(query.get("limit", ["1000"])[0]), 1000))
            except ValueError:
                return self._send(422, {"error": "invalid_limit"})
            page = []
            if region or only is not None:
                # region pages: the cursor is the last KK; the region's stream is in (region_code, kk) order
                for h in registry.iter_region(region, batch_size=limit + 1, after=after, only=only):
                    page.append(household_to_dict(h))
                    if len(page) > limit:
                        break
                more = len(page) > limit
                page = page[:limit]
                return self._send(200, {"households": page, "next_after": page[-1]["kk"] if more else None})
            for h in registry.iter_households(batch_size=limit + 1, after=after):
                page.append(household_to_dict(h))
                if len(page) > limit:
                    break
            more = len(page) > limit
            page = page[:limit]
            self._send(200, {"households": page, "next_after": page[-1]["kk"] if more else None})

        def do_POST(self) -> None:  # noqa: N802 - http.server naming
            if not self._authorised():
                return
            try:
                body = self._body()
                path = urlsplit(self.path).path
                if path == "/v1/households/lookup":
                    h = registry.get_household_by_nik(str((body or {}).get("nik", "")))
                    return self._send(404, {"error": "not_found"}) if h is None else \
                        self._send(200, {"household": household_to_dict(h)})
                if path == "/v1/households/existing":
                    kks = (body or {}).get("kks")
                    if not isinstance(kks, list) or not all(isinstance(k, str) for k in kks) or len(kks) > 10000:
                        return self._send(422, {"error": "invalid"})
                    return self._send(200, {"existing": sorted(registry.existing_kks(kks))})
                if path == "/v1/households/batch":
                    return self._batch(body or {})
                if path == "/v1/audit":
                    fields = ("actor", "role", "nik_masked", "purpose", "outcome")
                    if not all(isinstance((body or {}).get(f), str) for f in fields):
                        return self._send(422, {"error": "invalid"})
                    registry.record_audit(AuditEntry(**{f: body[f] for f in fields}, at=body.get("at") or ""))
                    return self._send(204)
                return self._send(404, {"error": "no_route"})
            except json.JSONDecodeError:
                return self._send(422, {"error": "invalid_json"})
            except AssistantError as exc:
                log.warning("registry-http error %s", exc.code)
                return self._send(500, {"error": exc.code})

        def _batch(self, body: dict) -> None:
            households, errors = [], []
            for i, record in enumerate(body.get("households") or []):
                try:
                    households.append(household_from_dict(record))
                except RecordError as exc:
                    errors.append({"index": i, "reason": str(exc)})
            if errors:
                return self._send(422, {"error": "invalid", "errors": errors})
            try:
                n = registry.add_households(households, replace=bool(body.get("replace", True)))
            except InputError:
                return self._send(409, {"error": "conflict"})
            return self._send(200, {"imported": n})

    return Handler


class RegistryHttpServer:
    """Serve a registry on ``host:port`` (port 0 picks a free one) in a background thread."""

    def __init__(self, registry: Registry, host: str = "127.0.0.1", port: int = 0, token: str | None = None) -> None:
        self._server = ThreadingHTTPServer((host, port), _handler(registry, token))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    def start(self) -> RegistryHttpServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="registry-http", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
