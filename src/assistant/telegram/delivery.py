"""Sending to Telegram: messages, edits, deletions and the typing indicator, with flood limits respected.

This is the one place the bot writes to the Bot API. ``Delivery.send`` and ``Delivery.edit`` are the
seam a streaming answer uses: send a first message, then edit it as text arrives. A 429 from Telegram
(``RetryAfter``) is waited out and the call repeated, so a reply is delayed, never lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger("assistant.telegram")

T = TypeVar("T")

MAX_FLOOD_RETRIES = 5
TYPING_REFRESH_SECONDS = 4.0  # Telegram shows "typing..." for about 5 s per action


def _retry_after_seconds(exc: RetryAfter) -> float:
    """``retry_after`` as seconds, whether this python-telegram-bot gives an int or a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)  # int today, timedelta in a later major
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class Delivery:
    """Bot API calls used by the handlers, each retried after a flood-limit wait."""

    def __init__(self, bot: Bot, *, max_retries: int = MAX_FLOOD_RETRIES) -> None:
        self.bot = bot
        self.max_retries = max_retries

    async def _call(self, method: str, call: Callable[[], Awaitable[T]]) -> T:
        for attempt in range(self.max_retries + 1):
            try:
                return await call()
            except RetryAfter as exc:
                if attempt == self.max_retries:
                    raise
                wait = _retry_after_seconds(exc)
                log.warning("telegram flood limit on %s: waiting %.1f s", method, wait,
                            extra={"event": "telegram_retry_after", "method": method, "retry_after": wait})
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    async def send(self, chat_id: int, html_text: str, *, reply_markup: Any = None,
                   reply_to: int | None = None) -> Message:
        """Send one HTML message (already escaped and below the length limit)."""
        return await self._call("sendMessage", lambda: self.bot.send_message(
            chat_id, html_text, parse_mode=ParseMode.HTML, reply_markup=reply_markup,
            reply_to_message_id=reply_to, disable_web_page_preview=True,
        ))

    async def send_all(self, chat_id: int, messages: list[str], *, reply_markup: Any = None,
                       reply_to: int | None = None) -> list[Message]:
        """Send the parts of one reply in order; the buttons go under the last part."""
        sent = []
        for i, text in enumerate(messages):
            last = i == len(messages) - 1
            sent.append(await self.send(chat_id, text, reply_markup=reply_markup if last else None,
                                        reply_to=reply_to if i == 0 else None))
        return sent

    async def edit(self, chat_id: int, message_id: int, html_text: str, *,
                   reply_markup: InlineKeyboardMarkup | None = None) -> None:
        """Replace a message's text (a streamed answer growing, or buttons removed)."""
        try:
            await self._call("editMessageText", lambda: self.bot.edit_message_text(
                html_text, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML,
                reply_markup=reply_markup, disable_web_page_preview=True,
            ))
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise

    async def set_buttons(self, chat_id: int, message_id: int, markup: InlineKeyboardMarkup | None) -> None:
        """Replace (or with None remove) the buttons under a message."""
        with contextlib.suppress(BadRequest):
            await self._call("editMessageReplyMarkup", lambda: self.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=markup))

    async def delete(self, chat_id: int, message_id: int) -> bool:
        """Delete a message; False where the bot has no right to (old message, group without admin)."""
        try:
            return bool(await self._call("deleteMessage", lambda: self.bot.delete_message(chat_id, message_id)))
        except (BadRequest, Forbidden):
            return False

    async def answer_callback(self, callback_id: str, text: str | None = None) -> None:
        with contextlib.suppress(BadRequest):  # a query older than ~15 minutes can no longer be answered
            await self._call("answerCallbackQuery", lambda: self.bot.answer_callback_query(callback_id, text=text))

    @contextlib.asynccontextmanager
    async def typing(self, chat_id: int) -> AsyncIterator[None]:
        """Show "typing..." while the body runs, refreshed every few seconds.

        The first action runs alongside the body and is awaited before leaving, so it always reaches
        Telegram before the reply (never a "typing..." after the answer).
        """

        async def action() -> None:
            with contextlib.suppress(TelegramError):  # the indicator is a courtesy; never fail a reply over it
                await self.bot.send_chat_action(chat_id, ChatAction.TYPING)

        async def refresh() -> None:
            while True:
                await asyncio.sleep(TYPING_REFRESH_SECONDS)
                await action()

        first = asyncio.create_task(action())
        refresher = asyncio.create_task(refresh())
        try:
            yield
        finally:
            refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refresher
            await first
