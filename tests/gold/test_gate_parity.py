"""An evaluate's gate checks its staged results in SQL (gold/evaluate.py validate_results_sql);
`check gold` runs the same expectations through Great Expectations (validate_results). On the
same staged rows, bad ones planted, both give every expectation the same verdict, the same
count of unexpected rows and the same first sample rows."""

from __future__ import annotations

import uuid

import pytest

from pipeline.games import get_game
from pipeline.gold.evaluate import (
    evaluate,
    result_specs,
    tier_combinations,
    validate_results,
    validate_results_sql,
)
from pipeline.quality import partitions

pytestmark = pytest.mark.integration

STAGE = """
insert into staging.prediction_results
select r.*, %(sid)s from gold.prediction_results r
"""
# Every kind of bad row the staging table can hold (its NOT NULLs are gold's): a repeated key,
# white matches out of range, an era that is not the target's, tiers contradicting matches.
PLANT = [
    """insert into staging.prediction_results
       select * from staging.prediction_results where staging_id = %(sid)s
       and model_name = 'random' and target_draw_date < '2013-02-01'""",
    """update staging.prediction_results set white_matches = 7
       where staging_id = %(sid)s and model_name = 'fixed' and target_draw_date < '2025-02-01'
       and ticket = 2""",
    """update staging.prediction_results set era = '2012-01-15'
       where staging_id = %(sid)s and model_name = 'random' and target_draw_date > '2025-11-01'""",
    """update staging.prediction_results set prize_tier = '5+1', prize_usd = 4
       where staging_id = %(sid)s and model_name = 'fixed' and white_matches = 0
       and target_draw_date > '2025-06-01'""",
]


def _both(conn, sid: str):
    game = get_game("powerball")
    params = partitions.staged_params("powerball", sid)
    tiers = tier_combinations(conn, params)
    return (validate_results_sql(conn, game, params, tiers),
            validate_results(conn, game, params, tiers))


def _verdicts(results) -> dict:
    return {r.expectation: (r.success, r.unexpected_count or 0) for r in results}


def _keys(results) -> dict:
    """The first sample rows' keys (GX and SQL render values slightly differently)."""
    return {r.expectation: [(s.get("model_name"), str(s.get("target_draw_date")), s.get("ticket"),
                             s.get("outcome")) for s in r.unexpected_sample]
            for r in results}


def _staged(conn) -> str:
    evaluate("powerball")
    sid = str(uuid.uuid4())
    conn.execute(STAGE, {"sid": sid})
    return sid


def test_clean_staged_rows_pass_both_ways(conn, scenario):
    in_sql, in_gx = _both(conn, _staged(conn))
    assert len(in_sql) == len(in_gx) == len(result_specs(get_game("powerball"))) + 1
    assert _verdicts(in_sql) == _verdicts(in_gx)
    assert all(r.success for r in in_sql)


def test_planted_rows_fail_the_same_expectations_both_ways(conn, scenario):
    sid = _staged(conn)
    for statement in PLANT:
        assert conn.execute(statement, {"sid": sid}).rowcount > 0
    in_sql, in_gx = _both(conn, sid)
    assert _verdicts(in_sql) == _verdicts(in_gx)
    failed = {name for name, (ok, _) in _verdicts(in_sql).items() if not ok}
    assert failed == {"expect_compound_columns_to_be_unique(model_name, game, target_draw_date,"
                      " ticket)",
                      "expect_column_values_to_be_between(white_matches)",
                      "expect_column_pair_values_to_be_equal(era, rule_era)",
                      "expect_column_values_to_be_in_set(outcome)"}
    assert _keys(in_sql) == _keys(in_gx)
