"""Real containers through podman's Docker-compatible API (scripts/containers_local.sh).

The session fixture runs `scripts/containers_local.sh up`: it installs podman if missing, makes
the Debian base once per machine, builds the step and Airflow images (cached layers after the
first build) and starts the API service, or reuses one already running. Anything that stops it
fails the test: these tests never skip. A service the fixture started, it stops afterwards.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "containers_local.sh"
UP_TIMEOUT = 3600  # a first build on a cold machine: base ~2 min, images ~6 min here


def _service_running() -> bool:
    pidfile = Path(os.environ.get("DRAWPIPE_CONTAINERS_STATE", ROOT / ".drawpipe" / "containers"),
                   "podman-service.pid")
    try:
        os.kill(int(pidfile.read_text()), 0)
    except (OSError, ValueError):
        return False
    return True


@pytest.fixture(scope="session")
def containers() -> dict[str, str]:
    """The `export` settings of `containers_local.sh up`, as a dict (DOCKER_HOST, ...)."""
    was_running = _service_running()
    started = time.perf_counter()
    try:
        proc = subprocess.run([str(SCRIPT), "up"], capture_output=True, text=True,
                              timeout=UP_TIMEOUT, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"containers_local.sh up did not finish: {exc}")
    if proc.returncode != 0:
        pytest.fail(f"containers_local.sh up failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    settings = dict(re.findall(r"^export ([A-Z_]+)=(\S+)$", proc.stdout, re.M))
    assert {"DOCKER_HOST", "PIPELINE_STEP_RUNNER", "PIPELINE_STEP_IMAGE",
            "PIPELINE_STEP_NETWORK", "DRAWPIPE_AIRFLOW_IMAGE"} <= set(settings), proc.stdout
    print(f"\ncontainers_local.sh up: {time.perf_counter() - started:.1f}s")
    yield settings
    if not was_running:
        subprocess.run([str(SCRIPT), "down"], capture_output=True, text=True, timeout=60,
                       cwd=ROOT)


@pytest.fixture(scope="session")
def docker_client(containers):
    import docker

    client = docker.DockerClient(base_url=containers["DOCKER_HOST"], timeout=120)
    yield client
    client.close()
