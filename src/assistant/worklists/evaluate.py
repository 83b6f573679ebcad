"""The pure worklist function: a household stream in, ranked rows out (same code on a laptop or a cluster)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

from assistant.eligibility.engine import (
    DECIDING_FIELDS,
    decide_krs,
    decide_others,
    decide_pkh,
    others_undecided,
)
from assistant.eligibility.facts import add_years, age_on, label, rupiah
from assistant.eligibility.parameters import Parameters
from assistant.eligibility.services import pbi_desil, sembako_desil
from assistant.models import (
    PROGRAM_NAMES,
    DecisionStatus,
    Household,
    Member,
    MissingField,
    ProgramDecision,
    Reason,
    RegionFilter,
)
from assistant.privacy import mask_nik
from assistant.worklists.rows import GapField, WorklistKind, WorklistRow

S = DecisionStatus
USULAN_DOC = "pkh-alur-usulan-musdes"
GRADUATION_DOC = "pkh-graduasi"
COMPONENT_NAMES = {
    "ibu_hamil": "ibu hamil", "anak_usia_dini": "anak usia dini", "disabilitas_berat": "disabilitas berat",
    "lansia": "lansia", "sma": "anak SMA", "smp": "anak SMP", "sd": "anak SD",
}


def evaluate_worklist(kind: WorklistKind, households: Iterable[Household], *, region: str, as_of: date,
                      params: Parameters, within_months: int = 3,
                      progress: Callable[[int], None] | None = None) -> list[WorklistRow]:
    """Rows of one worklist for the households of ``region`` (code prefix), ranked, as of ``as_of``.

    ``households`` is consumed once, one at a time (a registry stream); only matching rows are kept.
    ``progress`` is called with the number of households read so far, every 1,000.
    """
    row_of = {"krs-pkh": krs_pkh_row, "graduation": graduation_row, "data-gaps": data_gaps_row}[kind]
    rows = []
    seen = 0
    for h in households:
        seen += 1
        if progress is not None and seen % 1000 == 0:
            progress(seen)
        if not h.region_code.startswith(region):
            continue
        row = row_of(h, as_of, params, within_months)
        if row is not None:
            rows.append(row)
    if progress is not None:
        progress(seen)
    return rank(rows)


def region_filter(kind: WorklistKind, on: date, p: Parameters) -> RegionFilter:
    """The households a worklist could list, for the registry to skip the rest (a superset: the rules decide).

    - ``krs-pkh``: not an active PKH recipient, desil within the PKH cut-off or not recorded (the row's own
      first test);
    - ``graduation``: an active PKH recipient (the row's own first test);
    - ``data-gaps``: some field a decision can be left ``unknown`` for is not recorded (``DECIDING_FIELDS``).
    """
    if kind == "krs-pkh":
        return RegionFilter(not_active_in="PKH", max_desil=p.value("pkh.max_desil", on))
    if kind == "graduation":
        return RegionFilter(active_in="PKH")
    return RegionFilter(unrecorded=DECIDING_FIELDS)


def rank(rows: list[WorklistRow]) -> list[WorklistRow]:
    ordered = sorted(rows, key=lambda r: (r.sort_key, r.region_code, r.kk))
    return [replace(r, rank=i) for i, r in enumerate(ordered, 1)]


# ------------------------------------------------------------------ krs-pkh


def krs_pkh_row(h: Household, on: date, p: Parameters, _months: int = 0) -> WorklistRow | None:
    """At risk of stunting, PKH-eligible (or unknown only for missing data), not an active PKH recipient."""
    if _active(h, "PKH") or (h.desil is not None and h.desil > p.value("pkh.max_desil", on)):
        return None  # enrolled already, or above the cut-off (the desil rule alone says no)
    krs = decide_krs(h, on, p)
    if krs.status is not S.AT_RISK:
        return None
    pkh = decide_pkh(h, on, p)
    disputed = _decisive(pkh)
    if pkh.status is S.NOT_ELIGIBLE and not any(o.status is S.ELIGIBLE for d in pkh.disputes for o in d.outcomes):
        return None
    pregnant = any(m.pregnant for m in h.members)
    under_two = sum(1 for m in h.members if (a := age_on(m.birth_date, on)) is not None and a < 2)
    factors = sum(1 for r in krs.reasons if r.rule != "krs.target")
    parts = (["ada ibu hamil"] if pregnant else []) + ([f"{under_two} anak di bawah 2 tahun"] if under_two else []) \
        + [f"{factors} faktor risiko", f"desil {h.desil if h.desil is not None else 'belum tercatat'}"]
    if pkh.status is S.ELIGIBLE:
        floor = "paling sedikit " if pkh.amount_is_minimum else ""
        verdict = f"memenuhi syarat PKH ({floor}{rupiah(pkh.annual_amount or 0)} per tahun)"
    elif pkh.status is S.UNKNOWN:
        verdict = "PKH belum dapat dipastikan (lengkapi: " + "; ".join(m.label for m in pkh.missing) + ")"
    else:
        verdict = "PKH bergantung pada aturan yang diperdebatkan"
    summary = (f"Berisiko stunting, {verdict}, belum terdaftar PKH: usulkan lewat musyawarah desa/kelurahan.")
    usulan = Reason("worklist.usulan", "keluarga yang belum terdaftar diusulkan lewat desa/kelurahan dan "
                    "musyawarah desa/kelurahan", USULAN_DOC)
    return _row("krs-pkh", h, summary, "; ".join(parts),
                (not pregnant, -under_two, -factors, _desil_key(h)), (*krs.reasons, *pkh.reasons, usulan),
                pkh=pkh, krs=krs, disputed=disputed, gaps=_gaps([pkh]) if pkh.status is S.UNKNOWN else ())


# ------------------------------------------------------------------ graduation


def graduation_row(h: Household, on: date, p: Parameters, within_months: int = 3) -> WorklistRow | None:
    """An active PKH household whose last component ends within ``within_months`` (or has already).

    A decision can only change on a member's birthday, on the day a member leaves the family card
    (``left_on``) or when a dated parameter takes effect, so PKH
    is re-evaluated on exactly those dates in the window; a pregnancy ends on a date the registry does
    not hold, so it is checked by evaluating the window's end without it.
    """
    if not _active(h, "PKH"):
        return None
    now = decide_pkh(h, on, p)
    end = add_months(on, within_months)
    due: date | None = None
    ending: tuple[str, ...] = ()
    last = now
    if now.status is S.NOT_ELIGIBLE:
        due = on  # already: the first reason that says "no" is why (desil rose, no component left, ...)
        ending = (*tuple(r.text for r in now.reasons if not r.rule.endswith(".disputed"))[:1],
                  *(r.text for r in now.reasons if r.rule == "household.member_left"))
    else:
        for when in _change_dates(h, on, end, p):
            later = decide_pkh(h, when, p)
            if later.status is S.NOT_ELIGIBLE:
                due, ending = when, _components(last, h, when)
                last = later
                break
            last = later
        if due is None and any(c.component == "ibu_hamil" for c in now.components):
            after_birth = decide_pkh(_without_pregnancy(h), end, p)
            if after_birth.status is S.NOT_ELIGIBLE:
                ending = ("ibu hamil (setelah persalinan; tanggal perkiraan lahir tidak tercatat)",)
                last = after_birth
    if not ending:
        return None
    when_text = due.isoformat() if due else f"sebelum {end.isoformat()} (perkiraan)"
    others = _other_programs(h, due or end, p)
    lead = (f"Sudah tidak memenuhi syarat per {when_text}" if due == on
            else f"Komponen terakhir berakhir {when_text}")
    summary = (f"{lead}: {', '.join(ending)}. Siapkan keluarga (P2K2); "
               + (f"program lain yang masih sesuai: {', '.join(others)}." if others else
                  "tidak ada program lain yang tercatat sesuai."))
    note = Reason("worklist.graduation", f"graduasi alamiah: tidak ada lagi komponen PKH per {when_text}",
                  GRADUATION_DOC, due.isoformat() if due else None, None)
    due_key = (due or end).toordinal() + (0 if due else 1)
    return _row("graduation", h, summary, f"berakhir {when_text}", (due_key, _desil_key(h)),
                (note, *last.reasons), pkh=now, disputed=_decisive(now), due=due.isoformat() if due else None,
                ending=ending, others=others)


def _change_dates(h: Household, start: date, end: date, p: Parameters) -> list[date]:
    dates = {left for m in h.members if m.left_on and start < (left := date.fromisoformat(m.left_on)) <= end}
    for m in h.members:
        if not m.birth_date:
            continue
        birth = date.fromisoformat(m.birth_date)
        age = age_on(m.birth_date, start) or 0
        for years in (age + 1, age + 2):
            when = add_years(birth, years)
            if start < when <= end:
                dates.add(when)
    dates.update(effective for effective in p.effective_dates() if start < effective <= end)
    return sorted(dates)


def _components(d: ProgramDecision, h: Household, when: date) -> tuple[str, ...]:
    """The components that end on ``when``, naming a member who leaves the family card that day."""
    day = when.isoformat()
    return tuple(f"{COMPONENT_NAMES.get(c.component, c.component)} {c.member}"
                 + (f" (keluar dari keluarga per {day})" if h.members[c.member_index].left_on == day else "")
                 for c in d.components) or ("komponen PKH",)


def _without_pregnancy(h: Household) -> Household:
    return replace(h, members=tuple(replace(m, pregnant=False) if m.pregnant else m for m in h.members))


def _other_programs(h: Household, on: date, p: Parameters) -> tuple[str, ...]:
    found = []
    if sembako_desil(h, on, p).outcome:
        found.append("Program Sembako")
    if pbi_desil(h, on, p).outcome:
        found.append("PBI JKN")
    lo, hi = p.value("pkh.school_age_min", on), p.value("pkh.school_age_max", on)
    day = on.isoformat()
    if any(m.school_level in ("SD", "SMP", "SMA") and m.present_on(day) and (a := age_on(m.birth_date, on)) is not None
           and lo <= a <= hi for m in h.members):
        found.append("PIP (anak sekolah)")
    return tuple(found)


# ------------------------------------------------------------------ data-gaps


def data_gaps_row(h: Household, on: date, p: Parameters, _months: int = 0) -> WorklistRow | None:
    """Any program the engine decides left ``unknown`` for missing data (PKH, KRS, lansia services, Tamasya,
    Sembako, PBI JKN): which fields of which (masked) member to collect."""
    decisions = [decide_krs(h, on, p)]
    if h.desil is None or h.desil <= p.value("pkh.max_desil", on):
        decisions.insert(0, decide_pkh(h, on, p))  # above the cut-off PKH is "no" whatever else is missing
    if all(d.status is not S.UNKNOWN for d in decisions) and not others_undecided(h, on, p):
        return None  # most households: skip deciding the other programs in full
    decisions.extend(decide_others(h, on, p))
    unknown = [d for d in decisions if d.status is S.UNKNOWN]
    if not unknown:
        return None
    gaps = _gaps(unknown)
    names = ", ".join(PROGRAM_NAMES[d.program] for d in unknown)
    summary = "Kumpulkan saat kunjungan: " + "; ".join(g.missing.text for g in gaps) + "."
    priority = f"melengkapi data ini memastikan {len(unknown)} keputusan ({names}); {len(gaps)} data dikumpulkan"
    by_program = {d.program: d for d in decisions}
    return _row("data-gaps", h, summary, priority, (-len(unknown), len(gaps), _desil_key(h)),
                tuple(r for d in unknown for r in d.reasons), pkh=by_program.get("PKH"), krs=by_program["KRS"],
                gaps=gaps, settles=len(unknown), disputed=tuple(x for d in decisions for x in _decisive(d)))


def _gaps(decisions: list[ProgramDecision]) -> tuple[GapField, ...]:
    programs: dict[str, list[str]] = {}
    fields: dict[str, MissingField] = {}
    for d in decisions:
        for m in d.missing:
            fields.setdefault(m.path, m)
            programs.setdefault(m.path, []).append(d.program)
    order = sorted(fields, key=lambda path: -len(programs[path]))
    return tuple(GapField(fields[path], tuple(programs[path])) for path in order)


# ------------------------------------------------------------------ shared


def add_months(d: date, months: int) -> date:
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)  # unreachable: every month has a 28th


def _active(h: Household, program: str) -> bool:
    return any(e.program == program and e.status == "aktif" for e in h.enrollments)


def _desil_key(h: Household) -> int:
    return h.desil if h.desil is not None else 99


def _decisive(d: ProgramDecision) -> tuple[str, ...]:
    return tuple(x.text for x in d.disputes if x.decisive)


def _head(h: Household) -> Member | None:
    return next((m for m in h.members if m.relation == "kepala_keluarga"), h.members[0] if h.members else None)


def _row(kind: WorklistKind, h: Household, summary: str, priority: str, sort_key: tuple[object, ...],
         reasons: tuple[Reason, ...], *, pkh: ProgramDecision | None = None, krs: ProgramDecision | None = None,
         gaps: tuple[GapField, ...] = (), settles: int = 0, disputed: tuple[str, ...] = (), due: str | None = None,
         ending: tuple[str, ...] = (), others: tuple[str, ...] = ()) -> WorklistRow:
    head = _head(h)
    if disputed:
        priority += "; bergantung pada aturan yang diperdebatkan"
    return WorklistRow(
        kind=kind, kk=mask_nik(h.kk), region_code=h.region_code, desil=h.desil,
        head=label(head) if head else "", head_nik=mask_nik(head.nik) if head else "", summary=summary,
        priority_text=priority, sort_key=sort_key, reasons=reasons,
        pkh_status=pkh.status if pkh else None, krs_status=krs.status if krs else None,
        annual_amount=pkh.annual_amount if pkh else None, amount_is_minimum=bool(pkh and pkh.amount_is_minimum),
        gaps=gaps, settles=settles, due=due, ending=ending, other_programs=others, disputed=disputed,
        key_nik=head.nik if head else "",
    )
