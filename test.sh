#!/usr/bin/env bash
# The test command: lint, then every test against a real PostgreSQL (PIPELINE_DATABASE_URL's server
# when set, else the embedded one). Each run makes and drops its own database.
set -euo pipefail
cd "$(dirname "$0")"
export TQDM_DISABLE=1 PYTHONWARNINGS=${PYTHONWARNINGS:-ignore}
.venv/bin/ruff check .
exec .venv/bin/pytest "$@"
