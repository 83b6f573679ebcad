"""``create_app(services)``: the FastAPI application and the web chat page, built from one Services object."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import anyio.to_thread
from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from assistant.api.docs import install_offline_docs
from assistant.api.errors import install_error_handlers
from assistant.api.metrics import ApiMetrics
from assistant.api.middleware import RequestContextMiddleware
from assistant.api.ratelimit import FixedWindowLimiter
from assistant.api.routes import admin, chat, eligibility, health, search, worklists
from assistant.ports import KeyStore
from assistant.services import Services

if TYPE_CHECKING:
    from assistant.telegram.webhook import TelegramWebhook

STATIC_DIR = Path(__file__).parent / "static"
log = logging.getLogger("assistant.api")

# The page loads nothing but its own script and style and talks only to this server.
_PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

_DESCRIPTION = """
Satu asisten untuk keluarga, pendamping dan evaluator: jawaban dari pedoman program (PKH, DTSEN,
stunting, Tamasya, lansia, bansos lain) dengan kutipan sumber, cek status oleh pendamping, dan umpan balik.

Authentication: send an API key as `X-API-Key: <key>` or `Authorization: Bearer <key>`. Without a key the
caller is an anonymous citizen (chat, search, feedback; rate-limited). Every error body is
`{"error": {"code": "...", "message": "..."}}` with an Indonesian message.
"""


def create_app(services: Services, *, key_store: KeyStore | None = None) -> FastAPI:
    """Build the app around the process's Services; its lifespan warms them up and closes them at shutdown."""
    settings = services.settings
    webhook = _telegram_webhook(services)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services.warm_up()
        if webhook is not None:
            await webhook.start()
        # Sync routes run in this pool. More threads than the CPU can serve only fight over the GIL,
        # which starves the thread that runs a batch of query embeddings for everyone waiting.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.api.worker_threads
        log.info("api started")
        try:
            yield
            if webhook is not None:
                await webhook.stop()
        finally:
            services.close()

    app = FastAPI(
        title="Asisten Keluarga API",
        version="1.0",
        description=_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by install_offline_docs, without a CDN
        redoc_url=None,
    )
    metrics = ApiMetrics(services.llm_stats)
    app.state.services = services
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.keys = key_store or services.key_store
    app.state.limiter = FixedWindowLimiter(
        services.state, on_limited=lambda scope: metrics.rate_limited.labels(scope).inc(), hasher=services.hasher,
    )
    # Room for a maximal message in JSON (escaped non-ASCII text is up to 6 bytes a character) plus fields.
    max_body = settings.api.max_message_chars * 6 + 4096
    app.add_middleware(RequestContextMiddleware, metrics=metrics, max_body_bytes=max_body)
    install_error_handlers(app)
    for module in (chat, search, eligibility, worklists, admin, health):
        app.include_router(module.router)
    if webhook is not None:
        app.include_router(webhook.router())

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=_PAGE_HEADERS)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_offline_docs(app)
    return app


def _telegram_webhook(services: Services) -> TelegramWebhook | None:
    """The Telegram bot in webhook mode when ``telegram.webhook_url`` is set (see assistant.telegram.webhook)."""
    if not services.settings.telegram.webhook_url:
        return None
    from assistant.telegram.webhook import TelegramWebhook

    return TelegramWebhook(services, services.settings.telegram)


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory``: settings from the environment, the real services."""
    from assistant.api.logging import configure_logging
    from assistant.services import build_services
    from assistant.settings import Settings

    settings = Settings()
    configure_logging(settings.log_level)
    return create_app(build_services(settings))
