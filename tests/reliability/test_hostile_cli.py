"""Hostile values for every option of the existing commands: each rejected with a clear error,
and the warehouse's schema and row counts unchanged. In-process (`pipeline.cli.main`) for the
~500 generated values per option, plus a few through a real subprocess and no shell."""

import contextlib
import io
import time

import pytest

from pipeline.cli import build_parser, main
from tests.conftest import NY_EXPORT, run_cli
from tests.reliability.helpers import bronze_content, row_counts, warehouse_shape
from tests.reliability.hostile import hostile_values

pytestmark = pytest.mark.integration
VALUES = hostile_values(500)
SOURCE_ERRORS = ("not found", "cannot be read", "only local paths", "NUL byte", "unreachable",
                 "unknown source header", "is empty", "not UTF-8", "answered HTTP",
                 "not a valid URL")
ARGPARSE_SYNTAX = {"--", "-h", "--help", "-"}  # help or end-of-options, not a value


def _argv(command, option, value, fake_dump):
    """A command line where only `option` is hostile; the others are valid."""
    base = {
        "ingest": ["ingest", "--game", "powerball", "--source", str(NY_EXPORT) + ".missing"],
        "backup": ["backup"],
        "restore": ["restore", "--from", str(fake_dump), "--target-url", "dbname=none"],
        "embedded": ["embedded"],
        "migrate": ["migrate"],
    }[command]
    if option is None:  # a command without options: the value as a stray argument
        return [*base, value]
    if option in ("--dry-run", "--skip-checks"):  # flags take no value
        return [*base, option, value]
    argv = list(base)
    if option in argv:
        argv[argv.index(option) + 1] = value
    elif option == "action":
        argv.append(value)
    else:
        argv += [option, value]
    return argv


# Every option of the existing commands (checked against the parser below).
PLAN = [("ingest", o) for o in ("--game", "--source", "--today", "--dry-run", "--skip-checks")]
PLAN += [("backup", "--out"), ("restore", "--from"), ("restore", "--target-url"),
         ("embedded", "action"), ("migrate", None), ("global", "--log-level")]


def test_the_plan_covers_every_option_of_the_covered_commands():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    covered = {c for c, _ in PLAN}
    for name in covered - {"global"}:
        options = {a.option_strings[0] if a.option_strings else a.dest
                   for a in sub.choices[name]._actions if a.dest != "help"}
        planned = {o for c, o in PLAN if c == name and o}
        assert options == planned, f"{name}: options {options} vs planned {planned}"


def _call(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def _snapshot(conn):
    counts = row_counts(conn)
    counts.pop("ops.runs")  # a refused run is recorded there as 'failed'; checked below
    return warehouse_shape(conn), counts, bronze_content(conn)


@pytest.mark.slow
def test_every_option_rejects_hostile_values(conn, tmp_path, monkeypatch):
    import pipeline.cli
    from pipeline.bronze.ingest import ingest

    # One parser for all calls (argparse parsers are reusable): 6 ms saved per call.
    parser = build_parser()
    monkeypatch.setattr(pipeline.cli, "build_parser", lambda only=None: parser)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIPELINE_HTTP_ATTEMPTS", "1")
    monkeypatch.setenv("PIPELINE_HTTP_TIMEOUT_S", "2")
    fake_dump = tmp_path / "no_manifest.dump"
    fake_dump.write_bytes(b"PGDMP not really")
    ingest("powerball", str(NY_EXPORT))
    before = _snapshot(conn)
    runs_before = conn.execute("select count(*) from ops.runs").fetchone()[0]
    tried, bad, took = 0, [], {}
    for command, option in PLAN:
        started = time.perf_counter()
        for value in VALUES:
            if command == "global":
                argv = ["--log-level", value, "migrate"]
            else:
                argv = _argv(command, option, value, fake_dump)
            if command == "embedded" and value in ("url", "stop"):
                continue  # valid actions, not hostile
            if value in ARGPARSE_SYNTAX and (option is None or option in (
                    "action", "--dry-run", "--skip-checks")):
                continue  # where argparse reads it as syntax, not as this option's value
            code, out, err = _call(argv)
            tried += 1
            clear = err.startswith("error:") and "Traceback" not in err
            if option == "--source" and code == 1:
                clear = clear and any(s in err for s in SOURCE_ERRORS)
            if code in (0, None) or out.strip() or not clear:
                bad.append((command, option, value[:80], code, err[:200]))
        took[f"{command} {option}"] = round(time.perf_counter() - started, 2)
    print(f"\nhostile values: {tried} calls, seconds per option {took}")
    assert not bad, f"{len(bad)} hostile values not cleanly rejected, e.g. {bad[:5]}"
    assert tried >= 10 * 490
    assert _snapshot(conn) == before
    runs = conn.execute("select status, count(*) from ops.runs group by 1").fetchall()
    new_runs = sum(n for _, n in runs) - runs_before
    assert dict(runs).get("failed", 0) == new_runs  # every recorded refusal is 'failed'
    assert list(tmp_path.iterdir()) == [fake_dump]  # nothing written to the working folder


def test_hostile_values_through_a_real_process_and_no_shell(conn, tmp_path):
    canary = tmp_path / "pwned"
    values = [f"$(touch {canary})", f"`touch {canary}`", f"; touch {canary}",
              f"| touch {canary}", "'; drop schema bronze cascade; --"]
    before = _snapshot(conn)
    for value in values:
        for argv in (["ingest", "--game", value, "--source", str(NY_EXPORT)],
                     ["ingest", "--game", "powerball", "--source", value],
                     ["ingest", "--game", "powerball", "--today", value, "--source", value],
                     ["backup", "--out", value]):
            proc = run_cli(*argv)
            assert proc.returncode in (1, 2), (argv, proc.stderr)
            assert proc.stderr.startswith("error:") and not proc.stdout.strip()
    assert not canary.exists()
    assert _snapshot(conn) == before
