"""The interaction log and feedback store the conversation service writes to (``Journal``).

Rows hold a hashed user id and redacted text only. The ``Journal`` port is in ``assistant.ports``
(re-exported here); ``assistant.adapters.sql_journal`` implements it on SQLite and PostgreSQL.
Exports for evaluators are built from ``interactions`` and ``feedback_rows``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.models import JournalEntry
from assistant.ports import Journal

__all__ = ["RATINGS", "QUESTION_INTENTS", "Journal", "JournalEntry", "most_asked", "normalize_question"]

from assistant.privacy import redact_nik

RATINGS = ("up", "down")


_FILLERS = re.compile(r"\b(?:min|kak|bang|bu|pak|mas|mbak|dong|ya|yah|sih|nih|deh|kah|tolong|mohon|admin)\b")
_NIK_MASK = re.compile(r"\d{4}\*{8}\d{4}")


def normalize_question(text: str) -> str:
    """Fold spelling noise so repeated questions count together ("PKH cair kapan ya kak?" ~ "pkh cair kapan")."""
    text = _NIK_MASK.sub("<nik>", redact_nik(text).lower())
    text = re.sub(r"[^\w<>\s]", " ", text)
    text = _FILLERS.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


QUESTION_INTENTS = ("program_question", "out_of_scope")


def most_asked(rows: Iterable[dict[str, Any]], top: int = 10,
               intents: Sequence[str] = QUESTION_INTENTS) -> list[tuple[str, int]]:
    """Most frequent normalised questions among interaction rows of the given intents."""
    counts: Counter[str] = Counter()
    for row in rows:
        if row.get("intent") in intents:
            question = normalize_question(row.get("resolved_question") or row.get("question") or "")
            if question:
                counts[question] += 1
    return counts.most_common(top)
