#!/usr/bin/env bash
# Set up drawpipe on a fresh machine, then run the pipeline end to end on the real Powerball history
# through a real Airflow scheduler (a 2016-2025 backfill, then a nightly run: see
# scripts/airflow_local.sh) and print the verdict, the leaderboard and where to look next.
# Creates .venv/ from the lock file; uses PIPELINE_DATABASE_URL if set, else an embedded PostgreSQL
# under .drawpipe/. `./setup.sh --no-demo` installs only.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
export UV_COMPILE_BYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q uv==0.13.9
.venv/bin/uv pip install -q --python .venv/bin/python -r requirements.lock
.venv/bin/uv pip install -q --python .venv/bin/python --no-deps -e .
echo "installed: $(.venv/bin/python -c 'import airflow, pipeline; print("drawpipe", pipeline.__version__, "airflow", airflow.__version__)' 2>/dev/null)"

if [ "${1:-}" != "--no-demo" ]; then
  exec scripts/airflow_local.sh demo
fi
