"""SQL audits for the silver gates: a query returns the violating rows, the gate records them.

Each audit query's first column is the total number of violations (count(*) over ()), the
others describe one violating row; queries return at most a few rows (the sample).
"""

from __future__ import annotations

from pipeline.db import run_sql
from pipeline.quality.results import CheckResult


def audit(conn, expectation: str, sql_file: str, params: dict, *,
          severity: str = "error") -> CheckResult:
    cur = run_sql(conn, sql_file, params)
    names = [c.name for c in cur.description][1:]
    rows = cur.fetchall()
    count = int(rows[0][0]) if rows else 0
    sample = [dict(zip(names, row[1:], strict=True)) for row in rows]
    return CheckResult(expectation, count == 0, severity,
                       observed_value={"violations": count, "query": sql_file},
                       unexpected_count=count, unexpected_sample=sample)
