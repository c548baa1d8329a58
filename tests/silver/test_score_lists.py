"""Staged score lists (staging.prediction_scores: one float8[] per model, target and ball type)
against the per-number rules the predictions gate holds them to: on a staged write damaged in
every way a list can be wrong (short, shifted, a duplicate or missing list, a key split into
lists that do or do not cover the range exactly, scores outside [0, 1], null, not summing to
the picks), the audit reports exactly the (model, target, ball type) keys that expanding the
lists into one row per number shows to be bad. And the publish expands them to those rows."""

from __future__ import annotations

import math
import uuid

import numpy as np
import pytest

from pipeline.db import connect
from pipeline.games import get_game
from pipeline.quality import partitions
from pipeline.silver import features, predict, walkforward
from pipeline.silver.config import load_config
from pipeline.silver.eras import era_sql_params
from pipeline.silver.history import load_timeline
from pipeline.silver.predict import _writer, store
from pipeline.wap import Wap

pytestmark = pytest.mark.integration
MODELS = ["random", "frequency"]
KEY = "model_name = %(m)s and target_draw_date = %(d)s and ball_type = %(b)s"
_SPLIT_FROM = ("insert into staging.prediction_scores (model_name, game, target_draw_date,"
               " ball_type, staging_id, first_number, scores) select model_name, game,"
               " target_draw_date, ball_type, staging_id,")
_ORIGINAL = " from staging.prediction_scores where {key} and first_number = 1"
_TRUNCATE = ("update staging.prediction_scores set scores = scores[1:3] where {key}"
             " and first_number = 1")
# (damage on one staged list, chosen by its index in key order; ';' separates statements)
DAMAGE = [
    ("update staging.prediction_scores set scores = scores[1:cardinality(scores) - 1]"
     " where {key}"),  # one number short
    "update staging.prediction_scores set first_number = first_number + 1 where {key}",
    "update staging.prediction_scores set scores[2] = 1.5 where {key}",
    "update staging.prediction_scores set scores[3] = -0.01, scores[4] = scores[4] + 0.01"
    " where {key}",  # sums right, one score negative
    "update staging.prediction_scores set scores[1] = scores[1] + 0.001 where {key}",
    "update staging.prediction_scores set scores[2] = null where {key}",
    "delete from staging.prediction_scores where {key}",
    ("insert into staging.prediction_scores select * from staging.prediction_scores"
     " where {key}"),  # the same list twice
    # split in two lists that cover the range exactly once: valid number by number
    _SPLIT_FROM + " first_number + 3, scores[4:]" + _ORIGINAL + ";" + _TRUNCATE,
    # split in three: number 3 twice, number 4 missing (count and range look right)
    _SPLIT_FROM + " first_number + 2, scores[3:3]" + _ORIGINAL + ";" + _SPLIT_FROM
    + " first_number + 4, scores[5:]" + _ORIGINAL + ";" + _TRUNCATE,
]
VALID_AFTER = {8}  # DAMAGE indexes that leave the key valid


def _output(tl, targets):
    plan = walkforward.Plan(np.asarray(targets), np.asarray(targets))
    return walkforward.predict(tl, features.build(tl), plan, MODELS, load_config(), "test")


def _bad_keys(conn, game, sid) -> set:
    """The keys whose lists, expanded number by number, break the gate's rules."""
    expected = {}
    for model, day in conn.execute("select distinct model_name, target_draw_date"
                                   " from staging.predictions where staging_id = %s", (sid,)):
        e = game.era_for(day)
        expected[(model, day, "white")] = (e.white_min, e.white_max, 5)
        expected[(model, day, "special")] = (e.special_min, e.special_max, 1)
    numbers: dict = {}
    for model, day, ball, first, scores in conn.execute(
            "select model_name, target_draw_date, ball_type, first_number, scores"
            " from staging.prediction_scores where staging_id = %s", (sid,)):
        for i, score in enumerate(scores):
            numbers.setdefault((model, day, ball), []).append((first + i, score))
    bad = set()
    for key in set(expected) | set(numbers):
        if key not in expected or key not in numbers:
            bad.add(key)
            continue
        lo, hi, picks = expected[key]
        got = numbers[key]
        scores = [s for _, s in got]
        if (sorted(n for n, _ in got) != list(range(lo, hi + 1)) or None in scores
                or min(scores) < 0 or max(scores) > 1 or abs(math.fsum(scores) - picks) > 1e-6):
            bad.add(key)
    return bad


def test_the_list_audit_finds_what_the_numbers_show(history):
    game = get_game("powerball")
    with connect() as conn:
        tl = load_timeline(conn, game)
    out = _output(tl, list(range(len(tl) - 12, len(tl))))
    sid = str(uuid.uuid4())
    targets = sorted(set(out.predictions["target_draw_date"]))
    with connect() as conn:
        Wap("silver", game.id, "predictions", "silver.predictions",
            "silver/publish_predictions.sql", sid).stage(
            conn, _writer(out, sid, game.id, MODELS, targets))
        params = {**partitions.staged_params(game.id, sid), **era_sql_params(game)}
        clean = predict.scores_are_probabilities(conn, params)
        assert clean.success and _bad_keys(conn, game, sid) == set()
        keys = conn.execute("select model_name, target_draw_date, ball_type"
                            " from staging.prediction_scores where staging_id = %s"
                            " order by 1, 2, 3", (sid,)).fetchall()
        assert len(keys) == 2 * 2 * 12
        for i, statement in enumerate(DAMAGE):
            m, d, b = keys[3 * i + 1]
            for part in statement.format(key=KEY).split(";"):
                conn.execute(part, {"m": m, "d": d, "b": b})
        conn.commit()
        bad = _bad_keys(conn, game, sid)
        assert bad == {keys[3 * i + 1] for i in range(len(DAMAGE)) if i not in VALID_AFTER}
        found = predict.scores_are_probabilities(conn, params)
    assert not found.success and found.unexpected_count == len(bad)
    assert {(r["model_name"], r["target_draw_date"], r["ball_type"])
            for r in found.unexpected_sample} <= bad


def test_published_scores_are_the_lists_number_by_number(history):
    game = get_game("powerball")
    with connect() as conn:
        tl = load_timeline(conn, game)
    out = _output(tl, list(range(len(tl) - 30, len(tl))))
    result = store(game.id, out, "test", MODELS)
    want = sorted((m, g, d, b, first + i, s) for m, g, d, b, first, scores in out.scores
                  for i, s in enumerate(scores))
    with connect() as conn:
        got = conn.execute("select model_name, game, target_draw_date, ball_type, number, score"
                           " from silver.prediction_scores order by 1, 2, 3, 4, 5").fetchall()
        left = conn.execute("select count(*) from staging.prediction_scores").fetchone()[0]
    assert got == want and result["scores"] == len(want) and left == 0
