"""Reference layers: what observations are judged against, each in force from valid_from to valid_to.

Any file geopandas reads (GeoJSON, GeoPackage, Shapefile) in any CRS is reprojected to EPSG:4326 and
flattened to 2-D. Real files are messy, so a load never crashes on a feature: null geometries are
skipped with a reason, invalid polygons are repaired with ST_MakeValid and reported, and features far
outside the national outline are ignored with a warning. Versioned layers take `version`,
`valid_from`, `valid_to` from the feature properties, or from the arguments.

A `line` file may hold the contact line itself, or occupied-area polygons (as DeepStateMap and ISW
publish them): the line is then derived as the polygons' boundary inside the national outline,
away from the state border and the coast.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import shapely
from sqlalchemy.engine import Connection

from linewatch.db import run_sql
from linewatch.schema import FRONT_SRID

log = logging.getLogger(__name__)

KINDS = ("line", "occupied-area", "national-outline", "sector", "disengagement-area", "protected-site",
         "settlement", "camera")

# Pieces of the line: short enough that the bounding boxes in the index stay tight.
PIECE_SEGMENT_M = 2000.0
PIECE_MAX_VERTICES = 8
DEFAULTS = {"border_tolerance_m": 2000.0, "outside_tolerance_m": 50_000.0, "protected_site_buffer_m": 2000.0}
EPOCH = datetime(2014, 1, 1, tzinfo=UTC)


@dataclass
class LoadResult:
    kind: str
    path: str
    loaded: int = 0
    skipped: list[str] = field(default_factory=list)   # not loaded, with the reason
    repaired: list[str] = field(default_factory=list)  # loaded after ST_MakeValid


def parse_timestamp(value, fallback: datetime | None = None) -> datetime | None:
    """An ISO date/time (naive = UTC) or datetime; blank gives the fallback."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return fallback
    ts = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def read_layer(path: Path):
    import geopandas as gpd

    frame = gpd.read_file(path)
    if frame.crs is None:
        raise ValueError(f"{path.name}: no CRS declared; refusing to guess")
    return frame.to_crs(4326)


def _text(props: dict, key: str, default=None):
    value = props.get(key)
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return default
    return value


def load_layer(conn: Connection, kind: str, path: Path, valid_from: datetime | None = None,
               valid_to: datetime | None = None, version: str | None = None,
               options: dict | None = None) -> LoadResult:
    """Load every feature of `path` as reference layer `kind`."""
    if kind not in KINDS:
        raise ValueError(f"unknown reference kind {kind!r}; expected one of {', '.join(KINDS)}")
    opts = {**DEFAULTS, **(options or {})}
    frame = read_layer(Path(path))
    result = LoadResult(kind, str(path))
    for i, row in enumerate(frame.itertuples(index=False)):
        props = row._asdict()
        geom = props.pop("geometry")
        where = f"feature {i}" + (f" ({props['name']})" if _text(props, "name") else "")
        if geom is None or geom.is_empty:
            result.skipped.append(f"{where}: null or empty geometry")
            continue
        if not geom.is_valid:
            result.repaired.append(f"{where}: invalid geometry ({shapely.is_valid_reason(geom)}), repaired with "
                                   "ST_MakeValid")
        if kind != "national-outline":
            outside = run_sql(conn, "reference/distance_outside_outline.sql", {"wkb": geom.wkb}).scalar()
            if outside is not None and outside > opts["outside_tolerance_m"]:
                result.skipped.append(f"{where}: {outside / 1000:.0f} km outside the national outline; ignored")
                continue
        _load_feature(conn, kind, geom, props, path, i, valid_from, valid_to, version, opts, result)
    for reason in result.skipped:
        log.warning("%s %s: %s", kind, Path(path).name, reason)
    for note in result.repaired:
        log.warning("%s %s: %s", kind, Path(path).name, note)
    return result


def _load_feature(conn, kind, geom, props, path, i, valid_from, valid_to, version, opts, result) -> None:
    name = str(_text(props, "name", f"{Path(path).stem}-{i}"))
    # Arguments (the CLI's --valid-from, --version) win over the file's own properties.
    start = valid_from or parse_timestamp(_text(props, "valid_from"))
    end = valid_to or parse_timestamp(_text(props, "valid_to"))
    if kind in ("line", "occupied-area"):
        if start is None:
            result.skipped.append(f"feature {i}: no valid_from (give --valid-from)")
            return
        params = {"version": str(version or _text(props, "version", Path(path).stem)), "valid_from": start,
                  "valid_to": end, "source": str(_text(props, "source", Path(path).name)), "wkb": geom.wkb}
        if kind == "line" and geom.geom_type in ("Polygon", "MultiPolygon"):
            derived = run_sql(conn, "reference/derive_line.sql",
                              {"wkb": geom.wkb, "tolerance_m": opts["border_tolerance_m"]}).scalar()
            if derived is None or shapely.from_wkb(derived).is_empty:
                result.skipped.append(f"feature {i}: no contact line left after removing the border and coast "
                                      "(is the national outline loaded?)")
                return
            params["wkb"] = bytes(derived)
        elif kind == "line" and geom.geom_type not in ("LineString", "MultiLineString"):
            result.skipped.append(f"feature {i}: a line must be a (multi)line or an occupied-area polygon, "
                                  f"not {geom.geom_type}")
            return
        _load_versioned(conn, kind, params)
    elif kind == "national-outline":
        run_sql(conn, "reference/upsert_national_outline.sql", {"name": name, "wkb": geom.wkb})
    elif kind == "sector":
        run_sql(conn, "reference/upsert_sector.sql", {"name": name, "wkb": geom.wkb})
    elif kind == "settlement":
        population = _text(props, "population")
        run_sql(conn, "reference/upsert_settlement.sql", {
            "name": name, "population": int(population) if population is not None else None,
            "radius_m": float(_text(props, "radius_m", 1000.0)),
            "reference_town": str(_text(props, "reference_town", "false")).lower() in ("true", "1", "yes"),
            "wkb": geom.wkb})
    else:
        attributes = json.dumps({k: str(v) for k, v in sorted(props.items()) if _text(props, k) is not None})
        common = {"name": name, "valid_from": start or EPOCH, "valid_to": end, "attributes": attributes,
                  "wkb": geom.wkb}
        if kind == "camera":
            run_sql(conn, "reference/upsert_camera.sql", common)
        elif kind == "protected-site":
            buffer_m = float(_text(props, "buffer_m", opts["protected_site_buffer_m"]))
            run_sql(conn, "reference/upsert_protected_site.sql", {**common, "buffer_m": buffer_m})
        else:
            run_sql(conn, "reference/upsert_zone.sql", {**common, "kind": kind.replace("-", "_")})
    result.loaded += 1


def _load_versioned(conn: Connection, kind: str, params: dict) -> None:
    table = "line_of_occupation" if kind == "line" else "occupied_area"
    if params["valid_to"] is None:
        run_sql(conn, f"reference/close_open_{table}.sql",
                {"valid_from": params["valid_from"], "version": params["version"]})
    if kind == "line":
        line_id = run_sql(conn, "reference/upsert_line.sql", params).scalar_one()
        run_sql(conn, "reference/delete_line_pieces.sql", {"line_id": line_id})
        run_sql(conn, "reference/insert_line_pieces.sql",
                {"line_id": line_id, "segment_m": PIECE_SEGMENT_M, "max_vertices": PIECE_MAX_VERTICES,
                 "front_srid": FRONT_SRID})
    else:
        run_sql(conn, "reference/upsert_occupied_area.sql", params)


# The layout of sample_data/reference/, in load order (the outline first: other layers are checked
# against it).
FOLDER_LAYOUT = (
    ("national-outline", "national_outline.geojson"),
    ("line", "line_of_occupation_*.geojson"),
    ("occupied-area", "occupied_area_*.geojson"),
    ("sector", "sectors.geojson"),
    ("disengagement-area", "disengagement_areas.geojson"),
    ("protected-site", "protected_sites.geojson"),
    ("settlement", "settlements.geojson"),
    ("camera", "cameras.geojson"),
)


def load_reference_folder(conn: Connection, folder: Path, options: dict | None = None) -> list[LoadResult]:
    """Load a folder laid out like sample_data/reference/ (versions in file-name order)."""
    results = []
    for kind, pattern in FOLDER_LAYOUT:
        for path in sorted(Path(folder).glob(pattern)):
            results.append(load_layer(conn, kind, path, options=options))
    return results
