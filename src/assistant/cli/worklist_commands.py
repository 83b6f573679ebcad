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
            total = registry.count_region(region)
            stderr = sys.stderr
            with click.progressbar(length=total, label=f"Membaca {total} keluarga", file=stderr, show_pos=True) as bar:
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
