#!/usr/bin/env bash
# Make the PostgreSQL the tests use exist: a server on 127.0.0.1:5432, a role and a database
# (defaults: role "root", database "test"; override with PGTEST_ROLE / PGTEST_DB). Creates what is
# missing as the local "postgres" superuser; says clearly what it could not do and exits non-zero.
set -uo pipefail
host=127.0.0.1
port="${PGTEST_PORT:-5432}"
role="${PGTEST_ROLE:-root}"
db="${PGTEST_DB:-test}"

say() { echo "ensure-postgres: $*" >&2; }

if ! pg_isready -h "$host" -p "$port" >/dev/null 2>&1; then
  cluster="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)"
  if [ -n "$cluster" ] && command -v pg_ctlcluster >/dev/null; then
    say "PostgreSQL on $host:$port is down; starting cluster $cluster/main"
    pg_ctlcluster --skip-systemctl-redirect "$cluster" main start || true
  fi
  for _ in $(seq 1 20); do pg_isready -h "$host" -p "$port" >/dev/null 2>&1 && break; sleep 0.5; done
  if ! pg_isready -h "$host" -p "$port" >/dev/null 2>&1; then
    say "PostgreSQL is not running on $host:$port and could not be started (apt-get install postgresql)"
    exit 3
  fi
fi

# As the postgres superuser over the local socket (peer auth), or as ourselves when that is not possible.
as_admin() {
  if [ "$(id -un)" != "postgres" ] && id postgres >/dev/null 2>&1 && command -v runuser >/dev/null; then
    runuser -u postgres -- psql -p "$port" -X -q -v ON_ERROR_STOP=1 -At "$@"
  else
    psql -h "$host" -p "$port" -X -q -v ON_ERROR_STOP=1 -At "$@"
  fi
}

if [ "$(as_admin -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != "1" ]; then
  say "creating role $role"
  as_admin -d postgres -c "CREATE ROLE \"$role\" LOGIN CREATEDB" || { say "cannot create role $role"; exit 3; }
fi
if [ "$(as_admin -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
  say "creating database $db owned by $role"
  as_admin -d postgres -c "CREATE DATABASE \"$db\" OWNER \"$role\"" || { say "cannot create database $db"; exit 3; }
fi
if ! psql -h "$host" -p "$port" -U "$role" -d "$db" -X -Atc "SELECT 1" >/dev/null 2>&1; then
  say "role $role cannot log in to $db over TCP on $host:$port (check pg_hba.conf: trust for 127.0.0.1)"
  exit 3
fi
