"""Silver's one config file (pipeline/silver/config.toml) and its per-run overrides."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

from pipeline.errors import ConfigError

DEFAULT_CONFIG = Path(__file__).with_name("config.toml")


def _read(path: Path | str) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def _merge(base: dict, extra: dict, where: str) -> dict:
    """`extra` over `base`; a key `base` does not know is a typo, so it is an error."""
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if key not in base:
            raise ConfigError(f"{where}: unknown setting {key!r}; known: {', '.join(sorted(base))}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: {key!r} must be a table")
            out[key] = _merge(base[key], value, f"{where}.{key}")
        else:
            out[key] = value
    return out


def _literal(text: str):
    """A --param value as TOML (numbers, booleans, arrays, quoted strings), else a bare string."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_param(item: str, config: dict) -> dict:
    """'models.gbm.max_iter=80' (or 'gbm.max_iter=80') as a nested dict to merge."""
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--param {item!r}: expected KEY=VALUE, e.g. gbm.max_iter=80")
    path = key.strip().split(".")
    if path[0] not in config and path[0] in config.get("models", {}):
        path = ["models", *path]
    nested: dict = {path[-1]: _literal(value.strip())}
    for part in reversed(path[:-1]):
        nested = {part: nested}
    return nested


def load_config(config_file: str | None = None, params: list[str] | None = None,
                **overrides) -> dict:
    """Defaults, then --config FILE, then --param items, then explicit options (not None)."""
    config = _read(DEFAULT_CONFIG)
    if config_file:
        config = _merge(config, _read(config_file), str(config_file))
    for item in params or []:
        config = _merge(config, parse_param(item, config), f"--param {item}")
    for key, value in overrides.items():
        if value is not None:
            config = _merge(config, {key: value}, f"--{key.replace('_', '-')}")
    _validate(config)
    return config


def _positive_int(config: dict, key: str) -> None:
    value = config[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{key} must be a positive integer, got {value!r}")


def _validate(config: dict) -> None:
    for key in ("tickets", "retrain_every", "seed"):
        _positive_int(config, key)
    windows = config["features"]["windows"]
    if not windows or not all(isinstance(w, int) and w > 0 for w in windows):
        raise ConfigError(f"features.windows must be positive integers, got {windows!r}")
    if not isinstance(config["default_models"], list) or not config["default_models"]:
        raise ConfigError("default_models must be a non-empty list of model names")
