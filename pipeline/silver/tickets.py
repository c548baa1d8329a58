"""Scores to tickets, the same rule for every model, vectorised over target draws.

Ticket 1 takes the highest-scored numbers (ties broken by a seeded shuffle, so equal scores never
favour low numbers); tickets 2..N draw numbers without replacement with probability proportional
to the scores (Gumbel top-k). Every random choice comes from a stream seeded by
(seed, game, target date, model, ball type): reruns give the same tickets.
"""

from __future__ import annotations

import zlib

import numpy as np

from pipeline.silver import pcg


def _words(seed: int, game: str, day, model: str, ball: str) -> list[int]:
    return [seed, zlib.crc32(game.encode()), int(np.datetime64(day, "D").astype(np.int64)),
            zlib.crc32(model.encode()), zlib.crc32(ball.encode())]


def stream(seed: int, game: str, day, model: str, ball: str) -> np.random.Generator:
    return np.random.default_rng([w % (2**32) for w in _words(seed, game, day, model, ball)])


def uniforms(seed: int, game: str, days: np.ndarray, model: str, ball: str, tickets: int,
             width: int) -> np.ndarray:
    """[targets, tickets, width] uniforms in (0, 1), one independent stream per target.

    Row i is `stream(seed, game, days[i], model, ball).random((tickets, width))`, computed for
    every target at once (pipeline/silver/pcg.py): a generator object per target cost more
    than the models' scoring.
    """
    days = np.asarray(days, dtype="datetime64[D]").astype(np.int64)
    words = np.empty((len(days), 5), dtype=np.int64)
    words[:] = _words(seed, game, np.datetime64(0, "D"), model, ball)
    words[:, 2] = days
    out = pcg.uniforms(np.mod(words, 2**32), tickets * width).reshape(len(days), tickets, width)
    return np.clip(out, 1e-12, 1 - 1e-12)


def choose(prob: np.ndarray, valid: np.ndarray, picks: int, noise: np.ndarray) -> np.ndarray:
    """Numbers [targets, tickets, picks], ascending within each ticket."""
    targets, tickets, _width = noise.shape
    out = np.empty((targets, tickets, picks), dtype=np.int16)
    neg = np.where(valid, -prob, np.inf)
    order = np.lexsort((noise[:, 0, :], neg), axis=-1)
    out[:, 0, :] = order[:, :picks]
    if tickets > 1:
        with np.errstate(divide="ignore"):
            logp = np.where(valid & (prob > 0), np.log(np.where(prob > 0, prob, 1.0)), -np.inf)
        keys = logp[:, None, :] - np.log(-np.log(noise[:, 1:, :]))
        top = np.argpartition(-keys, picks - 1, axis=-1)[..., :picks]
        out[:, 1:, :] = top
    return np.sort(out, axis=-1)
