"""What `check <stage> --partition P` means for the silver and gold stages: a date range."""

from __future__ import annotations

import datetime as dt

from pipeline.errors import ConfigError


def date_range(stage: str, partition: str | None) -> tuple[dt.date | None, dt.date | None]:
    """'published' (everything), 'YYYY' or 'YYYY-MM-DD..YYYY-MM-DD' -> (from, to), inclusive."""
    if not partition or partition == "published":
        return None, None
    try:
        if len(partition) == 4 and partition.isdigit():
            return dt.date(int(partition), 1, 1), dt.date(int(partition), 12, 31)
        lo, hi = partition.split("..")
        return dt.date.fromisoformat(lo), dt.date.fromisoformat(hi)
    except ValueError:
        raise ConfigError(f"{stage} partition {partition!r}: use 'published', a year 'YYYY' or "
                          "'YYYY-MM-DD..YYYY-MM-DD'") from None


def published_params(stage: str, game: str, partition: str | None) -> dict:
    """Bound parameters selecting a game's published rows in the partition (no staging id)."""
    date_from, date_to = date_range(stage, partition)
    return {"game": game, "staging_id": None, "published": True,
            "date_from": date_from, "date_to": date_to}


def staged_params(game: str, staging_id: str) -> dict:
    return {"game": game, "staging_id": staging_id, "published": False,
            "date_from": None, "date_to": None}
