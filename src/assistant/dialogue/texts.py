"""Every Indonesian sentence the conversation layer says, in one place.

``DEFAULT_TEXTS`` is complete; ``bots/texts.id.yaml`` carries the same keys so non-developers can
edit the wording, and ``load_texts(path)`` lays that file over the defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ConfigurationError

# The editable copy in the repository (bots/texts.id.yaml); absent in a wheel install -> defaults.
DEFAULT_TEXTS_PATH = Path(__file__).resolve().parents[3] / "bots" / "texts.id.yaml"

CHANNELS = (
    "pendamping PKH di wilayah Anda, kantor desa/kelurahan atau Dinas Sosial setempat, "
    "atau Call Center Kemensos 171"
)

DEFAULT_TEXTS: dict[str, str] = {
    "channels": CHANNELS,
    "greeting": (
        "Halo! Saya asisten informasi program keluarga (PKH, DTSEN, pencegahan stunting, "
        "lansia, Tamasya, dan bansos lainnya). Silakan tulis pertanyaan Anda, atau ketik "
        "\"Cek status saya\" untuk memeriksa status bantuan keluarga Anda."
    ),
    "help": (
        "Saya bisa membantu:\n"
        "• Menjawab pertanyaan program dari pedoman resmi, misalnya \"Syarat PKH apa saja?\" "
        "atau \"Kapan PKH cair?\".\n"
        "• Memeriksa status dan kelayakan bantuan keluarga Anda: ketik \"Cek status saya\" "
        "(perlu NIK dan tanggal lahir).\n"
        "• Menghapus riwayat percakapan Anda: ketik \"hapus data saya\".\n"
        "Untuk urusan lain, hubungi {channels}."
    ),
    "privacy_notice": (
        "Catatan privasi: NIK hanya dipakai untuk pemeriksaan ini dan disamarkan di catatan kami. "
        "Jangan pernah memberikan PIN, OTP, atau kata sandi kepada siapa pun."
    ),
    "ask_nik": "Untuk cek status, silakan kirim NIK Anda (16 angka, ada di KTP atau KK). Ketik \"batal\" untuk berhenti.",
    "ask_nik_facilitator": "Silakan kirim NIK anggota keluarga yang ingin dicek (16 angka). Ketik \"batal\" untuk berhenti.",
    "invalid_nik": "NIK harus 16 angka, tanpa huruf. Silakan kirim ulang NIK Anda, atau ketik \"batal\".",
    "ask_birth_date": (
        "Terima kasih. Sekarang kirim tanggal lahir pemilik NIK {nik_masked}, "
        "misalnya 12-08-1985 atau 12 Agustus 1985."
    ),
    "invalid_birth_date": (
        "Tanggal lahir belum bisa saya baca. Tulis seperti 12-08-1985, 12/08/1985, 1985-08-12 "
        "atau 12 Agustus 1985. Ketik \"batal\" untuk berhenti."
    ),
    "status_cancelled": "Baik, pemeriksaan status dibatalkan. Ada lagi yang bisa saya bantu?",
    "nothing_to_cancel": "Tidak ada proses yang sedang berjalan. Ada yang bisa saya bantu?",
    "too_many_invalid": "Pemeriksaan saya hentikan karena data yang dikirim belum sesuai. Silakan mulai lagi dengan \"Cek status saya\".",
    "verify_failed": (
        "Maaf, NIK dan tanggal lahir tidak cocok dengan data yang terdaftar, atau data keluarga Anda "
        "belum ada di DTSEN. Periksa kembali lalu coba lagi. Jika yakin datanya benar, tanyakan ke {channels}."
    ),
    "rate_limited": (
        "Terlalu banyak percobaan cek status. Demi keamanan data, silakan coba lagi dalam sekitar "
        "{minutes} menit."
    ),
    "registry_unavailable": "Maaf, layanan data sedang tidak dapat dihubungi. Silakan coba lagi beberapa saat lagi.",
    "not_found_facilitator": "NIK {nik_masked} tidak ditemukan di data registri.",
    "out_of_region": "NIK {nik_masked} berada di luar wilayah tugas Anda, jadi datanya tidak dapat ditampilkan.",
    "status_header": "Hasil pemeriksaan untuk keluarga dengan KK {kk}{desil}:",
    "status_desil": ", desil {desil}",
    "status_amount": "Perkiraan bantuan {annual} per tahun ({per_tahap} per tahap).",
    "status_missing": "Data yang belum lengkap: {fields}.",
    "status_reasons": "Alasan: {reasons}.",
    "status_disclaimer": (
        "Hasil ini dihitung dari data registri dan aturan program; penetapan penerima tetap "
        "oleh Kemensos. Pertanyaan lebih lanjut: {channels}."
    ),
    "status_not_eligible_others": "Tidak memenuhi syarat: {programs}.",
    "status_no_programs": "Belum ada hasil penilaian program untuk keluarga ini.",
    "scam_warning": (
        "⚠️ Waspada penipuan! Petugas resmi tidak pernah meminta PIN, OTP, kata sandi, atau biaya "
        "apa pun (termasuk \"biaya admin\"). Bansos seperti PKH disalurkan lewat bank Himbara (kartu KKS) "
        "atau PT Pos Indonesia, bukan lewat DANA, OVO, atau GoPay. Jangan transfer uang ke siapa pun, "
        "dan laporkan ke {channels}."
    ),
    "decline_unknown": (
        "Maaf, saya belum menemukan jawaban yang pasti di pedoman yang saya miliki. "
        "Agar tidak salah, silakan tanyakan ke {channels}."
    ),
    "out_of_scope": (
        "Maaf, saya hanya bisa membantu soal program keluarga dan bansos (PKH, DTSEN, stunting, lansia, "
        "Tamasya, dan sejenisnya). Untuk hal lain, silakan hubungi layanan yang sesuai; untuk urusan "
        "bansos, hubungi {channels}."
    ),
    "injection_declined": (
        "Maaf, saya tidak bisa melakukan itu. Saya hanya menjawab dari pedoman resmi program, dan data "
        "pribadi seseorang hanya bisa dilihat oleh pemiliknya setelah verifikasi NIK dan tanggal lahir. "
        "Data orang lain tidak akan saya tampilkan."
    ),
    "offer_status_check": "Mau tahu perkiraan untuk keluarga Anda sendiri? Ketik \"Cek status saya\".",
    "erase_done": (
        "Riwayat percakapan dan catatan Anda sudah kami hapus. Percakapan berikutnya dimulai dari awal."
    ),
    "feedback_thanks": "Terima kasih atas masukannya! Masukan Anda membantu kami memperbaiki jawaban.",
    "label_eligible": "memenuhi syarat",
    "label_not_eligible": "tidak memenuhi syarat",
    "label_unknown": "belum bisa ditentukan",
    "label_at_risk": "berisiko",
    "label_not_at_risk": "tidak berisiko",
    "field_birth_date": "tanggal lahir",
    "field_pregnant": "status hamil",
    "field_occupation": "pekerjaan",
    "field_school_level": "jenjang sekolah",
    "field_disability": "status disabilitas",
    "field_sex": "jenis kelamin",
    "field_relation": "hubungan keluarga",
    "field_desil": "desil keluarga",
    "field_drinking_water": "sumber air minum",
    "field_toilet": "jamban/toilet",
    "member_field": "{field} anggota ke-{n}",
    "program_KRS": "Risiko stunting keluarga (KRS)",
    "program_BKL_SEKOLAH_LANSIA": "BKL dan Sekolah Lansia",
    "program_ATENSI": "Rujukan ATENSI",
    "program_TAMASYA": "Tamasya (penitipan anak)",
    "program_SEMBAKO": "Program Sembako",
    "program_PBI_JKN": "PBI JKN",
    "suggest_status": "Cek status saya",
    "suggest_status_facilitator": "Cek NIK keluarga",
    "suggest_requirements": "Syarat PKH",
    "suggest_schedule": "Jadwal pencairan",
    "suggest_amount": "Besaran bantuan PKH",
    "suggest_cancel": "Batal",
    "suggest_scam": "Ciri-ciri penipuan bansos",
}


class Texts:
    """Read-only access to the texts, with ``{channels}`` always available for formatting."""

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self._texts = dict(DEFAULT_TEXTS)
        if overrides:
            unknown = set(overrides) - set(DEFAULT_TEXTS)
            if unknown:
                raise ConfigurationError(f"Kunci teks tidak dikenal: {', '.join(sorted(unknown))}.")
            self._texts.update({k: str(v) for k, v in overrides.items()})
        self.channels = self._texts["channels"]

    def get(self, key: str, **values: Any) -> str:
        """Return the text for ``key`` with ``values`` (and ``channels``) filled in."""
        return self._texts[key].format(channels=self.channels, **values)

    def keys(self) -> set[str]:
        return set(self._texts)


def load_texts(path: Path | None = DEFAULT_TEXTS_PATH) -> Texts:
    """Load the defaults, overlaid with a YAML file of ``key: text`` (bots/texts.id.yaml) when it exists."""
    if path is None or not Path(path).is_file():
        return Texts()
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"Berkas teks {path} tidak bisa dibaca: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigurationError(f"Berkas teks {path} harus berisi pasangan kunci: teks.")
    return Texts(data)
