"""Answer-quality suites: JSON Lines, one case per line, validated strictly with line numbers.

A line looks like::

    {"id": "pkh-besaran-1", "question": "Berapa bantuan PKH untuk ibu hamil?",
     "audience": "citizen", "program": "pkh",
     "must_include": [["Rp3.000.000", "3 juta"]], "must_not_include": ["biaya pendaftaran"],
     "should_refuse": false, "expected_sources": ["pkh-besaran"]}

``question_type`` (optional) tags the kind of question (amount, definition, list, ...) for the
report's per-type breakdown. ``question`` may be replaced by ``turns`` (a list of messages sent in one conversation; only the
reply to the last turn is scored). Every field but ``id`` and ``question``/``turns`` is optional;
an empty ``expected_sources`` list is the same as leaving the field out (retrieval not scored).
Blank lines are skipped. Unknown fields, bad JSON, wrong types and duplicate ids are errors; all
errors of a file are collected and reported together, each with its file and line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import InputError

AUDIENCES = ("citizen", "facilitator")
KNOWN_FIELDS = frozenset(
    {
        "id",
        "question",
        "turns",
        "audience",
        "program",
        "must_include",
        "must_not_include",
        "should_refuse",
        "expected_sources",
        "question_type",
    }
)


@dataclass(frozen=True, slots=True)
class Case:
    """One evaluation case. ``should_refuse`` None means "not stated": the answer must not decline."""

    id: str
    turns: tuple[str, ...]
    audience: str = "citizen"
    program: str = ""
    must_include: tuple[tuple[str, ...], ...] = ()
    must_not_include: tuple[str, ...] = ()
    should_refuse: bool | None = None
    expected_sources: tuple[str, ...] | None = None
    question_type: str = ""  # free tag for the per-type breakdown (amount, definition, list, ...)
    origin: str = ""  # "file:line", for messages

    @property
    def question(self) -> str:
        """The scored message: the last turn."""
        return self.turns[-1]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        if len(self.turns) == 1:
            data["question"] = self.turns[0]
        else:
            data["turns"] = list(self.turns)
        data["audience"] = self.audience
        if self.program:
            data["program"] = self.program
        if self.question_type:
            data["question_type"] = self.question_type
        if self.must_include:
            data["must_include"] = [list(group) for group in self.must_include]
        if self.must_not_include:
            data["must_not_include"] = list(self.must_not_include)
        if self.should_refuse is not None:
            data["should_refuse"] = self.should_refuse
        if self.expected_sources is not None:
            data["expected_sources"] = list(self.expected_sources)
        return data


class SuiteError(InputError):
    """A suite file is invalid. ``problems`` holds (origin, message) pairs, origin as "file:line"."""

    code = "invalid_suite"

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        lines = [f"{origin}: {message}" for origin, message in self.problems]
        super().__init__("Berkas suite tidak valid:\n" + "\n".join(lines))


class _CaseProblem(Exception):
    """Internal: one problem found in one line."""


def _string(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _CaseProblem(f"kolom '{field}' harus berupa teks yang tidak kosong")
    return value


def _string_list(value: Any, field: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _CaseProblem(f"kolom '{field}' harus berupa daftar teks")
    return tuple(_string(item, field) for item in value)


def _groups(value: Any) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list):
        raise _CaseProblem("kolom 'must_include' harus berupa daftar grup, mis. [[\"Rp3.000.000\", \"3 juta\"]]")
    groups = []
    for group in value:
        if not isinstance(group, list) or not group:
            raise _CaseProblem(
                "setiap grup di 'must_include' harus berupa daftar alternatif yang tidak kosong, "
                "mis. [[\"PKH\"], [\"pendamping\", \"pendamping sosial\"]]"
            )
        groups.append(_string_list(group, "must_include"))
    return tuple(groups)


def parse_case(data: Any, origin: str = "") -> Case:
    """Validate one decoded JSON object and build a :class:`Case`.

    Raises:
        SuiteError: with a single problem at ``origin``.
    """
    try:
        return _parse_case(data, origin)
    except _CaseProblem as exc:
        raise SuiteError([(origin, str(exc))]) from None


def _parse_case(data: Any, origin: str) -> Case:
    if not isinstance(data, dict):
        raise _CaseProblem("setiap baris harus berupa objek JSON {...}")
    unknown = sorted(set(data) - KNOWN_FIELDS)
    if unknown:
        names = ", ".join(f"'{name}'" for name in unknown)
        raise _CaseProblem(f"kolom tidak dikenal: {names} (yang dikenal: {', '.join(sorted(KNOWN_FIELDS))})")
    if "id" not in data:
        raise _CaseProblem("kolom 'id' wajib ada")
    case_id = _string(data["id"], "id")
    has_question, has_turns = "question" in data, "turns" in data
    if has_question and has_turns:
        raise _CaseProblem("isi 'question' atau 'turns', jangan keduanya")
    if has_question:
        turns: tuple[str, ...] = (_string(data["question"], "question"),)
    elif has_turns:
        turns = _string_list(data["turns"], "turns")
        if not turns:
            raise _CaseProblem("kolom 'turns' tidak boleh kosong")
    else:
        raise _CaseProblem("kolom 'question' (atau 'turns') wajib ada")
    audience = data.get("audience", "citizen")
    if audience not in AUDIENCES:
        raise _CaseProblem("kolom 'audience' harus 'citizen' atau 'facilitator'")
    program = data.get("program", "")
    if not isinstance(program, str):
        raise _CaseProblem("kolom 'program' harus berupa teks")
    question_type = data.get("question_type", "")
    if not isinstance(question_type, str):
        raise _CaseProblem("kolom 'question_type' harus berupa teks")
    should_refuse = data.get("should_refuse")
    if should_refuse is not None and not isinstance(should_refuse, bool):
        raise _CaseProblem("kolom 'should_refuse' harus true atau false")
    expected_sources = data.get("expected_sources")
    if expected_sources is not None:
        # an empty list means "no source expected" (e.g. out-of-scope questions): not scored
        expected_sources = _string_list(expected_sources, "expected_sources") or None
    return Case(
        id=case_id,
        turns=turns,
        audience=audience,
        program=program.strip(),
        must_include=_groups(data.get("must_include", [])),
        must_not_include=_string_list(data.get("must_not_include", []), "must_not_include"),
        should_refuse=should_refuse,
        expected_sources=expected_sources,
        question_type=question_type.strip(),
        origin=origin,
    )


def parse_lines(lines: Iterable[str], name: str) -> list[Case]:
    """Parse JSON Lines text (``name`` is used in messages). Collects every problem before raising.

    Raises:
        SuiteError: listing each invalid line as "name:line: message".
    """
    cases: list[Case] = []
    problems: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        origin = f"{name}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append((origin, f"JSON tidak valid ({exc.msg}, kolom {exc.colno})"))
            continue
        try:
            cases.append(_parse_case(data, origin))
        except _CaseProblem as exc:
            problems.append((origin, str(exc)))
    if problems:
        raise SuiteError(problems)
    return cases


def load_suite(path: Path | str) -> list[Case]:
    """Load and validate one suite file.

    Raises:
        InputError: the file cannot be read.
        SuiteError: the file has invalid lines.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Berkas suite {path} tidak bisa dibaca: {exc}") from exc
    return parse_lines(text.splitlines(), str(path))


def load_suites(paths: Sequence[Path | str]) -> list[Case]:
    """Load several suites in order; a case id must be unique across all of them.

    Raises:
        SuiteError: invalid lines or duplicate ids (both places are named).
    """
    cases: list[Case] = []
    problems: list[tuple[str, str]] = []
    for path in paths:
        try:
            cases.extend(load_suite(path))
        except SuiteError as exc:
            problems.extend(exc.problems)
    seen: dict[str, str] = {}
    for case in cases:
        if case.id in seen:
            problems.append((case.origin, f"id '{case.id}' sudah dipakai di {seen[case.id]}"))
        else:
            seen[case.id] = case.origin
    if problems:
        raise SuiteError(problems)
    return cases
