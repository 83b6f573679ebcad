"""Worklist benchmark: households/s for each worklist over one regency of a 1,000,000-household seed.

    python bench/worklist_bench.py                          # seed 1,000,000 into SQLite and PostgreSQL, then time
    python bench/worklist_bench.py --keep                   # reuse the databases seeded by a previous run
    python bench/worklist_bench.py --households 100000      # quicker

Seeds like bench/registry_bench.py (SQLite in --data-dir, PostgreSQL schema ``worklist_bench``), picks
the largest regency (4-digit region code) unless --region is given, and times, cold cache, the full
path a facilitator's request takes: stream the region from the registry (keyset pages on the
(region_code, kk) index, only the households the worklist's filter admits) and evaluate every household
streamed into a ranked worklist. Also times the whole region's stream alone, so the database and the rules
can be told apart, and each worklist as a ratio to it (robust on a shared machine), with how many
households it streamed, the CPU seconds of this process and the load average. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date
from pathlib import Path

import registry_bench
import sqlalchemy as sa
from registry_bench import seed

from assistant.adapters.registry_tables import households
from assistant.adapters.sql_registry import SqlRegistry
from assistant.eligibility.parameters import Parameters
from assistant.worklists.access import WorklistAccess
from assistant.worklists.rows import KINDS

SCHEMA = "worklist_bench"


def open_backend(name: str, args: argparse.Namespace) -> SqlRegistry:
    return registry_bench.open_backend(name, args, args.schema)


def load() -> str:
    """The 1/5/15-minute load averages (the machine may be shared: read figures against them)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def largest_regency(registry: SqlRegistry) -> tuple[str, int]:
    code = sa.func.substr(households.c.region_code, 1, 4)
    query = sa.select(code, sa.func.count()).group_by(code).order_by(sa.func.count().desc()).limit(1)
    with registry.engine.connect() as conn:
        region, count = conn.execute(query).one()
    return str(region), int(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/assistant-worklist-bench"))
    parser.add_argument("--pg-url", default="postgresql://root@127.0.0.1:5432/test")
    parser.add_argument("--schema", default=SCHEMA, help="PostgreSQL schema to seed into")
    parser.add_argument("--keep", action="store_true", help="reuse an already seeded database")
    parser.add_argument("--region", default=None, help="region code prefix (default: the largest regency)")
    parser.add_argument("--page", type=int, default=2000, help="households per registry page")
    parser.add_argument("--as-of", default="2026-01-01")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    params = Parameters.load()
    print(f"worklist bench: {args.households:,}-household seed {args.seed}, as of {args.as_of}, "
          f"pages of {args.page}")
    for name in args.backends.split(","):
        registry = open_backend(name, args)
        if not (args.keep and registry.count_households()):
            seconds, _ = seed(registry, args.households, args.seed, args.batch, sample_every=10**9)
            print(f"{name:9s} seeded {registry.count_households():,} households in {seconds:.1f} s")
            if name == "postgres":  # statistics and visibility map after a bulk COPY, as an operator would
                with registry.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    for table in ("households", "members", "enrollments"):
                        conn.exec_driver_sql(f"VACUUM ANALYZE {table}")
        region, size = (args.region, registry.count_region(args.region)) if args.region else largest_regency(registry)
        print(f"{name:9s} load average {load()}")
        started, cpu = time.perf_counter(), time.process_time()
        streamed = sum(1 for _ in registry.iter_region(region, batch_size=args.page))
        stream_s, stream_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"{name:9s} region {region}: {size:,} households; stream only {stream_s:.2f} s "
              f"({streamed / stream_s:,.0f} households/s; this process {stream_cpu:.2f} s CPU)")
        for kind in KINDS:
            access = WorklistAccess(registry, params, cache_seconds=0)
            started, cpu = time.perf_counter(), time.process_time()
            result = access.build(kind, region, as_of=date.fromisoformat(args.as_of), batch_size=args.page)
            took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
            admitted = access.count(kind, region, as_of=args.as_of)
            print(f"{name:9s} {kind:10s} {result.households_read:,} households ({admitted:,} streamed) -> "
                  f"{len(result.rows):,} rows in "
                  f"{took:.2f} s = {result.households_read / took:,.0f} households/s "
                  f"(100,000 households: {100_000 / (result.households_read / took):.1f} s; "
                  f"{took / stream_s:.2f}x stream only; this process {took_cpu:.2f} s CPU)")
        print(f"{name:9s} load average {load()}")
        registry.close()


if __name__ == "__main__":
    main()
