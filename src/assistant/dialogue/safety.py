"""Safety checks on user text: scam patterns, prompt injection and data fishing.

NIK masking and redaction live in :mod:`assistant.privacy`.

Everything here is pure and deterministic so it can be unit-tested and reused by every channel.
"""

from __future__ import annotations

import re

from assistant.rag.injection import is_injection

__all__ = ["is_data_fishing", "is_injection", "is_scam_related"]

_SCAM_PATTERNS = [
    r"\bpin\b",
    r"\botp\b",
    r"kode (?:verifikasi|rahasia|keamanan)",
    r"\bpassword\b",
    r"kata ?sandi",
    r"biaya (?:admin|administrasi|pendaftaran|pencairan|pengurusan)",
    r"uang (?:pelicin|admin|rokok|tebusan)",
    r"(?:transfer|tf|kirim uang|bayar)(?: \w+)? (?:dulu|terlebih dahulu|duluan)",
    r"(?:minta|diminta|disuruh|harus) (?:bayar|transfer|membayar|mentransfer)",
    r"(?:lewat|via|melalui|pakai|ke) (?:dana|ovo|gopay|go-pay|shopeepay|linkaja|e-?wallet|dompet digital)\b",
    r"(?:dana|ovo|gopay|shopeepay|linkaja) (?:untuk |buat )?(?:cair|pencairan)",
    r"potongan (?:bansos|pkh|bantuan)",
    r"(?:klik|isi) link",
]
_SCAM_RE = re.compile("|".join(_SCAM_PATTERNS), re.IGNORECASE)

_FISHING_PATTERNS = [
    r"\bnik\b.{0,30}\b(?:orang lain|orang|warga lain|tetangga|penerima lain|semua|milik)",
    r"(?:orang lain|tetangga|warga lain|penerima lain)\b.{0,30}\bnik\b",
    r"data (?:\w+ ){0,2}(?:tetangga|orang lain|warga lain|penerima lain)",
    r"(?:kk|kartu keluarga|alamat|nomor hp|no hp|rekening)\s+(?:\w+ ){0,2}(?:tetangga|orang lain|warga lain)",
    r"daftar (?:nama |nik |semua )*(?:penerima|kpm|nik)\b",
    r"siapa saja (?:penerima|yang dapat|yang menerima)",
    r"(?:bocorkan|sebarkan|dump|ekspor) data",
    r"\b(?:berikan|tampilkan|sebutkan|carikan|bocorkan|kirimkan)\b(?: \w+){0,2} nik\b",
    r"\bnik (?:\w+ )?lengkap\b",
]
_FISHING_RE = re.compile("|".join(_FISHING_PATTERNS), re.IGNORECASE)


def is_scam_related(text: str) -> bool:
    """True when the text mentions a known bansos scam pattern (PIN/OTP, fees, e-wallet payout)."""
    return bool(_SCAM_RE.search(text))


def is_data_fishing(text: str) -> bool:
    """True for requests for other people's personal data."""
    return bool(_FISHING_RE.search(text))
