#!/bin/sh
# First start: a cluster with password (scram-sha-256) authentication over
# TCP, and Parley's role and database. Then PostgreSQL in the foreground.
set -eu
case "${POSTGRES_PASSWORD:-}" in
  '' | *[!A-Za-z0-9_-]*)
    echo "POSTGRES_PASSWORD must be set, with letters, digits, - and _ only (scripts/deploy/init-env.sh makes one)" >&2
    exit 1 ;;
esac
done_marker=$PGDATA/parley-initialised
if [ -s "$PGDATA/PG_VERSION" ] && [ ! -e "$done_marker" ]; then
  echo "the first start of this database did not finish: remove its volume (it holds no data yet) and start again" >&2
  exit 1
fi
if [ ! -e "$done_marker" ]; then
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
  # Parley's role and database, through a server that listens on no TCP port yet.
  pg_ctl --pgdata="$PGDATA" --silent --wait --options="-c listen_addresses=''" start
  psql --quiet --no-psqlrc --set=ON_ERROR_STOP=1 --username=postgres --dbname=postgres \
    --set=password="$POSTGRES_PASSWORD" >/dev/null <<'SQL'
CREATE ROLE parley LOGIN PASSWORD :'password';
CREATE DATABASE parley OWNER parley;
SQL
  pg_ctl --pgdata="$PGDATA" --silent --wait stop
  touch "$done_marker"
fi
exec postgres -D "$PGDATA"
