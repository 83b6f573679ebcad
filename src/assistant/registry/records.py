"""JSON Lines records <-> Household: validation with line-numbered reasons, all-or-nothing reading.

One household per line, exactly these field names::

    {"kk", "region_code", "desil", "drinking_water", "toilet", "address",
     "members": [{"nik", "name", "birth_date", "sex", "relation", "pregnant",
                  "school_level", "disability", "occupation", "left_on"}],
     "enrollments": [{"program", "status", "since"}]}

``null`` (or an absent optional field) means "not recorded"; the eligibility engine reports it as
missing rather than treating it as zero or false. ``left_on`` is the date a member left the family card
(moved out, married out, died): the record keeps them, and from that date the engine no longer counts them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from assistant.errors import InputError
from assistant.models import Enrollment, Household, Member
from assistant.privacy import NikError, mask_nik, validate_nik
from assistant.regions import PROVINCES

HOUSEHOLD_FIELDS = {"kk", "region_code", "desil", "drinking_water", "toilet", "address", "members", "enrollments"}
MEMBER_FIELDS = {"nik", "name", "birth_date", "sex", "relation", "pregnant", "school_level", "disability", "occupation",
                 "left_on"}
ENROLLMENT_FIELDS = {"program", "status", "since"}
FACILITY = {"layak", "tidak_layak"}
SCHOOL = {"SD", "SMP", "SMA", "none"}
DISABILITY = {"berat", "ringan", "none"}
RELATIONS = {"kepala_keluarga", "istri", "suami", "anak", "menantu", "cucu", "orang_tua", "mertua", "famili_lain", "lainnya"}


class RecordError(ValueError):
    """One invalid field; the message is Indonesian and never holds a full NIK."""


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"baris {self.line}: {self.reason}"


def _date(value: Any, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad_date(field)
    except ValueError:
        return _bad_date(field)


def _bad_date(field: str) -> date:
    raise RecordError(f"{field} harus tanggal YYYY-MM-DD")


def _choice(value: Any, allowed: set[str], field: str) -> Any:
    if value is not None and value not in allowed:
        raise RecordError(f"{field} harus salah satu dari {', '.join(sorted(allowed))} atau null")
    return value


def _unknown_fields(record: dict, allowed: set[str], where: str) -> None:
    extra = set(record) - allowed
    if extra:
        raise RecordError(f"{where}: kolom tidak dikenal {', '.join(sorted(extra))}")


def member_from_dict(data: Any, i: int) -> Member:
    where = f"anggota ke-{i + 1}"
    if not isinstance(data, dict):
        raise RecordError(f"{where} harus objek JSON")
    _unknown_fields(data, MEMBER_FIELDS, where)
    nik, name = data.get("nik"), data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RecordError(f"{where}: nama wajib diisi")
    birth = _date(data.get("birth_date"), f"{where}: birth_date")
    sex = _choice(data.get("sex"), {"L", "P"}, f"{where}: sex")
    try:
        validate_nik(nik, birth_date=birth, sex=sex)
    except NikError as exc:
        raise RecordError(f"{where}: {exc.message}") from None
    pregnant = data.get("pregnant")
    if pregnant is not None and not isinstance(pregnant, bool):
        raise RecordError(f"{where}: pregnant harus true, false atau null")
    if pregnant and sex == "L":
        raise RecordError(f"{where}: anggota laki-laki tidak dapat tercatat hamil")
    occupation = data.get("occupation")
    if occupation is not None and not isinstance(occupation, str):
        raise RecordError(f"{where}: occupation harus teks atau null")
    left = _date(data.get("left_on"), f"{where}: left_on")
    if left is not None and birth is not None and left < birth:
        raise RecordError(f"{where}: left_on tidak boleh sebelum tanggal lahir")
    return Member(
        nik=str(nik), name=name.strip(), birth_date=birth.isoformat() if birth else None, sex=sex,
        relation=_choice(data.get("relation"), RELATIONS, f"{where}: relation"), pregnant=pregnant,
        school_level=_choice(data.get("school_level"), SCHOOL, f"{where}: school_level"),
        disability=_choice(data.get("disability"), DISABILITY, f"{where}: disability"), occupation=occupation,
        left_on=left.isoformat() if left else None,
    )


def enrollment_from_dict(data: Any, i: int) -> Enrollment:
    where = f"program ke-{i + 1}"
    if not isinstance(data, dict):
        raise RecordError(f"{where} harus objek JSON")
    _unknown_fields(data, ENROLLMENT_FIELDS, where)
    program = data.get("program")
    if not isinstance(program, str) or not program:
        raise RecordError(f"{where}: program wajib diisi")
    status = _choice(data.get("status"), {"aktif", "nonaktif"}, f"{where}: status")
    if status is None:
        raise RecordError(f"{where}: status wajib diisi (aktif/nonaktif)")
    since = _date(data.get("since"), f"{where}: since")
    return Enrollment(program=program.upper(), status=status, since=since.isoformat() if since else None)


def household_from_dict(data: Any) -> Household:
    """Validate one record; raise :class:`RecordError` naming the first problem."""
    if not isinstance(data, dict):
        raise RecordError("setiap baris harus satu objek JSON rumah tangga")
    _unknown_fields(data, HOUSEHOLD_FIELDS, "rumah tangga")
    kk = data.get("kk")
    if not isinstance(kk, str) or len(kk) != 16 or not kk.isdigit():
        raise RecordError("kk harus 16 angka")
    region = data.get("region_code")
    if not isinstance(region, str) or not region.isdigit() or len(region) not in (2, 4, 6, 10):
        raise RecordError("region_code harus kode wilayah 2, 4, 6 atau 10 angka")
    if region[:2] not in PROVINCES:
        raise RecordError(f"region_code: kode provinsi {region[:2]} tidak dikenal")
    desil = data.get("desil")
    if desil is not None and (isinstance(desil, bool) or not isinstance(desil, int) or not 1 <= desil <= 10):
        raise RecordError("desil harus bilangan 1-10 atau null")
    members_raw = data.get("members")
    if not isinstance(members_raw, list) or not members_raw:
        raise RecordError("members harus daftar berisi minimal satu anggota")
    members = tuple(member_from_dict(m, i) for i, m in enumerate(members_raw))
    niks = [m.nik for m in members]
    if len(set(niks)) != len(niks):
        dup = next(n for n in niks if niks.count(n) > 1)
        raise RecordError(f"NIK {mask_nik(dup)} tercatat dua kali dalam satu KK")
    enrollments_raw = data.get("enrollments") or []
    if not isinstance(enrollments_raw, list):
        raise RecordError("enrollments harus daftar")
    address = data.get("address")
    return Household(
        kk=kk, region_code=region, desil=desil,
        drinking_water=_choice(data.get("drinking_water"), FACILITY, "drinking_water"),
        toilet=_choice(data.get("toilet"), FACILITY, "toilet"),
        address=address if isinstance(address, str) else None,
        members=members, enrollments=tuple(enrollment_from_dict(e, i) for i, e in enumerate(enrollments_raw)),
    )


def household_to_dict(h: Household) -> dict[str, Any]:
    """The exact JSONL record (full NIKs: this is registry data, not an answer)."""
    return {
        "kk": h.kk, "region_code": h.region_code, "desil": h.desil, "drinking_water": h.drinking_water,
        "toilet": h.toilet, "address": h.address,
        "members": [
            {"nik": m.nik, "name": m.name, "birth_date": m.birth_date, "sex": m.sex, "relation": m.relation,
             "pregnant": m.pregnant, "school_level": m.school_level, "disability": m.disability,
             "occupation": m.occupation, "left_on": m.left_on}
            for m in h.members
        ],
        "enrollments": [{"program": e.program, "status": e.status, "since": e.since} for e in h.enrollments],
    }


def parse_lines(lines: Iterable[str]) -> tuple[list[Household], list[LineError]]:
    """Validate every line; duplicates of KK or NIK across lines are errors too."""
    households: list[Household] = []
    errors: list[LineError] = []
    seen_kk: dict[str, int] = {}
    seen_nik: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            h = household_from_dict(json.loads(line))
        except json.JSONDecodeError as exc:
            errors.append(LineError(number, f"JSON tidak sah ({exc.msg}, kolom {exc.colno})"))
            continue
        except RecordError as exc:
            errors.append(LineError(number, str(exc)))
            continue
        if h.kk in seen_kk:
            errors.append(LineError(number, f"KK {mask_nik(h.kk)} sudah ada di baris {seen_kk[h.kk]}"))
            continue
        dup = next((m.nik for m in h.members if m.nik in seen_nik), None)
        if dup is not None:
            errors.append(LineError(number, f"NIK {mask_nik(dup)} sudah ada di baris {seen_nik[dup]}"))
            continue
        seen_kk[h.kk] = number
        seen_nik.update((m.nik, number) for m in h.members)
        households.append(h)
    return households, errors


def read_jsonl(path: Path) -> list[Household]:
    """Read and validate a whole file; raise one InputError listing every bad line (nothing imported)."""
    try:
        with path.open(encoding="utf-8") as fh:
            households, errors = parse_lines(fh)
    except OSError as exc:
        raise InputError(f"Berkas {path} tidak dapat dibaca: {exc.strerror}.") from None
    if errors:
        shown = "\n".join(str(e) for e in errors[:200])
        more = f"\n… dan {len(errors) - 200} galat lain" if len(errors) > 200 else ""
        raise InputError(
            f"{len(errors)} baris tidak sah di {path.name}; tidak ada data yang diimpor:\n{shown}{more}"
        )
    return households


def write_jsonl(households: Iterable[Household], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for h in households:
            fh.write(json.dumps(household_to_dict(h), ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


def iter_dicts(households: Iterable[Household]) -> Iterator[dict[str, Any]]:
    return (household_to_dict(h) for h in households)
