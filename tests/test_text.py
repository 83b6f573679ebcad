"""Indonesian normalisation, tokenisation and sentence splitting (hand-checked expectations)."""

from __future__ import annotations

import pytest

from assistant.rag.text import normalize, split_sentences, stem, stop_words, tokenize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Berapa bantuan PKH untuk ibu hamil per tahun?", "berapa bantuan pkh untuk ibu hamil per tahun"),
        ("brp bansos utk bumil gmn?", "berapa bansos untuk ibu hamil bagaimana"),
        ("gimana cara daftar pke hp", "bagaimana cara daftar pakai hp"),
        ("yg dgn untk", "yang dengan untuk"),
        ("gk ga gak nggak tdk", "tidak tidak tidak tidak tidak"),
        ("sy blm dpt krn udh pindah", "saya belum dapat karena sudah pindah"),
        ("sdh daftar tpi tp bs bsa", "sudah daftar tapi tapi bisa bisa"),
        ("org tua 60 thn 2 th 3 bln", "orang tua 60 tahun 2 tahun 3 bulan"),
        ("anak2 saya", "anak saya"),
        ("anak-anak dan ibu-ibu", "anak dan ibu"),
        ("bantuaaaan cairrr", "bantuan cair"),
        ("Kapan cair??!!", "kapan cair"),
        ("lanjut usia", "lansia"),
        ("busui dan ortu", "ibu menyusui dan orang tua"),
    ],
)
def test_normalize_chat_spellings(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Rp3.000.000", "rp 3000000"),
        ("Rp 3.000.000,00", "rp 3000000"),
        ("rp3000000", "rp 3000000"),
        ("3000000", "3000000"),
        ("3 juta", "3000000"),
        ("3jt", "3000000"),
        ("3 jt", "3000000"),
        ("Rp750.000,-", "rp 750000"),
        ("750rb", "750000"),
        ("750 rb", "750000"),
        ("750 ribu", "750000"),
        ("1,5 juta", "1500000"),
        ("1.5 juta", "1500000"),
        ("3,000,000", "3000000"),
        ("berat naik 2,5 kg", "berat naik 2,5 kg"),
        ("Rp3.000.000/tahun", "rp 3000000 tahun"),
    ],
)
def test_normalize_makes_money_comparable(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_money_spellings_share_one_token() -> None:
    variants = ["Rp3.000.000", "3 juta", "3jt", "rp 3000000", "Rp 3.000.000,00"]
    assert {tuple(tokenize(v)) for v in variants} == {("3000000",)}


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("bantuan", "bantu"),
        ("pendamping", "damping"),
        ("penerima", "terima"),
        ("kehamilan", "hamil"),
        ("persyaratan", "syarat"),
        ("didaftarkan", "daftar"),
        ("pencairan", "cair"),
        ("kesejahteraan", "sejahtera"),
    ],
)
def test_stemming(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize("acronym", ["pkh", "dtsen", "dtks", "bpnt", "kip", "pip", "nik", "kk", "desil", "sd", "smp", "sma", "krs", "tpk", "bkl"])
def test_program_acronyms_are_kept_and_not_stemmed(acronym: str) -> None:
    assert tokenize(f"program {acronym.upper()} untuk keluarga") == ["program", acronym, "keluarga"]


def test_tokenize_drops_stop_words_and_stems() -> None:
    assert tokenize("Berapa bantuan PKH untuk ibu hamil per tahun?") == ["bantu", "pkh", "ibu", "hamil", "tahun"]
    assert tokenize("brp bantuan pkh utk bumil per thn") == ["bantu", "pkh", "ibu", "hamil", "tahun"]
    assert tokenize("Bagaimana cara pendaftaran DTSEN?") == ["cara", "daftar", "dtsen"]


def test_tokenize_keeps_meaningful_words_that_generic_lists_drop() -> None:
    tokens = tokenize("ibu dengan anak usia 6 bulan, dua orang")
    assert {"ibu", "anak", "usia", "6", "bulan", "dua", "orang"} <= set(tokens)
    assert "dengan" not in tokens
    assert "ibu" not in stop_words() and "tahun" not in stop_words()


def test_tokenize_empty_and_punctuation_only() -> None:
    assert tokenize("") == []
    assert tokenize("?!... --- ") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ibu hamil mendapat Rp3.000.000 per tahun. Bantuan dibayar dalam empat tahap.",
            ["Ibu hamil mendapat Rp3.000.000 per tahun.", "Bantuan dibayar dalam empat tahap."],
        ),
        (
            "Dasar hukumnya Permensos No. 4/2025 tentang PKH. Aturan ini berlaku sejak Januari.",
            ["Dasar hukumnya Permensos No. 4/2025 tentang PKH.", "Aturan ini berlaku sejak Januari."],
        ),
        (
            "Bansos lain meliputi BPNT, PIP, dll. yang disalurkan bank. Pendamping membantu.",
            ["Bansos lain meliputi BPNT, PIP, dll. yang disalurkan bank.", "Pendamping membantu."],
        ),
        (
            "Bansos lain: BPNT, PIP, dsb. Pendamping membantu pendataan.",
            ["Bansos lain: BPNT, PIP, dsb.", "Pendamping membantu pendataan."],
        ),
        (
            "Dana disalurkan lewat PT. Pos Indonesia. Penerima membawa KTP.",
            ["Dana disalurkan lewat PT. Pos Indonesia.", "Penerima membawa KTP."],
        ),
        ("Berat rata-rata naik 2,5 kg. Itu baik!", ["Berat rata-rata naik 2,5 kg.", "Itu baik!"]),
        ("Apakah saya bisa daftar? Ya, lewat pendamping.", ["Apakah saya bisa daftar?", "Ya, lewat pendamping."]),
        ("Menurut S. Yusuf, data harus satu. Wihaji setuju.", ["Menurut S. Yusuf, data harus satu.", "Wihaji setuju."]),
        ("Kalimat yang\nterbungkus lunak. Kalimat dua.", ["Kalimat yang terbungkus lunak.", "Kalimat dua."]),
        ("Tanpa titik di akhir", ["Tanpa titik di akhir"]),
        ("", []),
    ],
)
def test_split_sentences_edge_cases(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_split_sentences_list_items_and_markdown() -> None:
    text = (
        "Komponen **PKH** per tahun:\n"
        "- Ibu hamil: *Rp3.000.000*\n"
        "- Anak usia dini: Rp3.000.000. Dibayar per tahap.\n"
        "1. Lansia\n"
        "2) Disabilitas berat\n\n"
        "## Catatan\n"
        "Lihat [situs resmi](https://kemensos.go.id) untuk info.\n"
        "| Komponen | Besaran |\n|---|---|\n| Ibu hamil | Rp750.000 |"
    )
    assert split_sentences(text) == [
        "Komponen PKH per tahun:",
        "Ibu hamil: Rp3.000.000",
        "Anak usia dini: Rp3.000.000.",
        "Dibayar per tahap.",
        "Lansia",
        "Disabilitas berat",
        "Catatan",
        "Lihat situs resmi untuk info.",
        "Komponen | Besaran",
        "Ibu hamil | Rp750.000",
    ]


def test_tokens_are_computed_once_and_a_caller_cannot_change_them_for_the_next():
    from assistant.rag.text import _tokenize

    question = "Berapa bantuan PKH untuk anak SD di Garut RT 3/7?"
    first = tokenize(question)
    hits = _tokenize.cache_info().hits
    first.append("rusak")  # a caller's own list
    assert tokenize(question) == first[:-1]
    assert _tokenize.cache_info().hits == hits + 1
