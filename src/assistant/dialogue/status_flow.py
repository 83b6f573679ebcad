"""The status check as one explicit state table, shared unchanged by the API, the web page and the bots.

A citizen proves they hold the family card: the NIK of a family member, then the family-card number
(nomor KK), which cannot be derived from the NIK. A facilitator gives a NIK and gets the lookup limited
to their regions. In the spirit of python-telegram-bot's ``ConversationHandler``:

- ``StatusFlow.start`` is the entry point;
- ``StatusFlow.states`` maps each ``FlowStep`` to the handler for the next message, which returns a
  ``FlowResult`` naming the next state (``next=None`` ends the check);
- ``StatusFlow.fallbacks`` are tried first in every state: the check timed out, an injection attempt,
  "batal". A message that is not an answer to the step (a new question) leaves the check.

The NIK waits in the state between the two steps, sealed (AES-GCM under the privacy key), and is
dropped when the check ends; the typed KK is passed to the registry and never stored. Replies are phrased from the registry's report; the rules
decide, never this module (it phrases the typed ``EligibilityReport``).
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from assistant.dialogue.texts import Texts
from assistant.eligibility.facts import rupiah
from assistant.errors import (
    AccessDeniedError,
    InputError,
    NotFoundError,
    RateLimitedError,
    RegistryError,
)
from assistant.models import Citation, DecisionStatus, EligibilityReport, ProgramDecision
from assistant.ports import HouseholdLookup
from assistant.privacy import KeyedHasher, NikError, mask_nik, parse_nik, redact_nik, sixteen_digit_spans

MAX_INVALID_ATTEMPTS = 3
MAX_ANSWER_WORDS = 8  # longer messages with digits are questions, not answers to the check

_LABEL_RE = re.compile(r"\b(?:(kk|kartu keluarga)|(nik|ktp))\b", re.IGNORECASE)

CiteFn = Callable[[Sequence[str]], tuple[Citation, ...]]


class FlowStep(StrEnum):
    """Where an unfinished check waits."""

    AWAIT_NIK = "await_nik"
    AWAIT_KK = "await_kk"


@dataclass(frozen=True, slots=True)
class FlowState:
    """An unfinished check: its step, the NIK once given, wrong inputs so far, and when it times out."""

    step: FlowStep
    nik: str | None = None
    invalid_attempts: int = 0
    deadline: float = 0.0  # epoch seconds

    def to_json(self, keys: KeyedHasher) -> str:
        """The state for the shared store, with the pending NIK sealed (never stored in plain text)."""
        nik = keys.seal("flow-nik", self.nik) if self.nik else None
        return json.dumps({"step": self.step.value, "nik": nik, "invalid_attempts": self.invalid_attempts,
                           "deadline": self.deadline})

    @classmethod
    def from_json(cls, raw: str | None, keys: KeyedHasher) -> FlowState | None:
        """The stored state, or None when absent, unreadable or written by an older version (it then ends)."""
        if not raw:
            return None
        try:
            data = json.loads(raw)
            nik = keys.unseal("flow-nik", data["nik"]) if data.get("nik") else None
            if data.get("nik") and nik is None:
                return None
            return cls(FlowStep(data["step"]), nik, int(data.get("invalid_attempts", 0)),
                       float(data.get("deadline", 0.0)))
        except (ValueError, KeyError, TypeError):
            return None


@dataclass(frozen=True, slots=True)
class FlowInput:
    """One message as the check sees it, from any channel. ``intent`` is the classifier's verdict."""

    user_id: str
    role: str
    regions: tuple[str, ...]
    text: str
    intent: str = ""


@dataclass(frozen=True, slots=True)
class FlowResult:
    text: str
    outcome: str  # asked_nik | asked_kk | invalid_input | verified | denied | not_found | rate_limited | ...
    next: FlowState | None  # the next state; None ends the check
    suggestions: tuple[str, ...] = ()
    eligibility: dict[str, Any] | None = None  # the report's to_dict()
    citations: tuple[Citation, ...] = ()
    refused: bool = False


Handler = Callable[[FlowState, FlowInput], FlowResult]
Applies = Callable[[FlowState, FlowInput], bool]


def numbers_by_label(text: str) -> tuple[str | None, str | None]:
    """(NIK, KK) from a message: numbers after "KK"/"kartu keluarga" are the KK, else first NIK then KK."""
    labels = [(m.start(), "kk" if m.group(1) else "nik") for m in _LABEL_RE.finditer(text)]
    nik = kk = None
    unlabelled: list[str] = []
    for start, number in sixteen_digit_spans(text):
        label = next((name for pos, name in reversed(labels) if pos < start), None)
        if label == "kk" and kk is None:
            kk = number
        elif label == "nik" and nik is None:
            nik = number
        else:
            unlabelled.append(number)
    for number in unlabelled:
        if nik is None:
            nik = number
        elif kk is None and number != nik:
            kk = number
    return nik, kk


def looks_like_answer(text: str) -> bool:
    """A NIK or KK answer to the check, rather than a new question that happens to hold digits."""
    if not any(ch.isdigit() for ch in text):
        return False
    return len(text.split()) <= MAX_ANSWER_WORDS or bool(sixteen_digit_spans(text))


class StatusFlow:
    """The state table of the status check. Pure apart from the HouseholdLookup call."""

    def __init__(self, lookup: HouseholdLookup | None, texts: Texts, cite: CiteFn, *,
                 timeout_seconds: int = 900, clock: Callable[[], float] = time.time) -> None:
        self._lookup = lookup
        self._texts = texts
        self._cite = cite
        self._timeout = timeout_seconds
        self._clock = clock
        self.states: Mapping[FlowStep, Handler] = {
            FlowStep.AWAIT_NIK: self._on_nik,
            FlowStep.AWAIT_KK: self._on_kk,
        }
        self.fallbacks: tuple[tuple[Applies, Handler], ...] = (
            (self._timed_out, self._on_timeout),
            (lambda _s, m: m.intent == "injection", self._on_injection),
            (lambda _s, m: m.intent == "cancel", self._on_cancel),
        )

    # ------------------------------------------------------------------ entry and dispatch

    def start(self, message: FlowInput) -> FlowResult:
        """Begin a check; a NIK (and KK) already in the message are used at once."""
        first = FlowState(FlowStep.AWAIT_NIK, deadline=self._deadline())
        if numbers_by_label(message.text)[0] is not None:
            return self._on_nik(first, message)
        prompt = self._texts.get("ask_nik" if message.role == "citizen" else "ask_nik_facilitator")
        if message.role == "citizen":
            prompt += "\n" + self._texts.get("privacy_notice")
        return self._ask(prompt, "asked_nik", first)

    def handle(self, state: FlowState, message: FlowInput) -> FlowResult | None:
        """The reply to a message while a check waits; None when the message is not for the check."""
        for applies, handler in self.fallbacks:
            if applies(state, message):
                return handler(state, message)
        if message.intent == "erase" or not looks_like_answer(message.text) or self._clock() > state.deadline:
            return None
        return self.states[state.step](state, message)

    # ------------------------------------------------------------------ state handlers

    def _on_nik(self, state: FlowState, message: FlowInput) -> FlowResult:
        """AWAIT_NIK: a NIK (and maybe the KK) -> lookup for facilitators, AWAIT_KK or lookup for citizens."""
        nik, kk = numbers_by_label(message.text)
        if nik is None or not _valid_nik(nik):
            return self._invalid(state, "invalid_nik")
        if message.role != "citizen":
            return self._facilitator_lookup(message, nik)
        if kk is not None:
            return self._citizen_lookup(state, message, nik, kk)
        prompt = self._texts.get("ask_kk", nik_masked=mask_nik(nik))
        return self._ask(prompt, "asked_kk", FlowState(FlowStep.AWAIT_KK, nik=nik, deadline=self._deadline()))

    def _on_kk(self, state: FlowState, message: FlowInput) -> FlowResult:
        """AWAIT_KK: the family-card number -> verified lookup; the check ends either way."""
        nik, kk = numbers_by_label(message.text)
        if nik is not None and kk is not None:  # both again (e.g. from the web form): use them as given
            return self._citizen_lookup(state, message, nik, kk)
        given = kk if kk is not None else nik
        if given is None or given == state.nik or state.nik is None:
            return self._invalid(state, "invalid_kk")
        return self._citizen_lookup(state, message, state.nik, given)

    # ------------------------------------------------------------------ fallbacks

    def _timed_out(self, state: FlowState, message: FlowInput) -> bool:
        """A late answer after the deadline (a late question just leaves the check)."""
        return bool(state.deadline) and self._clock() > state.deadline and looks_like_answer(message.text)

    def _on_timeout(self, _state: FlowState, message: FlowInput) -> FlowResult:
        return FlowResult(self._texts.get("flow_timeout"), "timed_out", None,
                          (self._status_suggestion(message.role),), refused=True)

    def _on_injection(self, _state: FlowState, _message: FlowInput) -> FlowResult:
        return FlowResult(self._texts.get("injection_declined"), "injection", None, refused=True)

    def _on_cancel(self, _state: FlowState, message: FlowInput) -> FlowResult:
        return FlowResult(self._texts.get("status_cancelled"), "cancelled", None,
                          (self._status_suggestion(message.role), self._texts.get("suggest_requirements")))

    # ------------------------------------------------------------------ lookups

    def _citizen_lookup(self, state: FlowState, message: FlowInput, nik: str, kk: str) -> FlowResult:
        retry = (self._texts.get("suggest_status"), self._texts.get("suggest_requirements"))
        if self._lookup is None:
            return self._unavailable(retry)
        try:
            result = self._lookup.citizen_status(user_id=message.user_id, nik=nik, kk_number=kk)
        except (AccessDeniedError, NotFoundError):
            return FlowResult(self._texts.get("verify_failed"), "denied", None, retry, refused=True)
        except NikError:
            return self._invalid(replace(state, step=FlowStep.AWAIT_NIK, nik=None), "invalid_nik")
        except InputError:
            return self._invalid(replace(state, step=FlowStep.AWAIT_KK, nik=nik), "invalid_kk")
        except (RateLimitedError, RegistryError) as exc:
            return self._lookup_failed(exc, retry)
        return self._outcome(result, audience="citizen")

    def _facilitator_lookup(self, message: FlowInput, nik: str) -> FlowResult:
        masked = mask_nik(nik)
        retry = (self._texts.get("suggest_status_facilitator"),)
        if self._lookup is None:
            return self._unavailable(retry)
        try:
            result = self._lookup.facilitator_status(actor=message.user_id, regions=list(message.regions), nik=nik)
        except AccessDeniedError:
            return FlowResult(self._texts.get("out_of_region", nik_masked=masked), "denied", None, retry, refused=True)
        except NotFoundError:
            return FlowResult(self._texts.get("not_found_facilitator", nik_masked=masked), "not_found", None,
                              retry, refused=True)
        except InputError:
            return self._invalid(FlowState(FlowStep.AWAIT_NIK, deadline=self._deadline()), "invalid_nik")
        except (RateLimitedError, RegistryError) as exc:
            return self._lookup_failed(exc, retry)
        return self._outcome(result, audience="facilitator")

    def _lookup_failed(self, exc: RateLimitedError | RegistryError, retry: tuple[str, ...]) -> FlowResult:
        if isinstance(exc, RateLimitedError):
            wait = (f"{max(1, exc.retry_after)} detik" if exc.retry_after < 60
                    else f"{math.ceil(exc.retry_after / 60)} menit")
            return FlowResult(self._texts.get("rate_limited", wait=wait), "rate_limited", None, (), refused=True)
        return self._unavailable(retry)

    # ------------------------------------------------------------------ small replies

    def _deadline(self) -> float:
        return self._clock() + self._timeout

    def _ask(self, prompt: str, outcome: str, state: FlowState) -> FlowResult:
        return FlowResult(prompt, outcome, state, suggestions=(self._texts.get("suggest_cancel"),))

    def _invalid(self, state: FlowState, key: str) -> FlowResult:
        attempts = state.invalid_attempts + 1
        if attempts >= MAX_INVALID_ATTEMPTS:
            return FlowResult(self._texts.get("too_many_invalid"), "abandoned", None,
                              suggestions=(self._texts.get("suggest_status"),), refused=True)
        next_state = replace(state, invalid_attempts=attempts, deadline=self._deadline())
        return FlowResult(self._texts.get(key), "invalid_input", next_state,
                          suggestions=(self._texts.get("suggest_cancel"),))

    def _unavailable(self, retry: tuple[str, ...]) -> FlowResult:
        return FlowResult(self._texts.get("registry_unavailable"), "unavailable", None, retry, refused=True)

    def _status_suggestion(self, role: str) -> str:
        return self._texts.get("suggest_status" if role == "citizen" else "suggest_status_facilitator")

    # ------------------------------------------------------------------ phrasing

    def _outcome(self, report: EligibilityReport, *, audience: str) -> FlowResult:
        programs = report.programs
        doc_ids = list(dict.fromkeys(d for p in programs for d in p.sources))
        citations = self._cite(doc_ids) if doc_ids else ()
        number = {c.doc_id: c.n for c in citations}
        if audience == "citizen":
            lines = [self._texts.get("status_header_citizen")]
        else:
            desil = report.desil
            lines = [self._texts.get(
                "status_header", kk=mask_nik(report.kk) or "-",
                desil=self._texts.get("status_desil", desil=desil) if desil is not None else "",
            )]
        if not programs:
            lines.append(self._texts.get("status_no_programs"))
        condensed = [p for p in programs if audience == "citizen" and _condensable(p)]
        for program in programs:
            if program not in condensed:
                lines.append(self._program_line(program, audience, number))
        if condensed:
            names = ", ".join(self._program_name(p) for p in condensed)
            marks = "".join(f" [{number[d]}]" for p in condensed for d in p.sources if d in number)
            lines.append("• " + self._texts.get("status_not_eligible_others", programs=names) + marks)
        if audience == "citizen" and report.withheld:
            lines.append(self._texts.get("status_member_details"))
        lines.append(self._texts.get("status_disclaimer"))
        suggestions = (
            (self._texts.get("suggest_requirements"), self._texts.get("suggest_schedule"))
            if audience == "citizen"
            else (self._texts.get("suggest_status_facilitator"), self._texts.get("suggest_requirements"))
        )
        text = redact_nik("\n".join(lines))
        return FlowResult(text, "verified", None, suggestions, eligibility=report.to_dict(), citations=citations)

    def _program_line(self, program: ProgramDecision, audience: str, number: dict[str, int]) -> str:
        line = f"• {self._program_name(program)}: {self._texts.get(f'label_{program.status.value}')}."
        if program.status is DecisionStatus.ELIGIBLE and program.annual_amount:
            floor = "paling sedikit " if program.amount_is_minimum else ""
            line += " " + self._texts.get(
                "status_amount", annual=floor + rupiah(program.annual_amount),
                per_tahap=floor + rupiah(program.per_tahap_amount),
            )
        reasons = [r.text for r in program.reasons if r.text]
        if audience == "citizen":
            reasons = reasons[:3]
        if reasons:
            line += " " + self._texts.get("status_reasons", reasons="; ".join(r.rstrip(". ") for r in reasons))
        if audience != "citizen" and program.components:
            parts = [f"{c.component} ({c.member or '-'}) {rupiah(c.annual_amount)}" for c in program.components]
            line += " Komponen: " + "; ".join(parts) + "."
        if program.missing:
            line += " " + self._texts.get("status_missing", fields=", ".join(m.label for m in program.missing))
        marks = "".join(f" [{number[d]}]" for d in program.sources if d in number)
        return line + marks

    def _program_name(self, program: ProgramDecision) -> str:
        key = f"program_{program.program}"
        return self._texts.get(key) if key in self._texts.keys() else program.program


def _valid_nik(nik: str) -> bool:
    try:
        parse_nik(nik)
    except NikError:
        return False
    return True


def _condensable(program: ProgramDecision) -> bool:
    """Citizens get one line for the other programs they do not qualify for (PKH always in full)."""
    return program.program != "PKH" and program.status is DecisionStatus.NOT_ELIGIBLE
