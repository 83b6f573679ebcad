"""The registry on SQLAlchemy: SQLite (embedded default) and PostgreSQL, schema by Alembic migrations."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from assistant.adapters.registry_tables import audit_log, enrollments, households, members
from assistant.adapters.sql_store import hold_migration_lock, open_engine
from assistant.errors import InputError, RegistryUnavailableError
from assistant.models import AuditEntry, Enrollment, Household, Member, RegionFilter

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_CHUNK = 500


class SqlRegistry:
    """Households, members, enrollments and the audit log in one SQL database.

    Args:
        url: SQLAlchemy or libpq-style URL (``sqlite:///path``, ``postgresql://user@host/db``).
        schema: PostgreSQL schema to work in (tests use one per run); ``None`` for the default.
        migrate: bring the schema to the newest migration on construction.
        connect_timeout: PostgreSQL: longest wait for a connection, new (libpq) or from the pool.
        statement_timeout: PostgreSQL: the server cancels a statement that runs longer.
    """

    def __init__(self, url: str, *, schema: str | None = None, migrate: bool = True,
                 connect_timeout: float = 3.0, statement_timeout: float = 5.0) -> None:
        self.engine = open_engine(url, schema=schema, connect_timeout=connect_timeout,
                                  statement_timeout=statement_timeout, unavailable=RegistryUnavailableError)
        self.dialect = self.engine.dialect.name
        if migrate:
            self.migrate()

    @classmethod
    def sqlite(cls, path: Path, **kwargs: Any) -> SqlRegistry:
        path.parent.mkdir(parents=True, exist_ok=True)
        return cls(f"sqlite:///{path}", **kwargs)

    # ------------------------------------------------------------------ schema

    def migrate(self, revision: str = "head") -> None:
        """Run the versioned Alembic migrations up to ``revision`` (idempotent)."""
        alembic_log = logging.getLogger("alembic")
        level = alembic_log.level
        if not log.isEnabledFor(logging.DEBUG):
            alembic_log.setLevel(logging.WARNING)  # "Context impl …" on every CLI call is noise
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        try:
            with self.engine.begin() as conn:
                hold_migration_lock(conn)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
        except (OperationalError, PoolTimeoutError) as exc:
            raise RegistryUnavailableError(
                f"Basis data registri tidak dapat dihubungi ({self.dialect}). Periksa ASSISTANT_REGISTRY__URL."
            ) from exc
        finally:
            alembic_log.setLevel(level)

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ Registry protocol

    def get_household_by_nik(self, nik: str) -> Household | None:
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(_BY_NIK, {"nik": nik}).all()
                if not rows:
                    return None
                kk = rows[0].kk
                found = conn.execute(_ENROLLMENTS_OF, {"kk": kk}).all()
            return _household(rows[0], rows, found)
        except (OperationalError, PoolTimeoutError) as exc:
            raise RegistryUnavailableError("Registri sedang tidak dapat dihubungi. Coba lagi nanti.") from exc

    def add_households(self, items: Iterable[Household], *, replace: bool = True) -> int:
        """Insert households in one transaction (all or nothing).

        With ``replace`` an existing KK is replaced, and a NIK recorded under another KK moves to the
        new one (a person who changed family card). Without it, existing keys are an error (fast path
        for seeding an empty registry).
        """
        batch = list(items)
        if not batch:
            return 0
        h_rows, m_rows, e_rows = _rows(batch)
        driver = self.engine.dialect.loaded_dbapi  # COPY raises driver errors, not SQLAlchemy ones
        try:
            with self.engine.begin() as conn:
                if replace:
                    self._delete(conn, [h.kk for h in batch], [r[0] for r in m_rows])
                self._bulk_insert(conn, households, h_rows)
                self._bulk_insert(conn, members, m_rows)
                self._bulk_insert(conn, enrollments, e_rows)
        except (IntegrityError, driver.IntegrityError):
            raise InputError(
                "Data bentrok dengan isi registri (KK atau NIK sudah ada). Tidak ada data yang disimpan."
            ) from None  # the driver error would carry the conflicting NIK
        except (OperationalError, driver.OperationalError) as exc:
            raise RegistryUnavailableError("Registri sedang tidak dapat dihubungi. Coba lagi nanti.") from exc
        return len(batch)

    def iter_households(self, batch_size: int = 1000, after: str = "") -> Iterator[Household]:
        """Households with KK after ``after`` in KK order, read page by page (keyset pagination)."""
        last = after
        while True:
            with self.engine.connect() as conn:
                kks = conn.execute(
                    sa.select(households.c.kk).where(households.c.kk > last).order_by(households.c.kk).limit(batch_size)
                ).scalars().all()
                if not kks:
                    return
                page = self._load(conn, list(kks))
            yield from page
            last = kks[-1]

    def iter_region(self, region: str, batch_size: int = 1000, after: str = "",
                    only: RegionFilter | None = None) -> Iterator[Household]:
        """Households of a region (code prefix) in (region_code, kk) order, keyset-paged on the composite index.

        ``only`` is applied in the query (on the page's keys), so the households it rules out are never loaded.
        """
        lo, hi = _prefix_range(region)
        condition, params = _filter_sql(only)
        key = sa.tuple_(_H.c.region_code, _H.c.kk)
        last: tuple[str, str] | None = None
        if after:
            with self.engine.connect() as conn:
                code = conn.execute(sa.select(households.c.region_code).where(households.c.kk == after)).scalar()
            last = (code, after) if code is not None else (lo, after)
        while True:
            query = _region_query(sa.select(_H.c.region_code, _H.c.kk), lo, hi, condition, params)
            if last is not None:
                query = query.where(key > sa.tuple_(sa.literal(last[0]), sa.literal(last[1])))
            query = query.order_by(_H.c.region_code, _H.c.kk).limit(batch_size)
            try:
                with self.engine.connect() as conn:
                    keys = conn.execute(query).all()
                    if not keys:
                        return
                    page = self._load_keys(conn, lo, hi, keys, condition, params)
            except OperationalError as exc:
                raise RegistryUnavailableError("Registri sedang tidak dapat dihubungi. Coba lagi nanti.") from exc
            yield from page
            last = (keys[-1].region_code, keys[-1].kk)

    def existing_kks(self, kks: Sequence[str]) -> set[str]:
        found: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(kks), _CHUNK):
                part = list(kks[i:i + _CHUNK])
                found.update(conn.execute(sa.select(households.c.kk).where(households.c.kk.in_(part))).scalars())
        return found

    def count_region(self, region: str, only: RegionFilter | None = None) -> int:
        lo, hi = _prefix_range(region)
        query = _region_query(sa.select(sa.func.count()).select_from(_H), lo, hi, *_filter_sql(only))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def record_audit(self, entry: AuditEntry) -> None:
        at = entry.at or datetime.now(UTC).isoformat(timespec="milliseconds")
        row = {"at": at, "actor": entry.actor[:120], "role": entry.role, "nik_masked": entry.nik_masked,
               "purpose": entry.purpose[:60], "outcome": entry.outcome[:40]}
        try:
            with self.engine.begin() as conn:
                conn.execute(audit_log.insert(), row)
        except (OperationalError, PoolTimeoutError) as exc:
            raise RegistryUnavailableError("Log audit tidak dapat ditulis; pencarian dibatalkan.") from exc

    # ------------------------------------------------------------------ extras (not in the protocol)

    def audit_entries(self, limit: int = 100) -> list[AuditEntry]:
        """Newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)).mappings()
            return [AuditEntry(actor=r["actor"], role=r["role"], nik_masked=r["nik_masked"], purpose=r["purpose"],
                               outcome=r["outcome"], at=r["at"]) for r in rows]

    def count_households(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(households)).scalar() or 0)

    def sample_niks(self, n: int) -> list[str]:
        """The first ``n`` NIKs in key order (for benchmarks)."""
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(members.c.nik).order_by(members.c.nik).limit(n)).scalars())

    # ------------------------------------------------------------------ helpers

    def _bulk_insert(self, conn: sa.Connection, table: sa.Table, rows: list[tuple]) -> None:
        """Driver-level bulk insert of tuples in column order: COPY on PostgreSQL, executemany on SQLite."""
        if not rows:
            return
        names = ", ".join(c.name for c in table.columns)
        if self.dialect == "postgresql":
            driver_conn = conn.connection.driver_connection
            assert driver_conn is not None
            cursor = driver_conn.cursor()
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" for _ in table.columns)
        conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)

    @staticmethod
    def _delete(conn: sa.Connection, kks: Sequence[str], niks: Sequence[str]) -> None:
        for i in range(0, len(kks), _CHUNK):
            part = kks[i:i + _CHUNK]
            conn.execute(enrollments.delete().where(enrollments.c.kk.in_(part)))
            conn.execute(members.delete().where(members.c.kk.in_(part)))
            conn.execute(households.delete().where(households.c.kk.in_(part)))
        for i in range(0, len(niks), _CHUNK):
            conn.execute(members.delete().where(members.c.nik.in_(niks[i:i + _CHUNK])))

    def _load_keys(self, conn: sa.Connection, lo: str, hi: str, keys: Sequence[Any], condition: str = "",
                   condition_params: dict[str, Any] | None = None) -> list[Household]:
        """One region page (its keys from the (region_code, kk) index), read with the driver's cursor.

        PostgreSQL joins from the page's KKs as an array (``unnest``: primary-key and ``members.kk``
        index probes); given a row-value key range instead, its planner misjudges the page size and
        hash-joins the whole enrollments table for every page. SQLite walks the index over the key range,
        testing the filter's ``condition`` again (the range also spans the households it ruled out).
        """
        if self.dialect == "postgresql":
            return self._page(conn, _PG_PAGE_MEMBERS, _PG_PAGE_ENROLLMENTS, {"kks": [k.kk for k in keys]})
        where = ("h.region_code >= :lo AND h.region_code < :hi "
                 "AND (h.region_code, h.kk) >= (:r0, :k0) AND (h.region_code, h.kk) <= (:r1, :k1)")
        params = {"lo": lo, "hi": hi, "r0": keys[0].region_code, "k0": keys[0].kk,
                  "r1": keys[-1].region_code, "k1": keys[-1].kk, **(condition_params or {})}
        if condition:
            where += f" AND {condition}"
        return self._page(conn, _PAGE_MEMBERS.format(where=where, order="h.region_code, h.kk"),
                          _PAGE_ENROLLMENTS.format(where=where, order="h.region_code, h.kk"), params)

    def _load(self, conn: sa.Connection, kks: list[str]) -> list[Household]:
        """One page of ``kks`` (consecutive in KK order)."""
        if self.dialect == "postgresql":
            return self._page(conn, _PG_PAGE_MEMBERS, _PG_PAGE_ENROLLMENTS, {"kks": kks})
        where = "h.kk >= :k0 AND h.kk <= :k1"
        return self._page(conn, _PAGE_MEMBERS.format(where=where, order="h.kk"),
                          _PAGE_ENROLLMENTS.format(where=where, order="h.kk"), {"k0": kks[0], "k1": kks[-1]})

    @staticmethod
    def _page(conn: sa.Connection, members_sql: str, enrollments_sql: str, params: dict[str, Any]) -> list[Household]:
        """Households with their members (one joined query in key order) and enrollments, as plain tuples.

        The hot path of every region stream: the driver's tuples are grouped in one ordered pass, with no
        SQLAlchemy row objects in between.
        """
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(members_sql, params)
            member_rows = cursor.fetchall()
            cursor.execute(enrollments_sql, params)
            enrollment_rows = cursor.fetchall()
        finally:
            cursor.close()
        return _assemble_rows(member_rows, enrollment_rows)


_PAGE_MEMBERS = (
    "SELECT h.kk, h.region_code, h.desil, h.drinking_water, h.toilet, h.address, m.nik, m.name, m.birth_date, "
    "m.sex, m.relation, m.pregnant, m.school_level, m.disability, m.occupation, m.left_on "
    "FROM households h LEFT JOIN members m ON m.kk = h.kk WHERE {where} ORDER BY {order}, m.position"
)
_PAGE_ENROLLMENTS = (
    "SELECT e.kk, e.program, e.status, e.since FROM households h JOIN enrollments e ON e.kk = h.kk "
    "WHERE {where} ORDER BY {order}, e.program"
)
_PG_COLUMNS = _PAGE_MEMBERS.split(" FROM ")[0]
_PG_PAGE_MEMBERS = (f"{_PG_COLUMNS} FROM unnest(%(kks)s::text[]) AS k(kk) JOIN households h ON h.kk = k.kk "
                    "LEFT JOIN members m ON m.kk = h.kk ORDER BY h.region_code, h.kk, m.position")
_PG_PAGE_ENROLLMENTS = ("SELECT e.kk, e.program, e.status, e.since FROM unnest(%(kks)s::text[]) AS k(kk) "
                        "JOIN enrollments e ON e.kk = k.kk ORDER BY e.kk, e.program")


def _assemble_rows(member_rows: Sequence[tuple], enrollment_rows: Sequence[tuple]) -> list[Household]:
    """Households from joined (household, member) tuples in key order, with their enrollments."""
    by_kk_e: dict[str, list[Enrollment]] = {}
    for kk, program, status, since in enrollment_rows:
        by_kk_e.setdefault(kk, []).append(Enrollment(program, status, since))
    result: list[Household] = []
    head: tuple | None = None
    people: list[Member] = []
    for row in member_rows:
        if head is None or row[0] != head[0]:
            if head is not None:
                result.append(_household_of(head, people, by_kk_e))
            head, people = row, []
        if row[6] is not None:  # a household without members (LEFT JOIN) has no member columns
            pregnant = row[11]
            people.append(Member(row[6], row[7], row[8], row[9], row[10],
                                 None if pregnant is None else bool(pregnant), row[12], row[13], row[14], row[15]))
    if head is not None:
        result.append(_household_of(head, people, by_kk_e))
    return result


def _household_of(head: tuple, people: list[Member], enrollments_of: dict[str, list[Enrollment]]) -> Household:
    kk = head[0]
    return Household(kk, head[1], head[2], head[3], head[4], head[5], tuple(people), tuple(enrollments_of.get(kk, ())))


_H = households.alias("h")  # region queries name the household "h", as the filter's SQL does


def _region_query(query: sa.Select, lo: str, hi: str, condition: str, params: dict[str, Any]) -> sa.Select:
    query = query.where(_H.c.region_code >= lo, _H.c.region_code < hi)
    return query.where(sa.text(condition).bindparams(**params)) if condition else query


def _filter_sql(only: RegionFilter | None) -> tuple[str, dict[str, Any]]:
    """``only`` as one SQL condition on ``households h`` with named parameters (``("", {})``: every household).

    Field names are interpolated: RegionFilter admits only the registry's own column names.
    """
    if only is None:
        return "", {}
    parts: list[str] = []
    params: dict[str, Any] = {}
    active = "EXISTS (SELECT 1 FROM enrollments fe WHERE fe.kk = h.kk AND fe.program = :{} AND fe.status = 'aktif')"
    if only.active_in is not None:
        parts.append(active.format("f_active_in"))
        params["f_active_in"] = only.active_in
    if only.not_active_in is not None:
        parts.append("NOT " + active.format("f_not_active_in"))
        params["f_not_active_in"] = only.not_active_in
    if only.max_desil is not None:
        parts.append("(h.desil IS NULL OR h.desil <= :f_max_desil)")
        params["f_max_desil"] = only.max_desil
    if only.unrecorded:
        either = [f"h.{name} IS NULL" for name in only.unrecorded if not name.startswith("members.")]
        of_members = [f"fm.{name.removeprefix('members.')} IS NULL" for name in only.unrecorded
                      if name.startswith("members.")]
        if of_members:  # a count, not EXISTS: under an OR, PostgreSQL hashes an EXISTS by reading every member
            either.append(f"(SELECT count(*) FROM members fm WHERE fm.kk = h.kk AND ({' OR '.join(of_members)})) > 0")
        parts.append(f"({' OR '.join(either)})")
    return (" AND ".join(parts), params) if parts else ("", {})


def _prefix_range(region: str) -> tuple[str, str]:
    """Region codes are digits: every code starting with ``region`` lies in [region, region + ":")."""
    return region, region + ":"


def _rows(batch: Sequence[Household]) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Rows as tuples in table column order (see tables.py)."""
    h_rows, m_rows, e_rows = [], [], []
    for h in batch:
        kk = h.kk
        h_rows.append((kk, h.region_code, h.desil, h.drinking_water, h.toilet, h.address))
        for pos, m in enumerate(h.members):
            m_rows.append((m.nik, kk, pos, m.name, m.birth_date, m.sex, m.relation, m.pregnant, m.school_level,
                           m.disability, m.occupation, m.left_on))
        for e in h.enrollments:
            e_rows.append((kk, e.program, e.status, e.since))
    return h_rows, m_rows, e_rows


_BY_NIK = (
    sa.select(households, *[c.label(f"m_{c.name}") for c in members.c if c.name != "kk"])
    .join(members, members.c.kk == households.c.kk)
    .where(households.c.kk == sa.select(members.c.kk).where(members.c.nik == sa.bindparam("nik")).scalar_subquery())
    .order_by(members.c.position)
)
_ENROLLMENTS_OF = sa.select(enrollments).where(enrollments.c.kk == sa.bindparam("kk")).order_by(enrollments.c.program)


def _household(head: Any, rows: Sequence[Any], enrollment_rows: Sequence[Any]) -> Household:
    return Household(
        kk=head.kk, region_code=head.region_code, desil=head.desil, drinking_water=head.drinking_water,
        toilet=head.toilet, address=head.address,
        members=tuple(
            Member(nik=r.m_nik, name=r.m_name, birth_date=r.m_birth_date, sex=r.m_sex, relation=r.m_relation,
                   pregnant=None if r.m_pregnant is None else bool(r.m_pregnant), school_level=r.m_school_level,
                   disability=r.m_disability, occupation=r.m_occupation, left_on=r.m_left_on)
            for r in rows
        ),
        enrollments=tuple(Enrollment(program=e.program, status=e.status, since=e.since) for e in enrollment_rows),
    )
