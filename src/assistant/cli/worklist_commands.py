"""`assistant worklist KIND --region CODE`: a region's worklist as a table, CSV or JSON."""

from __future__ import annotations

import getpass
import json
import sys
import textwrap
from pathlib import Path

import click

from assistant.settings import Settings
from assistant.worklists.access import Worklist
from assistant.worklists.rows import KINDS


def render_table(result: Worklist, limit: int | None = None) -> str:
    """Plain Indonesian, one block per row: rank, masked household, why, sources."""
    out = result.to_dict()
    lines = [f"{out['title']} — wilayah {result.region}, per {result.as_of}",
             f"{len(result.rows)} keluarga dari {result.households_read} yang dibaca; {out['priority_rule']}.", ""]
    for row in result.rows[:limit]:
        status = [s for s in (row.pkh_status and f"PKH {row.pkh_status.text}",
                              row.krs_status and f"KRS {row.krs_status.text}") if s]
        lines.append(f"{row.rank:>4}. KK {row.kk} · {row.head} ({row.head_nik}) · wilayah {row.region_code} · "
                     f"desil {row.desil if row.desil is not None else '-'}" + (f" · {', '.join(status)}" if status else ""))
        lines += textwrap.wrap(row.summary, 100, initial_indent="      ", subsequent_indent="      ")
        lines.append(f"      prioritas: {row.priority_text}")
        lines.append(f"      dokumen: {', '.join(row.sources)}")
    if limit is not None and len(result.rows) > limit:
        lines.append(f"\n… {len(result.rows) - limit} baris lagi (pakai --format csv atau --out).")
    return "\n".join(lines)


def register(cli: click.Group) -> None:
    @cli.command("worklist")
    @click.argument("kind", type=click.Choice(KINDS))
    @click.option("--region", required=True, help="Kode wilayah: provinsi (2), kabupaten/kota (4), kecamatan (6).")
    @click.option("--as-of", "as_of", default=None, help="Tanggal acuan TTTT-BB-HH (bawaan: hari ini).")
    @click.option("--within-months", type=click.IntRange(1, 24), default=3, show_default=True,
                  help="graduation: komponen yang berakhir dalam sekian bulan.")
    @click.option("--format", "fmt", type=click.Choice(("table", "csv", "json")), default="table", show_default=True)
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Tulis ke berkas ini (bawaan: layar).")
    @click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
                  help="Baris yang ditampilkan dalam format table.")
    @click.pass_obj
    def worklist_cmd(settings: Settings, kind: str, region: str, as_of: str | None, within_months: int, fmt: str,
                     out: Path | None, limit: int) -> None:
        """Daftar kerja pendamping untuk satu wilayah: krs-pkh, graduation, data-gaps (NIK dan nama disamarkan)."""
        from assistant.adapters.registries import build_registry
        from assistant.eligibility.parameters import Parameters
        from assistant.models import AuditEntry
        from assistant.worklists.access import WorklistAccess, check_region

        region = check_region(region)
        registry = build_registry(settings)
        try:
            access = WorklistAccess(registry, Parameters.load(settings.registry.eligibility_parameters))
            total = access.count(kind, region, as_of=as_of)
            label = f"Memeriksa {total} dari {registry.count_region(region)} keluarga"
            with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True) as bar:
                done = 0

                def advance(n: int) -> None:
                    nonlocal done
                    bar.update(n - done)
                    done = n

                result = access.build(kind, region, as_of=as_of, within_months=within_months, progress=advance)
            registry.record_audit(AuditEntry(actor=f"cli:{getpass.getuser()}", role="admin", nik_masked="-",
                                             purpose=f"worklist:{kind}:{region}", outcome=f"ok:{len(result.rows)}"))
        finally:
            registry.close()
        if fmt == "json":
            text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
        elif fmt == "csv":
            text = result.to_csv()
        else:
            text = render_table(result, None if out else limit)
        if out is not None:
            out.write_text(text, "utf-8")
            click.echo(f"{len(result.rows)} baris ditulis ke {out}.")
        else:
            click.echo(text)

    @cli.group("worklist-batch")
    def batch_group() -> None:
        """Daftar kerja nasional di klaster Dask dari ekstrak Parquet per provinsi."""

    @batch_group.command("extract")
    @click.argument("out", type=click.Path(file_okay=False, path_type=Path))
    @click.pass_obj
    def extract_cmd(settings: Settings, out: Path) -> None:
        """Tulis seluruh registri sebagai Parquet per provinsi (province=NN/part-*.parquet)."""
        import time

        from assistant.adapters.dask_batch import write_extract
        from assistant.adapters.registries import build_registry

        registry = build_registry(settings)
        started = time.perf_counter()
        try:
            n = write_extract(registry.iter_households(batch_size=5000), out)
        finally:
            registry.close()
        click.echo(f"{n} rumah tangga ditulis ke {out} dalam {time.perf_counter() - started:.1f} detik.")

    @batch_group.command("run")
    @click.argument("kind", type=click.Choice(KINDS))
    @click.option("--extract", "extract", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--region", default="", help="Batasi ke kode wilayah ini (bawaan: seluruh Indonesia).")
    @click.option("--as-of", "as_of", default=None, help="Tanggal acuan TTTT-BB-HH (bawaan: hari ini).")
    @click.option("--within-months", type=click.IntRange(1, 24), default=3, show_default=True)
    @click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
                  help="Jumlah proses pekerja LocalCluster (tanpa --scheduler).")
    @click.option("--scheduler", default=None, help="Alamat klaster Dask yang sudah berjalan, mis. tcp://10.0.0.5:8786.")
    @click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
    @click.pass_obj
    def run_cmd(settings: Settings, kind: str, extract: Path, region: str, as_of: str | None, within_months: int,
                workers: int, scheduler: str | None, out: Path) -> None:
        """Jalankan fungsi daftar kerja yang sama di setiap partisi, lalu urutkan secara nasional (JSON Lines)."""
        from assistant.adapters.dask_batch import run_batch
        from assistant.registry.access import parse_as_of
        from assistant.worklists.access import check_region

        if region:
            region = check_region(region)
        result = run_batch(extract, kind, as_of=parse_as_of(as_of), region=region, within_months=within_months,
                           workers=workers, scheduler=scheduler,
                           parameters_file=settings.registry.eligibility_parameters)
        with out.open("w", encoding="utf-8") as f:
            for row in result.rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        rate = result.households_read / result.seconds if result.seconds else 0.0
        click.echo(f"{len(result.rows)} baris dari {result.households_read} rumah tangga ({result.files} berkas) "
                   f"dalam {result.seconds:.1f} detik dengan {result.workers} pekerja ({rate:,.0f} rumah tangga/detik); "
                   f"ditulis ke {out}.")
