"""Run parameters: one JSON Schema per Param, checked by Airflow before a run and again here.

Airflow validates each Param against its schema when a run is triggered (a bad value never
creates a run). Every task validates the whole set again with `validate_params` before using it,
adding the checks a per-Param schema cannot express (from/to together, from <= to, unknown keys)
or does not (tickets 5.0, which JSON Schema counts as an integer; a source path with '..' or
under /proc, /sys or /dev).
Values only ever become argv items of `python -m pipeline`, never shell text or SQL.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache

from pipeline.errors import ConfigError
from pipeline.games import Game
from pipeline.orchestration.models import model_names

# A path or an http(s) URL built only from characters no shell or SQL parser treats specially:
# no whitespace, quotes, ; | & $ ` < > ( ) * \ or newlines, and no leading '-' (it would read as
# an option). One query parameter (the NY portal's `?accessType=DOWNLOAD`) is allowed.
# `(?!\n)$`: a Python `$` also matches before a final newline, so "x.csv\n" passed a bare `$`.
SOURCE_PATTERN = (
    r"^(?:https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%/+-]*)?"
    r"(?:\?[A-Za-z0-9._~%+-]+=[A-Za-z0-9._~%+-]*)?"
    r"|[A-Za-z0-9._/][A-Za-z0-9._/+-]*)(?!\n)$"
)
# Kernel pseudo-files are never exports, and reading one (/proc/self/environ) would put the
# step's environment, the warehouse password included, into an error line of the task log.
PSEUDO_FILESYSTEMS = ("proc", "sys", "dev")
MAX_TICKETS = 50
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_PATTERN_HELP = {
    "source": "must be a file path or an http(s) URL of letters, digits and . _ ~ % / + - "
              "(no spaces, quotes or shell/SQL characters such as ; | & $ ` < > ( ) *)",
    "from_date": "is not a date (YYYY-MM-DD)", "to_date": "is not a date (YYYY-MM-DD)",
}


def param_specs(game: Game) -> dict[str, dict]:
    """name -> {"title": ..., "default": ..., "schema": JSON Schema keywords, "description": ...}.

    The title and description are what the Airflow trigger form shows for each field.
    """
    names = list(model_names())
    date_schema = {"type": ["null", "string"], "format": "date", "pattern": DATE_PATTERN}
    return {
        "source": {
            "title": "Source (file path or URL)",
            "default": game.source_url,
            "schema": {"type": ["null", "string"], "minLength": 1, "maxLength": 1024,
                       "pattern": SOURCE_PATTERN},
            "description": "Path (on the worker) or http(s) URL of a NY open-data export or "
                           "normalized CSV. The default is the game's live NY open-data URL: "
                           "where its host cannot be resolved (no network) the ingest task "
                           "fails at once, without retries; give a local export file instead.",
        },
        "from_date": {"title": "Backfill from (first target draw)", "default": None,
                      "schema": date_schema,
                      "description": "Backfill: first target draw (YYYY-MM-DD), with to_date. "
                                     "Empty: a nightly run (predicts the next draw)."},
        "to_date": {"title": "Backfill to (last target draw)", "default": None,
                    "schema": date_schema,
                    "description": "Backfill: last target draw (YYYY-MM-DD), with from_date."},
        "models": {
            "title": "Models",
            "default": None,
            "schema": {"type": ["null", "array"], "items": {"type": "string", "enum": names},
                       "uniqueItems": True, "minItems": 1, "maxItems": len(names)},
            "description": f"Models to run (default: all registered): {', '.join(names)}.",
        },
        "retrain": {"title": "Refit before every draw (backfill)", "default": False,
                    "schema": {"type": "boolean"},
                    "description": "Backfill: refit every model before every draw."},
        "tickets": {"title": "Tickets per model and draw", "default": None,
                    "schema": {"type": ["null", "integer"], "minimum": 1, "maximum": MAX_TICKETS},
                    "description": f"Tickets per model and draw, 1-{MAX_TICKETS} "
                                   "(default: the silver config)."},
        "dry_run": {"title": "Dry run (publish nothing)", "default": False,
                    "schema": {"type": "boolean"},
                    "description": "Stage and check, publish nothing."},
    }


@lru_cache(maxsize=64)
def _validator(schema_json: str):
    """A checked, compiled validator per schema: `jsonschema.validate` re-checks the schema
    against its metaschema on every call (~2 ms a Param)."""
    from jsonschema import FormatChecker, validators

    schema = json.loads(schema_json)
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=FormatChecker())


def _shown(value, limit: int = 80) -> str:
    return repr(str(value)[:limit])


def _source_path_problem(source: str) -> str | None:
    """Why a path source is refused beyond its pattern, or None (URLs are not paths)."""
    if "://" in source:
        return None
    parts = [p for p in source.split("/") if p not in ("", ".")]
    if ".." in parts:
        return "must not climb out of a folder with '..'"
    if source.startswith("/") and parts and parts[0] in PSEUDO_FILESYSTEMS:
        return f"must not be a kernel pseudo-file (/{parts[0]}/...)"
    return None


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
    from jsonschema.exceptions import best_match

    specs = param_specs(game)
    raw = dict(raw or {})
    unknown = sorted(set(raw) - set(specs), key=str)
    if unknown:
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise ConfigError(f"unknown parameter(s) {', '.join(_shown(k, 40) for k in unknown[:5])}"
                          f"{more}; known: {', '.join(specs)}")
    values = {name: raw.get(name, spec["default"]) for name, spec in specs.items()}
    for name, spec in specs.items():
        exc = best_match(_validator(json.dumps(spec["schema"], sort_keys=True))
                         .iter_errors(values[name]))
        if exc is not None:
            why = (_PATTERN_HELP.get(name, "has a character that is not allowed")
                   if exc.validator == "pattern" else exc.message[:200])
            raise ConfigError(f"invalid parameter {name}={_shown(values[name])}: {why}")
    if isinstance(values["tickets"], float):  # JSON Schema counts 5.0 as an integer
        raise ConfigError(f"invalid parameter tickets={_shown(values['tickets'])}: "
                          "must be a whole number such as 5, not a decimal")
    problem = _source_path_problem(values["source"]) if values["source"] else None
    if problem:
        raise ConfigError(f"invalid parameter source={_shown(values['source'])}: {problem}")
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
