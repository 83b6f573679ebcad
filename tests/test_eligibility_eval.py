"""`assistant eval-eligibility` on the shipped suite, and a failing case gives a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from assistant.cli import cli

EVALS = Path(__file__).resolve().parents[1] / "evals" / "eligibility"


def _invoke(tmp_path, households, cases):
    return CliRunner().invoke(cli, ["eval-eligibility", str(households), str(cases)],
                              env={"ASSISTANT_DATA_DIR": str(tmp_path)}, catch_exceptions=False)


def test_shipped_suite_passes_and_is_broad(tmp_path):
    cases = json.loads((EVALS / "cases.json").read_text())["cases"]
    assert len(cases) >= 25
    result = _invoke(tmp_path, EVALS / "households.jsonl", EVALS / "cases.json")
    assert result.exit_code == 0, result.output
    assert f"{len(cases)}/{len(cases)} kasus lulus" in result.output
    assert result.output.count("LULUS") == len(cases)
    covered = {c.get("pkh_status") for c in cases} | {c.get("krs_status") for c in cases}
    assert {"eligible", "not_eligible", "unknown", "at_risk", "not_at_risk"} <= covered


def test_wrong_expectation_fails_with_details(tmp_path):
    data = json.loads((EVALS / "cases.json").read_text())
    data["cases"] = data["cases"][:3]
    data["cases"][1]["pkh_annual"] = 1
    data["cases"].append({"case": "nik-tidak-ada", "nik": "3204011708900999", "pkh_status": "eligible"})
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps(data))
    result = _invoke(tmp_path, EVALS / "households.jsonl", cases)
    assert result.exit_code == 1
    assert "GAGAL  pkh-desil-4-batas-masih-layak" in result.output
    assert "pkh_annual: diharapkan 1, hasil 3000000" in result.output
    assert "2/4 kasus lulus" in result.output
