"""Worklists end to end: registry stream (SQLite, PostgreSQL), region gate and audit, CLI and API."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from assistant.adapters.sql_registry import SqlRegistry
from assistant.cli import cli
from assistant.eligibility.parameters import Parameters
from assistant.errors import AccessDeniedError, InputError, NotFoundError
from assistant.registry.records import household_to_dict
from assistant.worklists.access import WorklistAccess
from assistant.worklists.evaluate import evaluate_worklist, region_filter
from tests.support.registry_fixtures import AS_OF, PG_URL, postgres_schema
from tests.support.worklist_fixtures import region_households
from tests.test_api_support import make_harness

P = Parameters.load()
ON = AS_OF.isoformat()
HS = region_households()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def registry(request, tmp_path):
    if request.param == "sqlite":
        reg = SqlRegistry.sqlite(tmp_path / "r.sqlite3")
        reg.add_households(HS.values())
        yield reg
        reg.close()
        return
    with postgres_schema() as schema:
        reg = SqlRegistry(PG_URL, schema=schema)
        reg.add_households(HS.values())
        yield reg
        reg.close()


def test_stream_gives_the_same_rows_as_the_pure_function(registry):
    access = WorklistAccess(registry, P)
    for kind in ("krs-pkh", "graduation", "data-gaps"):
        built = access.build(kind, "3204", as_of=ON, batch_size=2)
        expected = evaluate_worklist(kind, list(HS.values()), region="3204", as_of=AS_OF, params=P)
        assert [r.to_dict() for r in built.rows] == [r.to_dict() for r in expected]
        assert built.households_read == len(HS) - 1  # only region 3204 was read (one fixture lies in 3301)


def test_facilitators_see_their_regions_only_and_everything_is_audited(registry):
    access = WorklistAccess(registry, P)
    result = access.facilitator_worklist(actor="fasil-1", regions=["3204"], kind="krs-pkh", region="320401", as_of=ON)
    assert len(result.rows) == 3
    entry = registry.audit_entries(1)[0]
    assert (entry.actor, entry.purpose, entry.outcome, entry.nik_masked) == (
        "fasil-1", "worklist:krs-pkh:320401", "ok:3", "-")
    with pytest.raises(AccessDeniedError):
        access.facilitator_worklist(actor="fasil-1", regions=["3204"], kind="krs-pkh", region="3301", as_of=ON)
    assert registry.audit_entries(1)[0].outcome == "denied_region"
    with pytest.raises(AccessDeniedError):  # a wider region than the key covers
        access.facilitator_worklist(actor="fasil-1", regions=["3204"], kind="krs-pkh", region="32", as_of=ON)
    row, household = access.open_household(actor="fasil-1", regions=["3204"], kind="krs-pkh", region="3204",
                                            rank=1, as_of=ON)
    assert row.rank == 1 and household.members[0].nik == row.key_nik  # unmasked, for this facilitator only
    opened = registry.audit_entries(1)[0]
    assert opened.purpose == "worklist_open:krs-pkh" and opened.nik_masked == row.head_nik
    with pytest.raises(NotFoundError):
        access.open_household(actor="fasil-1", regions=["3204"], kind="krs-pkh", region="3204", rank=99, as_of=ON)
    for bad in ({"kind": "semua", "region": "3204"}, {"kind": "krs-pkh", "region": "32a4"}):
        with pytest.raises(InputError):
            access.facilitator_worklist(actor="fasil-1", regions=["3204"], as_of=ON, **bad)


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for key in ("ASSISTANT_REGISTRY__URL", "ASSISTANT_REGISTRY__ELIGIBILITY_PARAMETERS"):
        monkeypatch.delenv(key, raising=False)
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "data")}
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(household_to_dict(h)) + "\n" for h in HS.values()))
    runner = CliRunner()
    assert runner.invoke(cli, ["registry", "import", str(src)], env=env).exit_code == 0
    return lambda *args: runner.invoke(cli, list(args), env=env)


def test_cli_table_csv_json_and_out(run, tmp_path):
    table = run("worklist", "krs-pkh", "--region", "3204", "--as-of", ON)
    assert table.exit_code == 0, table.output
    # the progress bar counts the households the registry's query admits, of the region's
    admitted = sum(region_filter("krs-pkh", AS_OF, P).admits(h) for h in HS.values() if h.region_code[:4] == "3204")
    assert 0 < admitted < len(HS) - 1 and f"Memeriksa {admitted} dari {len(HS) - 1} keluarga" in table.stderr
    assert "Keluarga berisiko stunting yang belum menerima PKH — wilayah 3204, per 2025-07-01" in table.output
    assert f"3 keluarga dari {len(HS) - 1} yang dibaca" in table.stdout and "   1. KK 3204********" in table.output
    assert "prioritas: ada ibu hamil" in table.output and "dokumen: stunting-krs-kriteria" in table.output
    out = tmp_path / "grad.csv"
    done = run("worklist", "graduation", "--region", "3204", "--as-of", ON, "--within-months", "2",
               "--format", "csv", "--out", str(out))
    assert done.exit_code == 0 and "4 baris ditulis" in done.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert rows[1]["tanggal_berakhir"] == "2025-08-01" and rows[1]["pkh"] == "memenuhi syarat"
    data = json.loads(run("worklist", "data-gaps", "--region", "3204", "--as-of", ON, "--format", "json").stdout)
    assert data["rows"][0]["settles"] == 4 and data["priority_rule"].startswith("urutan:")
    bad = run("worklist", "krs-pkh", "--region", "abc")
    assert bad.exit_code != 0 and "Kode wilayah" in bad.output


def test_api_paged_csv_region_scoped_audited_and_open(tmp_path):
    h = make_harness(tmp_path)
    h.services.registry.add_households(HS.values())
    params = {"region": "3204", "as_of": ON}
    page = h.client.get("/v1/worklists/krs-pkh", headers=h.facilitator, params={**params, "page_size": 2})
    assert page.status_code == 200, page.text
    body = page.json()
    assert (body["total"], body["page"], len(body["rows"])) == (3, 1, 2)
    assert body["rows"][0]["pkh_status_text"] == "memenuhi syarat" and body["rows"][0]["sources"]
    second = h.client.get("/v1/worklists/krs-pkh", headers=h.facilitator, params={**params, "page": 2,
                                                                                   "page_size": 2}).json()
    assert [r["rank"] for r in second["rows"]] == [3]
    download = h.client.get("/v1/worklists/graduation", headers=h.facilitator, params={**params, "format": "csv"})
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"] and "tanggal_berakhir" in download.text
    denied = h.client.get("/v1/worklists/krs-pkh", headers=h.facilitator, params={"region": "3301"})
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "out_of_region"
    assert h.client.get("/v1/worklists/krs-pkh", params=params).status_code == 401
    assert h.client.get("/v1/worklists/semua", headers=h.facilitator, params=params).status_code == 422
    opened = h.client.get("/v1/worklists/krs-pkh/rows/1", headers=h.facilitator, params=params)
    assert opened.status_code == 200
    nik = opened.json()["household"]["members"][0]["nik"]
    assert len(nik) == 16 and "*" not in nik and opened.json()["row"]["rank"] == 1
    audit = [(e.purpose, e.outcome) for e in h.services.registry.audit_entries(10)]
    assert ("worklist_open:krs-pkh", "ok") in audit and ("worklist:krs-pkh:3204", "ok:3") in audit
    assert ("worklist:krs-pkh:3301", "denied_region") in audit
    spec = h.client.get("/openapi.json").json()
    assert "/v1/worklists/{kind}" in spec["paths"] and "/v1/worklists/{kind}/rows/{rank}" in spec["paths"]
