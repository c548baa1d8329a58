"""Named fault points where the reliability tests pause a step so they can kill it there.

PIPELINE_FAULT_SLEEP_IN_PUBLISH=<seconds> makes every fault point announce itself on stderr
and sleep (capped at 2 s, settings.MAX_FAULT_SLEEP_S). Unset - as in production - a fault point
does nothing; a value that is not a number is ignored rather than breaking a run.
"""

from __future__ import annotations

import sys
import time

from pipeline.settings import env_name, settings

ENV = env_name("fault_sleep_in_publish")  # the tests set it for the steps they kill


def fault_point(name: str) -> None:
    seconds = settings().fault_sleep_in_publish  # None: unset or not a number
    if seconds is None:
        return
    print(f"fault point {name}", file=sys.stderr, flush=True)
    time.sleep(seconds)
