"""Every query of docs/queries.md runs as gold_reader against real results and returns rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.gold.evaluate import evaluate

pytestmark = pytest.mark.integration
QUERIES = Path(__file__).resolve().parents[2] / "docs" / "queries.md"


def analyst_queries() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", QUERIES.read_text(), flags=re.S)


def run_as_reader(conn, query: str) -> list[tuple]:
    with conn.transaction(force_rollback=True):
        conn.execute("set local role gold_reader")
        return conn.execute(query).fetchall()


def assert_every_query_answers(conn) -> None:
    queries = analyst_queries()
    assert len(queries) == 10
    for i, query in enumerate(queries, 1):
        rows = run_as_reader(conn, query)
        assert rows, f"query {i} of docs/queries.md returned no rows"


def test_queries_on_the_controlled_scenario(conn, scenario):
    evaluate("powerball")
    assert_every_query_answers(conn)
    # query 4 counts exactly what the results hold
    won = {(r[0], r[2]): r[3] for r in run_as_reader(conn, analyst_queries()[3])}
    assert won[("oracle", "5+1")] == conn.execute(
        "select count(*) from gold.prediction_results where prize_tier = '5+1'"
        " and model_name = 'oracle'").fetchone()[0]
