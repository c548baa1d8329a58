"""What a person reads first about one game, from bronze and gold: shared by `show` and `report`.

How fresh bronze is against the schedule, each model's latest picks (gold.latest_predictions),
the verdict sentence (gold.verdict_summary) and the leaderboard's top rows. Read-only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pipeline.db import run_sql
from pipeline.freshness import Freshness, freshness
from pipeline.games import Game


@dataclass(frozen=True)
class Summary:
    game: Game
    freshness: Freshness
    latest_draw: dict | None  # draw_date, era, whites, special_ball, multiplier
    picks: list[dict]  # per model: model, target_draw_date, pending, tickets [[whites], special]
    verdict: dict | None  # gold.verdict_summary's row; None before the first evaluate
    leaderboard: list[dict]  # gold.leaderboard's top rows, newest era first

    @property
    def picks_target(self) -> dt.date | None:
        """The latest target any model predicted."""
        return max((p["target_draw_date"] for p in self.picks), default=None)

    def as_dict(self) -> dict:
        return {"game": self.game.id, "freshness": self.freshness.as_dict(),
                "latest_draw": self.latest_draw, "next_draw": self.freshness.next_draw,
                "picks_target_draw": self.picks_target,
                "picks_are_for_next_draw": self.picks_target == self.freshness.next_draw,
                "picks": self.picks, "verdict": self.verdict, "leaderboard": self.leaderboard}


def _rows(conn, relative: str, params: dict) -> list[dict]:
    cur = run_sql(conn, relative, params)
    names = [c.name for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _picks(rows: list[dict]) -> list[dict]:
    by_model: dict[str, dict] = {}
    for r in rows:
        entry = by_model.setdefault(r["model_name"], {
            "model": r["model_name"], "target_draw_date": r["target_draw_date"],
            "era": r["era"], "pending": r["pending"], "tickets": []})
        entry["tickets"].append([[r[f"white_{k}"] for k in range(1, 6)], r["special_ball"]])
    return sorted(by_model.values(), key=lambda e: e["model"])


def read_summary(conn, game: Game, *, top: int = 10, today: dt.date | None = None) -> Summary:
    params = {"game": game.id}
    fresh = freshness(conn, game, today)
    latest = _rows(conn, "show/latest_draw_numbers.sql", params)
    if latest:
        d = latest[0]
        latest_draw = {"draw_date": d["draw_date"], "era": d["era"],
                       "whites": [d[f"white_{k}"] for k in range(1, 6)],
                       "special_ball": d["special_ball"], "multiplier": d["multiplier"]}
    else:
        latest_draw = None
    verdict = _rows(conn, "show/verdict_summary.sql", params)
    board = _rows(conn, "show/leaderboard.sql", {**params, "limit": top})
    return Summary(game, fresh, latest_draw,
                   _picks(_rows(conn, "show/latest_predictions.sql", params)),
                   verdict[0] if verdict else None, board)


def ticket_text(whites: list[int], special: int) -> str:
    return " ".join(f"{w:2d}" for w in whites) + f" + {special:2d}"


def p_text(p: float | None) -> str:
    if p is None:
        return "-"
    return f"{p:.2g}" if p < 0.01 else f"{p:.3f}"


def mean_vs_random(row: dict) -> str:
    """'0.371 vs 0.362' (model mean white matches per ticket vs the exact random mean)."""
    mean, expected = row.get("mean_white_matches"), row.get("expected_white_matches")
    if mean is None or expected is None:
        return "-"
    return f"{mean:.3f} vs {expected:.3f}"


def ci_text(row: dict) -> str:
    low, high = row.get("mean_white_matches_ci_low"), row.get("mean_white_matches_ci_high")
    return "-" if low is None or high is None else f"{low:.3f}-{high:.3f}"
