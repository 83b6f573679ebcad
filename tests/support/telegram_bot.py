"""Running the real python-telegram-bot Application against the fake Bot API, for tests and the bench."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.adapters.fakes import (
    FakeHousehold,
    FakeHouseholdLookup,
    FakeKnowledgeBase,
    HashEmbedder,
    sample_status,
)
from assistant.adapters.sqlite_journal import SQLiteJournal
from assistant.adapters.state import InMemoryStateStore
from assistant.dialogue.service import ConversationService
from assistant.privacy import KeyedHasher
from assistant.services import Services
from assistant.settings import Settings, TelegramSettings
from assistant.telegram.app import build_application, run_polling
from tests.support.fake_telegram import FakeBotApi

TOKEN = "123456:TEST-token_abcdefghij"
NIK = "3204015208850001"
KK = "3204011207250001"  # the family-card number of NIK's family


def fake_services(tmp_path: Path, *, kb: Any = None, lookup: Any = None, state: Any = None,
                  hasher: KeyedHasher | None = None, **settings: Any) -> Services:
    """The real Services: the real ConversationService over the shared fakes and a SQLite journal."""
    state = state or InMemoryStateStore()
    journal = SQLiteJournal(tmp_path / "journal.sqlite3")
    lookup = lookup or FakeHouseholdLookup([FakeHousehold(NIK, KK, "320401", sample_status())],
                                           max_failures=2, retry_after=600)
    kb = kb or FakeKnowledgeBase()
    hasher = hasher or KeyedHasher.ephemeral()
    conversation = ConversationService(kb, lookup, state, journal=journal, hasher=hasher,
                                       now=lambda: datetime(2026, 11, 27, 12, 0, tzinfo=UTC))
    return Services(Settings(_env_file=None, data_dir=tmp_path, **settings), embedder=HashEmbedder(), knowledge=kb,
                    state=state, household_lookup=lookup, journal=journal, conversation=conversation, hasher=hasher)


def bot_settings(api: FakeBotApi, **overrides: Any) -> TelegramSettings:
    return TelegramSettings(token=overrides.pop("token", TOKEN), base_url=api.base_url, **overrides)


@contextlib.contextmanager
def running_bot(api: FakeBotApi, services: Any, **kwargs: Any) -> Iterator[Any]:
    """Long-poll the fake with the real Application in a background event loop; stop on exit."""
    settings = kwargs.pop("settings", None) or bot_settings(api)
    application = build_application(services, settings, **kwargs)
    loop = asyncio.new_event_loop()
    stop: dict[str, asyncio.Event] = {}
    ready = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)

        async def main() -> None:
            stop["event"] = asyncio.Event()
            ready.set()
            await run_polling(application, stop["event"])

        try:
            loop.run_until_complete(main())
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)
            ready.set()
        finally:
            loop.close()

    thread = threading.Thread(target=run, name="bot", daemon=True)
    thread.start()
    ready.wait(10)
    api.wait_for(lambda: api.calls_of("getUpdates") or errors, timeout=15)
    if errors:
        raise errors[0]
    try:
        yield application
    finally:
        loop.call_soon_threadsafe(stop["event"].set)
        thread.join(15)
