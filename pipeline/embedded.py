"""An embedded PostgreSQL (pgserver) for machines with no server configured."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

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
        for parent in [folder, *folder.parents][:3]:
            if parent.exists():
                parent.chmod(parent.stat().st_mode | 0o711)
    server = pgserver.get_server(folder, cleanup_mode=None)
    url = server.get_uri()
    log.info("using embedded PostgreSQL in %s", folder)
    return url


def stop_embedded() -> bool:
    folder = embedded_dir()
    if not (folder / "postmaster.pid").exists():
        return False
    import subprocess

    from pgserver import POSTGRES_BIN_PATH

    pg_ctl = str(Path(POSTGRES_BIN_PATH) / "pg_ctl")
    cmd = [pg_ctl, "-D", str(folder), "-m", "fast", "stop"]
    if os.geteuid() == 0 and shutil.which("su"):
        cmd = ["su", "pgserver", "-s", "/bin/sh", "-c", " ".join(cmd)]
    subprocess.run(cmd, check=False, capture_output=True)
    return True
