"""One place that turns every error into JSON {"error": {"code", "message"}} with the right HTTP status."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant import errors as e
from assistant.api.schemas import NIK_LIKE_ID, NIK_LIKE_ID_MESSAGE
from assistant.privacy import redact_nik

log = logging.getLogger("assistant.api")
INTERNAL_ERROR_MESSAGE = "Terjadi kesalahan di server. Silakan coba lagi beberapa saat lagi."


class UnauthenticatedError(e.AccessDeniedError):
    """No usable credentials (missing, malformed, unknown or revoked key)."""

    code = "unauthenticated"


class PayloadTooLargeError(e.InputError):
    code = "payload_too_large"


class BodyTooLarge(StarletteHTTPException):
    """Raised from the body reader when a chunked body passes the byte limit."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="payload_too_large")


# Most specific first: the first matching class decides the status.
_STATUS: tuple[tuple[type[e.AssistantError], int], ...] = (
    (UnauthenticatedError, 401),
    (PayloadTooLargeError, 413),
    (e.AccessDeniedError, 403),
    (e.NotFoundError, 404),
    (e.RateLimitedError, 429),
    (e.IngestBusyError, 409),
    (e.InputError, 422),
    (e.IndexNotReadyError, 503),
    (e.IndexUnavailableError, 503),
    (e.IndexMismatchError, 503),
    (e.ModelUnavailableError, 503),
    (e.RegistryError, 503),
    (e.GenerationError, 503),
    (e.ConfigurationError, 503),
    (e.StoreUnavailableError, 503),
)

_HTTP_CODES = {
    400: ("bad_request", "Permintaan tidak dapat diproses."),
    401: ("unauthenticated", "Kunci API diperlukan."),
    403: ("access_denied", "Akses ditolak."),
    404: ("not_found", "Alamat tidak ditemukan."),
    405: ("method_not_allowed", "Metode HTTP ini tidak didukung untuk alamat tersebut."),
    413: ("payload_too_large", "Permintaan terlalu besar."),
    415: ("unsupported_media_type", "Kirim data sebagai JSON (Content-Type: application/json)."),
}


def status_for(exc: e.AssistantError) -> int:
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": redact_nik(message)}
    body.update(extra)
    return {"error": body}


def error_response(exc: e.AssistantError) -> JSONResponse:
    status = status_for(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, e.RateLimitedError):
        headers["Retry-After"] = str(exc.retry_after)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="assistant"'
    return JSONResponse(error_body(exc.code, exc.message), status_code=status, headers=headers)


def _describe(error: dict[str, Any]) -> dict[str, Any]:
    """A validation problem without the offending input (it may be a NIK or a long message)."""
    loc = [str(part) for part in error.get("loc", ()) if part not in ("body",)]
    if error.get("type") == "json_invalid":
        loc = []
    return {"field": ".".join(loc) or "body", "type": error.get("type", ""), "detail": redact_nik(error.get("msg", ""))}


def _validation_message(problems: list[dict[str, Any]]) -> str:
    for p in problems:
        if p["type"] == "invalid_text":
            return f"{p['detail']} (kolom: {p['field']})"
    if any(p["type"] == "json_invalid" for p in problems):
        return "Isi permintaan bukan JSON yang valid."
    if any(p["type"] == NIK_LIKE_ID for p in problems):
        return NIK_LIKE_ID_MESSAGE
    if any(p["type"] == "extra_forbidden" for p in problems):
        names = ", ".join(p["field"] for p in problems if p["type"] == "extra_forbidden")
        return f"Kolom tidak dikenal: {names}."
    if any(p["type"] == "missing" for p in problems):
        names = ", ".join(p["field"] for p in problems if p["type"] == "missing")
        return f"Kolom wajib belum diisi: {names}."
    names = ", ".join(p["field"] for p in problems)
    return f"Isi permintaan tidak valid pada kolom: {names}."


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers: assistant errors, validation errors, HTTP errors and anything unexpected."""

    @app.exception_handler(e.AssistantError)
    async def assistant_error(request: Request, exc: e.AssistantError) -> JSONResponse:
        level = logging.WARNING if status_for(exc) >= 500 else logging.INFO
        log.log(level, "request refused", extra={"error_code": exc.code, "status": status_for(exc)})
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [_describe(err) for err in exc.errors()]
        return JSONResponse(
            error_body("invalid_request", _validation_message(problems), details=problems), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _HTTP_CODES.get(exc.status_code, ("http_error", "Permintaan tidak dapat diproses."))
        return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error", exc_info=exc)
        return JSONResponse(
            error_body("internal_error", INTERNAL_ERROR_MESSAGE),
            status_code=500,
        )
