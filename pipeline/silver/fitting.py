"""Fit a trainable model at each of its fit points and score the targets each one predicts.

Fit points are independent of each other (each fit sees only rows [r - train_draws, r) and is
deterministic), so a backtest with many of them fits them in forked worker processes, one per
core: the same fits, the same scores, in parallel. A nightly `predict` has one fit point per
model and fits in its own process (workers, below).

Forking is safe here because every fit runs under threadpool_limits(1) (walkforward.predict):
a child of a process whose OpenMP runtime has started threads hangs on its first parallel
region with more than one thread, but runs one-thread regions fine, and the limit is
inherited by the fork (and set again in each worker, in case the caller's was not).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

import numpy as np

from pipeline.silver.eras import BALLS
from pipeline.silver.models.registry import model_class

_FEATS: dict = {}  # the timeline's features, set in each worker (inherited, never pickled)


def _start_worker(feats: dict) -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    _FEATS.update(feats)


def fit_and_score(name: str, params: dict, seed: int, r: int, targets: np.ndarray) -> tuple:
    """(first training row, metrics per ball, weights per ball [targets, width]) of the model
    fitted at row r on rows [max(0, r - train_draws), r)."""
    cls = model_class(name)
    models = {ball: cls(params, seed) for ball in BALLS}
    first = max(0, int(r) - int(models["white"].params["train_draws"]))
    rows = np.arange(first, r)
    metrics = {ball: models[ball].fit(_FEATS[ball], rows) for ball in BALLS}
    weights = {ball: models[ball].score(_FEATS[ball], targets) for ball in BALLS}
    return first, metrics, weights


# Fewer fits than this are fitted here: starting forked workers, each paying sklearn's first
# fit again, and returning their scores cost more than the fits (a nightly predict's two, one
# per trainable model: 0.19-0.28 s here, 0.43-0.71 s in two forked workers, same process).
MIN_FORKED_TASKS = 8


def workers(tasks: int) -> int:
    """Processes to fit `tasks` fit points in: one per core this process may use, or 1 for a
    few fits or where there is no fork (forked workers inherit the features instead of
    pickling them)."""
    if tasks < MIN_FORKED_TASKS or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
             else os.cpu_count() or 1)
    return max(1, min(tasks, cores))


@contextmanager
def fitter(feats: dict, tasks: int) -> Iterator[Callable]:
    """A `map` for fit_and_score over `tasks` fit points in all: forked workers when there
    are several fit points and cores, else this process."""
    n = workers(tasks)
    if n < 2:
        _FEATS.update(feats)
        try:
            yield map
        finally:
            _FEATS.clear()
        return
    pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(feats,))
    try:
        yield pool.map
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # a failed fit: drop the queued ones
        raise
    pool.shutdown(wait=True)
