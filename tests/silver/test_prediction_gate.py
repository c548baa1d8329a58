"""The predictions gate rejects bad staged writes and leaves silver as it was."""

from __future__ import annotations

import numpy as np
import pytest

from tests.silver.helpers import cli_json

pytestmark = pytest.mark.integration


def _output():
    from pipeline.db import connect
    from pipeline.games import get_game
    from pipeline.silver import features, walkforward
    from pipeline.silver.config import load_config
    from pipeline.silver.history import load_timeline, with_target

    with connect() as conn:
        tl = with_target(load_timeline(conn, get_game("powerball"), before=None), _day())
    target = np.array([len(tl) - 1])
    return walkforward.predict(tl, features.build(tl), walkforward.Plan(target, target),
                               ["random", "frequency"], load_config(), "test")


def _day():
    import datetime as dt

    return dt.date(2026, 1, 3)


@pytest.mark.parametrize("change, failed", [
    (lambda out: out.predictions.assign(white_2=out.predictions["white_1"]),
     "predictions_valid_distinct_numbers_for_era"),
    (lambda out: out.predictions.assign(special_ball=27),
     "predictions_valid_distinct_numbers_for_era"),
    ("runs", "predictions_target_after_training_window"),
])
def test_gate_rejects_bad_predictions(conn, change, failed, history):
    from pipeline.quality.results import GateFailedError
    from pipeline.silver.predict import store

    cli_json("predict", "--game", "powerball", "--for-date", "2026-01-03",
             "--models", "random,frequency")
    before = conn.execute("select md5(string_agg(p::text, ',' order by p::text))"
                          " from silver.predictions p").fetchone()[0]
    out = _output()
    if change == "runs":
        out.runs["train_last_draw"] = "2026-01-03"
    else:
        out.predictions = change(out)
    with pytest.raises(GateFailedError) as caught:
        store("powerball", out, "test", ["random", "frequency"])
    assert failed in [f.expectation for f in caught.value.failures]
    assert conn.execute("select md5(string_agg(p::text, ',' order by p::text))"
                        " from silver.predictions p").fetchone()[0] == before
    staged = conn.execute("select count(*) from staging.predictions").fetchone()[0]
    assert staged == len(out.predictions)  # kept for inspection until the next run


def test_a_write_cleared_by_a_concurrent_run_fails_as_that_not_as_bad_data(conn, history):
    """A second run of the same models and dates unstages the first one's rows (its writer's
    first statement) between the first one's stage and gate: the first must fail with the
    'cleared' error (exit 1, rerun), not as a failed gate (exit 3)."""
    import uuid

    from pipeline.db import connect, run_sql
    from pipeline.errors import PipelineError
    from pipeline.quality.results import GateFailedError
    from pipeline.silver.predict import _writer
    from pipeline.wap import Wap

    out, models = _output(), ["random", "frequency"]
    targets = sorted(set(out.predictions["target_draw_date"]))
    staging_id = str(uuid.uuid4())
    wap = Wap("silver", "powerball", "predictions", "silver.predictions",
              "silver/publish_predictions.sql", staging_id)
    staged = {"params": {"game": "powerball", "staging_id": staging_id, "models": models},
              "expected": (len(out.runs), len(out.predictions), out.score_rows),
              "what": "predictions", "cleared_by": "a concurrent run of the same models and dates"}
    with connect() as mine:
        wap.stage(mine, _writer(out, staging_id, "powerball", models, targets))
        run_sql(conn, "silver/unstage_predictions.sql",
                {"game": "powerball", "models": models, "targets": targets})
        conn.commit()
        with pytest.raises(GateFailedError):  # what the gate alone says of the emptied write
            wap.gate(mine, "test")
        with pytest.raises(PipelineError, match="concurrent run of the same models and dates "
                                                "cleared them") as caught:
            wap.gate(mine, "test", cleared=staged)
    assert not isinstance(caught.value, GateFailedError)
