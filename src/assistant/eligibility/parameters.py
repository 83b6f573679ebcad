"""Dated, sourced eligibility parameters (OpenFisca style), loaded from YAML.

Each parameter has ``values`` keyed by effective date; :meth:`Parameters.value` returns the entry in
force on a given date. Each also names ``doc_id``, the knowledge document the reasons cite.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ConfigurationError, EligibilityInputError


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    description: str
    doc_id: str
    reference: str
    values: tuple[tuple[date, Any], ...]  # sorted by date
    alternatives: tuple[tuple[Any, str], ...] = ()  # other documented values, each with its source
    unconfirmed: str = ""  # why the value in force is not confirmed by an official source
    ask: str = ""  # who can confirm which value applies
    label: str = ""  # short noun phrase for disputes ("batas usia komponen lansia PKH")

    @property
    def disputed(self) -> bool:
        return bool(self.alternatives or self.unconfirmed)

    def at(self, on: date) -> Any:
        current = None
        found = False
        for start, value in self.values:
            if start <= on:
                current, found = value, True
        if not found:
            # The configuration is fine; the date asked about is older than the rules we hold.
            first = self.values[0][0].isoformat() if self.values else "-"
            raise EligibilityInputError(
                f"Tanggal acuan {on.isoformat()} terlalu awal: aturan {self.name} baru berlaku sejak {first}. "
                "Pilih tanggal yang lebih baru."
            )
        return current


class Parameters:
    """All parameters, addressed by dotted name (``pkh.max_desil``)."""

    def __init__(self, params: dict[str, Parameter]) -> None:
        self._params = params
        self._at: dict[tuple[str, date], Any] = {}  # values are immutable per (name, date): memoised
        self._disputed_in: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._variants: dict[tuple[str, str], Parameters] = {}  # with_value copies, each with its own memo
        self._dates = tuple(sorted({start for param in params.values() for start, _ in param.values}))

    def value(self, name: str, on: date) -> Any:
        key = (name, on)
        try:
            return self._at[key]
        except KeyError:
            value = self._at[key] = self.get(name).at(on)
            return value

    def disputed_among(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """Which of ``names`` are disputed (memoised: the engine asks this for every household)."""
        found = self._disputed_in.get(names)
        if found is None:
            found = self._disputed_in[names] = tuple(n for n in names if self.get(n).disputed)
        return found

    def in_force(self, name: str, on: date) -> bool:
        return any(start <= on for start, _ in self.get(name).values)

    def doc(self, name: str) -> str:
        return self.get(name).doc_id

    def get(self, name: str) -> Parameter:
        try:
            return self._params[name]
        except KeyError:
            raise ConfigurationError(f"Parameter kelayakan {name} tidak ada.") from None

    def effective_dates(self) -> tuple[date, ...]:
        """Every date a value takes effect on, of any parameter, in order (when a decision can change)."""
        return self._dates

    def names(self) -> list[str]:
        return sorted(self._params)

    def disputed(self) -> list[Parameter]:
        return [p for p in self._params.values() if p.disputed]

    def with_value(self, name: str, value: Any) -> Parameters:
        """A copy where ``name`` holds ``value`` on every date (to evaluate a disputed alternative).

        Kept per (name, value): a worklist asks for the same alternative for every household, and a
        fresh copy would start with an empty memo of values by date.
        """
        key = (name, repr(value))
        variant = self._variants.get(key)
        if variant is None:
            param = self.get(name)
            variant = Parameters({**self._params, name: replace(param, values=((param.values[0][0], value),))})
            self._variants[key] = variant
        return variant

    @classmethod
    def load(cls, override: Path | None = None) -> Parameters:
        """The packaged defaults, optionally merged with a deployment's YAML file of the same shape."""
        text = resources.files("assistant.eligibility").joinpath("parameters/default.yaml").read_text("utf-8")
        raw = _flatten(yaml.safe_load(text))
        if override is not None:
            try:
                extra = _flatten(yaml.safe_load(override.read_text("utf-8")) or {})
            except (OSError, yaml.YAMLError) as exc:
                raise ConfigurationError(f"Berkas parameter {override} tidak dapat dibaca: {exc}") from None
            for name, spec in extra.items():
                merged = dict(raw.get(name, {}))
                merged.update({k: v for k, v in spec.items() if k != "values"})
                merged["values"] = {**raw.get(name, {}).get("values", {}), **spec.get("values", {})}
                raw[name] = merged
        return cls({name: _parameter(name, spec) for name, spec in raw.items()})


def _flatten(tree: dict, prefix: str = "") -> dict[str, dict]:
    out: dict[str, dict] = {}
    for key, node in tree.items():
        name = f"{prefix}{key}"
        if isinstance(node, dict) and "values" in node:
            out[name] = node
        elif isinstance(node, dict):
            out.update(_flatten(node, name + "."))
        else:
            raise ConfigurationError(f"Parameter {name} harus punya 'values' bertanggal.")
    return out


def _parameter(name: str, spec: dict) -> Parameter:
    if not spec.get("doc_id"):
        raise ConfigurationError(f"Parameter {name} harus menyebut doc_id sumbernya.")
    values = []
    for key, value in spec["values"].items():
        start = key if isinstance(key, date) else date.fromisoformat(str(key))
        values.append((start, value))
    alternatives = tuple((alt["value"], str(alt.get("source", ""))) for alt in spec.get("alternatives") or ())
    return Parameter(name=name, description=spec.get("description", ""), doc_id=spec["doc_id"],
                     reference=spec.get("reference", ""), values=tuple(sorted(values, key=lambda v: v[0])),
                     alternatives=alternatives, unconfirmed=str(spec.get("unconfirmed") or ""),
                     ask=str(spec.get("ask") or ""), label=str(spec.get("label") or ""))
