"""Silver: as-of features per draw, a model registry, predictions and walk-forward backtests."""
