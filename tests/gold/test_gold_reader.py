"""gold_reader reads every gold table and view, and nothing of bronze, silver, ops, staging."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from pipeline.gold.evaluate import evaluate

pytestmark = pytest.mark.integration


def _relations(conn, schema):
    return [r[0] for r in conn.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = %s and c.relkind in ('r', 'v', 'm') order by 1", (schema,))]


def _as_reader(conn, statement):
    with conn.transaction(force_rollback=True):
        conn.execute("set local role gold_reader")
        return conn.execute(statement).fetchall()


def test_role_exists_without_login_or_password(conn):
    row = conn.execute("select rolcanlogin, rolpassword is null, rolsuper from pg_authid"
                       " where rolname = 'gold_reader'").fetchone()
    assert row == (False, True, False)


def test_gold_reader_selects_every_gold_relation(conn, scenario):
    evaluate("powerball")
    relations = _relations(conn, "gold")
    assert {"prediction_results", "model_performance", "leaderboard", "latest_predictions",
            "number_frequency", "number_frequency_tests"} <= set(relations)
    for rel in relations:
        rows = _as_reader(conn, sql.SQL("select count(*) from {}").format(
            sql.Identifier("gold", rel)))
        assert rows[0][0] >= 0
    assert _as_reader(conn, "select count(*) from gold.leaderboard")[0][0] > 0
    assert _as_reader(conn, "select count(*) from gold.latest_predictions where pending"
                      )[0][0] == 1


@pytest.mark.parametrize("schema", ["bronze", "silver", "ops", "staging"])
def test_gold_reader_cannot_read_or_change_other_layers(conn, schema):
    relations = _relations(conn, schema)
    assert relations
    for rel in relations:
        name = sql.Identifier(schema, rel)
        for statement in (sql.SQL("select * from {} limit 1").format(name),
                          sql.SQL("delete from {}").format(name)):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                _as_reader(conn, statement)


def test_gold_reader_cannot_change_gold(conn, scenario):
    evaluate("powerball")
    for statement in ("delete from gold.prediction_results",
                      "update gold.model_performance set p_value = 0",
                      "insert into gold.era_baselines (game, era, white_max, special_max,"
                      " expected_white_matches, expected_special_hit_rate, jackpot_odds_1_in)"
                      " values ('x', 'x', 1, 1, 0, 0, 1)",
                      "create table gold.mine (x int)"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            _as_reader(conn, statement)
