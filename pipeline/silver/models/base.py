"""The model interface: fit on draws before the target, score every valid number, nothing else.

Tickets are made from scores by pipeline/silver/tickets.py, the same way for every model.
A model instance handles one ball type (white or special); the walk-forward makes one per ball.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from pipeline.silver.features import BallFeatures


class Model:
    name: ClassVar[str]
    version: ClassVar[str] = "1"
    trainable: ClassVar[bool] = False  # True: refitted on a cadence, one model run per fit
    defaults: ClassVar[dict] = {}

    def __init__(self, params: dict, seed: int):
        unknown = set(params) - set(self.defaults)
        if unknown:
            from pipeline.errors import ConfigError

            raise ConfigError(f"model {self.name!r}: unknown parameter(s) {sorted(unknown)}")
        self.params = {**self.defaults, **params}
        self.seed = seed

    def fit(self, feats: BallFeatures, rows: np.ndarray) -> dict:
        """Learn from timeline rows `rows` (all before every target it will score); metrics."""
        return {}

    def score(self, feats: BallFeatures, rows: np.ndarray) -> np.ndarray:
        """Non-negative weights [len(rows), width]; only valid numbers are read.

        The walk-forward rescales them per row to probabilities summing to the ball's picks.
        """
        raise NotImplementedError
