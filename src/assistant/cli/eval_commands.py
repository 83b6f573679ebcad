"""`assistant eval`: run answer-quality suites through the conversation service, report, gate."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from assistant.evaluation.baseline import compare, load_baseline
from assistant.evaluation.gate import gate_failures, load_thresholds
from assistant.evaluation.metrics import CaseResult, summarize
from assistant.evaluation.report import summary_text, write_report
from assistant.evaluation.runner import run_suite, warm_up
from assistant.evaluation.suite import load_suites
from assistant.ports import Conversation
from assistant.rag.llm_stats import LlmStats
from assistant.settings import Settings


@dataclass(frozen=True)
class EvalTarget:
    """What a run talks to: the conversation service, and the LLM generator's counters if one answers."""

    conversation: Conversation
    llm_stats: Callable[[], LlmStats | None] = lambda: None


def build_target(settings: Settings) -> EvalTarget:
    """The conversation service the API uses, from the one composition root."""
    from assistant.services import build_services

    services = build_services(settings)
    services.ensure_index()  # as the API does on first start
    services.warm_up()
    # evaluation leaves no rows in the journal
    return EvalTarget(services.build_conversation(journal=False), services.llm_stats)


def _llm_lines(figures: dict[str, Any]) -> list[str]:
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(figures["fallback_reasons"].items())) or "-"
    return [
        f"LLM: {figures['answers']} jawaban, {figures['calls']} panggilan, rata-rata {figures['mean_latency_ms']} ms",
        f"  hasil: {figures['outcomes']}",
        f"  fallback ke ekstraktif: {figures['fallback_rate']:.1%} ({reasons})",
        f"  token: prompt {figures['prompt_tokens']}, jawaban {figures['completion_tokens']}",
    ]


def _progress(done: int, total: int, result: CaseResult) -> None:
    if not result.passed:
        click.echo(f"  gagal {result.case.id}: {'; '.join(result.reasons)}", err=True)
    if done % 25 == 0 or done == total:
        click.echo(f"  {done}/{total} kasus", err=True)


@click.command("eval")
@click.argument("suites", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder untuk results.json, cases.jsonl, report.md, report.html dan grafik PNG.")
@click.option("--json", "as_json", is_flag=True, help="Cetak ringkasan (isi results.json) sebagai JSON.")
@click.option("--baseline", type=click.Path(exists=True, path_type=Path),
              help="results.json (atau foldernya) dari run sebelumnya: tampilkan kasus fixed/broke dan selisih metrik.")
@click.option("--gate", "gate_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='JSON ambang, mis. {"pass_rate": 0.8}; keluar dengan kode 1 bila ada metrik di bawah ambang.')
@click.option("--judge", is_flag=True,
              help="Nilai faithfulness dengan LLM (butuh ASSISTANT_LLM__BASE_URL). Mati secara bawaan.")
@click.pass_context
def eval_command(
    ctx: click.Context,
    suites: tuple[Path, ...],
    report_dir: Path | None,
    as_json: bool,
    baseline: Path | None,
    gate_file: Path | None,
    judge: bool,
) -> None:
    """Evaluasi kualitas jawaban: jalankan SUITE (JSONL) lewat layanan percakapan dan beri nilai."""
    settings: Settings = ctx.obj
    cases = load_suites(suites)
    previous = load_baseline(baseline) if baseline else None
    thresholds = load_thresholds(gate_file) if gate_file else None
    faithfulness_judge = None
    if judge:
        from assistant.adapters.openai_judge import judge_from_settings

        faithfulness_judge = judge_from_settings(settings)

    target = build_target(settings)
    conversation = target.conversation
    warm_up(conversation)
    # one INFO line per reply is noise in a batch of hundreds; -v (DEBUG) keeps them
    dialogue_log = logging.getLogger("assistant.dialogue")
    previous_level = dialogue_log.level
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        dialogue_log.setLevel(logging.WARNING)
    started = time.perf_counter()
    try:
        results = run_suite(cases, conversation, judge=faithfulness_judge, progress=_progress)
    finally:
        dialogue_log.setLevel(previous_level)
        if faithfulness_judge is not None:
            faithfulness_judge.close()
    elapsed = time.perf_counter() - started

    summary = summarize(results)
    comparison = compare(previous, summary, results) if previous else None
    judged = None
    if faithfulness_judge is not None:
        from assistant.evaluation.judge import judge_summary

        judged = judge_summary(results, faithfulness_judge.model)
    stats = target.llm_stats()
    llm = stats.snapshot() if stats is not None else None
    if report_dir is not None:
        files = write_report(report_dir, summary, results, comparison, judged)
        if llm is not None:  # token counts, latency and fallback rate of the LLM generator's calls
            (report_dir / "llm.json").write_text(json.dumps(llm, ensure_ascii=False, indent=2), encoding="utf-8")
        click.echo(f"Laporan: {files.html} , {files.markdown} , {files.results}", err=True)

    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(f"{len(results)} kasus dalam {elapsed:.1f} detik")
        click.echo(summary_text(summary))
        if judged is not None:
            click.echo(f"faithfulness (LLM)   {judged['faithfulness']!s:>10}  ({judged['judged']} jawaban)")
        for line in _llm_lines(llm) if llm is not None else []:
            click.echo(line)
        if comparison is not None:
            click.echo(f"Dibanding baseline {comparison.source}:")
            click.echo(f"  diperbaiki (fixed): {', '.join(comparison.fixed) or '-'}")
            click.echo(f"  rusak (broke):      {', '.join(comparison.broke) or '-'}")

    if thresholds is not None:
        failures = gate_failures(summary, thresholds)
        if failures:
            click.echo("Gerbang kualitas GAGAL:", err=True)
            for line in failures:
                click.echo(f"  {line}", err=True)
            ctx.exit(1)
        click.echo("Gerbang kualitas lulus.", err=True)


def register(cli: click.Group) -> None:
    cli.add_command(eval_command)
