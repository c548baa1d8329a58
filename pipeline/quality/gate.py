"""The gate: a suite's expectations run as one SQL query where the staged rows are, every
result recorded in ops.dq_results, a failure raised as GateFailedError.

A suite lists its expectations as data, `Spec(kind, kwargs)` with GX's own type names and
kwargs, so the same list builds GX objects (`spec.to_gx()`, for frame validation) or runs here.
GX costs 3 s to import and, per validation, 0.13-0.3 s plus ~20 ms per expectation of fixed
Python work: for a per-game gate that is most of an ingest. Here every expectation is one
`count(*) filter (where ...)` of a single scan; only a failing expectation costs a second query
(its first unexpected rows, as sample dicts).

Semantics follow GX's: a column-value expectation ignores nulls (except not_be_null); a pair
expectation ignores rows where both values are null and fails a row where one is; a
multicolumn one ignores rows where every value is null; compound uniqueness counts every row
of a repeated key. Identifiers come from the query's own columns (an allow-list); values are
bound parameters.
"""

from __future__ import annotations

import importlib
import logging
import time
import uuid
from dataclasses import dataclass, field

from psycopg import sql

from pipeline.db import connect
from pipeline.errors import PipelineError
from pipeline.quality.results import CheckResult, GateFailedError, record

log = logging.getLogger(__name__)
# Each layer's suite lives in its step's module; the kernel finds it by name and imports it on
# use, so quality imports no layer (layers import quality).
SUITES = {"bronze": "pipeline.bronze.ingest", "features": "pipeline.silver.features",
          "predictions": "pipeline.silver.predict", "gold": "pipeline.gold.evaluate"}
STAGES = tuple(SUITES)


def _suite_module(stage: str):
    if stage not in SUITES:
        raise ValueError(f"unknown stage {stage!r}; stages: {', '.join(STAGES)}")
    return importlib.import_module(SUITES[stage])


def _suite(stage: str):
    return _suite_module(stage).check


def published_check(stage: str):
    """The suite's `check_published(conn, game, partition)`: the gate against published rows."""
    return _suite_module(stage).check_published


def run_gate(conn, stage: str, game: str, partition: str, staging_id: str | None, *,
             skip: bool = False) -> list[CheckResult]:
    """Validate what `staging_id` staged for (stage, game); raise GateFailedError on errors.

    `conn` sees the staged rows; results are recorded on a separate autocommit connection so
    they survive the rollback of a failed publish. With skip=True nothing is checked and one
    row records that the gate was skipped.
    """
    started = time.perf_counter()
    if skip:
        results = [CheckResult("gate_skipped_by_operator", True, "warn", "--skip-checks")]
    else:
        results = _suite(stage)(conn, game, staging_id)
    return settle(stage, game, partition, results, started, skipped=skip)


def run_published_check(conn, stage: str, game: str, partition: str) -> list[CheckResult]:
    """`check <stage>` on demand: the suite against what is published, recorded the same way."""
    started = time.perf_counter()
    results = published_check(stage)(conn, game, partition)
    return settle(stage, game, partition, results, started)


def settle(stage: str, game: str, partition: str, results: list[CheckResult], started: float,
           *, skipped: bool = False) -> list[CheckResult]:
    """Record `results` in ops.dq_results, log warnings, raise GateFailedError on errors."""
    with connect(autocommit=True) as log_conn:
        record(log_conn, uuid.uuid4(), stage, game, partition, results, skipped=skipped)
    failures = [r for r in results if r.blocking]
    for r in results:
        if not r.success and r.severity == "warn":
            log.warning("%s gate warning: %s (observed %s, e.g. %s)", stage, r.expectation,
                        r.observed_value, r.unexpected_sample[:10])
    log.info("%s gate: %d expectations, %d failed, %.3fs", stage, len(results), len(failures),
             time.perf_counter() - started)
    if failures:
        raise GateFailedError(stage, game, partition, failures)
    return results


# Expectations as SQL: what a suite's `Spec` list means where the rows are.

SAMPLE_SIZE = 5
_EXPECTED_KWARGS = ("min_value", "max_value", "value_set", "or_equal", "mostly")
_COLUMN_KWARGS = ("column", "column_A", "column_B", "column_list")


@dataclass(frozen=True)
class Spec:
    kind: str  # GX's expectation type, e.g. "expect_column_values_to_be_in_set"
    kwargs: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        """As gx_runner.expectation_name names the GX object: `expect_x(a, b)`."""
        return f"{self.kind}({', '.join(map(str, self.columns()))})"

    def columns(self) -> list[str]:
        out = []
        for k in _COLUMN_KWARGS:
            value = self.kwargs.get(k)
            if value is not None:
                out.extend(value if isinstance(value, list) else [value])
        return out

    def to_gx(self, expectations_module):
        """The GX object (ExpectColumnValuesToBeInSet(...)) of this spec."""
        camel = "".join(part.capitalize() for part in self.kind.split("_"))
        return getattr(expectations_module, camel)(**self.kwargs)


def expect(kind: str, **kwargs) -> Spec:
    """One expectation in GX's words: expect("column_values_to_be_in_set", column=..., ...)."""
    return Spec(f"expect_{kind}", kwargs)


def expect_greater(a: str, b: str, **kwargs) -> Spec:
    """Column `a` greater than column `b` on every row (`or_equal=True`: at least)."""
    return expect("column_pair_values_a_to_be_greater_than_b", column_A=a, column_B=b, **kwargs)


def _ids(names) -> list[sql.Identifier]:
    return [sql.Identifier(n) for n in names]


def _unexpected(spec: Spec, i: int, params: dict) -> sql.Composable:
    """A condition true for each row `spec` counts as unexpected (index i names its params)."""
    kw = spec.kwargs
    kind = spec.kind
    if kind == "expect_column_values_to_be_in_set":
        params[f"set_{i}"] = list(kw["value_set"])
        col = sql.Identifier(kw["column"])
        return sql.SQL("{c} is not null and not ({c} = any({p}))").format(
            c=col, p=sql.Placeholder(f"set_{i}"))
    if kind == "expect_column_values_to_be_between":
        # GX's bounds are inclusive unless strict_*; a missing bound is no bound.
        col, bounds = sql.Identifier(kw["column"]), []
        for side, op, strict_op in (("min", ">=", ">"), ("max", "<=", "<")):
            if kw.get(f"{side}_value") is not None:
                params[f"{side}_{i}"] = kw[f"{side}_value"]
                bounds.append(sql.SQL("{c} " + (strict_op if kw.get(f"strict_{side}") else op)
                                      + " {p}").format(c=col, p=sql.Placeholder(f"{side}_{i}")))
        if not bounds:
            raise PipelineError(f"{spec.name}: a between expectation needs a bound")
        return sql.SQL("{c} is not null and not ({b})").format(
            c=col, b=sql.SQL(" and ").join(bounds))
    if kind == "expect_column_values_to_not_be_null":
        return sql.SQL("{} is null").format(sql.Identifier(kw["column"]))
    if kind in ("expect_column_pair_values_to_be_equal",
                "expect_column_pair_values_a_to_be_greater_than_b"):
        a, b = sql.Identifier(kw["column_A"]), sql.Identifier(kw["column_B"])
        op = ("=" if kind.endswith("to_be_equal")
              else ">=" if kw.get("or_equal") else ">")
        return sql.SQL("not ({a} is null and {b} is null)"
                       " and not coalesce({a} " + op + " {b}, false)").format(a=a, b=b)
    if kind == "expect_select_column_values_to_be_unique_within_record":
        cols = _ids(kw["column_list"])
        pairs = [sql.SQL("{} is not distinct from {}").format(x, y)
                 for n, x in enumerate(cols) for y in cols[n + 1:]]
        some = sql.SQL(" or ").join(sql.SQL("{} is not null").format(c) for c in cols)
        return sql.SQL("({}) and ({})").format(some, sql.SQL(" or ").join(pairs))
    if kind == "expect_compound_columns_to_be_unique":
        cols = _ids(kw["column_list"])
        some = sql.SQL(" or ").join(sql.SQL("{} is not null").format(c) for c in cols)
        return sql.SQL("({}) and {} > 1").format(some, sql.Identifier(f"_copies_{i}"))
    raise PipelineError(f"no SQL form for expectation {kind!r}: the gate cannot run it")


def _windows(specs: list[Spec]) -> list[sql.Composable]:
    return [sql.SQL("count(*) over (partition by {}) as {}").format(
        sql.SQL(", ").join(_ids(s.kwargs["column_list"])), sql.Identifier(f"_copies_{i}"))
        for i, s in enumerate(specs) if s.kind == "expect_compound_columns_to_be_unique"]


def _count(spec: Spec, unexpected: sql.Composable, rows: sql.Composable) -> sql.Composable:
    """The number of unexpected rows of `spec`, as a column of the counts query over `rows`."""
    if spec.kind != "expect_compound_columns_to_be_unique":
        return sql.SQL("count(*) filter (where {})").format(unexpected)
    # Every row of a repeated key (all-null keys ignored, as _unexpected's window form does).
    cols = _ids(spec.kwargs["column_list"])
    return sql.SQL("(select coalesce(sum(n), 0)::bigint from (select count(*) as n from ({}) g"
                   " where {} group by {} having count(*) > 1) c)").format(
        rows, sql.SQL(" or ").join(sql.SQL("{} is not null").format(c) for c in cols),
        sql.SQL(", ").join(cols))


def validate_query(conn, rows: sql.Composable, params: dict, specs: list[Spec], *,
                   sample_columns: list[str], order_by: str | list[str],
                   severity: str = "error", rows_once: bool = False) -> list[CheckResult]:
    """One CheckResult per spec over the rows of the SELECT `rows` (bound with `params`).

    `rows` must output every column the specs and `sample_columns` name; samples are the
    first unexpected rows by `order_by` (a column or a list of columns). `rows_once`: the
    counts query computes `rows` once (a CTE) where a compound-uniqueness count reads them
    again, for rows that are few but costly (an aggregation).
    """
    params = dict(params)
    unexpected = [_unexpected(s, i, params) for i, s in enumerate(specs)]
    windows = _windows(specs)
    # Samples (failures only) read the rows with each key's copies beside them; the counts
    # count a key's copies by grouping (a hash aggregate: the window's sort of every row cost
    # a bronze batch's gate more than every other expectation together).
    source = sql.SQL("select r.*{} from ({}) r").format(
        sql.SQL("").join(sql.SQL(", ") + w for w in windows), rows)
    counted = sql.SQL("select * from _rows") if rows_once else rows
    counts = sql.SQL("{}select count(*){} from ({}) k").format(
        sql.SQL("with _rows as ({}) ").format(rows) if rows_once else sql.SQL(""),
        sql.SQL("").join(sql.SQL(", ") + _count(s, u, counted) for s, u in zip(specs, unexpected,
                                                                                strict=True)),
        counted)
    with conn.cursor() as cur:
        total, *bad = cur.execute(counts, params).fetchone()
        results = []
        for spec, cond, count in zip(specs, unexpected, bad, strict=True):
            observed: dict = {"element_count": total}
            if count:
                observed["unexpected_percent"] = round(100.0 * count / total, 6)
            observed.update({k: spec.kwargs[k] for k in _EXPECTED_KWARGS
                             if spec.kwargs.get(k) is not None})
            sample = _sample(cur, source, cond, params, spec, sample_columns,
                             order_by) if count else []
            results.append(CheckResult(spec.name, count == 0, severity, observed_value=observed,
                                       unexpected_count=count, unexpected_sample=sample))
    return results


def _sample(cur, source, cond, params, spec: Spec, sample_columns: list[str],
            order_by: str | list[str]) -> list[dict]:
    names = list(dict.fromkeys([*sample_columns, *spec.columns()]))
    keys = [order_by] if isinstance(order_by, str) else order_by
    query = sql.SQL("select {} from ({}) k where {} order by {} limit {}").format(
        sql.SQL(", ").join(_ids(names)), source, cond, sql.SQL(", ").join(_ids(keys)),
        sql.Literal(SAMPLE_SIZE))
    return [{n: (v.isoformat() if hasattr(v, "isoformat") else v) for n, v in zip(names, row,
                                                                               strict=True)}
            for row in cur.execute(query, params)]
