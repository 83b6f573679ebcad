"""Running the bot: token checks and exit codes of `assistant bot`, and webhook mode inside the FastAPI app."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from assistant.api.app import create_app
from assistant.errors import ConfigurationError
from assistant.settings import TelegramSettings
from assistant.telegram.app import build_application, run_polling
from tests.support.fake_telegram import BOT_USERNAME, fake_bot_api
from tests.support.servers import free_port
from tests.support.telegram_bot import TOKEN, fake_services

REPO = Path(__file__).resolve().parents[1]
USER = 6001


@pytest.fixture
def api():
    with fake_bot_api(TOKEN) as fake:
        yield fake


def _cli(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    clean.update({"PYTHONPATH": str(REPO / "src"), "ASSISTANT_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], env=clean, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def test_missing_token_fails_with_what_to_set(tmp_path) -> None:
    with pytest.raises(ConfigurationError, match="ASSISTANT_TELEGRAM__TOKEN"):
        build_application(fake_services(tmp_path), TelegramSettings())
    result = _cli(["bot"], {}, tmp_path)
    assert result.returncode == 2
    assert "ASSISTANT_TELEGRAM__TOKEN" in result.stderr and "BotFather" in result.stderr


def test_rejected_token_fails_with_a_clear_error_and_non_zero_exit(api, tmp_path) -> None:
    app = build_application(fake_services(tmp_path), TelegramSettings(token="999:wrong", base_url=api.base_url))
    with pytest.raises(ConfigurationError, match="ditolak"):
        asyncio.run(run_polling(app))
    result = _cli(["bot"], {"ASSISTANT_TELEGRAM__TOKEN": "999:wrong", "ASSISTANT_TELEGRAM__BASE_URL": api.base_url},
                  tmp_path)
    assert result.returncode == 2, result.stderr
    assert "ditolak" in result.stderr and "ASSISTANT_TELEGRAM__TOKEN" in result.stderr
    assert "999:wrong" not in result.stderr + result.stdout


def test_webhook_mode_is_served_by_the_api_and_refuses_a_wrong_secret(api, tmp_path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    telegram = TelegramSettings(token=TOKEN, base_url=api.base_url, webhook_url=url, webhook_secret="s3cret-Token_1")
    services = fake_services(tmp_path, telegram=telegram)
    server = uvicorn.Server(uvicorn.Config(create_app(services), host="127.0.0.1", port=port, log_config=None,
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        api.wait_for(lambda: server.started and api.webhook)
        assert api.webhook == {"url": url, "secret_token": "s3cret-Token_1"}
        api.send_text(USER, "Apa syarat PKH?")  # the fake posts it to the webhook with the secret
        (answer,) = api.wait_messages(USER, 1)
        assert "DTSEN" in answer and "[1]" in answer

        update = {"update_id": 99, "message": api.message(USER, "Kapan jadwal pencairan PKH?")}
        wrong = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
        missing = httpx.post(url, json=update)
        assert wrong.status_code == 403 and missing.status_code == 403
        assert wrong.json()["error"]["code"] == "forbidden"
        time.sleep(0.5)
        assert len(api.texts_to(USER)) == 1 and len(services.knowledge.asked) == 1
    finally:
        server.should_exit = True
        thread.join(15)


def test_webhook_mode_needs_a_secret(api, tmp_path) -> None:
    telegram = TelegramSettings(token=TOKEN, base_url=api.base_url, webhook_url="https://example.org/tg")
    with pytest.raises(ConfigurationError, match="WEBHOOK_SECRET"):
        create_app(fake_services(tmp_path, telegram=telegram))


MOTHER = "3204015208850001"  # woman born 12-08-1985 in 3204.01
KK = "3204010101200001"


def _registered_household(data: Path) -> None:
    from assistant.adapters.sql_registry import SqlRegistry
    from assistant.models import Enrollment, Household, Member

    registry = SqlRegistry.sqlite(data / "registry.sqlite3")
    registry.add_households([Household(
        kk=KK, region_code="320401", desil=3, drinking_water="layak", toilet="layak", address="Kp. Sukamaju RT 01",
        members=(
            Member(MOTHER, "Siti Aminah", "1985-08-12", "P", "kepala_keluarga", False, "none", "none", "petani"),
            Member("3204011005150002", "Budi Santoso", "2015-05-10", "L", "anak", False, "SD", "none", "pelajar"),
        ),
        enrollments=(Enrollment("PKH", "aktif", "2023-01-01"),),
    )])
    registry.close()


@pytest.mark.slow
def test_assistant_bot_end_to_end_with_the_real_services(api, tmp_path, models_dir) -> None:
    """`assistant bot` (real model, index and registry) answers /start, a PKH question and a whole /cek."""
    data = tmp_path / "data"
    data.mkdir()  # `assistant bot` builds the index of knowledge/ with the real model on its first start
    (data / "models").symlink_to(Path(models_dir).resolve(), target_is_directory=True)
    _registered_household(data)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    clean.update({"PYTHONPATH": str(REPO / "src"), "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_LOG_LEVEL": "DEBUG",
                  "ASSISTANT_TELEGRAM__TOKEN": TOKEN, "ASSISTANT_TELEGRAM__BASE_URL": api.base_url})
    log_file = tmp_path / "bot.log"
    with log_file.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "bot"], env=clean, cwd=REPO,
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        # the first start embeds the whole knowledge base: minutes when the shared machine is busy
        api.wait_for(lambda: api.calls_of("getUpdates") or proc.poll() is not None, timeout=480)
        assert proc.poll() is None, log_file.read_text()
        api.send_text(USER, "/start")
        assert "selamat datang" in api.wait_messages(USER, 1)[-1].lower()
        api.send_text(USER, "Berapa bantuan PKH untuk ibu hamil per tahun?")
        answer = api.wait_messages(USER, 2, timeout=60)[-1]
        assert ("Rp3.000.000" in answer or "3 juta" in answer) and "[1]" in answer and "<b>Sumber:</b>" in answer
        api.send_text(USER, "/cek")
        api.wait_messages(USER, 3)
        api.send_text(USER, MOTHER)
        prompt = api.wait_messages(USER, 4)[-1]
        assert "3204********0001" in prompt and api.calls_of("deleteMessage", USER)
        assert "Kartu Keluarga" in prompt  # the verification asks for the family-card number
        api.send_text(USER, KK)
        outcome = api.wait_messages(USER, 5, timeout=60)[-1]
        assert "PKH: memenuhi syarat" in outcome and "Rp" in outcome, outcome
    finally:
        proc.terminate()
        proc.wait(30)
    logs = log_file.read_text()
    assert "telegram_polling" in logs or "polling" in logs
    assert MOTHER not in logs and TOKEN not in logs
    assert MOTHER not in "\n".join(repr(c.params) for c in api.calls)


def test_remote_api_mode_talks_to_a_running_api_with_a_channel_key(api, tmp_path) -> None:
    """With api_url and a channel key the bot uses the API's conversation: answers, feedback and erase there."""
    from assistant.api.keys import ApiKeyStore
    from tests.support.telegram_bot import running_bot

    remote = fake_services(tmp_path / "api")
    keys = ApiKeyStore(tmp_path / "keys.sqlite3")
    _, token = keys.create(name="telegram-bot", role="channel")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(remote, key_store=keys), host="127.0.0.1", port=port,
                                           log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    local = fake_services(tmp_path / "bot")  # only its state store is used; the conversation is remote
    settings = TelegramSettings(token=TOKEN, base_url=api.base_url, api_url=f"http://127.0.0.1:{port}",
                                api_key=token)
    try:
        api.wait_for(lambda: server.started)
        with running_bot(api, local, settings=settings):
            api.send_text(USER, "Apa syarat PKH?")
            (answer,) = api.wait_messages(USER, 1)
            assert "DTSEN" in answer and "<b>Sumber:</b>" in answer
            api.press_label(USER, "👎")
            api.wait_messages(USER, 2)
            api.send_text(USER, "Kurang rinci", reply_to=api.sent_message(USER))
            assert "sudah kami catat" in api.wait_messages(USER, 3)[-1]
            group = api.group_chat(-100777)
            api.send_text(USER, f"@{BOT_USERNAME} cek status saya", chat=group)
            assert "chat pribadi" in api.wait_messages(group["id"], 1)[-1]
            api.send_text(USER, "/hapus")
            api.wait_messages(USER, 4)
            api.press(USER, "e:y", api.sent_message(USER))
            api.wait_for(lambda: api.calls_of("editMessageText", USER))
        assert local.knowledge.asked == [] and remote.knowledge.asked[0] == ("Apa syarat PKH?", "citizen")
        assert [(r["rating"], r["comment"]) for r in remote.journal.feedback_rows()] == []  # erased with the user
        # only the group's turns are left: the private user's question and its feedback were erased
        assert [r["intent"] for r in remote.journal.interactions()] == ["status_check", "cancel"]
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.mark.redis
def test_an_unfinished_status_check_survives_a_restart_with_redis(api, tmp_path) -> None:
    """Stop the bot in the middle of /cek and start a new one on the same Redis and privacy secret (which
    seals the waiting NIK): the check goes on."""
    import uuid

    from assistant.adapters.state import RedisStateStore
    from assistant.privacy import KeyedHasher
    from tests.support.telegram_bot import KK, NIK, running_bot

    store = RedisStateStore("redis://127.0.0.1:6379/0", prefix=f"test-telegram-{uuid.uuid4().hex}:")
    secret = KeyedHasher.ephemeral()  # what the data directory or ASSISTANT_PRIVACY__SECRET gives each process
    try:
        with running_bot(api, fake_services(tmp_path, state=store, hasher=secret)):
            api.send_text(USER, "/cek")
            api.wait_messages(USER, 1)
            api.send_text(USER, NIK)
            assert "Kartu Keluarga" in api.wait_messages(USER, 2)[-1]
        with running_bot(api, fake_services(tmp_path, state=store, hasher=secret)):
            api.send_text(USER, KK)
            outcome = api.wait_messages(USER, 3)[-1]
        assert "PKH: memenuhi syarat" in outcome
    finally:
        for key in store._redis.scan_iter(match=store._prefix + "*"):
            store._redis.delete(key)
