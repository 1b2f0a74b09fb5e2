"""reports/index.html: every report, its latest version first with links to the earlier ones, and a trend
chart of violations per sector (PNG, embedded). Rebuilt from `daily_report` and the period folders each
time a report version is published; it carries no timestamp, so the same reports give the same bytes.
"""

from __future__ import annotations

import base64
import io
import json
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Connection

from linewatch.db import run_sql

CHART_WIDTH_PX, DPI = 1400, 140
STYLE = {"font.family": "DejaVu Sans", "font.size": 9, "axes.linewidth": 0.8, "savefig.facecolor": "white"}


def daily_entries(conn: Connection) -> list[dict]:
    """One entry per day: the latest version's numbers and every version's link, newest day first."""
    days: dict[date, dict] = {}
    for row in run_sql(conn, "report/report_index.sql").mappings():
        entry = days.setdefault(row["report_date"], {"key": row["report_date"].isoformat(), "versions": []})
        entry["versions"].append({"version": row["version"],
                                  "href": f"{row['report_date'].isoformat()}/v{row['version']}/report.html",
                                  "change_note": row["change_note"]})
        entry |= {"totals": row["totals"] or {}, "sectors": row["sectors"] or []}
    return list(days.values())


def period_entries(reports_dir: Path) -> list[dict]:
    """Reports of other periods (ranges, other styles): their versions are their folders."""
    entries = []
    for folder in sorted(reports_dir.iterdir(), reverse=True) if reports_dir.exists() else []:
        versions = sorted(int(v.name[1:]) for v in folder.glob("v*")
                          if v.name[1:].isdigit() and (v / "summary.json").exists())
        if not versions or _is_day(folder.name):
            continue
        latest = json.loads((folder / f"v{versions[-1]}" / "summary.json").read_text(encoding="utf-8"))
        entries.append({"key": folder.name, "totals": latest.get("totals", {}),
                        "versions": [{"version": v, "href": f"{folder.name}/v{v}/report.html", "change_note": ""}
                                     for v in versions]})
    return entries


def _is_day(name: str) -> bool:
    try:
        date.fromisoformat(name)
    except ValueError:
        return False
    return True


def trend_chart(entries: list[dict]) -> bytes | None:
    """Violations per day, one small panel per sector, from each day's latest version."""
    import matplotlib.style
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    days = sorted(entries, key=lambda e: e["key"])
    sectors = sorted({s["sector"] for e in days for s in e["sectors"]})
    if not days or not sectors:
        return None
    x = [date.fromisoformat(e["key"]) for e in days]
    with matplotlib.style.context(["default", STYLE]):
        height = 0.4 + 1.6 * len(sectors)
        fig = Figure(figsize=(CHART_WIDTH_PX / DPI, height), dpi=DPI)
        FigureCanvasAgg(fig)
        axes = fig.subplots(len(sectors), 1, sharex=True, squeeze=False)[:, 0]
        for ax, sector in zip(axes, sectors, strict=True):
            def value(entry, key, sector=sector):
                return next((s[key] for s in entry["sectors"] if s["sector"] == sector), 0)
            ax.plot(x, [value(e, "violations") for e in days], marker="o", color="#c00000", label="violations")
            ax.plot(x, [value(e, "explosions") for e in days], marker="s", color="#ff7f00", label="explosions",
                    linewidth=1)
            ax.set_title(f"{' '.join(str(sector).split())[:40]} sector".replace("$", r"\$"), loc="left",
                         fontsize=9, fontweight="bold")
            ax.set_ylim(bottom=0)
            ax.grid(axis="y", color="#dddddd")
        axes[0].legend(loc="upper right", fontsize=8, frameon=False)
        fig.autofmt_xdate()
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def write_index(conn: Connection, reports_dir: Path) -> Path:
    from linewatch.report.render import _environment

    reports_dir.mkdir(parents=True, exist_ok=True)
    daily = daily_entries(conn)
    png = trend_chart(daily)
    html = _environment(html=True).get_template("index.html.j2").render(
        daily=daily, periods=period_entries(reports_dir),
        chart_src="data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else None)
    path = reports_dir / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
