"""An embedded PostgreSQL (pgserver) for machines with no server configured."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.settings import settings

log = logging.getLogger(__name__)
# pgserver logs every pg_ctl call at INFO and a failed one as a 10-line ERROR. Every failure
# is reported here instead, as one line (_reason): its ERROR records are dropped by a filter
# (a logger level would be reset by the CLI's logging set-up).
logging.getLogger("pgserver").setLevel(logging.WARNING)
logging.getLogger("pgserver").addFilter(lambda record: record.levelno < logging.ERROR)


def _reason(exc: Exception) -> str:
    """pg_ctl's own last line when pgserver kept it (CalledProcessError), else the error."""
    stderr = getattr(exc, "stderr", None)
    if isinstance(stderr, bytes):
        stderr = stderr.decode(errors="replace")
    lines = [ln.strip() for ln in (stderr or "").splitlines() if ln.strip()]
    return lines[-1] if lines else " ".join(str(exc).split())


def embedded_dir() -> Path:
    """PIPELINE_EMBEDDED_DIR, else <state dir>/pgdata."""
    return settings().embedded_dir


def embedded_url() -> str:
    """Start (or reuse) the embedded server and return its libpq URL.

    The server is left running (cleanup_mode=None) so later commands reuse it in ~0.1 s;
    `python -m pipeline embedded stop` stops it.
    """
    folder = embedded_dir()
    try:
        import pgserver  # a 30 MB wheel: only loaded when actually needed
    except ImportError as exc:
        raise PipelineError("no PIPELINE_DATABASE_URL and no embedded PostgreSQL (pgserver is "
                            f"not installed: {exc}); set PIPELINE_DATABASE_URL") from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            # pgserver runs postgres as the 'pgserver' system user when started as root; the
            # parents of the data folder must be traversable by it.
            # (the data folder itself must stay 0700: postgres refuses anything wider)
            for parent in list(folder.parents)[:2]:
                if parent.exists():
                    parent.chmod(parent.stat().st_mode | 0o711)
    except OSError as exc:
        raise PipelineError(f"cannot prepare the embedded PostgreSQL folder {folder}: "
                            f"{exc.strerror or exc}") from None
    try:
        server = pgserver.get_server(folder, cleanup_mode=None)
    except Exception as exc:  # pgserver raises bare CalledProcessError / RuntimeError
        raise PipelineError(f"the embedded PostgreSQL in {folder} did not start ({_reason(exc)}); "
                            f"see {folder / 'log'}") from exc
    url = server.get_uri()
    log.info("using embedded PostgreSQL in %s", folder)
    return url


def stop_embedded() -> bool:
    """Stop the embedded server if it runs; True when there was one to stop."""
    folder = embedded_dir()
    if not (folder / "postmaster.pid").exists():
        return False
    from pgserver._commands import pg_ctl

    # The server runs as the 'pgserver' system user when it was started by root.
    user = "pgserver" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=folder, user=user)
    except Exception as exc:  # noqa: BLE001 - pgserver raises bare CalledProcessError etc.
        raise PipelineError(f"could not stop the embedded PostgreSQL in {folder} ({_reason(exc)}); "
                            f"see {folder / 'log'}") from None
    return True
