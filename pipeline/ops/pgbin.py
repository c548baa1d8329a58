"""Find PostgreSQL client binaries (pg_dump, pg_restore) matching a server's major version.

pg_dump refuses servers newer than itself and pg_restore may not read a newer dump format, so
the binaries are picked by the server's major version, never by whatever is first on PATH.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.settings import settings

_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


def server_major(conn) -> int:
    return int(conn.execute("show server_version_num").fetchone()[0]) // 10000


def _candidates(tool: str, major: int) -> list[Path]:
    dirs: list[Path] = []
    if pg_bin := settings().pg_bin:
        dirs.append(pg_bin)
    dirs.append(Path(f"/usr/lib/postgresql/{major}/bin"))
    try:  # the embedded server's own binaries
        from pgserver._commands import POSTGRES_BIN_PATH

        dirs.append(Path(POSTGRES_BIN_PATH))
    except ImportError:
        pass
    found = [d / tool for d in dirs]
    if on_path := shutil.which(tool):
        found.append(Path(on_path))
    return [p for p in found if p.is_file() and os.access(p, os.X_OK)]


def binary_major(path: Path) -> int | None:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = _VERSION.search(out)
    return int(m.group(1)) if m else None


def find_binary(tool: str, major: int) -> Path:
    """The first `tool` whose major version equals the server's, or a clear ConfigError."""
    seen = []
    for path in _candidates(tool, major):
        version = binary_major(path)
        if version == major:
            return path
        seen.append(f"{path} ({version or 'unknown'})")
    tried = ", ".join(seen) or "none found"
    raise ConfigError(f"no {tool} for PostgreSQL {major}: tried {tried}; install the "
                      f"PostgreSQL {major} client or set PIPELINE_PG_BIN to its bin directory")


def libpq_target(url: str) -> tuple[str, dict]:
    """(conninfo without the password, environment carrying it): keeps secrets out of `ps`."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(url)
    env = dict(os.environ)
    if password := params.pop("password", None):
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**params), env


_PR_SET_PDEATHSIG = 1


def die_with_parent():
    """A preexec_fn making the child get SIGKILL when this process dies (Linux), or None.

    Without it a `kill -9` of a step leaves pg_dump / pg_restore running as orphans. libc is
    loaded here, before the fork, so the child only makes two system calls.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec
