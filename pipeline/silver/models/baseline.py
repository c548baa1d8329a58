"""Score-only models: their 'fit' is the as-of features themselves (one model run per target)."""

from __future__ import annotations

from pipeline.errors import ConfigError
from pipeline.silver.models.base import Model


class _Smoothed(Model):
    """Weights plus a positive smoothing constant, so every valid number keeps some chance."""

    def __init__(self, params, seed):
        super().__init__(params, seed)
        value = self.params["smoothing"]
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"{self.name}.smoothing must be a positive number, got {value!r}")


class RandomModel(Model):
    """Uniform: every valid number weighs the same; tickets come from the seeded tie-break."""

    name = "random"

    def score(self, feats, rows):
        return feats.valid[rows].astype(float)


class FrequencyModel(_Smoothed):
    """Most drawn recently: appearances in the last `window` epoch draws, plus smoothing."""

    name = "frequency"
    defaults = {"window": 100, "smoothing": 1.0}

    def score(self, feats, rows):
        window = self.params["window"] or "era"
        if window not in feats.hits:
            raise ConfigError(f"frequency.window {window} is not among features.windows "
                              f"{sorted(k for k in feats.hits if k != 'era')} (or 0 for the era)")
        return feats.hits[window][rows] + float(self.params["smoothing"])


class GapModel(_Smoothed):
    """Longest unseen: draws since the number last appeared in its epoch, plus smoothing."""

    name = "gap"
    defaults = {"smoothing": 1.0}

    def score(self, feats, rows):
        return feats.since_seen[rows].astype(float) + float(self.params["smoothing"])

