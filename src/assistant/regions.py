"""Real Indonesian administrative codes (Kemendagri): provinces, and a small table of regencies/cities.

The province table is complete (38 provinces, used to validate NIKs). The regency table is a sample of
real codes with rough population weights, used by the synthetic seed generator.
"""

from __future__ import annotations

PROVINCES: dict[str, str] = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung", "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau", "31": "DKI Jakarta", "32": "Jawa Barat", "33": "Jawa Tengah",
    "34": "DI Yogyakarta", "35": "Jawa Timur", "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur", "61": "Kalimantan Barat", "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan", "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara", "75": "Gorontalo",
    "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara", "91": "Papua", "92": "Papua Barat",
    "93": "Papua Selatan", "94": "Papua Tengah", "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}

# (code, name, relative weight). Weights are rough population shares, only used to spread seed data.
REGENCIES: tuple[tuple[str, str, int], ...] = (
    ("1171", "Kota Banda Aceh", 3), ("1275", "Kota Medan", 24), ("1371", "Kota Padang", 9),
    ("1471", "Kota Pekanbaru", 10), ("1671", "Kota Palembang", 16), ("1871", "Kota Bandar Lampung", 11),
    ("3171", "Kota Jakarta Selatan", 22), ("3172", "Kota Jakarta Timur", 30), ("3173", "Kota Jakarta Pusat", 10),
    ("3174", "Kota Jakarta Barat", 25), ("3175", "Kota Jakarta Utara", 18), ("3201", "Kabupaten Bogor", 54),
    ("3202", "Kabupaten Sukabumi", 27), ("3203", "Kabupaten Cianjur", 25), ("3204", "Kabupaten Bandung", 37),
    ("3206", "Kabupaten Tasikmalaya", 19), ("3209", "Kabupaten Cirebon", 23), ("3212", "Kabupaten Indramayu", 18),
    ("3215", "Kabupaten Karawang", 24), ("3216", "Kabupaten Bekasi", 32), ("3271", "Kota Bogor", 11),
    ("3273", "Kota Bandung", 25), ("3275", "Kota Bekasi", 25), ("3301", "Kabupaten Cilacap", 20),
    ("3302", "Kabupaten Banyumas", 18), ("3372", "Kota Surakarta", 5), ("3374", "Kota Semarang", 17),
    ("3402", "Kabupaten Bantul", 10), ("3403", "Kabupaten Gunungkidul", 8), ("3404", "Kabupaten Sleman", 11),
    ("3471", "Kota Yogyakarta", 4), ("3507", "Kabupaten Malang", 27), ("3509", "Kabupaten Jember", 25),
    ("3515", "Kabupaten Sidoarjo", 20), ("3524", "Kabupaten Lamongan", 13), ("3525", "Kabupaten Gresik", 13),
    ("3573", "Kota Malang", 9), ("3578", "Kota Surabaya", 29), ("3603", "Kabupaten Tangerang", 32),
    ("3604", "Kabupaten Serang", 16), ("3671", "Kota Tangerang", 19), ("5103", "Kabupaten Badung", 5),
    ("5171", "Kota Denpasar", 7), ("5271", "Kota Mataram", 4), ("5371", "Kota Kupang", 4),
    ("6171", "Kota Pontianak", 6), ("6471", "Kota Balikpapan", 7), ("6472", "Kota Samarinda", 8),
    ("7171", "Kota Manado", 4), ("7306", "Kabupaten Gowa", 8), ("7371", "Kota Makassar", 14),
    ("7471", "Kota Kendari", 3), ("8171", "Kota Ambon", 3), ("9171", "Kota Jayapura", 3),
)

# Every regency above has at least this many districts (kecamatan), numbered from 01.
DISTRICTS_PER_REGENCY = 8
