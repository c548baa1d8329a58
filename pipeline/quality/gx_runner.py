"""Run Great Expectations 1.x expectations on a DataFrame and return CheckResults.

Two ways in. A DataFrame (features, predictions, gold): GX would read through its own
SQLAlchemy engine, which cannot see rows a step staged in a transaction it has not committed
yet; the gate's psycopg connection can, so the rows are fetched once on it (one staging_id, by
bound parameters) and validated in memory. A SQL datasource (bronze, whose staged rows are
committed before its gate): GX runs the expectations as queries in PostgreSQL, so a large batch
is never pulled into memory.

GX costs 3 s to import, so it is imported on first use: the steps' gates evaluate the same
expectations in SQL (`quality/gate.py`), and GX runs for `check`. Its ephemeral
context (no files, no network, no telemetry) is built once per process and reused.

A suite adds expectations with a few lines:

    from pipeline.quality import gx_runner
    E = gx_runner.expectations()
    frame = gx_runner.frame_from_sql(conn, "quality/x_staged.sql", {"staging_id": sid})
    results = gx_runner.validate_frame(frame, [E.ExpectColumnValuesToNotBeNull(column="x")],
                                       name="features")

An expectation built with `severity="warning"` is recorded as a `warn` (never blocks).
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from functools import lru_cache

from pipeline.db import load_sql
from pipeline.errors import PipelineError
from pipeline.quality.results import CheckResult

SAMPLE_SIZE = 5
# Expectation kwargs that say what was expected; copied into observed_value for the record.
_EXPECTED_KWARGS = ("min_value", "max_value", "value_set", "or_equal", "mostly")
_COLUMN_KWARGS = ("column", "column_A", "column_B", "column_list")


_import_lock = threading.Lock()


def gx():
    """The great_expectations module, imported on first use (progress bars off)."""
    with _import_lock:  # one thread imports it (preload's or a gate's); the others wait
        return _import_gx()


@lru_cache(maxsize=1)
def _import_gx():
    os.environ.setdefault("TQDM_DISABLE", "1")
    # GX logs every decorator it registers at INFO: keep the step's stderr readable, unless
    # the process asked for DEBUG (pipeline.logs does the same for the CLI).
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations

    return great_expectations


def expectations():
    """`great_expectations.expectations`: the Expect* classes suites build from."""
    return gx().expectations


def column(name: str):
    """A GX row-condition column: `column("era") == "2015-10-07"` limits an expectation."""
    gx()
    from great_expectations.expectations.row_conditions import Column

    return Column(name)


_context_lock = threading.Lock()


def _batch_definition():
    with _context_lock:  # one context, whichever thread asks first
        return _new_batch_definition()


@lru_cache(maxsize=1)
def _new_batch_definition():
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx().get_context(mode="ephemeral")
    # GX passes tqdm an explicit `disable`, so TQDM_DISABLE alone does not silence it.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("drawpipe_frames").add_dataframe_asset("frame")
    return context, asset.add_batch_definition_whole_dataframe("whole_frame")


def frame_from_sql(conn, relative: str, params: dict | None = None):
    """A DataFrame of sql/<relative>'s rows, read on `conn` (so it sees uncommitted staging)."""
    import pandas as pd

    with conn.cursor() as cur:
        cur.execute(load_sql(relative), params)
        names = [d.name for d in cur.description]
        return pd.DataFrame(cur.fetchall(), columns=names)


def validate_frame(frame, expectation_list: list, *, name: str,
                   sample_columns: list[str] | None = None) -> list[CheckResult]:
    """Validate `frame` against the expectations; one CheckResult per expectation.

    Samples are whole rows (limited to `sample_columns`) of the first unexpected values,
    so a failure message shows the offending draws, not just a value.
    """
    gx_ = gx()
    if not expectation_list:
        return []
    _, batch_definition = _batch_definition()
    # An unsaved suite on the batch: no suite, validation definition or result is stored in
    # the context (adding, running and deleting them cost ~0.1 s of serialisation per gate).
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    suite = gx_.ExpectationSuite(name=f"{name}-{uuid.uuid4().hex[:12]}",
                                 expectations=expectation_list)
    if _boolean_only_suffices(frame, expectation_list):
        # A passing suite needs no counts or samples: BOOLEAN_ONLY computes half the metrics
        # (GX's fixed cost per expectation is most of a gate's). Its CheckResults are the
        # ones SUMMARY would give; a failure is validated again with SUMMARY for its samples.
        run = _run_checked(batch, suite, {"result_format": "BOOLEAN_ONLY"}, name)
        if run.success:
            return [passed_result(r, len(frame)) for r in run.results]
    run = _run_checked(batch, suite, {"result_format": "SUMMARY",
                                      "partial_unexpected_count": SAMPLE_SIZE}, name)
    columns = [c for c in (sample_columns or list(frame.columns)) if c in frame.columns]
    return [to_check_result(r, frame, columns) for r in run.results]


def _run_checked(batch, suite, result_format: dict, name: str):
    run = batch.validate(suite, result_format=result_format)
    if len(run.results) != len(suite.expectations):
        # GX logs and drops an expectation it cannot configure; a gate must not shrink silently.
        raise PipelineError(f"{name}: GX ran {len(run.results)} of {len(suite.expectations)} "
                            "expectations (an expectation is misconfigured)")
    return run


def _boolean_only_suffices(frame, expectation_list: list) -> bool:
    """Whether a success under BOOLEAN_ONLY fixes every field SUMMARY would record: map
    expectations over the whole frame (no row condition, no `mostly`) of a non-empty frame
    without nulls in their columns (element_count = rows, 0 unexpected, 0.0 percent)."""
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )

    columns = set()
    for e in expectation_list:
        kwargs = e.configuration.kwargs
        if not isinstance(e, ColumnMapExpectation | ColumnPairMapExpectation
                          | MulticolumnMapExpectation) or kwargs.get("row_condition") or \
                kwargs.get("mostly") not in (None, 1, 1.0):
            return False
        for k in _COLUMN_KWARGS:
            value = kwargs.get(k)
            columns.update(value if isinstance(value, list) else [value] if value else [])
    if len(frame) == 0 or not columns <= set(frame.columns):
        return False
    return not frame[sorted(columns)].isna().to_numpy().any()


def passed_result(result, rows: int) -> CheckResult:
    """A passing map expectation's CheckResult, as SUMMARY records it (see
    _boolean_only_suffices): every row checked, none unexpected."""
    config = result.expectation_config
    severity = "warn" if str(getattr(config.severity, "value", config.severity)) in (
        "warning", "info") else "error"
    observed = {"element_count": rows, "unexpected_percent": 0.0}
    observed.update({k: config.kwargs[k] for k in _EXPECTED_KWARGS
                     if config.kwargs.get(k) is not None})
    return CheckResult(expectation_name(config), bool(result.success), severity,
                       observed_value=observed, unexpected_count=0, unexpected_sample=[])


def expectation_name(config) -> str:
    """`expect_x(col)` or `expect_x(a, b)`, plus ` where <condition>` for a row condition."""
    kwargs = config.kwargs
    cols = []
    for k in _COLUMN_KWARGS:
        value = kwargs.get(k)
        if value is not None:
            cols.extend(value if isinstance(value, list) else [value])
    text = f"{config.type}({', '.join(map(str, cols))})"
    condition = kwargs.get("row_condition")
    if condition:
        text += f" where {_condition_text(condition)}"
    return text


def _condition_text(condition) -> str:
    if isinstance(condition, dict):  # serialised ComparisonCondition
        if "conditions" in condition:
            return " and ".join(_condition_text(c) for c in condition["conditions"])
        col = condition.get("column", {})
        col = col.get("name") if isinstance(col, dict) else col
        return f"{col} {condition.get('operator')} {condition.get('parameter')}"
    return str(condition)


def _plain(value):
    """numpy/pandas scalars -> JSON-friendly Python values (NaN/NA -> None)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        if value != value:  # NaN: a missing value
            return None
        if value.is_integer():  # an int column with nulls arrives as float
            return int(value)
    elif value is not None and str(value) == "<NA>":
        return None
    return value


def to_check_result(result, frame, sample_columns: list[str]) -> CheckResult:
    """One GX ExpectationValidationResult as the CheckResult ops.dq_results records."""
    config = result.expectation_config
    info = result.result or {}
    severity = "warn" if str(getattr(config.severity, "value", config.severity)) in (
        "warning", "info") else "error"
    observed = {k: _plain(info[k]) for k in ("observed_value", "element_count",
                                              "unexpected_percent") if k in info}
    observed.update({k: config.kwargs[k] for k in _EXPECTED_KWARGS
                     if config.kwargs.get(k) is not None})
    exc = result.exception_info or {}
    if exc.get("raised_exception"):
        observed["exception"] = str(exc.get("exception_message"))[:500]
    sample = []
    for index in (info.get("partial_unexpected_index_list") or [])[:SAMPLE_SIZE]:
        if index in frame.index:
            row = frame.loc[index, sample_columns]
            sample.append({c: _plain(row[c]) for c in sample_columns})
    if not sample and info.get("partial_unexpected_list"):
        sample = [_plain(v) if not isinstance(v, dict) else v
                  for v in info["partial_unexpected_list"][:SAMPLE_SIZE]]
    count = info.get("unexpected_count")
    return CheckResult(expectation_name(config), bool(result.success), severity,
                       observed_value=observed,
                       unexpected_count=int(count) if count is not None else None,
                       unexpected_sample=sample)


# --- Validating in PostgreSQL (added for the bronze gate; the frame API above is unchanged) ---
#
# A batch of 20,000 staged draws costs GX's pandas engine ~3 s (a row-wise `nunique` for
# unique-within-record, frame copies per metric); on a SQL data source every expectation is a
# query over the staged rows where they live. The step's staged rows must be committed (GX
# reads through its own SQLAlchemy engine): bronze commits its staging before the gate.
# A passing batch is checked with result_format BOOLEAN_ONLY (half the metrics, no sample
# queries); only when something fails is the suite run again with SUMMARY for counts and
# sample rows. Suites, validation definitions and the engine are built once per process.

_sql_definitions: dict[tuple, object] = {}


@lru_cache(maxsize=8)
def _sql_datasource(url: str, pid: int):
    """One GX SQL data source (and so one SQLAlchemy engine and pool) per URL and process.

    Keyed by pid: a forked child must never use the pooled connections it inherited (two
    processes on one socket hang), so it gets an engine of its own.
    """
    import hashlib

    from pipeline.db import session_params

    context, _ = _batch_definition()
    name = f"warehouse_{hashlib.sha256(url.encode()).hexdigest()[:12]}_{pid}"
    # The libpq URL's parameters go to psycopg as they are (connect_args), whatever form
    # PIPELINE_DATABASE_URL takes (socket folders, passwords with '$' that GX would expand),
    # with the pipeline's lock and statement timeouts, as every other session has them. Its
    # own application_name: these pooled sessions outlive a step's ('drawpipe') connections.
    return context.data_sources.add_sql(
        name=name, connection_string="postgresql+psycopg://",
        kwargs={"connect_args": session_params(url, application_name="drawpipe_gx")})


def _sql_definition(url: str, query: str, partition_column: str, name: str,
                    build_expectations):
    from great_expectations.core.partitioners import PartitionerColumnValue

    key = (url, query, partition_column, name, os.getpid())
    if key not in _sql_definitions:
        gx_ = gx()
        context, _ = _batch_definition()
        source = _sql_datasource(url, os.getpid())
        label = f"{name}-{uuid.uuid4().hex[:12]}"
        asset = source.add_query_asset(label, query=query)
        # The partition value is bound by GX as a query parameter, never spliced into SQL.
        # validate_partitioner=False: GX only pre-checks date partitioners (by querying).
        batch = asset.add_batch_definition(
            "by_partition", partitioner=PartitionerColumnValue(column_name=partition_column),
            validate_partitioner=False)
        suite = context.suites.add(gx_.ExpectationSuite(name=label,
                                                        expectations=build_expectations()))
        _sql_definitions[key] = context.validation_definitions.add(
            gx_.ValidationDefinition(name=label, data=batch, suite=suite))
    return _sql_definitions[key]


def validate_sql_query(url: str, query: str, build_expectations, *, name: str,
                       partition_column: str, partition_value, sample_columns: list[str],
                       element_count: int | None = None) -> list[CheckResult]:
    """Validate the rows of `query` whose `partition_column` equals `partition_value`.

    `query` is a SELECT GX wraps as a subquery (a query asset); `build_expectations()` returns
    fresh Expect* objects (called once per process and query). Samples are dicts of
    `sample_columns` of the first unexpected rows.
    """
    definition = _sql_definition(url, query, partition_column, name, build_expectations)
    params = {partition_column: partition_value}
    run = definition.run(batch_parameters=params, result_format={"result_format": "BOOLEAN_ONLY"})
    expected = len(definition.suite.expectations)
    if len(run.results) != expected:
        raise PipelineError(f"{name}: GX ran {len(run.results)} of {expected} expectations"
                            " (an expectation is misconfigured)")
    if run.success:
        return [sql_check_result(r, sample_columns, element_count) for r in run.results]
    run = definition.run(batch_parameters=params, result_format={
        "result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE,
        "unexpected_index_column_names": sample_columns})
    return [sql_check_result(r, sample_columns, element_count) for r in run.results]


def sql_check_result(result, sample_columns: list[str],
                     element_count: int | None = None) -> CheckResult:
    """One GX result from a SQL data source as a CheckResult (samples as row dicts)."""
    config = result.expectation_config
    info = result.result or {}
    severity = "warn" if str(getattr(config.severity, "value", config.severity)) in (
        "warning", "info") else "error"
    observed = {k: _plain(info[k]) for k in ("observed_value", "element_count",
                                              "unexpected_percent") if k in info}
    if "element_count" not in observed and element_count is not None:
        observed["element_count"] = element_count
    observed.update({k: config.kwargs[k] for k in _EXPECTED_KWARGS
                     if config.kwargs.get(k) is not None})
    exc = result.exception_info or {}
    if exc.get("raised_exception"):
        observed["exception"] = str(exc.get("exception_message"))[:500]
    sample = []
    for row in (info.get("partial_unexpected_index_list") or [])[:SAMPLE_SIZE]:
        if isinstance(row, dict):
            sample.append({c: _plain(row[c]) for c in sample_columns if c in row}
                          | {c: _plain(v) for c, v in row.items() if c not in sample_columns})
    if not sample and info.get("partial_unexpected_list"):
        columns = [c for k in _COLUMN_KWARGS for c in (
            config.kwargs.get(k) if isinstance(config.kwargs.get(k), list)
            else [config.kwargs.get(k)]) if c is not None]
        for value in info["partial_unexpected_list"][:SAMPLE_SIZE]:
            if isinstance(value, dict):  # multicolumn expectations give {column: value}
                sample.append({c: _plain(v) for c, v in value.items()})
                continue
            values = list(value) if isinstance(value, list | tuple) else [value]
            sample.append({c: _plain(v) for c, v in zip(columns, values, strict=False)})
    count = info.get("unexpected_count")
    if count is None and result.success and config.kwargs.get("mostly") in (None, 1, 1.0):
        count = 0  # BOOLEAN_ONLY: success without `mostly` means no unexpected row
    return CheckResult(expectation_name(config), bool(result.success), severity,
                       observed_value=observed,
                       unexpected_count=int(count) if count is not None else None,
                       unexpected_sample=sample)
