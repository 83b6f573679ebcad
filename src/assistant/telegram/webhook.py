"""Webhook mode: the FastAPI app receives Telegram's updates and hands them to the bot Application.

Each API worker runs its own Application (no updater) and registers the webhook on start, so several
workers share the traffic; conversation state lives in the shared store (Redis when configured).
Telegram sends the configured secret in ``X-Telegram-Bot-Api-Secret-Token``; anything else is refused.
"""

from __future__ import annotations

import hmac
import logging
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from telegram import Update

from assistant.errors import ConfigurationError
from assistant.settings import TelegramSettings
from assistant.telegram.app import build_application, release_resources, verify_token

if TYPE_CHECKING:
    from assistant.services import Services

log = logging.getLogger("assistant.telegram")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MISSING_SECRET = (
    "Mode webhook memerlukan ASSISTANT_TELEGRAM__WEBHOOK_SECRET (1-256 karakter A-Z, a-z, 0-9, _ atau -), "
    "agar hanya Telegram yang bisa mengirim pembaruan."
)


class TelegramWebhook:
    """The bot Application behind ``settings.webhook_path``, started and stopped with the API."""

    def __init__(self, services: Services, settings: TelegramSettings) -> None:
        if not settings.webhook_secret or not settings.webhook_secret.get_secret_value():
            raise ConfigurationError(MISSING_SECRET)
        self._settings = settings
        self._secret = settings.webhook_secret.get_secret_value().encode()
        self.application = build_application(services, settings, polling=False)

    async def start(self) -> None:
        await verify_token(self._settings)
        await self.application.initialize()
        await self.application.start()
        await self.application.bot.set_webhook(
            str(self._settings.webhook_url), secret_token=self._secret.decode(), allowed_updates=Update.ALL_TYPES,
        )
        log.info("telegram webhook registered", extra={"event": "telegram_webhook", "path": self._settings.webhook_path})

    async def stop(self) -> None:
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await release_resources(self.application)

    def router(self) -> APIRouter:
        router = APIRouter()

        @router.post(self._settings.webhook_path, include_in_schema=False)
        async def receive(request: Request) -> Response:
            given = request.headers.get(SECRET_HEADER, "").encode()
            if not hmac.compare_digest(given, self._secret):
                log.warning("telegram webhook call with a wrong secret", extra={"event": "telegram_webhook_denied"})
                return JSONResponse({"error": {"code": "forbidden", "message": "Token rahasia webhook salah."}},
                                    status_code=403)
            try:
                update = Update.de_json(await request.json(), self.application.bot)
            except ValueError:
                return JSONResponse({"error": {"code": "invalid_input", "message": "Pembaruan tidak valid."}},
                                    status_code=400)
            await self.application.update_queue.put(update)
            return Response(status_code=200)

        return router
