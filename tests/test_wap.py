"""The write-audit-publish engine without a database: the publish files' steps (their fault point
names are what tests/reliability's kill tests wait for) and the order the engine runs them in."""

from __future__ import annotations

from contextlib import nullcontext

import pytest

from pipeline import wap
from pipeline.errors import PipelineError

pytestmark = pytest.mark.unit
PARSE = wap.publish_steps.__wrapped__  # uncached, for files made up here

STEPS = {
    "bronze/publish_batch.sql": ["published", "before_commit"],
    "silver/publish_features.sql": ["staged", "deleted", "inserted", "draws_marked",
                                    "before_commit"],
    "silver/publish_predictions.sql": ["staged", "deleted", "runs_inserted",
                                       "predictions_inserted", "scores_inserted",
                                       "orphans_dropped", "before_commit"],
    "gold/publish_evaluate.sql": ["staged", "archived", "removed", "upserted",
                                  "calibration_sums_removed", "calibration_sums_inserted",
                                  "performance_deleted", "performance_inserted",
                                  "reference_deleted", "reference_copied", "frequencies_copied",
                                  "before_commit"],
}


@pytest.mark.parametrize("relative", sorted(STEPS))
def test_each_publish_file_names_its_steps_in_order(relative):
    steps = wap.publish_steps(relative)
    assert [name for name, _ in steps] == STEPS[relative]
    for name, statements in steps:
        assert all(s.endswith(";") and "-- name:" not in s for s in statements), name


def _parse(monkeypatch, text: str):
    monkeypatch.setattr(wap, "load_sql", lambda relative: text)
    return PARSE("x/publish.sql")


def test_a_step_holds_its_statements_and_a_python_step_may_hold_none(monkeypatch):
    steps = _parse(monkeypatch, "-- header\n\n-- name: a\nselect 1;\n-- why\nselect 2\n  ;\n"
                                "-- name: b\n-- Python\n-- name: before_commit\nselect 3; -- x\n")
    assert steps == (("a", ("select 1;", "-- why\nselect 2\n  ;")), ("b", ()),
                     ("before_commit", ("select 3; -- x",)))


@pytest.mark.parametrize("text", [
    "select 1;",  # no step
    "-- name: a\nselect 1\n-- name: before_commit\nselect 2;",  # a statement without ';'
    "-- name: a\nselect 1;",  # not ending in before_commit
    "-- name: a\nselect 1;\n-- name: staged\nselect 2;\n-- name: before_commit\nselect 3;",
])
def test_a_malformed_publish_file_is_refused(monkeypatch, text):
    with pytest.raises(ValueError):
        _parse(monkeypatch, text)


class _Conn:
    autocommit = True

    def __init__(self, staged=(2, 3)):
        self.log, self.staged = [], staged

    def transaction(self):
        return nullcontext()

    def execute(self, query, params=None):
        self.log.append(query)
        row = self.staged if query.startswith("select count") else (0,)
        return type("Cursor", (), {"fetchone": lambda _self: row, "rowcount": 1})()


def _publish(monkeypatch, conn, **kwargs):
    text = ("-- name: staged\nselect count;\n-- name: deleted\ndelete 1;\n"
            "-- name: copied\n-- Python\n-- name: before_commit\ndelete 2;\n")
    steps = _parse(monkeypatch, text)
    monkeypatch.setattr(wap, "publish_steps", lambda relative: steps)
    monkeypatch.setattr(wap, "advisory_xact_lock", lambda conn, *parts: conn.log.append(parts))
    points = []
    monkeypatch.setattr(wap, "fault_point", points.append)
    engine = wap.Wap("silver", "g", "features", "silver.x", "x/publish.sql", "sid")
    results = engine.publish(conn, {}, **kwargs)
    return engine, results, points


def test_publish_locks_checks_runs_each_step_and_fires_its_fault_point(monkeypatch):
    conn = _Conn()
    calls = []
    engine, results, points = _publish(
        monkeypatch, conn, expected=(2, 3),
        python={"copied": lambda c, r: calls.append(sorted(r))})
    assert conn.log == [("silver", "g"), "select count;", "delete 1;", "delete 2;"]
    assert points == ["silver.x.publish.locked", "silver.x.publish.deleted",
                      "silver.x.publish.copied", "silver.x.publish.before_commit",
                      "silver.x.publish.committed"]
    assert calls == [["deleted", "staged"]]  # a Python step sees the earlier steps' results
    assert list(results) == ["staged", "deleted", "copied", "before_commit"]
    assert set(engine.timings) == {"publish_seconds"}


def test_publish_stops_before_any_write_when_the_staged_counts_differ(monkeypatch):
    conn = _Conn(staged=(2, 0))
    with pytest.raises(PipelineError) as caught:
        _publish(monkeypatch, conn, expected=(2, 3), what="rows", cleared_by="a rerun",
                 python={"copied": lambda c, r: None})
    assert str(caught.value) == ("staged rows (2, 0) differ from what was written (2, 3): a "
                                 "rerun cleared them; nothing was published, rerun")
    assert conn.log == [("silver", "g"), "select count;"]


def test_publish_refuses_a_file_that_does_not_fit_its_caller(monkeypatch):
    with pytest.raises(ValueError):  # a count step but nothing to compare it with
        _publish(monkeypatch, _Conn(), python={"copied": lambda c, r: None})
    with pytest.raises(ValueError):  # an empty step with no Python for it
        _publish(monkeypatch, _Conn(), expected=(2, 3))
