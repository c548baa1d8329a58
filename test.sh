#!/usr/bin/env bash
# The test command: lint, then every test against a real PostgreSQL (PIPELINE_DATABASE_URL's server
# when set, else a server answering on 127.0.0.1:5432, else the embedded one). Each pytest worker
# makes and drops its own database.
#
# With no test paths given, the suite runs on pytest-xdist workers, one per core (PYTEST_WORKERS
# overrides): whole files go to whichever worker is free, files with slow tests first
# (tests/conftest.py orders them). Given paths (./test.sh tests/bronze -x),
# one process. Tiers (tests/conftest.py): ./test.sh -m unit (seconds), -m "unit or integration",
# -m system.
set -euo pipefail
cd "$(dirname "$0")"
export TQDM_DISABLE=1 PYTHONWARNINGS=${PYTHONWARNINGS:-ignore}
# Bytecode caches on: pytest keeps its rewritten test modules there, and each `python -m pipeline`
# subprocess would otherwise compile the package again (tens of seconds per run on a busy machine).
unset PYTHONDONTWRITEBYTECODE
# The system tier's Celery cluster and containers reach the warehouse over TCP, which the
# embedded server (a socket directory) does not offer: a local server that answers is used.
if [ -z "${PIPELINE_DATABASE_URL:-}" ] && command -v pg_isready >/dev/null \
   && pg_isready -q -h 127.0.0.1 -p 5432 -U postgres -t 3; then
  export PIPELINE_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres
fi
.venv/bin/ruff check .
for arg in "$@"; do
  if [[ "$arg" != -* && -e "${arg%%::*}" ]]; then
    exec .venv/bin/pytest "$@"
  fi
done
exec .venv/bin/pytest -n "${PYTEST_WORKERS:-$(nproc)}" --dist loadfile --no-loadscope-reorder "$@"
