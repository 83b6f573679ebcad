"""Inline keyboards and their callback data (at most 64 bytes each, as Telegram requires).

Callback data: ``m:<topic>`` menu topic, ``q:<text>`` a question (``qh:<hash>`` when the text is too
long, the text kept in the state store), ``f:u:<answer_id>`` / ``f:d:<answer_id>`` feedback,
``e:y`` / ``e:n`` erase confirmation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from assistant.models import Reply
from assistant.ports import StateStore
from assistant.telegram.texts import MENU_TOPICS, BotTexts

MAX_CALLBACK_BYTES = 64
BUTTON_TTL_SECONDS = 7 * 86400
_BUTTON_KEY = "tg:btn:"


class QuestionButtons:
    """Makes a button that asks a question, and reads the question back from its callback data."""

    def __init__(self, state: StateStore, ttl_seconds: int = BUTTON_TTL_SECONDS) -> None:
        self._state = state
        self._ttl = ttl_seconds

    def button(self, text: str) -> InlineKeyboardButton:
        data = f"q:{text}"
        if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
            self._state.set(_BUTTON_KEY + digest, text, self._ttl)
            data = f"qh:{digest}"
        return InlineKeyboardButton(text[:100], callback_data=data)

    def question(self, data: str) -> str | None:
        """The question behind ``q:``/``qh:`` data; None when it expired or is not a question."""
        if data.startswith("q:"):
            return data[2:]
        if data.startswith("qh:"):
            return self._state.get(_BUTTON_KEY + data[3:])
        return None


def menu_keyboard(texts: BotTexts) -> InlineKeyboardMarkup:
    """The /start menu: two topics per row."""
    buttons = [InlineKeyboardButton(texts.get(f"menu_{topic}"), callback_data=f"m:{topic}") for topic in MENU_TOPICS]
    return InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)])


def questions_keyboard(questions: Sequence[str], buttons: QuestionButtons) -> InlineKeyboardMarkup | None:
    rows = [[buttons.button(q)] for q in questions if q]
    return InlineKeyboardMarkup(rows) if rows else None


def wants_feedback(reply: Reply) -> bool:
    """Thumbs under answers and declines (what evaluators judge), not under prompts of the status check."""
    return bool(reply.answer_id) and (bool(reply.citations) or reply.intent in ("program_question", "out_of_scope"))


def reply_keyboard(reply: Reply, texts: BotTexts, buttons: QuestionButtons) -> InlineKeyboardMarkup | None:
    """The reply's suggestions as buttons, with a 👍/👎 row under answers."""
    rows = [[buttons.button(s)] for s in reply.suggestions if s]
    if wants_feedback(reply):
        rows.append([
            InlineKeyboardButton(texts.get("feedback_up"), callback_data=f"f:u:{reply.answer_id}"),
            InlineKeyboardButton(texts.get("feedback_down"), callback_data=f"f:d:{reply.answer_id}"),
        ])
    return InlineKeyboardMarkup(rows) if rows else None


def without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard with the 👍/👎 row removed (once a rating is given)."""
    if markup is None:
        return None
    rows = [list(row) for row in markup.inline_keyboard
            if not any(str(b.callback_data or "").startswith("f:") for b in row)]
    return InlineKeyboardMarkup(rows) if rows else None


def erase_keyboard(texts: BotTexts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.get("erase_yes"), callback_data="e:y"),
        InlineKeyboardButton(texts.get("erase_no"), callback_data="e:n"),
    ]])


def private_chat_keyboard(texts: BotTexts, bot_username: str | None, start: str = "") -> InlineKeyboardMarkup | None:
    """A button that opens the private chat with the bot (``start="cek"``: and starts the status check)."""
    if not bot_username:
        return None
    url = f"https://t.me/{bot_username}" + (f"?start={start}" if start else "")
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.get("group_open_private"), url=url)]])
