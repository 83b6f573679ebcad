"""SQLAlchemy Core tables of the registry (the schema itself is created by the Alembic migrations)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

households = sa.Table(
    "households", metadata,
    sa.Column("kk", sa.String(16), primary_key=True),
    sa.Column("region_code", sa.String(10), nullable=False),
    sa.Column("desil", sa.SmallInteger),
    sa.Column("drinking_water", sa.String(12)),
    sa.Column("toilet", sa.String(12)),
    sa.Column("address", sa.Text),
    sa.Index("ix_households_region_kk", "region_code", "kk"),
)

members = sa.Table(
    "members", metadata,
    sa.Column("nik", sa.String(16), primary_key=True),
    sa.Column("kk", sa.String(16), sa.ForeignKey("households.kk"), nullable=False, index=True),
    sa.Column("position", sa.SmallInteger, nullable=False),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("birth_date", sa.String(10)),
    sa.Column("sex", sa.String(1)),
    sa.Column("relation", sa.String(20)),
    sa.Column("pregnant", sa.Boolean),
    sa.Column("school_level", sa.String(4)),
    sa.Column("disability", sa.String(8)),
    sa.Column("occupation", sa.String(60)),
    sa.Column("left_on", sa.String(10)),
)

enrollments = sa.Table(
    "enrollments", metadata,
    sa.Column("kk", sa.String(16), sa.ForeignKey("households.kk"), primary_key=True),
    sa.Column("program", sa.String(20), primary_key=True),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("since", sa.String(10)),
)

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False, index=True),
    sa.Column("actor", sa.String(120), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("nik_masked", sa.String(16), nullable=False),
    sa.Column("purpose", sa.String(60), nullable=False),
    sa.Column("outcome", sa.String(40), nullable=False),
)
