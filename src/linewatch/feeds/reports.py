"""The mission's own reports (patrols, UAV flights, cameras) as GeoJSON, GeoPackage or CSV.

Properties: report_id (or id), observed_at (ISO-8601; naive is UTC), kind; optional weapon_class,
weapon_count, uncertainty_m, bearing_deg, reliability (A-F), confidence (0..1). Every other property,
notes included, is kept verbatim in attributes.

Where the coordinates are, by file suffix:
  .geojson, .json, .gpkg  the features' geometry, in the CRS the file declares (GeoJSON without one is
                          WGS84 by its specification; a GeoPackage without one is refused);
  .csv                    lon/lat or x/y columns, or a wkt column, in the CRS of the row's `crs` column,
                          else of a sidecar file `<stem>.crs` (reports.csv -> reports.crs, holding e.g.
                          EPSG:32637), else WGS84.
Coordinates are always taken x = east, y = north, as GeoJSON, WKT and GIS tools write them, whatever
axis order the CRS's authority declares (EPSG:4326 officially says lat/lon): pyproj's always_xy.

A line or polygon (the area a UAV watched, a stretch of road) becomes its centroid, and its uncertainty
the geodesic distance from there to the farthest vertex, or the declared uncertainty if that is larger:
the point then stands for every place the report may mean. An empty or missing geometry is rejected.
For GeoJSON and GeoPackage, a row's line number is the feature's position (1 = first) and its raw text
is the feature's properties and geometry (WKT) as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Geod, Transformer
from pyproj.exceptions import CRSError

from linewatch.feeds.csvfile import (
    FeedFileError,
    blank_to_none,
    json_objects,
    note,
    number,
    parse_utc,
    read_chunks,
    reasons_of,
    unparsed,
)
from linewatch.observation import BOOKKEEPING

REQUIRED = ("observed_at", "kind")
ID_COLUMNS = ("report_id", "id")
NUMERIC = ("weapon_count", "uncertainty_m", "bearing_deg", "confidence")
# CSV columns that carry the location rather than properties, in order of preference.
CSV_COORDINATES = (("lon", "lat"), ("x", "y"))
CSV_LOCATION = ("wkt", "crs", "lon", "lat", "x", "y")
WGS84 = "EPSG:4326"
GEOD = Geod(ellps="WGS84")
OGR_SUFFIXES = (".geojson", ".json", ".gpkg")


def parse(path: Path, chunk_rows: int = 100_000) -> Iterator[pd.DataFrame]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _csv_reports(path, chunk_rows)
    elif suffix in OGR_SUFFIXES:
        yield from _ogr_reports(path, chunk_rows)
    else:
        raise FeedFileError(f"{path.name}: not a report file (.csv, {', '.join(OGR_SUFFIXES)})")


def _csv_reports(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    default_crs = _sidecar_crs(path)
    for raw in read_chunks(path, REQUIRED, chunk_rows):
        _require_id(path, raw.columns)
        reasons = reasons_of(raw)
        geometry = _csv_geometry(path, raw, reasons)
        crs = raw["crs"].str.strip().replace("", default_crs) if "crs" in raw.columns else default_crs
        properties = raw.drop(columns=[c for c in CSV_LOCATION if c in raw.columns])
        yield _observations(properties, geometry, pd.Series(crs, index=raw.index), reasons)


def _sidecar_crs(path: Path) -> str:
    sidecar = path.with_suffix(".crs")
    if not sidecar.exists():
        return WGS84
    text = sidecar.read_text(encoding="utf-8-sig").strip()
    try:
        CRS.from_user_input(text)
    except CRSError:
        raise FeedFileError(f"{sidecar.name}: not a CRS ({text[:80]!r})") from None
    return text


def _require_id(path: Path, columns: pd.Index) -> None:
    if not any(c in columns for c in ID_COLUMNS):
        raise FeedFileError(f"{path.name}: lacks a report_id (or id) column")


def _csv_geometry(path: Path, raw: pd.DataFrame, reasons: pd.Series) -> np.ndarray:
    if "wkt" in raw.columns:
        text = raw["wkt"].str.strip()
        geometry = shapely.from_wkt(text.where(text != "").to_numpy(dtype=object), on_invalid="ignore")
        note(reasons, unparsed(text, pd.Series(geometry, index=raw.index)), "wkt", "not WKT", text)
        return geometry
    for x_column, y_column in CSV_COORDINATES:
        if x_column in raw.columns and y_column in raw.columns:
            x, y = number(raw[x_column]), number(raw[y_column])
            for column, value in ((x_column, x), (y_column, y)):
                note(reasons, unparsed(raw[column], value), column, "not a number", raw[column])
                note(reasons, value.isna(), column, "missing")
            return np.where(x.notna() & y.notna(), shapely.points(x.to_numpy(), y.to_numpy()), None)
    raise FeedFileError(f"{path.name}: has no lon/lat, x/y or wkt columns")


def _ogr_reports(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    try:
        # Dates as written: GDAL would otherwise shift mixed UTC offsets and naive times its own way.
        features = pyogrio.read_dataframe(path, datetime_as_string=True)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError,
            pyogrio.errors.FeatureError, pyogrio.errors.GeometryError, UnicodeDecodeError) as exc:
        raise FeedFileError(f"{path.name}: not a readable GeoJSON or GeoPackage ({exc})") from None
    if features.empty:
        return
    if features.crs is None:
        raise FeedFileError(f"{path.name}: declares no CRS")
    missing = [c for c in REQUIRED if c not in features.columns]
    if missing:
        raise FeedFileError(f"{path.name}: features lack required propert(ies) {', '.join(missing)}")
    _require_id(path, features.columns)
    geometry = features.geometry.to_numpy()
    properties = pd.DataFrame({c: _as_text(features[c]) for c in features.columns if c != features.geometry.name})
    wkt = pd.Series(shapely.to_wkt(geometry), index=features.index).fillna("")
    properties["_raw"] = json_objects({**{c: properties[c] for c in properties.columns}, "geometry": wkt})
    properties["_line"] = np.arange(1, len(features) + 1)
    properties["_reason"] = None
    crs = features.crs.to_string()
    for start in range(0, len(features), chunk_rows):
        chunk = properties.iloc[start:start + chunk_rows]
        yield _observations(chunk, geometry[start:start + chunk_rows], pd.Series(crs, index=chunk.index),
                            reasons_of(chunk))


def _as_text(values: pd.Series) -> pd.Series:
    """A property as text, the way it would read in a CSV.

    A NUL character (GeoJSON can escape one) becomes U+FFFD: PostgreSQL text cannot hold it.
    """
    return values.map(_property_text).astype(object).str.replace("\x00", "\ufffd")


def _property_text(value) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None or pd.isna(value) else str(value)


def _observations(properties: pd.DataFrame, geometry: np.ndarray, crs: pd.Series,
                  reasons: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame(index=properties.index)
    id_column = next(c for c in ID_COLUMNS if c in properties.columns)
    frame["source_id"] = properties[id_column].str.strip()
    frame["observed_at"] = parse_utc(properties["observed_at"])
    note(reasons, unparsed(properties["observed_at"], frame["observed_at"]), "observed_at",
         "not an ISO-8601 timestamp", properties["observed_at"])
    frame["kind"] = properties["kind"].str.strip()
    if "weapon_class" in properties.columns:
        frame["weapon_class"] = blank_to_none(properties["weapon_class"])
    if "reliability" in properties.columns:
        frame["source_reliability"] = blank_to_none(properties["reliability"].str.upper())
    for column in (c for c in NUMERIC if c in properties.columns):
        frame[column] = number(properties[column])
        note(reasons, unparsed(properties[column], frame[column]), column, "not a number", properties[column])
    if "weapon_count" in frame.columns:
        count = frame["weapon_count"]
        note(reasons, count.notna() & (count % 1 != 0), "weapon_count", "not a whole number",
             properties["weapon_count"])
        frame["weapon_count"] = count.where(count % 1 == 0).astype("Int64")

    lonlat = _to_wgs84(geometry, crs, reasons)
    note(reasons, pd.Series(shapely.is_missing(lonlat), index=frame.index), "geometry", "missing")
    note(reasons, pd.Series(shapely.is_empty(lonlat), index=frame.index), "geometry", "empty")
    centre = shapely.centroid(lonlat)
    centre[shapely.is_empty(centre)] = None  # GEOS has no x or y for an empty point
    frame["lon"], frame["lat"] = shapely.get_x(centre), shapely.get_y(centre)
    declared = frame["uncertainty_m"].fillna(0.0) if "uncertainty_m" in frame.columns else 0.0
    frame["uncertainty_m"] = np.maximum(declared, _farthest_vertex_m(lonlat, frame["lon"], frame["lat"]))

    used = (id_column, *REQUIRED, *NUMERIC, "weapon_class", "reliability", *BOOKKEEPING)
    text = {c: properties[c] for c in properties.columns if c not in used}
    if text:
        frame["attributes"] = json_objects(text)
    frame["_line"], frame["_raw"], frame["_reason"] = properties["_line"], properties["_raw"], reasons
    return frame


@lru_cache(maxsize=64)
def _transformer(crs: str) -> Transformer:
    return Transformer.from_crs(CRS.from_user_input(crs), WGS84, always_xy=True)


def _to_wgs84(geometry: np.ndarray, crs: pd.Series, reasons: pd.Series) -> np.ndarray:
    """Each row's geometry in lon/lat; None where its CRS is unknown (the row then has a reason)."""
    lonlat = np.full(len(geometry), None, dtype=object)
    for text, rows in crs.groupby(crs, sort=False).indices.items():
        try:
            transformer = _transformer(text)
        except CRSError:
            note(reasons, crs == text, "crs", "not a CRS", crs)
            continue
        lonlat[rows] = shapely.transform(
            geometry[rows], lambda xy, t=transformer: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
    return lonlat


def _farthest_vertex_m(lonlat: np.ndarray, lon: pd.Series, lat: pd.Series) -> np.ndarray:
    """Geodesic distance from each centroid to its geometry's farthest vertex (0 for a point)."""
    farthest = np.zeros(len(lonlat))
    shapes = ~shapely.is_missing(lonlat) & (shapely.get_type_id(lonlat) != shapely.GeometryType.POINT)
    shapes &= np.isfinite(lon.to_numpy()) & np.isfinite(lat.to_numpy())
    if shapes.any():
        rows = np.flatnonzero(shapes)
        vertices, owner = shapely.get_coordinates(lonlat[rows], return_index=True)
        _, _, distance = GEOD.inv(lon.to_numpy()[rows][owner], lat.to_numpy()[rows][owner],
                                  vertices[:, 0], vertices[:, 1])
        np.maximum.at(farthest, rows[owner], np.nan_to_num(distance, nan=np.inf))
    return farthest
