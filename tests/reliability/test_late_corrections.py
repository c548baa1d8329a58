"""Out of order through silver and gold: later draws, then earlier ones, then a correction.

The real history without October 2025 arrives first (November-December before October), then
October, then corrections of two draws that were already scored (one white ball of an October
draw, the Powerball of a November one). After each arrival the same steps run (features,
backtest, evaluate). The end state must equal an in-order load of the final data; the features
and predictions the corrections touch must be recomputed and the rest keep their content (a
backtest republishes its whole range under new run ids); every result gold ever published must
still be in gold.prediction_results or gold.prediction_results_history, the corrected draws'
old results with their old match counts (recounted here from the draw values, not read from
the pipeline).
"""

import datetime as dt
import time
import tomllib

import pytest
from psycopg import sql

from pipeline.games import games_file
from tests.dbutil import truncate_all
from tests.reliability.helpers import layer_checksums
from tests.reliability.test_layer_faults import BACKTEST, EVALUATE, FEATURES, GAME, step
from tests.silver.helpers import real_draws, write_draws

pytestmark = [pytest.mark.integration, pytest.mark.slow]
LATE = ("2025-10-01", "2025-10-31")  # the draws that arrive after the later ones
WHITES = ("white_1", "white_2", "white_3", "white_4", "white_5")
FEATURE_VALUES = ("era", "history_from", "as_of_draw_date", "era_draws_before", "hits_10",
                  "hits_25", "hits_50", "hits_100", "hits_era", "draws_since_seen",
                  "seen_in_era")
RESULT_COLUMNS = ("model_name", "model_run_id", "game", "target_draw_date", "ticket", "era",
                  *WHITES, "special_ball", "white_matches", "special_match", "prize_tier",
                  "is_jackpot", "prize_usd", "ticket_price_usd", "draw_record_hash",
                  "evaluated_at")


def _arrive(tmp_path, name: str, rows: list[dict]) -> dict:
    """Ingest `rows`, then the steps every arrival triggers; their JSON by step name."""
    started = time.monotonic()
    out = {"ingest": step("ingest", *GAME, "--source", str(write_draws(tmp_path / name, rows)))}
    for args in (FEATURES, BACKTEST, EVALUATE):
        out[args[0]] = step(*args)
    print(f"\n{name}: {len(rows)} draws, {time.monotonic() - started:.1f} s")
    return out


def _balls(row: dict) -> tuple[tuple[int, ...], int]:
    return tuple(sorted(int(row[c]) for c in WHITES)), int(row["powerball"])


def _as_row(row: dict, whites, special) -> dict:
    return {**row, **dict(zip(WHITES, sorted(whites), strict=True)), "powerball": str(special)}


def _tickets(conn, day: str) -> list[tuple[set, int]]:
    return [(set(r[:5]), r[5]) for r in conn.execute(
        "select white_1, white_2, white_3, white_4, white_5, special_ball from silver.predictions"
        " where game = 'powerball' and target_draw_date = %s", (day,)).fetchall()]


def _correct_white(conn, row: dict) -> dict:
    """Swap one drawn white for one a scored ticket picked, so that ticket's count changes."""
    whites, special = _balls(row)
    tickets = _tickets(conn, row["draw_date"])
    for new in sorted(set().union(*(t for t, _ in tickets)) - set(whites)):
        for old in whites:
            if any((new in t) != (old in t) for t, _ in tickets):
                return _as_row(row, set(whites) - {old} | {new}, special)
    raise AssertionError(f"no white swap changes a ticket of {row['draw_date']}")


def _correct_special(conn, row: dict) -> dict:
    """Another Powerball, one a scored ticket picked when there is one."""
    whites, special = _balls(row)
    picked = sorted({s for _, s in _tickets(conn, row["draw_date"])} - {special})
    return _as_row(row, whites, picked[0] if picked else special % 26 + 1)


def _select(conn, table: str, columns: tuple) -> list[tuple]:
    query = sql.SQL("select {} from {} where game = 'powerball'").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(*table.split(".")))
    return conn.execute(query).fetchall()


def _rows(conn, table: str, key: tuple, values: tuple) -> dict:
    return {r[:len(key)]: r[len(key):] for r in _select(conn, table, key + values)}


def _changed(before: dict, after: dict) -> set:
    assert before.keys() == after.keys()
    return {k for k in before if before[k] != after[k]}


def _recount_features(draws: list[dict], day: dt.date, ball: str, number: int, epoch: dt.date):
    """hits_10/25/50/100/era, draws_since_seen, seen_in_era of one number before `day`."""
    epoch_draws = [_balls(r) for r in draws if epoch <= dt.date.fromisoformat(r["draw_date"]) < day]
    hit = [number in (w if ball == "white" else (s,)) for w, s in epoch_draws]
    n = len(hit)
    windows = tuple(sum(hit[max(0, n - w):]) for w in (10, 25, 50, 100))
    last = max((i for i, h in enumerate(hit) if h), default=None)
    return (*windows, sum(hit), n if last is None else n - 1 - last, last is not None)


def _prizes(era_name: str) -> dict:
    """The prize chart of the era named `era_name` (its first day), read from the games file."""
    with open(games_file(), "rb") as fh:
        eras = tomllib.load(fh)["games"]["powerball"]["eras"]
    return next(e for e in eras if str(e["from"]) == era_name).get("prizes", {})


def _score(ticket: tuple, draw: tuple, prizes: dict) -> tuple:
    """(white_matches, special_match, prize_tier, prize_usd) recounted from the numbers."""
    (whites, special), (drawn, drawn_special) = ticket, draw
    w, s = len(set(whites) & set(drawn)), special == drawn_special
    prize = prizes.get(f"{w}+{int(s)}")
    if prize is None:
        return w, s, "none", 0
    return w, s, f"{w}+{int(s)}", None if prize == "jackpot" else prize


FEATURE_KEY = ("draw_date", "ball_type", "number")
PREDICTION_KEY = ("model_name", "target_draw_date", "ticket")
SCORE_KEY = ("model_name", "target_draw_date", "ball_type", "number")


def _snapshot(conn) -> dict:
    hashes = dict(conn.execute("select draw_date::text, record_hash from bronze.draws").fetchall())
    history = {k[0]: v for k, v in _rows(conn, "gold.prediction_results_history",
                                          ("history_id",),
                                          ("superseded_reason", *RESULT_COLUMNS)).items()}
    return {
        "hashes": hashes, "history": history,
        "features": _rows(conn, "silver.number_features", FEATURE_KEY,
                          (*FEATURE_VALUES, "created_at")),
        "predictions": _rows(conn, "silver.predictions", PREDICTION_KEY,
                             (*WHITES, "special_ball", "model_run_id")),
        "scores": {k: round(v[0], 12) for k, v in
                   _rows(conn, "silver.prediction_scores", SCORE_KEY, ("score",)).items()},
        "results": {r[:1] + r[3:5]: r for r in
                    _select(conn, "gold.prediction_results", RESULT_COLUMNS)},
    }


def _assert_revisions(conn, original: dict, fixed: dict, before: dict, after: dict) -> None:
    got = conn.execute("select draw_date::text, old_white, old_special, old_record_hash,"
                       " new_white, new_special, new_record_hash from bronze.draw_revisions"
                       " order by draw_date").fetchall()
    want = [(d, list(_balls(original[d])[0]), _balls(original[d])[1], before["hashes"][d],
             list(_balls(fixed[d])[0]), _balls(fixed[d])[1], after["hashes"][d])
            for d in sorted(fixed)]
    assert got == want
    assert all(before["hashes"][d] != after["hashes"][d] for d in fixed)


def _assert_features(original, fixed, final_draws, before, after) -> dict:
    first = dt.date.fromisoformat(min(fixed))
    rewritten = {k for k, v in after["features"].items()
                 if before["features"][k][-1] != v[-1]}  # created_at: the row was written again
    assert rewritten == {k for k in after["features"] if k[0] >= first}
    changed = _changed({k: v[:-1] for k, v in before["features"].items()},
                       {k: v[:-1] for k, v in after["features"].items()})
    # A draw's features count only earlier draws: the correction shows from the next draw on,
    # and only in the numbers it took out or put in.
    expected = set()
    for day, row in fixed.items():
        (old_w, old_s), (new_w, new_s) = _balls(original[day]), _balls(row)
        numbers = {("white", n) for n in set(old_w) ^ set(new_w)}
        numbers |= {("special", old_s), ("special", new_s)} if old_s != new_s else set()
        expected |= {k for k in after["features"]
                     if k[0] > dt.date.fromisoformat(day) and k[1:] in numbers}
    assert changed == expected and changed
    original_draws = list(original.values())
    for key in changed:
        day, ball, number = key
        epoch = after["features"][key][1]
        assert after["features"][key][4:11] == _recount_features(
            final_draws, day, ball, number, epoch), key
        assert before["features"][key][4:11] == _recount_features(
            original_draws, day, ball, number, epoch), key
    return {"rows": len(after["features"]), "rewritten": len(rewritten), "changed": len(changed)}


def _assert_predictions(fixed, before, after) -> dict:
    first = dt.date.fromisoformat(min(fixed))
    tickets = _changed({k: v[:-1] for k, v in before["predictions"].items()},
                       {k: v[:-1] for k, v in after["predictions"].items()})
    scores = _changed(before["scores"], after["scores"])
    # Nothing a target on or before the first corrected draw was predicted from changed.
    assert all(k[1] > first for k in tickets | scores)
    # The random model reads no history; frequency's 100-draw window holds the corrected draw
    # for every later target of the range.
    assert not any(k[0] == "random" for k in tickets | scores)
    later = {k[1] for k in after["scores"] if k[1] > first}
    assert {k[1] for k in scores if k[0] == "frequency"} == later
    new_runs = sum(before["predictions"][k][-1] != v[-1] for k, v in after["predictions"].items())
    return {"tickets": len(after["predictions"]), "tickets_changed": len(tickets),
            "score_rows": len(after["scores"]), "score_rows_changed": len(scores),
            "targets_after_correction": len(later), "tickets_with_new_run_id": new_runs}


def _assert_rescored(fixed, original, before, after) -> dict:
    added = {h: v for h, v in after["history"].items() if h not in before["history"]}
    assert {h: after["history"][h] for h in before["history"]} == before["history"]
    revised = {v[1:2] + v[4:6]: v for v in added.values() if v[0] == "draw_revised"}
    scored = {k: v for k, v in before["results"].items() if str(k[1]) in fixed}
    assert revised.keys() == scored.keys() and scored
    assert not any(v[0] == "draw_revised" and str(v[4]) not in fixed
                   for v in after["history"].values())
    moved = {}
    for key, old in scored.items():
        assert revised[key][1:] == old  # the superseded result as it was published
        new = after["results"][key]
        day = str(key[1])
        assert (old[-2], new[-2]) == (before["hashes"][day], after["hashes"][day])
        if day == min(fixed):  # its prediction read nothing corrected; later ones may have
            assert new[6:12] == old[6:12]
        prizes = _prizes(new[5])
        got_old = (*old[12:15], old[16])
        got_new = (*new[12:15], new[16])
        assert got_old == _score((old[6:11], old[11]), _balls(original[day]), prizes), key
        assert got_new == _score((new[6:11], new[11]), _balls(fixed[day]), prizes), key
        moved[day] = moved.get(day, 0) + (got_old[:2] != got_new[:2])
    assert moved.keys() == fixed.keys() and all(moved.values())
    # Results of targets up to the first corrected draw differ at most in their run id: every
    # backtest publishes its whole range under new model runs.
    first = dt.date.fromisoformat(min(fixed))
    for key, new in after["results"].items():
        if key[1] < first:
            old = before["results"][key]
            assert new[:1] + new[2:-1] == old[:1] + old[2:-1], key
    replaced = [v for v in added.values() if v[0] == "prediction_replaced"]
    same = sum(after["results"][v[1:2] + v[4:6]][2:-1] == v[3:-1] for v in replaced)
    return {"draw_revised": len(revised), "match_counts_changed": moved,
            "history_added": len(added), "prediction_replaced": len(replaced),
            "replaced_with_same_numbers_and_matches": same}


def test_later_then_earlier_then_a_correction_equals_an_in_order_load(db, conn, tmp_path):
    started = time.monotonic()
    draws = real_draws()
    original = {r["draw_date"]: r for r in draws}
    late = [r for r in draws if LATE[0] <= r["draw_date"] <= LATE[1]]
    later = [r for r in draws if not LATE[0] <= r["draw_date"] <= LATE[1]]
    published = []  # every gold result row published along the way

    _arrive(tmp_path, "later.csv", later)
    published.append(_snapshot(conn)["results"])
    second = _arrive(tmp_path, "earlier.csv", late)
    assert second["features"]["rebuild_from"] == LATE[0]
    before = _snapshot(conn)
    published.append(before["results"])

    november = [r for r in draws if r["draw_date"].startswith("2025-11")]
    corrections = [_correct_white(conn, late[len(late) // 2]),
                   _correct_special(conn, november[len(november) // 2])]
    fixed = {r["draw_date"]: r for r in corrections}
    third = _arrive(tmp_path, "correction.csv", corrections)
    after = _snapshot(conn)
    final_draws = [fixed.get(r["draw_date"], r) for r in draws]

    assert third["ingest"]["revised"] == len(fixed)
    assert third["features"]["rebuild_from"] == min(fixed)
    _assert_revisions(conn, original, fixed, before, after)
    figures = {"features": _assert_features(original, fixed, final_draws, before, after),
               "predictions": _assert_predictions(fixed, before, after),
               "rescored": _assert_rescored(fixed, original, before, after)}
    assert third["evaluate"]["archived"] == figures["rescored"]["history_added"]
    # Every result ever published is still in gold: current, or kept in the history.
    kept = set(after["results"].values()) | {v[1:] for v in after["history"].values()}
    lost = [row for snapshot in published for row in snapshot.values() if row not in kept]
    assert lost == []
    figures["history_rows"] = len(after["history"])
    figures["out_of_order_seconds"] = round(time.monotonic() - started, 1)

    out_of_order = layer_checksums(conn)
    truncate_all(db)
    _arrive(tmp_path, "in_order.csv", final_draws)
    in_order = layer_checksums(conn)
    assert {t: v for t, v in out_of_order.items() if v != in_order[t]} == {}
    figures["corrected"] = {d: (_balls(original[d]), _balls(r)) for d, r in fixed.items()}
    figures["seconds"] = round(time.monotonic() - started, 1)
    print(f"\nlate draws and corrections: {figures}")
