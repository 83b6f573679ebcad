"""`assistant registry …`, `assistant eligibility NIK` and `assistant eval-eligibility`."""

from __future__ import annotations

import getpass
import json
import time
from pathlib import Path

import click

from assistant.adapters.state import InMemoryStateStore
from assistant.ports import Registry
from assistant.settings import Settings


def _registry(settings: Settings) -> Registry:
    from assistant.adapters.registries import build_registry

    return build_registry(settings)


def register(cli: click.Group) -> None:
    @cli.group("registry")
    def registry_group() -> None:
        """Registri rumah tangga: impor, ekspor, data sintetis."""

    @registry_group.command("import")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--replace", is_flag=True,
                  help="Ganti keluarga yang nomor KK-nya sudah ada (tanpa ini, KK yang sudah ada ditolak).")
    @click.pass_obj
    def import_cmd(settings: Settings, file: Path, replace: bool) -> None:
        """Impor JSON Lines (satu rumah tangga per baris). Semua baris diperiksa dulu; ada galat = tidak ada yang diimpor."""
        from assistant.errors import InputError
        from assistant.registry.records import read_jsonl

        households = read_jsonl(file)
        registry = _registry(settings)
        try:
            existing = registry.existing_kks([h.kk for h in households])
            if existing and not replace:
                raise InputError(f"{len(existing)} dari {len(households)} nomor KK di {file.name} sudah ada di "
                                 "registri; tidak ada yang diimpor. Pakai --replace untuk menggantinya.")
            registry.add_households(households, replace=replace)
        finally:
            registry.close()
        added = len(households) - len(existing)
        click.echo(f"{added} rumah tangga ditambahkan, {len(existing)} diganti, dari {file.name}.")

    @registry_group.command("export")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.pass_obj
    def export_cmd(settings: Settings, file: Path) -> None:
        """Ekspor seluruh registri ke JSON Lines."""
        from assistant.registry.records import write_jsonl

        registry = _registry(settings)
        try:
            n = write_jsonl(registry.iter_households(), file)
        finally:
            registry.close()
        click.echo(f"{n} rumah tangga diekspor ke {file}.")

    @registry_group.command("seed")
    @click.option("--households", "n", type=click.IntRange(min=1), default=1000, show_default=True)
    @click.option("--seed", type=int, default=1, show_default=True)
    @click.option("--batch-size", type=click.IntRange(min=100), default=5000, show_default=True)
    @click.pass_obj
    def seed_cmd(settings: Settings, n: int, seed: int, batch_size: int) -> None:
        """Isi registri dengan rumah tangga sintetis yang deterministik (registri harus belum berisi data ini)."""
        from assistant.registry.seed import seed_registry

        registry = _registry(settings)
        started = time.perf_counter()
        try:
            done = seed_registry(registry, n, seed, batch_size=batch_size,
                                 progress=lambda k: click.echo(f"  {k}/{n}", err=True) if k % 100_000 == 0 else None)
        finally:
            registry.close()
        click.echo(f"{done} rumah tangga sintetis dibuat dalam {time.perf_counter() - started:.1f} detik.")

    @registry_group.command("serve-http")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", type=int, default=8090, show_default=True)
    @click.pass_obj
    def serve_http_cmd(settings: Settings, host: str, port: int) -> None:
        """Layani registri ini lewat kontrak HTTP v1 (lihat adapters/http_registry_contract.md)."""
        from assistant.adapters.registry_server import RegistryHttpServer

        registry = _registry(settings)
        token = settings.registry.token.get_secret_value() if settings.registry.token else None
        server = RegistryHttpServer(registry, host, port, token)
        click.echo(f"Registri HTTP di {server.url}", err=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
            registry.close()

    @cli.command("eligibility")
    @click.argument("nik")
    @click.option("--as-of", "as_of", default=None, help="Tanggal acuan TTTT-BB-HH (bawaan: hari ini).")
    @click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
    @click.option("--assume", "assume", multiple=True, metavar="KOLOM=NILAI",
                  help='Andaian data yang dikoreksi, misalnya "members[2].disability=berat" (boleh berulang; '
                       "tidak pernah disimpan).")
    @click.pass_obj
    def eligibility_cmd(settings: Settings, nik: str, as_of: str | None, as_json: bool,
                        assume: tuple[str, ...]) -> None:
        """Kelayakan program untuk keluarga pemilik NIK, dengan alasan dan sumbernya."""
        from assistant.eligibility.report import render_text
        from assistant.registry.access import build_access

        registry = _registry(settings)
        try:
            access = build_access(settings, registry, InMemoryStateStore())
            report = access.admin_status(actor=f"cli:{getpass.getuser()}", nik=nik, as_of=as_of, assume=assume,
                                         purpose="cli_what_if" if assume else "cli_eligibility")
        finally:
            registry.close()
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if as_json else render_text(report))

    @cli.command("eval-eligibility")
    @click.argument("households", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.argument("cases", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.pass_obj
    def eval_eligibility_cmd(settings: Settings, households: Path, cases: Path) -> None:
        """Uji mesin kelayakan terhadap kasus yang diharapkan; keluar non-nol bila ada yang gagal."""
        import tempfile

        from assistant.adapters.sql_registry import SqlRegistry
        from assistant.eligibility.parameters import Parameters
        from assistant.registry.eligibility_eval import run_eval

        params = Parameters.load(settings.registry.eligibility_parameters)
        with tempfile.TemporaryDirectory(prefix="assistant-elig-") as tmp:
            registry = SqlRegistry.sqlite(Path(tmp) / "eval.sqlite3")
            try:
                results = run_eval(households, cases, registry, params)
            finally:
                registry.close()
        for r in results:
            click.echo(f"{'LULUS' if r.passed else 'GAGAL'}  {r.case}")
            for f in r.failures:
                click.echo(f"       {f}")
        failed = sum(not r.passed for r in results)
        click.echo(f"\n{len(results) - failed}/{len(results)} kasus lulus.")
        if failed:
            raise SystemExit(1)
