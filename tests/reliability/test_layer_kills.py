"""Silver and gold under kill -9 mid-publish: the published rows are old or new, never a mix.

Each round flips bronze between two versions of the last quarter's draws (the real ones, and
the same with the Powerball of every third draw moved), so a step's old and new published rows
differ; forks the step (warm, tests/reliability/faults.py), SIGKILLs it while it sleeps at one
of its publish's fault points (every point of the publish once, in order: the lock, each step of
its SQL file, Python steps included, and the commit), then checks the published tables, its
staging leftovers and that the next run of the step completes with the new rows. Where the kill
lands does not depend on how busy the machine is, unlike the random delays this replaced (20
per step, most of them landing before the commit under load).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import pytest
from psycopg import sql

from tests.reliability.faults import fork_cli, kill_at_fault_point, wait_for_sessions_to_end
from tests.reliability.test_layer_faults import FEATURES, GAME, step
from tests.silver.helpers import real_draws, write_draws

pytestmark = [pytest.mark.integration, pytest.mark.slow]
SLEEP_S = 0.2  # per fault point: the kill lands while the child sleeps there
FLIP_FROM = "2025-10-01"  # the draws flipped between two versions: the backtest's range
# The bronze flips (set-up only) and the killed runs skip their gates (seconds of Great
# Expectations each): the publish under test is the same code, and the step's gate passed on
# these exact inputs in the set-up runs. The run after each kill, which must complete, is gated.
SKIP = ("--skip-checks",)
# gbm left out: its fits would double the backtest's time, and the publish is the same for all.
BACKTEST = ("backtest", *GAME, "--from", FLIP_FROM, "--to", "2025-12-31",
            "--models", "random,frequency,gap,logistic")
EVALUATE = ("evaluate", *GAME)


@dataclass(frozen=True)
class Step:
    args: tuple[str, ...]
    published: dict[str, tuple[str, ...]]  # table -> its key (() when the key is a uuid)
    staged: tuple[str, ...]


STEPS = {
    "features": Step(FEATURES, {
        "silver.number_features": ("game", "draw_date", "ball_type", "number"),
        "silver.feature_draws": ("game", "draw_date"),
    }, ("staging.number_features", "staging.feature_draws")),
    "backtest": Step(BACKTEST, {
        "silver.model_runs": (),
        "silver.predictions": ("model_name", "game", "target_draw_date", "ticket"),
        "silver.prediction_scores": ("model_name", "game", "target_draw_date", "ball_type",
                                     "number"),
    }, ("staging.model_runs", "staging.predictions", "staging.prediction_scores")),
    "evaluate": Step(EVALUATE, {
        "gold.prediction_results": ("model_name", "game", "target_draw_date", "ticket"),
        "gold.model_performance": ("model_name", "game", "era", "window_name"),
        "gold.era_baselines": ("game", "era"),
        "gold.prize_tiers": ("game", "era", "white_matches", "special_match"),
        "gold.number_counts": ("game", "era", "ball_type", "number"),
        "gold.number_frequency_tests": ("game", "era", "ball_type"),
    }, ("staging.prediction_results", "staging.model_performance")),
}
_VOLATILE_TYPES = ("uuid", "timestamp with time zone", "timestamp without time zone")


def _column(name: str, dtype: str) -> sql.Composable:
    if dtype == "jsonb":  # fit durations inside jsonb differ between two correct runs
        return sql.SQL("regexp_replace({}::text, {}, '', 'g')").format(
            sql.Identifier(name), sql.Literal(r'"[a-z_]*seconds": [-0-9.e]+'))
    return sql.Identifier(name)


def published(conn, step_: Step) -> dict[str, tuple[int, str]]:
    """{table: (rows, sum of the rows' 64-bit hashes)} over every column a rerun reproduces
    exactly (a sum needs no sort: 4x faster than an md5 of the sorted rows on 180k features)."""
    out = {}
    for table in step_.published:
        schema, name = table.split(".")
        cols = conn.execute("select column_name, data_type from information_schema.columns"
                            " where table_schema = %s and table_name = %s"
                            " order by ordinal_position", (schema, name))
        keep = [_column(c, t) for c, t in cols if t not in _VOLATILE_TYPES
                and c != "code_version"]
        query = sql.SQL("select count(*), coalesce(sum(hashtextextended(row({})::text, 0)"
                        "::numeric), 0) from {}").format(
            sql.SQL(", ").join(keep), sql.Identifier(schema, name))
        out[table] = tuple(conn.execute(query).fetchone())
    return out


def duplicate_keys(conn, step_: Step) -> int:
    total = 0
    for table, key in step_.published.items():
        if key:
            query = sql.SQL("select count(*) - count(distinct ({})) from {}").format(
                sql.SQL(", ").join(map(sql.Identifier, key)), sql.Identifier(*table.split(".")))
            total += conn.execute(query).fetchone()[0]
    if "silver.model_runs" in step_.published:  # a run no published prediction uses
        total += conn.execute("select count(*) from silver.model_runs r where not exists"
                              " (select 1 from silver.predictions p"
                              "  where p.model_run_id = r.model_run_id)").fetchone()[0]
    return total


def staged_writes(conn, step_: Step) -> tuple[int, int]:
    """(rows, distinct staging ids) left in the step's staging tables."""
    union = sql.SQL(" union all ").join(
        sql.SQL("select staging_id from {}").format(sql.Identifier(*t.split(".")))
        for t in step_.staged)
    query = sql.SQL("select count(*), count(distinct staging_id) from ({}) s").format(union)
    return tuple(conn.execute(query).fetchone())


def flip_files(tmp_path) -> dict[str, str]:
    """The last quarter's draws as published ('real') and with every third Powerball moved."""
    rows = [r for r in real_draws() if r["draw_date"] >= FLIP_FROM]
    revised = [dict(r) for r in rows]
    for row in revised[::3]:
        row["powerball"] = str(int(row["powerball"]) % 26 + 1)
    return {name: str(write_draws(tmp_path / f"{name}.csv", draws))
            for name, draws in (("real", rows), ("revised", revised))}


def announced(line: str) -> str | None:
    return line.split()[-1] if line.startswith("fault point") else None


def publish_points(args: tuple, tmp_path) -> list[str]:
    """Run the step as a forked child to its end; the fault points its publish announced."""
    child = fork_cli(list(args), tmp_path, fault_sleep_s=0)
    errors = child.stderr.read()
    child.stderr.close()
    points = [p for p in map(announced, errors.splitlines()) if p]
    assert child.wait() == 0 and points and points[-1].endswith(".committed"), \
        (args, points, errors[-2000:])
    return points


def history_rows(conn) -> int:
    return conn.execute("select count(*) from gold.prediction_results_history").fetchone()[0]


def both_states(step_: Step, conn, tmp_path, flips: dict[str, str]):
    """Publish the step over each bronze version (with its gate): ({version: checksums},
    gold results archived per flip, the fault points of its publish in order)."""
    states, archived, points = {}, [], []
    for version in ("revised", "real", "revised"):  # ends with 'revised' published
        step("ingest", *GAME, "--source", flips[version], *SKIP)
        before = history_rows(conn)
        points = publish_points(step_.args, tmp_path)
        archived.append(history_rows(conn) - before)
        state = published(conn, step_)
        assert states.setdefault(version, state) == state, f"{step_.args}: a rerun differs"
        # Neither state has a duplicate key, so nor has any table matching its checksum.
        assert duplicate_keys(conn, step_) == 0
    assert states["real"] != states["revised"], f"{step_.args}: old and new do not differ"
    # A flip archives as many superseded gold results either way (none in silver).
    assert archived[1] == archived[2] and (archived[2] > 0) == ("evaluate" in step_.args)
    return states, archived[2], points


def kill_once(step_: Step, db, conn, tmp_path, old: dict, new: dict, per_flip: int,
              n: int) -> tuple[str, str]:
    """Kill one run at its n-th fault point, check what it left, run the step again:
    (outcome, point)."""
    history = history_rows(conn)
    assert staged_writes(conn, step_) == (0, 0)
    child = fork_cli([*step_.args, *SKIP], tmp_path, fault_sleep_s=SLEEP_S)
    point = kill_at_fault_point(child, n)
    assert point, f"the step ended before its publish's fault point {n}"
    wait_for_sessions_to_end(db)
    now = published(conn, step_)
    tables = {t: "old" if v == old[t] else "new" if v == new[t] else "neither"
              for t, v in now.items()}
    assert now in (old, new), f"mixed after a kill at {point}: {tables}"
    outcome = "new" if now == new else "old"
    # Only a kill during or after the commit leaves the new rows, and one after it always
    # does; gold's history moves with its results.
    assert outcome == "old" or point.endswith((".before_commit", ".committed")), point
    assert outcome == "new" or not point.endswith(".committed"), point
    assert history_rows(conn) == history + (per_flip if outcome == "new" else 0)
    assert duplicate_keys(conn, step_) == 0
    # The killed write's staged rows (one write's) stay until the next run drops them.
    rows, writes = staged_writes(conn, step_)
    assert (rows > 0, writes) == ((True, 1) if outcome == "old" else (False, 0))
    step(*step_.args)  # gated; completes, with the new rows and nothing of the killed write
    assert published(conn, step_) == new
    assert history_rows(conn) == history + per_flip
    assert staged_writes(conn, step_) == (0, 0)
    return outcome, point


def kill_rounds(name: str, db, conn, tmp_path, flips: dict[str, str]) -> None:
    step_ = STEPS[name]
    started = time.monotonic()
    states, per_flip, points = both_states(step_, conn, tmp_path, flips)
    outcomes, rounds_started = Counter(), time.monotonic()
    current = "revised"
    for n, expected in enumerate(points, 1):
        target = "real" if current == "revised" else "revised"
        step("ingest", *GAME, "--source", flips[target], *SKIP)
        outcome, point = kill_once(step_, db, conn, tmp_path, states[current], states[target],
                                   per_flip, n)
        assert point == expected, (n, point, points)
        outcomes[point.rsplit(".", 1)[-1]] = outcome
        current = target
    print(f"\n{name} kill -9 at each of {len(points)} fault points: {dict(outcomes)}, 0 mixed,"
          f" 0 rows lost; set-up {rounds_started - started:.1f} s, kills"
          f" {time.monotonic() - rounds_started:.1f} s")
    # The kill after the commit left the new rows; every kill inside the transaction the old
    # ones, save at before_commit, where a kill delivered later than the child's sleep there
    # meets the commit (kill_once has checked that it left one state or the other).
    assert outcomes.pop("committed") == "new", outcomes
    outcomes.pop("before_commit")
    assert set(outcomes.values()) == {"old"}, outcomes


@pytest.fixture
def flips(history, tmp_path):
    """The shipped history in bronze (a copy of the template database) and the flip files."""
    return flip_files(tmp_path)


def test_kill_9_mid_features_publish(db, conn, tmp_path, flips):
    step(*FEATURES, *SKIP)  # the full build; the rest rebuild incrementally from FLIP_FROM
    kill_rounds("features", db, conn, tmp_path, flips)


def test_kill_9_mid_backtest_publish(db, conn, tmp_path, flips):
    kill_rounds("backtest", db, conn, tmp_path, flips)


def test_kill_9_mid_evaluate_publish(db, conn, tmp_path, flips):
    step(*BACKTEST, *SKIP)
    kill_rounds("evaluate", db, conn, tmp_path, flips)
