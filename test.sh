#!/usr/bin/env bash
# The test command: lint, then every test against a real PostgreSQL (PIPELINE_DATABASE_URL's server
# when set, else the embedded one). Each pytest worker makes and drops its own database.
#
# With no test paths given, the suite runs on pytest-xdist workers, one per core (PYTEST_WORKERS
# overrides): whole files go to whichever worker is free. Given paths (./test.sh tests/bronze -x),
# one process. Tiers (tests/conftest.py): ./test.sh -m unit (seconds), -m "unit or integration",
# -m system.
set -euo pipefail
cd "$(dirname "$0")"
export TQDM_DISABLE=1 PYTHONWARNINGS=${PYTHONWARNINGS:-ignore}
# Bytecode caches on: pytest keeps its rewritten test modules there, and each `python -m pipeline`
# subprocess would otherwise compile the package again (tens of seconds per run on a busy machine).
unset PYTHONDONTWRITEBYTECODE
.venv/bin/ruff check .
for arg in "$@"; do
  if [[ "$arg" != -* && -e "${arg%%::*}" ]]; then
    exec .venv/bin/pytest "$@"
  fi
done
exec .venv/bin/pytest -n "${PYTEST_WORKERS:-$(nproc)}" --dist loadfile "$@"
