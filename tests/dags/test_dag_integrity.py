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
    assert {"linewatch_reference", "linewatch_ingest_patrol", "linewatch_flag_incidents",
            "linewatch_daily_summary"} <= set(dagbag.dags)


def test_every_dag_has_owner_tags_retries_and_docs(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags and "linewatch" in dag.tags, dag_id
        assert dag.doc_md and "When it fails" in dag.doc_md, dag_id
        for task in dag.tasks:
            assert task.owner == "linewatch", (dag_id, task.task_id)
            assert task.retry_exponential_backoff, (dag_id, task.task_id)


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
