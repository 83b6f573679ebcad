"""A reply's draft shown while the language model writes it: one message, edited as it grows.

Edits are throttled (Telegram allows about one edit a second per chat). The draft is shown only up
to its last complete number and NIK-masked (``assistant.rag.streaming.DraftBuffer``). When the
checked reply is ready it replaces the draft in the same message, so an unchecked sentence never
stays on screen; when there is no reply (an error), the draft message is deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import InlineKeyboardMarkup, Message
from telegram.error import TelegramError

from assistant.privacy import redact_nik
from assistant.rag.streaming import DraftBuffer
from assistant.telegram.delivery import Delivery
from assistant.telegram.formatting import SAFE_LIMIT, escape

log = logging.getLogger("assistant.telegram")

_WRITING = " …"


class DraftMessage:
    """Shows a ``DraftBuffer`` in one Telegram message, edited at most every ``every`` seconds."""

    def __init__(self, delivery: Delivery, chat_id: int, *, every: float, reply_to: int | None = None) -> None:
        self.buffer = DraftBuffer(redact_nik)
        self.message: Message | None = None
        self._delivery = delivery
        self._chat_id = chat_id
        self._every = every
        self._reply_to = reply_to
        self._stop = asyncio.Event()

    async def run(self) -> None:
        """Send, then edit, the draft until ``stop``; a failed edit is skipped (the draft is a courtesy)."""
        shown = ""
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self._every)
            if self._stop.is_set():
                return
            text = self.buffer.shown().strip()
            if not text or text == shown:
                continue
            html = escape(text)[: SAFE_LIMIT - len(_WRITING)] + _WRITING
            try:
                if self.message is None:
                    self.message = await self._delivery.send(self._chat_id, html, reply_to=self._reply_to)
                else:
                    await self._delivery.edit(self._chat_id, self.message.message_id, html)
            except TelegramError:
                log.warning("draft edit failed", exc_info=True)
                continue
            shown = text

    def stop(self) -> None:
        self._stop.set()

    async def discard(self) -> None:
        """Remove the draft (no checked reply will replace it)."""
        if self.message is not None and not await self._delivery.delete(self._chat_id, self.message.message_id):
            await self._delivery.edit(self._chat_id, self.message.message_id, "…")
        self.message = None


@contextlib.asynccontextmanager
async def showing_draft(delivery: Delivery, chat_id: int, *, every: float,
                        reply_to: int | None = None) -> AsyncIterator[DraftMessage]:
    """A ``DraftMessage`` shown while the body runs (not at all when ``every`` is 0)."""
    draft = DraftMessage(delivery, chat_id, every=every, reply_to=reply_to)
    task = asyncio.create_task(draft.run()) if every > 0 else None
    try:
        yield draft
    finally:
        draft.stop()
        if task is not None:
            await task


async def deliver_over_draft(delivery: Delivery, chat_id: int, draft: DraftMessage, messages: list[str], *,
                             reply_markup: InlineKeyboardMarkup | None, reply_to: int | None) -> None:
    """Send the checked reply: into the draft's message when one is shown, else as new messages."""
    if draft.message is None:
        await delivery.send_all(chat_id, messages, reply_markup=reply_markup, reply_to=reply_to)
        return
    last = len(messages) - 1
    await delivery.edit(chat_id, draft.message.message_id, messages[0], reply_markup=reply_markup if last == 0 else None)
    for i, text in enumerate(messages[1:], start=1):
        await delivery.send(chat_id, text, reply_markup=reply_markup if i == last else None)
