"""An embedded PostgreSQL (pgserver) for machines with no server configured."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.paths import state_dir

log = logging.getLogger(__name__)
logging.getLogger("pgserver").setLevel(logging.WARNING)  # it logs every pg_ctl call at INFO


def embedded_dir() -> Path:
    return Path(os.environ.get("PIPELINE_EMBEDDED_DIR") or state_dir() / "pgdata")


def embedded_url() -> str:
    """Start (or reuse) the embedded server and return its libpq URL.

    The server is left running (cleanup_mode=None) so later commands reuse it in ~0.1 s;
    `python -m pipeline embedded stop` stops it.
    """
    import pgserver  # a 30 MB wheel: only loaded when actually needed

    folder = embedded_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        # pgserver runs postgres as the 'pgserver' system user when started as root; the
        # parents of the data folder must be traversable by it.
        # (the data folder itself must stay 0700: postgres refuses anything wider)
        for parent in list(folder.parents)[:2]:
            if parent.exists():
                parent.chmod(parent.stat().st_mode | 0o711)
    try:
        server = pgserver.get_server(folder, cleanup_mode=None)
    except Exception as exc:  # pgserver raises bare CalledProcessError / RuntimeError
        raise PipelineError(f"the embedded PostgreSQL in {folder} did not start ({exc}); "
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
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=folder, user=user)
    return True
