"""What-if corrections (`--assume`, `?assume=`): shown in the answer, audited, never written to the registry."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.adapters.sql_registry import SqlRegistry
from assistant.adapters.state import InMemoryStateStore
from assistant.cli import cli
from assistant.eligibility.assume import apply_assumptions
from assistant.errors import EligibilityInputError
from assistant.registry.access import RegistryAccess
from assistant.registry.records import household_to_dict
from tests.support.registry_fixtures import AS_OF, couple, household, member


def _family():
    grandpa = member("Mbah Karto", 50, "L", "orang_tua", disability=None)
    return household(*couple(40), grandpa, desil=3)


def test_assumption_changes_the_outcome_but_not_the_registry(tmp_path):
    h = _family()
    registry = SqlRegistry.sqlite(tmp_path / "r.sqlite3")
    try:
        registry.add_households([h])
        access = RegistryAccess(registry, InMemoryStateStore())
        plain = access.facilitator_status(actor="f", regions=["3204"], nik=h.members[0].nik, as_of=AS_OF.isoformat())
        assert plain.program("PKH").status == "unknown"  # grandpa's disability could decide it
        what_if = access.facilitator_status(actor="f", regions=["3204"], nik=h.members[0].nik,
                                            as_of=AS_OF.isoformat(), assume=["members[2].disability=berat"])
        pkh = what_if.program("PKH")
        assert pkh.status == "eligible" and pkh.annual_amount == 2_400_000
        assert what_if.assumptions == ("status disabilitas M*** K**** = berat",)
        assert registry.get_household_by_nik(h.members[0].nik) == h  # never written
        assert registry.audit_entries(1)[0].purpose == "facilitator_what_if"
    finally:
        registry.close()


@pytest.mark.parametrize("bad", ["members[9].disability=berat", "members[0].gaji=5", "members[2].disability=parah",
                                 "desil=11", "tanpa tanda sama dengan", "members[0].nik=3204"])
def test_bad_assumptions_are_refused_in_indonesian(bad):
    with pytest.raises(EligibilityInputError) as err:
        apply_assumptions(_family(), [bad])
    assert err.value.args[0].endswith(".")


def test_cli_assume_prints_the_changed_outcome(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for key in ("ASSISTANT_REGISTRY__URL", "ASSISTANT_REGISTRY__ELIGIBILITY_PARAMETERS"):
        monkeypatch.delenv(key, raising=False)
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "data")}
    h = _family()
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(household_to_dict(h)) + "\n")
    runner = CliRunner()
    assert runner.invoke(cli, ["registry", "import", str(src)], env=env).exit_code == 0
    nik = h.members[0].nik
    out = runner.invoke(cli, ["eligibility", nik, "--as-of", AS_OF.isoformat(), "--assume",
                              "members[2].disability=berat"], env=env)
    assert out.exit_code == 0, out.output
    assert "ANDAIAN (tidak disimpan): status disabilitas M*** K**** = berat" in out.output
    assert "PKH: memenuhi syarat" in out.output
    data = json.loads(runner.invoke(cli, ["eligibility", nik, "--as-of", AS_OF.isoformat(), "--json"],
                                    env=env).output)
    assert data["assumptions"] == [] and data["programs"][0]["status"] == "unknown"
    bad = runner.invoke(cli, ["eligibility", nik, "--assume", "members[7].disability=berat"], env=env)
    assert bad.exit_code != 0 and "Anggota ke-7 tidak ada" in bad.output
