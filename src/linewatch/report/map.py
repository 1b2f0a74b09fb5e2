"""The daily map as PNG bytes: occupied area, sectors, zones, the line of occupation and incidents.

Drawn in the front's transverse Mercator (`linewatch.geodesy.FRONT_TM`), so a kilometre on the scale bar
is a kilometre on the ground (Web Mercator is ~50 % off at 48 N) and north is within a few degrees of up.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from linewatch.geodesy import FRONT_TM, from_front_tm, to_front_tm
from linewatch.observation import KINDS


# eq=False: comparing or hashing GeoDataFrames field by field is meaningless (and raises).
@dataclass(frozen=True, eq=False)
class MapLayers:
    """What the map shows for one reporting period; every layer in EPSG:4326."""

    line: gpd.GeoDataFrame  # line of occupation in force, column "version"; rows in order, last in force
    occupied_area: gpd.GeoDataFrame
    sectors: gpd.GeoDataFrame  # column "name"
    zones: gpd.GeoDataFrame  # columns "kind", "name"; may be empty
    incidents: gpd.GeoDataFrame  # points, columns incident_id, severity, kind; may be empty
    settlements: gpd.GeoDataFrame | None = None  # points, columns name, reference_town; labelled


WIDTH_PX, HEIGHT_PX, DPI = 1600, 1100, 150
# Figure fractions (left, bottom, width, height): the map on the left, its legend in a panel on the right.
MAP_BOX = (0.035, 0.055, 0.68, 0.85)
PANEL_BOX = (0.74, 0.055, 0.25, 0.85)

LINE_COLOUR = "#c00000"
OCCUPIED_FILL = "#f6dcd6"
SECTOR_EDGE = "#5a5a5a"
ZONE_COLOURS = ("#2166ac", "#1b7837", "#762a83", "#8c510a")
# Fixed colours per kind, so an analyst learns them once; violations are warm, sightings cool.
# A kind not listed here (a new one, or feed junk) is drawn grey rather than refused.
KIND_COLOURS = {
    "explosion": "#ff7f00", "shelling": "#a65628", "small_arms_fire": "#984ea3", "muzzle_flash": "#e6ab02",
    "illumination_flare": "#f781bf", "heavy_weapon_sighting": "#377eb8", "troop_movement": "#4daf4a",
    "uav_sighting": "#17becf", "fire_hotspot": "#7a0177", "civilian_harm": "#111111",
    "infrastructure_damage": "#737373", "access_denied": "#253494", "jamming": "#a6d854",
}
OTHER_KIND_COLOUR = "#bdbdbd"
# Marker area grows linearly with severity on its 0-10 scale; the legend shows these anchors.
SEVERITY_ANCHORS = (2.0, 5.0, 10.0)
# Feed text on the map is cut to fit: sector labels on the map, legend entries in the side panel.
LABEL_CHARS, LEGEND_CHARS = 40, 24

# Pinned style: a user's matplotlibrc must not change the bytes of the PNG.
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.linewidth": 0.8,
    "hatch.linewidth": 0.6,
    "savefig.facecolor": "white",
}


def render_map(layers: MapLayers, title: str) -> bytes:
    """The map as PNG bytes, identical for identical layers and title."""
    import matplotlib.style
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # An explicit Agg canvas draws headless without matplotlib.use(), which would switch the backend
    # (and close the figures) of whatever process imports linewatch, an analyst's notebook included.
    with matplotlib.style.context(["default", STYLE]):
        fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_axes(MAP_BOX)
        box_aspect = (MAP_BOX[2] * WIDTH_PX) / (MAP_BOX[3] * HEIGHT_PX)
        extent = fit_extent(_to_front_tm(extent_source(layers)).total_bounds, box_aspect)
        handles = _draw_layers(ax, layers)
        _draw_graticule(ax, extent)
        _draw_scale_bar(ax, scale_bar(extent))
        _draw_north_arrow(ax, extent)
        _draw_titles(fig, title, layers)
        _draw_legend(fig.add_axes(PANEL_BOX), handles)
        buffer = io.BytesIO()
        # No "Software" chunk (it carries the matplotlib version); Agg writes no timestamp by itself.
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def extent_source(layers: MapLayers) -> gpd.GeoSeries:
    """What the map is framed on: the monitored sectors, the line and the zones.

    Not the occupied area (it reaches the coast and the state border) and not the incidents (one bad
    coordinate would zoom the map out to the whole continent), unless nothing else is there.
    """
    for group in ((layers.sectors, layers.line, layers.zones), (layers.incidents, layers.occupied_area)):
        parts = [_in_wgs84(g).geometry for g in group if not g.empty]
        if parts:
            return gpd.GeoSeries(pd.concat(parts, ignore_index=True), crs="EPSG:4326")
    raise ValueError("nothing to map: the line, sectors, zones, incidents and occupied area are all empty")


def fit_extent(bounds, aspect: float, pad: float = 0.04, min_span_m: float = 10_000.0):
    """(xmin, ymin, xmax, ymax) around `bounds`, padded and widened to the map box's width/height."""
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    width = max(xmax - xmin, min_span_m) * (1 + 2 * pad)
    height = max(ymax - ymin, min_span_m) * (1 + 2 * pad)
    if width / height < aspect:
        width = height * aspect
    else:
        height = width / aspect
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2


@dataclass(frozen=True)
class ScaleBar:
    x: float  # left end, map metres
    y: float
    length: float  # map metres
    km: float  # ground kilometres


def scale_bar(extent) -> ScaleBar:
    """A round-numbered scale bar about a quarter of the map wide, in its lower left corner.

    Its length in map metres is corrected by the projection's point scale where it is drawn, so it
    holds on the ellipsoid there however far the map is from the projection's central meridian.
    """
    xmin, ymin, xmax, ymax = extent
    x, y = xmin + 0.035 * (xmax - xmin), ymin + 0.06 * (ymax - ymin)
    lon, lat = from_front_tm().transform(x, y)
    scale = pyproj.Proj(FRONT_TM).get_factors(lon, lat).parallel_scale
    km = nice_number(0.25 * (xmax - xmin) / scale / 1000)
    return ScaleBar(x=x, y=y, length=km * 1000 * scale, km=km)


def nice_number(limit: float) -> float:
    """The largest 1, 2 or 5 times a power of ten that is at most `limit`."""
    exponent = math.floor(math.log10(limit))
    return next(m * 10.0**exponent for m in (5, 2, 1) if m * 10.0**exponent <= limit)


def north_angle(x: float, y: float) -> float:
    """Angle of true north at map point (x, y), radians clockwise from the map's up."""
    lon, lat = from_front_tm().transform(x, y)
    x_north, y_north = to_front_tm().transform(lon, lat + 0.01)
    return math.atan2(x_north - x, y_north - y)


def literal(text, limit: int = LABEL_CHARS) -> str:
    """Feed text as a matplotlib label: one line, bounded, and `$` never switching on mathtext."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("$", r"\$")


def _in_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # The interface promises EPSG:4326: a layer that lost its CRS on the way is taken to be in it.
    return gdf.set_crs("EPSG:4326") if gdf.crs is None else gdf


def _to_front_tm(gdf):
    return _in_wgs84(gdf).to_crs(FRONT_TM)


def _text(column: pd.Series, missing: str = "unknown") -> pd.Series:
    # pandas 3 keeps missing values missing through astype(str): name them first.
    return column.astype(object).fillna(missing).astype(str)


def _humanise(kind) -> str:
    return str(kind).replace("_", " ")


def line_versions(layers: MapLayers) -> list[str]:
    """Versions of the line in the layer, in row order; the last one is in force."""
    return list(pd.unique(_text(layers.line["version"]))) if not layers.line.empty else []


def _draw_layers(ax, layers: MapLayers) -> list:
    """Draw the layers; return the legend entries as (handle, label, is_heading).

    Incidents go under the line and the zone outlines: on a busy day they would otherwise hide
    the very boundaries they are judged against.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.patheffects import Normal, withStroke

    ax.set_facecolor("#fbfbf9")
    for spine in ax.spines.values():
        spine.set_color("#333333")
    lines, areas = [], []

    versions = line_versions(layers)
    if versions:
        line = _to_front_tm(layers.line)
        in_force = _text(line["version"]) == versions[-1]
        casing = [withStroke(linewidth=4.6, foreground="white"), Normal()]
        line[in_force].plot(ax=ax, color=LINE_COLOUR, linewidth=2.6, path_effects=casing, zorder=6)
        lines.append((Line2D([], [], color=LINE_COLOUR, linewidth=2.6),
                      f"Line of occupation {literal(versions[-1], LEGEND_CHARS)}", False))
        # A line that moved during the period: the superseded trace stays visible, thin and dashed.
        if not in_force.all():
            line[~in_force].plot(ax=ax, color=LINE_COLOUR, linewidth=1.1, linestyle=(0, (4, 2)), zorder=5)
            lines.append((Line2D([], [], color=LINE_COLOUR, linewidth=1.1, linestyle=(0, (4, 2))),
                          literal("Superseded: " + ", ".join(versions[:-1]), LEGEND_CHARS), False))

    if not layers.occupied_area.empty:
        _to_front_tm(layers.occupied_area).plot(ax=ax, facecolor=OCCUPIED_FILL, edgecolor="none", zorder=1)
        areas.append((Patch(facecolor=OCCUPIED_FILL, edgecolor="none"), "Occupied area", False))

    if not layers.zones.empty:
        zones = _to_front_tm(layers.zones)
        zones["kind"] = _text(zones["kind"])
        for i, kind in enumerate(sorted(zones["kind"].unique())):
            colour = ZONE_COLOURS[i % len(ZONE_COLOURS)]
            of_kind = zones[zones["kind"] == kind]
            of_kind.plot(ax=ax, facecolor="none", edgecolor=colour, hatch="////", linewidth=0, zorder=2)
            of_kind.boundary.plot(ax=ax, color=colour, linewidth=1.2, zorder=5)
            label = literal(_humanise(kind), LEGEND_CHARS)
            areas.append((Patch(facecolor="none", edgecolor=colour, hatch="////"),
                          label[:1].upper() + label[1:], False))

    if not layers.sectors.empty:
        sectors = _to_front_tm(layers.sectors)
        sectors.boundary.plot(ax=ax, color=SECTOR_EDGE, linewidth=0.9, linestyle=(0, (6, 3)), zorder=3)
        areas.append((Line2D([], [], color=SECTOR_EDGE, linewidth=0.9, linestyle=(0, (6, 3))),
                      "Sector boundary", False))
        halo = [withStroke(linewidth=3, foreground="white")]
        for name, point in zip(sectors["name"], sectors.geometry.representative_point(), strict=True):
            ax.text(point.x, point.y, literal(name).upper(), ha="center", va="center", fontsize=10,
                    fontweight="bold", color="#3a3a3a", path_effects=halo, zorder=7, clip_on=True)

    areas += _draw_places(ax, layers)
    return [(None, "Reference", True), *lines, *areas, *_draw_incidents(ax, layers.incidents)]


def _draw_places(ax, layers: MapLayers) -> list:
    """Settlements (reference towns in bold) and protected sites, labelled; labels are clipped to the map."""
    from matplotlib.lines import Line2D
    from matplotlib.patheffects import withStroke

    halo = [withStroke(linewidth=2.5, foreground="white")]
    entries = []
    if layers.settlements is not None and not layers.settlements.empty:
        towns = _to_front_tm(layers.settlements)
        for name, is_reference, point in zip(towns["name"], towns["reference_town"], towns.geometry, strict=True):
            ax.plot(point.x, point.y, marker="s" if is_reference else "o", markersize=4 if is_reference else 3,
                    color="#222222", zorder=8, clip_on=True)
            ax.annotate(literal(name, LEGEND_CHARS), (point.x, point.y), xytext=(4, 3), textcoords="offset points",
                        fontsize=7.5, fontweight="bold" if is_reference else "normal", color="#222222",
                        path_effects=halo, zorder=8, annotation_clip=True)
        entries.append((Line2D([], [], linestyle="none", marker="s", markersize=4, color="#222222"),
                        "Reference town (bold)", False))
    sites = layers.zones[_text(layers.zones["kind"]) == "protected_site"] if not layers.zones.empty else None
    if sites is not None and not sites.empty:
        sites = _to_front_tm(sites)
        for name, point in zip(sites["name"], sites.geometry.representative_point(), strict=True):
            ax.plot(point.x, point.y, marker="P", markersize=6, color="#1b7837", markeredgecolor="white",
                    markeredgewidth=0.6, zorder=8, clip_on=True)
            ax.annotate(literal(name, LEGEND_CHARS), (point.x, point.y), xytext=(5, -9), textcoords="offset points",
                        fontsize=7, fontstyle="italic", color="#1b5e20", path_effects=halo, zorder=8,
                        annotation_clip=True)
        entries.append((Line2D([], [], linestyle="none", marker="P", markersize=6, color="#1b7837"),
                        "Protected site", False))
    return entries


def _draw_incidents(ax, incidents: gpd.GeoDataFrame) -> list:
    """One scatter call for all incidents, largest first so small ones stay visible on top."""
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D

    if incidents.empty:
        return [(None, "Incidents", True), (None, "none in this period", False)]
    points = _to_front_tm(incidents)
    points = points.assign(severity=pd.to_numeric(points["severity"], errors="coerce").fillna(0.0),
                           kind=_text(points["kind"]), incident_id=_text(points["incident_id"], ""))
    points = points.sort_values(["severity", "incident_id"], ascending=[False, True], kind="stable")
    present = points["kind"].value_counts()
    kinds = [k for k in KINDS if k in present.index] + sorted(k for k in present.index if k not in KINDS)
    rgba = {k: to_rgba(KIND_COLOURS.get(k, OTHER_KIND_COLOUR)) for k in kinds}
    ax.scatter(points.geometry.x, points.geometry.y, s=marker_area(points["severity"].to_numpy()),
               c=np.array([rgba[k] for k in points["kind"]]), edgecolors="#222222", linewidths=0.35,
               alpha=0.85, zorder=4)

    def marker(colour, area):
        return Line2D([], [], linestyle="none", marker="o", markersize=math.sqrt(area),
                      markerfacecolor=colour, markeredgecolor="#222222", markeredgewidth=0.35)

    entries = [(None, "Incidents by kind", True)]
    entries += [(marker(rgba[k], 40), f"{literal(_humanise(k), LEGEND_CHARS)} ({present[k]:,})", False)
                for k in kinds]
    entries.append((None, "Severity (marker area)", True))
    entries += [(marker("#d9d9d9", marker_area(np.array([s]))[0]), f"{s:g}", False) for s in SEVERITY_ANCHORS]
    return entries


def marker_area(severity: np.ndarray) -> np.ndarray:
    """Scatter marker area (pt²) for severities on the 0-10 scale."""
    return 6.0 + 10.0 * np.clip(severity, 0.0, 10.0)


def _draw_graticule(ax, extent) -> None:
    """Faint meridians and parallels, labelled where they cross the map's bottom and left edges."""
    xmin, ymin, xmax, ymax = extent
    along = np.linspace(0.0, 1.0, 50)
    width, height = xmax - xmin, ymax - ymin
    # Walk the frame: its extreme longitudes and latitudes need not be at its corners.
    frame_x = np.concatenate([xmin + along * width, np.full(50, xmax), xmax - along * width,
                              np.full(50, xmin)])
    frame_y = np.concatenate([np.full(50, ymin), ymin + along * height, np.full(50, ymax),
                              ymax - along * height])
    lon, lat = from_front_tm().transform(frame_x, frame_y)
    step = nice_number(max(lon.max() - lon.min(), lat.max() - lat.min()) / 5)
    x_ticks, y_ticks = {}, {}
    for value in np.arange(math.ceil(lon.min() / step) * step, lon.max(), step):
        x, y = to_front_tm().transform(np.full(60, value), np.linspace(lat.min(), lat.max(), 60))
        ax.plot(x, y, color="#d4d4d4", linewidth=0.5, zorder=1.5)
        x_ticks[float(np.interp(ymin, y, x))] = f"{round(value, 6):g}°E"
    for value in np.arange(math.ceil(lat.min() / step) * step, lat.max(), step):
        x, y = to_front_tm().transform(np.linspace(lon.min(), lon.max(), 60), np.full(60, value))
        ax.plot(x, y, color="#d4d4d4", linewidth=0.5, zorder=1.5)
        y_ticks[float(np.interp(xmin, x, y))] = f"{round(value, 6):g}°N"
    # Plotting autoscaled the limits: the frame is the fitted extent, with ticks only inside it.
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_xlabel("")
    ax.set_ylabel("")
    x_ticks = {x: label for x, label in x_ticks.items() if xmin < x < xmax}
    y_ticks = {y: label for y, label in y_ticks.items() if ymin < y < ymax}
    ax.set_xticks(list(x_ticks), list(x_ticks.values()))
    ax.set_yticks(list(y_ticks), list(y_ticks.values()), rotation=90, va="center")
    ax.tick_params(labelsize=7.5, labelcolor="#555555", color="#888888", length=3, pad=2)


def _draw_scale_bar(ax, bar: ScaleBar) -> None:
    from matplotlib.patches import Rectangle
    from matplotlib.patheffects import withStroke

    height = bar.length / 28
    quarter = bar.length / 4
    for i in range(4):
        ax.add_patch(Rectangle((bar.x + i * quarter, bar.y), quarter, height, edgecolor="#222222",
                               facecolor=("#222222", "white")[i % 2], linewidth=0.8, zorder=9))
    halo = [withStroke(linewidth=2.5, foreground="white")]
    for fraction, label in ((0, "0"), (0.5, f"{bar.km / 2:g}"), (1, f"{bar.km:g} km")):
        ax.text(bar.x + fraction * bar.length, bar.y + 1.6 * height, label, ha="center", va="bottom",
                fontsize=8.5, color="#222222", path_effects=halo, zorder=9)


def _draw_north_arrow(ax, extent) -> None:
    """A half-filled arrow pointing to true north, in the upper right corner."""
    from matplotlib.patches import Polygon

    xmin, ymin, xmax, ymax = extent
    size = 0.045 * (ymax - ymin)
    cx, cy = xmax - 0.06 * (xmax - xmin), ymax - 0.11 * (ymax - ymin)
    angle = north_angle(cx, cy)
    cos, sin = math.cos(angle), math.sin(angle)

    def place(points):
        # Rotate clockwise by `angle`, scale, move to the arrow's centre.
        return [(cx + size * (px * cos + py * sin), cy + size * (-px * sin + py * cos)) for px, py in points]

    tip, notch = (0.0, 1.0), (0.0, -0.35)
    ax.add_patch(Polygon(place([tip, (-0.5, -0.8), notch]), closed=True, facecolor="#222222",
                         edgecolor="#222222", linewidth=0.8, zorder=9))
    ax.add_patch(Polygon(place([tip, notch, (0.5, -0.8)]), closed=True, facecolor="white",
                         edgecolor="#222222", linewidth=0.8, zorder=9))
    (lx, ly), = place([(0.0, 1.55)])
    ax.text(lx, ly, "N", ha="center", va="center", fontsize=11, fontweight="bold", color="#222222", zorder=9)


def _draw_titles(fig, title: str, layers: MapLayers) -> None:
    fig.text(MAP_BOX[0], 0.965, literal(title, limit=90), fontsize=14, fontweight="bold", va="center")
    versions = line_versions(layers)
    in_force = f"line of occupation {literal(versions[-1])}" if versions else "no line of occupation given"
    fig.text(MAP_BOX[0], 0.927, f"{len(layers.incidents):,} incidents · {in_force}", fontsize=10,
             color="#444444", va="center")
    fig.text(PANEL_BOX[0], MAP_BOX[1], _projection_note(), fontsize=7.5, color="#555555", va="bottom",
             linespacing=1.4)


def _projection_note() -> str:
    operation = FRONT_TM.coordinate_operation
    central = {p.name: p.value for p in operation.params}["Longitude of natural origin"]
    return (f"{operation.method_name}, central meridian {central:g}° E,\n"
            "WGS 84. Scale bar true at its own latitude.\n"
            "Incident positions carry their own\nuncertainty (see annex).")


def _draw_legend(ax, handles: list) -> None:
    from matplotlib.patches import Patch

    ax.axis("off")
    artists = [h if h is not None else Patch(visible=False) for h, _, _ in handles]
    legend = ax.legend(artists, [label for _, label, _ in handles], loc="upper left", frameon=False,
                       fontsize=8.5, borderaxespad=0.0, handlelength=2.4, labelspacing=0.7, borderpad=0.0)
    for text, (_, _, heading) in zip(legend.get_texts(), handles, strict=True):
        if heading:
            text.set_fontweight("bold")
