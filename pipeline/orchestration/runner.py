"""Run one step as `python -m pipeline <argv>` in a subprocess (the local step runner).

An argv list, never a shell string. The child's stderr (its log) is relayed line by line as it
comes, so a long step shows progress in the task log; stdout is its one JSON result line.
The container runner reads a step's result the same way: from its stdout alone (`parse_result`),
never from a log where stderr lines could follow it.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading

from pipeline.errors import PipelineError
from pipeline.paths import PROJECT_ROOT

log = logging.getLogger(__name__)
EXIT_GATE_FAILED = 3


class StepFailed(PipelineError):
    def __init__(self, argv, returncode: int, stderr_tail: str):
        self.argv, self.returncode = list(argv), returncode
        self.gate_failed = returncode == EXIT_GATE_FAILED
        last = stderr_tail.strip().splitlines()[-1] if stderr_tail.strip() else "(no output)"
        kind = "gate failed" if self.gate_failed else f"exit {returncode}"
        super().__init__(f"step `{' '.join(self.argv[:2])}` {kind}: {last}")


def step_env(database_url: str | None = None, base: dict | None = None) -> dict[str, str]:
    """The child's environment: the project importable, the warehouse URL if one is given."""
    env = dict(os.environ if base is None else base)
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(PROJECT_ROOT) + (os.pathsep + path if path else "")
    env.setdefault("PYTHONWARNINGS", "ignore")
    env.setdefault("TQDM_DISABLE", "1")
    if database_url:
        env["PIPELINE_DATABASE_URL"] = database_url
    return env


def run_step(argv, *, env: dict[str, str] | None = None, python: str | None = None) -> dict:
    """Run one step and return its JSON result; StepFailed on a non-zero exit.

    The child gets its own process group and is killed with it if this process is interrupted
    (an Airflow execution_timeout or a task kill), so no orphan keeps writing.
    """
    cmd = [python or sys.executable, "-m", "pipeline", *argv]
    log.info("running %s", " ".join(cmd[1:]))
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env or step_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    tail: list[str] = []

    def relay():
        for line in proc.stderr:
            tail.append(line)
            del tail[:-50]
            log.info("| %s", line.rstrip())

    relayer = threading.Thread(target=relay, daemon=True)
    relayer.start()
    try:
        stdout = proc.stdout.read()
        proc.wait()
    except BaseException:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        raise
    finally:
        relayer.join(timeout=5)
    if proc.returncode != 0:
        raise StepFailed(argv, proc.returncode, "".join(tail))
    try:
        return parse_result(stdout)
    except ValueError as exc:
        raise StepFailed(argv, proc.returncode, str(exc)) from None


def parse_result(stdout: str) -> dict:
    """A step's result: the JSON object its stdout carries (`python -m pipeline`'s contract).

    Only stdout, which holds nothing else; should a library ever print there too, the result is
    still the last line that is a JSON object. ValueError when there is none.
    """
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                result = json.loads(line)
            except ValueError:
                continue
            if isinstance(result, dict):
                return result
    shown = stdout.strip()[-200:] or "(empty)"
    raise ValueError(f"no JSON result on stdout: {shown}")
