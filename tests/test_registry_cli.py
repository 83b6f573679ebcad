"""`assistant registry import/export/seed` and `assistant eligibility` end to end through the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.adapters.sql_registry import SqlRegistry
from assistant.cli import cli
from assistant.registry.records import household_to_dict
from tests.support.registry_fixtures import couple, household, member


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env
    for key in ("ASSISTANT_REGISTRY__URL", "ASSISTANT_REDIS_URL", "ASSISTANT_REGISTRY__ELIGIBILITY_PARAMETERS"):
        monkeypatch.delenv(key, raising=False)
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "data")}

    def invoke(*args):
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)

    return invoke


def _write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def test_import_export_round_trip(run, tmp_path):
    hs = [household(*couple(28, pregnant=True)), household(*couple(40), member("Andi", 3, "L", "anak"))]
    src = tmp_path / "in.jsonl"
    _write(src, [household_to_dict(h) for h in hs])
    result = run("registry", "import", str(src))
    assert result.exit_code == 0 and "2 rumah tangga ditambahkan, 0 diganti" in result.output
    out = tmp_path / "out.jsonl"
    assert run("registry", "export", str(out)).exit_code == 0
    exported = [json.loads(line) for line in out.read_text().splitlines()]
    assert exported == sorted((household_to_dict(h) for h in hs), key=lambda r: r["kk"])


def test_import_says_added_and_replaced_and_replaces_only_when_asked(run, tmp_path):
    first = household(*couple(28, pregnant=True), desil=3)
    src = tmp_path / "a.jsonl"
    _write(src, [household_to_dict(first)])
    assert "1 rumah tangga ditambahkan, 0 diganti" in run("registry", "import", str(src)).output
    changed = household_to_dict(first) | {"desil": 7}
    second = household(*couple(40))
    _write(src, [changed, household_to_dict(second)])
    refused = run("registry", "import", str(src))
    assert refused.exit_code != 0 and "1 dari 2 nomor KK di a.jsonl sudah ada" in refused.output
    assert "--replace" in refused.output
    out = tmp_path / "out.jsonl"
    run("registry", "export", str(out))
    assert [json.loads(x)["desil"] for x in out.read_text().splitlines()] == [3]  # nothing imported
    done = run("registry", "import", str(src), "--replace")
    assert done.exit_code == 0 and "1 rumah tangga ditambahkan, 1 diganti" in done.output
    run("registry", "export", str(out))
    assert sorted(json.loads(x)["desil"] for x in out.read_text().splitlines()) == [2, 7]


def test_readme_example_nik_exists_after_the_readme_seed_command(run):
    import re
    import shlex
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    seed = re.search(r"^\s*assistant (registry seed [^#\n]+)", readme, re.M)
    example = re.search(r"^\s*assistant eligibility (\d{16}) --as-of (\S+)", readme, re.M)
    assert seed and example
    assert run(*shlex.split(seed.group(1))).exit_code == 0
    shown = run("eligibility", example.group(1), "--as-of", example.group(2))
    assert shown.exit_code == 0, shown.output
    assert "PKH: memenuhi syarat" in shown.output


def test_import_with_errors_imports_nothing(run, tmp_path):
    good = household_to_dict(household(*couple(28)))
    bad = household_to_dict(household(*couple(30)))
    bad["members"][1]["birth_date"] = "1990-13-01"
    src = tmp_path / "in.jsonl"
    _write(src, [good, bad])
    result = run("registry", "import", str(src))
    assert result.exit_code == 2
    assert "baris 2" in result.output and "birth_date" in result.output
    assert bad["members"][1]["nik"] not in result.output
    reg = SqlRegistry.sqlite(tmp_path / "data" / "registry.sqlite3")
    assert reg.count_households() == 0
    reg.close()


def test_eligibility_json_and_text(run, tmp_path):
    h = household(*couple(28, pregnant=True), desil=3)
    src = tmp_path / "in.jsonl"
    _write(src, [household_to_dict(h)])
    run("registry", "import", str(src))
    result = run("eligibility", h.members[1].nik, "--as-of", "2025-07-01", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["kk"] == h.kk[:4] + "********" + h.kk[-4:] and data["desil"] == 3
    pkh = data["programs"][0]
    assert pkh == {**pkh, "program": "PKH", "status": "eligible", "annual_amount": 3_000_000,
                   "per_tahap_amount": 750_000, "missing": []}
    assert pkh["components"][0]["component"] == "ibu_hamil"
    assert {p["program"]: p["status"] for p in data["programs"]}["KRS"] == "not_at_risk"
    assert all(m.nik not in result.output for m in h.members)
    text = run("eligibility", h.members[1].nik, "--as-of", "2025-07-01")
    assert "PKH: memenuhi syarat" in text.output and "[pkh-kriteria-penerima]" in text.output
    reg = SqlRegistry.sqlite(tmp_path / "data" / "registry.sqlite3")
    assert reg.audit_entries(1)[0].role == "admin"
    reg.close()


def test_eligibility_unknown_and_invalid_nik(run):
    result = run("eligibility", "3204011708900999")
    assert result.exit_code == 5
    assert "tidak ditemukan" in result.output and "3204011708900999" not in result.output
    assert run("eligibility", "12345").exit_code == 2
    assert run("eligibility", "3204011708900001", "--as-of", "kemarin").exit_code == 2


def test_seed_command_is_deterministic(run, tmp_path):
    assert run("registry", "seed", "--households", "300", "--seed", "9").exit_code == 0
    out = tmp_path / "a.jsonl"
    run("registry", "export", str(out))
    assert len(out.read_text().splitlines()) == 300
    from assistant.registry.seed import generate

    assert sorted(json.loads(x)["kk"] for x in out.read_text().splitlines()) == sorted(
        h.kk for h in generate(300, 9))
