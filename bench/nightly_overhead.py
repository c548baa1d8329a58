"""A nightly run (one new draw) through `airflow dags test` against the same run through the CLI.

The warehouse is first brought to "last night": the shipped Powerball export without its newest
draw, run nightly for the morning after the draw before it (bronze, silver and gold as a
deployment holds them). That state is cloned (CREATE DATABASE ... TEMPLATE) for every
measurement, so each side starts from the same rows. Then the full export arrives (one new
draw) and the nightly run for the morning after it is measured, end to end, as a user runs it:
- `cli_run` (reference): `python -m pipeline run --game powerball --source F --logical-date L`;
- `steps_subprocess`: the DAG's step plan, each step its own `python -m pipeline` process
  started by the local step runner (what each Airflow task runs), without Airflow: separates
  the cost of a process per step from Airflow's own;
- `airflow_dags_test`: `airflow dags test powerball_medallion L -c '{"source": F}'` (SQLite
  metadata in a throwaway AIRFLOW_HOME, migrated beforehand; the warehouse is the Airflow
  connection), Airflow's start-up and DAG parse included;
- `airflow_floor`: `airflow dags test` of a one-task DAG whose task returns at once, same
  Airflow home and settings: what Airflow costs whatever the DAG does (start-up, the first task's
  execution API, exit), so `airflow_dags_test` minus it is what the drawpipe DAG adds;
- `reference_cli_run` (when BENCH_NIGHTLY_REFERENCE names a checkout of older code, e.g. a git
  worktree): `cli_run` with that checkout's code, from a "last night" its own code migrated and
  loaded, so a speed-up of the steps is a ratio measured in the same run.

Rounds alternate which side goes first. `ratio` follows bench.harness (the reference's seconds
over this line's: below 1 means slower than the CLI); `airflow_over_cli` is Airflow's seconds
over the CLI's in the same round: Airflow's overhead factor (`overhead_s` the difference), and
`airflow_over_steps_subprocess` the part Airflow adds beyond one process per step.
`peak_rss_mb` is the largest single process of the measured command's tree, `cpu_s` the CPU
seconds of that tree (user + system; the warehouse server's own are not in it): on a shared
machine the wall times stretch with the load, CPU seconds much less. All sides must leave the
same warehouse content (`same_result`), or the benchmark fails.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from bench.common import scratch_database, server_url, with_dbname
from bench.harness import emit, measure

ROOT = Path(__file__).resolve().parent.parent
EXPORT = ROOT / "data" / "powerball" / "ny_open_data_export_2010_2025.csv"
GAME, DAG_ID = "powerball", "powerball_medallion"
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
# Issue 16: Airflow at most 2.5x the CLI; the CLI at least 2x faster than the reference.
TARGET_OVER_CLI, TARGET_SPEEDUP = 2.5, 2.0
ROUNDS = int(os.environ.get("BENCH_NIGHTLY_ROUNDS", "2"))
REFERENCE = os.environ.get("BENCH_NIGHTLY_REFERENCE")  # a checkout of older code, or unset
FLOOR_DAG_ID = "bench_airflow_floor"
FLOOR_DAG = f"""import datetime as dt

from airflow.sdk import DAG, task

with DAG("{FLOOR_DAG_ID}", schedule=None, start_date=dt.datetime(2025, 1, 1)):
    @task
    def noop():
        return None

    noop()
"""
# Content compared between the two sides: what users read, ids and timestamps aside.
COMPARED = ("bronze.draws", "silver.predictions", "gold.prediction_results")


def nightly_logical(draw_day: dt.date) -> dt.datetime:
    """The nightly run's logical date-time after a draw night (the DAG's cron, game time zone)."""
    from pipeline.games import get_game
    from pipeline.orchestration.schedule import NIGHTLY_RUN_AT

    tz = ZoneInfo(get_game(GAME).timezone)
    return dt.datetime.combine(draw_day + dt.timedelta(days=1), NIGHTLY_RUN_AT, tz)


def split_export(folder: Path) -> tuple[Path, dt.date, dt.date]:
    """Write the export without its newest draw; return (that file, previous draw, new draw)."""
    header, newest, *older = EXPORT.read_text().splitlines()
    history = folder / "history_without_newest.csv"
    history.write_text("\n".join([header, *older]) + "\n")

    def day(line: str) -> dt.date:
        return dt.datetime.strptime(line.split(",", 1)[0].strip('"'), "%m/%d/%Y").date()

    return history, day(older[0]), day(newest)


def _pipeline_env(url: str, root: Path = ROOT) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    return {**env, "PIPELINE_DATABASE_URL": url, "PYTHONPATH": str(root),
            "PYTHONWARNINGS": "ignore", "TQDM_DISABLE": "1"}


def _children() -> dict:
    """Peak RSS and CPU seconds of this (measured) process's finished children."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"peak_rss_mb": round(use.ru_maxrss / 1024, 1),
            "cpu_s": round(use.ru_utime + use.ru_stime, 2)}


def cli_run(url: str, source: Path, logical: dt.datetime, root: Path = ROOT) -> dict:
    proc = subprocess.run([sys.executable, "-m", "pipeline", "--log-level", "WARNING", "run",
                           "--game", GAME, "--source", str(source),
                           "--logical-date", logical.isoformat()],
                          cwd=root, env=_pipeline_env(url, root), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"pipeline run exited {proc.returncode}: {proc.stderr[-2000:]}")
    steps = json.loads(proc.stdout.strip().splitlines()[-1])["steps"]
    return {**_children(), "steps": len(steps),
            "step_seconds": round(sum(s.get("seconds", 0) for s in steps), 2),
            "per_step_s": {s["step"]: s.get("seconds") for s in steps}}


def steps_subprocess(url: str, source: Path, logical: dt.datetime) -> dict:
    """The DAG's steps, each as its own `python -m pipeline` process, as the local step runner
    starts them from a task (pipeline.orchestration.runner), without Airflow around them."""
    from pipeline.games import get_game
    from pipeline.orchestration.params import validate_params
    from pipeline.orchestration.runner import run_step, step_env
    from pipeline.orchestration.steps import plan

    game = get_game(GAME)
    calls = plan(game, validate_params(game, {"source": str(source)}), logical,
                 dt.datetime.now(dt.UTC))
    env = step_env(url, _pipeline_env(url))
    for call in calls:
        if call.argv is not None:
            run_step(call.argv, env=env)
    return {**_children(), "steps": sum(c.argv is not None for c in calls)}


def _connection_json(url: str) -> str:
    p = conninfo_to_dict(url)
    return json.dumps({"conn_type": "postgres", "host": p.get("host"), "port": p.get("port"),
                       "login": p.get("user"), "password": p.get("password"),
                       "schema": p.get("dbname")})


def airflow_env(home: Path, url: str) -> dict:
    from cryptography.fernet import Fernet

    return {**_pipeline_env(url), "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
            "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(64),
            "AIRFLOW_CONN_WAREHOUSE": _connection_json(url), "PIPELINE_STEP_RUNNER": "local"}


def prepare_airflow_home(folder: Path) -> tuple[Path, float]:
    """A migrated SQLite metadata DB with the writers' pool, copied for every measurement."""
    home = folder / "airflow_template"
    home.mkdir()
    env = airflow_env(home, "postgresql://unused@127.0.0.1:1/unused")
    started = time.perf_counter()
    for args in (["db", "migrate"], ["pools", "set", "warehouse_writers", "2", "writers"]):
        subprocess.run([AIRFLOW, *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return home, time.perf_counter() - started


def airflow_dags_test(template: Path, url: str, source: Path | None, logical: dt.datetime,
                      dag_id: str = DAG_ID, dags: Path = ROOT / "dags") -> dict:
    home = template.parent / f"airflow_{uuid.uuid4().hex[:8]}"
    shutil.copytree(template, home)
    env = {**airflow_env(home, url), "AIRFLOW__CORE__DAGS_FOLDER": str(dags)}
    conf = ["-c", json.dumps({"source": str(source)})] if source else []
    proc = subprocess.run([AIRFLOW, "dags", "test", dag_id, logical.isoformat(), *conf],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    finished = re.findall(r"DagRun Finished.*?state=(\w+)", out)
    if proc.returncode != 0 or finished[-1:] != ["success"]:
        tail = "\n".join(ln for ln in out.splitlines() if "rror" in ln or "ailed" in ln)
        raise RuntimeError(f"airflow dags test: exit {proc.returncode}, "
                           f"states {finished}:\n{tail[-3000:]}")
    shutil.rmtree(home, ignore_errors=True)
    return _children()


def airflow_floor(template: Path, logical: dt.datetime) -> dict:
    """`airflow dags test` of a one-task no-op DAG: Airflow's own cost, whatever the DAG."""
    dags = template.parent / "floor_dags"
    dags.mkdir(exist_ok=True)
    (dags / "floor.py").write_text(FLOOR_DAG)
    return airflow_dags_test(template, "postgresql://unused@127.0.0.1:1/unused", None, logical,
                             FLOOR_DAG_ID, dags)


def _reporting(fn):
    """fn, returning its failure as a value: a measured child that raises would otherwise
    leave bench.harness.measure waiting for a result that never comes."""
    def call(*args):
        try:
            return fn(*args)
        except BaseException as exc:  # reported, and raised again, in the parent
            return {"error": f"{type(exc).__name__}: {exc}"[-3000:]}
    return call


def measured(fn, *args) -> dict:
    result = measure(_reporting(fn), *args)
    if "error" in result:
        raise RuntimeError(f"{fn.__name__} failed: {result['error']}")
    return result


@contextmanager
def clone_of(template_url: str):
    """A copy of the template database (same rows, same sequences); dropped afterwards."""
    template = conninfo_to_dict(template_url)["dbname"]
    name = f"{template}_c{uuid.uuid4().hex[:6]}"
    admin = with_dbname(template_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {} template {}").format(
            sql.Identifier(name), sql.Identifier(template)))
    try:
        yield with_dbname(template_url, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(
                sql.Identifier(name)))


def content_digest(url: str) -> dict[str, tuple[int, str]]:
    """table -> (rows, md5 of its rows without uuid/timestamptz columns)."""
    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for table in COMPARED:
            schema, name = table.split(".")
            cols = [r[0] for r in conn.execute(
                "select column_name from information_schema.columns where table_schema = %s"
                " and table_name = %s and data_type not in ('uuid', 'timestamp with time zone')"
                " and column_name <> 'code_version' order by ordinal_position",
                (schema, name)).fetchall()]
            row = sql.SQL("row({})::text").format(sql.SQL(", ").join(map(sql.Identifier, cols)))
            out[table] = tuple(conn.execute(sql.SQL(
                "select count(*), coalesce(md5(string_agg(r, E'\\n' order by r)), '')"
                " from (select {} as r from {}) x").format(
                row, sql.Identifier(schema, name))).fetchone())
    return out


@contextmanager
def reference_state(reference: Path, history: Path, logical: dt.datetime):
    """Last night's warehouse as the reference checkout's own code migrates and loads it."""
    admin = with_dbname(server_url(), "postgres")
    name = f"drawpipe_bench_nightly_ref_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = with_dbname(server_url(), name)
    try:
        subprocess.run([sys.executable, "-m", "pipeline", "migrate"], cwd=reference,
                       env=_pipeline_env(url, reference), check=True, capture_output=True)
        cli_run(url, history, logical, reference)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(
                sql.Identifier(name)))


def run(rows: int | None) -> None:
    if rows not in (None, 1):  # `python -m bench all --rows N` must not stop here
        print(f"nightly_overhead: one new draw by definition; --rows {rows} ignored",
              file=sys.stderr)
    reference = Path(REFERENCE).resolve() if REFERENCE else None
    with tempfile.TemporaryDirectory(prefix="bench_nightly_") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        history, previous, newest = split_export(folder)
        before, after = nightly_logical(previous), nightly_logical(newest)
        template, airflow_setup_s = prepare_airflow_home(folder)
        base = stack.enter_context(scratch_database("drawpipe_bench_nightly"))
        started = time.perf_counter()
        cli_run(base, history, before)  # last night's state; not measured
        common = {"new_draw": newest.isoformat(), "logical_date": after.isoformat(),
                  "history_ready_s": round(time.perf_counter() - started, 1),
                  "airflow_db_setup_s": round(airflow_setup_s, 1)}
        ref_base = (stack.enter_context(reference_state(reference, history, before))
                    if reference else None)
        sides = ["cli", "steps", "airflow", "floor"] + (["reference"] if reference else [])
        for n in range(1, ROUNDS + 1):
            order = sides if n % 2 else sides[::-1]
            results, digests = {}, {}
            for side in order:
                if side == "floor":
                    results[side] = measured(airflow_floor, template, after)
                    continue
                with clone_of(ref_base if side == "reference" else base) as url:
                    if side == "cli":
                        results[side] = measured(cli_run, url, EXPORT, after)
                    elif side == "reference":
                        results[side] = measured(cli_run, url, EXPORT, after, reference)
                    elif side == "steps":
                        results[side] = measured(steps_subprocess, url, EXPORT, after)
                    else:
                        results[side] = measured(airflow_dags_test, template, url, EXPORT,
                                                 after)
                    digests[side] = content_digest(url)
            same = digests["cli"] == digests["airflow"] == digests["steps"]
            s = {k: r["seconds"] for k, r in results.items()}
            cpu = {k: r["cpu_s"] for k, r in results.items()}
            meaning = "cli_run seconds / this line's seconds (harness convention)"
            at = {"round": n, "first": order[0], **common}
            emit("nightly_overhead.cli_run", 1, results["cli"], None, **at)
            emit("nightly_overhead.steps_subprocess", 1, results["steps"], "cli_run",
                 s["cli"], ratio_meaning=meaning, over_cli=round(s["steps"] / s["cli"], 3),
                 cpu_over_cli=round(cpu["steps"] / cpu["cli"], 3), same_result=same, **at)
            emit("nightly_overhead.airflow_dags_test", 1, results["airflow"], "cli_run",
                 s["cli"], ratio_meaning=meaning,
                 airflow_over_cli=round(s["airflow"] / s["cli"], 3),
                 cpu_over_cli=round(cpu["airflow"] / cpu["cli"], 3),
                 airflow_over_steps_subprocess=round(s["airflow"] / s["steps"], 3),
                 overhead_s=round(s["airflow"] - s["cli"], 2),
                 beyond_floor_s=round(s["airflow"] - s["floor"], 2),
                 target_over_cli=TARGET_OVER_CLI,
                 within_target=s["airflow"] / s["cli"] <= TARGET_OVER_CLI, same_result=same,
                 **at)
            emit("nightly_overhead.airflow_floor", 1, results["floor"], "cli_run", s["cli"],
                 ratio_meaning=meaning, floor_over_cli=round(s["floor"] / s["cli"], 3),
                 cpu_over_cli=round(cpu["floor"] / cpu["cli"], 3), **at)
            if reference:
                emit("nightly_overhead.reference_cli_run", 1, results["reference"], "cli_run",
                     s["cli"], ratio_meaning=meaning, checkout=str(reference),
                     cli_speedup=round(s["reference"] / s["cli"], 3),
                     step_speedup=round(results["reference"]["step_seconds"]
                                        / results["cli"]["step_seconds"], 3),
                     cpu_speedup=round(cpu["reference"] / cpu["cli"], 3),
                     target_speedup=TARGET_SPEEDUP,
                     same_result=digests["reference"] == digests["cli"], **at)
            if not same:
                raise SystemExit(f"the three sides left different warehouses: {digests}")
