"""Bronze under faults: kill -9 mid-publish, concurrent runs, reruns, out-of-order arrival."""

import csv

import pytest

from pipeline.bronze.ingest import ingest
from pipeline.ops.checksums import table_checksum
from tests.conftest import NORMALIZED, NY_EXPORT
from tests.dbutil import truncate_all
from tests.reliability.faults import fork_cli, kill_at_fault_point, wait_for_sessions_to_end
from tests.reliability.helpers import bronze_content

pytestmark = pytest.mark.integration
CONCURRENT, RERUNS = 10, 5
SLEEP_S = 0.2  # per fault point: the kill lands while the child sleeps there
POINTS = 4  # bronze's publish: locked, published, before_commit, committed
KILLS = 2 * POINTS  # every point once in each direction (to the revised file and back)


def _revised_export(tmp_path, every=40):
    """The NY export with the Powerball of every 40th draw moved by one (still in range)."""
    rows = list(csv.reader(NY_EXPORT.open()))
    for row in rows[1::every]:
        *whites, special = row[1].split()
        row[1] = " ".join([*whites, f"{int(special) % 26 + 1:02d}"])
    path = tmp_path / "revised.csv"
    with path.open("w", newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerows(rows)
    return path, len(rows[1::every])


def _ops_consistent(conn):
    staged = conn.execute("select count(*) from staging.draws").fetchone()[0]
    lost = conn.execute("select count(*) from ops.ingest_batches where status = 'published'"
                        " and rows_read <> inserted + unchanged + revised + quarantined"
                        ).fetchone()[0]
    return staged, lost


@pytest.mark.slow
def test_kill_9_mid_publish_leaves_old_or_new_never_a_mix(db, conn, tmp_path):
    revised, n_changed = _revised_export(tmp_path)
    ingest("powerball", str(NY_EXPORT))
    states = {str(NY_EXPORT): bronze_content(conn)}
    ingest("powerball", str(revised))
    states[str(revised)] = bronze_content(conn)
    # Each round flips between the two files: published draws are always one file's values.
    draws = {k: v["bronze.draws"] for k, v in states.items()}
    assert len(set(draws.values())) == 2
    outcomes = {"old": 0, "new": 0}
    current = str(revised)
    for i in range(KILLS):
        target = str(NY_EXPORT) if current == str(revised) else str(revised)
        revisions_before = conn.execute("select count(*) from bronze.draw_revisions").fetchone()[0]
        child = fork_cli(["ingest", "--game", "powerball", "--source", target], tmp_path,
                         fault_sleep_s=SLEEP_S)
        point = kill_at_fault_point(child, i // 2 + 1)  # rounds 2k, 2k+1: point k+1
        assert point, "the ingest ended before its publish reached the point"
        wait_for_sessions_to_end(db)
        now = bronze_content(conn)["bronze.draws"]
        revisions = conn.execute("select count(*) from bronze.draw_revisions").fetchone()[0]
        # Draws and their revisions move together: old with old, new with new.
        assert (now, revisions) in {(draws[current], revisions_before),
                                    (draws[target], revisions_before + n_changed)}
        outcome = "old" if now == draws[current] else "new"
        # Only a kill at the commit can leave the new rows, and one after it always does.
        assert outcome == "old" or point.endswith((".before_commit", ".committed")), point
        assert outcome == "new" or not point.endswith(".committed"), point
        outcomes[outcome] += 1
        finished = ingest("powerball", target)  # the next run completes
        assert finished["inserted"] == 0
        assert bronze_content(conn)["bronze.draws"] == draws[target]
        assert conn.execute("select count(*) from bronze.draws").fetchone()[0] == 1883
        assert _ops_consistent(conn) == (0, 0)  # no staged leftovers, counts add up
        current = target
    dead = conn.execute("select count(*) from ops.ingest_batches where status = 'staging'"
                        ).fetchone()[0]
    print(f"\nkill -9 mid-publish: {KILLS} kills, {outcomes['old']} left the old rows, "
          f"{outcomes['new']} the new ones, 0 mixed, 0 rows lost")
    assert dead <= 1  # only the last kill's batch can wait for a later run to close it
    assert outcomes["old"] > 0 and outcomes["new"] > 0, outcomes


@pytest.mark.slow
def test_two_runs_of_one_game_at_once_equal_a_single_run(db, conn, tmp_path):
    ingest("powerball", str(NY_EXPORT))
    single = bronze_content(conn)
    for _ in range(CONCURRENT):
        truncate_all(db)
        children = [fork_cli(["ingest", "--game", "powerball", "--source", str(NY_EXPORT)],
                             tmp_path) for _ in range(2)]
        results = []
        for child in children:
            errors = child.stderr.read()
            child.stderr.close()
            assert child.wait() == 0, errors[-2000:]
            results.append(child.result())
        assert sorted((r["inserted"], r["unchanged"]) for r in results) == [(0, 1883), (1883, 0)]
        dupes = conn.execute("select count(*) - count(distinct (game, draw_date))"
                             " from bronze.draws").fetchone()[0]
        assert dupes == 0
        assert bronze_content(conn) == single


def test_five_reruns_leave_identical_checksums(db, conn):
    ingest("powerball", str(NY_EXPORT))
    ingest("powerball", str(NORMALIZED))
    tables = [("bronze", "draws"), ("bronze", "draw_revisions")]
    first = [table_checksum(conn, s, t) for s, t in tables]
    for i in range(RERUNS):
        result = ingest("powerball", str((NY_EXPORT, NORMALIZED)[i % 2]))
        assert (result["inserted"], result["revised"]) == (0, 0)
        assert [table_checksum(conn, s, t) for s, t in tables] == first


def _normalized(tmp_path, name, rows, header):
    path = tmp_path / name
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return str(path)


def test_out_of_order_arrival_equals_an_in_order_load(db, conn, tmp_path):
    header, *rows = list(csv.reader(NORMALIZED.open()))
    half = len(rows) // 2
    fixed = list(rows[100])
    fixed[6] = str(int(fixed[6]) % 26 + 1)  # a correction of one draw's Powerball
    later = _normalized(tmp_path, "later.csv", rows[half:], header)
    earlier = _normalized(tmp_path, "earlier.csv", rows[:half], header)
    whole = _normalized(tmp_path, "whole.csv", rows, header)
    correction = _normalized(tmp_path, "fix.csv", [fixed], header)

    for source in (later, earlier, correction):
        ingest("powerball", source)
    out_of_order = bronze_content(conn)
    truncate_all(db)
    ingest("powerball", whole)
    ingest("powerball", correction)
    in_order = bronze_content(conn)
    assert out_of_order == in_order
    assert out_of_order["bronze.draws"][0] == len(rows)
    revision = conn.execute("select draw_date::text, old_special, new_special"
                            " from bronze.draw_revisions").fetchall()
    assert revision == [(rows[100][0], int(rows[100][6]), int(fixed[6]))]
