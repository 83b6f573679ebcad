"""`assistant export feedback|conversations`: journal exports (CSV/JSONL) for evaluators."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from assistant.adapters.sql_journal import SqlJournal
from assistant.adapters.sqlite_journal import SQLiteJournal, default_journal_path
from assistant.adapters.stores import build_journal
from assistant.dialogue.journal import most_asked
from assistant.errors import InputError
from assistant.privacy import redact_nik
from assistant.settings import Settings

FEEDBACK_FIELDS = ("answer_id", "rating", "comment", "created_at", "conversation_id", "channel", "role",
                   "intent", "question", "answer", "doc_ids")
CONVERSATION_FIELDS = ("answer_id", "conversation_id", "user_hash", "channel", "role", "intent", "question",
                       "resolved_question", "answer", "refused", "doc_ids", "latency_ms", "created_at")


def parse_since(value: str | None) -> str | None:
    """Accept YYYY-MM-DD or a full ISO timestamp; returns the string to compare created_at with."""
    if not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value).isoformat()
        return datetime.fromisoformat(value).isoformat(timespec="seconds")
    except ValueError as exc:
        raise InputError(f"Tanggal --since tidak valid: {value!r}. Pakai format YYYY-MM-DD.") from exc


def render(rows: list[dict[str, Any]], fields: tuple[str, ...], fmt: str) -> str:
    """Rows as CSV (lists joined with ';') or JSON Lines, with every NIK-like number masked once more."""
    rows = [{k: redact_nik(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows]
    if fmt == "jsonl":
        return "".join(json.dumps({f: row.get(f) for f in fields}, ensure_ascii=False) + "\n" for row in rows)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({f: ";".join(row[f]) if isinstance(row.get(f), list) else row.get(f) for f in fields})
    return buffer.getvalue()


def _open_journal(settings: Settings, journal_path: Path | None) -> SqlJournal:
    """The given journal file, else the configured store (ASSISTANT_STORE__URL or the data directory's file)."""
    if journal_path is None and settings.store.url:
        return build_journal(settings)
    path = journal_path or default_journal_path(settings.data_dir)
    if not Path(path).is_file():
        raise InputError(f"Belum ada catatan percakapan di {path}.")
    return SQLiteJournal(path)


def _emit(data: str, out: Path | None, summary: str) -> None:
    if out is None:
        click.echo(data, nl=False)
        click.echo(summary, err=True)
    else:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(data, encoding="utf-8")
        click.echo(summary)


_since = click.option("--since", "since", default=None, help="Hanya baris sejak tanggal ini (YYYY-MM-DD).")
_format = click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True)
_out = click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
                    help="Tulis hasil ekspor ke berkas ini (bawaan: stdout, ringkasan ke stderr).")
_journal = click.option("--journal", "journal_path", type=click.Path(path_type=Path, dir_okay=False),
                        default=None, help="Berkas jurnal SQLite (bawaan: ASSISTANT_STORE__URL, atau <data_dir>/journal.sqlite3).")


@click.group("export")
def export_group() -> None:
    """Ekspor umpan balik dan log percakapan untuk evaluasi."""


@export_group.command("feedback")
@_since
@_format
@_out
@_journal
@click.pass_obj
def export_feedback(settings: Settings, since: str | None, fmt: str, out: Path | None,
                    journal_path: Path | None) -> None:
    """Ekspor jempol naik/turun dan komentar, beserta pertanyaan dan jawaban yang dinilai."""
    journal = _open_journal(settings, journal_path)
    try:
        rows = journal.feedback_rows(parse_since(since))
    finally:
        journal.close()
    up = sum(1 for r in rows if r["rating"] == "up")
    summary = f"{len(rows)} umpan balik: {up} jempol naik, {len(rows) - up} jempol turun."
    _emit(render(rows, FEEDBACK_FIELDS, fmt), out, summary)


@export_group.command("conversations")
@_since
@_format
@_out
@_journal
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="Jumlah pertanyaan paling sering yang ditampilkan.")
@click.option("--summary", "summary_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Tulis juga ringkasan pertanyaan paling sering sebagai JSON ke berkas ini.")
@click.pass_obj
def export_conversations(settings: Settings, since: str | None, fmt: str, out: Path | None,
                         journal_path: Path | None, top: int, summary_path: Path | None) -> None:
    """Ekspor log percakapan (NIK disamarkan) dengan ringkasan pertanyaan paling sering."""
    journal = _open_journal(settings, journal_path)
    try:
        rows = journal.interactions(parse_since(since))
    finally:
        journal.close()
    ranking = most_asked(rows, top=top)
    lines = [f"{len(rows)} interaksi. Pertanyaan paling sering:"]
    lines += [f"{i:>3}. ({count}x) {question}" for i, (question, count) in enumerate(ranking, start=1)]
    if not ranking:
        lines.append("  (belum ada pertanyaan)")
    if summary_path is not None:
        payload = {"since": since, "interactions": len(rows),
                   "most_asked": [{"question": q, "count": c} for q, c in ranking]}
        Path(summary_path).write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _emit(render(rows, CONVERSATION_FIELDS, fmt), out, "\n".join(lines))


def register(cli: click.Group) -> None:
    cli.add_command(export_group)
