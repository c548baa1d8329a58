"""Print one game's gold.leaderboard as a text table: `python -m pipeline.orchestration.leaderboard
--game powerball` (the end of scripts/airflow_local.sh)."""

from __future__ import annotations

import argparse

from pipeline.db import connect
from pipeline.orchestration.publish import leaderboard

# Columns shown when the view has them; the view's own order of rows is kept.
PREFERRED = ("era", "model_name", "n_predictions", "mean_white_matches", "expected_white_matches",
             "p_value", "p_value_adjusted", "family_size", "verdict")


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def table(rows: list[dict]) -> str:
    if not rows:
        return "(gold.leaderboard is empty)"
    cols = [c for c in PREFERRED if c in rows[0]] or list(rows[0])
    cells = [[_fmt(r[c]) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.orchestration.leaderboard")
    parser.add_argument("--game", required=True)
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args(argv)
    with connect() as conn:
        print(table(leaderboard(conn, args.game, args.limit)))


if __name__ == "__main__":
    main()
