"""Registry benchmark: seed N synthetic households, then time lookup-by-NIK and full evaluation, warm.

    python bench/registry_bench.py                      # 1,000,000 households, SQLite and PostgreSQL
    python bench/registry_bench.py --households 100000  # quicker
    python bench/registry_bench.py --backends sqlite --keep   # reuse an already seeded database

SQLite goes to --data-dir (default /tmp/assistant-registry-bench); PostgreSQL to schema
``registry_bench`` of --pg-url (dropped and recreated unless --keep). Prints the seed time and the
p50/p95 of (a) lookup by NIK and (b) lookup + evaluation of every program + the JSON report.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date
from pathlib import Path

from stats import format_ms

from assistant.adapters.sql_registry import SqlRegistry
from assistant.eligibility.engine import assess
from assistant.eligibility.parameters import Parameters
from assistant.registry.seed import generate

SCHEMA = "registry_bench"


def seed(registry: SqlRegistry, n: int, seed_value: int, batch: int, sample_every: int) -> tuple[float, list[str]]:
    started = time.perf_counter()
    niks: list[str] = []
    buf = []
    for i, h in enumerate(generate(n, seed_value)):
        if i % sample_every == 0:
            niks.append(h.members[i % len(h.members)].nik)
        buf.append(h)
        if len(buf) >= batch:
            registry.add_households(buf, replace=False)
            buf = []
    if buf:
        registry.add_households(buf, replace=False)
    return time.perf_counter() - started, niks


def measure(registry: SqlRegistry, niks: list[str], lookups: int,
            on: date) -> tuple[list[float], list[float]]:
    """Warm latencies (ms) of (a) lookup by NIK and (b) lookup + evaluation + report."""
    params = Parameters.load()
    rng = random.Random(7)
    for nik in rng.sample(niks, min(200, len(niks))):  # warm caches, pools, prepared statements
        registry.get_household_by_nik(nik)
    lookup_ms, full_ms = [], []
    for nik in (rng.choice(niks) for _ in range(lookups)):
        t0 = time.perf_counter()
        h = registry.get_household_by_nik(nik)
        t1 = time.perf_counter()
        assert h is not None
        assess(h, on, params).to_dict()
        t2 = time.perf_counter()
        lookup_ms.append((t1 - t0) * 1000)
        full_ms.append((t2 - t0) * 1000)
    return lookup_ms, full_ms


def sample_existing(registry: SqlRegistry, k: int) -> list[str]:
    import sqlalchemy as sa

    from assistant.adapters.registry_tables import members

    with registry.engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(members)).scalar() or 0
        step = max(1, total // k)
        rows = conn.execute(sa.select(members.c.nik).order_by(members.c.nik)).scalars()
        return [nik for i, nik in enumerate(rows) if i % step == 0]


def open_backend(name: str, args: argparse.Namespace, schema: str = SCHEMA) -> SqlRegistry:
    """A fresh (or, with --keep, the kept) registry: a SQLite file in the data dir or a PostgreSQL schema."""
    if name == "sqlite":
        path = args.data_dir / "registry.sqlite3"
        if not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return SqlRegistry.sqlite(path)
    import psycopg

    with psycopg.connect(args.pg_url, autocommit=True) as conn:
        if not args.keep:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    # a whole-region request runs many page queries; the statement limit is per query and stays at its default
    return SqlRegistry(args.pg_url, schema=schema)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lookups", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/assistant-registry-bench"))
    parser.add_argument("--pg-url", default="postgresql://root@127.0.0.1:5432/test")
    parser.add_argument("--keep", action="store_true", help="reuse an already seeded database")
    parser.add_argument("--as-of", default="2026-01-01")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    on = date.fromisoformat(args.as_of)
    print(f"registry bench: {args.households:,} households, seed {args.seed}, {args.lookups} timed lookups (warm)")
    for name in args.backends.split(","):
        registry = open_backend(name, args)
        if args.keep and registry.count_households():
            seed_s, niks = float("nan"), sample_existing(registry, 5000)
        else:
            seed_s, niks = seed(registry, args.households, args.seed, args.batch,
                                sample_every=max(1, args.households // 5000))
        count = registry.count_households()
        lookup_ms, full_ms = measure(registry, niks, args.lookups, on)
        rate = count / seed_s if seed_s == seed_s else float("nan")
        print(f"{name:9s} households={count:,} seed={seed_s:.1f}s ({rate:,.0f}/s)  "
              f"lookup {format_ms(lookup_ms)}  lookup+eval {format_ms(full_ms)}")
        registry.close()


if __name__ == "__main__":
    main()
