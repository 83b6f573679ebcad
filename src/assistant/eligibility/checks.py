"""The result of one rule, and the registry of rules (each labelled and tied to its parameters)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.models import Reason


@dataclass(frozen=True, slots=True)
class Check:
    """Three-valued: True (criterion met), False (not met), None (data missing, see ``missing``)."""

    outcome: bool | None
    reasons: tuple[Reason, ...] = ()
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleInfo:
    rule_id: str
    label: str  # Indonesian, what the rule decides
    parameters: tuple[str, ...]


RULES: dict[str, RuleInfo] = {}


def rule(rule_id: str, label: str, parameters: tuple[str, ...]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a pure rule function with its label and the parameters (and so sources) it reads."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        RULES[rule_id] = RuleInfo(rule_id, label, parameters)
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
