"""Keluarga Risiko Stunting (KRS): is the family a target family, and does any risk factor hold."""

from __future__ import annotations

from datetime import date

from assistant.eligibility.checks import Check, rule, unique
from assistant.eligibility.facts import add_years, age_on, child_indexes, field, label, parse_date, wife_index
from assistant.eligibility.parameters import Parameters
from assistant.models import Household, Reason

DOC = "krs.wife_min_age"  # every KRS parameter cites the same document; used for doc lookup


@rule("krs.target", "Keluarga sasaran: ada ibu hamil, anak di bawah {krs.child_under_age} tahun, atau istri usia "
      "{krs.wife_min_age}-{krs.wife_max_age} tahun",
      ("krs.child_under_age", "krs.wife_min_age", "krs.wife_max_age", "pkh.pregnancy_data_min_age",
       "pkh.pregnancy_data_max_age"))
def is_target_family(h: Household, on: date, p: Parameters) -> Check:
    doc = p.doc(DOC)
    under = p.value("krs.child_under_age", on)
    lo, hi = p.value("krs.wife_min_age", on), p.value("krs.wife_max_age", on)
    preg_min, preg_max = p.value("pkh.pregnancy_data_min_age", on), p.value("pkh.pregnancy_data_max_age", on)
    missing: list[str] = []
    for m in h.members:
        if m.pregnant:
            return Check(True, (Reason("krs.target", f"{label(m)} sedang hamil (keluarga sasaran)", doc, True, None),))
    for i, m in enumerate(h.members):
        age = age_on(m.birth_date, on)
        if age is not None and 0 <= age < under:
            return Check(True, (Reason("krs.target", f"ada anak berusia {age} tahun, di bawah {under} tahun "
                                       "(keluarga sasaran)", doc, age, under),))
        if age is None and m.relation in (None, "anak", "cucu"):
            missing.append(field(i, "birth_date"))
        if m.pregnant is None and m.sex != "L" and (age is None or preg_min <= age <= preg_max):
            missing.append(field(i, "pregnant"))
    w = wife_index(h)
    if w is not None:
        age = age_on(h.members[w].birth_date, on)
        if age is None:
            missing.append(field(w, "birth_date"))
        elif lo <= age <= hi:
            return Check(True, (Reason("krs.target", f"istri berusia {age} tahun, dalam rentang pasangan usia subur "
                                       f"{lo}-{hi} tahun (keluarga sasaran)", doc, age, [lo, hi]),))
    if missing:
        return Check(None, (Reason("krs.target", "belum dapat dipastikan apakah keluarga sasaran (data anggota "
                                   "belum lengkap)", doc, None, None),), unique(missing))
    return Check(False, (Reason("krs.target", f"tidak ada ibu hamil, anak di bawah {under} tahun, atau istri "
                                f"usia {lo}-{hi} tahun: bukan keluarga sasaran KRS", doc, None, None),))


@rule("krs.facilities", "Sumber air minum dan jamban layak", ())
def unsafe_water_or_toilet(h: Household, on: date, p: Parameters) -> list[Check]:
    doc = p.doc(DOC)
    out = []
    for attr, noun in (("drinking_water", "sumber air minum"), ("toilet", "jamban")):
        value = getattr(h, attr)
        if value is None:
            out.append(Check(None, (Reason(f"krs.{attr}", f"{noun} belum tercatat", doc, None, "layak"),), (attr,)))
        else:
            bad = value == "tidak_layak"
            text = f"{noun} {'tidak layak' if bad else 'layak'}" + (" (faktor risiko)" if bad else "")
            out.append(Check(bad, (Reason(f"krs.{attr}", text, doc, value, "layak"),)))
    return out


@rule("krs.wife_age", "4 Terlalu: istri terlalu muda (di bawah {krs.too_young_under} tahun) atau terlalu tua "
      "(di atas {krs.too_old_over} tahun)",
      ("krs.too_young_under", "krs.too_old_over"))
def wife_too_young_or_old(h: Household, on: date, p: Parameters) -> Check:
    doc = p.doc(DOC)
    young, old = p.value("krs.too_young_under", on), p.value("krs.too_old_over", on)
    w = wife_index(h)
    if w is None:
        return Check(False, (Reason("krs.wife_age", "tidak ada istri tercatat; faktor usia istri tidak berlaku",
                                    doc, None, [young, old]),))
    age = age_on(h.members[w].birth_date, on)
    if age is None:
        return Check(None, (Reason("krs.wife_age", "usia istri belum diketahui", doc, None, [young, old]),),
                     (field(w, "birth_date"),))
    if age < young:
        return Check(True, (Reason("krs.wife_age", f"istri berusia {age} tahun, terlalu muda (di bawah {young} "
                                   "tahun)", doc, age, young),))
    if age > old:
        return Check(True, (Reason("krs.wife_age", f"istri berusia {age} tahun, terlalu tua (di atas {old} tahun)",
                                   doc, age, old),))
    return Check(False, (Reason("krs.wife_age", f"istri berusia {age} tahun, dalam rentang {young}-{old} tahun",
                                doc, age, [young, old]),))


@rule("krs.children", "4 Terlalu: terlalu banyak anak (lebih dari {krs.too_many_children_over}) atau jarak "
      "kelahiran terlalu dekat (kurang dari {krs.min_birth_spacing_years} tahun)",
      ("krs.too_many_children_over", "krs.min_birth_spacing_years"))
def too_many_or_too_close(h: Household, on: date, p: Parameters) -> list[Check]:
    doc = p.doc(DOC)
    many, spacing = p.value("krs.too_many_children_over", on), p.value("krs.min_birth_spacing_years", on)
    kids = child_indexes(h)
    n = len(kids)
    many_check = Check(n > many, (Reason("krs.too_many", f"jumlah anak {n}, batas {many} anak"
                                         + (" (terlalu banyak)" if n > many else ""), doc, n, many),))
    if n < 2:
        return [many_check, Check(False, ())]
    births = [(parse_date(h.members[i].birth_date), i) for i in kids]
    unknown = [field(i, "birth_date") for d, i in births if d is None]
    if unknown:
        return [many_check, Check(None, (Reason("krs.spacing", "tanggal lahir sebagian anak belum tercatat; "
                                                "jarak kelahiran belum dapat dihitung", doc, None, spacing),),
                                  tuple(unknown))]
    dated = sorted((d for d, _ in births if d is not None), reverse=True)
    youngest, second = dated[0], dated[1]
    close = youngest < add_years(second, spacing)
    months = (youngest.year - second.year) * 12 + youngest.month - second.month - (youngest.day < second.day)
    text = f"jarak lahir dua anak termuda {months} bulan, batas minimal {spacing} tahun" + (
        " (terlalu dekat)" if close else "")
    return [many_check, Check(close, (Reason("krs.spacing", text, doc, months, spacing * 12),))]
