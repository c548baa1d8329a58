"""The GX runner: results become CheckResults with names, severities and sample rows."""

from __future__ import annotations

import pandas as pd

from pipeline.quality import gx_runner


def test_results_name_the_expectation_and_carry_sample_rows():
    E, col = gx_runner.expectations(), gx_runner.column
    frame = pd.DataFrame({"id": [1, 2, 3, 4], "n": [5, 80, 7, None],
                          "kind": ["a", "a", "b", "b"]})
    results = gx_runner.validate_frame(frame, [
        E.ExpectColumnValuesToBeBetween(column="n", min_value=1, max_value=69,
                                        row_condition=col("kind") == "a"),
        E.ExpectColumnValuesToNotBeNull(column="n", severity="warning"),
        E.ExpectColumnValuesToBeInSet(column="kind", value_set=["a", "b"]),
    ], name="test", sample_columns=["id", "n"])
    by_name = {r.expectation: r for r in results}
    between = by_name["expect_column_values_to_be_between(n) where kind == a"]
    assert not between.success and between.severity == "error"
    assert between.unexpected_count == 1 and between.unexpected_sample == [{"id": 2, "n": 80}]
    assert between.observed_value["max_value"] == 69
    null = by_name["expect_column_values_to_not_be_null(n)"]
    assert not null.success and null.severity == "warn" and not null.blocking
    assert null.unexpected_sample == [{"id": 4, "n": None}]
    assert by_name["expect_column_values_to_be_in_set(kind)"].success


def test_the_context_is_reused_and_does_not_accumulate_suites():
    E = gx_runner.expectations()
    frame = pd.DataFrame({"x": [1]})
    for _ in range(3):
        gx_runner.validate_frame(frame, [E.ExpectColumnToExist(column="x")], name="reuse")
    context, _ = gx_runner._batch_definition()
    assert not [s for s in context.suites.all() if s.name.startswith("reuse-")]
