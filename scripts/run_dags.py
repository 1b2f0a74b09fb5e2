"""Run the linewatch Airflow DAGs (not the functions behind them) with `dag.test()`, day by day.

Used by `make demo` over the sample days. For each day, in the order the scheduler would run them:
each feed's ingest DAG, then the flag-and-incident DAG (which the scheduler starts from the ingest
asset event; dag.test runs one DAG, so the days are handed over as the run's conf), then the daily
summary for that day's data interval. Prints the daily report paths at the end.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]


def load_dags():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags"))
    if bag.import_errors:
        for path, error in bag.import_errors.items():
            print(f"DAG import error in {path}:\n{error}", file=sys.stderr)
        raise SystemExit(1)
    for dag in bag.dags.values():
        # Airflow 3.3.2's dag.test() cannot finish a run of a DAG with a DeadlineAlert: on success it looks
        # the alerts up by id, but its in-memory copy of the DAG holds them serialized, not as ids
        # (DeadlineAlert.get_by_id(<dict>) -> "cannot adapt type 'dict'"). Deadlines only matter to the
        # scheduler, which reads them from the serialized DAG in the metadata DB; dag.test runs go without.
        dag.deadline = None
    return bag.dags


def check(run, what: str) -> None:
    state = getattr(run, "state", None)
    if str(state) not in ("success", "DagRunState.SUCCESS"):
        raise SystemExit(f"{what}: DAG run ended {state}")


def run_day(dags: dict, day: date, tz: str) -> None:
    # A daily data-interval run that starts at local midnight after `day` covers the whole of `day`
    # (dag.test infers the interval that ends at the logical date, as the scheduler would).
    run_after = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(tz))
    for dag_id in sorted(d for d in dags if d.startswith("linewatch_ingest_")):
        check(dags[dag_id].test(logical_date=run_after), f"{dag_id} {day}")
    check(dags["linewatch_flag_incidents"].test(logical_date=run_after, run_conf={"days": [day.isoformat()]}),
          f"linewatch_flag_incidents {day}")
    check(dags["linewatch_daily_summary"].test(logical_date=run_after), f"linewatch_daily_summary {day}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", action="store_true", help="run over the sample days")
    parser.add_argument("days", nargs="*", type=date.fromisoformat)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    from linewatch.config import load_config
    from linewatch.sample import SAMPLE_DAYS
    from linewatch.settings import Settings

    settings = Settings.from_env()
    config = load_config(settings.config_path)
    days = list(SAMPLE_DAYS) if args.sample else args.days
    dags = load_dags()
    check(dags["linewatch_reference"].test(logical_date=datetime.combine(days[0], time(0), tzinfo=ZoneInfo(
        config.timezone))), "linewatch_reference")
    for day in days:
        run_day(dags, day, config.timezone)

    from linewatch.db import make_engine, run_sql

    print("\nDaily incident summaries:")
    with make_engine(settings.database_url).connect() as conn:
        for day in days:
            row = run_sql(conn, "report/latest_version.sql", {"day": day}).mappings().first()
            print(f"  {day}  v{row['version']}  {row['files']['html']}")


if __name__ == "__main__":
    main()
