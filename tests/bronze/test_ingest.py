"""Ingest against a real PostgreSQL: real data, reruns, revisions, quarantine, bad sources."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pipeline.bronze.ingest import ingest
from pipeline.quality.results import GateFailedError
from tests.conftest import NORMALIZED, NY_EXPORT, last_json, run_cli

pytestmark = pytest.mark.integration
HEADER = '"Draw Date","Winning Numbers","Multiplier"\n'
MISSING_FROM_EXPORT = ["2014-06-28", "2017-06-10", "2021-04-28", "2022-03-12", "2022-04-09",
                       "2022-11-07"]


def table_state(conn):
    """Every published bronze/ops row count, to show that nothing was written."""
    return conn.execute(
        "select (select count(*) from bronze.draws), (select count(*) from bronze.draw_revisions),"
        " (select count(*) from ops.quarantine), (select count(*) from ops.ingest_batches),"
        " (select coalesce(md5(string_agg(record_hash, ',' order by game, draw_date)), '')"
        "  from bronze.draws)").fetchone()


def write(tmp_path, lines, name="src.csv", header=HEADER):
    path = tmp_path / name
    path.write_text(header + "".join(line + "\n" for line in lines))
    return str(path)


def test_real_history_export_then_normalized_then_rerun(conn):
    first = last_json(run_cli("ingest", "--game", "powerball", "--source", str(NY_EXPORT),
                              check=True))
    assert (first["rows_read"], first["inserted"], first["quarantined"]) == (1883, 1883, 0)
    second = ingest("powerball", str(NORMALIZED))
    assert (second["inserted"], second["unchanged"], second["revised"]) == (6, 1883, 0)
    added = conn.execute("select draw_date::text from bronze.draws where batch_id = %s"
                         " order by 1", (second["batch_id"],)).fetchall()
    assert [r[0] for r in added] == MISSING_FROM_EXPORT
    for source in (NY_EXPORT, NORMALIZED):
        again = ingest("powerball", str(source))
        assert (again["inserted"], again["revised"], again["quarantined"]) == (0, 0, 0)
    assert conn.execute("select count(*) from bronze.draws").fetchone()[0] == 1889
    bad = conn.execute("select count(*) from ops.ingest_batches where status = 'published'"
                       " and rows_read <> inserted + unchanged + revised + quarantined").fetchone()
    assert bad[0] == 0
    # The one out-of-order row of the export keeps the source's order beside the sorted one.
    row = conn.execute("select white_1, white_5, white_order_source from bronze.draws"
                       " where draw_date = '2018-01-06'").fetchone()
    assert row == (12, 61, [12, 61, 30, 29, 33])


def test_bronze_matches_the_checked_truth_exactly(conn):
    import csv

    ingest("powerball", str(NY_EXPORT))
    ingest("powerball", str(NORMALIZED))
    stored = {r[0].isoformat(): tuple(r[1:]) for r in conn.execute(
        "select draw_date, white_1, white_2, white_3, white_4, white_5, special_ball, multiplier"
        " from bronze.draws")}
    with open(NORMALIZED) as fh:
        truth = {r["draw_date"]: tuple(int(r[k]) for k in ("white_1", "white_2", "white_3",
                 "white_4", "white_5", "powerball")) + (int(r["multiplier"]) if r["multiplier"]
                                                       else None,) for r in csv.DictReader(fh)}
    assert stored == truth


def test_rejected_rows_are_quarantined_with_reason_and_the_rest_loads(conn, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setenv("PIPELINE_MAX_QUARANTINE_RATE", "0.5")
    good = [f'"01/{d:02d}/2020","01 02 03 04 05 06","2"' for d in (4, 8, 11, 15, 18, 22)]
    src = write(tmp_path, [*good, '"01/25/2020","01 02 03 04 99 06","2"'])
    result = ingest("powerball", src)
    assert (result["inserted"], result["quarantined"]) == (6, 1)
    q = conn.execute("select line_no, raw_record, reason from ops.quarantine").fetchall()
    assert q == [(8, '01/25/2020,01 02 03 04 99 06,2',
                  "white_out_of_range: white ball 99 outside 1-69 for the era from 2015-10-07")]


def test_a_changed_value_is_a_revision_and_the_old_values_are_kept(conn, tmp_path):
    ingest("powerball", write(tmp_path, ['"01/04/2020","01 02 03 04 05 06","2"'], "a.csv"))
    result = ingest("powerball", write(tmp_path, ['"01/04/2020","01 02 03 04 07 06","2"'],
                                       "b.csv"))
    assert (result["inserted"], result["revised"], result["unchanged"]) == (0, 1, 0)
    assert conn.execute("select white_5 from bronze.draws").fetchone() == (7,)
    rev = conn.execute("select old_white, new_white, batch_id::text from bronze.draw_revisions"
                       ).fetchall()
    assert rev == [([1, 2, 3, 4, 5], [1, 2, 3, 4, 7], result["batch_id"])]
    again = ingest("powerball", write(tmp_path, ['"01/04/2020","01 02 03 04 07 06","2"'], "c.csv"))
    assert (again["revised"], again["unchanged"]) == (0, 1)


def test_duplicate_rows_in_one_batch(conn, tmp_path, monkeypatch):
    monkeypatch.setenv("PIPELINE_MAX_QUARANTINE_RATE", "0.5")
    rows = ['"01/04/2020","01 02 03 04 05 06","2"', '"01/04/2020","01 02 03 04 05 06","2"',
            '"01/08/2020","01 02 03 04 05 06","2"', '"01/11/2020","01 02 03 04 05 06","2"']
    result = ingest("powerball", write(tmp_path, rows))
    assert (result["rows_read"], result["inserted"], result["quarantined"]) == (4, 3, 1)
    assert conn.execute("select count(*) from bronze.draws").fetchone() == (3,)


def test_http_source_is_fetched(conn, http_server):
    url = http_server({"/rows.csv": NY_EXPORT.read_bytes()})
    result = last_json(run_cli("ingest", "--game", "powerball", "--source", url + "/rows.csv",
                               check=True))
    assert (result["inserted"], result["source"]) == (1883, url + "/rows.csv")


@pytest.mark.parametrize("kind", ["missing", "empty", "unknown_header", "http_404", "unreachable",
                                  "binary"])
def test_unreadable_sources_exit_nonzero_and_write_nothing(conn, tmp_path, http_server, kind):
    ingest("powerball", str(NORMALIZED))
    before = table_state(conn)
    url = http_server({})
    source = {
        "missing": str(tmp_path / "nope.csv"),
        "empty": write(tmp_path, [], "empty.csv", header=""),
        "unknown_header": write(tmp_path, ["1,2"], "u.csv", header="Date,Numbers\n"),
        "http_404": url + "/missing.csv",
        "unreachable": "http://127.0.0.1:9/rows.csv",
        "binary": str(tmp_path / "bin.csv"),
    }[kind]
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00garbage")
    proc = run_cli("ingest", "--game", "powerball", "--source", source,
                   env={"PIPELINE_HTTP_ATTEMPTS": "2", "PIPELINE_HTTP_BACKOFF_S": "0.01"})
    assert proc.returncode == 1, proc.stderr
    message = proc.stderr.strip().splitlines()[-1]
    assert message.startswith("error: ") and ("source" in message)
    assert proc.stdout == ""
    assert table_state(conn) == before


def test_header_only_file_fails_the_gate_and_publishes_nothing(conn, tmp_path):
    ingest("powerball", str(NORMALIZED))
    before = table_state(conn)[0], table_state(conn)[4]
    proc = run_cli("ingest", "--game", "powerball", "--source", write(tmp_path, []))
    assert proc.returncode == 3 and "batch_has_rows" in proc.stderr
    assert (table_state(conn)[0], table_state(conn)[4]) == before


def test_a_mostly_garbage_batch_fails_the_gate_but_keeps_its_quarantine(conn, tmp_path):
    rows = [f'"01/{d:02d}/2020","01 02 03 04 05 06","2"' for d in (4, 8, 11)] + ["x,y,z"] * 2
    with pytest.raises(GateFailedError, match="quarantine_rate_below_threshold"):
        ingest("powerball", write(tmp_path, rows))
    assert conn.execute("select count(*) from bronze.draws").fetchone() == (0,)
    status, quarantined = conn.execute(
        "select status, (select count(*) from ops.quarantine) from ops.ingest_batches").fetchone()
    assert (status, quarantined) == ("failed", 2)
    assert conn.execute("select count(*) from staging.draws").fetchone() == (3,)  # for inspection


def test_two_ingests_of_the_same_game_at_once_leave_no_duplicates(conn):
    barrier = threading.Barrier(2)

    def load(source):
        barrier.wait()
        return ingest("powerball", str(source))

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.map(load, [NY_EXPORT, NORMALIZED])
    assert a["inserted"] + b["inserted"] == 1889
    assert conn.execute("select count(*), count(distinct draw_date) from bronze.draws"
                        ).fetchone() == (1889, 1889)


def test_two_cli_processes_at_once(conn):
    import subprocess
    import sys

    from tests.conftest import ROOT

    procs = [subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", "--game", "powerball",
                               "--source", str(NORMALIZED)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    import json

    inserted = sorted(json.loads(o.strip().splitlines()[-1])["inserted"] for o in outs)
    assert inserted == [0, 1889]
    assert conn.execute("select count(*) from bronze.draws").fetchone() == (1889,)


def test_unknown_game_is_refused_by_the_cli(conn):
    proc = run_cli("ingest", "--game", "keno", "--source", str(NY_EXPORT))
    assert proc.returncode == 2 and "unknown game 'keno'" in proc.stderr


def test_future_draws_are_quarantined_relative_to_today(conn, tmp_path, monkeypatch):
    monkeypatch.setenv("PIPELINE_MAX_QUARANTINE_RATE", "0.6")
    src = write(tmp_path, ['"01/04/2020","01 02 03 04 05 06","2"',
                           '"01/08/2020","01 02 03 04 05 06","2"'])
    result = ingest("powerball", src, today=dt.date(2020, 1, 5))
    assert (result["inserted"], result["quarantined"]) == (1, 1)


def test_a_batch_that_draws_name_cannot_be_removed(conn):
    """No per-row foreign key on bronze.draws.batch_id (migration 0530): the triggers on
    ops.ingest_batches refuse what the key refused, once per statement."""
    import psycopg

    from tests.dbutil import truncate_all

    batch = ingest("powerball", str(NY_EXPORT))["batch_id"]
    # (the batch quarantined nothing: no other key refers to it)
    for statement in ("delete from ops.ingest_batches where batch_id = %(b)s",
                      "update ops.ingest_batches set batch_id = gen_random_uuid()"
                      " where batch_id = %(b)s",
                      "truncate ops.ingest_batches cascade"):
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            with conn.transaction():
                conn.execute(statement, {"b": batch})
    assert conn.execute("select count(*) from bronze.draws where batch_id = %s",
                        (batch,)).fetchone() == (1883,)
    # A batch no draw names goes; so do both tables truncated together.
    conn.execute("insert into ops.ingest_batches (batch_id, game, source)"
                 " values (gen_random_uuid(), 'powerball', 'x')")
    conn.execute("delete from ops.ingest_batches where source = 'x'")
    truncate_all(conn.info.dsn)
    assert conn.execute("select count(*) from ops.ingest_batches").fetchone() == (0,)


def test_the_publish_writes_nothing_for_a_batch_no_longer_open(conn, monkeypatch):
    """Every draw the publish writes reads the batch row it closes: a batch closed meanwhile
    (here: marked failed between the gate and the publish) publishes nothing."""
    from pipeline import wap
    from pipeline.errors import PipelineError

    publish = wap.Wap.publish

    def close_first(self, c, params, **kw):
        conn.execute("update ops.ingest_batches set status = 'failed' where batch_id = %s",
                     (params["batch_id"],))
        return publish(self, c, params, **kw)

    monkeypatch.setattr(wap.Wap, "publish", close_first)
    with pytest.raises(PipelineError, match="no longer open"):
        ingest("powerball", str(NY_EXPORT))
    assert conn.execute("select count(*) from bronze.draws").fetchone() == (0,)
    assert conn.execute("select count(*) from staging.draws").fetchone() == (1883,)
