"""pipeline/settings.py: every PIPELINE_* variable parsed in one place, checked, documented."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from pipeline import settings as settings_module
from pipeline.errors import ConfigError
from pipeline.settings import VARIABLES, Settings, env_name, settings

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"
# Modules that may touch os.environ, and why: none of them reads a PIPELINE_* setting.
ENVIRON_USERS = {
    "settings.py": "the one reader of PIPELINE_* variables",
    "orchestration/runner.py": "copies the environment for a step's child process",
    "ops/pgbin.py": "copies the environment for pg_dump / pg_restore (PGPASSWORD)",
    "quality/gx_runner.py": "sets TQDM_DISABLE before GX loads",
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_unset_means_the_defaults():
    s = settings()
    assert s == Settings()
    assert (s.lock_timeout_s, s.statement_timeout_s) == (120.0, 3600.0)
    assert (s.http_attempts, s.http_timeout_s, s.http_backoff_s) == (4, 30.0, 0.5)
    assert (s.source_max_bytes, s.max_quarantine_rate, s.quarantine_max_rows) == (
        8 * 1024 * 1024, 0.01, 10_000)
    assert s.database_url is s.pg_bin is s.code_version is s.fault_sleep_in_publish is None
    assert s.sql_dir == ROOT / "sql" and s.data_dir == ROOT / "data"
    assert s.embedded_dir == s.state_dir / "pgdata" == ROOT / ".drawpipe" / "pgdata"


def test_the_default_games_file_is_the_shipped_one():
    from pipeline.games import DEFAULT_GAMES_FILE, games_file

    assert settings().games_file == games_file() == str(DEFAULT_GAMES_FILE)


def test_one_variable_per_field_named_after_it():
    names = [f.name for f in dataclasses.fields(Settings)]
    assert VARIABLES == tuple(f"PIPELINE_{n.upper()}" for n in names)
    assert len(set(VARIABLES)) == len(VARIABLES) == 17
    assert set(settings_module._PARSERS) == set(names)


def test_empty_means_unset(monkeypatch):
    for name in VARIABLES:
        monkeypatch.setenv(name, "")
    assert settings() == Settings()


@pytest.mark.parametrize(("name", "raw", "field", "value"), [
    ("PIPELINE_DATABASE_URL", "postgresql://u@h/db", "database_url", "postgresql://u@h/db"),
    ("PIPELINE_LOCK_TIMEOUT_S", "2.5", "lock_timeout_s", 2.5),
    ("PIPELINE_LOCK_TIMEOUT_S", " 604800 ", "lock_timeout_s", 604800.0),
    ("PIPELINE_STATEMENT_TIMEOUT_S", "600", "statement_timeout_s", 600.0),
    ("PIPELINE_GAMES_FILE", "my games.toml", "games_file", "my games.toml"),
    ("PIPELINE_SQL_DIR", "/x/sql", "sql_dir", Path("/x/sql")),
    ("PIPELINE_DATA_DIR", "/x/data", "data_dir", Path("/x/data")),
    ("PIPELINE_EMBEDDED_DIR", "/x/pg", "embedded_dir", Path("/x/pg")),
    ("PIPELINE_SOURCE_MAX_BYTES", "1e6", "source_max_bytes", 1_000_000),
    ("PIPELINE_HTTP_ATTEMPTS", "2", "http_attempts", 2),
    ("PIPELINE_HTTP_ATTEMPTS", "2.9", "http_attempts", 2),
    ("PIPELINE_HTTP_ATTEMPTS", "0.5", "http_attempts", 1),
    ("PIPELINE_HTTP_TIMEOUT_S", "0.25", "http_timeout_s", 0.25),
    ("PIPELINE_HTTP_BACKOFF_S", "0", "http_backoff_s", 0.0),
    ("PIPELINE_MAX_QUARANTINE_RATE", "0", "max_quarantine_rate", 0.0),
    ("PIPELINE_MAX_QUARANTINE_RATE", "1", "max_quarantine_rate", 1.0),
    ("PIPELINE_QUARANTINE_MAX_ROWS", "0", "quarantine_max_rows", 0),
    ("PIPELINE_QUARANTINE_MAX_ROWS", "999999999", "quarantine_max_rows", 999_999_999),
    ("PIPELINE_PG_BIN", "/usr/lib/postgresql/16/bin", "pg_bin",
     Path("/usr/lib/postgresql/16/bin")),
    ("PIPELINE_CODE_VERSION", "0.1+gabc", "code_version", "0.1+gabc"),
    ("PIPELINE_FAULT_SLEEP_IN_PUBLISH", "0.5", "fault_sleep_in_publish", 0.5),
    ("PIPELINE_FAULT_SLEEP_IN_PUBLISH", "0", "fault_sleep_in_publish", 0.0),
    ("PIPELINE_FAULT_SLEEP_IN_PUBLISH", "60", "fault_sleep_in_publish", 2.0),
    ("PIPELINE_FAULT_SLEEP_IN_PUBLISH", "-1", "fault_sleep_in_publish", 0.0),
    ("PIPELINE_FAULT_SLEEP_IN_PUBLISH", "inf", "fault_sleep_in_publish", 2.0),
    # Not a number: ignored, never fatal (a stray test variable must not break a run).
    ("PIPELINE_FAULT_SLEEP_IN_PUBLISH", "soon", "fault_sleep_in_publish", None),
    ("PIPELINE_FAULT_SLEEP_IN_PUBLISH", "nan", "fault_sleep_in_publish", None),
])
def test_a_value_is_parsed_to_its_type(monkeypatch, name, raw, field, value):
    monkeypatch.setenv(name, raw)
    got = getattr(settings(), field)
    assert got == value and type(got) is type(value)


def test_the_embedded_folder_follows_the_state_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("PIPELINE_STATE_DIR", str(tmp_path))
    assert settings().embedded_dir == tmp_path / "pgdata"
    monkeypatch.setenv("PIPELINE_EMBEDDED_DIR", str(tmp_path / "elsewhere"))
    assert settings().embedded_dir == tmp_path / "elsewhere"


def test_each_call_reads_the_environment_afresh(monkeypatch):
    monkeypatch.setenv("PIPELINE_HTTP_TIMEOUT_S", "5")
    assert settings().http_timeout_s == 5.0
    monkeypatch.setenv("PIPELINE_HTTP_TIMEOUT_S", "7")
    assert settings().http_timeout_s == 7.0
    monkeypatch.delenv("PIPELINE_HTTP_TIMEOUT_S")
    assert settings().http_timeout_s == 30.0


@pytest.mark.parametrize(("name", "raw", "message"), [
    ("PIPELINE_HTTP_TIMEOUT_S", "abc", "PIPELINE_HTTP_TIMEOUT_S='abc' is not a number of seconds "
                                       "above 0"),
    ("PIPELINE_HTTP_TIMEOUT_S", "0", "PIPELINE_HTTP_TIMEOUT_S='0' is not a number of seconds "
                                     "above 0"),
    ("PIPELINE_HTTP_TIMEOUT_S", "inf", "PIPELINE_HTTP_TIMEOUT_S='inf' is not a number of "
                                       "seconds above 0"),
    ("PIPELINE_HTTP_BACKOFF_S", "-0.1", "PIPELINE_HTTP_BACKOFF_S='-0.1' is not a number of "
                                        "seconds, 0 or more"),
    ("PIPELINE_HTTP_ATTEMPTS", "0", "PIPELINE_HTTP_ATTEMPTS='0' is not a number of attempts "
                                    "above 0"),
    ("PIPELINE_HTTP_ATTEMPTS", "many", "PIPELINE_HTTP_ATTEMPTS='many' is not a number of "
                                       "attempts above 0"),
    ("PIPELINE_SOURCE_MAX_BYTES", "-5", "PIPELINE_SOURCE_MAX_BYTES='-5' is not a number of "
                                        "bytes above 0"),
    ("PIPELINE_SOURCE_MAX_BYTES", "nan", "PIPELINE_SOURCE_MAX_BYTES='nan' is not a number of "
                                         "bytes above 0"),
    ("PIPELINE_MAX_QUARANTINE_RATE", "lots", "PIPELINE_MAX_QUARANTINE_RATE='lots' is not a "
                                             "fraction in [0, 1]"),
    ("PIPELINE_MAX_QUARANTINE_RATE", "1.5", "PIPELINE_MAX_QUARANTINE_RATE='1.5' is not a "
                                            "fraction in [0, 1]"),
    ("PIPELINE_QUARANTINE_MAX_ROWS", "-1", "PIPELINE_QUARANTINE_MAX_ROWS='-1' is not a whole "
                                           "number from 0 to 999999999"),
    ("PIPELINE_QUARANTINE_MAX_ROWS", "1.5", "PIPELINE_QUARANTINE_MAX_ROWS='1.5' is not a whole "
                                            "number from 0 to 999999999"),
    ("PIPELINE_QUARANTINE_MAX_ROWS", "١٢", "PIPELINE_QUARANTINE_MAX_ROWS='١٢' is not a whole "
                                          "number from 0 to 999999999"),
    ("PIPELINE_QUARANTINE_MAX_ROWS", "9" * 5000, "PIPELINE_QUARANTINE_MAX_ROWS='"
                                                 + "9" * 40 + "' is not a whole number from 0 "
                                                 "to 999999999"),
    # The timeouts' wording is pinned by tests/reliability/test_lock_timeouts.py.
    ("PIPELINE_LOCK_TIMEOUT_S", "0", "PIPELINE_LOCK_TIMEOUT_S must be a number of seconds above "
                                     "0 and at most 604800, got '0'"),
    ("PIPELINE_STATEMENT_TIMEOUT_S", "1e9", "PIPELINE_STATEMENT_TIMEOUT_S must be a number of "
                                            "seconds above 0 and at most 604800, got '1e9'"),
    ("PIPELINE_LOCK_TIMEOUT_S", "nan", "PIPELINE_LOCK_TIMEOUT_S must be a number of seconds "
                                       "above 0 and at most 604800, got 'nan'"),
])
def test_a_bad_value_is_one_line_naming_the_variable_and_value(monkeypatch, name, raw,
                                                                message):
    monkeypatch.setenv(name, raw)
    with pytest.raises(ConfigError) as caught:
        settings()
    assert str(caught.value) == message


def test_a_bad_value_fails_every_step_with_one_error_line(monkeypatch, capsys):
    """Through the CLI: exit 1 and one line, before any connection (the unit tier forbids one)."""
    from pipeline.cli import main

    monkeypatch.setenv("PIPELINE_HTTP_TIMEOUT_S", "abc")
    assert main(["migrate"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.strip().splitlines() == [
        "error: PIPELINE_HTTP_TIMEOUT_S='abc' is not a number of seconds above 0"]


def test_redaction_still_works_while_another_setting_is_bad(monkeypatch):
    from pipeline.redact import redact

    monkeypatch.setenv("PIPELINE_DATABASE_URL", "postgresql://me:se%zzcret@host/db")
    monkeypatch.setenv("PIPELINE_LOCK_TIMEOUT_S", "never")
    assert redact('invalid percent-encoded token: "se%zzcret"') == (
        'invalid percent-encoded token: "****"')


def test_the_settings_never_show_the_database_password(monkeypatch):
    monkeypatch.setenv("PIPELINE_DATABASE_URL", "postgresql://me:hunter22@host/db")
    assert "hunter22" not in repr(settings())


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings().lock_timeout_s = 1.0  # type: ignore[misc]


def _docs_rows() -> dict[str, str]:
    """variable -> its default column, from docs/operations.md's settings table."""
    text = (ROOT / "docs" / "operations.md").read_text()
    return {m.group(1): m.group(2).strip()
            for m in re.finditer(r"^\| `(PIPELINE_[A-Z_]+)` \|([^|]*)\|", text, re.MULTILINE)}


def test_the_docs_table_lists_every_setting_with_its_default():
    rows = _docs_rows()
    assert set(rows) == set(VARIABLES)
    for f in dataclasses.fields(Settings):
        if isinstance(f.default, (int, float)):  # numbers: the docs show the value itself
            shown = f"{f.default:g}" if isinstance(f.default, float) else str(f.default)
            assert rows[env_name(f.name)].split()[0] == shown, f.name


def _environ_uses(tree: ast.AST) -> list[int]:
    """Lines that touch os.environ or os.getenv (any alias: `environ`, `getenv`)."""
    return [node.lineno for node in ast.walk(tree)
            if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"))
            or (isinstance(node, ast.Name) and node.id in ("environ", "getenv"))
            or (isinstance(node, ast.ImportFrom) and node.module == "os"
                and {a.name for a in node.names} & {"environ", "getenv"})]


def test_only_settings_reads_pipeline_variables_from_the_environment():
    found = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        lines = _environ_uses(ast.parse(path.read_text(encoding="utf-8")))
        if lines and relative not in ENVIRON_USERS:
            found[relative] = lines
    assert not found, f"read settings through pipeline.settings, not os.environ: {found}"


def test_the_modules_allowed_the_environment_read_no_pipeline_variable():
    for relative in ENVIRON_USERS.keys() - {"settings.py"}:
        tree = ast.parse((PACKAGE / relative).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                    node.func.attr in ("get", "getenv", "pop")) and node.args:
                arg = node.args[0]
                assert not (isinstance(arg, ast.Constant) and str(arg.value).startswith(
                    "PIPELINE_")), f"{relative}:{node.lineno} reads {arg.value}"
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and (
                    "environ" in ast.unparse(node.value)):
                assert not ast.unparse(node.slice).startswith("'PIPELINE_"), (
                    f"{relative}:{node.lineno} reads {ast.unparse(node)}")
