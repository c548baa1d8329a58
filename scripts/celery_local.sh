#!/usr/bin/env bash
# A CeleryExecutor cluster on this machine, started by hand (no Docker): api-server, scheduler,
# dag-processor and N Celery workers, against a local Redis and PostgreSQL. What
# tests/scaleout starts for its test, kept running so you can use the UI and trigger runs.
#
#   PIPELINE_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/drawpipe scripts/celery_local.sh start [N]
#   scripts/celery_local.sh status
#   scripts/celery_local.sh stop
#
# The warehouse is PIPELINE_DATABASE_URL (a postgresql:// URL; migrated on start), given to the
# DAGs as the `warehouse` connection. Airflow's metadata goes to AIRFLOW_META_URL (default: the
# database drawpipe_airflow_celery on the warehouse's server, created if missing). The broker is
# CELERY_BROKER_URL (default redis://127.0.0.1:6379/6). State, logs and generated secrets live in
# .drawpipe/celery. Every process runs in its own session; `stop` signals each group by id.
# DAGs start paused; unpausing one queues its latest nightly run (the official NY URL): on a
# machine that cannot reach it, start with AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE=False and only
# your triggered runs happen (`airflow dags trigger ... -c '{"source": "<file>", ...}'`).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
AIRFLOW="$ROOT/.venv/bin/airflow"
STATE="$ROOT/.drawpipe/celery"
PIDS="$STATE/pids"
[ -x "$PY" ] || { echo "no .venv: run ./setup.sh first" >&2; exit 1; }

start() {
  local workers="${1:-2}"
  [[ "$workers" =~ ^[1-9][0-9]?$ ]] || { echo "workers: a number from 1 to 99" >&2; exit 2; }
  local wh="${PIPELINE_DATABASE_URL:?set PIPELINE_DATABASE_URL to the warehouse (postgresql://...)}"
  [[ "$wh" == postgresql://* || "$wh" == postgres://* ]] || {
    echo "PIPELINE_DATABASE_URL must be a postgresql:// URL" >&2; exit 2; }
  if ls "$PIDS"/*.pid >/dev/null 2>&1; then
    echo "already started (see: $0 status; $0 stop)" >&2; exit 1
  fi
  mkdir -p "$PIDS" "$STATE/logs"
  local meta="${AIRFLOW_META_URL:-${wh%/*}/drawpipe_airflow_celery}"
  meta="${meta%%\?*}"
  local meta_db="${meta##*/}"
  if ! psql "${meta%/*}/postgres" -Atqc "select 1 from pg_database where datname = '$meta_db'" \
      | grep -q 1; then
    psql "${meta%/*}/postgres" -qc "create database \"$meta_db\"" >/dev/null
  fi

  secret() {  # secret NAME COMMAND...: generated once, readable by this user only
    local f="$STATE/.$1"
    [ -s "$f" ] || (umask 077; "${@:2}" > "$f")
    cat "$f"
  }
  export AIRFLOW_HOME="$STATE/home"
  mkdir -p "$AIRFLOW_HOME"
  export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags" AIRFLOW__CORE__LOAD_EXAMPLES=False
  export AIRFLOW__CORE__EXECUTOR=CeleryExecutor
  export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-4}"
  export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="postgresql+psycopg2://${meta#*://}"
  export AIRFLOW__CELERY__RESULT_BACKEND="db+postgresql://${meta#*://}"
  export AIRFLOW__CELERY__BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/6}"
  export AIRFLOW__CELERY__WORKER_CONCURRENCY="${WORKER_CONCURRENCY:-2}"
  export AIRFLOW__CELERY__WORKER_PREFETCH_MULTIPLIER=1
  local port="${AIRFLOW_API_PORT:-8080}"
  export AIRFLOW__API__HOST=127.0.0.1 AIRFLOW__API__PORT="$port"
  export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$port/execution/"
  AIRFLOW__CORE__FERNET_KEY="$(secret fernet_key "$PY" -c \
    'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
  AIRFLOW__API_AUTH__JWT_SECRET="$(secret jwt_secret "$PY" -c 'import secrets; print(secrets.token_hex(64))')"
  AIRFLOW__API__SECRET_KEY="$(secret api_secret "$PY" -c 'import secrets; print(secrets.token_hex(32))')"
  export AIRFLOW__CORE__FERNET_KEY AIRFLOW__API_AUTH__JWT_SECRET AIRFLOW__API__SECRET_KEY
  export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL=30
  export AIRFLOW_CONN_WAREHOUSE="$wh" PIPELINE_STEP_RUNNER=local
  export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" PYTHONWARNINGS=ignore TQDM_DISABLE=1

  "$PY" -m pipeline migrate >/dev/null
  "$AIRFLOW" db migrate >/dev/null
  "$AIRFLOW" pools set warehouse_writers "${WAREHOUSE_WRITER_SLOTS:-2}" \
    "drawpipe steps that publish to the warehouse" >/dev/null

  launch_as() {  # launch_as NAME COMMAND...: own session (its pid = its process group id)
    local name="$1"; shift
    setsid "$@" >"$STATE/logs/$name.log" 2>&1 < /dev/null &
    echo $! > "$PIDS/$name.pid"
  }
  launch_as api-server "$AIRFLOW" api-server -H 127.0.0.1 -p "$port" -w 1
  launch_as scheduler "$AIRFLOW" scheduler
  launch_as dag-processor "$AIRFLOW" dag-processor
  for i in $(seq 1 "$workers"); do
    # Distinct Celery hostnames; one log server port per worker so they do not collide.
    AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=$((8793 + i)) \
      launch_as "worker-$i" "$AIRFLOW" celery worker --celery-hostname "worker-$i@%h" \
      --concurrency "$AIRFLOW__CELERY__WORKER_CONCURRENCY"
  done
  echo "started: api-server, scheduler, dag-processor, $workers worker(s); logs in $STATE/logs" >&2
  echo "UI: http://127.0.0.1:$port (user admin; password in" \
       "$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated)" >&2
}

status() {
  local any=0
  for f in "$PIDS"/*.pid; do
    [ -e "$f" ] || continue
    any=1
    local pid; pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then echo "$(basename "$f" .pid): running (pgid $pid)"
    else echo "$(basename "$f" .pid): exited"; fi
  done
  [ "$any" = 1 ] || echo "not started"
}

stop() {
  for f in "$PIDS"/*.pid; do
    [ -e "$f" ] || continue
    kill -TERM -- "-$(cat "$f")" 2>/dev/null || true
  done
  for _ in $(seq 1 30); do
    local alive=0
    for f in "$PIDS"/*.pid; do
      [ -e "$f" ] || continue
      kill -0 -- "-$(cat "$f")" 2>/dev/null && alive=1
    done
    [ "$alive" = 0 ] && break
    sleep 1
  done
  for f in "$PIDS"/*.pid; do
    [ -e "$f" ] || continue
    kill -KILL -- "-$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  echo "stopped" >&2
}

case "${1:-}" in
  start) start "${2:-2}" ;;
  status) status ;;
  stop) stop ;;
  *) echo "usage: $0 start [WORKERS] | status | stop" >&2; exit 2 ;;
esac
