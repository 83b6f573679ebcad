"""Telegram handlers: each one turns an update into a call of the conversation service and sends the reply.

No answering, eligibility or privacy rule lives here. The only decisions are channel decisions: which
chat the user is in, whether a group message is addressed to the bot, deleting a message that holds
a NIK, and which buttons go under a reply.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import Chat, ForceReply, Message, MessageEntity, Update
from telegram.ext import (
    Application,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ExtBot,
    MessageHandler,
)
from telegram.ext import filters as f

from assistant.errors import InputError, NotFoundError
from assistant.ports import Conversation, StateStore
from assistant.privacy import has_nik_like
from assistant.rag.streaming import with_token_sink
from assistant.telegram.delivery import Delivery
from assistant.telegram.formatting import escape, format_messages
from assistant.telegram.keyboards import (
    QuestionButtons,
    erase_keyboard,
    menu_keyboard,
    private_chat_keyboard,
    questions_keyboard,
    reply_keyboard,
    without_feedback,
)
from assistant.telegram.streaming import deliver_over_draft, showing_draft
from assistant.telegram.texts import BotTexts

log = logging.getLogger("assistant.telegram")

T = TypeVar("T")

CHANNEL = "telegram"
COMMENT_TTL_SECONDS = 86400
_COMMENT_KEY = "tg:fbc:"


@dataclass(frozen=True, slots=True)
class BotDeps:
    """What the handlers need: the conversation service (reply, feedback, forget) and the bot's texts."""

    conversation: Conversation  # in-process ConversationService, or HttpConversation to a remote API
    texts: BotTexts
    state: StateStore
    buttons: QuestionButtons
    executor: Executor
    erase_done: str  # the service's own wording for "your data is erased"
    memory_hours: int
    timeout_seconds: float = 30.0
    draft_edit_seconds: float = 0.0  # show an LLM answer's draft while it is written (0: off)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a (blocking) service call on the worker threads, so other chats keep moving.

        A call that outlasts ``timeout_seconds`` raises TimeoutError (the user is told to try later; the
        thread finishes on its own).
        """
        loop = asyncio.get_running_loop()
        call = loop.run_in_executor(self.executor, functools.partial(fn, *args, **kwargs))
        return await asyncio.wait_for(call, self.timeout_seconds)


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """The handlers' context: ``context.deps`` and ``context.delivery`` besides the usual fields."""

    @property
    def deps(self) -> BotDeps:
        return self.bot_data["deps"]

    @property
    def delivery(self) -> Delivery:
        return self.bot_data["delivery"]


def user_key(update: Update) -> str:
    """The service's user id: one per Telegram user in private, one per user and group elsewhere."""
    user = update.effective_user
    chat = update.effective_chat
    uid = user.id if user else (chat.id if chat else 0)
    if chat is None or chat.type == Chat.PRIVATE:
        return f"tg:{uid}"
    return f"tg:{uid}:chat:{chat.id}"


def _private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == Chat.PRIVATE


# --------------------------------------------------------------------------- the one path to the service


async def converse(update: Update, context: BotContext, text: str, *,
                   nik_deletion: asyncio.Task[bool | None] | None = None, reply_to: int | None = None) -> None:
    """Send ``text`` to the conversation service as this user and deliver its reply with buttons.

    With an LLM generator the draft is shown while it is written and replaced by the checked reply.
    ``nik_deletion`` is the deletion of the user's message running alongside; the reply says how it went.
    """
    deps, delivery = context.deps, context.delivery
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    error: InputError | None = None
    failure: BaseException | None = None
    async with delivery.typing(chat_id), showing_draft(delivery, chat_id, every=deps.draft_edit_seconds,
                                                       reply_to=reply_to) as draft:
        try:
            reply = await deps.run(with_token_sink(draft.buffer.push, deps.conversation.reply),
                                   user_id=user_key(update), channel=CHANNEL, role="citizen", text=text)
        except InputError as exc:
            reply, error = None, exc
        except Exception as exc:  # noqa: BLE001 - any backend failure gets the same short reply and a request id
            reply, failure = None, exc
    if reply is None:
        await draft.discard()
        if error is not None:
            await delivery.send(chat_id, escape(error.message), reply_to=reply_to)
        else:
            await backend_failure(context, chat_id, "reply", failure)
        return
    if not _private(update) and reply.intent == "status_check":
        # Never run the status check in a group: drop what the service started and point to a private chat.
        await draft.discard()
        await deps.run(deps.conversation.reply, user_id=user_key(update), channel=CHANNEL, role="citizen",
                       text=deps.texts.cancel_command)
        await private_only(update, context)
        return
    deleted = await nik_deletion if nik_deletion is not None else None
    texts = deps.texts
    body = reply.text if deleted is None else f"{texts.get('nik_deleted' if deleted else 'nik_not_deleted')}\n\n{reply.text}"
    messages = format_messages(body, reply.citations, sources_label=texts.get("sources"),
                               regulations_label=texts.get("regulations"))
    markup = reply_keyboard(reply, deps.texts, deps.buttons)
    await deliver_over_draft(delivery, chat_id, draft, messages, reply_markup=markup, reply_to=reply_to)


async def backend_failure(context: BotContext, chat_id: int | None, where: str,
                          error: BaseException | None = None) -> None:
    """Log the failure with a request id and tell the user, briefly, to try later (and whom to ask).

    ``error``: the failure when this runs after its ``except`` block has ended.
    """
    request_id = uuid.uuid4().hex[:12]
    log.error("telegram backend failure in %s (request %s)", where, request_id, exc_info=error or True,
              extra={"event": "telegram_backend_error", "request_id": request_id, "where": where})
    if chat_id is not None:
        await context.delivery.send(chat_id, escape(context.deps.texts.get("backend_error", request_id=request_id)))


async def private_only(update: Update, context: BotContext, key: str = "group_private_only") -> None:
    texts = context.deps.texts
    start = "" if key == "group_use_private" else "cek"
    await context.delivery.send(update.effective_chat.id, escape(texts.get(key)),  # type: ignore[union-attr]
                                reply_markup=private_chat_keyboard(texts, context.bot.username, start))


async def delete_if_nik(message: Message, context: BotContext) -> bool | None:
    """Delete a message that holds a NIK-like number; None when it holds none, else whether it worked."""
    if not has_nik_like(message.text or message.caption or ""):
        return None
    deleted = await context.delivery.delete(message.chat_id, message.message_id)
    log.info("message with a NIK %s", "deleted" if deleted else "could not be deleted",
             extra={"event": "telegram_nik_message", "deleted": deleted})
    return deleted


# --------------------------------------------------------------------------- commands


async def on_start(update: Update, context: BotContext) -> None:
    """Welcome, what the bot can and cannot do, the privacy notice and the topic menu (``/start cek``: check)."""
    texts = context.deps.texts
    if context.args and context.args[0] == "cek" and _private(update):
        await start_status_check(update, context)
        return
    parts = [texts.get("welcome")]
    if _private(update):
        parts.append(texts.get("privacy", hours=context.deps.memory_hours))
    parts.append(texts.get("menu_prompt"))
    await context.delivery.send(update.effective_chat.id, escape("\n\n".join(parts)),  # type: ignore[union-attr]
                                reply_markup=menu_keyboard(texts))


async def on_help(update: Update, context: BotContext) -> None:
    """/bantuan: how to use the bot, and the privacy notice."""
    texts = context.deps.texts
    body = texts.get("help") + "\n\n" + texts.get("privacy", hours=context.deps.memory_hours)
    await context.delivery.send(update.effective_chat.id, escape(body),  # type: ignore[union-attr]
                                reply_markup=menu_keyboard(texts))


async def start_status_check(update: Update, context: BotContext) -> None:
    """/cek and the "Cek status" button: the service's status flow, in private chats only."""
    if not _private(update):
        await private_only(update, context)
        return
    await converse(update, context, context.deps.texts.status_command)


async def on_cancel(update: Update, context: BotContext) -> None:
    """/batal: the service stops whatever is running (or says nothing is)."""
    await converse(update, context, context.deps.texts.cancel_command)


async def on_erase(update: Update, context: BotContext) -> None:
    """/hapus: ask for confirmation with a button before erasing memory and records."""
    if not _private(update):
        await private_only(update, context, "group_use_private")
        return
    texts = context.deps.texts
    await context.delivery.send(update.effective_chat.id, escape(texts.get("erase_confirm")),  # type: ignore[union-attr]
                                reply_markup=erase_keyboard(texts))


# --------------------------------------------------------------------------- messages


async def on_private_text(update: Update, context: BotContext) -> None:
    """A private message: a comment on a 👎, or anything for the service (NIK messages deleted first)."""
    message = update.effective_message
    assert message is not None and message.text is not None
    # The deletion runs alongside the service call: on a slow network that saves a whole round trip.
    deletion = asyncio.create_task(delete_if_nik(message, context))
    try:
        if not await take_comment(update, context):
            await converse(update, context, message.text, nik_deletion=deletion)
    finally:
        await deletion


async def on_group_text(update: Update, context: BotContext) -> None:
    """A group message: answered only when it mentions or replies to the bot; never a status check."""
    message = update.effective_message
    assert message is not None and message.text is not None
    if await delete_if_nik(message, context) is not None:
        await private_only(update, context, "group_nik_warning")
        return
    if not addressed_to_bot(message, context.bot.id, context.bot.username):
        return
    text = strip_mention(message.text, context.bot.username)
    await converse(update, context, text, reply_to=message.message_id)


async def on_non_text(update: Update, context: BotContext) -> None:
    """Voice notes, photos, stickers, documents, locations, contacts...: say what the bot understands."""
    message = update.effective_message
    assert message is not None
    if not _private(update) and not addressed_to_bot(message, context.bot.id, context.bot.username):
        return
    await delete_if_nik(message, context)  # a caption can hold a NIK too
    await context.delivery.send(message.chat_id, escape(context.deps.texts.get("non_text")),
                                reply_to=None if _private(update) else message.message_id)


async def on_edited(update: Update, context: BotContext) -> None:
    """An edited message is not answered again; a NIK edited into it is still deleted."""
    message = update.effective_message
    assert message is not None
    deleted = await delete_if_nik(message, context)
    if _private(update):
        await context.delivery.send(message.chat_id, escape(context.deps.texts.get("edited")))
    elif deleted is not None:
        await private_only(update, context, "group_nik_warning")


async def take_comment(update: Update, context: BotContext) -> bool:
    """Store a reply to the "what was missing?" prompt as the comment of that 👎; False if it is not one."""
    message = update.effective_message
    assert message is not None
    target = message.reply_to_message
    if target is None or target.from_user is None or target.from_user.id != context.bot.id:
        return False
    deps = context.deps
    key = f"{_COMMENT_KEY}{message.chat_id}:{target.message_id}"
    answer_id = deps.state.get(key)
    if not answer_id:
        return False
    deps.state.delete(key)
    try:
        await deps.run(deps.conversation.feedback, answer_id, "down", message.text or "")
    except NotFoundError:
        await context.delivery.send(message.chat_id, escape(deps.texts.get("feedback_expired")))
        return True
    except Exception:  # noqa: BLE001
        await backend_failure(context, message.chat_id, "feedback_comment")
        return True
    await context.delivery.send(message.chat_id, escape(deps.texts.get("feedback_comment_thanks")))
    return True


# --------------------------------------------------------------------------- buttons


async def on_button(update: Update, context: BotContext) -> None:
    """Inline buttons: menu topics, suggested questions, 👍/👎 and the erase confirmation."""
    query = update.callback_query
    assert query is not None
    data = query.data or ""
    deps, delivery = context.deps, context.delivery
    if data.startswith("m:"):
        await delivery.answer_callback(query.id)
        await _menu_topic(update, context, data[2:])
    elif data.startswith(("q:", "qh:")):
        question = deps.buttons.question(data)
        await delivery.answer_callback(query.id, None if question else deps.texts.get("button_expired"))
        if question:
            await converse(update, context, question)
    elif data.startswith(("f:u:", "f:d:")):
        await _feedback(update, context, "up" if data[2] == "u" else "down", data[4:])
    elif data in ("e:y", "e:n"):
        await _erase(update, context, confirmed=data == "e:y")
    else:
        await delivery.answer_callback(query.id, deps.texts.get("button_expired"))


async def _menu_topic(update: Update, context: BotContext, topic: str) -> None:
    texts = context.deps.texts
    if topic == "status":
        await start_status_check(update, context)
        return
    if f"topic_{topic}" not in texts.texts:
        return
    markup = questions_keyboard(texts.questions(topic), context.deps.buttons)
    await context.delivery.send(update.effective_chat.id, escape(texts.get(f"topic_{topic}")),  # type: ignore[union-attr]
                                reply_markup=markup)


async def _feedback(update: Update, context: BotContext, rating: str, answer_id: str) -> None:
    query = update.callback_query
    assert query is not None
    deps, delivery = context.deps, context.delivery
    try:
        await deps.run(deps.conversation.feedback, answer_id, rating)
    except NotFoundError:
        await delivery.answer_callback(query.id, deps.texts.get("feedback_expired"))
        return
    except Exception:  # noqa: BLE001
        await delivery.answer_callback(query.id)
        await backend_failure(context, update.effective_chat.id if update.effective_chat else None, "feedback")
        return
    await delivery.answer_callback(query.id, deps.texts.get("feedback_thanks"))
    message = query.message
    if isinstance(message, Message):
        await delivery.set_buttons(message.chat_id, message.message_id, without_feedback(message.reply_markup))
        if rating == "down":
            prompt = await delivery.send(message.chat_id, escape(deps.texts.get("feedback_ask_comment")),
                                         reply_markup=ForceReply(
                                             selective=True,
                                             input_field_placeholder=deps.texts.get("feedback_comment_placeholder")))
            deps.state.set(f"{_COMMENT_KEY}{message.chat_id}:{prompt.message_id}", answer_id, COMMENT_TTL_SECONDS)


async def _erase(update: Update, context: BotContext, *, confirmed: bool) -> None:
    query = update.callback_query
    assert query is not None
    deps, delivery = context.deps, context.delivery
    await delivery.answer_callback(query.id)
    if confirmed:
        try:
            await deps.run(deps.conversation.forget, user_key(update))
        except Exception:  # noqa: BLE001
            await backend_failure(context, update.effective_chat.id if update.effective_chat else None, "forget")
            return
    text = deps.erase_done if confirmed else deps.texts.get("erase_kept")
    message = query.message
    if isinstance(message, Message):
        await delivery.edit(message.chat_id, message.message_id, escape(text))


# --------------------------------------------------------------------------- groups


def addressed_to_bot(message: Message, bot_id: int, bot_username: str | None) -> bool:
    """True when the message replies to the bot or mentions it (@username or a text mention)."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return True
    wanted = f"@{bot_username}".lower() if bot_username else None
    entities = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]) if message.text else {}
    for entity, value in entities.items():
        if entity.type == MessageEntity.MENTION and wanted and value.lower() == wanted:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot_id:
            return True
    return False


def strip_mention(text: str, bot_username: str | None) -> str:
    if not bot_username:
        return text.strip()
    return re.sub(rf"@{re.escape(bot_username)}\b", " ", text, flags=re.IGNORECASE).strip()


# --------------------------------------------------------------------------- errors and registration


async def on_error(update: object, context: BotContext) -> None:
    """Anything a handler did not expect: logged with a request id; the user gets the short apology."""
    chat = update.effective_chat if isinstance(update, Update) else None
    request_id = uuid.uuid4().hex[:12]
    log.error("telegram handler error (request %s)", request_id, exc_info=context.error,
              extra={"event": "telegram_handler_error", "request_id": request_id})
    if chat is not None:
        try:
            await context.delivery.send(chat.id, escape(context.deps.texts.get("backend_error", request_id=request_id)))
        except Exception:  # noqa: BLE001 - the apology itself failed (Telegram down): the log is what is left
            log.warning("could not tell the user about request %s", request_id)


def register_handlers(application: Application) -> None:
    """Declare what each kind of update does."""
    private = f.ChatType.PRIVATE
    groups = f.ChatType.GROUPS
    new = f.UpdateType.MESSAGE
    application.add_handler(CommandHandler("start", on_start))
    application.add_handler(CommandHandler(["bantuan", "help"], on_help))
    application.add_handler(CommandHandler("cek", start_status_check))
    application.add_handler(CommandHandler("batal", on_cancel))
    application.add_handler(CommandHandler("hapus", on_erase))
    application.add_handler(MessageHandler(new & private & f.COMMAND, on_help))  # an unknown command
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(f.UpdateType.EDITED_MESSAGE, on_edited))
    application.add_handler(MessageHandler(new & private & f.TEXT & ~f.COMMAND, on_private_text))
    application.add_handler(MessageHandler(new & groups & f.TEXT & ~f.COMMAND, on_group_text))
    application.add_handler(MessageHandler(new & ~f.TEXT & ~f.StatusUpdate.ALL, on_non_text))
    application.add_error_handler(on_error)
