"""What-if corrections: ``members[2].disability=berat`` applied to a copy of a household, never stored."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import fields, replace
from typing import Any

from assistant.eligibility.facts import missing_field
from assistant.errors import EligibilityInputError
from assistant.models import Household, Member

_ASSUMPTION = re.compile(r"^\s*(?:members\[(\d+)\]\.)?(\w+)\s*=\s*(.*?)\s*$")
_HOUSEHOLD_FIELDS = {"desil", "drinking_water", "toilet"}
_MEMBER_FIELDS = {f.name for f in fields(Member)} - {"nik", "name"}
_CHOICES = {
    "disability": ("berat", "ringan", "none"), "school_level": ("SD", "SMP", "SMA", "none"), "sex": ("L", "P"),
    "drinking_water": ("layak", "tidak_layak"), "toilet": ("layak", "tidak_layak"),
}
_TRUE, _FALSE, _NULL = ("ya", "true", "1", "hamil"), ("tidak", "false", "0"), ("", "null", "kosong")


def apply_assumptions(household: Household, assumptions: Sequence[str]) -> tuple[Household, tuple[str, ...]]:
    """The household with each ``[members[i].]field=value`` applied, and each one described in Indonesian.

    Raises EligibilityInputError (Indonesian) for an unknown field, member or value.
    """
    h = household
    described = []
    for text in assumptions:
        match = _ASSUMPTION.match(text or "")
        if match is None:
            raise EligibilityInputError(f"Andaian '{text}' tidak dapat dibaca; tulis misalnya members[2].disability=berat.")
        index, name, raw = match.groups()
        if index is None:
            if name not in _HOUSEHOLD_FIELDS:
                raise EligibilityInputError(f"Kolom keluarga '{name}' tidak dikenal; pilih: {', '.join(sorted(_HOUSEHOLD_FIELDS))}.")
            value = _value(name, raw)
            h = replace(h, **{name: value})
            path = name
        else:
            i = int(index)
            if i >= len(h.members):
                raise EligibilityInputError(f"Anggota ke-{i} tidak ada; keluarga ini punya {len(h.members)} anggota "
                                            "(dihitung dari 0).")
            if name not in _MEMBER_FIELDS:
                raise EligibilityInputError(f"Kolom anggota '{name}' tidak dikenal; pilih: {', '.join(sorted(_MEMBER_FIELDS))}.")
            value = _value(name, raw)
            members = list(h.members)
            members[i] = replace(members[i], **{name: value})
            h = replace(h, members=tuple(members))
            path = f"members[{i}].{name}"
        shown = "belum tercatat" if value is None else {True: "ya", False: "tidak"}.get(value, value)  # type: ignore[call-overload]
        described.append(f"{missing_field(h, path).label} = {shown}")
    return h, tuple(described)


def _value(name: str, raw: str) -> Any:
    text = raw.strip()
    if text.lower() in _NULL:
        return None
    if name == "desil":
        if not text.isdigit() or not 1 <= int(text) <= 10:
            raise EligibilityInputError("Desil harus angka 1 sampai 10.")
        return int(text)
    if name == "pregnant":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise EligibilityInputError("Status hamil harus 'ya' atau 'tidak'.")
    if name == "birth_date":
        from datetime import date

        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise EligibilityInputError("Tanggal lahir andaian harus berformat TTTT-BB-HH.") from None
    choices = _CHOICES.get(name)
    if choices is not None:
        match = next((c for c in choices if c.lower() == text.lower()), None)
        if match is None:
            raise EligibilityInputError(f"Nilai '{text}' untuk {name} tidak dikenal; pilih: {', '.join(choices)}.")
        return match
    return text
