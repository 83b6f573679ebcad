"""Other programs: lansia services (BKL/Sekolah Lansia, ATENSI referral), Tamasya day care, Sembako, PBI JKN.

For service programs "eligible" means "relevant for this family: worth offering or referring".
"""

from __future__ import annotations

from datetime import date

from assistant.eligibility.checks import Check, rule
from assistant.eligibility.facts import age_on, field, label
from assistant.eligibility.parameters import Parameters
from assistant.models import Household, Reason


def _ages(h: Household, on: date) -> list[int | None]:
    return [age_on(m.birth_date, on) for m in h.members]


@rule("lansia.bkl", "Ada anggota lansia ({lansia.min_age} tahun ke atas): BKL dan Sekolah Lansia",
      ("lansia.min_age",))
def has_elderly_member(h: Household, on: date, p: Parameters) -> Check:
    min_age, doc = p.value("lansia.min_age", on), p.doc("lansia.min_age")
    ages = _ages(h, on)
    elders = [(i, a) for i, a in enumerate(ages) if a is not None and a >= min_age]
    if elders:
        return Check(True, tuple(
            Reason("lansia.bkl", f"{label(h.members[i])} berusia {a} tahun, layanan Bina Keluarga Lansia dan "
                   f"Sekolah Lansia untuk usia {min_age} tahun ke atas", doc, a, min_age) for i, a in elders))
    unknown = tuple(field(i, "birth_date") for i, a in enumerate(ages) if a is None)
    if unknown:
        return Check(None, (Reason("lansia.bkl", "usia sebagian anggota belum tercatat", doc, None, min_age),), unknown)
    if not ages:  # every member has left the family card
        return Check(False, (Reason("lansia.bkl", "tidak ada lagi anggota yang tercatat di kartu keluarga", doc, None,
                                    min_age),))
    oldest = max(a for a in ages if a is not None)
    return Check(False, (Reason("lansia.bkl", f"anggota tertua berusia {oldest} tahun, layanan lansia untuk usia "
                                f"{min_age} tahun ke atas", doc, oldest, min_age),))


@rule("lansia.atensi", "Rujukan ATENSI: lansia ({lansia.atensi_min_age}+ tahun) dengan disabilitas berat atau "
      "tinggal sendiri", ("lansia.atensi_min_age",))
def atensi_referral(h: Household, on: date, p: Parameters) -> Check:
    min_age, doc = p.value("lansia.atensi_min_age", on), p.doc("lansia.atensi_min_age")
    ages = _ages(h, on)
    alone = len(h.members) == 1
    reasons, missing = [], []
    for i, (m, a) in enumerate(zip(h.members, ages, strict=True)):
        if a is None:
            missing.append(field(i, "birth_date"))
            continue
        if a < min_age:
            continue
        if m.disability == "berat":
            reasons.append(Reason("lansia.atensi", f"{label(m)} berusia {a} tahun dengan disabilitas berat: dapat "
                                  "dirujuk ke layanan ATENSI", doc, a, min_age))
        elif alone:
            reasons.append(Reason("lansia.atensi", f"{label(m)} berusia {a} tahun dan tinggal sendiri: dapat "
                                  "dirujuk ke layanan ATENSI", doc, a, min_age))
        elif m.disability is None:
            missing.append(field(i, "disability"))
    if reasons:
        return Check(True, tuple(reasons))
    if missing:
        return Check(None, (Reason("lansia.atensi", "data usia atau disabilitas lansia belum lengkap", doc, None,
                                   min_age),), tuple(missing))
    return Check(False, (Reason("lansia.atensi", f"tidak ada lansia ({min_age}+ tahun) dengan disabilitas berat "
                                "atau yang tinggal sendiri", doc, None, min_age),))


@rule("tamasya.child", "Ada anak usia 0-{tamasya.max_child_age} tahun: Taman Asuh Sayang Anak relevan",
      ("tamasya.max_child_age",))
def has_young_child(h: Household, on: date, p: Parameters) -> Check:
    doc = p.doc("tamasya.max_child_age")
    if not p.in_force("tamasya.max_child_age", on):
        return Check(False, (Reason("tamasya.child", "program Tamasya belum berjalan pada tanggal ini", doc),))
    max_age = p.value("tamasya.max_child_age", on)
    ages = _ages(h, on)
    kids = [(i, a) for i, a in enumerate(ages) if a is not None and 0 <= a <= max_age]
    if kids:
        return Check(True, tuple(
            Reason("tamasya.child", f"{label(h.members[i])} berusia {a} tahun; Tamasya melayani anak sampai usia "
                   f"{max_age} tahun", doc, a, max_age) for i, a in kids))
    unknown = tuple(field(i, "birth_date") for i, a in enumerate(ages) if a is None)
    if unknown:
        return Check(None, (Reason("tamasya.child", "usia sebagian anggota belum tercatat", doc, None, max_age),),
                     unknown)
    return Check(False, (Reason("tamasya.child", f"tidak ada anak berusia {max_age} tahun ke bawah", doc, None,
                                max_age),))


def _desil_rule(h: Household, on: date, p: Parameters, param: str, program: str) -> Check:
    limit, doc = p.value(param, on), p.doc(param)
    rule_id = param.rsplit(".", 1)[0] + ".desil"
    if h.desil is None:
        return Check(None, (Reason(rule_id, f"desil keluarga belum tercatat, batas {program} desil {limit}", doc,
                                   None, limit),), ("desil",))
    ok = h.desil <= limit
    return Check(ok, (Reason(rule_id, f"desil keluarga {h.desil}, batas {program} desil {limit}"
                             + ("" if ok else " (melebihi batas)"), doc, h.desil, limit),))


@rule("sembako.desil", "Desil keluarga paling tinggi {sembako.max_desil} (Program Sembako)", ("sembako.max_desil",))
def sembako_desil(h: Household, on: date, p: Parameters) -> Check:
    return _desil_rule(h, on, p, "sembako.max_desil", "Program Sembako")


@rule("pbi_jkn.desil", "Desil keluarga paling tinggi {pbi_jkn.max_desil} (PBI JKN)", ("pbi_jkn.max_desil",))
def pbi_desil(h: Household, on: date, p: Parameters) -> Check:
    return _desil_rule(h, on, p, "pbi_jkn.max_desil", "PBI JKN")
