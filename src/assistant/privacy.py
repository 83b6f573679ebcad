"""Personal data in one place: NIK validation, masking, redaction and keyed hashing.

- A NIK (Nomor Induk Kependudukan) is 16 digits: province(2) regency(2) district(2) DDMMYY(6, the day
  plus 40 for women) serial(4). People write it as one run, in groups of four, in the dotted official
  form (``32.04.01.620108.0101``), with spaces, dashes or slashes, and sometimes with a digit too many
  or too few. :func:`redact_nik` masks every such digit run (15 digits or more in total) wherever text
  is stored or logged; :func:`mask_nik` shows one number as ``3204********0101``.
- :class:`KeyedHasher` turns personal identifiers (user ids, NIKs) into HMAC-SHA256 keys with a secret
  that never leaves the server, so a stored key cannot be reversed by guessing the few million plausible
  NIKs of a district. :func:`load_or_create_secret` keeps that secret in the data directory (mode 0600).
  With the same secret it seals the few values that must be read back (the NIK an unfinished status
  check waits with) with AES-GCM, so the shared state store never holds them in plain text.

Messages never contain a full NIK.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import os
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from assistant.errors import ConfigurationError, InputError
from assistant.regions import PROVINCES

NIK_LENGTH = 16
# A digit-run of at least this many digits is treated as a NIK (or KK) typed with a slip.
MIN_REDACT_DIGITS = 15
SECRET_FILE = "privacy.key"

# Digit groups joined by at most one separator: a space, or a dot, dash or slash (optionally spaced).
_CHAIN = re.compile(r"\d+(?:(?:[ \t]?[.\-/\u2010-\u2015][ \t]?|[ \t])\d+)*")
_DIGITS = re.compile(r"\d+")
_DIGITS16 = re.compile(r"\d{16}")
_MASKED_NAME = re.compile(r"\b\w\*{2,}")


class NikError(InputError):
    """A NIK that does not follow the Dukcapil layout."""

    code = "invalid_nik"


@dataclass(frozen=True, slots=True)
class NikInfo:
    province: str
    regency: str
    district: str
    day: int
    month: int
    year2: int  # two-digit year
    sex: str  # "L" or "P"
    serial: str

    def matches_birth_date(self, birth: date) -> bool:
        return (birth.day, birth.month, birth.year % 100) == (self.day, self.month, self.year2)


# ---------------------------------------------------------------------- masking and redaction


def mask_nik(nik: str | None) -> str:
    """``3204********0101`` for a NIK or KK in any spelling; a short value is masked entirely."""
    digits = "".join(_DIGITS.findall(nik or ""))
    if len(digits) < MIN_REDACT_DIGITS:
        return "*" * len(digits)
    return digits[:4] + "*" * 8 + digits[-4:]


def mask_name(name: str | None) -> str:
    """'Siti Aminah' -> 'S*** A*****': enough for a family to recognise, not enough to identify."""
    if not name:
        return ""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())


def has_masked_name(text: str) -> bool:
    """True when ``text`` names someone in the masked form of :func:`mask_name`."""
    return bool(_MASKED_NAME.search(text))


_DIGIT = re.compile(r"\d")


def digit_count(text: str) -> int:
    """How many digits ``text`` holds, in any script, as the redaction pattern reads them."""
    return len(_DIGIT.findall(text))


def redact_nik(text: str) -> str:
    """Mask every NIK-like digit run in ``text``, whatever its spelling (see the module docstring)."""

    if digit_count(text) < MIN_REDACT_DIGITS:
        return text  # too few digits in all to hold one (most messages and answers): no pattern run

    def mask(match: re.Match[str]) -> str:
        chain = match.group(0)
        digits = "".join(_DIGITS.findall(chain))
        return mask_nik(digits) if len(digits) >= MIN_REDACT_DIGITS else chain

    return _CHAIN.sub(mask, text)


def has_nik_like(text: str) -> bool:
    """True when ``text`` holds a digit run that :func:`redact_nik` would mask."""
    return redact_nik(text) != text


class _IdStream:
    """Unpredictable ids without a system call each: a keyed BLAKE2b of a counter (a keyed-hash DRBG).

    ``uuid4`` reads the OS random source for every id; under load each read hands the GIL to another
    thread and waits for it back, on the path of every reply. The key is drawn from the OS once per
    process, and again in a forked child, so two workers never share a stream.
    """

    def __init__(self) -> None:
        self._reseed()
        os.register_at_fork(after_in_child=self._reseed)

    def _reseed(self) -> None:
        self._key = os.urandom(32)
        self._counter = itertools.count()

    def next_hex(self) -> str:
        """32 hex characters that nobody without the key can predict from earlier ones."""
        block = next(self._counter).to_bytes(16, "big")
        return hashlib.blake2b(block, key=self._key, digest_size=16).hexdigest()


_IDS = _IdStream()


def random_id() -> str:
    """A fresh random id (32 hex characters) that never holds a NIK-like digit run.

    About 1 in 130 random hex strings does: a conversation id the server handed out would then be
    refused when the client sends it back, and masked in the logs. Such a draw is simply drawn again.
    """
    while True:
        value = _IDS.next_hex()
        if not has_nik_like(value):
            return value


def sixteen_digit_numbers(text: str) -> list[str]:
    """Every 16-digit number in ``text`` (NIK or KK), separators removed, in order of appearance.

    A run of groups is split where consecutive groups add up to exactly 16 digits, so a NIK and a KK
    written next to each other ("3204... 3204...") are both found.
    """
    return [number for _, number in sixteen_digit_spans(text)]


def sixteen_digit_spans(text: str) -> list[tuple[int, str]]:
    """Like :func:`sixteen_digit_numbers`, with the offset in ``text`` where each number's run starts."""
    found: list[tuple[int, str]] = []
    for match in _CHAIN.finditer(text):
        groups = _DIGITS.findall(match.group(0))
        found.extend((match.start(), number) for number in _split_sixteen(groups))
    return found


def _split_sixteen(groups: list[str]) -> Iterator[str]:
    start = 0
    while start < len(groups):
        total, end = 0, start
        for end in range(start, len(groups)):
            total += len(groups[end])
            if total >= NIK_LENGTH:
                break
        if total == NIK_LENGTH:
            yield "".join(groups[start:end + 1])
            start = end + 1
        else:
            start += 1


def extract_nik(text: str) -> str | None:
    """The first 16-digit number in ``text`` (separators removed), or None."""
    numbers = sixteen_digit_numbers(text)
    return numbers[0] if numbers else None


# ---------------------------------------------------------------------- NIK layout


def _real_date(day: int, month: int, year2: int) -> bool:
    for century in (1900, 2000):
        try:
            date(century + year2, month, day)
        except ValueError:
            continue
        return True
    return False


def parse_nik(nik: object) -> NikInfo:
    """Parse and validate a NIK's layout; raise :class:`NikError` (masked message) when it is wrong."""
    if not isinstance(nik, str) or not _DIGITS16.fullmatch(nik):
        raise NikError("NIK harus terdiri dari 16 angka.")
    masked = mask_nik(nik)
    if nik[:2] not in PROVINCES:
        raise NikError(f"NIK {masked}: kode provinsi {nik[:2]} tidak dikenal.")
    if nik[2:4] == "00" or nik[4:6] == "00":
        raise NikError(f"NIK {masked}: kode kabupaten/kota atau kecamatan tidak boleh 00.")
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "L"
    if day > 40:
        day, sex = day - 40, "P"
    if not _real_date(day, month, year2):
        raise NikError(f"NIK {masked}: angka ke-7 s.d. 12 bukan tanggal lahir yang sah.")
    if nik[12:] == "0000":
        raise NikError(f"NIK {masked}: nomor urut tidak boleh 0000.")
    return NikInfo(nik[:2], nik[2:4], nik[4:6], day, month, year2, sex, nik[12:])


def validate_nik(nik: object, *, birth_date: date | None = None, sex: str | None = None) -> NikInfo:
    """Validate the layout and, when given, its consistency with the recorded birth date and sex."""
    info = parse_nik(nik)
    masked = mask_nik(str(nik))
    if birth_date is not None and not info.matches_birth_date(birth_date):
        raise NikError(f"NIK {masked}: tanggal lahir di NIK tidak sama dengan tanggal lahir yang tercatat.")
    if sex is not None and sex != info.sex:
        label = "perempuan (tanggal + 40)" if info.sex == "P" else "laki-laki"
        raise NikError(f"NIK {masked}: NIK menandakan {label}, tidak sesuai dengan jenis kelamin {sex}.")
    return info


def make_nik(district_code: str, birth: date, sex: str, serial: int) -> str:
    """Build a NIK from its parts (used by the seed generator and tests)."""
    day = birth.day + (40 if sex == "P" else 0)
    return f"{district_code}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def is_kk_number(value: str) -> bool:
    """A family-card number (nomor KK): 16 digits starting with a known province code."""
    return bool(_DIGITS16.fullmatch(value)) and value[:2] in PROVINCES


# ---------------------------------------------------------------------- keyed hashing


class KeyedHasher:
    """HMAC-SHA256 of personal identifiers under a server secret, one domain per purpose (and sealing).

    ``digest("user", user_id)`` and ``digest("nik", nik)`` never collide, and without the secret a key
    in Redis or the journal cannot be linked back to the NIK or user it came from.
    """

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ConfigurationError("Kunci privasi terlalu pendek (minimal 16 bita).")
        self._secret = secret

    @classmethod
    def ephemeral(cls) -> KeyedHasher:
        """A hasher with a random secret that lives only as long as this process (tests, demos)."""
        return cls(secrets.token_bytes(32))

    def digest(self, purpose: str, value: str, length: int = 32) -> str:
        """Hex HMAC of ``value`` in the domain ``purpose``, cut to ``length`` characters."""
        mac = hmac.new(self._secret, f"{purpose}\x00{value}".encode(), hashlib.sha256)
        return mac.hexdigest()[:length]

    def user(self, user_id: str) -> str:
        """The pseudonymous id of a user for storage and logs (never the raw user id)."""
        return self.digest("user", user_id)

    def _aead(self) -> AESGCM:
        key = hmac.new(self._secret, b"seal\x00aes-256-gcm", hashlib.sha256).digest()
        return AESGCM(key)

    def seal(self, purpose: str, value: str) -> str:
        """``value`` encrypted and authenticated for ``purpose`` (AES-GCM, random nonce), as text."""
        nonce = secrets.token_bytes(12)
        sealed = self._aead().encrypt(nonce, value.encode(), purpose.encode())
        return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def unseal(self, purpose: str, token: str) -> str | None:
        """The value :meth:`seal` sealed for ``purpose``; None when it was altered or sealed with another key."""
        try:
            raw = base64.urlsafe_b64decode(token.encode("ascii"))
            return self._aead().decrypt(raw[:12], raw[12:], purpose.encode()).decode()
        except (ValueError, InvalidTag, UnicodeError):
            return None


def load_or_create_secret(data_dir: Path, configured: str | None = None) -> bytes:
    """The privacy secret: the configured one, else ``<data_dir>/privacy.key`` (created 0600 on first start).

    Several workers on one data directory share the file; workers on several hosts must be given the
    same secret through the setting.
    """
    if configured:
        return configured.encode()
    path = Path(data_dir) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    text = ""
    for _ in range(50):  # another worker may be writing it right now
        text = path.read_text(encoding="ascii").strip()
        if text:
            break
        time.sleep(0.01)
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) < 16:
        raise ConfigurationError(f"Berkas kunci privasi {path} rusak; hapus berkas itu agar dibuat ulang.")
    return secret
