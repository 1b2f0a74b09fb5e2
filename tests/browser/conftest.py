"""A real local Airflow (scripts/airflow-local.sh: api-server, scheduler, dag-processor, triggerer with the
LocalExecutor) against the `linewatch_airflow` metadata DB and the *test* data DB, shared by the browser
test and the backfill test. It lives in its own AIRFLOW_LOCAL_HOME on a free port, so a developer's
`make airflow` on 8080 is left alone; the scheduler creates no scheduled runs (use_job_schedule off), so
only the runs a test asks for happen."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, ROOT

SCRIPT = ROOT / "scripts" / "airflow-local.sh"
START_TIMEOUT = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalAirflow:
    def __init__(self, home: Path, port: int):
        self.home, self.port = home, port
        # The instance's own copy of the configuration, so that a test can change a rule for its tasks.
        self.config = home / "linewatch.yaml"
        self.config.write_text((ROOT / "config" / "linewatch.yaml").read_text())
        self.url = f"http://127.0.0.1:{port}"
        self.env = {**os.environ, "AIRFLOW_LOCAL_HOME": str(home), "AIRFLOW_LOCAL_PORT": str(port),
                    "AIRFLOW_LOCAL_PARALLELISM": "4", "LINEWATCH_CONFIG": str(self.config), "AIRFLOW_LOCAL_TIMEOUT": str(START_TIMEOUT),
                    "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False", "AIRFLOW_HOME": str(home),
                    # The log servers of the scheduler and triggerer default to 8793/8794: keep clear of a
                    # developer's instance.
                    "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
                    "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port())}
        self.log = ARTIFACTS / "airflow-local.log"
        self.process = None
        self._token = None

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as out:
            self.process = subprocess.Popen(["bash", str(SCRIPT), "start"], env=self.env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT + 30
        while "all components healthy" not in self.log.read_text():
            if self.process.poll() is not None:
                raise RuntimeError(f"airflow-local.sh exited {self.process.returncode}:\n{self.log.read_text()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"Airflow not healthy in time:\n{self.log.read_text()}")
            time.sleep(1)

    def stop(self) -> None:
        if self.process is None:
            return
        subprocess.run(["bash", str(SCRIPT), "stop"], env=self.env, timeout=120, check=False,
                       capture_output=True)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # the supervising script we started, by its own id
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def password(self, user: str) -> str:
        return json.loads((self.home / "simple_auth_manager_passwords.json").read_text())[user]

    def airflow(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """The airflow CLI against this instance's metadata DB."""
        return subprocess.run([str(ROOT / ".venv" / "bin" / "airflow"), *args], env=self.env, timeout=timeout,
                              capture_output=True, text=True, check=True)

    def api(self, method: str, path: str, body: dict | None = None) -> dict:
        if self._token is None:
            self._token = self._request("POST", "/auth/token", {"username": "operator",
                                                                "password": self.password("operator")},
                                        auth=False)["access_token"]
        return self._request(method, path, body)

    def _request(self, method: str, path: str, body: dict | None, auth: bool = True) -> dict:
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self._token}"
        request = urllib.request.Request(self.url + path, method=method, headers=headers,
                                         data=json.dumps(body).encode() if body is not None else None)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def wait_for_runs(self, dag_id: str, run_ids: set[str], timeout: float) -> dict[str, str]:
        """Poll until every run is finished (bounded); returns run_id -> state."""
        deadline, states = time.monotonic() + timeout, {}
        while time.monotonic() < deadline:
            runs = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns?limit=100")["dag_runs"]
            states = {r["dag_run_id"]: r["state"] for r in runs if r["dag_run_id"] in run_ids}
            if len(states) == len(run_ids) and all(s in ("success", "failed") for s in states.values()):
                return states
            time.sleep(2)
        raise TimeoutError(f"{dag_id}: runs not finished after {timeout}s: {states}")


@pytest.fixture(scope="session")
def sample_data(engine):
    """The sample days loaded, flagged and reported into the test data DB by the real DAGs (dag.test)."""
    from tests.dags.conftest import run_sample_pipeline

    return run_sample_pipeline(engine)


@pytest.fixture(scope="session")
def local_airflow(sample_data, tmp_path_factory):
    instance = LocalAirflow(tmp_path_factory.mktemp("airflow-home"), free_port())
    started = time.monotonic()
    try:
        instance.start()
        print(f"local Airflow healthy after {time.monotonic() - started:.0f}s on {instance.url}")
        yield instance
    finally:
        instance.stop()
