#!/bin/sh
# First start: a cluster with password (scram-sha-256) authentication over
# TCP, and Parley's role and database. Then PostgreSQL in the foreground.
set -eu
case "${POSTGRES_PASSWORD:-}" in
  '' | *[!A-Za-z0-9_-]*)
    echo "POSTGRES_PASSWORD must be set, with letters, digits, - and _ only (scripts/deploy/init-env.mjs makes one)" >&2
    exit 1 ;;
esac
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "creating the database cluster in $PGDATA"
  initdb --pgdata="$PGDATA" --username=postgres --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  {
    echo "listen_addresses = '*'"
    echo "password_encryption = 'scram-sha-256'"
  } >>"$PGDATA/postgresql.conf"
  # The compose network only: PostgreSQL's port is not published.
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "host all all ::/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  postgres --single -D "$PGDATA" -j postgres >/dev/null <<SQL
CREATE ROLE parley LOGIN PASSWORD '$POSTGRES_PASSWORD';
CREATE DATABASE parley OWNER parley;
SQL
fi
exec postgres -D "$PGDATA"
