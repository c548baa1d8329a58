#!/usr/bin/env bash
# Airflow on this machine, no Docker: the warehouse is the embedded PostgreSQL (or
# $PIPELINE_DATABASE_URL / $AIRFLOW_CONN_WAREHOUSE when set), Airflow's metadata is SQLite under
# .drawpipe/airflow (or $AIRFLOW_HOME).
#
#   scripts/airflow_local.sh [demo]     # what ./setup.sh runs: starts a real scheduler (scheduler,
#                                       #   dag-processor, api-server; LocalExecutor, parallelism 4),
#                                       #   triggers a 2016-2025 backfill, then the nightly run for
#                                       #   2026-01-02 (predicts the 2026-01-03 draw), on the shipped
#                                       #   NY export; stops the servers, prints the verdict, `show`
#                                       #   (picks, leaderboard) and where to look next
#   scripts/airflow_local.sh test DATE  # `airflow dags test` of the nightly run for logical date
#                                       #   DATE only: in-process, no servers (see dags_test below)
#   scripts/airflow_local.sh standalone # the UI on http://127.0.0.1:8080 (Ctrl-C stops it all)
#
# DRAWPIPE_UI_PORT (default 8080) moves the api-server (demo and standalone) off a busy port.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
AIRFLOW="$ROOT/.venv/bin/airflow"
SOURCE="$ROOT/data/powerball/ny_open_data_export_2010_2025.csv"
[ -x "$PY" ] || { echo "no .venv: run ./setup.sh first" >&2; exit 1; }
export PATH="$ROOT/.venv/bin:$PATH"  # `airflow standalone` starts its components by name

export AIRFLOW_HOME="${AIRFLOW_HOME:-$ROOT/.drawpipe/airflow}"
export AIRFLOW_CONFIG="$AIRFLOW_HOME/airflow.cfg"
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="sqlite:///$AIRFLOW_HOME/airflow.db"
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-4}"
export PIPELINE_STEP_RUNNER=local PYTHONWARNINGS=ignore TQDM_DISABLE=1
mkdir -p "$AIRFLOW_HOME"
[ -f "$AIRFLOW_CONFIG" ] || cp "$ROOT/airflow/airflow_local.cfg" "$AIRFLOW_CONFIG"

# Local secrets: generated once, kept in files only this user can read, never defaults.
secret() {  # secret NAME COMMAND...
  local f="$AIRFLOW_HOME/.$1"
  [ -s "$f" ] || (umask 077; "${@:2}" > "$f")
  cat "$f"
}
AIRFLOW__CORE__FERNET_KEY="$(secret fernet_key "$PY" -c \
  'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
AIRFLOW__API_AUTH__JWT_SECRET="$(secret jwt_secret "$PY" -c 'import secrets; print(secrets.token_hex(64))')"
export AIRFLOW__CORE__FERNET_KEY AIRFLOW__API_AUTH__JWT_SECRET

# The warehouse (a postgresql:// URL): the `warehouse` connection the DAG reads.
WAREHOUSE_URL="${PIPELINE_DATABASE_URL:-${AIRFLOW_CONN_WAREHOUSE:-}}"
if [ -z "$WAREHOUSE_URL" ]; then
  WAREHOUSE_URL="$("$PY" -m pipeline embedded url 2>/dev/null \
    | "$PY" -c 'import json, sys; print(json.loads(sys.stdin.read())["url"])')"
fi
export PIPELINE_DATABASE_URL="$WAREHOUSE_URL"
export AIRFLOW_CONN_WAREHOUSE="${AIRFLOW_CONN_WAREHOUSE:-$WAREHOUSE_URL}"

quietly() {  # quietly LOG COMMAND...: the output goes to LOG, shown only if the command fails
  "${@:2}" >"$1" 2>&1 || { tail -20 "$1" >&2; echo "failed: ${*:2} (log: $1)" >&2; exit 1; }
}
quietly "$AIRFLOW_HOME/migrate.log" "$PY" -m pipeline migrate
quietly "$AIRFLOW_HOME/db_migrate.log" "$AIRFLOW" db migrate
"$AIRFLOW" pools set warehouse_writers 2 "drawpipe steps that publish to the warehouse" >/dev/null

PORT="${DRAWPIPE_UI_PORT:-8080}"
# The api-server, and the execution API that task processes report to, on this machine only.
export AIRFLOW__API__HOST=127.0.0.1 AIRFLOW__API__PORT="$PORT"
export AIRFLOW__API__BASE_URL="http://127.0.0.1:$PORT"
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$PORT/execution/"
# A task's calls to the api-server wait 5 s by default: on a busy 2-core machine with SQLite the
# first ones took longer, and a task whose start call timed out was killed and retried a minute on.
export AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT="${AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT:-30}"
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=True
# Runs start only when triggered here: the nightly schedule (and, on unpausing, the run of its
# latest past morning) ingests the live NY URL, which is for a deployment with network.
export AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE=False
PASSWORDS="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"

# `airflow dags test` runs a DAG in this process, without a scheduler: quick, but in the UI such
# a run's start is its logical date (a run for 2026-01-02 "took" from then until now: "333 days")
# and its task logs are only in the file below, not in the UI. The demo uses a real scheduler.
dags_test() {  # dags_test LOGICAL_DATE CONF_JSON
  echo "== airflow dags test powerball_medallion $1 -c '$2'" >&2
  local log="$AIRFLOW_HOME/dags_test_$1.log"
  if ! "$AIRFLOW" dags test powerball_medallion "$1" -c "$2" >"$log" 2>&1; then
    grep -E "error|Error|failed" "$log" | tail -20 >&2
    echo "the run failed; full log: $log" >&2
    exit 1
  fi
  grep -E "DagRun Finished" "$log" | sed 's/.*\(state=[a-z]*\).*/   \1/' >&2
}

SERVERS_PGID=""
SERVERS_LOG="$AIRFLOW_HOME/demo_servers.log"

port_free() {
  "$PY" -c 'import socket, sys; s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) else 1)' "$1"
}

stop_servers() {  # the whole process group: scheduler, dag-processor, api-server, their workers
  [ -n "$SERVERS_PGID" ] || return 0
  kill -TERM -- "-$SERVERS_PGID" 2>/dev/null || true
  for _ in $(seq 1 30); do
    kill -0 -- "-$SERVERS_PGID" 2>/dev/null || { SERVERS_PGID=""; return 0; }
    sleep 1
  done
  kill -KILL -- "-$SERVERS_PGID" 2>/dev/null || true
  SERVERS_PGID=""
}

start_servers() {
  port_free "$PORT" || {
    echo "port $PORT is in use: stop what listens there or set DRAWPIPE_UI_PORT" >&2; exit 1; }
  export AIRFLOW__CORE__EXECUTOR=LocalExecutor AIRFLOW__API__WORKERS=1
  "$AIRFLOW" dags reserialize >/dev/null 2>&1  # the DAGs are in the metadata before a trigger
  # setsid: one new session and process group holds the three servers and every process they
  # start, so one signal to the group stops them all and nothing is left orphaned. The group's
  # id is the leader's pid, written by the leader itself: setsid forks when it is started as a
  # group leader (under job control), and then $! is not the group.
  local leader="$AIRFLOW_HOME/demo_servers.pgid"
  rm -f "$leader"
  setsid bash -c 'echo $$ >"$3"; "$1" api-server --port "$2" & "$1" scheduler &
    "$1" dag-processor & wait' _ "$AIRFLOW" "$PORT" "$leader" >"$SERVERS_LOG" 2>&1 </dev/null &
  for _ in $(seq 1 50); do [ -s "$leader" ] && break; sleep 0.1; done
  SERVERS_PGID="$(cat "$leader" 2>/dev/null || true)"
  [ -n "$SERVERS_PGID" ] || { echo "the servers did not start (log: $SERVERS_LOG)" >&2; exit 1; }
  trap 'stop_servers' EXIT
  trap 'stop_servers; exit 130' INT TERM
  echo "== scheduler, dag-processor, api-server on 127.0.0.1:$PORT (log: $SERVERS_LOG)" >&2
  if ! "$PY" - "$PORT" <<'PY'
import sys, time, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
deadline = time.monotonic() + 180
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(f"{base}/api/v2/monitor/health", timeout=5) as answer:
            if answer.status == 200:
                break
    except OSError:
        pass
    time.sleep(2)
else:
    sys.exit(f"the api-server did not answer {base}/api/v2/monitor/health within 180 s")
# The execution API (what task processes call) builds itself on its first request: make that
# request here rather than in the first task's start call.
try:
    urllib.request.urlopen(f"{base}/execution/health", timeout=60).close()
except OSError as exc:
    print(f"   (execution API warm-up: {exc})", file=sys.stderr)
PY
  then
    tail -20 "$SERVERS_LOG" >&2
    exit 1
  fi
  chmod 600 "$PASSWORDS" 2>/dev/null || true  # written world-readable by the api-server
  "$AIRFLOW" dags unpause powerball_medallion >/dev/null 2>&1
}

run_for_real() {  # run_for_real LABEL LOGICAL_DATE|"" CONF_JSON TIMEOUT_S
  local run_id
  run_id="demo_${1}__$(date -u +%Y%m%dT%H%M%S)"
  local logical=()
  [ -z "$2" ] || logical=(--logical-date "$2")
  echo "== $1: airflow dags trigger powerball_medallion ${2:+--logical-date $2 }-c '$3'" >&2
  "$AIRFLOW" dags trigger powerball_medallion --run-id "$run_id" "${logical[@]}" -c "$3" \
    >/dev/null
  # Wait for the run in the metadata database (cheap: no Airflow import), at most TIMEOUT_S.
  "$PY" - "$AIRFLOW_HOME/airflow.db" "$run_id" "$4" <<'PY'
import sqlite3, sys, time
db, run_id, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])


def query(sql):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql, (run_id,)).fetchall()
    finally:
        conn.close()


deadline, state = time.monotonic() + timeout, None
while time.monotonic() < deadline:
    rows = query("select state from dag_run where dag_id = 'powerball_medallion'"
                 " and run_id = ?")
    state = rows[0][0] if rows else None
    if state in ("success", "failed"):
        break
    time.sleep(3)
took = query("select (julianday(end_date) - julianday(start_date)) * 86400 from dag_run"
             " where run_id = ?")[0][0]
tasks = query("select task_id, state, duration from task_instance where run_id = ?"
              " order by start_date")
steps = ", ".join(f"{t} {s}" + (f" {d:.0f}s" if d is not None else "") for t, s, d in tasks)
if state not in ("success", "failed"):
    sys.exit(f"   run {run_id} still {state} after {timeout:.0f} s: {steps}")
print(f"   {state} in {took:.0f} s: {steps}", file=sys.stderr)
sys.exit(0 if state == "success" else 1)
PY
}

verdict() {  # gold's plain sentence, where this build has it
  "$PY" - <<'PY'
import psycopg
from pipeline.db import connect
try:
    with connect() as conn:
        row = conn.execute("select sentence from gold.verdict_summary"
                           " where game = 'powerball'").fetchone()
    print(row[0] if row else "(gold.verdict_summary has no powerball row yet)")
except psycopg.errors.UndefinedTable:
    print("(gold.verdict_summary is not in this build)")
PY
}

redacted_url() {
  "$PY" -c 'import re, sys; print(re.sub(r"://([^:@/]*):[^@/]*@", r"://\1:***@", sys.argv[1]))' \
    "$PIPELINE_DATABASE_URL"
}

where_next() {
  cat <<EOF

== Where to look next
  Airflow UI   scripts/airflow_local.sh standalone, then http://127.0.0.1:$PORT
               user admin, password in $PASSWORDS
               DAG powerball_medallion: the two runs above with their task logs and durations;
               its Docs say how to trigger a run and what each parameter does
  The answer   .venv/bin/python -m pipeline show --game powerball
  Your numbers .venv/bin/python -m pipeline ticket --game powerball --numbers "5 12 23 41 60 + 14"
  Report       .venv/bin/python -m pipeline report --game powerball --out report.html
  SQL          gold.verdict_summary, gold.leaderboard, gold.latest_predictions in
               $(redacted_url)
EOF
}

case "${1:-demo}" in
  demo)
    started=$(date +%s)
    start_servers
    run_for_real backfill "" \
      "{\"source\": \"$SOURCE\", \"from_date\": \"2016-01-01\", \"to_date\": \"2025-12-31\"}" 1800
    # The nightly run of the morning of 2026-01-02 predicts the 2026-01-03 draw. Its time of day
    # is now's: Airflow keeps one run per logical date, and a repeated demo gets a run of its own.
    run_for_real nightly "2026-01-02T$(date -u +%H:%M:%S)+00:00" "{\"source\": \"$SOURCE\"}" 900
    stop_servers
    echo "== the demo took $(( $(date +%s) - started )) s" >&2
    echo
    echo "== gold.verdict_summary"
    verdict
    echo
    echo "== python -m pipeline show --game powerball"
    "$PY" -m pipeline show --game powerball
    where_next
    ;;
  test)
    [ $# -ge 2 ] || { echo "usage: $0 test LOGICAL_DATE" >&2; exit 2; }
    dags_test "$2" "{\"source\": \"$SOURCE\"}"
    echo
    "$PY" -m pipeline show --game powerball
    ;;
  standalone)
    echo "Airflow UI: http://127.0.0.1:$PORT (user admin; password in $PASSWORDS once it starts)" >&2
    exec "$AIRFLOW" standalone
    ;;
  *)
    echo "usage: $0 [demo | test LOGICAL_DATE | standalone]" >&2; exit 2 ;;
esac
