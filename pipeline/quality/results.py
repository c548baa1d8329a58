"""What a gate found, and how it is recorded in ops.dq_results."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

from pipeline.errors import PipelineError


@dataclass
class CheckResult:
    expectation: str
    success: bool
    severity: str = "error"  # "warn" is recorded and never stops a run
    observed_value: object = None
    unexpected_count: int | None = None
    unexpected_sample: list = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return not self.success and self.severity == "error"


class GateFailedError(PipelineError):
    """A gate found errors: nothing of the stage was published."""

    def __init__(self, stage: str, game: str, partition: str, failures: list[CheckResult]):
        self.stage, self.game, self.partition, self.failures = stage, game, partition, failures
        parts = [_describe(f) for f in failures[:MESSAGE_FAILURES]]
        if len(failures) > MESSAGE_FAILURES:
            parts.append(f"and {len(failures) - MESSAGE_FAILURES} more (see ops.dq_results)")
        text = (f"{stage} gate failed for {game} [{partition}]: {len(failures)} failed "
                f"expectation(s): " + "; ".join(parts))
        # One line, whatever the values hold: the CLI prints it as the step's error.
        super().__init__(" ".join(text.split()))


MESSAGE_FAILURES = 4
MESSAGE_SAMPLES = 2
RECORDED_SAMPLES = 50


def _describe(f: CheckResult) -> str:
    sample = json.dumps(f.unexpected_sample[:MESSAGE_SAMPLES], default=str)
    if len(sample) > 400:
        sample = sample[:400] + "...]"
    observed = json.dumps(f.observed_value, default=str)
    if len(observed) > 200:
        observed = observed[:200] + "..."
    return (f"{f.expectation} ({f.unexpected_count} unexpected, observed {observed}, "
            f"e.g. {sample})")


def record(conn, gate_run_id: uuid.UUID, stage: str, game: str, partition: str,
           results: list[CheckResult], *, skipped: bool = False) -> None:
    """Insert one ops.dq_results row per expectation (caller owns the transaction)."""
    with conn.cursor() as cur:
        cur.executemany(
            "insert into ops.dq_results (gate_run_id, stage, game, partition, expectation,"
            " severity, success, observed_value, unexpected_count, unexpected_sample, skipped)"
            " values (%s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s::jsonb, %s)",
            [(gate_run_id, stage, game, partition, r.expectation, r.severity, r.success,
              json.dumps(r.observed_value, default=str), r.unexpected_count,
              json.dumps(r.unexpected_sample[:RECORDED_SAMPLES], default=str), skipped)
             for r in results],
        )
