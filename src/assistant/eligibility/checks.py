"""The result of one rule, and the registry of rules (each labelled and tied to its parameters)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.eligibility.parameters import Parameters
from assistant.models import Reason


@dataclass(frozen=True, slots=True)
class Check:
    """Three-valued: True (criterion met), False (not met), None (data missing, see ``missing``)."""

    outcome: bool | None
    reasons: tuple[Reason, ...] = ()
    missing: tuple[str, ...] = ()


_PLACEHOLDER = re.compile(r"\{([a-z_]+\.[a-z_.]+)\}")


@dataclass(frozen=True, slots=True)
class RuleInfo:
    rule_id: str
    template: str  # Indonesian, what the rule decides; "{pkh.max_desil}" stands for the parameter's value
    parameters: tuple[str, ...]

    def label(self, p: Parameters, on: date) -> str:
        """The label with each parameter's value in force on ``on``, so it can never drift from them."""
        return _PLACEHOLDER.sub(lambda m: _shown(p.value(m.group(1), on)), self.template)


def _shown(value: Any) -> str:
    return "/".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)


RULES: dict[str, RuleInfo] = {}


def rule(rule_id: str, template: str, parameters: tuple[str, ...]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a pure rule function with its label template and the parameters (and so sources) it reads.

    Every ``{name}`` in the template must be one of ``parameters``; ages and thresholds are never typed into
    a label, so changing the parameter changes the label.
    """
    missing = set(_PLACEHOLDER.findall(template)) - set(parameters)
    if missing:
        raise ValueError(f"rule {rule_id}: label names parameters it does not declare: {sorted(missing)}")

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        RULES[rule_id] = RuleInfo(rule_id, template, parameters)
        fn.rule_info = RULES[rule_id]  # type: ignore[attr-defined]
        return fn

    return wrap


def combine(checks: list[Check]) -> bool | None:
    """All must hold: any False decides False; otherwise any None leaves it unknown."""
    if any(c.outcome is False for c in checks):
        return False
    if any(c.outcome is None for c in checks):
        return None
    return True


def unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
