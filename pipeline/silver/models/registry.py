"""Every model by name. Adding a model: one class (pipeline/silver/models/) + one line here."""

from __future__ import annotations

from pipeline.errors import ConfigError
from pipeline.silver.models.base import Model
from pipeline.silver.models.baseline import FrequencyModel, GapModel, RandomModel
from pipeline.silver.models.learned import GbmModel, LogisticModel

MODELS: dict[str, type[Model]] = {
    "random": RandomModel,
    "frequency": FrequencyModel,
    "gap": GapModel,
    "logistic": LogisticModel,
    "gbm": GbmModel,
}


def model_class(name: str) -> type[Model]:
    if name not in MODELS:
        raise ConfigError(f"unknown model {name!r}; known models: {', '.join(MODELS)}")
    return MODELS[name]


def parse_models(text: str | None, config: dict) -> list[str]:
    """--models a,b,c (or the config's default_models), validated, order kept, no repeats."""
    names = [n.strip() for n in text.split(",")] if text else list(config["default_models"])
    names = [n for n in dict.fromkeys(names) if n]
    if not names:
        raise ConfigError("--models names no model")
    for name in names:
        model_class(name)
    return names


def model_params(name: str, config: dict) -> dict:
    return dict(config.get("models", {}).get(name, {}))
