"""SQL audits for the silver gates: a query returns the violating rows, the gate records them.

Each audit query's first column is the total number of violations (count(*) over ()), the
others describe one violating row; queries return at most a few rows (the sample).
`audit_kinds` reads one query that audits several expectations in one pass: its first column
names the kind of violation, its second the kind's total.
"""

from __future__ import annotations

from pipeline.db import run_sql
from pipeline.quality.results import CheckResult
from pipeline.silver.eras import era_sql_params


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


def audit_kinds(conn, sql_file: str, params: dict, expectations: dict[str, str], *,
                severity: str = "error") -> list[CheckResult]:
    """One CheckResult per kind in `expectations` ({kind: expectation name}), in that order."""
    cur = run_sql(conn, sql_file, params)
    names = [c.name for c in cur.description][2:]
    found: dict[str, tuple[int, list]] = {}
    for kind, total, *values in cur.fetchall():
        count, sample = found.setdefault(kind, (int(total), []))
        sample.append(dict(zip(names, values, strict=True)))
    unknown = set(found) - set(expectations)
    if unknown:
        raise ValueError(f"{sql_file} returned unknown kinds {sorted(unknown)}")
    results = []
    for kind, expectation in expectations.items():
        count, sample = found.get(kind, (0, []))
        results.append(CheckResult(expectation, count == 0, severity,
                                   observed_value={"violations": count, "query": sql_file},
                                   unexpected_count=count, unexpected_sample=sample))
    return results


def passed_kinds(sql_file: str, expectations: dict[str, str], *,
                 severity: str = "error") -> list[CheckResult]:
    """What `audit_kinds` returns when its query finds nothing, for a cheaper query (sql_file)
    that proved there is nothing to find."""
    return [CheckResult(expectation, True, severity,
                        observed_value={"violations": 0, "query": sql_file},
                        unexpected_count=0, unexpected_sample=[])
            for expectation in expectations.values()]


def prepare(conn, game, params: dict) -> dict:
    """What a silver gate does first: its session's memory settings; returns `params` with the
    era parameters bound."""
    run_sql(conn, "quality/silver_gate_memory.sql")
    return {**params, **era_sql_params(game)}


def opening(conn, game, params: dict, count_sql: str, rows_name: str):
    """prepare, then the audited rows counted (none is a failure). Returns (params, rows, that
    CheckResult)."""
    params = prepare(conn, game, params)
    rows = run_sql(conn, count_sql, params).fetchone()[0]
    return params, rows, rows_counted(rows_name, rows)


def rows_counted(rows_name: str, rows: int) -> CheckResult:
    """The audited rows' count as a result: none is a failure."""
    return CheckResult(rows_name, rows > 0, observed_value=rows,
                       unexpected_count=0 if rows else 1)
