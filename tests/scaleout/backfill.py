"""The backfill the scale-out test spreads over the cluster, and the same work through the CLI.

Two Powerball date ranges (separate runs of one DAG: max_active_runs=1 queues the second) and a
Mega Millions range crossing its 2025-04-08 rule change (a second DAG, running alongside).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
DAG_IDS = ("powerball_medallion", "mega_millions_medallion")


@dataclass(frozen=True)
class BackfillRun:
    run_id: str
    game: str
    source: Path
    from_date: dt.date
    to_date: dt.date
    logical: dt.datetime

    @property
    def dag_id(self) -> str:
        return f"{self.game}_medallion"

    @property
    def conf(self) -> dict:
        return {"source": str(self.source), "from_date": self.from_date.isoformat(),
                "to_date": self.to_date.isoformat()}

    def cli_argv(self) -> list[str]:
        return ["run", "--game", self.game, "--source", str(self.source),
                "--from", self.from_date.isoformat(), "--to", self.to_date.isoformat(),
                "--logical-date", self.logical.isoformat()]


def plan(pb_source: Path, mm_source: Path) -> list[BackfillRun]:
    def at(day: str) -> dt.datetime:
        return dt.datetime.fromisoformat(day).replace(hour=12, tzinfo=dt.UTC)

    return [
        BackfillRun("scaleout_pb_june", "powerball", pb_source,
                    dt.date(2025, 6, 2), dt.date(2025, 6, 14), at("2025-06-15")),
        BackfillRun("scaleout_pb_october", "powerball", pb_source,
                    dt.date(2025, 10, 1), dt.date(2025, 10, 11), at("2025-10-12")),
        BackfillRun("scaleout_mm_rule_change", "mega_millions", mm_source,
                    dt.date(2025, 3, 28), dt.date(2025, 4, 15), at("2025-04-16")),
    ]


def trigger(cluster, runs: list[BackfillRun]) -> None:
    """`airflow dags trigger` for every run, one after another (their order is the queue's)."""
    for run in runs:
        cluster.airflow("dags", "trigger", run.dag_id, "--run-id", run.run_id,
                        "--conf", json.dumps(run.conf),
                        "--logical-date", run.logical.isoformat())


def run_states(metadata: str, runs: list[BackfillRun]) -> dict[str, str]:
    with psycopg.connect(metadata, autocommit=True) as conn:
        rows = conn.execute("select run_id, state from dag_run where run_id = any(%s)",
                            ([r.run_id for r in runs],)).fetchall()
    return dict(rows)


def wait_for_runs(cluster, runs: list[BackfillRun], timeout: float) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    states: dict[str, str] = {}
    while time.monotonic() < deadline:
        cluster._check_alive()
        states = run_states(cluster.metadata, runs)
        if len(states) == len(runs) and all(s in ("success", "failed") for s in states.values()):
            return states
        time.sleep(2)
    raise TimeoutError(f"runs not finished after {timeout}s: {states}\n"
                       f"{task_table(cluster.metadata, runs)}\n{cluster.log_tails()}")


def task_rows(metadata: str, runs: list[BackfillRun]) -> list[dict]:
    with psycopg.connect(metadata, autocommit=True) as conn:
        cur = conn.execute(
            "select dag_id, run_id, task_id, state, hostname, queue, pool, try_number,"
            " start_date, end_date from task_instance where run_id = any(%s)"
            " order by start_date nulls last", ([r.run_id for r in runs],))
        cols = [c.name for c in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur]


def task_table(metadata: str, runs: list[BackfillRun]) -> str:
    def took(r):
        if r["start_date"] and r["end_date"]:
            return f"{(r['end_date'] - r['start_date']).total_seconds():6.1f}s"
        return "      -"

    return "\n".join(f"{r['run_id']:24} {r['task_id']:18} {r['state'] or '-':10} "
                     f"{r['hostname'] or '-':11} {r['pool']:18} "
                     f"{r['start_date']:%H:%M:%S} {took(r)}" if r["start_date"] else
                     f"{r['run_id']:24} {r['task_id']:18} {r['state'] or '-'}"
                     for r in task_rows(metadata, runs))


def run_order(metadata: str, runs: list[BackfillRun]) -> list[str]:
    """Run ids in the order the cluster started them."""
    with psycopg.connect(metadata, autocommit=True) as conn:
        rows = conn.execute("select run_id from dag_run where run_id = any(%s)"
                            " order by start_date", ([r.run_id for r in runs],)).fetchall()
    return [r[0] for r in rows]


def per_game_order(run_ids: list[str], runs: list[BackfillRun]) -> dict[str, list[str]]:
    by_id = {r.run_id: r for r in runs}
    order: dict[str, list[str]] = {}
    for run_id in run_ids:
        order.setdefault(by_id[run_id].game, []).append(run_id)
    return order


def run_cli_reference(runs: list[BackfillRun], warehouse: str) -> list[dict]:
    """The same runs, in the given order, as `python -m pipeline run` in one process each.

    Returns each run's JSON result (its steps, skipped ones included) and wall time.
    """
    env = {**os.environ, "PIPELINE_DATABASE_URL": warehouse, "PYTHONPATH": str(ROOT),
           "PYTHONWARNINGS": "ignore", "TQDM_DISABLE": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("AIRFLOW")}
    results = []
    for run in runs:
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pipeline", *run.cli_argv()], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise AssertionError(f"pipeline {' '.join(run.cli_argv())} exited "
                                 f"{proc.returncode}:\n{proc.stderr[-3000:]}")
        result = json.loads([ln for ln in proc.stdout.splitlines() if ln.strip()][-1])
        results.append({"run_id": run.run_id, "result": result,
                        "seconds": round(time.perf_counter() - started, 1)})
    return results


def content_rows(url: str, table: str) -> set[str]:
    """A table's rows as text, without the columns two correct runs differ in by construction
    (uuid and timestamptz columns, code_version): for showing what differs, not for checksums."""
    schema, name = table.split(".")
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        cols = [r[0] for r in conn.execute(
            "select column_name from information_schema.columns where table_schema = %s"
            " and table_name = %s and data_type not in ('uuid', 'timestamp with time zone')"
            " and column_name not in ('code_version', 'history_id', 'revision_id')"
            " order by ordinal_position", (schema, name)).fetchall()]
        query = sql.SQL("select row({})::text from {}").format(
            sql.SQL(", ").join(map(sql.Identifier, cols)), sql.Identifier(schema, name))
        return {r[0] for r in conn.execute(query)}


def row_differences(url_a: str, url_b: str, tables, limit: int = 4) -> str:
    out = []
    for table in sorted(tables):
        a, b = content_rows(url_a, table), content_rows(url_b, table)
        out.append(f"{table}: {len(a - b)} rows only in the first, {len(b - a)} only in the "
                   f"second\n  first:  {sorted(a - b)[:limit]}\n  second: {sorted(b - a)[:limit]}")
    return "\n".join(out)
