"""Load the reference layers (line of occupation versions, occupied area, sectors, zones)."""

from __future__ import annotations

from airflow.sdk import Param, dag, task

from linewatch.orchestration import (
    DEFAULT_ARGS,
    POSTGIS_POOL,
    REFERENCE,
    SETTINGS,
    START_DATE,
    TAGS,
    postgis_engine,
)


@dag(
    dag_id="linewatch_reference",
    schedule=None,
    start_date=START_DATE,
    catchup=False,
    tags=[*TAGS, "reference"],
    default_args=DEFAULT_ARGS,
    params={"folder": Param(str(SETTINGS.sample_data_dir / "reference"), type="string",
                            description="Folder of reference layer files, laid out like sample_data/reference")},
    doc_md="""
### Reference layers
**Does**: loads every layer file in `folder` (line_of_occupation_*.geojson, occupied_area_*.geojson,
sectors.geojson, disengagement_areas.geojson; any CRS) into PostGIS, versioned by valid_from/valid_to,
and cuts the line into indexed pieces for the distance rules. Re-loading a version replaces it.

**Reads**: the layer files. **Writes**: line_of_occupation, line_piece, occupied_area, sector, zone.
Runs in the `linewatch_postgis` pool. **Manual runs**: `folder`, the layer files to load.

**When it fails**: the log (and the alert webhook, if configured) names the file and feature. Fix the file (or its CRS/valid_from) and re-run.
After a change to the line, re-flag affected days with `linewatch_flag_incidents` (param `days`).
""",
)
def linewatch_reference():
    @task(outlets=[REFERENCE], pool=POSTGIS_POOL)
    def load(**context) -> list[dict]:
        from pathlib import Path

        from linewatch.reference import load_reference_folder

        with postgis_engine().begin() as conn:
            results = load_reference_folder(conn, Path(context["params"]["folder"]))
        return [{"kind": r.kind, "path": r.path, "loaded": r.loaded, "skipped": r.skipped} for r in results]

    load()


linewatch_reference()
