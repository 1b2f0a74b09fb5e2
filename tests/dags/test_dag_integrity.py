"""Every DAG file imports cleanly, fast, and every DAG carries what operators need (owner, tags, retries, docs)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DAG_FILES = sorted((ROOT / "dags").glob("*.py"))


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(ROOT / "dags"))


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_file_imports_without_errors(path):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(path))
    assert bag.import_errors == {}
    assert bag.dags, f"{path.name} defines no DAG"


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_file_parses_fast_without_heavy_imports(path):
    """Parse in a fresh interpreter (as the DAG processor does); pandas/geopandas/matplotlib stay unloaded."""
    code = (
        "import sys, time; import airflow.sdk; t = time.perf_counter(); import runpy; "
        f"runpy.run_path({str(path)!r}); dt = time.perf_counter() - t; "
        "heavy = sorted(m for m in ('pandas', 'geopandas', 'matplotlib', 'shapely', 'pyproj') if m in sys.modules); "
        "print(f'{dt:.3f}', ','.join(heavy))"
    )
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    seconds, heavy = float(out[0]), (out[1] if len(out) > 1 else "")
    print(f"{path.name}: parsed in {seconds:.3f} s (process {time.perf_counter() - started:.1f} s)")
    assert seconds < 1.0
    assert heavy == "", f"{path.name} imports {heavy} at module level"


def test_expected_dags_exist(dagbag):
    from linewatch.orchestration import CONFIG

    assert {"linewatch_reference", "linewatch_flag_incidents", "linewatch_daily_summary",
            "linewatch_maintenance"} | {f"linewatch_ingest_{feed.name}" for feed in CONFIG.feeds} == set(dagbag.dags)


def test_every_dag_has_owner_tags_retries_and_docs(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags and "linewatch" in dag.tags, dag_id
        assert dag.doc_md and "When it fails" in dag.doc_md, dag_id
        for task in dag.tasks:
            assert task.owner == "linewatch", (dag_id, task.task_id)
            assert task.retry_exponential_backoff, (dag_id, task.task_id)


def test_every_task_alerts_on_failure(dagbag):
    from linewatch.orchestration import notify_failure

    for dag_id, dag in dagbag.dags.items():
        for task in dag.tasks:
            callbacks = task.on_failure_callback
            callbacks = callbacks if isinstance(callbacks, list) else [callbacks]
            assert notify_failure in callbacks, (dag_id, task.task_id)


def test_every_dag_takes_params_for_manual_runs(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.params, dag_id
        for name, param in dag.params.items():
            assert param.description, (dag_id, name)
    for dag_id in ("linewatch_daily_summary", "linewatch_ingest_patrol"):
        assert {"day", "date_from", "date_to"} <= set(dagbag.dags[dag_id].params), dag_id
    assert {"days", "date_from", "date_to"} <= set(dagbag.dags["linewatch_flag_incidents"].params)
    assert "feed" in dagbag.dags["linewatch_maintenance"].params


def test_tasks_that_work_on_postgis_run_in_the_pool(dagbag):
    """Every task whose code opens the PostGIS engine runs in pool linewatch_postgis; the others don't."""
    import inspect

    from linewatch.orchestration import POSTGIS_POOL

    for dag_id, dag in dagbag.dags.items():
        for task in dag.tasks:
            uses_postgis = "postgis_engine()" in inspect.getsource(task.python_callable)
            assert (task.pool == POSTGIS_POOL) == uses_postgis, (dag_id, task.task_id, task.pool)


def test_ingest_dags_check_batches_and_freshness(dagbag):
    for dag_id, dag in dagbag.dags.items():
        if dag_id.startswith("linewatch_ingest_"):
            assert {"ingest", "check_batches", "check_freshness"} <= set(dag.task_ids), dag_id
            # The freshness check runs even when the load failed: that is when it matters.
            assert dag.get_task("check_freshness").trigger_rule == "all_done"
            assert dag.get_task("check_freshness").upstream_task_ids == {"ingest"}


def test_dag_files_pass_ruff_airflow_rules():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "AIR", str(ROOT / "dags")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_daily_summary_window_is_the_whole_local_day(dagbag):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from airflow.serialization.encoders import coerce_to_core_timetable

    timetable = coerce_to_core_timetable(dagbag.dags["linewatch_daily_summary"].timetable)
    kyiv = ZoneInfo("Europe/Kyiv")
    # 26 Oct 2026 is 25 hours long in Kyiv (DST ends): the window still runs midnight to midnight.
    for run_after, start, hours in ((datetime(2026, 11, 3, tzinfo=kyiv), datetime(2026, 11, 2, tzinfo=kyiv), 24),
                                    (datetime(2026, 10, 26, tzinfo=kyiv), datetime(2026, 10, 25, tzinfo=kyiv), 25)):
        interval = timetable.infer_manual_data_interval(run_after=run_after)
        assert interval.start == start and interval.end == run_after
        assert (interval.end - interval.start).total_seconds() == hours * 3600
