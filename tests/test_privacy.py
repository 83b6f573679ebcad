"""The privacy module: NIK redaction in every common spelling, numbers in messages, keyed hashes."""

from __future__ import annotations

import os
import re
import stat

import pytest

from assistant.errors import ConfigurationError
from assistant.privacy import (
    KeyedHasher,
    extract_nik,
    has_nik_like,
    load_or_create_secret,
    mask_nik,
    redact_nik,
    sixteen_digit_numbers,
)

NIK = "3204016201080101"


@pytest.mark.parametrize(
    "spelling",
    [
        NIK,
        "32.04.01.620108.0101",  # the dotted official form
        "3204 0162 0108 0101",
        "3204-0162-0108-0101",
        "3204/0162/0108/0101",
        "32 04 01 620108 0101",
        "3204 - 0162 - 0108 - 0101",
        "32040162010801011",  # 17 digits: a typo
        "320401620108010",  # 15 digits: a typo
        "٣٢٠٤٠١٦٢٠١٠٨٠١٠١",  # Arabic-Indic digits, as some phone keyboards type them
    ],
)
def test_every_common_spelling_of_a_nik_is_masked(spelling: str) -> None:
    for text in (spelling, f"NIK saya {spelling}, tolong cek", f"nik:{spelling}."):
        redacted = redact_nik(text)
        digits = "".join(ch for ch in redacted if ch.isdigit())
        assert "01620108" not in digits and "62010801" not in digits, redacted
        assert "********" in redacted


@pytest.mark.parametrize(
    "text",
    ["Rp3.000.000 per tahun", "lahir 12-08-1985", "telepon 0812-3456-7890", "tahun 2024 dan 2025", "PKH tahap 1-4"],
)
def test_ordinary_numbers_are_kept(text: str) -> None:
    assert redact_nik(text) == text and not has_nik_like(text)


def test_redaction_is_idempotent_and_masks_share_one_form() -> None:
    once = redact_nik(f"NIK {NIK}")
    assert redact_nik(once) == once == "NIK 3204********0101"
    assert mask_nik(NIK) == mask_nik("32.04.01.620108.0101") == "3204********0101"


def test_sixteen_digit_numbers_split_a_nik_and_kk_written_together() -> None:
    assert sixteen_digit_numbers(f"{NIK} 3204010101250001") == [NIK, "3204010101250001"]
    assert sixteen_digit_numbers("32.04.01.620108.0101") == [NIK]
    assert extract_nik("nik: 3204-0162-0108-0101") == NIK
    assert extract_nik("32040162010801011") is None  # 17 digits is not a NIK to look up


def test_keyed_hash_depends_on_the_secret_and_the_purpose() -> None:
    a, b = KeyedHasher(b"a" * 32), KeyedHasher(b"b" * 32)
    assert a.user("tg:1") == a.user("tg:1") != b.user("tg:1")
    assert a.digest("user", NIK) != a.digest("nik", NIK)
    assert len(a.user("tg:1")) == 32 and "1" != a.user("tg:1")
    with pytest.raises(ConfigurationError):
        KeyedHasher(b"short")


def test_secret_is_created_once_with_owner_only_permissions(tmp_path) -> None:
    first = load_or_create_secret(tmp_path)
    assert load_or_create_secret(tmp_path) == first and len(first) == 32
    mode = stat.S_IMODE(os.stat(tmp_path / "privacy.key").st_mode)
    assert mode == 0o600
    assert load_or_create_secret(tmp_path, "configured-secret-value") == b"configured-secret-value"
    (tmp_path / "privacy.key").write_text("zz\n")
    with pytest.raises(ConfigurationError, match="rusak"):
        load_or_create_secret(tmp_path)


def test_sealed_values_round_trip_only_with_the_same_key_and_purpose() -> None:
    keys = KeyedHasher(b"k" * 32)
    token = keys.seal("flow-nik", NIK)
    assert NIK not in token and token != keys.seal("flow-nik", NIK)  # a fresh nonce every time
    assert keys.unseal("flow-nik", token) == NIK
    assert keys.unseal("other", token) is None
    assert KeyedHasher(b"x" * 32).unseal("flow-nik", token) is None
    assert keys.unseal("flow-nik", token[:-4] + "AAAA") is None and keys.unseal("flow-nik", "!!") is None


def test_a_random_id_never_reads_as_a_nik(monkeypatch) -> None:
    from assistant import privacy
    from assistant.privacy import random_id

    # the first draw holds sixteen digits in a row, as about 1 in 130 random ids does; it is drawn again
    draws = iter(["32041234567890123abcdefabcdefabc", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"])
    monkeypatch.setattr(privacy._IDS, "next_hex", lambda: next(draws))
    assert has_nik_like("32041234567890123abcdefabcdefabc")
    assert random_id() == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    monkeypatch.undo()
    ids = [random_id() for _ in range(2000)]
    assert not any(has_nik_like(i) for i in ids)
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_a_forked_worker_draws_ids_of_its_own() -> None:
    """Two workers forked from one parent must never hand out the same conversation or answer id."""
    from assistant.privacy import random_id

    random_id()  # the parent's stream is in use before the fork, as in a preloading server
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next ids, then exit without running the parent's cleanup
        os.write(write, " ".join(random_id() for _ in range(5)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = set(os.read(read, 4096).decode().split())
    os.close(read)
    parent = {random_id() for _ in range(5)}
    assert len(child) == 5 and not child & parent
