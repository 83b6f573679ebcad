"""Regulations named in front-matter: checked by the loader, carried into chunks, the index and every citation."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.adapters.chroma_index import ChromaVectorIndex
from assistant.adapters.fakes import HashEmbedder
from assistant.errors import IngestError
from assistant.models import Citation, Regulation, regulations_cited_by
from assistant.rag.chunking import chunk_document
from assistant.rag.ingest import ingest
from assistant.rag.loaders import load_document
from assistant.rag.pipeline import RagKnowledgeBase
from assistant.settings import AnswerSettings, RetrievalSettings

JDIH_UU_13_1998 = "https://jdih.dpr.go.id/setjen/detail-dokumen/tipe/uu/id/471"
UU_LANSIA = Regulation(type="UU", number="13", year=1998, title="Kesejahteraan Lanjut Usia",
                       article="Pasal 1 angka 2", url=JDIH_UU_13_1998)
SEB_TPA = Regulation(type="SEB", year=2025, title="Pembentukan dan Penyelenggaraan Tempat Penitipan Anak")

HEAD = """---
id: lansia-uu
title: Lansia menurut undang-undang
program: lansia
audience: facilitator
source_url: jdih.dpr.go.id; perempuanleuser.com (2022)
source_year: 1998
valid_from: 1998-11-30
"""
REGULATIONS = f"""regulations:
  - type: UU
    number: 13
    year: 1998
    title: Kesejahteraan Lanjut Usia
    article: Pasal 1 angka 2
    url: {JDIH_UU_13_1998}
  - type: SEB
    year: 2025
    title: Pembentukan dan Penyelenggaraan Tempat Penitipan Anak
"""
BODY = """---
# Lansia menurut undang-undang

## Definisi lansia
Menurut UU 13/1998 Pasal 1 angka 2, lanjut usia adalah orang yang berusia 60 tahun ke atas.
Batas usia lansia dalam UU 13/1998 adalah 60 tahun.

## Hak lansia
Menurut UU 13/1998, lansia berhak atas pelayanan kesehatan dan bantuan sosial.
"""


def _write(folder: Path, front_matter: str) -> Path:
    path = folder / "lansia" / "lansia-uu.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD + front_matter + BODY, encoding="utf-8")
    return path


def test_the_loader_reads_regulations_in_order(tmp_path: Path) -> None:
    doc = load_document(_write(tmp_path, REGULATIONS), tmp_path)
    assert doc.regulations == (UU_LANSIA, SEB_TPA)
    assert doc.source_url == "jdih.dpr.go.id; perempuanleuser.com (2022)"  # the secondary source stays beside it


def test_a_document_without_the_key_has_no_regulations(tmp_path: Path) -> None:
    assert load_document(_write(tmp_path, ""), tmp_path).regulations == ()


def test_names_and_labels_say_type_number_year_and_article() -> None:
    assert UU_LANSIA.name == "UU 13/1998 Pasal 1 angka 2"
    assert UU_LANSIA.label == "UU 13/1998 Pasal 1 angka 2 tentang Kesejahteraan Lanjut Usia"
    assert SEB_TPA.name == "SEB (2025)"  # no number in any source: none is made up
    assert Regulation(type="Persesjen Kemendikbudristek", number="14", year=2022).label == \
        "Persesjen Kemendikbudristek 14/2022"


@pytest.mark.parametrize(
    ("front_matter", "problem"),
    [
        ("regulations: UU 13/1998\n", "'regulations' harus berupa daftar"),
        ("regulations:\n  - UU 13/1998\n", "'regulations' butir ke-1 harus berupa pasangan kunci"),
        ("regulations:\n  - type: UU\n  - number: 72\n    year: 2021\n",
         "'regulations' butir ke-2: kunci 'type' wajib diisi"),
        ("regulations:\n  - type: UU\n    nomor: 13\n", "kunci yang tidak dikenal: nomor"),
        ("regulations:\n  - type: UU\n    number: ''\n", "'number' harus berupa teks yang tidak kosong"),
        ("regulations:\n  - type: UU\n    year: sembilan belas\n", "'year' harus tahun berupa angka"),
        ("regulations:\n  - type: UU\n    year: 98\n", "'year' harus tahun berupa angka"),
        ("regulations:\n  - type: Perpres\n    url: https://www.tribunnews.com/perpres-72\n",
         "'url' hanya untuk alamat resmi pemerintah"),
        ("regulations:\n  - type: Perpres\n    url: peraturan.bpk.go.id/Details/1\n", "'url' hanya untuk alamat resmi"),
        ("regulations:\n  - type: Perpres\n    url: https://go.id.example.com/x\n", "'url' hanya untuk alamat resmi"),
    ],
)
def test_bad_entries_are_refused_with_an_indonesian_message_naming_the_file(
    tmp_path: Path, front_matter: str, problem: str
) -> None:
    with pytest.raises(IngestError, match=problem) as caught:
        load_document(_write(tmp_path, front_matter), tmp_path)
    assert "'lansia/lansia-uu.md'" in str(caught.value)


def test_a_sidecar_is_checked_the_same_way(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Isi.", encoding="utf-8")
    (tmp_path / "a.txt.meta.yaml").write_text("regulations:\n  - type: UU\n    url: http://example.org/\n",
                                             encoding="utf-8")
    with pytest.raises(IngestError, match=r"'a\.txt\.meta\.yaml'.*alamat resmi"):
        load_document(tmp_path / "a.txt", tmp_path)


def test_every_chunk_carries_its_documents_regulations(tmp_path: Path) -> None:
    chunks = chunk_document(load_document(_write(tmp_path, REGULATIONS), tmp_path), target_words=12)
    assert len(chunks) >= 2
    assert all(c.regulations == (UU_LANSIA, SEB_TPA) for c in chunks)


@pytest.fixture
def knowledge(tmp_path: Path) -> RagKnowledgeBase:
    root = tmp_path / "knowledge"
    _write(root, REGULATIONS)
    index = ChromaVectorIndex(prefix="t", path=tmp_path / "chroma")  # the real store: metadata round trip
    kb = RagKnowledgeBase(HashEmbedder(), index, RetrievalSettings(), AnswerSettings())
    ingest(root, embedder=HashEmbedder(), index=index)
    return kb


def test_the_index_keeps_the_regulations_and_the_document_list_shows_them(knowledge: RagKnowledgeBase) -> None:
    assert {c.regulations for c in knowledge.retriever().chunks} == {(UU_LANSIA, SEB_TPA)}
    document = knowledge.document("lansia-uu")
    assert document is not None and document.regulations == (UU_LANSIA, SEB_TPA)


def test_an_answer_cites_the_regulations_of_the_passage_it_quotes(knowledge: RagKnowledgeBase) -> None:
    answer = knowledge.ask("Menurut UU 13/1998 Pasal 1 angka 2, lanjut usia adalah orang yang berusia berapa tahun?",
                           audience="facilitator")
    assert not answer.refused and answer.citations
    # every passage names UU 13/1998, so the document's other regulation is left off its citation
    assert all(c.regulations == (UU_LANSIA,) for c in answer.citations)


def test_a_passage_cites_the_regulations_it_names_else_all_of_its_documents() -> None:
    pip = Regulation(type="Persesjen Kemendikbudristek", number="14", year=2022)
    jkn = Regulation(type="Perpres", number="64", year=2020, title="Perubahan Kedua atas Perpres 82/2018")
    both = (jkn, pip)
    assert regulations_cited_by("Menurut Persesjen Kemendikbudristek 14/2022, dana PIP dikembalikan.", both) == (pip,)
    assert regulations_cited_by("Iuran diatur Peraturan Presiden Nomor 64 Tahun 2020.", both) == (jkn,)
    assert regulations_cited_by("Iuran kelas III Rp42.000 per orang per bulan.", both) == both
    assert regulations_cited_by("Aturan 114/2022 dan Perpres 164/2020 lain lagi.", both) == both  # whole numbers only
    assert not SEB_TPA.named_in("SEB (2025) tentang TPA")  # without a number, never guessed from the text


def test_a_citation_survives_the_json_of_the_api() -> None:
    citation = Citation(2, "lansia-uu", "Lansia", "Definisi", "jdih.dpr.go.id", 1998, "lansia-uu#0",
                        regulations=(UU_LANSIA, SEB_TPA))
    data = citation.to_dict()
    assert data["regulations"][0]["url"] == JDIH_UU_13_1998
    assert Citation.from_dict(data) == citation
    assert Citation.from_dict({k: v for k, v in data.items() if k != "regulations"}).regulations == ()


def test_the_command_line_lists_the_regulations_under_their_source() -> None:
    from assistant.cli.rag_commands import format_sources
    from assistant.models import Answer

    citation = Citation(1, "lansia-uu", "Lansia", "Definisi", "jdih.dpr.go.id", 1998, "c1",
                        regulations=(UU_LANSIA, SEB_TPA))
    assert format_sources(Answer("Jawaban [1].", False, (citation,))).splitlines() == [
        "[1] Lansia — Definisi (jdih.dpr.go.id, 1998)",
        f"    Dasar hukum: UU 13/1998 Pasal 1 angka 2 tentang Kesejahteraan Lanjut Usia — {JDIH_UU_13_1998}",
        "    Dasar hukum: SEB (2025) tentang Pembentukan dan Penyelenggaraan Tempat Penitipan Anak",
    ]
