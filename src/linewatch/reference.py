"""Reference layers: the line of occupation and occupied area (versioned), sectors and zones.

Any file geopandas reads (GeoJSON, GeoPackage, Shapefile) in any CRS is reprojected to EPSG:4326,
flattened to 2-D and, for polygons, repaired with ST_MakeValid in the database. Versioned layers
take `version`, `valid_from`, `valid_to` from the feature properties, or from the arguments.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Connection

from linewatch.db import run_sql

log = logging.getLogger(__name__)

KINDS = ("line", "occupied-area", "sector", "disengagement-area")

# Pieces of the line: short enough that the bounding boxes in the index stay tight.
PIECE_SEGMENT_M = 2000.0
PIECE_MAX_VERTICES = 8


@dataclass(frozen=True)
class LoadResult:
    kind: str
    path: str
    loaded: int
    skipped: list[str]


def parse_timestamp(value, fallback: datetime | None = None) -> datetime | None:
    """An ISO date/time (naive = UTC) or datetime; blank gives the fallback."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return fallback
    if isinstance(value, datetime):
        ts = value
    else:
        ts = datetime.fromisoformat(str(value))
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def read_layer(path: Path):
    import geopandas as gpd

    frame = gpd.read_file(path)
    if frame.crs is None:
        raise ValueError(f"{path.name}: no CRS declared; refusing to guess")
    frame = frame.to_crs(4326)
    return frame


def load_layer(conn: Connection, kind: str, path: Path, valid_from: datetime | None = None,
               valid_to: datetime | None = None, version: str | None = None) -> LoadResult:
    """Load every feature of `path` as reference layer `kind`; features without geometry are skipped
    with a reason (returned and logged), never silently."""
    if kind not in KINDS:
        raise ValueError(f"unknown reference kind {kind!r}; expected one of {', '.join(KINDS)}")
    frame = read_layer(path)
    loaded, skipped = 0, []
    for i, row in enumerate(frame.itertuples(index=False)):
        props = row._asdict()
        geom = props.pop("geometry")
        if geom is None or geom.is_empty:
            skipped.append(f"feature {i}: null or empty geometry")
            continue
        params = {"wkb": geom.wkb, "source": str(props.get("source") or path.name)}
        if kind in ("line", "occupied-area"):
            params["version"] = str(props.get("version") or version or path.stem)
            params["valid_from"] = parse_timestamp(props.get("valid_from"), valid_from)
            params["valid_to"] = parse_timestamp(props.get("valid_to"), valid_to)
            if params["valid_from"] is None:
                raise ValueError(f"{path.name}: feature {i} has no valid_from (give --valid-from)")
            _load_versioned(conn, kind, params)
        elif kind == "sector":
            run_sql(conn, "reference/upsert_sector.sql", {"name": str(props["name"]), "wkb": geom.wkb})
        else:
            run_sql(conn, "reference/upsert_zone.sql", {
                "kind": kind.replace("-", "_"), "name": str(props.get("name") or f"{path.stem}-{i}"),
                "valid_from": parse_timestamp(props.get("valid_from"), valid_from) or datetime(2014, 1, 1, tzinfo=UTC),
                "valid_to": parse_timestamp(props.get("valid_to"), valid_to),
                "attributes": json.dumps({k: str(v) for k, v in sorted(props.items()) if v is not None}),
                "wkb": geom.wkb,
            })
        loaded += 1
    for reason in skipped:
        log.warning("%s: %s skipped: %s", kind, path.name, reason)
    return LoadResult(kind, str(path), loaded, skipped)


def _load_versioned(conn: Connection, kind: str, params: dict) -> None:
    table = "line_of_occupation" if kind == "line" else "occupied_area"
    if params["valid_to"] is None:
        run_sql(conn, f"reference/close_open_{table}.sql",
                {"valid_from": params["valid_from"], "version": params["version"]})
    if kind == "line":
        line_id = run_sql(conn, "reference/upsert_line.sql", params).scalar_one()
        run_sql(conn, "reference/delete_line_pieces.sql", {"line_id": line_id})
        run_sql(conn, "reference/insert_line_pieces.sql",
                {"line_id": line_id, "segment_m": PIECE_SEGMENT_M, "max_vertices": PIECE_MAX_VERTICES})
    else:
        run_sql(conn, "reference/upsert_occupied_area.sql", params)


SAMPLE_LAYERS = (
    ("line", "line_of_occupation_*.geojson"),
    ("occupied-area", "occupied_area_*.geojson"),
    ("sector", "sectors.geojson"),
    ("disengagement-area", "disengagement_areas.geojson"),
)


def load_reference_folder(conn: Connection, folder: Path) -> list[LoadResult]:
    """Load a folder laid out like sample_data/reference/ (versions in file order)."""
    results = []
    for kind, pattern in SAMPLE_LAYERS:
        for path in sorted(folder.glob(pattern)):
            results.append(load_layer(conn, kind, path))
    return results
