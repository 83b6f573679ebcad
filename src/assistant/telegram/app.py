"""``build_application(services, settings.telegram)``: the python-telegram-bot Application, and long polling.

The conversation service is the one the API uses (in-process), or a remote API when
``telegram.api_url`` is set. Updates run concurrently, but the updates of one chat run in order, so a
NIK and the answer to the next question never overtake each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from telegram import Bot, BotCommand, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, BaseUpdateProcessor, ContextTypes

from assistant.dialogue.texts import load_texts
from assistant.errors import ConfigurationError
from assistant.settings import TelegramSettings
from assistant.telegram.delivery import Delivery
from assistant.telegram.handlers import BotContext, BotDeps, register_handlers
from assistant.telegram.keyboards import QuestionButtons
from assistant.telegram.texts import BotTexts, load_bot_texts

if TYPE_CHECKING:
    from assistant.ports import Conversation
    from assistant.services import Services

log = logging.getLogger("assistant.telegram")

COMMANDS = (
    ("start", "Menu utama"),
    ("cek", "Cek status bantuan keluarga"),
    ("bantuan", "Cara memakai bot"),
    ("batal", "Hentikan proses yang berjalan"),
    ("hapus", "Hapus riwayat dan data saya"),
)
MISSING_TOKEN = (
    "Token bot Telegram belum diatur. Buat bot di @BotFather, lalu set ASSISTANT_TELEGRAM__TOKEN=<token> "
    "(di lingkungan atau berkas .env)."
)
REJECTED_TOKEN = (
    "Token bot ditolak oleh server Bot API. Periksa ASSISTANT_TELEGRAM__TOKEN (salin ulang dari @BotFather) "
    "dan ASSISTANT_TELEGRAM__BASE_URL bila memakai server Bot API sendiri."
)

UNREACHABLE = (
    "Server Bot API tidak dapat dihubungi. Periksa jaringan, atau ASSISTANT_TELEGRAM__BASE_URL bila memakai "
    "server Bot API sendiri."
)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Many chats at once, one update at a time within a chat (so each user's messages keep their order)."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        key = chat.id
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def protect_logs() -> None:
    """Keep user messages and the token out of the logs, whatever the root level.

    python-telegram-bot logs whole updates (a NIK a user typed) at DEBUG, and httpx logs every request
    URL (which holds the bot token) at INFO.
    """
    for name, level in (("telegram", logging.INFO), ("httpx", logging.WARNING), ("httpcore", logging.WARNING)):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < level:
            logger.setLevel(level)


def require_token(settings: TelegramSettings) -> str:
    token = settings.token.get_secret_value().strip() if settings.token else ""
    if not token:
        raise ConfigurationError(MISSING_TOKEN)
    return token


def conversation_for(services: Services, settings: TelegramSettings) -> Conversation:
    """The in-process conversation service, or the remote API's when ``api_url`` is set."""
    if settings.api_url:
        from assistant.adapters.http_conversation import HttpConversation

        key = settings.api_key.get_secret_value() if settings.api_key else None
        return HttpConversation(settings.api_url, key)
    return services.conversation


def build_application(services: Services, settings: TelegramSettings, *, conversation: Conversation | None = None,
                      texts: BotTexts | None = None, polling: bool = True) -> Application:
    """The bot over ``services`` (``conversation``, ``state``, ``settings``); ``polling=False`` for webhooks."""
    protect_logs()
    builder: ApplicationBuilder = (
        Application.builder()
        .token(require_token(settings))
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(PerChatUpdateProcessor(settings.concurrent_updates))
        .post_init(_post_init)
        # httpcore checks every pooled connection on each request: a pool sized to the real concurrency keeps
        # that cheap, and a request waits for a free connection instead of failing after 1 s.
        .connection_pool_size(settings.connection_pool_size)
        .pool_timeout(30.0)
    )
    if settings.base_url:
        builder = builder.base_url(settings.base_url)
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    bot_texts = texts or load_bot_texts()
    memory_seconds = services.settings.memory_ttl_seconds
    application.bot_data["deps"] = BotDeps(
        conversation=conversation or conversation_for(services, settings),
        texts=bot_texts,
        state=services.state,
        buttons=QuestionButtons(services.state),
        executor=ThreadPoolExecutor(settings.worker_threads, thread_name_prefix="telegram"),
        erase_done=load_texts().get("erase_done"),
        memory_hours=max(1, memory_seconds // 3600),
        timeout_seconds=settings.reply_timeout_seconds,
        draft_edit_seconds=settings.draft_edit_seconds if services.settings.generator == "llm" else 0.0,
    )
    application.bot_data["delivery"] = Delivery(application.bot)
    register_handlers(application)
    return application


async def _post_init(application: Application) -> None:
    """Show the commands in Telegram's menu; a failure here must not stop the bot."""
    try:
        await application.bot.set_my_commands([BotCommand(name, about) for name, about in COMMANDS])
    except TelegramError:
        log.warning("could not set the bot's command list", exc_info=True)


async def release_resources(application: Application) -> None:
    """The bot's worker threads, and the HTTP client of a remote conversation."""
    from assistant.adapters.http_conversation import HttpConversation

    deps: BotDeps = application.bot_data["deps"]
    if isinstance(deps.executor, ThreadPoolExecutor):
        deps.executor.shutdown(wait=False, cancel_futures=True)
    if isinstance(deps.conversation, HttpConversation):
        deps.conversation.close()


@contextlib.asynccontextmanager
async def _token_errors() -> AsyncIterator[None]:
    """A rejected token or an unreachable Bot API as a ConfigurationError that says what to set."""
    try:
        yield
    except InvalidToken as exc:
        raise ConfigurationError(REJECTED_TOKEN) from exc
    except NetworkError as exc:
        raise ConfigurationError(UNREACHABLE) from exc


async def verify_token(settings: TelegramSettings) -> str:
    """Ask the Bot API who the bot is (getMe); returns its username. Fails fast before anything heavy loads."""
    protect_logs()
    bot = Bot(require_token(settings), base_url=settings.base_url) if settings.base_url else Bot(require_token(settings))
    async with _token_errors():
        async with bot:
            return bot.username


async def run_polling(application: Application, stop: asyncio.Event | None = None) -> None:
    """Long-poll until ``stop`` is set (or SIGINT/SIGTERM); a rejected token raises ConfigurationError."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
    async with _token_errors():
        await application.initialize()  # getMe: checks the token
    try:
        assert application.updater is not None
        await application.start()
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        log.info("telegram bot @%s polling", application.bot.username,
                 extra={"event": "telegram_polling", "bot": application.bot.username})
        await stop.wait()
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        await release_resources(application)
