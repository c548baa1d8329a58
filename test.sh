#!/usr/bin/env bash
# The test command: lint, then every test against a real PostgreSQL (PIPELINE_DATABASE_URL's server
# when set, else the embedded one). Each pytest run makes and drops its own database.
#
# With no test paths given, the suite runs as two pytest processes at once, one per core: most
# of a test's time is spent in step subprocesses and the database, so two halves on 2 cores take
# about two thirds of one serial run. Given paths (./test.sh tests/bronze -x), one process.
set -euo pipefail
cd "$(dirname "$0")"
export TQDM_DISABLE=1 PYTHONWARNINGS=${PYTHONWARNINGS:-ignore}
.venv/bin/ruff check .
for arg in "$@"; do
  if [[ "$arg" != -* && -e "${arg%%::*}" ]]; then
    exec .venv/bin/pytest "$@"
  fi
done
second_log=$(mktemp)
trap 'rm -f "$second_log"' EXIT
.venv/bin/pytest "$@" tests/reliability tests/scaleout tests/silver >"$second_log" 2>&1 &
second=$!
first_status=0
.venv/bin/pytest "$@" tests --ignore=tests/reliability --ignore=tests/scaleout \
  --ignore=tests/silver || first_status=$?
second_status=0
wait "$second" || second_status=$?
echo "--- tests/reliability tests/scaleout tests/silver ---"
cat "$second_log"
if (( first_status != 0 || second_status != 0 )); then
  echo "test.sh: failed (exit $first_status and $second_status)" >&2
  exit 1
fi
