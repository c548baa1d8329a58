"""scikit-learn models: P(number drawn) from era-relative inputs, one fit per ball type.

Training rows are the (draw, number) cells of the `train_draws` draws before the fit point,
labelled with whether the number was drawn: everything is strictly before any scored target.
"""

from __future__ import annotations

import time

import numpy as np

from pipeline.errors import ConfigError
from pipeline.silver.models import inputs
from pipeline.silver.models.base import Model


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    """sklearn.metrics.log_loss(y, p, labels=[False, True]) by the same operations, to the bit.

    sklearn's own call validates and one-hot encodes its inputs first, which cost more than the
    loss itself (a tenth of every refit); here the labels are known to be booleans and p
    probabilities from predict_proba.
    """
    from scipy.special import xlogy

    proba = np.column_stack([1 - p, p])
    eps = np.finfo(proba.dtype).eps
    proba = np.clip(proba, eps, 1 - eps)
    labels = np.column_stack([~y, y]).astype(proba.dtype)
    return float(np.mean(-np.sum(xlogy(labels, proba), axis=1)))


class SklearnModel(Model):
    trainable = True
    windows = (10, 25, 50, 100)
    base_defaults = {"train_draws": 400}  # most recent draws before the fit point to learn from

    def estimator(self):
        raise NotImplementedError

    def fit(self, feats, rows):
        x, cells = inputs.matrix(feats, rows, self.windows)
        y = feats.drawn[rows][cells]
        if y.all() or not y.any():
            raise ConfigError(f"{self.name}: training draws {len(rows)} give one class only")
        started = time.perf_counter()
        try:
            self.fitted = self.estimator().fit(x, y)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"model {self.name!r} cannot fit with {self.params}: {exc}") from exc
        p = self.fitted.predict_proba(x)[:, 1]
        return {"train_rows": int(len(y)), "positives": int(y.sum()),
                "train_log_loss": round(log_loss(y, p), 6),
                "fit_seconds": round(time.perf_counter() - started, 4)}

    def score(self, feats, rows):
        x, cells = inputs.matrix(feats, rows, self.windows)
        out = np.zeros(feats.valid[rows].shape)
        out[cells] = self.fitted.predict_proba(x)[:, 1]
        return out


class LogisticModel(SklearnModel):
    name = "logistic"
    defaults = {**SklearnModel.base_defaults, "C": 1.0, "max_iter": 200}

    def estimator(self):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=self.params["C"], max_iter=self.params["max_iter"])


class GbmModel(SklearnModel):
    name = "gbm"
    defaults = {**SklearnModel.base_defaults, "max_iter": 50, "max_depth": 3,
                "learning_rate": 0.05, "min_samples_leaf": 200}

    def estimator(self):
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(
            max_iter=self.params["max_iter"], max_depth=self.params["max_depth"],
            learning_rate=self.params["learning_rate"],
            min_samples_leaf=self.params["min_samples_leaf"], early_stopping=False,
            random_state=self.seed % (2**32))
