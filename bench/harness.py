"""Measure a callable's wall time and peak RSS in a child process, and report ratios."""

from __future__ import annotations

import json
import multiprocessing as mp
import resource
import sys
import time


def _child(fn, args, queue):
    start = time.perf_counter()
    extra = fn(*args) or {}
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({"seconds": seconds, "peak_rss_mb": round(peak_kb / 1024, 1), **extra})


def measure(fn, *args) -> dict:
    """Run fn(*args) in a fresh process (so peak RSS is its own); fn may return extra fields."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    if proc.exitcode:
        raise RuntimeError(f"benchmark child exited {proc.exitcode}")
    return result


def emit(name: str, rows: int, m: dict, reference: str | None = None,
         reference_seconds: float | None = None, **extra) -> dict:
    """One measurement line; ratio = this run's rows/s over the reference's rows/s."""
    seconds = m["seconds"]
    record = {
        "name": name, "rows": rows, "seconds": round(seconds, 4),
        "rows_per_s": round(rows / seconds, 1) if seconds else None,
        "peak_rss_mb": m.get("peak_rss_mb"), "reference": reference,
        "ratio": round(reference_seconds / seconds, 4) if reference_seconds and seconds else None,
        **{k: v for k, v in m.items() if k not in ("seconds", "peak_rss_mb")}, **extra,
    }
    print(json.dumps(record, default=str), flush=True)
    sys.stdout.flush()
    return record
