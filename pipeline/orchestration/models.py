"""The registered model names, read without importing the models (no scikit-learn at DAG parse).

The silver layer owns the registry; this module only needs the names for the `models` Param's
enum. It reads them from the silver config file, which lists one table per model, and falls back
to the models the silver contract requires while that file does not exist yet.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pipeline.errors import ConfigError

SILVER_CONFIG = Path(__file__).resolve().parent.parent / "silver" / "config.toml"
# The shipped registry's models; used only when the silver config is absent.
CONTRACT_MODELS = ("random", "frequency", "gap", "logistic", "gbm")


def model_names(config: Path = SILVER_CONFIG) -> tuple[str, ...]:
    if not config.exists():
        return CONTRACT_MODELS
    try:
        doc = tomllib.loads(config.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config} is not valid TOML: {exc}") from exc
    models = doc.get("models")
    if not isinstance(models, dict) or not models:
        return CONTRACT_MODELS
    return tuple(name for name, table in models.items() if isinstance(table, dict))
