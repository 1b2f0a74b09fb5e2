"""Shared by the DAG tests (and the browser tests): run the real DAGs over the sample days, fingerprint
what they wrote, and a small local HTTP server standing in for the alert webhook."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import TABLES, rows

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

# What the pipeline wrote, by content (no surrogate ids or timestamps), so that "same rows" means same rows.
FINGERPRINT = {
    "observation": "SELECT feed, source_id, observed_at, ST_AsText(geom), kind FROM linewatch.observation",
    "ingest_batch": "SELECT feed, sha256, status, rows_read, rows_loaded, rows_updated, rows_rejected, "
                    "rows_duplicate FROM linewatch.ingest_batch",
    "rejected_row": "SELECT b.sha256, r.line_number, r.reason, r.is_duplicate FROM linewatch.rejected_row r "
                    "JOIN linewatch.ingest_batch b USING (batch_id)",
    # Whole rows as JSON minus surrogate keys, so columns other sessions add are covered too.
    "flag": "SELECT o.source_id, to_jsonb(f) - 'flag_id' - 'obs_id' "
            "FROM linewatch.flag f JOIN linewatch.observation o USING (obs_id)",
    "flag_run": "SELECT day, rule, observations, flags FROM linewatch.flag_run",
    "incident": "SELECT to_jsonb(i) FROM linewatch.incident i",
    "incident_observation": "SELECT i.incident_id, o.source_id FROM linewatch.incident_observation i "
                            "JOIN linewatch.observation o USING (obs_id)",
    "daily_report": "SELECT report_date, version, content_hash FROM linewatch.daily_report",
    "line_piece": "SELECT count(*) FROM linewatch.line_piece",
}


def fingerprint(engine) -> dict[str, str]:
    """An md5 per table of its rows' content, in a stable order."""
    out = {}
    for table, query in FINGERPRINT.items():
        out[table] = rows(engine, f"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY "
                                  f"t::text)), '') FROM ({query}) t")[0][0]
    return out


def truncate(engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE " + ", ".join(f"linewatch.{t}" for t in TABLES) +
                             " RESTART IDENTITY CASCADE"))


def run_sample_pipeline(engine) -> dict:
    """Empty the schema, then run the DAGs (dag.test) over the sample days as `make demo` does."""
    from run_dags import load_dags, run_day

    from linewatch.sample import SAMPLE_DAYS

    truncate(engine)
    dags = load_dags()
    dags["linewatch_reference"].test()
    for day in SAMPLE_DAYS:
        run_day(dags, day, "Europe/Kyiv")
    return dags


class Webhook:
    """A tiny HTTP server on 127.0.0.1 that records the JSON bodies POSTed to it."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append({"path": self.path, "content_type": self.headers.get("Content-Type"),
                                 "json": json.loads(body)})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/alerts"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook(monkeypatch):
    from linewatch.orchestration import OPERATIONS

    hook = Webhook()
    monkeypatch.setenv(OPERATIONS.webhook_url_env, hook.url)
    yield hook
    hook.close()


def state(run) -> str:
    """A DAG run's state as text, whichever enum or string dag.test() returned."""
    return str(getattr(run.state, "value", run.state))
