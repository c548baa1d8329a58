"""An Airflow 3 CeleryExecutor cluster on this machine: api-server, scheduler, dag-processor and
two Celery workers, against the local Redis (one dedicated db) and a fresh PostgreSQL metadata DB.

Nothing here is a mock: the processes are the real `airflow` CLI entry points a deployment runs
(docker-compose.airflow.yml), only on 127.0.0.1 with free ports and a throwaway AIRFLOW_HOME.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict

from tests.scaleout.processes import ProcessSet

ROOT = Path(__file__).resolve().parents[2]
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
WRITERS_POOL = ("warehouse_writers", "2")
WORKERS = ("drawpipe-a", "drawpipe-b")
WORKER_CONCURRENCY = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sqlalchemy_url(conninfo: str, driver: str = "postgresql+psycopg2") -> str:
    p = conninfo_to_dict(conninfo)
    auth = p.get("user", "postgres") + (f":{p['password']}" if p.get("password") else "")
    return f"{driver}://{auth}@{p.get('host', '127.0.0.1')}:{p.get('port', 5432)}/{p['dbname']}"


def warehouse_connection(conninfo: str) -> str:
    """AIRFLOW_CONN_WAREHOUSE as JSON: the steps get the warehouse only through it."""
    p = conninfo_to_dict(conninfo)
    return json.dumps({"conn_type": "postgres", "host": p.get("host"), "port": p.get("port"),
                       "login": p.get("user"), "password": p.get("password"),
                       "schema": p.get("dbname")})


def cluster_env(home: Path, metadata: str, warehouse: str, broker: str, api_port: int) -> dict:
    """The environment every Airflow process of the cluster shares (as the compose file's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    from cryptography.fernet import Fernet

    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(64),
        "AIRFLOW__API__SECRET_KEY": secrets.token_hex(32),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sqlalchemy_url(metadata),
        "AIRFLOW__CELERY__BROKER_URL": broker,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + sqlalchemy_url(metadata, "postgresql"),
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(WORKER_CONCURRENCY),
        # Airflow's default, stated because the spread over workers relies on it: a worker
        # reserves one task per free slot, never tasks queued behind a long one.
        "AIRFLOW__CELERY__WORKER_PREFETCH_MULTIPLIER": "1",
        # A fast dag-processor: the DAGs exist a few seconds after it starts.
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "10",
        "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
        # Only the test's own runs: with the DAGs unpaused, the cron timetable would otherwise
        # queue tonight's nightly run (catchup=False still makes the latest one), and with
        # max_active_runs=1 the backfill would wait behind it.
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
        # Another Airflow on this machine (a helper's standalone, a user's) must not collide.
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW_CONN_WAREHOUSE": warehouse_connection(warehouse),
        # The steps must reach the warehouse through the connection, not an inherited variable.
        "PIPELINE_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/not_the_warehouse",
        "PIPELINE_STEP_RUNNER": "local",
        "PYTHONPATH": str(ROOT),
        "PYTHONWARNINGS": "ignore",
        "TQDM_DISABLE": "1",
    })
    return env


@dataclass
class Cluster:
    home: Path
    env: dict
    metadata: str  # libpq conninfo of the metadata database
    api_port: int
    procs: ProcessSet = field(init=False)
    timings: dict = field(default_factory=dict)

    def __post_init__(self):
        (self.home / "proc_logs").mkdir(parents=True, exist_ok=True)
        self.procs = ProcessSet(self.home / "proc_logs")

    def airflow(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        proc = subprocess.run([AIRFLOW, *args], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(args)} exited {proc.returncode}:\n"
                               f"{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
        return proc

    def init(self) -> None:
        started = time.perf_counter()
        self.airflow("db", "migrate", timeout=300)
        self.airflow("pools", "set", *WRITERS_POOL, "drawpipe steps that publish")
        self.timings["init_s"] = round(time.perf_counter() - started, 1)

    def start(self) -> None:
        started = time.perf_counter()
        self.procs.start("api-server", [AIRFLOW, "api-server", "-H", "127.0.0.1", "-p",
                                        str(self.api_port), "-w", "1"], self.env, ROOT)
        self.procs.start("scheduler", [AIRFLOW, "scheduler"], self.env, ROOT)
        self.procs.start("dag-processor", [AIRFLOW, "dag-processor"], self.env, ROOT)
        for name in WORKERS:
            env = {**self.env, "DRAWPIPE_WORKER_NAME": name,
                   "AIRFLOW__CORE__HOSTNAME_CALLABLE":
                       "tests.scaleout.worker_identity.hostname"}
            self.procs.start(name, [AIRFLOW, "celery", "worker", "--celery-hostname",
                                    f"{name}@%h", "--concurrency", str(WORKER_CONCURRENCY),
                                    "--queues", "default", "--skip-serve-logs"], env, ROOT)
        self.wait_ready()
        self.timings["start_s"] = round(time.perf_counter() - started, 1)

    # -- readiness ---------------------------------------------------------------------------
    def _check_alive(self) -> None:
        dead = self.procs.dead()
        if dead:
            raise RuntimeError(f"cluster process(es) exited: {dead}\n{self.log_tails()}")

    def health(self) -> dict:
        url = f"http://127.0.0.1:{self.api_port}/api/v2/monitor/health"
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return json.loads(resp.read())
        except OSError:
            return {}

    def worker_ready(self, name: str) -> bool:
        log = self.procs.log_dir / f"{name}.log"
        return log.exists() and f"{name}@" in log.read_text(errors="replace") and \
            " ready." in log.read_text(errors="replace")

    def dags_serialized(self, dag_ids) -> bool:
        with psycopg.connect(self.metadata, autocommit=True) as conn:
            rows = conn.execute("select d.dag_id from dag d join serialized_dag s using (dag_id)"
                                " where not d.is_paused and d.dag_id = any(%s)",
                                (list(dag_ids),)).fetchall()
        return len(rows) == len(set(dag_ids))

    def wait_ready(self, timeout: float = 150) -> None:
        deadline = time.monotonic() + timeout
        from tests.scaleout.backfill import DAG_IDS

        while time.monotonic() < deadline:
            self._check_alive()
            h = self.health()
            if (h.get("scheduler", {}).get("status") == "healthy"
                    and h.get("dag_processor", {}).get("status") == "healthy"
                    and all(self.worker_ready(w) for w in WORKERS)
                    and self.dags_serialized(DAG_IDS)):
                return
            time.sleep(1)
        raise TimeoutError(f"cluster not ready after {timeout}s: health={self.health()}\n"
                           f"{self.log_tails()}")

    def log_tails(self, lines: int = 25) -> str:
        out = []
        for s in self.procs.started:
            text = s.log.read_text(errors="replace").splitlines() if s.log.exists() else []
            out.append(f"--- {s.name} ({s.log}) ---\n" + "\n".join(text[-lines:]))
        return "\n".join(out)

    def stop(self) -> list[int]:
        return self.procs.stop_all()
