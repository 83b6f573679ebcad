"""Every Indonesian sentence the conversation layer says comes from one file: ``bots/texts.id.yaml``.

Non-developers edit the wording there. The code only knows the keys and the placeholders each text
must carry (``TEXT_KEYS``); ``load_texts`` checks the file against them, so a missing or unknown key,
a missing placeholder (a sentence that would lose the amount it should show) or an extra one (a
``{typo}`` that would crash at reply time) is a ConfigurationError at start-up, never in a reply.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ConfigurationError

# The one copy, in the repository (bots/texts.id.yaml).
DEFAULT_TEXTS_PATH = Path(__file__).resolve().parents[3] / "bots" / "texts.id.yaml"

_NONE: frozenset[str] = frozenset()
_CHANNELS = frozenset({"channels"})
_NIK_MASKED = frozenset({"nik_masked"})

# key -> the placeholders its text must contain, no more and no fewer.
TEXT_KEYS: dict[str, frozenset[str]] = {
    "channels": _NONE,
    "greeting": _NONE,
    "help": _CHANNELS,
    "privacy_notice": _NONE,
    "ask_nik": _NONE,
    "ask_nik_facilitator": _NONE,
    "invalid_nik": _NONE,
    "ask_kk": _NIK_MASKED,
    "invalid_kk": _NONE,
    "flow_timeout": _NONE,
    "status_cancelled": _NONE,
    "nothing_to_cancel": _NONE,
    "too_many_invalid": _NONE,
    "verify_failed": _CHANNELS,
    "rate_limited": frozenset({"wait"}),
    "registry_unavailable": _NONE,
    "not_found_facilitator": _NIK_MASKED,
    "out_of_region": _NIK_MASKED,
    "status_header": frozenset({"kk", "desil"}),
    "status_desil": frozenset({"desil"}),
    "status_header_citizen": _NONE,
    "status_member_details": _NONE,
    "status_amount": frozenset({"annual", "per_tahap"}),
    "status_missing": frozenset({"fields"}),
    "status_reasons": frozenset({"reasons"}),
    "status_disclaimer": _CHANNELS,
    "status_not_eligible_others": frozenset({"programs"}),
    "status_no_programs": _NONE,
    "scam_warning": _CHANNELS,
    "misconduct_warning": _NONE,
    "decline_unknown": _CHANNELS,
    "out_of_scope": _CHANNELS,
    **{f"out_of_scope_{family}": _NONE for family in ("health", "jobs", "finance", "politics", "religion_law")},
    "out_of_scope_deception": _CHANNELS,
    "out_of_scope_misuse": _CHANNELS,
    "injection_declined": _NONE,
    "offer_status_check": _NONE,
    "erase_done": _NONE,
    "feedback_thanks": _NONE,
    **{f"label_{status}": _NONE for status in ("eligible", "not_eligible", "unknown", "at_risk", "not_at_risk")},
    **{f"program_{code}": _NONE for code in ("KRS", "BKL_SEKOLAH_LANSIA", "ATENSI", "TAMASYA", "SEMBAKO",
                                             "PBI_JKN")},
    **{f"suggest_{name}": _NONE for name in ("status", "status_facilitator", "requirements", "schedule",
                                             "amount", "cancel", "scam")},
}


def out_of_scope_key(family: str | None) -> str:
    """The decline text for a task family outside the assistant's role (``out_of_scope`` for any other)."""
    key = f"out_of_scope_{family}"
    return key if key in TEXT_KEYS else "out_of_scope"


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a text formats; ConfigurationError for a broken brace."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise ConfigurationError(f"Kurung kurawal tidak seimbang: {exc}.") from exc


def validate_texts(data: Mapping[str, Any], source: str = "teks") -> dict[str, str]:
    """Check keys and placeholders against TEXT_KEYS; every problem is listed in one error."""
    problems: list[str] = []
    unknown = sorted(set(data) - set(TEXT_KEYS))
    missing = sorted(set(TEXT_KEYS) - set(data))
    if unknown:
        problems.append(f"kunci tidak dikenal: {', '.join(unknown)}")
    if missing:
        problems.append(f"kunci hilang: {', '.join(missing)}")
    texts: dict[str, str] = {}
    for key, expected in TEXT_KEYS.items():
        if key not in data:
            continue
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key}: harus berisi teks")
            continue
        try:
            found = placeholders(value)
        except ConfigurationError as exc:
            problems.append(f"{key}: {exc.message}")
            continue
        if found - expected:
            problems.append(f"{key}: penanda tidak dikenal {{{'}, {'.join(sorted(found - expected))}}}")
        if expected - found:
            problems.append(f"{key}: penanda hilang {{{'}, {'.join(sorted(expected - found))}}}")
        texts[key] = value
    if problems:
        raise ConfigurationError(f"Berkas {source} tidak valid: " + "; ".join(problems) + ".")
    return texts


class Texts:
    """Read-only access to validated texts, with ``{channels}`` filled in wherever it appears."""

    def __init__(self, texts: Mapping[str, Any], source: str = "teks") -> None:
        self._texts = validate_texts(texts, source)
        self.channels = self._texts["channels"]

    def get(self, key: str, **values: Any) -> str:
        """Return the text for ``key`` with ``values`` (and ``channels``) filled in."""
        text = self._texts[key]
        if "{" not in text:
            return text
        return text.format(channels=self.channels, **values)

    def keys(self) -> set[str]:
        return set(self._texts)


def load_texts(path: Path | None = None) -> Texts:
    """Load and validate ``bots/texts.id.yaml`` (or ``path``)."""
    path = Path(path or DEFAULT_TEXTS_PATH)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigurationError(f"Berkas teks {path} tidak ditemukan atau tidak bisa dibaca: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"Berkas teks {path} tidak bisa dibaca: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigurationError(f"Berkas teks {path} harus berisi pasangan kunci: teks.")
    return Texts(data, str(path))
