"""Small geodesic helpers on the WGS84 ellipsoid (pyproj.Geod), shared by the simulator and the reports."""

from __future__ import annotations

from functools import cache

from pyproj import CRS, Geod, Transformer

from linewatch.schema import FRONT_PROJ4

WGS84 = Geod(ellps="WGS84")
# A transverse Mercator centred on the front (36.5 E): metre-accurate to well under 0.5 % across
# 32-41 E, which is all the simulator's offsets and the map's scale bar need.
FRONT_TM = CRS.from_proj4(FRONT_PROJ4)


@cache
def to_front_tm() -> Transformer:
    return Transformer.from_crs("EPSG:4326", FRONT_TM, always_xy=True)


@cache
def from_front_tm() -> Transformer:
    return Transformer.from_crs(FRONT_TM, "EPSG:4326", always_xy=True)


COMPASS = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")


def compass_word(azimuth_deg: float) -> str:
    """Eight-point compass word for an azimuth, as the SMM wrote places ("2 km south-east of …")."""
    return COMPASS[int(((azimuth_deg % 360) + 22.5) // 45) % 8]
