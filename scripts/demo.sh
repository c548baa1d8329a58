#!/usr/bin/env bash
# End to end on the shipped real Powerball history, one step at a time through the CLI
# (the same commands the DAG's tasks run). Warehouse: PIPELINE_DATABASE_URL or the embedded one.
set -euo pipefail
cd "$(dirname "$0")/.."
export TQDM_DISABLE=1 PYTHONWARNINGS=ignore
step() { echo "+ python -m pipeline $*" >&2; .venv/bin/python -m pipeline --log-level WARNING "$@"; }
step migrate
step ingest --game powerball --source data/powerball/ny_open_data_export_2010_2025.csv
step ingest --game powerball --source data/powerball/draws_2010_2025.csv
step features --game powerball
step backtest --game powerball --from 2025-01-01 --to 2025-12-31
step predict --game powerball --for-date 2026-01-03
step evaluate --game powerball
step report --game powerball --out .drawpipe/report.html
.venv/bin/python - <<'PY'
from pipeline.db import connect
with connect() as conn:
    cur = conn.execute("select * from gold.leaderboard where game = 'powerball'")
    cols = [c.name for c in cur.description]
    print(" | ".join(cols))
    for row in cur:
        print(" | ".join("" if v is None else (f"{v:.4g}" if isinstance(v, float) else str(v)) for v in row))
PY
echo "report: .drawpipe/report.html" >&2
