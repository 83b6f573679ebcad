"""National worklist batch on Dask: the same pure ``evaluate_worklist`` over a Parquet-by-province extract.

Why Dask (dask.distributed): the work is a plain Python function over independent partitions (one
province's households), which is exactly ``client.map``; the scheduler runs the same code on a laptop
(``LocalCluster``) and on many machines (``dask scheduler`` + ``dask worker`` over SSH, Kubernetes,
YARN or an HPC queue) with no JVM (Spark) and no actor runtime (Ray) to operate, and it reads Parquet
natively. Workers need only this package and the extract on a shared path or object store.

Extract layout: ``<dir>/province=<2 digits>/part-<n>.parquet`` with columns ``kk``, ``region_code`` and
``record`` (the household as the JSON Lines import shape), so any registry can produce it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from assistant.errors import ConfigurationError
from assistant.models import Household
from assistant.registry.records import household_from_dict, household_to_dict

ROWS_PER_FILE = 50_000


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigurationError("Batch nasional butuh pyarrow dan dask: pip install 'assistant[batch]' (make setup installs it).") from None
    return pa, pq


def write_extract(households: Iterable[Household], out: Path, rows_per_file: int = ROWS_PER_FILE) -> int:
    """Write a Parquet-by-province extract from any household stream; returns how many were written."""
    pa, pq = _pyarrow()
    buffers: dict[str, list[Household]] = {}
    parts: dict[str, int] = {}
    total = 0

    def flush(province: str) -> None:
        batch = buffers.pop(province, [])
        if not batch:
            return
        folder = out / f"province={province}"
        folder.mkdir(parents=True, exist_ok=True)
        table = pa.table({"kk": [h.kk for h in batch], "region_code": [h.region_code for h in batch],
                          "record": [json.dumps(household_to_dict(h), ensure_ascii=False) for h in batch]})
        pq.write_table(table, folder / f"part-{parts.get(province, 0):05d}.parquet", compression="zstd")
        parts[province] = parts.get(province, 0) + 1

    for h in households:
        province = h.region_code[:2]
        buffers.setdefault(province, []).append(h)
        total += 1
        if len(buffers[province]) >= rows_per_file:
            flush(province)
    for province in list(buffers):
        flush(province)
    return total


def extract_files(extract: Path, region: str = "") -> list[Path]:
    """The Parquet files of the provinces a region prefix can touch (all of them for a national run)."""
    files = sorted(extract.glob("province=*/*.parquet"))
    return [f for f in files if f.parent.name.split("=", 1)[1].startswith(region[:2])] if region else files


def read_households(path: Path, region: str = "") -> Iterator[Household]:
    _, pq = _pyarrow()
    table = pq.read_table(path, columns=["region_code", "record"])
    for code, record in zip(table.column("region_code").to_pylist(), table.column("record").to_pylist(),
                            strict=True):
        if code.startswith(region):
            yield household_from_dict(json.loads(record))


def evaluate_file(path: str, kind: str, region: str, as_of: str, within_months: int,
                  parameters_file: str | None) -> tuple[int, list[dict[str, Any]]]:
    """One partition on a worker: households read, and its rows (unranked, with their sort keys)."""
    from assistant.eligibility.parameters import Parameters
    from assistant.worklists.evaluate import evaluate_worklist

    params = Parameters.load(Path(parameters_file) if parameters_file else None)
    read = 0

    def counted(n: int) -> None:
        nonlocal read
        read = n

    rows = evaluate_worklist(kind, read_households(Path(path), region), region=region,  # type: ignore[arg-type]
                             as_of=date.fromisoformat(as_of), params=params, within_months=within_months,
                             progress=counted)
    return read, [{"sort_key": list(r.sort_key), **r.to_dict()} for r in rows]


@dataclass(frozen=True, slots=True)
class BatchResult:
    rows: list[dict[str, Any]]
    households_read: int
    files: int
    workers: int
    seconds: float


def run_batch(extract: Path, kind: str, *, as_of: date, region: str = "", within_months: int = 3,
              workers: int = 2, scheduler: str | None = None, parameters_file: Path | None = None) -> BatchResult:
    """Evaluate every partition on a Dask cluster and rank the rows nationally (or within ``region``).

    ``scheduler``: address of a running cluster (``tcp://host:8786``); empty starts a LocalCluster of
    ``workers`` single-threaded worker processes on this machine.
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ConfigurationError("Batch nasional butuh dask[distributed]: pip install 'assistant[batch]' (make setup installs it).") from None
    files = extract_files(extract, region)
    if not files:
        raise ConfigurationError(f"Tidak ada berkas Parquet di {extract} untuk wilayah '{region or 'semua'}'.")
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                  dashboard_address=None, host="127.0.0.1")
    client = Client(scheduler or cluster)
    try:
        started = time.perf_counter()
        futures = client.map(evaluate_file, [str(f) for f in files], kind=kind, region=region, as_of=as_of.isoformat(),
                             within_months=within_months,
                             parameters_file=str(parameters_file) if parameters_file else None, pure=False)
        parts = client.gather(futures)
        seconds = time.perf_counter() - started
        n_workers = len(client.scheduler_info()["workers"])
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    rows = [row for _, part in parts for row in part]
    rows.sort(key=lambda r: (r["sort_key"], r["region_code"], r["kk"]))
    for i, row in enumerate(rows, 1):
        row["rank"] = i
        del row["sort_key"]
    return BatchResult(rows, sum(read for read, _ in parts), len(files), n_workers, seconds)
