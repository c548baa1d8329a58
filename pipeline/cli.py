"""`python -m pipeline <step> ...`: the one command every run mode executes.

Each step lives in pipeline/commands/<step>.py with `configure(parser)` and `run(args) -> dict`.
stdout carries exactly one JSON object (the step's result), or text for people when a read-only
view (show, ticket) is asked for it; logs go to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys

from pipeline import logs
from pipeline.errors import PipelineError

COMMANDS = {
    "migrate": "apply database migrations (safe to run twice)",
    "ingest": "load a source (file or URL) into bronze.draws",
    "features": "build as-of features per draw into silver.number_features",
    "predict": "predict the next draw with registered models",
    "backtest": "walk-forward predictions for every draw in a date range",
    "evaluate": "score predictions whose draw is known into gold",
    "report": "write a self-contained HTML report",
    "show": "the answer on one screen: freshness, next-draw picks, the verdict (read-only)",
    "ticket": "how one ticket would have done over every draw of its era(s) (read-only)",
    "check": "run one data-quality gate on demand",
    "certify": "confirm a layer's gate passed for its latest publish (the DAG's check tasks)",
    "run": "every step in order, gates included (what the DAG does)",
    "publish": "refresh gold views and record the run's layers as updated",
    "backup": "pg_dump the warehouse with a manifest of row counts and checksums",
    "restore": "restore a backup into a database and verify its manifest",
    "embedded": "show or stop the embedded PostgreSQL",
}
EXIT_ERROR, EXIT_GATE_FAILED = 1, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line, exit 2, as argparse does
        self.exit(2, f"error: {self.prog}: {message}\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The CLI's parser; with `only`, the options of that command alone are configured (the
    others stay listed, by name and help, for `--help` and the invalid-choice message)."""
    parser = _Parser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="INFO (default): the pipeline's own lines and other libraries' "
                        "warnings; DEBUG: everything, Great Expectations included")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, help_text in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        module = _module(name) if only is None or name == only else None
        if module is not None:
            module.configure(p)
    return parser


def command_in(argv: list[str]) -> str | None:
    """The command an argv names: its first word that is one (a --log-level value never is).

    A step process then imports only its own command's module: every task of a run starts one.
    """
    return next((a for a in argv if a in COMMANDS), None)


def _module(name: str):
    try:
        return importlib.import_module(f"pipeline.commands.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"pipeline.commands.{name}":
            return None
        raise


def main(argv: list[str] | None = None) -> int:
    from pipeline.failures import error_line
    from pipeline.redact import install_log_redaction

    install_log_redaction()  # no log line, wherever it comes from, shows a password
    try:
        args = build_parser(command_in(sys.argv[1:] if argv is None else argv)).parse_args(argv)
    except PipelineError as exc:  # the games file, read while checking --game: exit 2
        line, code = error_line(exc)
        print(f"error: {line}", file=sys.stderr)
        return code
    logs.configure(args.log_level)
    module = _module(args.command)
    if module is None:
        print(f"error: step {args.command!r} is not available in this build", file=sys.stderr)
        return EXIT_ERROR
    from pipeline.quality.results import GateFailedError

    try:
        result = module.run(args)
    except GateFailedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_GATE_FAILED
    except Exception as exc:  # pipeline and database errors: one redacted line (failures.py)
        if (handled := error_line(exc)) is None:
            raise  # a bug: its traceback is worth more than a line
        print(f"error: {handled[0]}", file=sys.stderr)
        return handled[1]
    # A read-only view (show, ticket) may return text for people instead of the JSON object.
    text = result if isinstance(result, str) else json.dumps(result, default=str, sort_keys=True)
    try:
        print(text, flush=True)
    except BrokenPipeError:  # `show | head`: the reader stopped early; the work is done
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
    return 0
