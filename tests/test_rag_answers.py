"""Grounded answers over the shipped corpus, with the real model and an embedded Chroma index."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow

OUT_OF_SCOPE = [
    "Siapa pemenang Piala Dunia 2022?",
    "resep rendang",
    "Berapa harga emas hari ini?",
    "Bagaimana cara bermain Mobile Legends?",
    "Siapa presiden Amerika Serikat sekarang?",
]


def test_pkh_pregnancy_amount_is_answered_with_citation(indexed_services):
    answer = indexed_services.knowledge.ask("Berapa bantuan PKH untuk ibu hamil per tahun?")
    assert not answer.refused
    assert "3.000.000" in answer.text or "750.000" in answer.text
    assert answer.citations, "an answer must cite its sources"
    assert re.search(r"\[1\]", answer.text)
    assert "pkh-komponen-besaran" in {c.doc_id for c in answer.citations}
    for citation in answer.citations:
        assert citation.title and citation.source_url and citation.chunk_id


def test_informal_spelling_finds_the_same_fact(indexed_services):
    answer = indexed_services.knowledge.ask("brp bantuan pkh utk bumil?")
    assert not answer.refused
    assert "3.000.000" in answer.text or "750.000" in answer.text


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_questions_are_declined(indexed_services, question):
    answer = indexed_services.knowledge.ask(question)
    assert answer.refused, f"should decline: {question!r} -> {answer.text!r}"
    assert "171" in answer.text and "pendamping" in answer.text
    assert not answer.citations


def test_every_citation_points_to_a_retrieved_chunk(indexed_services):
    answer = indexed_services.knowledge.ask("Kapan jadwal pencairan PKH tahap 2?", audience="facilitator")
    assert not answer.refused
    retrieved = {h.chunk.chunk_id for h in answer.hits}
    assert answer.citations and all(c.chunk_id in retrieved for c in answer.citations)
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert numbers == {c.n for c in answer.citations}


def test_uncertain_point_carries_its_caveat(indexed_services):
    answer = indexed_services.knowledge.ask("Berapa usia minimal lansia untuk dapat PKH?")
    assert not answer.refused
    text = answer.text.lower()
    assert "pendamping" in text or "171" in text
    assert "60" in text and "70" in text


def test_program_filter_limits_search(indexed_services):
    hits = indexed_services.knowledge.search("bantuan untuk anak", k=8, filters={"program": "stunting"})
    assert hits and all(h.chunk.program == "stunting" for h in hits)


def test_hybrid_marks_both_rankings(indexed_services):
    hits = indexed_services.knowledge.search("Inpres 4/2025 DTSEN", k=5)
    assert hits[0].chunk.program == "dtsen"
    assert any(h.dense_rank is not None and h.lexical_rank is not None for h in hits)


def test_answer_ends_with_the_channel_named_in_the_cited_passage(indexed_services):
    answer = indexed_services.knowledge.ask("Kalau keluarga sy berisiko stunting, bisa dpt PKH?")
    assert not answer.refused
    assert "tidak otomatis" in answer.text
    assert "pendamping PKH" in answer.text or "171" in answer.text


@pytest.mark.parametrize(("question", "family"), [
    ("berapa dosis amoxicillin untuk anak 5 tahun?", "health"),
    ("anak saya batuk pilek sudah seminggu, sakit apa ya? tolong diagnosa", "health"),
    ("syarat masuk Polri lulusan SMA apa saja?", "jobs"),
    ("bunga pinjaman modal usaha di bank berapa persen?", "finance"),
    ("partai apa yang harus saya pilih di pemilu nanti?", "politics"),
    ("zakat mal dari tabungan hasil dagang berapa persen nisabnya?", "religion_law"),
    ("bagaimana cara lapor SPT pajak tahunan?", "religion_law"),
])
def test_asks_outside_the_role_are_declined_with_their_family(indexed_services, question, family):
    answer = indexed_services.knowledge.ask(question)
    assert answer.refused and not answer.citations
    assert answer.meta.get("out_of_scope") == family


@pytest.mark.parametrize("question", [
    "Apa itu stunting?",
    "ciri-ciri anak stunting apa aja?",
    "suami sy polisi, bisa dapat pkh gk?",
    pytest.param("pinjaman dari koperasi bisa bikin pkh sy dicabut?", marks=pytest.mark.xfail(
        strict=True, reason="known false decline: the two-encoder scope probe reads this loan question as a "
                            "finance task (p 0.986, threshold 0.95); on dev_scope the probe flags 16 more asks to "
                            "decline and one fewer answerable question than the e5-only probe")),
    "kalau kepala keluarga meninggal, bantuan pkh nya bagaimana?",
])
def test_questions_sharing_words_with_those_tasks_are_still_answered(indexed_services, question):
    answer = indexed_services.knowledge.ask(question)
    assert not answer.refused, f"should answer: {question!r}"
    assert "out_of_scope" not in answer.meta
