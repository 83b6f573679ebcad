"""`assistant serve` and `assistant keys ...`: run the HTTP API and manage its API keys."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from assistant.errors import ConfigurationError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.adapters.sql_keys import SqlApiKeyStore


def _key_store(settings: Settings) -> SqlApiKeyStore:
    from assistant.adapters.stores import build_key_store

    return build_key_store(settings)

# Conversation memory, the status check in progress and rate limits live in the state store: in-process
# without Redis, so a second worker would not see what the first one was told.
WORKERS_NEED_REDIS = (
    "--workers lebih dari 1 memerlukan ASSISTANT_REDIS_URL: tanpa Redis setiap proses menyimpan percakapan, "
    "cek status yang sedang berjalan dan batas permintaan sendiri-sendiri, sehingga percakapan terputus bila "
    "pesan berikutnya dilayani proses lain. Isi ASSISTANT_REDIS_URL (mis. redis://127.0.0.1:6379/0) "
    "atau jalankan dengan --workers 1."
)


@click.command("serve")
@click.option("--host", default=None, help="Address to listen on (default: api.host, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: api.port, 8000).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes; more than one needs ASSISTANT_REDIS_URL (shared state), else it refuses.")
@click.pass_obj
def serve(settings: Settings, host: str | None, port: int | None, workers: int) -> None:
    """Jalankan API dan halaman web chat (indeks dibuat otomatis bila belum ada)."""
    import uvicorn

    from assistant.api.app import create_app
    from assistant.api.logging import configure_logging
    from assistant.services import build_services

    if workers > 1 and not settings.redis_url:
        raise ConfigurationError(WORKERS_NEED_REDIS)
    host = host or settings.api.host
    port = port or settings.api.port
    configure_logging(settings.log_level)
    services = build_services(settings)
    click.echo("Memeriksa indeks pengetahuan (dibuat bila belum ada)...", err=True)
    services.ensure_index()
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"Web chat: http://{shown}:{port}/   (dokumentasi API: http://{shown}:{port}/docs)")
    common: dict[str, Any] = {"host": host, "port": port, "log_config": None, "access_log": False, "proxy_headers": True}
    if workers == 1:
        uvicorn.run(create_app(services), **common)
    else:
        services.close()  # each worker builds its own from the environment
        uvicorn.run("assistant.api.app:app_from_environment", factory=True, workers=workers, **common)


@click.group("keys")
def keys() -> None:
    """Kelola kunci API (pendamping dan admin)."""


@keys.command("create")
@click.option("--name", required=True, help="Unique name, e.g. the facilitator's user name.")
@click.option("--role", type=click.Choice(["facilitator", "admin", "channel"]), required=True,
              help="channel: a bot that relays citizens (e.g. the Telegram bot with ASSISTANT_TELEGRAM__API_KEY).")
@click.option("--regions", default="", help="Comma-separated region codes for a facilitator, e.g. 3204,3205.")
@click.pass_obj
def keys_create(settings: Settings, name: str, role: str, regions: str) -> None:
    """Buat kunci baru; kunci hanya ditampilkan sekali."""
    key, token = _key_store(settings).create(name=name, role=role, regions=regions.split(","))
    click.echo(f"Kunci untuk '{key.name}' ({key.role}{', wilayah ' + ','.join(key.regions) if key.regions else ''}):")
    click.echo(token)
    click.echo("Simpan kunci ini sekarang: kunci tidak dapat ditampilkan lagi.", err=True)


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def keys_list(settings: Settings, as_json: bool) -> None:
    """Tampilkan semua kunci (tanpa rahasianya)."""
    items = _key_store(settings).list()
    if as_json:
        click.echo(json.dumps([k.to_dict() for k in items], indent=2))
        return
    if not items:
        click.echo("Belum ada kunci. Buat dengan: assistant keys create --name NAMA --role facilitator --regions 3204")
        return
    for k in items:
        state = f"dicabut {k.revoked_at}" if k.revoked_at else "aktif"
        click.echo(f"{k.key_id}  {k.name:<24} {k.role:<12} {','.join(k.regions) or '-':<16} {k.created_at}  {state}")


@keys.command("revoke")
@click.argument("name_or_id")
@click.pass_obj
def keys_revoke(settings: Settings, name_or_id: str) -> None:
    """Cabut kunci berdasarkan nama atau id."""
    key = _key_store(settings).revoke(name_or_id)
    click.echo(f"Kunci '{key.name}' ({key.key_id}) dicabut pada {key.revoked_at}.")


def register(cli: click.Group) -> None:
    cli.add_command(serve)
    cli.add_command(keys)
