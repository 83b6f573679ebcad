"""Decisions that hinge on a disputed rule: evaluate under each documented value and say so.

A parameter is disputed when the sources give other values (``alternatives`` in the YAML, e.g. the
PKH elderly age: 70 or 60) or when the value in force is not confirmed by an official source
(``unconfirmed``, e.g. the desil cut-off). The decision keeps the deployment's value, but when the
outcome would differ under another documented value it does not state it flatly: a reason at the top
says which value decides, what the outcome is under the other, and whom to ask.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from assistant.eligibility.checks import RULES
from assistant.eligibility.facts import rupiah
from assistant.eligibility.parameters import Parameter, Parameters
from assistant.models import DecisionStatus, Dispute, DisputedOutcome, ProgramDecision, Reason


def with_disputes(decision: ProgramDecision, rule_ids: Sequence[str],
                  decide: Callable[[Parameters], ProgramDecision], on: date, p: Parameters) -> ProgramDecision:
    """``decision`` plus a Dispute (and a leading reason) for each disputed parameter that matters here."""
    names = p.disputed_among(tuple(dict.fromkeys(n for r in rule_ids for n in RULES[r].parameters)))
    if not names:
        return decision
    disputes = [d for n in names if (d := _dispute(p.get(n), decision, rule_ids, decide, on, p)) is not None]
    if not disputes:
        return decision
    notes = tuple(Reason(f"{d.parameter}.disputed", d.text, d.doc_id, d.used_value,
                         [o.value for o in d.outcomes]) for d in disputes)
    return replace(decision, disputes=tuple(disputes), reasons=(*notes, *decision.reasons))


def _dispute(param: Parameter, decision: ProgramDecision, rule_ids: Sequence[str],
             decide: Callable[[Parameters], ProgramDecision], on: date, p: Parameters) -> Dispute | None:
    if not p.in_force(param.name, on):
        return None
    used = p.value(param.name, on)
    outcomes = [DisputedOutcome(used, decision.status, decision.annual_amount, param.reference)]
    for value, source in param.alternatives:
        alt = decide(p.with_value(param.name, value))
        outcomes.append(DisputedOutcome(value, alt.status, alt.annual_amount, source))
    label = param.label or param.description
    ask = param.ask or "pendamping atau dinas sosial setempat"
    if param.alternatives:
        if len({(o.status, o.annual_amount) for o in outcomes}) == 1:
            return None  # every documented value gives the same outcome for this family
        parts = "; ".join(f"dengan batas {o.value}{' (dipakai sistem)' if i == 0 else ''}: {_outcome(o)}"
                          for i, o in enumerate(outcomes))
        text = (f"Sumber berbeda tentang {label} ({', '.join(str(o.value) for o in outcomes)}), dan keputusan ini "
                f"bergantung padanya: {parts}. Tanyakan batas yang berlaku ke {ask}.")
        return Dispute(param.name, used, tuple(outcomes), True, text, ask, param.doc_id)
    # One documented value, not confirmed: flag it only when the rule that reads it is what said "no".
    first = decision.reasons[0].rule if decision.reasons else ""
    if decision.status is not DecisionStatus.NOT_ELIGIBLE or first not in rule_ids:
        return None
    if param.name not in RULES[first].parameters:
        return None
    text = (f"{label[:1].upper()}{label[1:]} ({used}) belum terkonfirmasi: {param.unconfirmed}. Keputusan ini "
            f"bergantung padanya; tanyakan ke {ask}.")
    return Dispute(param.name, used, tuple(outcomes), True, text, ask, param.doc_id)


def _outcome(o: DisputedOutcome) -> str:
    amount = f", {rupiah(o.annual_amount)} per tahun" if o.annual_amount else ""
    return f"{o.status.text}{amount}"
