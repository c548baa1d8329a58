"""Run parameters: one JSON Schema per Param, checked by Airflow before a run and again here.

Airflow validates each Param against its schema when a run is triggered (a bad value never
creates a run). Every task validates the whole set again with `validate_params` before using it,
adding the checks a per-Param schema cannot express (from/to together, from <= to, unknown keys).
Values only ever become argv items of `python -m pipeline`, never shell text or SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pipeline.errors import ConfigError
from pipeline.games import Game
from pipeline.orchestration.models import model_names

# A path or an http(s) URL built only from characters no shell or SQL parser treats specially:
# no whitespace, quotes, ; | & $ ` < > ( ) * \ or newlines, and no leading '-' (it would read as
# an option). One query parameter (the NY portal's `?accessType=DOWNLOAD`) is allowed.
SOURCE_PATTERN = (
    r"^(?:https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%/+-]*)?"
    r"(?:\?[A-Za-z0-9._~%+-]+=[A-Za-z0-9._~%+-]*)?"
    r"|[A-Za-z0-9._/][A-Za-z0-9._/+-]*)$"
)
MAX_TICKETS = 50
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_PATTERN_HELP = {
    "source": "must be a file path or an http(s) URL of letters, digits and . _ ~ % / + - "
              "(no spaces, quotes or shell/SQL characters such as ; | & $ ` < > ( ) *)",
    "from_date": "is not a date (YYYY-MM-DD)", "to_date": "is not a date (YYYY-MM-DD)",
}


def param_specs(game: Game) -> dict[str, dict]:
    """name -> {"default": ..., "schema": JSON Schema keywords, "description": ...}."""
    names = list(model_names())
    date_schema = {"type": ["null", "string"], "format": "date", "pattern": DATE_PATTERN}
    return {
        "source": {
            "default": game.source_url,
            "schema": {"type": ["null", "string"], "minLength": 1, "maxLength": 1024,
                       "pattern": SOURCE_PATTERN},
            "description": "Path or http(s) URL of a NY open-data export or normalized CSV "
                           "(default: the game's official NY open-data URL).",
        },
        "from_date": {"default": None, "schema": date_schema,
                      "description": "Backfill: first target draw (YYYY-MM-DD), with to_date."},
        "to_date": {"default": None, "schema": date_schema,
                    "description": "Backfill: last target draw (YYYY-MM-DD), with from_date."},
        "models": {
            "default": None,
            "schema": {"type": ["null", "array"], "items": {"type": "string", "enum": names},
                       "uniqueItems": True, "minItems": 1, "maxItems": len(names)},
            "description": f"Models to run (default: all registered): {', '.join(names)}.",
        },
        "retrain": {"default": False, "schema": {"type": "boolean"},
                    "description": "Backfill: refit every model before every draw."},
        "tickets": {"default": None,
                    "schema": {"type": ["null", "integer"], "minimum": 1, "maximum": MAX_TICKETS},
                    "description": f"Tickets per model and draw, 1-{MAX_TICKETS} "
                                   "(default: the silver config)."},
        "dry_run": {"default": False, "schema": {"type": "boolean"},
                    "description": "Stage and check, publish nothing."},
    }


@dataclass(frozen=True)
class RunParams:
    source: str | None = None
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    models: tuple[str, ...] | None = None
    retrain: bool = False
    tickets: int | None = None
    dry_run: bool = False

    @property
    def is_backfill(self) -> bool:
        return self.from_date is not None


def validate_params(game: Game, raw: dict | None) -> RunParams:
    """The Params of one run, checked against the schemas and each other; ConfigError if bad."""
    from jsonschema import FormatChecker, ValidationError, validate

    specs = param_specs(game)
    raw = dict(raw or {})
    unknown = sorted(set(raw) - set(specs))
    if unknown:
        raise ConfigError(f"unknown parameter(s) {', '.join(map(repr, unknown))}; "
                          f"known: {', '.join(specs)}")
    values = {name: raw.get(name, spec["default"]) for name, spec in specs.items()}
    for name, spec in specs.items():
        try:
            validate(values[name], spec["schema"], format_checker=FormatChecker())
        except ValidationError as exc:
            why = (_PATTERN_HELP.get(name, "has a character that is not allowed")
                   if exc.validator == "pattern" else exc.message[:200])
            raise ConfigError(f"invalid parameter {name}={str(values[name])[:80]!r}: {why}"
                              ) from None
    start, end = (dt.date.fromisoformat(v) if v else None
                  for v in (values["from_date"], values["to_date"]))
    if (start is None) != (end is None):
        raise ConfigError("from_date and to_date go together (a backfill range)")
    if start and end and start > end:
        raise ConfigError(f"from_date {start} is after to_date {end}")
    if start and start < game.eras[0].start:
        raise ConfigError(f"from_date {start} is before {game.id}'s first era "
                          f"({game.eras[0].name})")
    return RunParams(
        source=values["source"], from_date=start, to_date=end,
        models=tuple(values["models"]) if values["models"] else None,
        retrain=values["retrain"], tickets=values["tickets"], dry_run=values["dry_run"],
    )
