"""The compose deployment's `airflow-init`, run for real in the Airflow image built here.

The init service's own entrypoint, command, user (UID 50000) and environment, as
`docker compose config` renders them from an env file with every secret filled in, run in a
container of the image built from airflow/Dockerfile, with fresh named volumes where compose
mounts its named volumes, against the local PostgreSQL (host network; only the database hosts
are changed, from the compose service names to 127.0.0.1). It must migrate both databases,
create the pool and write the api-server login into the fresh auth volume.

Why init can write there: Docker populates a fresh named volume from the image's directory at
its mount point, owner and mode included, and leaves it root-owned (0755) when the image has no
such directory, which is what broke init on a real Docker host before the image created
/opt/airflow/auth. Podman differs in that second case only: it gives such a volume to the
container's user, mode 0755, so on podman init would pass even without the directory. Hence
the checks that tell the two apart: the image's /opt/airflow/auth is 50000:0 with mode 0775, and
the auth volume after init has exactly that owner and mode, while a fresh volume where the image
has no directory gets 0755 here: the volume took the image's directory, as on Docker.
"""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest

from tests.airflow.test_compose import filled_env, render, required_vars
from tests.dbutil import create_database, drop_database

pytestmark = [pytest.mark.containers, pytest.mark.slow]
INIT_TIMEOUT = 600


@pytest.fixture(scope="module")
def init_service(tmp_path_factory):
    from cryptography.fernet import Fernet

    values = {**filled_env(), "AIRFLOW_FERNET_KEY": Fernet.generate_key().decode()}
    env_file = tmp_path_factory.mktemp("init") / "env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items() if k in required_vars()))
    proc = render(env_file)
    assert proc.returncode == 0 and proc.stdout.strip(), proc.stderr
    config = json.loads(proc.stdout)
    return config["services"]["airflow-init"], config.get("volumes") or {}


@pytest.fixture
def databases():
    made = [create_database("drawpipe_ctr_meta"), create_database("drawpipe_ctr_wh")]
    yield [url for _, url in made]
    for name, url in made:
        drop_database(url, name)


@pytest.fixture
def fresh_volumes(docker_client):
    made = []

    def make():
        volume = docker_client.volumes.create(name=f"drawpipe-test-{uuid.uuid4().hex[:12]}")
        made.append(volume)
        return volume

    yield make
    for volume in made:
        volume.remove(force=True)


def _local(url: str, driver: str = "postgresql") -> str:
    """A libpq URL of the local server, in the form compose's variables have."""
    from psycopg.conninfo import conninfo_to_dict

    p = conninfo_to_dict(url)
    return f"{driver}://{p.get('user', 'postgres')}@{p.get('host', '127.0.0.1')}:" \
           f"{p.get('port', 5432)}/{p['dbname']}"


def _run(docker_client, image, **kwargs) -> tuple[int, str]:
    container = docker_client.containers.run(image, detach=True, network_mode="host", **kwargs)
    try:
        code = container.wait(timeout=INIT_TIMEOUT)["StatusCode"]
        return code, container.logs(stdout=True, stderr=True).decode(errors="replace")
    finally:
        container.remove(force=True)


def test_init_runs_as_uid_50000_on_fresh_volumes(init_service, databases, fresh_volumes,
                                                 containers, docker_client):
    service, _ = init_service
    assert str(service["user"]).split(":")[0] == "50000"
    meta, warehouse = databases
    env = dict(service["environment"])
    env.update({
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": _local(meta, "postgresql+psycopg2"),
        "AIRFLOW__CELERY__RESULT_BACKEND": _local(meta, "db+postgresql"),
        "AIRFLOW_CONN_WAREHOUSE": _local(warehouse),
        "PIPELINE_DATABASE_URL": _local(warehouse),
    })
    mounts = {}
    for spec in service["volumes"]:
        if spec["type"] == "volume":  # every named volume of the service: a fresh one
            mounts[fresh_volumes().name] = {"bind": spec["target"], "mode": "rw"}
    assert "/opt/airflow/auth" in {m["bind"] for m in mounts.values()}
    image = containers["DRAWPIPE_AIRFLOW_IMAGE"]
    owner_and_mode = ("import os, sys; s = os.stat(sys.argv[1]);"
                      " print(f'{s.st_uid}:{s.st_gid} {s.st_mode & 0o777:o}')")
    code, in_image = _run(docker_client, image, entrypoint=["python", "-c"],
                          command=[owner_and_mode, "/opt/airflow/auth"], user="0:0")
    assert (code, in_image.strip()) == (0, "50000:0 775"), in_image

    # `docker compose config` writes a literal $ as $$ (compose unescapes it when it runs).
    command = [part.replace("$$", "$") for part in service["command"]]
    code, logs = _run(docker_client, image, entrypoint=service["entrypoint"], command=command,
                      user=str(service["user"]), environment=env, volumes=mounts)
    assert code == 0, logs[-5000:]

    auth = next(name for name, m in mounts.items() if m["bind"] == "/opt/airflow/auth")
    elsewhere = fresh_volumes().name
    script = ("import json, os\n"
              "for d in ('/opt/airflow/auth', '/opt/airflow/not-in-image'):\n"
              "    s = os.stat(d); print(d, f'{s.st_uid}:{s.st_gid} {s.st_mode & 0o777:o}')\n"
              "print(json.dumps(json.load(open('/opt/airflow/auth/passwords.json'))))")
    code, out = _run(docker_client, image, entrypoint=["python", "-c"], command=[script],
                     user="50000:0",
                     volumes={auth: {"bind": "/opt/airflow/auth", "mode": "ro"},
                              elsewhere: {"bind": "/opt/airflow/not-in-image", "mode": "rw"}})
    assert code == 0, out
    lines = out.strip().splitlines()
    assert lines[0] == "/opt/airflow/auth 50000:0 775", out  # the image's directory
    assert lines[1].endswith(" 755"), out  # the engine's own default: not where 775 came from
    assert json.loads(lines[2]) == {env["AIRFLOW_ADMIN_USER"]: env["AIRFLOW_ADMIN_PASSWORD"]}
    with psycopg.connect(meta) as conn:
        slots = conn.execute("select slots from slot_pool where pool = 'warehouse_writers'"
                             ).fetchone()
    assert slots == (int(env["WAREHOUSE_WRITER_SLOTS"]),)
    with psycopg.connect(warehouse) as conn:
        schemas = {r[0] for r in conn.execute("select nspname from pg_namespace")}
    assert {"bronze", "silver", "gold", "ops"} <= schemas

