"""Discovery and loading of Markdown, text, HTML and PDF knowledge files, and every ingest error."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from assistant.errors import IngestError
from assistant.rag.loaders import discover, load_document

FIXTURES = Path(__file__).parent / "fixtures" / "docs"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"


def make_pdf(pages: list[list[str]], title: str | None = None, password: str | None = None) -> bytes:
    """A real tiny PDF: one page per entry, Helvetica text lines, optional title and password."""
    writer = PdfWriter()
    for lines in pages:
        page = writer.add_blank_page(width=595, height=842)
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
        ops = ["BT", "/F1 11 Tf", "14 TL", "56 780 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page.replace_contents(stream)
    if title:
        writer.add_metadata({"/Title": title})
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- discover


def test_discover_folder_sorted_skips_readme_hidden_and_sidecars() -> None:
    found = [p.relative_to(VALID).as_posix() for p in discover(VALID)]
    assert found == [
        "catatan_umum.txt",
        "lansia/panduan.txt",
        "pkh/besaran.md",
        "pkh/ringkasan.pdf",
        "stunting/posyandu.html",
    ]


def test_discover_single_file_and_missing_path(tmp_path: Path) -> None:
    assert discover(VALID / "pkh" / "besaran.md") == [VALID / "pkh" / "besaran.md"]
    with pytest.raises(IngestError, match="tidak ditemukan"):
        discover(tmp_path / "tidak-ada")


def test_discover_accepts_upper_case_suffixes(tmp_path: Path) -> None:
    (tmp_path / "A.MD").write_text("x", encoding="utf-8")
    (tmp_path / "b.Htm").write_text("x", encoding="utf-8")
    (tmp_path / "c.docx").write_text("x", encoding="utf-8")
    (tmp_path / "readme.MD").write_text("x", encoding="utf-8")
    assert [p.name for p in discover(tmp_path)] == ["A.MD", "b.Htm"]


# --------------------------------------------------------------------------- formats


def test_markdown_front_matter() -> None:
    path = VALID / "pkh" / "besaran.md"
    doc = load_document(path, VALID)
    assert doc.doc_id == "pkh-besaran"
    assert doc.title == "Besaran bantuan PKH"
    assert doc.program == "pkh"  # lower-cased so filters match
    assert doc.audience == "both"
    assert doc.source_url == "https://kemensos.go.id/contoh-besaran-pkh"
    assert doc.source_year == 2024
    assert doc.valid_from == "2024-01-01"
    assert doc.confidence is None and doc.caveat is None
    assert doc.path == "pkh/besaran.md"
    assert doc.text.startswith("# Besaran bantuan PKH")
    assert "source_url" not in doc.text and "---" not in doc.text
    assert doc.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()


def test_text_with_sidecar_metadata() -> None:
    path = VALID / "lansia" / "panduan.txt"
    doc = load_document(path, VALID)
    assert doc.doc_id == "lansia-panduan"
    assert doc.title == "Panduan komponen lansia"
    assert doc.program == "lansia"  # not in the sidecar: first folder under the root
    assert doc.audience == "citizen"
    assert doc.source_year == 2023 and doc.valid_from == "2023-06-01"
    assert doc.confidence == "unconfirmed"
    assert doc.caveat == "Besaran belum dikonfirmasi dari pedoman terbaru."
    sidecar = path.with_name("panduan.txt.meta.yaml")
    assert doc.content_hash == hashlib.sha256(path.read_bytes() + b"\x1e" + sidecar.read_bytes()).hexdigest()


def test_text_without_sidecar_gets_defaults() -> None:
    doc = load_document(VALID / "catatan_umum.txt", VALID)
    assert doc.doc_id == "catatan-umum-txt"
    assert doc.title == "Catatan umum"
    assert doc.program == ""
    assert doc.audience == "both"
    assert doc.source_url == "" and doc.source_year is None and doc.valid_from is None
    assert "Call Center Kemensos 171" in doc.text


def test_text_title_from_first_heading(tmp_path: Path) -> None:
    (tmp_path / "pkh").mkdir()
    path = tmp_path / "pkh" / "syarat daftar.txt"
    path.write_text("\n# Syarat pendaftaran PKH\n\nBawa KTP dan KK.\n", encoding="utf-8")
    doc = load_document(path, tmp_path)
    assert (doc.doc_id, doc.title, doc.program) == ("pkh-syarat-daftar-txt", "Syarat pendaftaran PKH", "pkh")


def test_html_strips_chrome_and_keeps_headings() -> None:
    doc = load_document(VALID / "stunting" / "posyandu.html", VALID)
    assert doc.title == "Layanan Posyandu untuk Balita"
    assert doc.program == "stunting"
    for junk in ("tracking", "color: red", "Menu navigasi", "Hak cipta"):
        assert junk not in doc.text
    assert doc.text.splitlines()[0] == "# Layanan Posyandu untuk Balita"
    assert "## Jadwal" in doc.text
    assert "### Yang dibawa\n\n- Buku KIA\n- Kartu keluarga" in doc.text
    assert "Posyandu menimbang balita setiap bulan untuk memantau pertumbuhan." in doc.text


def test_committed_pdf_fixture() -> None:
    doc = load_document(VALID / "pkh" / "ringkasan.pdf", VALID)
    assert doc.title == "Ringkasan PKH 2025"
    assert doc.doc_id == "pkh-ringkasan-pdf"
    assert "Ibu hamil menerima Rp3.000.000 per tahun." in doc.text


def test_pdf_text_per_page_title_fallback_and_hyphenation(tmp_path: Path) -> None:
    path = tmp_path / "panduan-pkh.pdf"
    path.write_bytes(make_pdf([["Halaman satu: penyalur-", "an bantuan."], ["Halaman dua (akhir)."]]))
    doc = load_document(path, tmp_path)
    assert doc.title == "Panduan pkh"
    assert "penyaluran bantuan." in doc.text
    assert doc.text.index("Halaman satu") < doc.text.index("Halaman dua (akhir).")


def test_file_root_uses_its_folder(tmp_path: Path) -> None:
    shutil.copy(VALID / "pkh" / "besaran.md", tmp_path / "besaran.md")
    doc = load_document(tmp_path / "besaran.md", tmp_path / "besaran.md")
    assert doc.path == "besaran.md"


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("tanpa_frontmatter.md", "front-matter YAML tidak ada"),
        ("yaml_rusak.md", "YAML rusak"),
        ("kunci_hilang.md", "kunci wajib front-matter belum diisi: source_url"),
        ("tahun_teks.md", "'source_year' harus tahun berupa angka"),
        ("audience_salah.md", "'audience' harus salah satu dari citizen, facilitator, both"),
        ("caveat_hilang.md", "'caveat' wajib diisi"),
        ("isi_kosong.md", "isi dokumen kosong"),
        ("latin1.txt", "bukan teks UTF-8"),
        ("gambar.txt", "biner"),
        ("rusak.pdf", "PDF rusak"),
    ],
)
def test_broken_inputs_raise_clear_indonesian_errors(name: str, problem: str) -> None:
    with pytest.raises(IngestError) as info:
        load_document(BROKEN / name, FIXTURES)
    assert f"Gagal memuat 'broken/{name}'" in info.value.message
    assert problem in info.value.message
    assert info.value.exit_code == 2


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = tmp_path / "rahasia.pdf"
    path.write_bytes(make_pdf([["Isi rahasia"]], password="kunci"))
    with pytest.raises(IngestError, match="'rahasia.pdf': PDF terenkripsi"):
        load_document(path, tmp_path)


def test_pdf_without_text(tmp_path: Path) -> None:
    path = tmp_path / "pindaian.pdf"
    path.write_bytes(make_pdf([[]]))
    with pytest.raises(IngestError, match="tidak berisi teks"):
        load_document(path, tmp_path)


def test_broken_sidecar_names_the_sidecar(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Isi.", encoding="utf-8")
    (tmp_path / "a.txt.meta.yaml").write_text("source_year: [2024\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"'a\.txt\.meta\.yaml': metadata YAML rusak"):
        load_document(tmp_path / "a.txt", tmp_path)


def test_wrong_typed_values(tmp_path: Path) -> None:
    base = "id: x\ntitle: T\nprogram: pkh\naudience: both\nsource_url: https://a.id\nsource_year: 2024\nvalid_from: 2024-01-01\n"
    cases = {
        base.replace("id: x", "id: 12"): "'id' harus berupa teks",
        base.replace("https://a.id", '""'): "'source_url' harus berupa teks yang tidak kosong",
        base.replace("2024-01-01", "kemarin"): "'valid_from' harus tanggal",
        base.replace("source_year: 2024", "source_year: true"): "'source_year' harus tahun",
        base + "confidence: maybe\ncaveat: x\n": "'confidence' harus unconfirmed atau conflict",
        "- id\n- title\n": "harus berupa pasangan kunci",
    }
    for front_matter, problem in cases.items():
        path = tmp_path / "doc.md"
        path.write_text(f"---\n{front_matter}---\nIsi.\n", encoding="utf-8")
        with pytest.raises(IngestError, match=problem):
            load_document(path, tmp_path)


def test_unreadable_and_unsupported(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="tidak dapat dibaca"):
        load_document(tmp_path / "hilang.md", tmp_path)
    (tmp_path / "x.docx").write_bytes(b"PK")
    with pytest.raises(IngestError, match="format tidak didukung"):
        load_document(tmp_path / "x.docx", tmp_path)


def test_source_url_may_be_free_text_citing_several_sources(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(
        "---\nid: x\ntitle: T\nprogram: pkh\naudience: facilitator\nsource_url: tempo.co; kemensos.go.id (6 Nov 2024)\n"
        "source_year: 2025\nvalid_from: '2025-01-01'\n---\nIsi.\n",
        encoding="utf-8",
    )
    doc = load_document(path, tmp_path)
    assert doc.source_url == "tempo.co; kemensos.go.id (6 Nov 2024)"
    assert doc.valid_from == "2025-01-01" and doc.audience == "facilitator"
