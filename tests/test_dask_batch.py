"""The national batch: Parquet-by-province extract, the same worklist function on a local Dask cluster."""

from __future__ import annotations

import pytest

from assistant.adapters.dask_batch import extract_files, read_households, run_batch, write_extract
from assistant.eligibility.parameters import Parameters
from assistant.worklists.evaluate import evaluate_worklist
from tests.support.registry_fixtures import AS_OF
from tests.support.worklist_fixtures import region_households

pytestmark = pytest.mark.slow


def test_extract_round_trips_by_province(tmp_path):
    hs = list(region_households().values())
    assert write_extract(hs, tmp_path / "x", rows_per_file=4) == len(hs)
    files = extract_files(tmp_path / "x")
    assert {f.parent.name for f in files} == {"province=32", "province=33"}
    assert len(extract_files(tmp_path / "x", "3301")) == 1
    back = [h for f in files for h in read_households(f)]
    assert sorted(back, key=lambda h: h.kk) == sorted(hs, key=lambda h: h.kk)


def test_cluster_run_ranks_exactly_like_the_local_function(tmp_path):
    hs = list(region_households().values())
    write_extract(hs, tmp_path / "x", rows_per_file=3)
    result = run_batch(tmp_path / "x", "krs-pkh", as_of=AS_OF, region="3204", workers=1)
    local = evaluate_worklist("krs-pkh", hs, region="3204", as_of=AS_OF, params=Parameters.load())
    in_province = sum(h.region_code.startswith("32") for h in hs)  # the region's province files are read whole
    assert in_province < len(hs)
    assert result.households_read == in_province and result.workers == 1
    assert result.rows == [r.to_dict() for r in local]
