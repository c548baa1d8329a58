"""The features gate's one-pass verdict (features_cells_clean.sql) against the audits it
stands in for: the full recount (features_cells_vs_recount.sql: every valid number once per
draw, counts equal to a recount from bronze) and the dated audit (features_dated_before_draw.sql).
On clean writes and on each kind of damage, the verdict is clean exactly when those find
nothing (distinct cells: the summary's numbers = distinct_numbers expectation), and the gate's
results are theirs.

A clean verdict stands in for the full queries, so a damage it missed would pass the gate:
every damage they report is tried here, including the ones counts alone cannot see (a cell
twice and another missing, a statistic shifted with its windows)."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest

from tests.silver.helpers import cli_json

pytestmark = pytest.mark.integration

LAST = "2025-12-29"  # the staged write's last Monday draw, bound as %(day)s
DAMAGES = {
    "missing_cell": [
        "delete from staging.number_features where staging_id = %(staging_id)s and "
        "draw_date = %(day)s and ball_type = 'white' and number = 7",
    ],
    "missing_draw": [
        "delete from staging.number_features where staging_id = %(staging_id)s and "
        "draw_date = '2025-12-27'",
    ],
    "cell_twice": [
        "insert into staging.number_features select * from staging.number_features where "
        "staging_id = %(staging_id)s and draw_date = %(day)s and ball_type = 'white' and "
        "number = 3",
    ],
    # as many rows as cells: only distinctness tells
    "cell_twice_another_missing": [
        "insert into staging.number_features select * from staging.number_features where "
        "staging_id = %(staging_id)s and draw_date = %(day)s and ball_type = 'white' and "
        "number = 3",
        "delete from staging.number_features where staging_id = %(staging_id)s and "
        "draw_date = '2025-12-27' and ball_type = 'special' and number = 26",
    ],
    "cell_twice_another_missing_same_block": [
        "insert into staging.number_features select * from staging.number_features where "
        "staging_id = %(staging_id)s and draw_date = %(day)s and ball_type = 'white' and "
        "number = 3",
        "delete from staging.number_features where staging_id = %(staging_id)s and "
        "draw_date = %(day)s and ball_type = 'white' and number = 4",
    ],
    "number_out_of_range": [
        "update staging.number_features set number = 70 where staging_id = %(staging_id)s"
        " and draw_date = %(day)s and ball_type = 'white' and number = 69",
    ],
    "number_zero": [
        "update staging.number_features set number = 0 where staging_id = %(staging_id)s "
        "and draw_date = %(day)s and ball_type = 'white' and number = 64",
    ],
    "unknown_ball_type": [
        "update staging.number_features set ball_type = 'bonus' where staging_id = "
        "%(staging_id)s and draw_date = %(day)s and ball_type = 'white' and number = 5",
    ],
    "not_a_draw_date": [
        "update staging.number_features set draw_date = '2025-12-30' where staging_id = "
        "%(staging_id)s and draw_date = %(day)s and ball_type = 'white' and number = 5",
    ],
    "history_from": [
        "update staging.number_features set history_from = history_from + 1 where "
        "staging_id = %(staging_id)s and draw_date = %(day)s and ball_type = 'white' and "
        "number = 5",
    ],
    "era_draws_before": [
        "update staging.number_features set era_draws_before = era_draws_before - 1 where"
        " staging_id = %(staging_id)s and draw_date = %(day)s and ball_type = 'white' and"
        " number = 5",
    ],
    # one count up by one where it stays inside its window
    "hits_10": [
        "update staging.number_features set hits_10 = hits_10 + 1 where staging_id = "
        "%(staging_id)s and draw_date = %(day)s and ball_type = 'white' and hits_10 < 10 "
        "and number = 5",
    ],
    "hits_25": [
        "update staging.number_features set hits_25 = hits_25 + 1 where staging_id = "
        "%(staging_id)s and draw_date = %(day)s and ball_type = 'white' and hits_25 < 25 "
        "and number = 5",
    ],
    "hits_50": [
        "update staging.number_features set hits_50 = hits_50 + 1 where staging_id = "
        "%(staging_id)s and draw_date = %(day)s and ball_type = 'white' and hits_50 < 50 "
        "and number = 5",
    ],
    "hits_100": [
        "update staging.number_features set hits_100 = hits_100 + 1 where staging_id = "
        "%(staging_id)s and draw_date = %(day)s and ball_type = 'white' and hits_100 < "
        "100 and number = 5",
    ],
    "hits_10_down": [
        "update staging.number_features set hits_10 = hits_10 - 1 where staging_id = "
        "%(staging_id)s and draw_date = %(day)s and ball_type = 'white' and hits_10 > 0",
    ],
    "hits_era": [
        "update staging.number_features set hits_era = hits_era + 1 where staging_id = "
        "%(staging_id)s and draw_date = %(day)s and ball_type = 'white' and number = 5",
    ],
    # the era count and every window shifted together: the windows' lower bounds tell
    "hits_era_with_windows": [
        "update staging.number_features set hits_era = hits_era + 1, hits_10 = hits_10 + "
        "1, hits_25 = hits_25 + 1, hits_50 = hits_50 + 1, hits_100 = hits_100 + 1 where "
        "staging_id = %(staging_id)s and draw_date = %(day)s and ball_type = 'white' and "
        "number = 5",
    ],
    "hits_era_huge": [
        "update staging.number_features set hits_era = 2147483647 where staging_id = "
        "%(staging_id)s and draw_date = %(day)s and ball_type = 'white' and number = 5",
    ],
    "draws_since_seen": [
        "update staging.number_features set draws_since_seen = draws_since_seen + 1 where"
        " staging_id = %(staging_id)s and draw_date = %(day)s and ball_type = 'white' and"
        " number = 5",
    ],
    "seen_in_era": [
        "update staging.number_features set seen_in_era = not seen_in_era where "
        "staging_id = %(staging_id)s and draw_date = %(day)s and ball_type = 'white' and "
        "number = 5",
    ],
    "null_statistic": [
        "update staging.number_features set hits_50 = null where staging_id = "
        "%(staging_id)s and draw_date = %(day)s and ball_type = 'white' and number = 5",
    ],
    # two numbers' statistics exchanged: every value plausible, each at the wrong number
    "numbers_swapped": [
        "update staging.number_features set number = 100 + number where staging_id = "
        "%(staging_id)s and draw_date = %(day)s and ball_type = 'white' and number in (1,"
        " 2)",
        "update staging.number_features set number = 103 - number where staging_id = "
        "%(staging_id)s and draw_date = %(day)s and ball_type = 'white' and number in "
        "(101, 102)",
    ],
    # the write's first draw: statistics carried in from before the audited span
    "first_draw_hits_100": [
        "update staging.number_features set hits_100 = hits_100 + 1 where staging_id = "
        "%(staging_id)s and draw_date = (select min(draw_date) from "
        "staging.number_features where staging_id = %(staging_id)s) and ball_type = "
        "'special' and hits_100 < 100",
    ],
    # dated: the as-of date on the draw, on a day between draws, on the draw before last
    "as_of_on_the_draw": [
        "update staging.number_features set as_of_draw_date = draw_date where staging_id = "
        "%(staging_id)s and draw_date = %(day)s and ball_type = 'white' and number = 5",
    ],
    "as_of_not_a_draw": [
        "update staging.number_features set as_of_draw_date = as_of_draw_date + 1 where "
        "staging_id = %(staging_id)s and draw_date = %(day)s and ball_type = 'special'",
    ],
    "as_of_a_draw_early": [
        "update staging.number_features set as_of_draw_date = '2025-12-24' where "
        "staging_id = %(staging_id)s and draw_date = %(day)s and ball_type = 'white' and "
        "number = 5",
    ],
    # cover: a draw marker of the write on a day between draws, on a draw before the span
    "marker_not_a_draw": [
        "insert into staging.feature_draws (game, draw_date, record_hash, staging_id)"
        " values ('powerball', '2025-12-30', 'x', %(staging_id)s)",
    ],
    "marker_before_the_span": [
        "insert into staging.feature_draws (game, draw_date, record_hash, staging_id)"
        " values ('powerball', '2025-01-01', 'x', %(staging_id)s)",
    ],
}


def _stage(conn, first_row: int | None = None) -> tuple[str, dict]:
    """Stage features of the shipped powerball history (its last 20 draws by default)."""
    from pipeline.games import get_game
    from pipeline.quality import partitions
    from pipeline.silver import features
    from pipeline.silver.eras import era_sql_params
    from pipeline.silver.history import load_timeline

    game = get_game("powerball")
    tl = load_timeline(conn, game)
    start = len(tl) - 20 if first_row is None else first_row
    rows = features.to_frame(tl, features.build(tl), first_row=start)
    marks = pd.DataFrame(
        {
            "game": "powerball",
            "draw_date": np.datetime_as_string(tl.dates[start:], unit="D"),
            "record_hash": tl.record_hash[start:],
        }
    )
    staging_id = str(uuid.uuid4())
    features._stage(conn, features.features_wap("powerball", staging_id), rows, marks)
    return staging_id, {**partitions.staged_params("powerball", staging_id), **era_sql_params(game)}


def _both(conn, params: dict) -> tuple[bool, bool, list, list]:
    """(cells clean: verdict and distinct numbers, dated clean, the full recount's rows, the
    gate's audit results); the gate's results must be the full queries'."""
    from psycopg import sql

    from pipeline.db import load_sql, run_sql
    from pipeline.silver import features
    from pipeline.silver.audit import audit, audit_kinds

    with conn.transaction():
        run_sql(conn, "quality/silver_gate_memory.sql")
        summary = features.summary_in_sql(conn, params)
        (distinct,) = [
            r.success for r in summary if r.expectation == features.DISTINCT_NUMBERS.name
        ]
        found = features.verdict(conn, params)
        cells_clean, dated_clean, covered, audited_rows = found
        # the verdict's count of the audited rows is the gate's: every row, once (as the
        # summary's rows, one per draw and ball type, hold them)
        summed = sql.SQL("select coalesce(sum(numbers), 0) from ({}) s").format(
            sql.SQL(load_sql(features.SUMMARY_SQL) + "\n")
        )
        numbers = conn.execute(summed, params).fetchone()[0]
        assert audited_rows == numbers
        rows = run_sql(conn, features.CELLS_SQL, params).fetchall()
        gate = features.sql_audits(conn, params, summary, found)
        full = audit_kinds(conn, features.CELLS_SQL, params, features.CELL_KINDS) + [
            audit(conn, name, path, params) for name, path in features.AUDITS
        ]
    assert [(r.expectation, r.success, r.unexpected_count, r.unexpected_sample) for r in gate] == [
        (r.expectation, r.success, r.unexpected_count, r.unexpected_sample) for r in full
    ]
    dated = next(r for r in full if r.expectation == features.DATED)
    assert not dated_clean or dated.success  # clean only where the dated audit passes
    cover = next(r for r in full if r.expectation == features.COVER)
    assert not (covered and distinct) or cover.success
    return cells_clean and distinct, dated_clean, rows, gate


def test_clean_writes_pass_both_ways(history):
    from pipeline.db import connect

    with connect() as conn:
        for first_row in (None, 1):  # the last 20 draws; the whole history (every epoch)
            _, params = _stage(conn, first_row)
            cells_clean, dated_clean, rows, gate = _both(conn, params)
            assert cells_clean and dated_clean and rows == []
            assert all(r.success for r in gate)


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_each_damage_fails_the_verdict_and_the_recount(history, damage):
    from pipeline.db import connect

    with connect() as conn:
        staging_id, params = _stage(conn)
        for statement in DAMAGES[damage]:
            assert conn.execute(statement, {"staging_id": staging_id, "day": LAST}).rowcount > 0, (
                statement
            )
        conn.commit()
        cells_clean, dated_clean, rows, gate = _both(conn, params)
    assert not all(r.success for r in gate), damage
    if damage.startswith("as_of"):
        assert not dated_clean and cells_clean
    elif damage.startswith("marker"):
        assert cells_clean and [
            r.success for r in gate if r.expectation == "features_cover_every_draw"
        ] == [False]
    else:
        assert not cells_clean and rows, damage


def test_damage_at_an_epoch_start_of_a_whole_history_write(history):
    """The first draw of the 1-69 era: every count is zero; one is not."""
    from pipeline.db import connect

    with connect() as conn:
        staging_id, params = _stage(conn, 1)
        conn.execute(
            "update staging.number_features set draws_since_seen = 1"
            " where staging_id = %(staging_id)s and draw_date = '2015-10-07'"
            " and ball_type = 'white' and number = 69",
            {"staging_id": staging_id},
        )
        conn.commit()
        cells_clean, _, rows, _ = _both(conn, params)
    assert not cells_clean
    assert [(r[0], str(r[2]), r[4]) for r in rows] == [("recount", "2015-10-07", 69)]


def test_published_date_range_mid_epoch(conn, history):
    """`check features --partition 2025`: the audited span starts inside an epoch."""
    from pipeline.db import connect
    from pipeline.games import get_game
    from pipeline.quality import partitions
    from pipeline.silver.eras import era_sql_params

    cli_json("features", "--game", "powerball")
    params = {
        **partitions.published_params("features", "powerball", "2025"),
        **era_sql_params(get_game("powerball")),
    }
    with connect() as work:
        assert _both(work, params)[:2] == (True, True)
    conn.execute(
        "update silver.number_features set hits_100 = hits_100 + 1"
        " where draw_date = '2025-01-01' and ball_type = 'white' and number = 5"
    )
    with connect() as work:
        cells_clean, _, rows, _ = _both(work, params)
    assert not cells_clean and [r[0] for r in rows] == ["recount"]


def test_summary_counts_distinct_numbers_and_eras_exactly(history):
    """features_draw_summary.sql counts distinct numbers as bits (numbers 0-127) and distinct
    eras by their smallest and largest; outside those it counts them one by one. Both ways
    agree with count(distinct) on damaged draws."""
    from pipeline.db import run_sql
    from pipeline.silver import features

    damages = [
        "update staging.number_features set number = 200 where staging_id = %(staging_id)s"
        " and draw_date = %(day)s and ball_type = 'white' and number = 3",
        "update staging.number_features set number = -1 where staging_id = %(staging_id)s"
        " and draw_date = %(day)s and ball_type = 'special' and number = 3",
        "update staging.number_features set number = 127 where staging_id = %(staging_id)s"
        " and draw_date = '2025-12-27' and ball_type = 'white' and number in (3, 4)",
        "update staging.number_features set era = number::text where staging_id ="
        " %(staging_id)s and draw_date = '2025-12-22' and ball_type = 'white' and number < 4",
        "update staging.number_features set era = null where staging_id = %(staging_id)s"
        " and draw_date = '2025-12-24' and ball_type = 'special'",
    ]
    plain = (
        "select draw_date, ball_type, count(distinct era), count(*), count(distinct number)"
        " from staging.number_features where staging_id = %(staging_id)s"
        " group by draw_date, ball_type order by draw_date, ball_type"
    )
    from pipeline.db import connect

    with connect() as conn:
        staging_id, params = _stage(conn)
        for statement in damages:
            assert conn.execute(statement, {"staging_id": staging_id, "day": LAST}).rowcount > 0
        conn.commit()
        summary = run_sql(conn, features.SUMMARY_SQL, params).fetchall()
        expected = conn.execute(plain, {"staging_id": staging_id}).fetchall()
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in summary] == expected
    assert {r[3] for r in summary} == {0, 1, 4} and any(r[4] != r[5] for r in summary)


def test_a_null_as_of_date_is_left_to_the_dated_audit(history):
    """Not clean for the verdict; the dated audit itself passes a null (the null_cells
    expectation reports it): the gate's dated result is the audit's."""
    from pipeline.db import connect

    with connect() as conn:
        staging_id, params = _stage(conn)
        conn.execute(
            "update staging.number_features set as_of_draw_date = null"
            " where staging_id = %(staging_id)s and draw_date = %(day)s"
            " and number = 5",
            {"staging_id": staging_id, "day": LAST},
        )
        conn.commit()
        cells_clean, dated_clean, _, gate = _both(conn, params)
    assert cells_clean and not dated_clean
    assert [r.success for r in gate if r.expectation == "features_dated_strictly_before_draw"] == [
        True
    ]
