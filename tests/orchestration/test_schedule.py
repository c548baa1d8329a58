"""The nightly cron and the draw a run predicts, both derived from the game definition."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from pipeline.games import get_game, load_games
from pipeline.orchestration.schedule import NIGHTLY_RUN_AT, nightly_cron, target_draw_date

NY = ZoneInfo("America/New_York")


def _cron_days(expr: str) -> set[int]:
    minute, hour, dom, month, dow = expr.split()
    assert (int(minute), int(hour), dom, month) == (NIGHTLY_RUN_AT.minute, NIGHTLY_RUN_AT.hour,
                                                    "*", "*")
    return {int(d) for d in dow.split(",")}


@pytest.mark.parametrize("game_id", sorted(load_games()))
def test_cron_fires_the_morning_after_each_draw_day(game_id):
    game = get_game(game_id)
    today = dt.date(2026, 1, 5)
    fires = _cron_days(nightly_cron(game, today))
    # Walk two weeks of real calendar days: the cron fires on a day iff the day before is a draw.
    for offset in range(14):
        day = today + dt.timedelta(days=offset)
        cron_dow = (day.weekday() + 1) % 7  # cron counts from Sunday = 0
        assert (cron_dow in fires) == game.is_draw_day(day - dt.timedelta(days=1)), day


def test_powerball_monday_draws_only_after_the_2021_schedule_change():
    pb = get_game("powerball")
    assert len(_cron_days(nightly_cron(pb, dt.date(2021, 8, 1)))) == 2
    assert len(_cron_days(nightly_cron(pb, dt.date(2021, 9, 1)))) == 3


def test_target_is_the_first_draw_after_the_logical_moment():
    pb = get_game("powerball")
    cases = [
        (dt.datetime(2026, 1, 2, tzinfo=dt.UTC), dt.date(2026, 1, 3)),  # contract: Fri -> Sat
        (dt.datetime(2026, 1, 3, 20, 0, tzinfo=NY), dt.date(2026, 1, 3)),  # before the draw
        (dt.datetime(2026, 1, 3, 23, 30, tzinfo=NY), dt.date(2026, 1, 5)),  # after it: Monday
        (dt.datetime(2026, 1, 4, 6, 0, tzinfo=NY), dt.date(2026, 1, 5)),  # the nightly run
        (dt.datetime(2019, 1, 3, 6, 0, tzinfo=NY), dt.date(2019, 1, 5)),  # no Mondays then
    ]
    for logical, expected in cases:
        target = target_draw_date(pb, logical)
        assert target == expected, logical
        assert pb.is_draw_day(target)


def test_nightly_runs_predict_every_draw_exactly_once():
    """Each nightly logical date maps to the next draw; together they cover every draw."""
    for game in load_games().values():
        start, end = dt.date(2025, 6, 1), dt.date(2025, 8, 31)
        fires = _cron_days(nightly_cron(game, start))
        days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
        firing = [d for d in days if (d.weekday() + 1) % 7 in fires]
        draws = set(game.draw_dates(firing[0] + dt.timedelta(days=1), end))
        targets = []
        for day in firing:
            moment = dt.datetime.combine(day, NIGHTLY_RUN_AT, ZoneInfo(game.timezone))
            targets.append(target_draw_date(game, moment))
        in_range = [t for t in targets if t <= end]
        assert len(in_range) == len(set(in_range))
        assert set(in_range) == draws


def test_naive_logical_date_refused():
    with pytest.raises(ValueError):
        target_draw_date(get_game("powerball"), dt.datetime(2026, 1, 2))
