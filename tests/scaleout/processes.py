"""Long-running processes a test starts: each in its own session, each with a log file.

Every process gets a marker in its environment that all its descendants inherit (the step
subprocesses start their own sessions, so a process group alone does not reach them). Stopping
signals each group by id, then any marked process still alive by pid: only what we started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

MARKER_VAR = "DRAWPIPE_SCALEOUT_MARKER"


@dataclass
class Started:
    name: str
    proc: subprocess.Popen
    log: Path


@dataclass
class ProcessSet:
    log_dir: Path
    marker: str = field(default_factory=lambda: uuid.uuid4().hex)
    started: list[Started] = field(default_factory=list)

    def start(self, name: str, argv: list[str], env: dict[str, str], cwd: Path) -> Started:
        log = self.log_dir / f"{name}.log"
        with log.open("ab") as out:
            proc = subprocess.Popen(argv, cwd=cwd, env={**env, MARKER_VAR: self.marker},
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        item = Started(name, proc, log)
        self.started.append(item)
        return item

    def dead(self) -> list[str]:
        """Names of started processes that have exited (with their exit codes)."""
        return [f"{s.name} (exit {s.proc.returncode})" for s in self.started
                if s.proc.poll() is not None]

    def marked_pids(self) -> list[int]:
        """Live processes carrying this set's marker (any descendant, any session)."""
        needle = f"{MARKER_VAR}={self.marker}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:  # gone, or not ours to read
                continue
            if state != "Z" and needle in environ.split(b"\0"):
                found.append(int(entry.name))
        return found

    def stop_all(self, grace: float = 25.0) -> list[int]:
        """SIGTERM every group, wait, SIGKILL what is left; returns pids still alive after."""
        for s in self.started:
            _signal_group(s.proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for s in self.started:
            try:
                s.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for s in self.started:
            _signal_group(s.proc.pid, signal.SIGKILL)
            try:
                s.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for pid in self.marked_pids():  # descendants that left our groups (own sessions)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.5)
        return self.marked_pids()


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass
