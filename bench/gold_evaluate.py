"""`evaluate` over 10^4, 10^5 and 10^6 predictions of synthetic 5+1 games (bench/common's games).

Data (seeded, loaded before timing, not timed): a generated games file (bench/common.games_toml:
daily games of up to 20,000 draws, three rule eras and a schedule change; the newest era gets a
prize chart so tiers and prizes are scored too); bronze draws valid for their era, COPYed with
one ingest batch per game; and what a backtest of the five default models would leave in
silver: a model run per target (score-only models) or per 50 targets (trainable ones), tickets
valid for the era (seeded numpy, COPY), and a probability for every valid number of every model
and draw (silver.prediction_scores, generated in SQL: ~95 rows per model and draw). A size is
`rows` predictions: 5 models x BENCH_EVAL_TICKETS tickets (default 1, the shipped config) per
draw, so 10^4 = 1 game of 2,000 draws, 10^5 = 1 game of 20,000, 10^6 = 10 games of 20,000
(BENCH_DRAWS_PER_GAME caps a game's draws: 2000 makes 10^5 ten games of 2,000).
BENCH_EVAL_SCORES=0 leaves prediction_scores empty (calibration columns stay null).

Lines per size, each in its own process on the same database:
- sql_recount (reference): one INSERT ... SELECT of every prediction joined to its draw with
  its white and special matches, into an unindexed table: scoring in bare SQL.
- score_scan (a floor, not a target): `count(*), sum(score)` over silver.prediction_scores,
  i.e. reading once the ~95 per-number scores per prediction that calibration must read.
- first: `pipeline.cli.main(["evaluate", "--game", G])` per game into an empty gold: score,
  performance, gate, publish. stage/gate/publish seconds are the step's own functions, summed
  over games; performance_seconds (the Python building model_performance) is part of stage;
  slowest_sql: the four SQL files the step spent most time in (execute and transfer).
- rerun: the same again; nothing changed, so every result is compared and none written.
ratio = the reference's seconds over the line's (harness); per_row_vs_smallest = this line's
seconds per prediction over the same line's at the ladder's smallest size (1.0 = linear).
`--rows N` runs the ladder's sizes below N, then N (so the per-row comparison stays in one run).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from bench.common import DRAWS_PER_GAME, ERA_SHAPES, LAST_DAY, games_toml, scratch_database
from bench.harness import emit, measure

LADDER = (10_000, 100_000, 1_000_000)
MODELS = ("random", "frequency", "gap", "logistic", "gbm")
RETRAIN_EVERY = 50  # trainable models: one model run per this many targets, as a backtest
TICKETS = int(os.environ.get("BENCH_EVAL_TICKETS", "1"))
WITH_SCORES = os.environ.get("BENCH_EVAL_SCORES", "1") != "0"
# The 2015 Powerball chart, on the newest synthetic era (same 69/26 ranges).
PRIZE_LINES = ('ticket_price_usd = 2',
               'prizes = { "5+1" = "jackpot", "5+0" = 1000000, "4+1" = 50000, "4+0" = 100, '
               '"3+1" = 100, "3+0" = 7, "2+1" = 7, "1+1" = 4, "0+1" = 4 }')


def with_prize_chart(text: str) -> str:
    """bench/common's games file with a ticket price and prize chart on each newest era."""
    last = f"multipliers = [{', '.join(map(str, ERA_SHAPES[-1][3]))}]"
    out = []
    for line in text.splitlines():
        out.append(line)
        if line == last:
            out.extend(PRIZE_LINES)
    return "\n".join(out) + "\n"


def synthetic_games(folder: Path, draws: int, per_game: int = DRAWS_PER_GAME
                    ) -> tuple[Path, dict[str, list[dt.date]]]:
    """A games file holding `draws` draw dates in all, up to `per_game` a game (eras scale
    with the game's length). Returns (path, {game id: its draw dates, oldest first})."""
    from pipeline.games import _load

    per_game = min(draws, per_game)
    n_games = -(-draws // per_game)
    path = folder / "games.toml"
    path.write_text(with_prize_chart(games_toml(n_games, per_game)))
    games = _load(str(path))
    dates, left = {}, draws
    for gid in sorted(games):
        game = games[gid]
        dates[gid] = game.draw_dates(game.eras[0].start, LAST_DAY)[-min(left, per_game):]
        left -= len(dates[gid])
    return path, dates


def _whites(rng: np.random.Generator, n: int, white_max: int) -> np.ndarray:
    """n rows of 5 distinct ascending numbers in 1..white_max (chunked: n x white_max floats)."""
    out = np.empty((n, 5), dtype=np.int16)
    for lo in range(0, n, 100_000):
        hi = min(n, lo + 100_000)
        out[lo:hi] = np.sort(np.argsort(rng.random((hi - lo, white_max)), axis=1)[:, :5] + 1,
                             axis=1)
    return out


def _era_blocks(game, dates: list[dt.date]):
    """(era, indices of `dates` in it) for each era with draws."""
    names = np.array([game.era_for(d).name for d in dates])
    for era in game.eras:
        idx = np.nonzero(names == era.name)[0]
        if len(idx):
            yield era, idx


def load_bronze(url: str, games_path: Path, dates: dict[str, list[dt.date]],
                seed: int = 11) -> int:
    """Seeded draws valid for their era into bronze.draws (one ingest batch per game)."""
    import psycopg

    from pipeline.games import _load

    games = _load(str(games_path))
    rng = np.random.default_rng(seed)
    n = 0
    with psycopg.connect(url) as conn:
        for gid, days in dates.items():
            game, batch = games[gid], uuid.uuid4()
            conn.execute("insert into ops.ingest_batches (batch_id, game, source, status,"
                         " rows_read, inserted) values (%s, %s, 'bench', 'published', %s, %s)",
                         (batch, gid, len(days), len(days)))
            with conn.cursor().copy(
                    "copy bronze.draws (game, draw_date, white_1, white_2, white_3, white_4,"
                    " white_5, special_ball, multiplier, era, source, batch_id, record_hash)"
                    " from stdin") as cp:
                for era, idx in _era_blocks(game, days):
                    whites = _whites(rng, len(idx), era.white_max).tolist()
                    specials = rng.integers(1, era.special_max + 1, len(idx)).tolist()
                    mults = (rng.choice(era.multipliers, len(idx)).tolist() if era.multipliers
                             else [None] * len(idx))
                    for j, i in enumerate(idx.tolist()):
                        digest = hashlib.sha256(
                            f"{whites[j]}|{specials[j]}|{mults[j]}".encode()).hexdigest()
                        cp.write_row((gid, days[i], *whites[j], specials[j], mults[j], era.name,
                                      "bench", batch, digest))
                        n += 1
        conn.commit()
    return n


def _uuids(rng: np.random.Generator, n: int) -> list[str]:
    raw = rng.bytes(16 * n)
    return [str(uuid.UUID(bytes=raw[16 * i:16 * i + 16], version=4)) for i in range(n)]


def load_silver(url: str, games_path: Path, dates: dict[str, list[dt.date]], tickets: int,
                seed: int = 23) -> dict:
    """Model runs, tickets and (optionally) scores as a backtest of MODELS would publish them."""
    import psycopg

    from pipeline.games import _load
    from pipeline.silver.models.registry import model_class

    games = _load(str(games_path))
    rng = np.random.default_rng(seed)
    counts = {"model_runs": 0, "predictions": 0, "score_rows": 0}
    with psycopg.connect(url) as conn:
        for gid, days in dates.items():
            game, n = games[gid], len(days)
            for name in MODELS:
                cls = model_class(name)
                # Which run scored each target: score-only models one per target, trainable
                # ones refitted every RETRAIN_EVERY targets.
                fit_at = ((np.arange(n) // RETRAIN_EVERY) * RETRAIN_EVERY if cls.trainable
                          else np.arange(n))
                points = np.unique(fit_at)
                ids = dict(zip(points.tolist(), _uuids(rng, len(points)), strict=True))
                with conn.cursor().copy(
                        "copy silver.model_runs (model_run_id, model_name, model_version, game,"
                        " train_first_draw, train_last_draw, n_train_draws, code_version)"
                        " from stdin") as cp:
                    for r in points.tolist():
                        first = max(0, r - 400) if cls.trainable else 0
                        cp.write_row((ids[r], name, cls.version, gid,
                                      days[first] if r else None, days[r - 1] if r else None,
                                      r - first, "bench"))
                counts["model_runs"] += len(points)
                with conn.cursor().copy(
                        "copy silver.predictions (model_name, model_run_id, game,"
                        " target_draw_date, ticket, white_1, white_2, white_3, white_4, white_5,"
                        " special_ball, era) from stdin") as cp:
                    for era, idx in _era_blocks(game, days):
                        k = len(idx) * tickets
                        whites = _whites(rng, k, era.white_max).tolist()
                        specials = rng.integers(1, era.special_max + 1, k).tolist()
                        for j in range(k):
                            i = int(idx[j // tickets])
                            cp.write_row((name, ids[int(fit_at[i])], gid, days[i],
                                          j % tickets + 1, *whites[j], specials[j], era.name))
                counts["predictions"] += n * tickets
        if WITH_SCORES:
            counts["score_rows"] = _scores(conn, games)
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum analyze bronze.draws, silver.model_runs, silver.predictions,"
                     " silver.prediction_scores")
    return counts


def _scores(conn, games) -> int:
    """P(drawn) for every valid number of every (model, draw) with tickets, in SQL (bulk).

    Around the uniform 5/white_max (1/special_max), with a deterministic per-number wobble, so
    reruns and plans give the same values.
    """
    conn.execute("create temp table bench_eras (game text, era text, white_max int,"
                 " special_max int) on commit drop")
    with conn.cursor().copy("copy bench_eras from stdin") as cp:
        for gid, game in games.items():
            for era in game.eras:
                cp.write_row((gid, era.name, era.white_max, era.special_max))
    return conn.execute("""
        insert into silver.prediction_scores
            (model_name, game, target_draw_date, ball_type, number, score)
        select p.model_name, p.game, p.target_draw_date, b.ball_type, n.n,
               b.picks::float8 / b.width
               * (0.5 + (hashtext(p.model_name || p.target_draw_date || b.ball_type || n.n)
                         & 65535) / 65536.0)
        from silver.predictions p
        join bench_eras e on e.game = p.game and e.era = p.era
        cross join lateral (values ('white', 5, e.white_max), ('special', 1, e.special_max))
            as b(ball_type, picks, width)
        cross join lateral generate_series(1, b.width) as n(n)
        where p.ticket = 1""").rowcount


def _setup(url: str, games_path: Path, dates: dict, tickets: int) -> dict:
    draws = load_bronze(url, games_path, dates)
    return {"draws": draws, **load_silver(url, games_path, dates, tickets)}


RECOUNT = """
create table bench_recount (model_name text, game text, target_draw_date date,
                            ticket smallint, white_matches smallint, special_match boolean);
insert into bench_recount
select p.model_name, p.game, p.target_draw_date, p.ticket,
       ((p.white_1 in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5))::int
        + (p.white_2 in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5))::int
        + (p.white_3 in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5))::int
        + (p.white_4 in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5))::int
        + (p.white_5 in (d.white_1, d.white_2, d.white_3, d.white_4, d.white_5))::int)::smallint,
       p.special_ball = d.special_ball
from silver.predictions p
join bronze.draws d on d.game = p.game and d.draw_date = p.target_draw_date
"""


def _sql_recount(url: str) -> dict:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("drop table if exists bench_recount")
        for statement in RECOUNT.split(";"):
            if statement.strip():
                cur = conn.execute(statement)
        conn.commit()
    return {"scored": cur.rowcount}


SCORE_SCAN = """
select count(*), sum(score) from silver.prediction_scores
"""


def _score_scan(url: str) -> dict:
    """Read every per-number score once (what calibration cannot do without): a floor."""
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("set jit = off")
        n = conn.execute(SCORE_SCAN).fetchone()[0]
    return {"score_rows_read": n}


def _timed(module, name: str, totals: dict, key: str) -> None:
    """Wrap module.name so its seconds are summed into totals[key] (this process only)."""
    inner = getattr(module, name)

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            totals[key] += time.perf_counter() - start

    setattr(module, name, wrapper)


def _timed_sql(module, totals: dict, name: str = "run_sql") -> None:
    """Sum the seconds of module.<name>(conn, relative, ...) per SQL file (or publish step) into
    totals['sql'] (execute and transfer)."""
    inner = getattr(module, name)

    def run_sql(conn, relative, *args, **kwargs):
        start = time.perf_counter()
        try:
            return inner(conn, relative, *args, **kwargs)
        finally:
            sql = totals["sql"]
            sql[relative] = sql.get(relative, 0.0) + time.perf_counter() - start

    setattr(module, name, run_sql)


def _evaluate_all(game_ids: list[str]) -> dict:
    import warnings

    import pipeline.gold.evaluate as step
    from pipeline import wap
    from pipeline.cli import main

    # performance.per_draw's fillna emits a pandas FutureWarning per (model, draw) group:
    # 10^5 stderr lines per 10^5 predictions would be timed and flood the output.
    warnings.simplefilter("ignore", FutureWarning)
    totals = {"scored": 0, "inserted": 0, "unchanged": 0, "performance_rows": 0,
              "stage_seconds": 0.0, "performance_seconds": 0.0, "gate_seconds": 0.0,
              "publish_seconds": 0.0, "sql": {}}
    for module, fn, key in ((step, "_stage", "stage_seconds"),
                            (step, "performance_rows", "performance_seconds"),
                            (wap, "run_gate", "gate_seconds"),
                            (step, "_publish", "publish_seconds")):
        _timed(module, fn, totals, key)
    _timed_sql(step, totals)
    _timed_sql(wap, totals, "run_step")  # the publish file's steps, as file#step
    per_game = []  # seconds of each game in turn: growth here means cost grows with gold
    for gid in game_ids:
        start = time.perf_counter()
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                code = main(["--log-level", "WARNING", "evaluate", "--game", gid])
        except Exception as exc:  # returned, not raised: harness.measure waits for a result
            return {"error": f"evaluate {gid}: {exc!r}"}
        if code != 0:
            return {"error": f"evaluate {gid} exited {code}"}
        per_game.append(round(time.perf_counter() - start, 1))
        result = json.loads(out.getvalue().strip().splitlines()[-1])
        for k in ("scored", "inserted", "unchanged", "performance_rows"):
            totals[k] += result[k]
    slowest = sorted(totals.pop("sql").items(), key=lambda kv: -kv[1])[:4]
    totals["slowest_sql"] = {name: round(s, 3) for name, s in slowest}
    totals["game_seconds"] = per_game
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in totals.items()}


def sizes(rows: int | None) -> list[int]:
    """The ladder, or with --rows N its sizes below N and then N: the smallest size stays the
    per-row reference, so even a short run shows how the cost per row grows."""
    return list(LADDER) if not rows else [*(s for s in LADDER if s < rows), rows]


def run(rows: int | None) -> None:
    smallest: dict[str, float] = {}  # line -> seconds per prediction at the first size
    for size in sizes(rows):
        draws = -(-size // (len(MODELS) * TICKETS))
        with tempfile.TemporaryDirectory(prefix="bench_gold_") as tmp:
            games_path, dates = synthetic_games(Path(tmp), draws)
            os.environ["PIPELINE_GAMES_FILE"] = str(games_path)
            with scratch_database("drawpipe_bench_gold") as url:
                os.environ["PIPELINE_DATABASE_URL"] = url
                setup = measure(_setup, url, games_path, dates, TICKETS)
                n = setup["predictions"]
                common = {"games": len(dates), "draws": setup["draws"], "tickets": TICKETS,
                          "model_runs": setup["model_runs"], "score_rows": setup["score_rows"],
                          "setup_seconds": round(setup["seconds"], 1)}
                ref = measure(_sql_recount, url)
                emit("gold_evaluate.sql_recount", n, ref, None, **common,
                     **_per_row("sql_recount", ref, n, smallest))
                if WITH_SCORES:
                    scan = measure(_score_scan, url)
                    emit("gold_evaluate.score_scan", n, scan, "sql_recount", ref["seconds"],
                         **common, **_per_row("score_scan", scan, n, smallest))
                for line in ("first", "rerun"):
                    m = measure(_evaluate_all, sorted(dates))
                    if "error" in m:
                        raise RuntimeError(m["error"])
                    if m["scored"] != n:
                        raise RuntimeError(f"evaluate scored {m['scored']} of {n} predictions")
                    emit(f"gold_evaluate.{line}", n, m, "sql_recount", ref["seconds"], **common,
                         gate_share=round(m["gate_seconds"] / m["seconds"], 4),
                         **_per_row(line, m, n, smallest))


def _per_row(line: str, m: dict, n: int, smallest: dict) -> dict:
    per_row = m["seconds"] / n
    smallest.setdefault(line, per_row)
    return {"us_per_row": round(per_row * 1e6, 2),
            "per_row_vs_smallest": round(per_row / smallest[line], 3)}
