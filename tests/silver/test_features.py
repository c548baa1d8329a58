"""silver.number_features against an independent recount from the source CSV, era boundaries,
incremental rebuilds and the features gate."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import NORMALIZED
from tests.silver.helpers import cli_json, ingest, real_draws, write_draws

pytestmark = pytest.mark.integration

COLUMNS = ("era_draws_before", "hits_10", "hits_25", "hits_50", "hits_100", "hits_era",
           "draws_since_seen", "seen_in_era", "history_from", "as_of_draw_date")


def _recount(draws: list[dict], index: int, ball: str, number: int, history_from: str) -> dict:
    """Statistics of `number` before draws[index] by brute force, one draw at a time."""
    before = [d for d in draws[:index] if d["draw_date"] >= history_from]

    def has(d):
        if ball == "white":
            return number in [int(d[f"white_{k}"]) for k in range(1, 6)]
        return number == int(d["powerball"])

    seen_at = [i for i, d in enumerate(before) if has(d)]
    out = {"era_draws_before": len(before), "hits_era": len(seen_at),
           "seen_in_era": bool(seen_at),
           "draws_since_seen": len(before) - 1 - seen_at[-1] if seen_at else len(before),
           "as_of_draw_date": dt.date.fromisoformat(draws[index - 1]["draw_date"])}
    for w in (10, 25, 50, 100):
        out[f"hits_{w}"] = sum(has(d) for d in before[-w:])
    return out


def test_features_match_a_brute_force_recount(conn, history):
    result = cli_json("features", "--game", "powerball")
    draws = real_draws()
    # one row per valid number of each draw's era, for every draw but the first
    expected_rows = conn.execute(
        "select sum(case when draw_date >= '2015-10-07' then 69 + 26"
        " when draw_date >= '2012-01-15' then 59 + 35 else 59 + 39 end)"
        " from bronze.draws where draw_date > '2010-02-03'").fetchone()[0]
    assert result["rows"] == expected_rows
    stored = conn.execute("select count(*) from silver.number_features").fetchone()[0]
    assert stored == expected_rows
    index = {d["draw_date"]: i for i, d in enumerate(draws)}
    sample = conn.execute(
        "select draw_date, ball_type, number, era_draws_before, hits_10, hits_25, hits_50,"
        " hits_100, hits_era, draws_since_seen, seen_in_era, history_from, as_of_draw_date"
        " from silver.number_features where abs(hashtext(draw_date::text || number)) % 97 = 0"
        " or draw_date in ('2015-10-07', '2015-10-10', '2014-01-22', '2012-01-18')").fetchall()
    assert len(sample) > 1500
    for day, ball, number, *values in sample:
        stored = dict(zip(COLUMNS, values, strict=True))
        recount = _recount(draws, index[str(day)], ball, number, str(stored["history_from"]))
        assert {k: stored[k] for k in recount} == recount, (day, ball, number)


def test_era_boundaries(conn, history):
    cli_json("features", "--game", "powerball")
    q = ("select ball_type, min(number), max(number), min(history_from), max(history_from),"
         " max(era_draws_before), max(hits_era) from silver.number_features"
         " where draw_date = %s group by ball_type order by ball_type")
    # first draw of the 1-69 / 1-26 era: every number starts with no history
    special, white = conn.execute(q, ("2015-10-07",)).fetchall()
    assert white == ("white", 1, 69, dt.date(2015, 10, 7), dt.date(2015, 10, 7), 0, 0)
    assert special == ("special", 1, 26, dt.date(2015, 10, 7), dt.date(2015, 10, 7), 0, 0)
    # the next draw counts only that first draw of the era
    n60 = conn.execute("select sum(hits_era), max(era_draws_before) from silver.number_features"
                       " where draw_date = '2015-10-10' and ball_type = 'white'").fetchone()
    assert n60 == (5, 1)
    # 2014-01-22 changed only multipliers: whites keep their 1-59 history (epoch from 2009),
    # the special ball keeps the 1-35 history that began 2012-01-15
    rows = dict((b, (lo, hi, hf)) for b, lo, hi, hf, *_ in conn.execute(q, ("2014-01-22",)))
    assert rows["white"] == (1, 59, dt.date(2009, 1, 7))
    assert rows["special"] == (1, 35, dt.date(2012, 1, 15))
    assert conn.execute("select count(*) from silver.number_features"
                        " where as_of_draw_date >= draw_date").fetchone()[0] == 0


def test_incremental_rebuilds_only_what_changed(conn, tmp_path):
    draws = real_draws()
    ingest(write_draws(tmp_path / "part.csv", draws[:-10]))
    first = cli_json("features", "--game", "powerball")
    assert first["rebuilt_draws"] == len(draws) - 10
    assert cli_json("features", "--game", "powerball")["status"] == "up_to_date"
    ingest(NORMALIZED)
    second = cli_json("features", "--game", "powerball")
    assert second["rebuild_from"] == draws[-10]["draw_date"] and second["rebuilt_draws"] == 10
    # a revised draw rebuilds from that draw on; the rows equal a full rebuild's
    revised = [dict(d) for d in draws]
    revised[-5]["powerball"] = str(int(revised[-5]["powerball"]) % 26 + 1)
    ingest(write_draws(tmp_path / "revised.csv", revised))
    third = cli_json("features", "--game", "powerball")
    assert third["rebuild_from"] == draws[-5]["draw_date"] and third["rebuilt_draws"] == 5
    snapshot = "select md5(string_agg(t::text, ',' order by draw_date, ball_type, number)) from" \
               " (select draw_date, ball_type, number, hits_10, hits_era, draws_since_seen," \
               " as_of_draw_date from silver.number_features) t"
    incremental = conn.execute(snapshot).fetchone()[0]
    full = cli_json("features", "--game", "powerball", "--full")
    assert full["rebuilt_draws"] == len(draws)
    assert conn.execute(snapshot).fetchone()[0] == incremental


def _stage_and_tamper(conn, tamper_sql: str):
    import uuid

    from pipeline.games import get_game
    from pipeline.quality.gate import run_gate
    from pipeline.silver import features
    from pipeline.silver.history import load_timeline

    game = get_game("powerball")
    tl = load_timeline(conn, game)
    rows = features.to_frame(tl, features.build(tl), first_row=len(tl) - 20)
    import numpy as np
    import pandas as pd

    marks = pd.DataFrame({"game": "powerball",
                          "draw_date": np.datetime_as_string(tl.dates[-20:], unit="D"),
                          "record_hash": tl.record_hash[-20:]})
    staging_id = str(uuid.uuid4())
    features._stage(conn, features.features_wap("powerball", staging_id), rows, marks)
    conn.execute(tamper_sql, {"staging_id": staging_id})
    conn.commit()
    with conn.transaction():
        run_gate(conn, "features", "powerball", "test", staging_id)


@pytest.mark.parametrize("tamper, failed", [
    ("delete from staging.number_features where staging_id = %(staging_id)s"
     " and number = 7 and ball_type = 'white' and draw_date = '2025-12-29'",
     "features_every_valid_number_once_per_draw"),
    ("update staging.number_features set as_of_draw_date = draw_date"
     " where staging_id = %(staging_id)s and number = 3 and draw_date = '2025-12-29'",
     "features_dated_strictly_before_draw"),
    ("update staging.number_features set hits_25 = hits_25 + 1"
     " where staging_id = %(staging_id)s and number = 3 and draw_date = '2025-12-29'",
     "features_counts_match_bronze_recount"),
])
def test_gate_rejects_bad_features(conn, tamper, failed, history):
    from pipeline.db import connect
    from pipeline.quality.results import GateFailedError

    cli_json("features", "--game", "powerball")
    before = conn.execute("select count(*), sum(hits_era) from silver.number_features").fetchone()
    with connect() as work, pytest.raises(GateFailedError) as caught:
        _stage_and_tamper(work, tamper)
    assert failed in str(caught.value)
    assert [f.expectation for f in caught.value.failures] == [failed]
    after = conn.execute("select count(*), sum(hits_era) from silver.number_features").fetchone()
    assert after == before


def test_a_cell_staged_twice_with_equal_counts_fails_the_gate(conn, history):
    """Every copy equal to the recount: only the duplicate itself is wrong (the recount looks
    for duplicates only when the audited rows outnumber its cells)."""
    from pipeline.db import connect
    from pipeline.quality.results import GateFailedError

    with connect() as work, pytest.raises(GateFailedError) as caught:
        _stage_and_tamper(work, "insert into staging.number_features"
                                " select * from staging.number_features"
                                " where staging_id = %(staging_id)s and number = 3"
                                " and ball_type = 'white' and draw_date = '2025-12-29'")
    failures = {f.expectation: f for f in caught.value.failures}
    assert set(failures) == {"features_every_valid_number_once_per_draw",
                             "expect_column_pair_values_to_be_equal(numbers, distinct_numbers)"}
    (cell,) = failures["features_every_valid_number_once_per_draw"].unexpected_sample
    assert (str(cell["draw_date"]), cell["number"], cell["problem"]) == \
        ("2025-12-29", 3, "present 2 times")
