"""The ingest gate evaluates its expectations as one SQL query (quality/gate.py)
instead of through Great Expectations; `check bronze` still runs them through GX. The two must
agree: on the same rows, GX and the SQL form give every expectation the same verdict and the
same count of unexpected rows, nulls and repeated keys included."""

import pandas as pd
import pytest
from psycopg import sql

from pipeline.quality import gate, gx_runner
from pipeline.quality.gate import Spec

pytestmark = pytest.mark.integration

COLUMNS = ["line_no", "game", "draw_date", "a", "b", "c", "label"]
# (line_no, game, draw_date, a, b, c, label): clean rows, then every kind of bad one.
ROWS = [
    (1, "pb", "2025-01-01", 1, 2, 3, "x"),
    (2, "pb", "2025-01-04", 4, 5, 6, "y"),
    (3, "pb", "2025-01-04", 7, 8, 9, "x"),     # a repeated (game, draw_date)
    (4, "mm", "2025-01-08", 3, 3, 1, "z"),     # a wrong game; a == b; b > c
    (5, "pb", "2025-01-11", None, 2, 3, None),  # nulls in a pair and in a set column
    (6, "pb", "2025-01-15", None, None, 5, "x"),  # both of a pair null
    (7, None, "2025-01-18", 9, 1, 1, "q"),     # a null key part; b == c
    (8, None, "2025-01-18", 2, 9, 4, "x"),     # ... repeated with another null key part
    (9, "pb", None, 5, 5, 5, "y"),              # all three equal
]
SPECS = [
    Spec("expect_column_values_to_be_in_set", {"column": "game", "value_set": ["pb"]}),
    Spec("expect_column_values_to_be_in_set", {"column": "label", "value_set": ["x", "y"]}),
    Spec("expect_column_values_to_not_be_null", {"column": "a"}),
    Spec("expect_column_values_to_not_be_null", {"column": "game"}),
    Spec("expect_compound_columns_to_be_unique", {"column_list": ["game", "draw_date"]}),
    Spec("expect_column_pair_values_to_be_equal", {"column_A": "b", "column_B": "c"}),
    Spec("expect_column_pair_values_a_to_be_greater_than_b", {"column_A": "b", "column_B": "a"}),
    Spec("expect_column_pair_values_a_to_be_greater_than_b",
         {"column_A": "c", "column_B": "b", "or_equal": True}),
    Spec("expect_select_column_values_to_be_unique_within_record",
         {"column_list": ["a", "b", "c"]}),
    Spec("expect_column_values_to_be_between", {"column": "a", "min_value": 2, "max_value": 8}),
    Spec("expect_column_values_to_be_between", {"column": "c", "min_value": 4}),
    Spec("expect_column_values_to_be_between", {"column": "b", "max_value": 8,
                                                "strict_max": True}),
]


@pytest.fixture
def rows(conn):
    conn.execute("create temporary table parity (line_no int, game text, draw_date date,"
                 " a int, b int, c int, label text)")
    with conn.cursor().copy("copy parity from stdin") as copy:
        for row in ROWS:
            copy.write_row(row)
    return sql.SQL("select * from parity")


def _verdicts(results):
    return {r.expectation: (r.success, r.unexpected_count or 0) for r in results}


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_sql_and_great_expectations_agree(conn, rows, spec):
    in_sql = gate.validate_query(conn, rows, {}, [spec], sample_columns=["line_no"],
                                             order_by="line_no")
    frame = pd.DataFrame(conn.execute(rows).fetchall(), columns=COLUMNS)
    in_gx = gx_runner.validate_frame(frame, [spec.to_gx(gx_runner.expectations())],
                                     name="parity", sample_columns=["line_no"])
    assert _verdicts(in_sql) == _verdicts(in_gx)
    assert not in_sql[0].success  # every spec above has bad rows: a pass proves nothing


def test_clean_rows_pass_both_ways(conn, rows):
    clean = sql.SQL("select * from parity where line_no <= 2")
    frame = pd.DataFrame(conn.execute(clean).fetchall(), columns=COLUMNS)
    specs = SPECS[:1] + SPECS[4:5]
    in_sql = gate.validate_query(conn, clean, {}, specs, sample_columns=["line_no"],
                                             order_by="line_no")
    in_gx = gx_runner.validate_frame(frame, [s.to_gx(gx_runner.expectations()) for s in specs],
                                     name="parity", sample_columns=["line_no"])
    assert _verdicts(in_sql) == _verdicts(in_gx) == {s.name: (True, 0) for s in specs}
