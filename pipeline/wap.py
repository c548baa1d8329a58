"""Write, audit, publish: the one engine behind every layer's publish (bronze, features,
predictions, gold).

A layer supplies its staging writer (a callable writing the staged rows on the connection it is
given), its suite's name (`quality/gate.py`'s SUITES) and one publish file. The engine

- stages: one transaction, holding the layer's partition lock unless the layer serialises its
  runs another way, runs the writer; then refreshes the staged tables' planner statistics;
- gates: `quality.gate.run_gate` over what the staging id staged (a failure raises
  GateFailedError: published rows untouched, staged rows kept for inspection);
- publishes: one transaction holding the layer's partition lock. The fault point
  `<faults>.publish.locked` fires once the lock is held; the staged rows are counted against
  what was written; then the file's steps run top to bottom, each followed by the fault point
  `<faults>.publish.<step>` (the kill -9 tests in tests/reliability stop a step there); the
  last step is `before_commit`, and `<faults>.publish.committed` follows the commit.

Each phase's seconds are recorded in `timings` as `<phase>_seconds`.

A publish file (`sql/<layer>/publish_*.sql`) is a header comment, then named steps:

    -- name: deleted
    delete from silver.x where game = %(game)s;

A step holds statements, each ended by `;` at the end of a line, run in order with the
publish's bound parameters. A step the layer also passes as Python (`python={name: fn}`) runs
`fn(conn, results)` before its statements: for what SQL cannot do (COPY of rows computed in
Python, values from an earlier step's result); such a step may hold no statement at all. The
optional first step `staged` counts the staged rows; its row must equal `expected` (no fault
point of its own: `.locked` comes just before it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.db import advisory_xact_lock, load_sql, run_sql
from pipeline.errors import PipelineError
from pipeline.ops.faults import fault_point
from pipeline.quality.gate import run_gate
from pipeline.quality.results import GateFailedError

MARKER = "-- name:"
STAGED, LAST = "staged", "before_commit"


@lru_cache(maxsize=32)
def publish_steps(relative: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The named steps of sql/<relative>, in file order: ((name, (statement, ...)), ...)."""
    steps: list[tuple[str, list[str]]] = []
    lines: list[str] = []

    def refuse_unterminated(name: str) -> None:
        if any(ln.strip() and not ln.lstrip().startswith("--") for ln in lines):
            raise ValueError(f"{relative}: step {name!r} ends without ';'")

    for line in load_sql(relative).splitlines():
        if line.startswith(MARKER):
            if steps:
                refuse_unterminated(steps[-1][0])
            steps.append((line[len(MARKER):].strip(), []))
            lines = []
        elif steps:
            lines.append(line)
            code = line.split("--", 1)[0].rstrip()
            if code.endswith(";"):
                steps[-1][1].append("\n".join(lines).strip())
                lines = []
    if not steps:
        raise ValueError(f"{relative}: no '{MARKER} <step>' line")
    refuse_unterminated(steps[-1][0])
    names = [name for name, _ in steps]
    if len(set(names)) != len(names) or names[-1] != LAST or STAGED in names[1:]:
        raise ValueError(f"{relative}: steps {names}: names must be unique, '{STAGED}' (if "
                         f"any) first and '{LAST}' last")
    return tuple((name, tuple(statements)) for name, statements in steps)


def run_step(conn, where: str, statements: tuple[str, ...], params: dict) -> list:
    """One publish step's statements (`where`: file#step, for benchmarks that time them)."""
    return [conn.execute(statement, params) for statement in statements]


@dataclass
class Wap:
    """One write-audit-publish of one layer for one game."""

    layer: str  # whose partition lock: bronze, silver or gold
    game: str
    suite: str  # the gate's stage name: bronze, features, predictions, gold
    faults: str  # fault point prefix, e.g. "silver.features"
    sql: str  # the publish file, e.g. "silver/publish_features.sql"
    staging_id: object
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, phase: str):
        started = time.perf_counter()
        yield
        self.timings[f"{phase}_seconds"] = time.perf_counter() - started

    def rounded_timings(self) -> dict[str, float]:
        return {k: round(v, 3) for k, v in self.timings.items()}

    def stage(self, conn, write: Callable, *, lock: bool = True, analyze: str | None = None):
        """write(conn) in one transaction (under the partition lock when `lock`), then ANALYZE
        of sql/<analyze>; returns what write returned."""
        with self.timed("stage"):
            with conn.transaction():
                if lock:
                    advisory_xact_lock(conn, self.layer, self.game)
                out = write(conn)
            if analyze:
                run_sql(conn, analyze)
            if not conn.autocommit:
                conn.commit()
        return out

    def gate(self, conn, partition: str, *, skip: bool = False, cleared: dict | None = None):
        """The layer's suite over the staged rows, in a transaction of `conn` (which sees them).

        `cleared` (publish's params, expected, what, cleared_by): when the gate fails, the staged
        rows are counted first, so a write that a concurrent run cleared under it fails as that
        (exit 1, rerun), not as bad data (exit 3)."""
        try:
            with self.timed("gate"), conn.transaction():
                return run_gate(conn, self.suite, self.game, partition, str(self.staging_id),
                                skip=skip)
        except GateFailedError:
            if cleared is not None:
                with conn.transaction():
                    self._check_staged(conn, **cleared)
            raise

    def _check_staged(self, conn, params: dict, expected: tuple, what: str,
                      cleared_by: str) -> list:
        """The publish file's `staged` step: its counts must equal `expected`."""
        cursors = run_step(conn, f"{self.sql}#{STAGED}", dict(publish_steps(self.sql))[STAGED],
                           params)
        staged = tuple(cursors[0].fetchone())
        if staged != tuple(expected):
            raise PipelineError(f"staged {what} {staged} differ from what was written "
                                f"{tuple(expected)}: {cleared_by} cleared them; nothing was "
                                f"published, rerun")
        return cursors

    def publish(self, conn, params: dict, *, expected: tuple | None = None, what: str = "",
                cleared_by: str = "a concurrent run", python: dict | None = None) -> dict:
        """Run the publish file in one transaction under the partition lock; returns each
        step's cursors by name ({step: [cursor, ...]})."""
        python = python or {}
        steps = publish_steps(self.sql)
        names = [name for name, _ in steps]
        if (expected is None) == (names[0] == STAGED) or set(python) - set(names) or any(
                not statements and name not in python for name, statements in steps):
            raise ValueError(f"{self.sql}: steps {names} do not fit expected={expected!r}, "
                             f"python={sorted(python)}")
        point = f"{self.faults}.publish"
        results: dict[str, list] = {}
        with self.timed("publish"):
            with conn.transaction():
                advisory_xact_lock(conn, self.layer, self.game)
                fault_point(f"{point}.locked")
                for name, statements in steps:
                    if name in python:
                        python[name](conn, results)
                    if name == STAGED:
                        results[name] = self._check_staged(conn, params, expected, what,
                                                           cleared_by)
                    else:
                        results[name] = run_step(conn, f"{self.sql}#{name}", statements,
                                                 params)
                        fault_point(f"{point}.{name}")
            fault_point(f"{point}.committed")
        return results
