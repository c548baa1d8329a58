"""Named fault points where the reliability tests pause a step so they can kill it there.

PIPELINE_FAULT_SLEEP_IN_PUBLISH=<seconds> makes every fault point announce itself on stderr
and sleep (capped at MAX_SLEEP_S). Unset - as in production - a fault point does nothing;
a value that is not a number is ignored rather than breaking a run.
"""

from __future__ import annotations

import os
import sys
import time

ENV = "PIPELINE_FAULT_SLEEP_IN_PUBLISH"
MAX_SLEEP_S = 2.0


def fault_point(name: str) -> None:
    value = os.environ.get(ENV)
    if not value:
        return
    try:
        seconds = min(max(float(value), 0.0), MAX_SLEEP_S)
    except ValueError:
        return
    print(f"fault point {name}", file=sys.stderr, flush=True)
    time.sleep(seconds)
