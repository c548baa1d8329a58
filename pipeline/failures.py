"""Turn the failures a user can act on into one redacted `error:` line and an exit code.

The CLI calls `error_line(exc)` for any exception a step raises: pipeline errors keep their
message, database errors (server down, database or role missing, bad password, unmigrated
warehouse, a lock or statement timeout) become one line instead of a 24-line traceback.
Anything else is a bug and keeps its (redacted) traceback.
"""

from __future__ import annotations

import logging
import re

import psycopg

from pipeline.errors import PipelineError
from pipeline.redact import redact

log = logging.getLogger(__name__)
EXIT_ERROR = 1
WAREHOUSE_SCHEMAS = ("bronze", "silver", "gold", "ops", "staging")
_MISSING_RELATION = re.compile(r'relation "(?:(?P<schema>\w+)\.)?(?P<name>[\w.]+)" does not exist')
_ACCESS_ERRORS = (psycopg.errors.InvalidPassword, psycopg.errors.InvalidAuthorizationSpecification,
                  psycopg.errors.InvalidCatalogName)
_LAYERS = ("bronze", "silver", "gold", "gold-evaluate", "migrate")


def _first_lines(text: str) -> str:
    """libpq's multi-line text as one line: FATAL/DETAIL/hint lines joined, LINE n dropped."""
    parts = []
    for line in str(text).splitlines():
        line = line.strip()
        if not line or line.startswith(("LINE ", "^")) or set(line) <= {" ", "^"}:
            continue
        parts.append(re.sub(r"\s+", " ", line))
    return "; ".join(parts)


def _connection_line(exc: psycopg.OperationalError) -> str:
    text = _first_lines(exc)
    text = re.sub(r"^connection failed: ", "", text)
    if m := re.search(r"FATAL: (.*)", text):  # the server answered: its reason is the news
        text = m.group(1)
    return f"cannot use the warehouse database: {text}"


def _held_locks() -> list[tuple]:
    from pipeline.db import connect, run_sql

    with connect(autocommit=True) as conn:
        return run_sql(conn, "ops/lock_holders.sql",
                       {"schemas": list(WAREHOUSE_SCHEMAS)}).fetchall()


def _advisory_names() -> dict[int, str]:
    from pipeline.db import lock_key, lock_name
    from pipeline.games import load_games

    try:
        games = list(load_games())
    except PipelineError:
        games = []
    names = {lock_key("migrate"): lock_name("migrate")}
    for layer in _LAYERS:
        for game in games:
            names[lock_key(layer, game)] = lock_name(layer, game)
    return names


def _lock_timeout_line() -> str:
    """Name what a timed-out wait most likely waited for: a lock another session still holds."""
    from pipeline.db import lock_timeout_error

    try:
        held = _held_locks()
        names = _advisory_names() if any(r[0] == "advisory" for r in held) else {}
    except Exception as exc:  # noqa: BLE001 - the line must come out even if this fails
        log.debug("could not list lock holders: %s", redact(exc))
        held, names = [], {}
    for locktype, relation, key, mode, pid, user in held:
        signed = key - (1 << 64) if key is not None and key >= (1 << 63) else key
        what = (f"the lock on {relation}" if locktype == "relation"
                else names.get(signed))
        if what:
            return str(lock_timeout_error(what, f"pid {pid}, role {user}, {mode}"))
    return str(lock_timeout_error("a lock"))


def database_line(exc: psycopg.Error) -> str:
    if isinstance(exc, psycopg.errors.LockNotAvailable):
        return _lock_timeout_line()
    if isinstance(exc, psycopg.errors.QueryCanceled) and "statement timeout" in str(exc):
        from pipeline.db import STATEMENT_TIMEOUT_ENV, statement_timeout_s

        return (f"a statement ran longer than {statement_timeout_s():g} s and was cancelled "
                f"({STATEMENT_TIMEOUT_ENV}); nothing it wrote was published")
    if isinstance(exc, psycopg.errors.UndefinedTable):
        m = _MISSING_RELATION.search(str(exc))
        if m and (m.group("schema") or "") in WAREHOUSE_SCHEMAS:
            return (f"the warehouse is not migrated (relation \"{m.group('schema')}."
                    f"{m.group('name')}\" does not exist): run python -m pipeline migrate")
    if isinstance(exc, psycopg.OperationalError) and exc.sqlstate is None:
        return _connection_line(exc)  # raised by libpq before/while connecting
    if isinstance(exc, _ACCESS_ERRORS):
        return f"cannot use the warehouse database: {_first_lines(exc)}"
    code = f" ({exc.sqlstate})" if exc.sqlstate else ""
    return f"database error{code}: {_first_lines(exc)}"


def error_line(exc: BaseException) -> tuple[str, int] | None:
    """(one redacted line without the 'error: ' prefix, exit code), or None for a bug."""
    if isinstance(exc, PipelineError):
        return redact(exc), getattr(exc, "exit_code", EXIT_ERROR)
    if isinstance(exc, psycopg.Error):
        return redact(database_line(exc)), EXIT_ERROR
    return None
