"""Options shared by `predict` and `backtest`: models and the config overrides."""

from __future__ import annotations

import argparse


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value[:40]!r} is not an integer") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} must be at least 1")
    return number


def add_model_options(parser: argparse.ArgumentParser, *, retrain: bool) -> None:
    parser.add_argument("--models", help="comma-separated model names (default: the config's "
                        "default_models: random,frequency,gap,logistic,gbm)")
    parser.add_argument("--tickets", type=positive_int, help="tickets per model and target draw")
    if retrain:
        parser.add_argument("--retrain-every", type=positive_int, dest="retrain_every",
                            help="refit scikit-learn models every N draws (default 50)")
    parser.add_argument("--config", help="a TOML file merged over pipeline/silver/config.toml")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="override one setting, e.g. gbm.max_iter=80 (repeatable)")


def config_from_args(args) -> dict:
    from pipeline.silver.config import load_config

    return load_config(args.config, args.param, tickets=args.tickets,
                       retrain_every=getattr(args, "retrain_every", None))
