"""Structured JSON logs with request ids; every line passes a filter that masks NIK-like numbers (NIK, KK)."""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar
from typing import IO, Any

from assistant.privacy import redact_nik

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
_HANDLER_MARK = "_assistant_json_handler"


class NikMaskFilter(logging.Filter):
    """Masks NIK-like numbers in the message and its arguments before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not drop the line
            message = str(record.msg)
        record.msg = redact_nik(message)
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, redact_nik(value))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key not in payload and not key.startswith("_"):
                payload[key] = value if isinstance(value, int | float | bool | type(None)) else str(value)
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        # Mask the whole line too: tracebacks and extra fields can carry numbers the filter never saw.
        return redact_nik(json.dumps(payload, ensure_ascii=False))


def _install_masking_record_factory() -> None:
    """Mask at record creation too, so any other handler in the process (e.g. a basicConfig one) is safe."""
    current = logging.getLogRecordFactory()
    if getattr(current, _HANDLER_MARK, False):
        return
    mask = NikMaskFilter()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        mask.filter(record)
        return record

    setattr(factory, _HANDLER_MARK, True)
    logging.setLogRecordFactory(factory)


def configure_logging(level: str = "INFO", stream: IO[str] | None = None) -> logging.Handler:
    """Install (or replace) the JSON handler on the root logger and return it.

    Plain stream handlers (from ``logging.basicConfig`` in the CLI) are removed so each line is written
    once, as JSON; handlers of other kinds (e.g. pytest's capture) are kept.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False) or type(handler) is logging.StreamHandler:
            root.removeHandler(handler)
    _install_masking_record_factory()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(NikMaskFilter())
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    # uvicorn's own loggers would print request lines with the raw path (a NIK in /v1/eligibility/...).
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uv = logging.getLogger(name)
        uv.handlers.clear()
        uv.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    return handler
