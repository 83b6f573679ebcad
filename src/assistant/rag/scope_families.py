"""Short examples of the tasks that are outside the assistant's role, one family per right channel.

The assistant answers what the program guidelines cover. A question that asks for something else
(a personal diagnosis or a dose, a job application, a loan or an insurance claim, a political
choice, a religious ruling or a tax, land or court matter, general knowledge) is declined with the
channel that can help, even when it shares words with the guidelines ("stunting", "syarat daftar",
"TNI"). ``assistant.rag.scope.SemanticScope``
compares a question's asks with these examples and with the questions the guidelines answer; the
examples describe each family in general terms and in the everyday wording families use, so they
are never copies of evaluation questions. The family name picks the decline text
(``out_of_scope_<family>`` in ``bots/texts.id.yaml``; ``general`` uses ``out_of_scope``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TaskFamily:
    """Tasks that share one right channel, described by a few example asks."""

    name: str
    examples: tuple[str, ...]


OUT_OF_SCOPE_FAMILIES: tuple[TaskFamily, ...] = (
    TaskFamily("health", (
        "anak saya demam tinggi, obat apa yang harus diminum?",
        "berapa dosis obat batuk untuk anak umur 3 tahun?",
        "tolong diagnosa penyakit saya dari gejala ini",
        "apakah berat dan tinggi badan anak saya normal? tolong periksa",
        "bayi saya diare terus, harus diberi obat apa?",
        "saya sering pusing dan mual, sakit apa ya?",
        "obat penurun darah tinggi yang bagus apa?",
        "apakah anak saya kurang gizi? ini hasil timbangannya",
        "hasil cek darah saya begini, apakah saya anemia?",
        "ibu hamil boleh minum obat apa kalau sakit?",
    )),
    TaskFamily("jobs", (
        "syarat mendaftar menjadi anggota polisi apa saja?",
        "cara daftar CPNS tahun ini bagaimana?",
        "ada lowongan kerja pabrik untuk lulusan SMA?",
        "tinggi badan minimal untuk masuk tentara berapa?",
        "kapan pendaftaran akademi militer dibuka?",
        "cara melamar kerja jadi PPPK guru",
        "rekrutmen pegawai di puskesmas atau dinas sosial syaratnya apa?",
        "ada lowongan jadi petugas atau pendamping di kantor pemerintah?",
    )),
    TaskFamily("finance", (
        "bunga pinjaman KUR di bank berapa persen?",
        "cara mengajukan kredit usaha ke bank",
        "bagaimana cara klaim asuransi kendaraan?",
        "berapa iuran BPJS Ketenagakerjaan untuk pekerja mandiri?",
        "investasi reksa dana yang aman apa?",
        "cara membuka rekening tabungan dan deposito",
        "bagaimana melunasi utang pinjaman online?",
        "cicilan rumah KPR syaratnya apa?",
        "asuransi kesehatan atau asuransi jiwa swasta untuk orang tua yang murah",
    )),
    TaskFamily("politics", (
        "partai mana yang sebaiknya saya pilih di pemilu?",
        "calon presiden mana yang paling bagus?",
        "siapa yang akan menang pilkada tahun ini?",
        "pendapatmu tentang pemerintah dan partai oposisi?",
    )),
    TaskFamily("general", (
        "resep membuat kue bolu yang lembut",
        "hasil pertandingan sepak bola tadi malam",
        "prakiraan cuaca besok di kota saya",
        "buatkan program komputer untuk menghitung angka",
        "tolong kerjakan soal pekerjaan rumah anak saya",
        "cara membuat SIM dan paspor baru",
        "cara daftar kartu prakerja",
        "rekomendasi film dan lagu terbaru",
        "siapa penemu lampu pijar?",
        "tuliskan puisi atau cerita untuk saya",
    )),
    TaskFamily("religion_law", (
        "berapa zakat yang wajib dibayar dan kapan nisabnya?",
        "bagaimana hukumnya menurut agama islam?",
        "berapa lama antrean haji dan berapa biayanya?",
        "bagaimana pembagian warisan menurut hukum?",
        "cara lapor SPT pajak tahunan dan bikin NPWP",
        "cara mengurus sertifikat tanah dan balik nama",
        "cara mengurus perceraian atau sengketa di pengadilan",
    )),
)
