"""PKH rules: desil limit, excluded occupations, components with per-component and per-family caps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assistant.eligibility.checks import Check, rule, unique
from assistant.eligibility.facts import SCHOOL_LEVELS, age_on, field, label, rupiah
from assistant.eligibility.parameters import Parameters
from assistant.models import BenefitComponent, Household, Reason

COMPONENT_LABELS = {
    "ibu_hamil": "ibu hamil", "anak_usia_dini": "anak usia dini", "disabilitas_berat": "penyandang disabilitas berat",
    "lansia": "lansia", "sma": "anak sekolah SMA", "smp": "anak sekolah SMP", "sd": "anak sekolah SD",
}


@rule("pkh.desil", "Desil keluarga paling tinggi {pkh.max_desil}", ("pkh.max_desil",))
def desil_within_pkh_limit(h: Household, on: date, p: Parameters) -> Check:
    limit, doc = p.value("pkh.max_desil", on), p.doc("pkh.max_desil")
    if h.desil is None:
        return Check(None, (Reason("pkh.desil", f"desil keluarga belum tercatat, batas PKH desil {limit}", doc,
                                   None, limit),), ("desil",))
    ok = h.desil <= limit
    text = f"desil keluarga {h.desil}, batas PKH desil {limit}" + ("" if ok else " (melebihi batas)")
    return Check(ok, (Reason("pkh.desil", text, doc, h.desil, limit),))


@rule("pkh.occupation", "Tidak ada anggota {pkh.excluded_occupations}; anggota di bawah {pkh.min_working_age} tahun "
      "tidak mungkin bekerja", ("pkh.excluded_occupations", "pkh.min_working_age"))
def no_excluded_occupation(h: Household, on: date, p: Parameters) -> Check:
    excluded = [o.upper() for o in p.value("pkh.excluded_occupations", on)]
    working_age = p.value("pkh.min_working_age", on)
    doc = p.doc("pkh.excluded_occupations")
    shown = "/".join(excluded)
    hits = [(i, m) for i, m in enumerate(h.members) if m.occupation and m.occupation.strip().upper() in excluded]
    if hits:
        reasons = tuple(
            Reason("pkh.occupation", f"{label(m)} bekerja sebagai {m.occupation}; keluarga dengan anggota {shown} "
                   "tidak termasuk sasaran PKH", doc, m.occupation, excluded) for _, m in hits)
        return Check(False, reasons)
    # A member below the minimum working age cannot hold any of these posts: a missing occupation is moot.
    missing = [field(i, "occupation") for i, m in enumerate(h.members)
               if m.occupation is None and not _below(age_on(m.birth_date, on), working_age)]
    if missing:
        return Check(None, (Reason("pkh.occupation", f"pekerjaan {len(missing)} anggota usia kerja belum tercatat "
                                   f"(pengecualian {shown})", doc, None, excluded),), tuple(missing))
    return Check(True, (Reason("pkh.occupation", f"tidak ada anggota yang bekerja sebagai {shown}", doc,
                               None, excluded),))


def _below(age: int | None, limit: int) -> bool:
    return age is not None and age < limit


@dataclass(frozen=True, slots=True)
class _Candidate:
    component: str
    member: int
    amount: int


def _candidates(h: Household, on: date, p: Parameters) -> tuple[list[_Candidate], list[str]]:
    """Every (member, component) that qualifies, and the fields that could add more."""
    table = p.value("pkh.components", on)
    early_max = p.value("pkh.early_childhood_max_age", on)
    elderly_min = p.value("pkh.elderly_min_age", on)
    school_min, school_max = p.value("pkh.school_age_min", on), p.value("pkh.school_age_max", on)
    preg_min, preg_max = p.value("pkh.pregnancy_data_min_age", on), p.value("pkh.pregnancy_data_max_age", on)
    cands: list[_Candidate] = []
    missing: list[str] = []
    for i, m in enumerate(h.members):
        age = age_on(m.birth_date, on)
        if age is None:
            missing.append(field(i, "birth_date"))
        if m.pregnant:
            cands.append(_Candidate("ibu_hamil", i, table["ibu_hamil"]["annual"]))
        elif m.pregnant is None and m.sex != "L" and (age is None or preg_min <= age <= preg_max):
            missing.append(field(i, "pregnant"))
        if m.school_level in SCHOOL_LEVELS:
            level = m.school_level.lower()
            cands.append(_Candidate(level, i, table[level]["annual"]))
        elif m.school_level is None and (age is None or school_min <= age <= school_max):
            missing.append(field(i, "school_level"))
        if age is not None and 0 <= age <= early_max and m.school_level not in SCHOOL_LEVELS:
            if m.school_level is not None or age < school_min:
                cands.append(_Candidate("anak_usia_dini", i, table["anak_usia_dini"]["annual"]))
        if m.disability == "berat":
            cands.append(_Candidate("disabilitas_berat", i, table["disabilitas_berat"]["annual"]))
        elif m.disability is None:
            missing.append(field(i, "disability"))
        if age is not None and age >= elderly_min:
            cands.append(_Candidate("lansia", i, table["lansia"]["annual"]))
    return cands, missing


@rule("pkh.components", "Ada minimal satu komponen PKH: ibu hamil, anak usia dini (0-{pkh.early_childhood_max_age} "
      "tahun), anak sekolah ({pkh.school_age_min}-{pkh.school_age_max} tahun), disabilitas berat, lansia "
      "({pkh.elderly_min_age}+ tahun); paling banyak {pkh.max_persons} orang per keluarga",
      ("pkh.components", "pkh.max_persons", "pkh.early_childhood_max_age", "pkh.elderly_min_age",
       "pkh.school_age_min", "pkh.school_age_max", "pkh.pregnancy_data_min_age", "pkh.pregnancy_data_max_age"))
def pkh_components(h: Household, on: date, p: Parameters) -> tuple[Check, tuple[BenefitComponent, ...]]:
    """Pick components greedily by amount: one component per person, per-component caps, then the family cap."""
    table = p.value("pkh.components", on)
    max_persons = p.value("pkh.max_persons", on)
    doc = p.doc("pkh.components")
    cands, missing = _candidates(h, on, p)
    order = list(table)
    cands.sort(key=lambda c: (-c.amount, order.index(c.component), c.member))
    chosen: list[_Candidate] = []
    per_component: dict[str, int] = {}
    capped: dict[str, int] = {}
    family_capped: set[int] = set()
    for c in cands:
        if any(x.member == c.member for x in chosen):
            continue
        cap = table[c.component]["max_persons"]
        if cap is not None and per_component.get(c.component, 0) >= cap:
            capped[c.component] = capped.get(c.component, 0) + 1
            continue
        if len(chosen) >= max_persons:
            family_capped.add(c.member)
            continue
        chosen.append(c)
        per_component[c.component] = per_component.get(c.component, 0) + 1
    reasons = [
        Reason("pkh.components", f"komponen {COMPONENT_LABELS[c.component]}: {label(h.members[c.member])}, "
               f"{rupiah(c.amount)} per tahun", doc, c.component, c.amount)
        for c in chosen
    ]
    for comp, n in capped.items():
        cap = table[comp]["max_persons"]
        reasons.append(Reason("pkh.component_cap", f"komponen {COMPONENT_LABELS[comp]} paling banyak {cap} orang; "
                              f"{n} orang lain tidak dihitung", doc, per_component.get(comp, 0) + n, cap))
    uncounted = family_capped - {x.member for x in chosen}
    if uncounted:
        reasons.append(Reason("pkh.max_persons", f"paling banyak {max_persons} orang per keluarga dihitung; "
                              f"{len(uncounted)} orang lain dengan besaran lebih kecil tidak dihitung",
                              p.doc("pkh.max_persons"), len(chosen) + len(uncounted), max_persons))
    components = tuple(BenefitComponent(c.component, c.member, c.amount) for c in chosen)
    if chosen:
        return Check(True, tuple(reasons), unique(missing)), components
    if missing:
        reasons.append(Reason("pkh.components", "belum ada komponen yang pasti; sebagian data anggota belum lengkap",
                              doc, 0, 1))
        return Check(None, tuple(reasons), unique(missing)), ()
    reasons.append(Reason("pkh.components", "tidak ada anggota yang termasuk komponen PKH (ibu hamil, anak usia dini, "
                          "anak sekolah, disabilitas berat, lansia)", doc, 0, 1))
    return Check(False, tuple(reasons)), ()
