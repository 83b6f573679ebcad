"""Report files: exact results.json keys, per-case lines, self-contained HTML with PNGs, baseline diff."""

from __future__ import annotations

import base64
import json
import re

from assistant.evaluation.baseline import compare, load_baseline
from assistant.evaluation.metrics import check_reply, summarize
from assistant.evaluation.report import write_report
from assistant.evaluation.suite import Case
from tests.support.eval_keys import ISSUE_SUMMARY_KEYS

CASES = {
    "x": Case(id="x", turns=("Berapa PKH ibu hamil?",), program="pkh", must_include=(("3 juta",),)),
    "y": Case(id="y", turns=("Apa itu Tamasya?",), program="tamasya", audience="facilitator", must_include=(("penitipan",),)),
    "z": Case(id="z", turns=("Cuaca besok?",), should_refuse=True),
}


def _result(case_id, answer, *, refused=False, latency=120.0):
    citation = {
        "n": 1,
        "doc_id": f"{case_id}-doc",
        "chunk_id": f"{case_id}#1",
        "title": "Pedoman",
        "section": "Besaran",
        "source_url": "https://kemensos.go.id/pedoman",
        "source_year": 2025,
    }
    return check_reply(
        CASES[case_id],
        answer=answer,
        refused=refused,
        citations=[] if refused else [citation],
        hit_doc_ids=[] if refused else [f"{case_id}-doc"],
        hit_chunk_ids=[] if refused else [f"{case_id}#1"],
        latency_ms=latency,
    )


def _baseline_run():  # x fails, y passes
    return [
        _result("x", "Besarnya belum pasti <script>alert(1)</script>"),
        _result("y", "Tamasya adalah taman penitipan anak.", latency=80.0),
        _result("z", "Maaf, di luar layanan.", refused=True, latency=10.0),
    ]


def _current_run():  # x fixed, y broke
    return [
        _result("x", "Ibu hamil mendapat 3 juta per tahun."),
        _result("y", "Tamasya adalah program lansia.", latency=90.0),
        _result("z", "Maaf, di luar layanan.", refused=True, latency=12.0),
    ]


def _embedded_pngs(page):
    return [base64.b64decode(data) for data in re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)]


def test_report_files_and_exact_summary_keys(tmp_path):
    results = _baseline_run()
    files = write_report(tmp_path, summarize(results), results)
    for name in ("results.json", "cases.jsonl", "report.md", "report.html", "pass_rate_by_program.png", "latency.png"):
        assert (tmp_path / name).is_file(), name
    summary = json.loads(files.results.read_text(encoding="utf-8"))
    assert set(summary) == ISSUE_SUMMARY_KEYS | {"by_program", "by_audience", "by_question_type"}
    assert summary["pass_rate"] == round(2 / 3, 4)
    lines = [json.loads(line) for line in (tmp_path / "cases.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(line["id"], line["passed"]) for line in lines] == [("x", False), ("y", True), ("z", True)]
    assert lines[0]["reasons"] == ['tidak ada di jawaban: "3 juta"']
    assert lines[0]["citations"][0]["chunk_id"] == "x#1" and lines[0]["latency_ms"] == 120.0


def test_html_is_self_contained_with_embedded_pngs(tmp_path):
    results = _baseline_run()
    page = write_report(tmp_path, summarize(results), results).html.read_text(encoding="utf-8")
    pngs = _embedded_pngs(page)
    assert len(pngs) == 2
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in pngs)
    assert pngs[0] == (tmp_path / "pass_rate_by_program.png").read_bytes()
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page and "<link" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # answers are escaped
    assert "x-doc" in page and "tidak terukur" in page  # citations shown, null explained


def test_markdown_lists_failures_and_charts(tmp_path):
    results = _baseline_run()
    markdown = write_report(tmp_path, summarize(results), results).markdown.read_text(encoding="utf-8")
    assert "![Tingkat kelulusan per program](pass_rate_by_program.png)" in markdown
    assert "## Kasus gagal (1)" in markdown and "### x" in markdown
    assert "| pass_rate | 66.7% |" in markdown
    assert "## Per jenis pertanyaan" in markdown


def test_baseline_diff_shows_fixed_and_broken_cases(tmp_path):
    before = _baseline_run()
    write_report(tmp_path / "before", summarize(before), before)
    baseline = load_baseline(tmp_path / "before" / "results.json")
    assert baseline.passed == {"x": False, "y": True, "z": True}

    after = _current_run()
    summary = summarize(after)
    comparison = compare(baseline, summary, after)
    assert (comparison.fixed, comparison.broke, comparison.added, comparison.removed) == (["x"], ["y"], [], [])
    deltas = {d.name: d.delta for d in comparison.deltas}
    assert deltas["pass_rate"] == 0.0  # one fixed, one broke
    assert deltas["fact_coverage"] == 0.0
    assert deltas["latency_p95_ms"] == 0.0  # 120 both times
    assert deltas["latency_p50_ms"] == 10.0  # 80 -> 90

    files = write_report(tmp_path / "after", summary, after, comparison)
    page = files.html.read_text(encoding="utf-8")
    assert '<tr class="fixed"><td>x</td><td>diperbaiki (fixed)</td></tr>' in page
    assert '<tr class="broke"><td>y</td><td>rusak (broke)</td></tr>' in page
    markdown = files.markdown.read_text(encoding="utf-8")
    assert "| x | diperbaiki (fixed) |" in markdown and "| y | rusak (broke) |" in markdown
    assert "| latency_p50_ms | 80.0 ms | 90.0 ms | +10.0 ms |" in markdown
    stored = json.loads((tmp_path / "after" / "comparison.json").read_text(encoding="utf-8"))
    assert stored["fixed"] == ["x"] and stored["broke"] == ["y"]
    assert len(_embedded_pngs(page)) == 2


def test_baseline_accepts_the_folder_and_reports_added_and_removed(tmp_path):
    before = _baseline_run()[:2]
    write_report(tmp_path, summarize(before), before)
    baseline = load_baseline(tmp_path)
    after = [_current_run()[0], _current_run()[2]]
    comparison = compare(baseline, summarize(after), after)
    assert (comparison.fixed, comparison.added, comparison.removed) == (["x"], ["z"], ["y"])
