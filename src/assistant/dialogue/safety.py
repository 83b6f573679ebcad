"""Safety checks on user text: NIK redaction, scam patterns, prompt injection and data fishing.

Everything here is pure and deterministic so it can be unit-tested and reused by every channel.
"""

from __future__ import annotations

import hashlib
import re

from assistant.rag.injection import is_injection

__all__ = ["extract_nik", "hash_user", "is_data_fishing", "is_injection", "is_scam_related", "mask_nik", "redact_nik"]

# 16 digits, optionally grouped by 4 with a space, dot or dash ("3204 1234 5678 0001").
_NIK_RE = re.compile(r"(?<!\d)(\d{4})[ .\-]?(\d{4})[ .\-]?(\d{4})[ .\-]?(\d{4})(?!\d)")

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


def mask_nik(nik: str) -> str:
    """Mask a 16-digit NIK as ``3204********0001``; anything else is masked entirely."""
    digits = re.sub(r"\D", "", nik)
    if len(digits) != 16:
        return "*" * len(digits)
    return f"{digits[:4]}********{digits[-4:]}"


def redact_nik(text: str) -> str:
    """Replace every NIK-like 16-digit number in ``text`` with its masked form."""
    return _NIK_RE.sub(lambda m: f"{m.group(1)}********{m.group(4)}", text)


def extract_nik(text: str) -> str | None:
    """Return the first 16-digit number in ``text`` (separators removed), or None."""
    match = _NIK_RE.search(text)
    return "".join(match.groups()) if match else None


def is_scam_related(text: str) -> bool:
    """True when the text mentions a known bansos scam pattern (PIN/OTP, fees, e-wallet payout)."""
    return bool(_SCAM_RE.search(text))


def is_data_fishing(text: str) -> bool:
    """True for requests for other people's personal data."""
    return bool(_FISHING_RE.search(text))


def hash_user(user_id: str) -> str:
    """Stable pseudonymous id for storage and logs (never the raw user id)."""
    return hashlib.sha256(f"assistant-user:{user_id}".encode()).hexdigest()[:32]
