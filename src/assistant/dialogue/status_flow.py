"""The multi-turn status/eligibility check: NIK, then birth date, then a verified registry lookup.

Facilitators skip the birth date: they look a NIK up directly, limited to their regions.
The outcome is phrased from the registry's eligibility dict; the rules decide, never this module.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.dialogue import safety
from assistant.dialogue.memory import FlowState
from assistant.dialogue.texts import Texts
from assistant.errors import (
    AccessDeniedError,
    InputError,
    NotFoundError,
    RateLimitedError,
    RegistryError,
)
from assistant.models import Citation, EligibilityReport
from assistant.ports import HouseholdLookup

MAX_INVALID_ATTEMPTS = 3

_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8, "agu": 8,
    "agt": 8, "ags": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
    "oct": 10, "november": 11, "nov": 11, "nop": 11, "desember": 12, "des": 12, "dec": 12,
}
_DMY_RE = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)")
_YMD_RE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_WORDS_RE = re.compile(r"(?<!\d)(\d{1,2})\s+([a-zA-Z]+)\.?\s+(\d{4})(?!\d)")

CiteFn = Callable[[Sequence[str]], tuple[Citation, ...]]


def parse_birth_date(text: str) -> str | None:
    """Read a birth date as DD-MM-YYYY, DD/MM/YYYY, YYYY-MM-DD or "12 Agustus 1985"; ISO string or None."""
    text = safety.redact_nik(text)  # a NIK must never be read as a date
    candidates: list[tuple[int, int, int]] = []
    if m := _YMD_RE.search(text):
        candidates.append((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    if m := _DMY_RE.search(text):
        candidates.append((int(m.group(3)), int(m.group(2)), int(m.group(1))))
    if (m := _WORDS_RE.search(text)) and m.group(2).lower() in _MONTHS:
        candidates.append((int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))))
    for year, month, day in candidates:
        if 1900 <= year <= 2100:
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                continue
    return None


def format_rupiah(amount: Any) -> str:
    try:
        value = int(round(float(amount)))
    except (TypeError, ValueError):
        return str(amount)
    return "Rp" + f"{value:,}".replace(",", ".")


@dataclass(frozen=True, slots=True)
class FlowResult:
    text: str
    outcome: str  # asked_nik | asked_birth_date | invalid_input | verified | denied | not_found | ...
    flow: FlowState | None  # the next state; None ends the flow
    suggestions: tuple[str, ...] = ()
    eligibility: dict[str, Any] | None = None
    citations: tuple[Citation, ...] = ()
    refused: bool = False


class StatusFlow:
    """Steps of the status check. Pure apart from the HouseholdLookup call."""

    def __init__(self, lookup: HouseholdLookup | None, texts: Texts, cite: CiteFn) -> None:
        self._lookup = lookup
        self._texts = texts
        self._cite = cite

    def start(self, *, user_id: str, role: str, regions: Sequence[str], text: str) -> FlowResult:
        """Begin a check; a NIK (and birth date) already in the message are used at once."""
        nik = safety.extract_nik(text)
        if nik is None:
            key = "ask_nik" if role == "citizen" else "ask_nik_facilitator"
            prompt = self._texts.get(key)
            if role == "citizen":
                prompt += "\n" + self._texts.get("privacy_notice")
            return self._ask(prompt, "asked_nik", FlowState(step="nik"))
        return self.step(FlowState(step="nik"), user_id=user_id, role=role, regions=regions, text=text)

    def step(self, flow: FlowState, *, user_id: str, role: str, regions: Sequence[str], text: str) -> FlowResult:
        """Advance an unfinished check with the user's next message."""
        if flow.step == "nik":
            nik = safety.extract_nik(text)
            if nik is None:
                return self._invalid(flow, "invalid_nik")
            if role != "citizen":
                return self._facilitator_lookup(user_id=user_id, regions=regions, nik=nik)
            birth_date = parse_birth_date(text)
            if birth_date:
                return self._citizen_lookup(user_id=user_id, nik=nik, birth_date=birth_date)
            prompt = self._texts.get("ask_birth_date", nik_masked=safety.mask_nik(nik))
            return self._ask(prompt, "asked_birth_date", FlowState(step="birth_date", nik=nik))
        birth_date = parse_birth_date(text)
        if birth_date is None or flow.nik is None:
            return self._invalid(flow, "invalid_birth_date")
        return self._citizen_lookup(user_id=user_id, nik=flow.nik, birth_date=birth_date)

    # ------------------------------------------------------------------ steps

    def _ask(self, prompt: str, outcome: str, flow: FlowState) -> FlowResult:
        return FlowResult(prompt, outcome, flow, suggestions=(self._texts.get("suggest_cancel"),))

    def _invalid(self, flow: FlowState, key: str) -> FlowResult:
        attempts = flow.invalid_attempts + 1
        if attempts >= MAX_INVALID_ATTEMPTS:
            return FlowResult(self._texts.get("too_many_invalid"), "abandoned", None,
                              suggestions=(self._texts.get("suggest_status"),), refused=True)
        next_flow = FlowState(step=flow.step, nik=flow.nik, invalid_attempts=attempts)
        return FlowResult(self._texts.get(key), "invalid_input", next_flow,
                          suggestions=(self._texts.get("suggest_cancel"),))

    def _citizen_lookup(self, *, user_id: str, nik: str, birth_date: str) -> FlowResult:
        retry = (self._texts.get("suggest_status"), self._texts.get("suggest_requirements"))
        if self._lookup is None:
            return self._unavailable(retry)
        try:
            result = self._lookup.citizen_status(user_id=user_id, nik=nik, birth_date=birth_date)
        except (AccessDeniedError, NotFoundError):
            return FlowResult(self._texts.get("verify_failed"), "denied", None, retry, refused=True)
        except (RateLimitedError, InputError, RegistryError) as exc:
            return self._lookup_failed(exc, retry)
        return self._outcome(result, audience="citizen")

    def _facilitator_lookup(self, *, user_id: str, regions: Sequence[str], nik: str) -> FlowResult:
        masked = safety.mask_nik(nik)
        retry = (self._texts.get("suggest_status_facilitator"),)
        if self._lookup is None:
            return self._unavailable(retry)
        try:
            result = self._lookup.facilitator_status(actor=user_id, regions=list(regions), nik=nik)
        except AccessDeniedError:
            return FlowResult(self._texts.get("out_of_region", nik_masked=masked), "denied", None, retry, refused=True)
        except NotFoundError:
            return FlowResult(self._texts.get("not_found_facilitator", nik_masked=masked), "not_found", None,
                              retry, refused=True)
        except (RateLimitedError, InputError, RegistryError) as exc:
            return self._lookup_failed(exc, retry)
        return self._outcome(result, audience="facilitator")

    def _lookup_failed(self, exc: RateLimitedError | InputError | RegistryError,
                       retry: tuple[str, ...]) -> FlowResult:
        """The replies both lookups give alike: rate limited, NIK rejected, registry failing."""
        if isinstance(exc, RateLimitedError):
            return self._rate_limited(exc)
        if isinstance(exc, InputError):
            return FlowResult(self._texts.get("invalid_nik"), "invalid_input", FlowState(step="nik"),
                              (self._texts.get("suggest_cancel"),))
        return self._unavailable(retry)

    def _unavailable(self, retry: tuple[str, ...]) -> FlowResult:
        return FlowResult(self._texts.get("registry_unavailable"), "unavailable", None, retry, refused=True)

    def _rate_limited(self, exc: RateLimitedError) -> FlowResult:
        minutes = max(1, math.ceil(exc.retry_after / 60))
        return FlowResult(self._texts.get("rate_limited", minutes=minutes), "rate_limited", None, (), refused=True)

    # ------------------------------------------------------------------ phrasing

    def _outcome(self, report: EligibilityReport, *, audience: str) -> FlowResult:
        result = report.to_dict()
        programs = [p for p in result.get("programs") or [] if isinstance(p, dict)]
        doc_ids: list[str] = []
        for program in programs:
            for doc_id in program_doc_ids(program):
                if doc_id not in doc_ids:
                    doc_ids.append(doc_id)
        citations = self._cite(doc_ids) if doc_ids else ()
        number = {c.doc_id: c.n for c in citations}
        desil = result.get("desil")
        lines = [self._texts.get(
            "status_header",
            kk=safety.redact_nik(str(result.get("kk") or "-")),
            desil=self._texts.get("status_desil", desil=desil) if desil not in (None, "") else "",
        )]
        if not programs:
            lines.append(self._texts.get("status_no_programs"))
        condensed = [p for p in programs if audience == "citizen" and _condensable(p)]
        for program in programs:
            if program not in condensed:
                lines.append(self._program_line(program, audience, number))
        if condensed:
            names = ", ".join(self._program_name(p) for p in condensed)
            marks = "".join(f" [{number[d]}]" for p in condensed for d in program_doc_ids(p) if d in number)
            lines.append("• " + self._texts.get("status_not_eligible_others", programs=names) + marks)
        lines.append(self._texts.get("status_disclaimer"))
        suggestions = (
            (self._texts.get("suggest_requirements"), self._texts.get("suggest_schedule"))
            if audience == "citizen"
            else (self._texts.get("suggest_status_facilitator"), self._texts.get("suggest_requirements"))
        )
        text = safety.redact_nik("\n".join(lines))
        return FlowResult(text, "verified", None, suggestions, eligibility=result, citations=citations)

    def _program_line(self, program: dict[str, Any], audience: str, number: dict[str, int]) -> str:
        status = str(program.get("status") or "unknown")
        label = self._texts.get(f"label_{status}") if f"label_{status}" in self._texts.keys() else status
        line = f"• {self._program_name(program)}: {label}."
        if status == "eligible" and program.get("annual_amount"):
            line += " " + self._texts.get(
                "status_amount",
                annual=format_rupiah(program.get("annual_amount")),
                per_tahap=format_rupiah(program.get("per_tahap_amount")),
            )
        reasons = [reason_text(r) for r in program.get("reasons") or []]
        reasons = [r for r in reasons if r]
        if audience == "citizen":
            reasons = reasons[:3]
        if reasons:
            line += " " + self._texts.get("status_reasons", reasons="; ".join(r.rstrip(". ") for r in reasons))
        if audience != "citizen" and program.get("components"):
            parts = [
                f"{c.get('component', '?')} ({c.get('member', '-')}) {format_rupiah(c.get('annual_amount'))}"
                for c in program["components"] if isinstance(c, dict)
            ]
            line += " Komponen: " + "; ".join(parts) + "."
        if program.get("missing_fields"):
            fields = ", ".join(str(f["label"]) for f in program["missing_fields"])
            line += " " + self._texts.get("status_missing", fields=fields)
        marks = "".join(f" [{number[d]}]" for d in program_doc_ids(program) if d in number)
        return line + marks

    def _program_name(self, program: dict[str, Any]) -> str:
        code = str(program.get("program") or "?")
        return self._texts.get(f"program_{code}") if f"program_{code}" in self._texts.keys() else code


def _condensable(program: dict[str, Any]) -> bool:
    """Citizens get one line for the other programs they do not qualify for (PKH always in full)."""
    return program.get("program") != "PKH" and program.get("status") == "not_eligible"


_DOC_KEYS = ("doc_ids", "sources", "documents", "citations", "references", "doc_id", "source", "document")


def program_doc_ids(program: dict[str, Any]) -> list[str]:
    """Doc ids a program outcome cites, whichever of the usual shapes the registry used."""
    found: list[str] = []

    def add(value: Any) -> None:
        if isinstance(value, str) and value and value not in found:
            found.append(value)
        elif isinstance(value, dict):
            add(value.get("doc_id") or value.get("source") or value.get("id"))
        elif isinstance(value, list | tuple):
            for item in value:
                add(item)

    for key in _DOC_KEYS:
        add(program.get(key))
    for reason in program.get("reasons") or []:
        if isinstance(reason, dict):
            add(reason.get("doc_id") or reason.get("source"))
    return found


def reason_text(reason: Any) -> str:
    if isinstance(reason, dict):
        return str(reason.get("text") or reason.get("reason") or reason.get("message") or "")
    return str(reason)
