"""`assistant bot`: run the Telegram bot by long polling (webhook mode is served by `assistant serve`)."""

from __future__ import annotations

import asyncio

import click

from assistant.errors import ConfigurationError
from assistant.settings import Settings

WEBHOOK_MODE = (
    "Mode webhook aktif (ASSISTANT_TELEGRAM__WEBHOOK_URL diisi): pembaruan Telegram dilayani oleh "
    "`assistant serve`. Kosongkan ASSISTANT_TELEGRAM__WEBHOOK_URL untuk long polling."
)


@click.command("bot")
@click.pass_obj
def bot(settings: Settings) -> None:
    """Jalankan bot Telegram (long polling; token dari ASSISTANT_TELEGRAM__TOKEN)."""
    from assistant.api.logging import configure_logging
    from assistant.services import build_services
    from assistant.telegram.app import build_application, run_polling, verify_token

    configure_logging(settings.log_level)
    if settings.telegram.webhook_url:
        raise ConfigurationError(WEBHOOK_MODE)
    username = asyncio.run(verify_token(settings.telegram))
    click.echo(f"Token diterima: @{username}.", err=True)
    services = build_services(settings)
    if not settings.telegram.api_url:
        click.echo("Memeriksa indeks pengetahuan (dibuat bila belum ada)...", err=True)
        services.ensure_index()
        services.warm_up()
    application = build_application(services, settings.telegram)
    where = settings.telegram.api_url or "layanan di proses ini"
    click.echo(f"Bot Telegram berjalan dengan long polling (jawaban dari {where}). Hentikan dengan Ctrl+C.",
               err=True)
    try:
        asyncio.run(run_polling(application))
    finally:
        services.close()


def register(cli: click.Group) -> None:
    cli.add_command(bot)
