#!/usr/bin/env bash
# Run a local Airflow 3.3 for linewatch from .venv: api-server, scheduler, dag-processor, triggerer.
#
# Usage: scripts/airflow-local.sh [start|stop|status]
#   start (default)  create the metadata DB if missing, migrate it, create the pool linewatch_postgis,
#                    start the four components in the background, wait until the api server is
#                    healthy, then stay in the foreground:
#                    Ctrl-C or SIGTERM stops every component.
#   stop             stop the components (and the script supervising them) started earlier,
#                    from the pid files in .airflow/run/.
#   status           which components run, and what the health endpoint says.
#
# Everything Airflow writes lives in <repo>/.airflow (git-ignored): airflow.cfg, the JWT secret (mode 600),
# the simple auth manager's passwords file (mode 600), pid files and logs/. Airflow's metadata DB is the
# database linewatch_airflow on the local PostgreSQL, separate from the data DB linewatch.
#
# Knobs: AIRFLOW_LOCAL_PG (user@host:port of the local PostgreSQL, default postgres@127.0.0.1:5432),
#        AIRFLOW_LOCAL_PORT (api server port, default 8080), AIRFLOW_LOCAL_TIMEOUT (seconds to wait for
#        health, default 180), AIRFLOW_LOCAL_PARALLELISM (task slots, default 8: the LocalExecutor starts
#        one worker process per slot, ~150 MB each), AIRFLOW_LOCAL_HOME (instead of <repo>/.airflow, e.g.
#        for a test instance beside a running one). LINEWATCH_* and AIRFLOW_CONN_LINEWATCH_POSTGIS already
#        set in the environment (the Makefile exports them) are kept.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$REPO/.venv
PG=${AIRFLOW_LOCAL_PG:-postgres@127.0.0.1:5432}
PORT=${AIRFLOW_LOCAL_PORT:-8080}
TIMEOUT=${AIRFLOW_LOCAL_TIMEOUT:-180}
PARALLELISM=${AIRFLOW_LOCAL_PARALLELISM:-8}
STOP_TIMEOUT=30

export AIRFLOW_HOME=${AIRFLOW_LOCAL_HOME:-$REPO/.airflow}
RUN_DIR=$AIRFLOW_HOME/run
LOG_DIR=$AIRFLOW_HOME/logs
PASSWORDS_FILE=$AIRFLOW_HOME/simple_auth_manager_passwords.json
API_URL=http://127.0.0.1:$PORT
HEALTH_URL=$API_URL/api/v2/monitor/health
COMPONENTS=(api-server scheduler dag-processor triggerer)

log() { printf '[airflow-local] %s\n' "$*"; }
die() { printf '[airflow-local] error: %s\n' "$*" >&2; exit 1; }

# The secret in file $1, generated on first use; only the owner may read it.
secret() {
    if [[ ! -s $1 ]]; then
        (umask 077 && "$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(48))' >"$1")
    fi
    chmod 600 "$1"
    cat "$1"
}

configure_environment() {
    mkdir -p "$RUN_DIR" "$LOG_DIR"
    chmod 700 "$AIRFLOW_HOME"
    export PATH=$VENV/bin:$PATH
    export AIRFLOW_CONFIG=$AIRFLOW_HOME/airflow.cfg
    export AIRFLOW__CORE__DAGS_FOLDER=$REPO/dags
    export AIRFLOW__CORE__LOAD_EXAMPLES=False
    export AIRFLOW__CORE__EXECUTOR=LocalExecutor
    export AIRFLOW__CORE__PARALLELISM=$PARALLELISM
    export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=postgresql+psycopg://$PG/linewatch_airflow
    export AIRFLOW__CORE__EXECUTION_API_SERVER_URL=$API_URL/execution/
    # One secret for every component: tokens the scheduler signs must validate in the api server.
    AIRFLOW__API_AUTH__JWT_SECRET=$(secret "$AIRFLOW_HOME/jwt_secret")
    export AIRFLOW__API_AUTH__JWT_SECRET
    export AIRFLOW__CORE__AUTH_MANAGER=airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager
    export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS=False
    export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=operator:admin,viewer:viewer
    export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=$PASSWORDS_FILE
    export AIRFLOW_CONN_LINEWATCH_POSTGIS=${AIRFLOW_CONN_LINEWATCH_POSTGIS:-postgresql://$PG/linewatch}
    export LINEWATCH_DATABASE_URL=${LINEWATCH_DATABASE_URL:-postgresql+psycopg://$PG/linewatch}
    export LINEWATCH_REPORTS_DIR=${LINEWATCH_REPORTS_DIR:-$REPO/reports}
    export LINEWATCH_CONFIG=${LINEWATCH_CONFIG:-$REPO/config/linewatch.yaml}
    export LINEWATCH_SAMPLE_DATA=${LINEWATCH_SAMPLE_DATA:-$REPO/sample_data}
    export LINEWATCH_TIMEZONE=${LINEWATCH_TIMEZONE:-Europe/Kyiv}
}

# Create linewatch_airflow if missing; warn (only) when the data DB is missing, the Makefile makes that one.
ensure_metadata_db() {
    "$VENV/bin/python" - "$PG" <<'PY'
import sys

import psycopg
from psycopg import sql

with psycopg.connect(f"postgresql://{sys.argv[1]}/postgres", autocommit=True) as conn:
    existing = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
    if "linewatch_airflow" not in existing:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier("linewatch_airflow")))
        print("[airflow-local] created metadata database linewatch_airflow")
    if "linewatch" not in existing:
        print("[airflow-local] warning: data database linewatch does not exist yet (make provisions it)")
PY
}

# The pool that caps concurrent PostGIS tasks (slots from config/linewatch.yaml, operations.postgis_pool_slots).
# The scheduler never runs a task whose pool does not exist, so it must be there before the DAGs run.
ensure_pool() {
    local slots
    slots=$("$VENV/bin/python" -c 'from linewatch.orchestration import OPERATIONS; print(OPERATIONS.postgis_pool_slots)') ||
        die "could not read operations.postgis_pool_slots from $LINEWATCH_CONFIG"
    airflow pools set linewatch_postgis "$slots" "Caps concurrent linewatch tasks on the PostGIS data database" \
        >>"$LOG_DIR/db-migrate.log" 2>&1 || { tail -n 20 "$LOG_DIR/db-migrate.log" >&2; die "airflow pools set failed"; }
    log "pool linewatch_postgis: $slots slots"
}

pid_of() { [[ -f $RUN_DIR/$1.pid ]] && cat "$RUN_DIR/$1.pid"; }

# True while process $1 is alive and is one we started: an airflow process leading its own session
# (a pid file left by a crash may name a pid that now belongs to something else).
alive() {
    [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null && [[ $(ps -o sid= -p "$1" | tr -d ' ') == "$1" ]] &&
        tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q airflow
}

# True while anything is left in session $1 (the component and every process it spawned).
session_alive() { pgrep -s "$1" >/dev/null 2>&1; }

# True while the script that started the components (its pid file is run/supervisor.pid) still runs.
supervisor_alive() {
    local pid
    pid=$(pid_of supervisor) && kill -0 "$pid" 2>/dev/null &&
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q airflow-local
}

start_component() {
    local name=$1
    shift
    printf '\n==== %s: starting %s\n' "$(date -Is)" "$*" >>"$LOG_DIR/$name.log"
    # setsid: each component leads its own session, so stopping it reaches the processes it spawned
    # and a terminal's Ctrl-C goes to this script, which shuts the components down in order.
    setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
    echo $! >"$RUN_DIR/$name.pid"
}

# SIGTERM to each component's main process, then wait for its whole session; SIGKILL what remains.
stop_components() {
    local name pid sessions=() deadline
    for name in "${COMPONENTS[@]}"; do
        pid=$(pid_of "$name") || continue
        if alive "$pid"; then
            log "stopping $name (pid $pid)"
            kill -TERM "$pid" 2>/dev/null || true
            sessions+=("$pid")
        fi
    done
    deadline=$((SECONDS + STOP_TIMEOUT))
    for pid in "${sessions[@]}"; do
        while session_alive "$pid" && ((SECONDS < deadline)); do sleep 0.5; done
        if session_alive "$pid"; then
            log "session $pid still running after ${STOP_TIMEOUT}s, killing it"
            pkill -KILL -s "$pid" 2>/dev/null || true
        fi
    done
    for name in "${COMPONENTS[@]}"; do rm -f "$RUN_DIR/$name.pid"; done
}

health() { curl -fsS --max-time 5 "$HEALTH_URL" 2>/dev/null; }

# Component -> status from the health endpoint's JSON on stdin, one per line.
health_lines() {
    "$VENV/bin/python" -c '
import json, sys
for name, info in json.load(sys.stdin).items():
    print(name, info.get("status"), sep="=")'
}

all_healthy() { ! health_lines <<<"$1" | grep -qv '=healthy$'; }

print_status() {
    local name pid body
    for name in "${COMPONENTS[@]}"; do
        pid=$(pid_of "$name") || pid=
        if alive "$pid"; then log "  $name: running (pid $pid)"; else log "  $name: not running"; fi
    done
    if body=$(health); then
        log "  health: $(health_lines <<<"$body" | tr '\n' ' ')"
    else
        log "  health: $HEALTH_URL does not answer"
    fi
}

dead_component() {
    local name
    for name in "${COMPONENTS[@]}"; do
        alive "$(pid_of "$name")" || { echo "$name"; return 0; }
    done
    return 1
}

cmd_start() {
    [[ -x $VENV/bin/airflow ]] || die "$VENV/bin/airflow not found: create the virtualenv first (make)"
    command -v curl >/dev/null || die "curl is needed to check the api server's health"
    command -v setsid >/dev/null || die "setsid (util-linux) is needed to start the components"
    local name
    supervisor_alive && die "already running (pid $(pid_of supervisor)): scripts/airflow-local.sh stop"
    for name in "${COMPONENTS[@]}"; do
        alive "$(pid_of "$name")" && die "$name is already running: scripts/airflow-local.sh stop"
    done
    curl -s -o /dev/null --max-time 2 "$API_URL" && die "something already answers on $API_URL"

    configure_environment
    (umask 077 && touch "$PASSWORDS_FILE")
    chmod 600 "$PASSWORDS_FILE"
    ensure_metadata_db
    log "migrating the metadata DB (log: $LOG_DIR/db-migrate.log)"
    airflow db migrate >>"$LOG_DIR/db-migrate.log" 2>&1 ||
        { tail -n 30 "$LOG_DIR/db-migrate.log" >&2; die "airflow db migrate failed"; }

    ensure_pool

    echo $$ >"$RUN_DIR/supervisor.pid"
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'stop_components; rm -f "$RUN_DIR/supervisor.pid"' EXIT

    local started=$SECONDS body api_ready=
    start_component api-server airflow api-server --host 127.0.0.1 --port "$PORT"
    start_component scheduler airflow scheduler
    start_component dag-processor airflow dag-processor
    start_component triggerer airflow triggerer

    log "waiting for $HEALTH_URL (up to ${TIMEOUT}s)"
    while :; do
        if name=$(dead_component); then
            tail -n 30 "$LOG_DIR/$name.log" >&2
            die "$name exited during start-up (log: $LOG_DIR/$name.log)"
        fi
        if body=$(health); then
            [[ -n $api_ready ]] || { api_ready=$((SECONDS - started)); log "api server answers after ${api_ready}s"; }
            all_healthy "$body" && break
        fi
        ((SECONDS - started < TIMEOUT)) || die "not healthy after ${TIMEOUT}s; logs in $LOG_DIR"
        sleep 1
    done
    log "all components healthy after $((SECONDS - started))s"
    print_status
    log "Airflow UI and API:   $API_URL"
    log "users:                operator (admin), viewer (viewer)"
    log "their passwords:      $PASSWORDS_FILE"
    log "component logs:       $LOG_DIR/<component>.log"
    log "Ctrl-C (or scripts/airflow-local.sh stop) stops everything"

    # Sleep until a component dies or a signal arrives (the traps above then stop the rest).
    wait -n || true
    name=$(dead_component) || name="a component"
    die "$name exited; stopping the others (log: $LOG_DIR/$name.log)"
}

cmd_stop() {
    local pid
    if supervisor_alive; then
        pid=$(pid_of supervisor)
        log "asking the supervising script (pid $pid) to stop"
        kill -TERM "$pid"
        local deadline=$((SECONDS + STOP_TIMEOUT + 10))
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
    fi
    rm -f "$RUN_DIR/supervisor.pid"
    stop_components # whatever the supervisor did not stop (it may have been killed outright)
    log "stopped"
}

case ${1:-start} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) print_status ;;
    *) die "usage: $0 [start|stop|status]" ;;
esac
