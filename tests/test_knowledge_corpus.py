"""The shipped knowledge base: complete front-matter, unique ids, both audiences per program,
caveats where a point is uncertain, and every document id that code or evals cite exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from assistant.rag.ingest import load_corpus
from assistant.rag.loaders import discover

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE = REPO / "knowledge"
PROGRAMS = ["pkh", "dtsen", "stunting", "daycare", "lansia", "lainnya"]
REQUIRED = {"id", "title", "program", "audience", "source_url", "source_year", "valid_from"}


@pytest.fixture(scope="module")
def documents():
    return load_corpus(KNOWLEDGE)  # raises IngestError listing every bad file, duplicate id or empty body


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    assert match, f"{path} has no front-matter"
    return yaml.safe_load(match.group(1))


@pytest.mark.parametrize("path", discover(KNOWLEDGE), ids=lambda p: str(p.relative_to(KNOWLEDGE)))
def test_every_document_has_the_required_front_matter(path):
    meta = _front_matter(path)
    assert REQUIRED <= set(meta), f"missing: {REQUIRED - set(meta)}"
    assert meta["audience"] in {"citizen", "facilitator", "both"}
    assert isinstance(meta["source_year"], int) and 2000 <= meta["source_year"] <= 2026
    if meta.get("confidence"):
        assert meta["confidence"] in {"unconfirmed", "conflict"}
        assert meta.get("caveat"), "an uncertain document must say so in a caveat"
        assert len(meta["caveat"].split()) >= 8, "the caveat must say what is uncertain in a full sentence"


def test_ids_are_unique_and_bodies_not_empty(documents):
    ids = [d.doc_id for d in documents]
    assert len(ids) == len(set(ids))
    assert all(len(d.text.split()) >= 40 for d in documents)


@pytest.mark.parametrize("program", PROGRAMS)
def test_each_program_speaks_to_citizens_and_facilitators(documents, program):
    audiences = {d.audience for d in documents if d.program == program}
    assert audiences & {"citizen", "both"} and audiences & {"facilitator", "both"}
    assert any(d.audience == "citizen" for d in documents if d.program == program and "faq" in d.path)
    assert any(d.audience == "facilitator" for d in documents if d.program == program and "faq" in d.path)


def test_documents_cited_by_the_eligibility_rules_exist(documents):
    params = (REPO / "src/assistant/eligibility/parameters/default.yaml").read_text(encoding="utf-8")
    cited = set(re.findall(r"doc_id:\s*([\w-]+)", params))
    assert cited and cited <= {d.doc_id for d in documents}


def test_documents_expected_by_the_eval_suite_exist(documents):
    ids = {d.doc_id for d in documents}
    expected = set()
    for line in (REPO / "evals/core.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            expected.update(json.loads(line).get("expected_sources") or [])
    assert expected and expected <= ids, expected - ids


def test_only_known_phone_numbers_appear(documents):
    """No invented hotlines: only Call Center Kemensos 171 and BPJS Kesehatan 165 are given as numbers."""
    for doc in documents:
        for number in re.findall(r"(?:call center|care center|telepon|hubungi|nomor)\D{0,25}(\d{3,})", doc.text, re.I):
            assert number in {"171", "165"}, f"{doc.doc_id}: unexpected contact number {number}"
        assert "08111022210" not in doc.text, f"{doc.doc_id}: outdated COVID-era WhatsApp number"


# A regulation cited by type and number in the text: "Perpres 72/2021", "Permensos 16/2020",
# "Instruksi Presiden Nomor 4 Tahun 2025", "Undang-Undang Nomor 13 Tahun 1998".
REGULATION_IN_TEXT = re.compile(
    r"\b(?:UU|Perpres|Inpres|Permen\w*|Perses\w*(?: \w+)?|Perdirjen(?: \w+)?)\s+\d+/(?:19|20)\d{2}\b"
    r"|\b(?:Undang-Undang|UU|Peraturan|Perpres|Instruksi|Inpres|Keputusan)\b[^.\n]{0,80}?\bNomor \d+ Tahun (?:19|20)\d{2}\b"
)


def test_documents_that_cite_a_regulation_name_it_in_their_front_matter(documents):
    """A facilitator sees "Dasar hukum" under the source only when the front-matter lists the regulation."""
    missing = [d.doc_id for d in documents if REGULATION_IN_TEXT.search(d.text) and not d.regulations]
    assert not missing, f"add 'regulations:' to the front-matter of: {missing} (see knowledge/README.md)"


def test_each_numbered_regulation_in_the_front_matter_is_named_in_the_text(documents):
    """No regulation is attached to a document that does not talk about it."""
    for doc in documents:
        for regulation in doc.regulations:
            if regulation.number and regulation.year:
                assert regulation.named_in(doc.text), f"{doc.doc_id}: {regulation.name} is not named in the text"
