"""Running and killing steps as real child processes, mid-publish.

Children are forked from the test process after it has run the step once, so each starts
warm (Great Expectations and the games file already imported: a cold `python -m pipeline`
spends seconds importing before it does anything) and the suite stays fast. Each child is
still its own process with its own database sessions, and SIGKILL ends it like any other.

To cover another step: `fork_cli(["<step>", ...], fault_sleep_s=...)`, then
`kill_at_random_point`; its publish only needs `fault_point(...)` calls.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from pipeline.ops.faults import ENV


@dataclass
class Child:
    pid: int
    stderr: object  # a text file reading the child's stderr
    stdout_path: Path

    def wait(self) -> int:
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)

    def result(self) -> dict:
        lines = [ln for ln in self.stdout_path.read_text().splitlines() if ln.strip()]
        return json.loads(lines[-1])


def fork_cli(args: list[str], out_dir: Path, *, fault_sleep_s: float | None = None) -> Child:
    """`python -m pipeline <args>` in a forked child; stdout to a file, stderr to a pipe."""
    from pipeline.cli import main

    read_fd, write_fd = os.pipe()
    stdout_path = out_dir / f"child_{time.monotonic_ns()}.json"
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 70
        try:
            os.close(read_fd)
            if fault_sleep_s is not None:
                os.environ[ENV] = str(fault_sleep_s)
            sys.stderr = os.fdopen(write_fd, "w", buffering=1)
            sys.stdout = open(stdout_path, "w")  # noqa: SIM115 - closed by _exit's flush below
            code = main(["--log-level", "WARNING", *args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        finally:
            sys.stdout.flush()
            os._exit(code)
    os.close(write_fd)
    return Child(pid, os.fdopen(read_fd, "r"), stdout_path)


def kill_at_random_point(child: Child, window_s: float, rng: random.Random) -> float:
    """SIGKILL `child` a random time into its publish; returns that delay."""
    for line in child.stderr:  # blocks until the publish reaches its first fault point
        if line.startswith("fault point"):
            break
    delay = rng.uniform(0, window_s)
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stderr.close()
    return delay


def kill_at_fault_point(child: Child, n: int) -> str | None:
    """SIGKILL `child` while it sleeps at the n-th fault point it announces; returns that
    point's name, or None when the step ended with fewer points (it ran to the end). Where
    the kill lands does not depend on how busy the machine is, unlike a random delay."""
    reached, point = 0, None
    for line in child.stderr:
        if line.startswith("fault point"):
            reached, point = reached + 1, line.split()[-1]
            if reached == n:
                os.kill(child.pid, signal.SIGKILL)
                break
    child.wait()
    child.stderr.close()
    return point if reached == n else None


def wait_for_sessions_to_end(url: str, timeout_s: float = 10) -> None:
    """The killed client's backend rolls back and ends once it sees the closed socket."""
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            n = conn.execute("select count(*) from pg_stat_activity where datname ="
                             " current_database() and application_name = 'drawpipe'"
                             " and pid <> pg_backend_pid()").fetchone()[0]
            if n == 0:
                return
            time.sleep(0.05)
    raise AssertionError("the killed step's database session did not end")
