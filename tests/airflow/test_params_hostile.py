"""Generated hostile DAG Params: 500 values for every Param, for `game` and for undeclared keys.

Each conf is checked at the two levels that matter: Airflow's validation of a trigger conf (what
the REST API's trigger runs before a DAG run exists: the serialized DAG's
`params.deep_merge(conf).validate()`) and the tasks' own re-validation (`validate_params`, on the
params a task sees). Airflow may let through what only the task can judge (undeclared keys, a
backfill range, 5.0 tickets); the task must then refuse it with one clear line. A conf both
accept must be genuinely valid by the independent allow-list below, except a `source` that is a
plausible path or URL: the ingest step itself must refuse those (none is a real export).
A sample then goes through the tasks' entry point against the test warehouse, which must not
change.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import time
from urllib.parse import urlsplit

import pytest

from tests.airflow.conftest import ROOT, airflow_connection
from tests.conftest import NY_EXPORT
from tests.reliability.hostile import CRAFTED, hostile_json, hostile_values
from tests.reliability.test_hostile_cli import SOURCE_ERRORS, _snapshot
from tests.reliability.test_hostile_cli import _call as _cli

pytestmark = pytest.mark.airflow
DAG_ID = "powerball_medallion"
N = 500
VALID_FROM, VALID_TO = "2025-01-01", "2025-06-30"
LOGICAL = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
MAX_MESSAGE = 400
SAMPLE_EVERY = 50  # the share of confs also run through the full checks and the tasks

NEAR = {
    "source": [
        "x.csv\n", "\nx.csv", "x.csv\x00", " /data/x.csv", "/data/x.csv ", "/data/x .csv", "-rf",
        "--help", "-", "/proc/self/environ", "//proc/self/environ", "/./proc/1/cmdline",
        "/sys/kernel/notes", "/dev/zero", "/dev/stdin", "/dev/fd/0", "../../../../etc/shadow",
        "data/../../etc/passwd", "..", "/etc/passwd", "/etc/", "/", ".", "README.md",
        "/tmp/drawpipe_missing.csv", "data/powerball", "http://127.0.0.1:9/x?a=b&c=d",
        "http://127.0.0.1:9/x#frag", "http://user:pw@127.0.0.1:9/x", "HTTP://127.0.0.1:9/x",
        "http://[::1]:9/x", "http://127.0.0.1:99999/x", "http://127.0.0.1:9/" + "a" * 1020,
        "http://127.0.0.1:9/%2e%2e/%2e%2e/etc/passwd", "http://127.0.0.1:9/x?a=1?b=2",
        "http://127.0.0.1:9/rows.csv", "https://127.0.0.1:9/rows.csv?accessType=DOWNLOAD",
        "http://-127.0.0.1:9/x", "http://127.0.0.1:9/x\n", "https:/127.0.0.1/x", "http:///x",
        "file:///etc/passwd", "ftp://127.0.0.1/x", "data:text/csv,a,b", "javascript:alert(1)",
        "\\\\server\\share\\x.csv", "C:\\x.csv", "~/x.csv", "~root/.ssh/id_rsa",
        "%2e%2e/%2e%2e/etc/passwd", "x.csv%00.txt", "/data/x.csv;", "/data/ünï.csv",
        "/data/x\u202ecsv.exe", "/data/x\u200b.csv", "ｘ.csv", "a" * 1025, "/" + "a/" * 600,
    ],
    "date": [
        "2025-01-00", "2025-02-29", "2024-02-30", "2025-13-01", "2025-00-10", "0000-01-01",
        "0001-01-01", "1992-04-21", "1900-01-01", "2025-1-1", "25-01-01", "12025-01-01",
        "2025-01-01T00:00:00", "2025-01-01Z", "2025-01-01+00:00", "2025-01-01\n",
        "\n2025-01-01", "2025-01-01\x00", "+2025-01-01", "2025‐01‐01", "２０２５-０１-０１",
        "٢٠٢٥-٠١-٠١", "2025-01-01 ", " 2025-01-01", "2025/01/01", "01/01/2025", "20250101",
        20250101, 2025.0101, "2025-W01-1", "2025-001", "today", "now", "-1 day",
        "2024-12-31", "2026-01-01", ["2025-01-01"], {"date": "2025-01-01"},
    ],
    "models": [
        ["random", "random"], [], ["RANDOM"], ["random "], [" random"], ["random", "oracle"],
        ["random;drop table x"], "random", "random,frequency", ["random,frequency"],
        ["random\u200b"], ["ｒａｎｄｏｍ"], ["rаndom"], [["random"]], [None], [1], [True],
        [{"name": "random"}], {"random": True}, ["random"] * 1000, ["*"], ["all"], [""],
        ["../random"], ["random\x00"], ["random"] + ["oracle"] * 10,
    ],
    "tickets": [
        0, -1, 51, 100, 2**31, 5.0, 50.0, 1.0, 1.5, 0.999, "5", "05", "5 ", "0x5", "1e1",
        True, False, [5], {"n": 5}, -0.0, float("nan"), float("inf"), 1e3, "", "five",
    ],
    "bool": [
        "true", "false", "True", "False", "yes", "no", "on", "off", "1", "0", "", "t", 1, 0,
        1.0, 0.0, -1, None, [], [True], {"value": True}, "null", "TRUE", "y",
    ],
    "game": [
        "powerball", "mega_millions", "Powerball", "megamillions", "mega-millions", "",
        "powerball'; drop table bronze.draws; --", ["powerball"], {"id": "powerball"}, None,
    ],
}
UNDECLARED_KEYS = [
    "game", "Game", "GAME", "game_id", "dag_id", "run_id", "source ", " source", "Source",
    "SOURCE", "sources", "from", "to", "from-date", "fromDate", "start_date", "end_date",
    "logical_date", "date", "model", "Models", "retrain_every", "dry-run", "dryRun", "ticket",
    "tickets ", "conf", "params", "__class__", "__proto__", "constructor", "", " ", "\x00",
    "\u200bsource", "sourсe", "ｓｏｕｒｃｅ", "source\n", "x" * 10_000,
]


def _buckets(names: list[str]) -> dict[str, list]:
    """bucket -> candidate confs: one hostile value of one Param, the others as a run has them."""
    buckets = {}
    for index, param in enumerate([*names, "game"]):
        near = NEAR.get(param) or NEAR["date" if "date" in param else "bool"]
        values = hostile_json(N + 300, seed=1000 + index, near=near)
        if param == "from_date":
            buckets[param] = [{"from_date": v, "to_date": VALID_TO} for v in values]
        elif param == "to_date":
            buckets[param] = [{"from_date": VALID_FROM, "to_date": v} for v in values]
        else:
            buckets[param] = [{param: v} for v in values]
    keys = [*UNDECLARED_KEYS, *CRAFTED, *hostile_values(N, seed=77)]
    values = hostile_json(len(keys), seed=78)
    buckets["undeclared"] = [{k: v} if i % 3 else {"dry_run": True, k: v, f"{k}_2": v}
                             for i, (k, v) in enumerate(zip(keys, values, strict=True))]
    return {name: list({repr(c): c for c in confs}.values()) for name, confs in buckets.items()}


# ---- the independent allow-list: what counts as a genuinely valid conf ----------------------

_PATH_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/+-")
_URL_CHARS = _PATH_CHARS | set(":~%?=")


def _plausible_source(v) -> bool:
    """A path or http(s) URL a user could mean: no shell or SQL character, no whitespace or
    control character, not an option, no climbing out with '..', no kernel pseudo-file."""
    if not isinstance(v, str) or not 1 <= len(v) <= 1024 or v.startswith("-"):
        return False
    if "://" in v:
        parts = urlsplit(v)
        return (set(v) <= _URL_CHARS and parts.scheme in ("http", "https")
                and bool(parts.hostname) and "@" not in parts.netloc and not parts.fragment
                and v.count("?") <= 1 and parts.query.count("=") <= 1
                and (not parts.query or "=" in parts.query))
    segments = [s for s in v.split("/") if s not in ("", ".")]
    return (set(v) <= _PATH_CHARS and ".." not in segments
            and not (v.startswith("/") and segments and segments[0] in ("proc", "sys", "dev")))


def _date(v) -> dt.date | None:
    if not isinstance(v, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", v):
        return None
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        return None


def genuinely_valid(game, conf: dict, declared: set[str]) -> bool:
    from pipeline.orchestration.models import model_names

    if set(conf) - declared:
        return False
    ok = []
    for k, v in conf.items():
        if k == "source":  # no generated path is an export: only null (the default) is valid
            ok.append(v is None)
        elif k in ("from_date", "to_date"):
            ok.append(v is None or _date(v) is not None)
        elif k == "models":
            ok.append(v is None or (type(v) is list and len(v) >= 1
                                    and all(type(m) is str for m in v)
                                    and len(set(v)) == len(v) and set(v) <= set(model_names())))
        elif k == "tickets":
            ok.append(v is None or (type(v) is int and 1 <= v <= 50))
        else:  # retrain, dry_run
            ok.append(type(v) is bool)
    if not all(ok):
        return False
    start, end = _date(conf.get("from_date")), _date(conf.get("to_date"))
    if (start is None) != (end is None):
        return "from_date" not in conf and "to_date" not in conf
    return start is None or game.eras[0].start <= start <= end


# ---- the two levels --------------------------------------------------------------------------


def airflow_refusal(sdag, conf: dict) -> str | None:
    """Airflow's trigger validation of `conf` (None: accepted).

    `validate()` resolves every Param on its own; the ones a conf leaves alone hold their
    defaults, which `test_every_dag_declares_what_the_plan_covers` shows valid, so only the
    conf's keys are resolved here (the full dict costs 7x as much; a sample checks they agree).
    """
    from airflow.exceptions import ParamValidationError
    from airflow.serialization.definitions.param import SerializedParamsDict

    params = SerializedParamsDict({k: sdag.params.get_param(k) for k in conf if k in sdag.params})
    try:
        params.deep_merge(conf).validate()
    except ParamValidationError as exc:
        return str(exc)
    return None


def task_refusal(game, defaults: dict, conf: dict) -> str | None:
    """The tasks' re-validation of the params they see (the DAG's defaults, then the conf)."""
    from pipeline.errors import ConfigError
    from pipeline.orchestration.params import validate_params

    try:
        validate_params(game, {**defaults, **conf})
    except ConfigError as exc:
        return str(exc)
    return None


def _named(conf: dict, declared: set[str]) -> str:
    """The Param a refusal of this conf must name."""
    hostile = [k for k in conf if k not in declared]
    if hostile:
        return "unknown parameter"
    if set(conf) == {"from_date", "to_date"}:
        return "from_date" if conf["to_date"] == VALID_TO else "to_date"
    return next(iter(conf))


def _clear(message: str, name: str) -> bool:
    return name in message and len(message) <= MAX_MESSAGE and message.isprintable()


@pytest.fixture(scope="module")
def serialized(dagbag):
    """Each DAG as the API server holds it: serialized, then read back."""
    from airflow.serialization.serialized_objects import DagSerialization

    return {dag_id: DagSerialization.from_dict(DagSerialization.to_dict(dag))
            for dag_id, dag in dagbag.dags.items()}


@pytest.fixture(scope="module")
def outcomes(dagbag, serialized):
    """{(dag_id, bucket): [(conf, airflow refusal, task refusal)]}, N hostile confs a bucket."""
    from pipeline.games import get_game

    started, out, valid_skipped = time.perf_counter(), {}, {}
    for dag_id, sdag in serialized.items():
        dag = dagbag.get_dag(dag_id)
        game = get_game(dag_id.removesuffix("_medallion"))
        declared = set(dag.params)
        defaults = {k: dag.params[k] for k in dag.params}
        for bucket, confs in _buckets(sorted(declared)).items():
            # Every DAG's Params have the same schemas (checked below); only from_date depends
            # on the game (its first era), so the other DAGs get that bucket alone.
            if dag_id != DAG_ID and bucket != "from_date":
                continue
            hostile = [c for c in confs if not genuinely_valid(game, c, declared)]
            valid_skipped[(dag_id, bucket)] = len(confs) - len(hostile)
            out[(dag_id, bucket)] = [(c, airflow_refusal(sdag, c),
                                      task_refusal(game, defaults, c)) for c in hostile[:N]]
    took = time.perf_counter() - started
    print(f"\nhostile params: {sum(map(len, out.values()))} confs checked in {took:.1f}s; "
          f"generated values that were valid (left out): {valid_skipped}")
    return out


def test_every_dag_declares_what_the_plan_covers(dagbag, serialized):
    schemas = set()
    for dag_id, sdag in serialized.items():
        sdag.params.validate()  # the defaults: what a conf leaves alone stays valid
        names = set(sdag.params)
        assert set(_buckets(sorted(names))) == names | {"game", "undeclared"}, dag_id
        schemas.add(repr(sorted((k, sdag.params.get_param(k).schema) for k in names)))
    assert len(schemas) == 1, "the DAGs' Param schemas differ: give every DAG every bucket"


def test_every_hostile_conf_is_refused_clearly(dagbag, outcomes):
    counts, bad = {}, []
    for (dag_id, bucket), results in outcomes.items():
        assert len(results) == N, (dag_id, bucket, len(results))
        declared = set(dagbag.get_dag(dag_id).params)
        by_level = {"airflow": 0, "task only": 0, "step only": 0}
        for conf, airflow, task in results:
            name = _named(conf, declared)
            shown = repr(conf)[:120]
            if airflow is not None:
                by_level["airflow"] += 1
                if not airflow.startswith(f"Invalid input for param {name}:"):
                    bad.append((dag_id, shown, "unclear Airflow refusal", airflow[:200]))
                if task is None:
                    bad.append((dag_id, shown, "Airflow refuses, the task accepts", airflow[:200]))
            elif task is not None:
                by_level["task only"] += 1
            if task is not None and not _clear(task, name):
                bad.append((dag_id, shown, "unclear task refusal", task[:200]))
            if airflow is None and task is None:
                # Both accept: only a plausible source path or URL, for the step to refuse.
                if set(conf) == {"source"} and _plausible_source(conf["source"]):
                    by_level["step only"] += 1
                else:
                    bad.append((dag_id, shown, "accepted by both levels, not valid"))
        counts[(dag_id, bucket)] = by_level
    print("\nrefused at:", {f"{d} {b}": c for (d, b), c in counts.items()})
    assert not bad, f"{len(bad)} hostile confs not refused clearly, e.g. {bad[:6]}"


def test_a_sample_agrees_with_the_full_trigger_check_and_the_worker(dagbag, serialized,
                                                                     outcomes):
    """The per-key shortcut gives what the full `validate()` and the worker's
    `process_params` give."""
    from airflow.sdk.definitions.param import process_params

    sdag, dag = serialized[DAG_ID], dagbag.get_dag(DAG_ID)
    task = dag.get_task("ingest")
    tried = 0
    for (dag_id, _bucket), results in outcomes.items():
        if dag_id != DAG_ID:
            continue
        for conf, airflow, _task in results[::SAMPLE_EVERY]:
            try:
                sdag.params.deep_merge(conf).validate()
                full = None
            except Exception as exc:  # noqa: BLE001 - compared below
                full = str(exc)
            assert full == airflow, conf
            # process_params sets values on the Params it is given: give it copies.
            holder = type("Holder", (), {"params": copy.deepcopy(dag.params)})
            owner = type("Owner", (), {"params": copy.deepcopy(task.params)})
            try:
                process_params(holder, owner, conf, suppress_exception=False)
                worker = None
            except Exception as exc:  # noqa: BLE001 - compared below
                worker = type(exc).__name__
            assert (worker is None) == (airflow is None), (conf, worker, airflow)
            tried += 1
    assert tried >= 9 * N // SAMPLE_EVERY


# ---- the tasks' entry point against the warehouse --------------------------------------------


class _TaskInstance:
    """The two XCom calls a drawpipe task makes."""

    def __init__(self):
        self.xcom = {}

    def xcom_push(self, key, value):
        self.xcom[key] = value

    def xcom_pull(self, task_ids, key):
        return self.xcom.get(key)


def test_the_tasks_refuse_a_sample_and_the_warehouse_is_unchanged(dagbag, outcomes, conn, db,
                                                                   monkeypatch):
    import drawpipe_operators  # on sys.path once the DAG folder is parsed
    from airflow.sdk.exceptions import AirflowFailException

    import pipeline.cli
    from pipeline.bronze.ingest import ingest
    from pipeline.orchestration.runner import StepFailed

    parser = pipeline.cli.build_parser()  # reusable: 35 ms a call saved
    monkeypatch.setattr(pipeline.cli, "build_parser", lambda only=None: parser)
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE", airflow_connection(db))
    monkeypatch.setenv("PIPELINE_HTTP_ATTEMPTS", "1")
    monkeypatch.setenv("PIPELINE_HTTP_TIMEOUT_S", "2")
    monkeypatch.chdir(ROOT)  # where the local runner starts a step
    ingest("powerball", str(NY_EXPORT), skip_checks=True)  # rows to count, not a gate test
    before = _snapshot(conn)
    runs_before = conn.execute("select count(*) from ops.runs").fetchone()[0]
    dag = dagbag.get_dag(DAG_ID)
    defaults = {k: dag.params[k] for k in dag.params}
    started, refused, stepped, bad = time.perf_counter(), 0, [], []
    for (dag_id, _bucket), results in outcomes.items():
        if dag_id != DAG_ID:
            continue
        for index, (conf, _airflow, task_says) in enumerate(results):
            if task_says is None:
                assert set(conf) == {"source"}, f"accepted by the task: {conf!r:.200}"
                stepped.append(conf)
                continue
            if index % SAMPLE_EVERY:
                continue
            for task in dag.tasks:  # every task validates again before its step
                context = {"params": {**defaults, **conf}, "logical_date": LOGICAL,
                           "ti": _TaskInstance()}
                with pytest.raises(AirflowFailException) as info:
                    task.execute(context)
                assert str(info.value) == task_says
                refused += 1
    refusing = time.perf_counter() - started
    # The confs only the step can judge: the ingest task's own argv, run in-process.
    for conf in stepped:
        context = {"params": {**defaults, **conf}, "logical_date": LOGICAL, "ti": _TaskInstance()}
        try:
            call = drawpipe_operators.step_call("ingest", "powerball", context)
        except AirflowFailException as exc:  # the task's DNS preflight refused the URL first
            if "cannot be resolved" not in str(exc) or "\n" in str(exc):
                bad.append((conf, "preflight", str(exc)[:200]))
            continue
        code, out, err = _cli(call.argv)
        if code in (0, None) or out.strip() or not err.startswith("error:") or not any(
                s in err for s in SOURCE_ERRORS):
            bad.append((conf, code, err[:200]))
    in_process = time.perf_counter() - started
    # One through the real operator: a child process, the warehouse from the connection.
    for conf in stepped[:1]:
        context = {"params": {**defaults, **conf}, "logical_date": LOGICAL, "ti": _TaskInstance()}
        with pytest.raises((StepFailed, AirflowFailException), match="source"):
            dag.get_task("ingest").execute(context)
    print(f"\n{refused} task calls refused, {len(stepped)} sources run through the ingest step "
          f"in {refusing:.1f}s + {in_process - refusing:.1f}s, one through the operator's child "
          "process: "
          f"{time.perf_counter() - started:.1f}s in all")
    assert not bad, f"{len(bad)} sources the ingest step did not refuse clearly: {bad[:5]}"
    assert refused >= 8 * N // SAMPLE_EVERY * len(dag.tasks) and stepped
    assert _snapshot(conn) == before
    runs = dict(conn.execute("select status, count(*) from ops.runs group by 1").fetchall())
    assert runs.get("failed", 0) == sum(runs.values()) - runs_before
