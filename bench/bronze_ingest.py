"""Bronze ingest of synthetic NY exports, end to end through the CLI, beside psql and to_sql.

One synthetic game per file (bronze holds one row per game and draw date), all files of a size
ingested in turn. Measured in the same run, each on the same files:
- psql_copy: one psql session running `\\copy` of every file into an unconstrained text table
  (the reference);
- keyed_floor: the same psql session, then one `INSERT ... SELECT` per file from the text
  table into a typed table with bronze's key (game, draw_date) and its foreign key to a batch
  table: the cheapest keyed load SQL alone can do, with no validation, gate or history. It
  bounds what any ingest that keeps bronze's key can reach against the reference;
- pandas_to_sql: pandas.read_csv + DataFrame.to_sql of every file into a fresh table;
- ingest_first / ingest_rerun: `pipeline.cli.main(["ingest", ...])` per file in one process
  (parse, validate, stage, gate, publish; the rerun changes nothing); `gate_seconds` and
  `gate_share` are the bronze quality gate's own time, summed over the files, and its share
  of the line's seconds;
- ingest_first_skip_checks: the first load again (bronze emptied) with --skip-checks, to
  separate the quality gate's cost from bronze's own;
- ingest_subprocess: `python -m pipeline ingest` per file into an emptied bronze, as a
  scheduler runs it (adds interpreter start-up per game).

BENCH_SUBPROCESS=0 leaves the subprocess line out (it repeats the first load per game).

The pandas_to_sql and in-process ingest lines also report the CPU they used: `cpu_client` (the
measuring process) and `cpu_server` (the PostgreSQL backends of the connections it opened, read
from /proc when the server runs on this machine, else absent), and the ingest lines
`cpu_vs_to_sql` = to_sql's CPU seconds over theirs. On a machine shared with other work, wall
seconds mostly measure the scheduler (a publish waits for its backend to be given a core at
every round trip); CPU seconds measure the work.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import scratch_database, write_ny_exports
from bench.harness import emit, measure

LADDER = (10_000, 100_000, 1_000_000)
ROOT = Path(__file__).resolve().parent.parent


def _psql_copy(url: str, files) -> dict:
    script = ["drop table if exists bench_copy;",
              "create table bench_copy (draw_date text, winning_numbers text, multiplier text);"]
    script += [f"\\copy bench_copy from '{path}' with (format csv, header true)"
               for _, path in files]
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url],
                   input="\n".join(script), text=True, check=True, capture_output=True)
    return {}


KEYED_SETUP = """
drop table if exists bench_keyed; drop table if exists bench_keyed_batches;
drop table if exists bench_copy;
create table bench_copy (draw_date text, winning_numbers text, multiplier text);
create table bench_keyed_batches (batch_id integer primary key);
insert into bench_keyed_batches values (1);
create table bench_keyed (
    game text not null, draw_date date not null,
    white_1 smallint not null, white_2 smallint not null, white_3 smallint not null,
    white_4 smallint not null, white_5 smallint not null, special_ball smallint not null,
    multiplier smallint,
    batch_id integer not null references bench_keyed_batches (batch_id),
    primary key (game, draw_date));
"""
# psql variables (:'game') keep the game id a bound literal rather than pasted SQL.
KEYED_INSERT = """
insert into bench_keyed
select :'game', to_date(draw_date, 'MM/DD/YYYY'),
       split_part(winning_numbers, ' ', 1)::smallint, split_part(winning_numbers, ' ', 2)::smallint,
       split_part(winning_numbers, ' ', 3)::smallint, split_part(winning_numbers, ' ', 4)::smallint,
       split_part(winning_numbers, ' ', 5)::smallint, split_part(winning_numbers, ' ', 6)::smallint,
       nullif(multiplier, '')::smallint, 1
from bench_copy;
truncate bench_copy;
"""


def _keyed_floor(url: str, files) -> dict:
    script = [KEYED_SETUP]
    for gid, path in files:
        script += [f"\\set game '{gid}'",
                   f"\\copy bench_copy from '{path}' with (format csv, header true)",
                   KEYED_INSERT]
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url],
                   input="\n".join(script), text=True, check=True, capture_output=True)
    return {}


class _Cpu:
    """CPU seconds of this process and of the PostgreSQL backends of every connection it closes
    (psycopg's close, patched in the benchmark's own forked child; backends read from /proc)."""

    def __init__(self):
        import psycopg

        self.server, self.readable = 0.0, True
        close = psycopg.Connection.close
        cpu = self

        def counted_close(conn):
            if not conn.closed:
                cpu.server += cpu.backend_seconds(conn.info.backend_pid)
            return close(conn)

        psycopg.Connection.close = counted_close
        self.client_start = self.client()

    @staticmethod
    def client() -> float:
        import resource

        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def backend_seconds(self, pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a server on another machine
            self.readable = False
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def report(self) -> dict:
        client = round(self.client() - self.client_start, 3)
        if not self.readable:
            return {"cpu_client": client}
        return {"cpu_client": client, "cpu_server": round(self.server, 3),
                "cpu_seconds": round(client + self.server, 3)}


def _to_sql(url: str, files) -> dict:
    import pandas as pd
    from sqlalchemy import create_engine

    cpu = _Cpu()
    engine = create_engine("postgresql+psycopg://", creator=lambda: __import__(
        "psycopg").connect(url))
    with engine.begin() as c:
        c.exec_driver_sql("drop table if exists bench_to_sql")
    for _, path in files:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.to_sql("bench_to_sql", engine, if_exists="append", index=False, chunksize=50_000)
    engine.dispose()
    return cpu.report()


def _timed_gate(totals: dict):
    """Wrap the gate call of the write-audit-publish engine (every ingest's gate goes through
    it) so the gate's own seconds are summed (this process only)."""
    import time

    from pipeline import wap

    inner = wap.run_gate

    def run_gate(*args, **kwargs):
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            totals["gate_seconds"] += time.perf_counter() - start

    wap.run_gate = run_gate


def _ingest_in_process(files, *extra: str) -> dict:
    from pipeline.cli import main

    totals = {"inserted": 0, "unchanged": 0, "revised": 0, "quarantined": 0,
              "gate_seconds": 0.0}
    _timed_gate(totals)
    cpu = _Cpu()
    for gid, path in files:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["--log-level", "WARNING", "ingest", "--game", gid, "--source",
                         str(path), *extra])
        if code != 0:
            raise RuntimeError(f"ingest of {path} exited {code}")
        import json

        result = json.loads(out.getvalue().strip().splitlines()[-1])
        for k in ("inserted", "unchanged", "revised", "quarantined"):
            totals[k] += result[k]
    totals["gate_seconds"] = round(totals["gate_seconds"], 4)
    return {**totals, **cpu.report()}


def _with_gate_share(m: dict, to_sql: dict) -> dict:
    """gate_share: the bronze gate's seconds over the whole line's seconds (same process);
    cpu_vs_to_sql: to_sql's CPU seconds over this line's (same run)."""
    out = {**m, "gate_share": round(m["gate_seconds"] / m["seconds"], 4)}
    if m.get("cpu_seconds") and to_sql.get("cpu_seconds"):
        out["cpu_vs_to_sql"] = round(to_sql["cpu_seconds"] / m["cpu_seconds"], 4)
    return out


def _ingest_subprocess(files) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for gid, path in files:
        subprocess.run([sys.executable, "-m", "pipeline", "--log-level", "WARNING", "ingest",
                        "--game", gid, "--source", str(path)], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    return {}


def _empty_bronze(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("truncate bronze.draws, bronze.draw_revisions, staging.draws,"
                     " ops.quarantine, ops.ingest_batches, ops.dq_results, ops.runs cascade")
        conn.execute("vacuum analyze bronze.draws")


def bench_size(rows: int, *, subprocess_too: bool | None = None) -> list[dict]:
    if subprocess_too is None:
        subprocess_too = os.environ.get("BENCH_SUBPROCESS", "1") != "0"
    records = []
    with tempfile.TemporaryDirectory(prefix="bench_bronze_") as tmp:
        games_file, files, written = write_ny_exports(Path(tmp), rows)
        os.environ["PIPELINE_GAMES_FILE"] = str(games_file)
        # The source size cap (8 MiB by default) must not refuse a large synthetic export
        # (BENCH_DRAWS_PER_GAME sets how large one file is).
        largest = max(path.stat().st_size for _, path in files)
        os.environ["PIPELINE_SOURCE_MAX_BYTES"] = str(max(8 * 2**20, 2 * largest))
        common = {"games": len(files)}
        with scratch_database() as url:
            os.environ["PIPELINE_DATABASE_URL"] = url
            ref = measure(_psql_copy, url, files)
            records.append(emit("bronze_ingest.psql_copy", written, ref, None, **common))
            ref_s = ref["seconds"]
            m = measure(_keyed_floor, url, files)
            records.append(emit("bronze_ingest.keyed_floor", written, m, "psql_copy", ref_s,
                                **common))
            to_sql = measure(_to_sql, url, files)
            records.append(emit("bronze_ingest.pandas_to_sql", written, to_sql, "psql_copy",
                                ref_s, **common))
            first = _with_gate_share(measure(_ingest_in_process, files), to_sql)
            records.append(emit("bronze_ingest.ingest_first", written, first, "psql_copy",
                                ref_s, **common))
            m = _with_gate_share(measure(_ingest_in_process, files), to_sql)
            records.append(emit("bronze_ingest.ingest_rerun", written, m, "psql_copy", ref_s,
                                vs_first=round(first["seconds"] / m["seconds"], 4), **common))
            # The same first load without the quality gate: what bronze itself costs.
            _empty_bronze(url)
            m = measure(_ingest_in_process, files, "--skip-checks")
            records.append(emit("bronze_ingest.ingest_first_skip_checks", written, m,
                                "psql_copy", ref_s, **common))
            if subprocess_too:
                _empty_bronze(url)
                m = measure(_ingest_subprocess, files)
                records.append(emit("bronze_ingest.ingest_subprocess", written, m,
                                    "psql_copy", ref_s, **common))
    return records


def run(rows: int | None) -> None:
    for size in ([rows] if rows else LADDER):
        bench_size(size)
