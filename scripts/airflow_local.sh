#!/usr/bin/env bash
# Airflow on this machine, no servers and no Docker: the warehouse is the embedded PostgreSQL
# (or $PIPELINE_DATABASE_URL / $AIRFLOW_CONN_WAREHOUSE when set), Airflow's metadata is SQLite
# under .drawpipe/airflow.
#
#   scripts/airflow_local.sh            # = test: a 2025 backfill, then the nightly run for
#                                       #   2026-01-02 (predicts the 2026-01-03 draw), on the
#                                       #   shipped NY export, then prints the leaderboard
#   scripts/airflow_local.sh test DATE  # the nightly run for logical date DATE only
#   scripts/airflow_local.sh standalone # the UI on http://127.0.0.1:8080 (Ctrl-C stops it all)
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

"$PY" -m pipeline migrate >/dev/null
"$AIRFLOW" db migrate >/dev/null
"$AIRFLOW" pools set warehouse_writers 2 "drawpipe steps that publish to the warehouse" >/dev/null

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

case "${1:-test}" in
  test)
    if [ $# -ge 2 ]; then
      dags_test "$2" "{\"source\": \"$SOURCE\"}"
    else
      dags_test 2026-01-01 "{\"source\": \"$SOURCE\", \"from_date\": \"2025-01-01\", \"to_date\": \"2025-12-31\"}"
      dags_test 2026-01-02 "{\"source\": \"$SOURCE\"}"
    fi
    echo
    "$PY" -m pipeline.orchestration.leaderboard --game powerball
    ;;
  standalone)
    export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION=True
    export AIRFLOW__API__HOST="${AIRFLOW__API__HOST:-127.0.0.1}"  # this machine only
    echo "Airflow UI: http://127.0.0.1:8080 (user admin; password in" \
         "$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated once it starts)" >&2
    exec "$AIRFLOW" standalone
    ;;
  *)
    echo "usage: $0 [test [LOGICAL_DATE] | standalone]" >&2; exit 2 ;;
esac
