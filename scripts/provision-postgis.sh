#!/usr/bin/env bash
# Provision the PostGIS data database (and Airflow's metadata database) for linewatch.
#
# With LINEWATCH_DATABASE_URL set, that database is used as it is: it must exist with PostGIS available.
# Otherwise the local PostgreSQL on 127.0.0.1:5432 is used: the cluster is started if it is down, the
# PostGIS package matching the server's major version is installed if missing (Debian), and the
# databases and extension are created. Safe to run any number of times.
#
# `provision-postgis.sh logins` (after the migrations, which create the group roles): the local login users
# linewatch_{owner,pipeline,analyst}_login, each a member of one group role, without passwords (the local
# server trusts 127.0.0.1). Never on an external database: there, operators create their own logins.
set -euo pipefail

PGHOST_LOCAL=127.0.0.1
PGPORT_LOCAL=5432
DATA_DB=${LINEWATCH_DB_NAME:-linewatch}
AIRFLOW_DB=${LINEWATCH_AIRFLOW_DB_NAME:-linewatch_airflow}

log() { echo "[provision] $*"; }

if [[ -n "${LINEWATCH_EXTERNAL_DATABASE:-}" ]]; then
    log "using the database in LINEWATCH_DATABASE_URL as it is"
    exit 0
fi

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST_LOCAL" -p "$PGPORT_LOCAL" -U postgres "$@"; }

if [[ "${1:-}" == "logins" ]]; then
    psql_admin -d "$DATA_DB" -f "$(dirname "$0")/../sql/roles/local_logins.sql"
    log "local logins linewatch_{owner,pipeline,analyst}_login ready in $DATA_DB"
    exit 0
fi

# 1. The server: start the cluster if nothing answers.
if ! pg_isready -q -h "$PGHOST_LOCAL" -p "$PGPORT_LOCAL"; then
    if command -v pg_lsclusters >/dev/null; then
        read -r version cluster _ < <(pg_lsclusters --no-header | head -n1)
        log "starting PostgreSQL cluster $version/$cluster"
        pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || pg_ctlcluster "$version" "$cluster" start
    fi
    for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST_LOCAL" -p "$PGPORT_LOCAL" && break; sleep 1; done
    pg_isready -h "$PGHOST_LOCAL" -p "$PGPORT_LOCAL" || { echo "PostgreSQL is not answering on $PGHOST_LOCAL:$PGPORT_LOCAL" >&2; exit 1; }
fi

# 2. PostGIS for the running server's major version.
major=$(psql_admin -d postgres -tAc "SELECT current_setting('server_version_num')::int / 10000")
if [[ "$(psql_admin -d postgres -tAc "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")" != "1" ]]; then
    package="postgresql-${major}-postgis-3"
    log "installing $package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "$package" >/dev/null
fi

# 3. Databases and extension.
for db in "$DATA_DB" "$AIRFLOW_DB"; do
    if [[ "$(psql_admin -d postgres -tAc "SELECT count(*) FROM pg_database WHERE datname = '$db'")" == "0" ]]; then
        log "creating database $db"
        psql_admin -d postgres -c "CREATE DATABASE \"$db\""
    fi
done
psql_admin -d "$DATA_DB" -c "CREATE EXTENSION IF NOT EXISTS postgis"
log "PostGIS $(psql_admin -d "$DATA_DB" -tAc 'SELECT postgis_lib_version()') ready in $DATA_DB (PostgreSQL $major); Airflow metadata in $AIRFLOW_DB"
