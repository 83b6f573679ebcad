"""Suite loading and validation: every problem is reported with its file and line number."""

from __future__ import annotations

import json

import pytest

from assistant.errors import InputError
from assistant.evaluation.suite import Case, SuiteError, load_suite, load_suites


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_valid_suite_parses_with_defaults(tmp_path):
    path = _write(
        tmp_path / "s.jsonl",
        [
            json.dumps({"id": "a", "question": "Apa itu PKH?"}),
            "",
            json.dumps(
                {
                    "id": "b",
                    "turns": ["Apa itu PKH?", "Berapa besarnya?"],
                    "audience": "facilitator",
                    "program": "pkh",
                    "must_include": [["Rp3.000.000", "3 juta"], ["pendamping"]],
                    "must_not_include": ["biaya"],
                    "should_refuse": False,
                    "expected_sources": ["pkh-besaran"],
                }
            ),
        ],
    )
    first, second = load_suite(path)
    assert first == Case(id="a", turns=("Apa itu PKH?",), origin=f"{path}:1")
    assert first.audience == "citizen" and first.should_refuse is None and first.expected_sources is None
    assert first.question_type == ""
    assert second.question == "Berapa besarnya?"
    assert second.turns == ("Apa itu PKH?", "Berapa besarnya?")
    assert second.must_include == (("Rp3.000.000", "3 juta"), ("pendamping",))
    assert second.expected_sources == ("pkh-besaran",)
    assert second.origin == f"{path}:3"  # blank line 2 still counts


def test_every_bad_line_is_reported_with_its_number(tmp_path):
    path = _write(
        tmp_path / "bad.jsonl",
        [
            json.dumps({"id": "ok", "question": "Apa itu PKH?"}),
            '{"id": "broken", "question": "tanpa kurung tutup"',
            json.dumps({"id": "typo", "question": "x", "mustinclude": [["a"]]}),
            json.dumps({"id": "noq"}),
            json.dumps({"id": "ok2", "question": "y"}),
        ],
    )
    with pytest.raises(SuiteError) as caught:
        load_suite(path)
    problems = dict(caught.value.problems)
    assert sorted(problems) == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert "JSON tidak valid" in problems[f"{path}:2"]
    assert "'mustinclude'" in problems[f"{path}:3"] and "tidak dikenal" in problems[f"{path}:3"]
    assert "'question'" in problems[f"{path}:4"]
    assert f"{path}:3: kolom tidak dikenal" in caught.value.message
    assert isinstance(caught.value, InputError) and caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("record", "fragment"),
    [
        ({"question": "x"}, "'id'"),
        ({"id": "a", "question": "x", "turns": ["y"]}, "jangan keduanya"),
        ({"id": "a", "turns": []}, "'turns'"),
        ({"id": "a", "question": "  "}, "'question'"),
        ({"id": "a", "question": "x", "audience": "admin"}, "'audience'"),
        ({"id": "a", "question": "x", "should_refuse": "ya"}, "'should_refuse'"),
        ({"id": "a", "question": "x", "must_include": ["flat"]}, "must_include"),
        ({"id": "a", "question": "x", "must_include": [[]]}, "must_include"),
        ({"id": "a", "question": "x", "must_not_include": "biaya"}, "'must_not_include'"),
        ({"id": "a", "question": "x", "expected_sources": "pkh"}, "'expected_sources'"),
        ({"id": "a", "question": "x", "question_type": ["list"]}, "'question_type'"),
        (["not", "an", "object"], "objek JSON"),
    ],
)
def test_type_errors_name_the_field(tmp_path, record, fragment):
    path = _write(tmp_path / "s.jsonl", [json.dumps(record)])
    with pytest.raises(SuiteError) as caught:
        load_suite(path)
    [(origin, message)] = caught.value.problems
    assert origin == f"{path}:1"
    assert fragment in message


def test_empty_expected_sources_means_not_scored(tmp_path):
    [case] = load_suite(_write(tmp_path / "s.jsonl", [json.dumps({"id": "a", "question": "x", "expected_sources": []})]))
    assert case.expected_sources is None


def test_duplicate_ids_across_suites_name_both_places(tmp_path):
    one = _write(tmp_path / "one.jsonl", [json.dumps({"id": "a", "question": "x"})])
    two = _write(tmp_path / "two.jsonl", [json.dumps({"id": "b", "question": "y"}), json.dumps({"id": "a", "question": "z"})])
    with pytest.raises(SuiteError) as caught:
        load_suites([one, two])
    [(origin, message)] = caught.value.problems
    assert origin == f"{two}:2"
    assert f"{one}:1" in message


def test_unreadable_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        load_suite(tmp_path / "missing.jsonl")


def test_case_round_trips_through_to_dict(tmp_path):
    record = {
        "id": "b",
        "turns": ["a", "b"],
        "audience": "facilitator",
        "program": "pkh",
        "must_include": [["x", "y"]],
        "must_not_include": ["z"],
        "should_refuse": True,
        "expected_sources": ["d"],
        "question_type": "list",
    }
    [case] = load_suite(_write(tmp_path / "s.jsonl", [json.dumps(record)]))
    assert case.to_dict() == record
