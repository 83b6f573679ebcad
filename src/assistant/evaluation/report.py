"""Evaluation reports: results.json + cases.jsonl, report.md, and a self-contained report.html.

report.html embeds its charts as base64 PNG and its CSS inline; it loads nothing from anywhere, so
it opens offline. The same PNGs are also written next to it for report.md.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.evaluation.baseline import Comparison, write_results
from assistant.evaluation.charts import latency_chart, pass_rate_chart
from assistant.evaluation.metrics import SUMMARY_KEYS, CaseResult

TITLE = "Laporan evaluasi kualitas jawaban"
PASS_CHART = "pass_rate_by_program.png"
BREAKDOWN_TITLES = (("Per program", "by_program"), ("Per audiens", "by_audience"),
                    ("Per jenis pertanyaan", "by_question_type"))
LATENCY_CHART = "latency.png"
NULL_NOTE = (
    "Tanda — berarti metrik tidak terukur (null di results.json): penyebutnya nol, misalnya "
    "refusal_precision bila tidak ada jawaban yang menolak, refusal_recall bila tidak ada kasus yang "
    "harus ditolak, retrieval_hit_at_5/mrr bila tidak ada kasus dengan expected_sources."
)
METRIC_NOTES = {
    "cases": "jumlah kasus",
    "pass_rate": "kasus lulus: semua grup wajib ada, tanpa teks terlarang, penolakan sesuai",
    "fact_coverage": "grup must_include yang terpenuhi / semua grup",
    "forbidden_rate": "kasus yang jawabannya memuat teks terlarang",
    "refusal_precision": "dari jawaban yang menolak, berapa yang memang harus ditolak",
    "refusal_recall": "dari kasus yang harus ditolak, berapa yang benar-benar ditolak",
    "retrieval_hit_at_5": "kasus dengan expected_sources yang sumbernya ada di 5 dokumen teratas",
    "mrr": "rata-rata 1/peringkat sumber yang diharapkan (MRR@5)",
    "citation_validity": "jawaban yang semua kutipannya menunjuk potongan yang memang diambil",
    "latency_p50_ms": "median latensi (nearest-rank), ms",
    "latency_p95_ms": "persentil ke-95 latensi (nearest-rank), ms",
}
_COUNT_KEYS = {"cases"}
_MS_KEYS = {"latency_p50_ms", "latency_p95_ms"}


@dataclass(frozen=True, slots=True)
class ReportFiles:
    results: Path
    markdown: Path
    html: Path


def fmt(name: str, value: Any) -> str:
    """A metric value for people: rates as percent, latency in ms, null as —."""
    if value is None:
        return "—"
    if name in _COUNT_KEYS:
        return str(value)
    if name in _MS_KEYS:
        return f"{value:.1f} ms"
    return f"{100 * value:.1f}%"


def fmt_delta(name: str, delta: float | None) -> str:
    if delta is None:
        return "—"
    if name in _COUNT_KEYS:
        return f"{delta:+.0f}"
    if name in _MS_KEYS:
        return f"{delta:+.1f} ms"
    return f"{100 * delta:+.1f} poin"


def summary_text(summary: dict[str, Any]) -> str:
    """A short plain-text summary for the terminal."""
    lines = [f"{name:<20} {fmt(name, summary.get(name)):>10}" for name in SUMMARY_KEYS]
    return "\n".join(lines)


# --------------------------------------------------------------------------- markdown


def _md_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _md_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def _breakdown_rows(breakdown: dict[str, dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    header = ["", *SUMMARY_KEYS]
    rows = [[name, *(fmt(key, values.get(key)) for key in SUMMARY_KEYS)] for name, values in breakdown.items()]
    return header, rows


def _citation_label(citation: dict[str, Any]) -> str:
    section = f" › {citation['section']}" if citation.get("section") else ""
    return f"[{citation.get('n', '?')}] {citation.get('doc_id', '')}{section}"


def render_markdown(
    summary: dict[str, Any],
    results: Sequence[CaseResult],
    comparison: Comparison | None = None,
    judge_summary: dict[str, Any] | None = None,
) -> str:
    lines = [f"# {TITLE}", "", "## Ringkasan", ""]
    lines += _md_table(["metrik", "nilai", "arti"], [[k, fmt(k, summary.get(k)), METRIC_NOTES[k]] for k in SUMMARY_KEYS])
    lines += ["", NULL_NOTE, ""]
    if judge_summary:
        lines += [_judge_line(judge_summary), ""]
    if comparison is not None:
        lines += _comparison_markdown(comparison)
    for title, key in BREAKDOWN_TITLES:
        header, rows = _breakdown_rows(summary.get(key, {}))
        lines += [f"## {title}", "", *_md_table(header, rows), ""]
    lines += ["## Grafik", "", f"![Tingkat kelulusan per program]({PASS_CHART})", "", f"![Sebaran latensi]({LATENCY_CHART})", ""]
    failed = [r for r in results if not r.passed]
    lines += [f"## Kasus gagal ({len(failed)})", ""]
    for result in failed:
        lines += [f"### {result.case.id}", "", f"- pertanyaan: {result.case.question}"]
        lines += [f"- alasan: {reason}" for reason in result.reasons]
        lines += [f"- jawaban{' (menolak)' if result.refused else ''}: {_md_cell(result.answer) or '—'}", ""]
    rows = [
        [
            r.case.id,
            r.case.program or "—",
            r.case.audience,
            "lulus" if r.passed else "gagal",
            "ya" if r.refused else "tidak",
            ", ".join(_citation_label(c) for c in r.citations) or "—",
            "—" if r.latency_ms is None else f"{r.latency_ms:.0f}",
        ]
        for r in results
    ]
    lines += ["## Semua kasus", "", *_md_table(["id", "program", "audiens", "hasil", "menolak", "kutipan", "ms"], rows)]
    return "\n".join(lines) + "\n"


def _comparison_markdown(comparison: Comparison) -> list[str]:
    lines = ["## Perubahan terhadap baseline", "", f"Baseline: `{comparison.source}`", ""]
    rows = [[c, "diperbaiki (fixed)"] for c in comparison.fixed] + [[c, "rusak (broke)"] for c in comparison.broke]
    rows += [[c, "baru"] for c in comparison.added] + [[c, "hilang dari suite"] for c in comparison.removed]
    lines += _md_table(["kasus", "perubahan"], rows) if rows else ["Tidak ada kasus yang berubah."]
    lines += ["", "### Selisih metrik", ""]
    lines += _md_table(
        ["metrik", "baseline", "sekarang", "selisih"],
        [[d.name, fmt(d.name, d.before), fmt(d.name, d.after), fmt_delta(d.name, d.delta)] for d in comparison.deltas],
    )
    return [*lines, ""]


def _judge_line(judge_summary: dict[str, Any]) -> str:
    return (
        f"Penilai LLM (faithfulness, model {judge_summary.get('model', '?')}): rata-rata "
        f"{fmt('faithfulness', judge_summary.get('faithfulness'))} atas {judge_summary.get('judged', 0)} jawaban."
    )


# --------------------------------------------------------------------------- html

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#222;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2} .pass{color:#1e7b34;font-weight:600} .fail{color:#b3261e;font-weight:600}
.note{color:#555;font-size:.9rem} img{max-width:100%} details summary{cursor:pointer}
.fixed{background:#e6f4ea} .broke,.failed{background:#fce8e6}
"""


def _e(value: Any) -> str:
    return html.escape(str(value))


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]], row_classes: Sequence[str] = ()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for index, row in enumerate(rows):
        css = f' class="{row_classes[index]}"' if index < len(row_classes) and row_classes[index] else ""
        body.append(f"<tr{css}>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


def _case_row(result: CaseResult) -> list[str]:
    verdict = '<span class="pass">lulus</span>' if result.passed else '<span class="fail">gagal</span>'
    turns = "<br>".join(_e(t) for t in result.case.turns)
    answer = _e(result.answer) or "—"
    citations = "<br>".join(_e(_citation_label(c)) for c in result.citations) or "—"
    reasons = "<br>".join(_e(r) for r in result.reasons) or "—"
    if result.judge_note or result.faithfulness is not None:
        reasons += f"<br>faithfulness: {_e(fmt('faithfulness', result.faithfulness))} {_e(result.judge_note or '')}"
    return [
        _e(result.case.id),
        _e(result.case.program or "—"),
        _e(result.case.audience),
        verdict,
        reasons,
        f"{turns}<details><summary>jawaban{' (menolak)' if result.refused else ''}</summary>{answer}</details>",
        citations,
        "—" if result.latency_ms is None else f"{result.latency_ms:.0f}",
    ]


def render_html(
    summary: dict[str, Any],
    results: Sequence[CaseResult],
    charts: dict[str, bytes],
    comparison: Comparison | None = None,
    judge_summary: dict[str, Any] | None = None,
) -> str:
    parts = [f"<h1>{_e(TITLE)}</h1>", "<h2>Ringkasan</h2>"]
    parts.append(
        _html_table(
            ["metrik", "nilai", "arti"],
            [[_e(k), _e(fmt(k, summary.get(k))), _e(METRIC_NOTES[k])] for k in SUMMARY_KEYS],
        )
    )
    parts.append(f'<p class="note">{_e(NULL_NOTE)}</p>')
    if judge_summary:
        parts.append(f"<p>{_e(_judge_line(judge_summary))}</p>")
    if comparison is not None:
        parts.append(_comparison_html(comparison))
    for title, key in BREAKDOWN_TITLES:
        header, rows = _breakdown_rows(summary.get(key, {}))
        parts += [f"<h2>{_e(title)}</h2>", _html_table(header, [[_e(cell) for cell in row] for row in rows])]
    parts += [
        "<h2>Grafik</h2>",
        _img(charts[PASS_CHART], "Tingkat kelulusan per program"),
        _img(charts[LATENCY_CHART], "Sebaran latensi"),
    ]
    failed = sum(not r.passed for r in results)
    parts.append(f"<h2>Semua kasus ({len(results)}, {failed} gagal)</h2>")
    header = ["id", "program", "audiens", "hasil", "alasan", "pertanyaan / jawaban", "kutipan", "ms"]
    parts.append(
        _html_table(header, [_case_row(r) for r in results], ["" if r.passed else "failed" for r in results])
    )
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">'
        f"<title>{_e(TITLE)}</title><style>{_CSS}</style></head><body>\n{body}\n</body></html>\n"
    )


def _comparison_html(comparison: Comparison) -> str:
    rows, classes = [], []
    for label, ids, css in (
        ("diperbaiki (fixed)", comparison.fixed, "fixed"),
        ("rusak (broke)", comparison.broke, "broke"),
        ("baru", comparison.added, ""),
        ("hilang dari suite", comparison.removed, ""),
    ):
        rows += [[_e(case_id), _e(label)] for case_id in ids]
        classes += [css] * len(ids)
    changed = _html_table(["kasus", "perubahan"], rows, classes) if rows else "<p>Tidak ada kasus yang berubah.</p>"
    deltas = _html_table(
        ["metrik", "baseline", "sekarang", "selisih"],
        [
            [_e(d.name), _e(fmt(d.name, d.before)), _e(fmt(d.name, d.after)), _e(fmt_delta(d.name, d.delta))]
            for d in comparison.deltas
        ],
    )
    return (
        f"<h2>Perubahan terhadap baseline</h2><p>Baseline: <code>{_e(comparison.source)}</code></p>"
        f"{changed}<h3>Selisih metrik</h3>{deltas}"
    )


# --------------------------------------------------------------------------- files


def write_report(
    directory: Path | str,
    summary: dict[str, Any],
    results: Sequence[CaseResult],
    comparison: Comparison | None = None,
    judge_summary: dict[str, Any] | None = None,
) -> ReportFiles:
    """Write results.json, cases.jsonl, the two PNG charts, report.md and report.html into ``directory``.

    With a comparison, comparison.json holds the fixed/broke lists and metric deltas; with a judge,
    judge.json holds its summary (results.json keeps exactly the summary keys either way).
    """
    directory = Path(directory)
    results_path = write_results(directory, summary, results)
    baseline_programs = comparison.baseline_summary.get("by_program") if comparison else None
    charts = {
        PASS_CHART: pass_rate_chart(summary.get("by_program", {}), baseline_programs),
        LATENCY_CHART: latency_chart([r.latency_ms for r in results if r.latency_ms is not None and r.error is None]),
    }
    for name, png in charts.items():
        (directory / name).write_bytes(png)
    if comparison is not None:
        (directory / "comparison.json").write_text(
            json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    if judge_summary is not None:
        (directory / "judge.json").write_text(
            json.dumps(judge_summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    markdown = directory / "report.md"
    markdown.write_text(render_markdown(summary, results, comparison, judge_summary), encoding="utf-8")
    page = directory / "report.html"
    page.write_text(render_html(summary, results, charts, comparison, judge_summary), encoding="utf-8")
    return ReportFiles(results=results_path, markdown=markdown, html=page)
