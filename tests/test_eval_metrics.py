"""Metric definitions, checked against hand-computed values on tiny crafted inputs."""

from __future__ import annotations

import pytest

from assistant.evaluation.metrics import (
    NO_PROGRAM,
    NO_QUESTION_TYPE,
    check_reply,
    citations_valid,
    failed_run,
    first_distinct,
    fold_case_and_space,
    forbidden_found,
    hit_at_k,
    missing_groups,
    nearest_rank_percentile,
    reciprocal_rank,
    refusal_precision_recall,
    summarize,
)
from assistant.evaluation.suite import Case
from tests.support.eval_keys import ISSUE_SUMMARY_KEYS

# --------------------------------------------------------------------------- matching


def test_matching_folds_case_and_removes_all_whitespace():
    assert fold_case_and_space("Rp 3.000.000\n per\u00a0 Tahun") == "rp3.000.000pertahun"


def test_matching_is_case_and_whitespace_insensitive_only():
    answer = "Bantuan  Rp 3.000.000 per tahun untuk IBU hamil."
    assert missing_groups(answer, [["rp3.000.000", "3 juta"], ["ibu hamil"], ["pendamping"]]) == [("pendamping",)]
    # punctuation and digits are not folded
    assert missing_groups(answer, [["3000000"]]) == [("3000000",)]


def test_group_passes_on_any_alternative():
    assert missing_groups("hubungi pendamping sosial", [["PKH", "Pendamping"]]) == []


def test_forbidden_found_lists_each_present_string():
    answer = "Tidak ada BIAYA\npendaftaran. Jangan transfer uang."
    assert forbidden_found(answer, ["biaya pendaftaran", "Transfer", "pulsa"]) == ["biaya pendaftaran", "Transfer"]


# --------------------------------------------------------------------------- retrieval and citations


def test_first_distinct_keeps_order_and_stops_at_five():
    assert first_distinct(["a", "a", "b", "c", "b", "d", "e", "f"]) == ["a", "b", "c", "d", "e"]


def test_hit_and_reciprocal_rank():
    retrieved = ["a", "b", "c", "d", "e", "f"]
    assert hit_at_k(["b"], retrieved) == 1.0
    assert reciprocal_rank(["c", "b"], retrieved) == 0.5  # first expected found is "b" at rank 2
    assert reciprocal_rank(["e"], retrieved) == 0.2
    assert hit_at_k(["f"], retrieved) == 0.0  # rank 6 is beyond the cut
    assert reciprocal_rank(["f"], retrieved) == 0.0
    assert hit_at_k(["z"], []) == 0.0


def test_citations_valid():
    assert citations_valid(["c1", "c2"], ["c2", "c1", "c3"]) is True
    assert citations_valid(["c1", "c9"], ["c1"]) is False
    assert citations_valid([], []) is True  # no citation, nothing invalid


def test_nearest_rank_percentile():
    assert nearest_rank_percentile([40, 10, 30, 20], 50) == 20  # rank ceil(2.0) = 2
    assert nearest_rank_percentile([40, 10, 30, 20], 95) == 40  # rank ceil(3.8) = 4
    assert nearest_rank_percentile([10, 20, 30], 50) == 20  # rank ceil(1.5) = 2
    values = list(range(1, 21))
    assert nearest_rank_percentile(values, 95) == 19  # rank ceil(19.0) = 19
    assert nearest_rank_percentile(values, 50) == 10
    assert nearest_rank_percentile([7.5], 95) == 7.5
    assert nearest_rank_percentile([], 50) is None


def test_refusal_precision_recall():
    # (expected, refused): one TP, one FN, one FP, one TN
    assert refusal_precision_recall([(True, True), (True, False), (False, True), (False, False)]) == (0.5, 0.5)
    assert refusal_precision_recall([(True, True), (True, True), (False, True)]) == (2 / 3, 1.0)
    assert refusal_precision_recall([(False, False)]) == (None, None)


# --------------------------------------------------------------------------- one case


def _cite(n, doc_id, chunk_id):
    return {"n": n, "doc_id": doc_id, "chunk_id": chunk_id, "title": doc_id, "section": "", "source_url": "", "source_year": None}


def test_check_reply_reasons_and_pass():
    case = Case(id="x", turns=("q",), must_include=(("PKH",), ("3 juta",)), must_not_include=("biaya",))
    result = check_reply(
        case, answer="PKH tanpa biaya", refused=False, citations=[], hit_doc_ids=[], hit_chunk_ids=[], latency_ms=5.0
    )
    assert not result.passed
    assert result.groups_satisfied == 1
    assert result.reasons == ['tidak ada di jawaban: "3 juta"', 'teks terlarang muncul: "biaya"']


def test_refusal_must_match_and_absent_should_refuse_expects_an_answer():
    plain = Case(id="a", turns=("q",))
    must_refuse = Case(id="b", turns=("q",), should_refuse=True)
    kwargs = {"citations": [], "hit_doc_ids": [], "hit_chunk_ids": [], "latency_ms": 1.0}
    assert check_reply(plain, answer="jawab", refused=False, **kwargs).passed
    refused_plain = check_reply(plain, answer="maaf", refused=True, **kwargs)
    assert not refused_plain.passed and refused_plain.reasons == ["menolak menjawab, padahal seharusnya menjawab"]
    assert check_reply(must_refuse, answer="maaf", refused=True, **kwargs).passed
    answered = check_reply(must_refuse, answer="ini jawabannya", refused=False, **kwargs)
    assert answered.reasons == ["menjawab, padahal seharusnya menolak"]


def test_expected_sources_do_not_change_pass_and_fall_back_to_citations():
    case = Case(id="a", turns=("q",), expected_sources=("pkh",))
    result = check_reply(
        case,
        answer="jawab",
        refused=False,
        citations=[_cite(1, "dtsen", "d#1"), _cite(2, "pkh", "p#1")],
        hit_doc_ids=[],
        hit_chunk_ids=[],
        latency_ms=1.0,
    )
    assert result.passed  # retrieval is scored separately
    assert result.retrieved_doc_ids == ["dtsen", "pkh"]
    assert (result.hit, result.rr) == (1.0, 0.5)
    assert result.citations_ok is False  # cited chunks were not among (empty) hits


def test_failed_run_fails_and_keeps_the_error():
    result = failed_run(Case(id="a", turns=("q",), must_include=(("x",),)), "RuntimeError: boom")
    assert not result.passed
    assert result.reasons[0] == "galat saat menjalankan: RuntimeError: boom"
    assert result.groups_satisfied == 0


# --------------------------------------------------------------------------- summary


def _four_results():
    a = check_reply(
        Case(id="A", turns=("qa",), program="pkh", question_type="amount", must_include=(("PKH",), ("3 juta",)), expected_sources=("pkh",)),
        answer="PKH itu bantuan [1]",
        refused=False,
        citations=[_cite(1, "pkh", "c1")],
        hit_doc_ids=["x", "pkh", "pkh"],
        hit_chunk_ids=["x#1", "c1", "c2"],
        latency_ms=100.0,
    )
    b = check_reply(
        Case(id="B", turns=("qb",), program="pkh", question_type="amount", audience="facilitator", must_include=(("data",),), must_not_include=("biaya",)),
        answer="Data diperbarui, ada biaya admin [1]",
        refused=False,
        citations=[_cite(1, "dtsen", "zz")],
        hit_doc_ids=["dtsen"],
        hit_chunk_ids=["d1"],
        latency_ms=300.0,
    )
    c = check_reply(
        Case(id="C", turns=("qc",), should_refuse=True, expected_sources=("lansia",)),
        answer="Maaf, di luar layanan.",
        refused=True,
        citations=[],
        hit_doc_ids=[],
        hit_chunk_ids=[],
        latency_ms=200.0,
    )
    d = check_reply(
        Case(id="D", turns=("qd",), program="stunting", must_include=(("posyandu",),)),
        answer="Maaf, saya belum tahu.",
        refused=True,
        citations=[],
        hit_doc_ids=[],
        hit_chunk_ids=[],
        latency_ms=400.0,
    )
    return [a, b, c, d]


def test_summary_hand_computed():
    summary = summarize(_four_results())
    assert set(summary) == ISSUE_SUMMARY_KEYS | {"by_program", "by_audience", "by_question_type"}
    expected = {
        "cases": 4,
        "pass_rate": 0.25,  # only C
        "fact_coverage": 0.5,  # A 1/2, B 1/1, C 0/0, D 0/1 -> 2/4
        "forbidden_rate": 0.25,  # B
        "refusal_precision": 0.5,  # refused C (right), D (wrong)
        "refusal_recall": 1.0,  # the one positive, C, was refused
        "retrieval_hit_at_5": 0.5,  # A hit, C miss
        "mrr": 0.25,  # A 1/2, C 0
        "citation_validity": 0.5,  # answered A (valid), B (cites zz, not retrieved)
        "latency_p50_ms": 200.0,  # sorted 100,200,300,400; rank 2
        "latency_p95_ms": 400.0,  # rank ceil(3.8) = 4
    }
    assert {key: summary[key] for key in ISSUE_SUMMARY_KEYS} == expected


def test_breakdowns_hand_computed():
    summary = summarize(_four_results())
    assert sorted(summary["by_program"]) == [NO_PROGRAM, "pkh", "stunting"]
    pkh = summary["by_program"]["pkh"]
    assert set(pkh) == ISSUE_SUMMARY_KEYS
    assert pkh["cases"] == 2 and pkh["pass_rate"] == 0.0
    assert pkh["fact_coverage"] == pytest.approx(0.6667)  # 2 of 3 groups
    assert pkh["forbidden_rate"] == 0.5
    assert pkh["refusal_precision"] is None and pkh["refusal_recall"] is None  # nothing refused, nothing to refuse
    assert (pkh["retrieval_hit_at_5"], pkh["mrr"]) == (1.0, 0.5)
    assert (pkh["latency_p50_ms"], pkh["latency_p95_ms"]) == (100.0, 300.0)
    citizen = summary["by_audience"]["citizen"]
    assert citizen["cases"] == 3
    assert citizen["pass_rate"] == pytest.approx(0.3333)
    assert citizen["fact_coverage"] == pytest.approx(0.3333)  # A 1/2 + D 0/1
    assert (citizen["refusal_precision"], citizen["refusal_recall"]) == (0.5, 1.0)
    assert citizen["citation_validity"] == 1.0  # only A answered
    assert (citizen["latency_p50_ms"], citizen["latency_p95_ms"]) == (200.0, 400.0)
    assert summary["by_audience"]["facilitator"]["forbidden_rate"] == 1.0
    assert sorted(summary["by_question_type"]) == [NO_QUESTION_TYPE, "amount"]
    amount = summary["by_question_type"]["amount"]
    assert (amount["cases"], amount["pass_rate"], amount["forbidden_rate"]) == (2, 0.0, 0.5)
    assert summary["by_question_type"][NO_QUESTION_TYPE]["cases"] == 2


def test_empty_and_unmeasurable_metrics_are_null():
    summary = summarize([])
    assert summary["cases"] == 0
    assert all(summary[key] is None for key in ISSUE_SUMMARY_KEYS - {"cases"})
    assert summary["by_program"] == {} and summary["by_audience"] == {} and summary["by_question_type"] == {}


def test_errored_case_is_left_out_of_latency_and_citation_validity():
    ok = check_reply(
        Case(id="ok", turns=("q",)), answer="a", refused=False, citations=[], hit_doc_ids=[], hit_chunk_ids=[], latency_ms=50.0
    )
    broken = failed_run(Case(id="bad", turns=("q",)), "RuntimeError: boom")
    summary = summarize([ok, broken])
    assert summary["pass_rate"] == 0.5
    assert summary["citation_validity"] == 1.0
    assert (summary["latency_p50_ms"], summary["latency_p95_ms"]) == (50.0, 50.0)
    assert summary["refusal_precision"] is None
