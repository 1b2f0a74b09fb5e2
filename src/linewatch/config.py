"""The project's configuration file (config/linewatch.yaml): feeds, rules, bands, clustering.

A new feed is one entry under `feeds`; a new rule is one SQL file plus one entry under `rules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from string import Formatter

import yaml

from linewatch.settings import PROJECT_ROOT


@dataclass(frozen=True)
class Feed:
    name: str
    format: str
    path: str
    cadence_hours: float = 24.0
    description: str = ""
    # How late a delivery may be on top of its cadence before the freshness check fails.
    expected_delay_hours: float = 0.0

    def path_for(self, day: date, root: Path = PROJECT_ROOT) -> Path:
        """The day's file. The template may hold only a plain `{date}` (no attribute access, no format
        spec), and the path must stay under `root`: a configuration is text somebody wrote."""
        fields = [(name, spec, conversion) for _, name, spec, conversion in Formatter().parse(self.path)
                  if name is not None]
        if any(f != ("date", "", None) for f in fields):
            raise ValueError(f"feed {self.name}: path template may only contain {{date}}, got {self.path!r}")
        path = Path(self.path.format(date=day.isoformat()))
        resolved = (path if path.is_absolute() else root / path).resolve()
        if not resolved.is_relative_to(Path(root).resolve()):
            raise ValueError(f"feed {self.name}: path {self.path!r} leaves the allowed root {root}")
        return resolved


@dataclass(frozen=True)
class Rule:
    name: str
    sql: str
    clause: str
    description: str = ""
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Operations:
    """How the pipeline is operated: alerting, the report deadline, retention (days)."""

    webhook_url_env: str = "LINEWATCH_ALERT_WEBHOOK_URL"
    report_deadline_hours: float = 6.0
    postgis_pool_slots: int = 4
    rejected_retention_days: int = 365
    failed_batch_retention_days: int = 365
    report_version_retention_days: int = 730


@dataclass(frozen=True)
class ReportOptions:
    """The daily report: its period style (linewatch.periods.STYLES) and how many rows the HTML lists."""

    period: str = "local_day"
    top_incidents: int = 50
    section_rows: int = 50

    def __post_init__(self):
        from linewatch.periods import STYLES

        if self.period not in STYLES:
            raise ValueError(f"report.period must be one of {', '.join(STYLES)}, got {self.period!r}")


@dataclass(frozen=True)
class Config:
    timezone: str
    feeds: tuple[Feed, ...]
    rules: tuple[Rule, ...]
    bands_km: tuple[float, ...]
    eps_m: float
    window_minutes: float
    position_max_km: float = 70.0
    window_minutes_by_family: dict = field(default_factory=dict)
    reference: dict = field(default_factory=dict)
    operations: Operations = field(default_factory=Operations)
    report: ReportOptions = field(default_factory=ReportOptions)

    def feed(self, name: str) -> Feed:
        for feed in self.feeds:
            if feed.name == name:
                return feed
        raise KeyError(f"no feed named {name!r} in the configuration")


def load_config(path: Path) -> Config:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    bands = tuple(float(b) for b in data["bands_km"])
    if list(bands) != sorted(bands) or bands[0] <= 0:
        raise ValueError(f"{path}: bands_km must be increasing and positive, got {bands}")
    names = [f["name"] for f in data["feeds"]]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: feed names must be unique, got {names}")
    return Config(
        timezone=data.get("timezone", "Europe/Kyiv"),
        feeds=tuple(Feed(**f) for f in data["feeds"]),
        rules=tuple(Rule(**r) for r in data["rules"]),
        bands_km=bands,
        eps_m=float(data["incidents"]["eps_m"]),
        window_minutes=float(data["incidents"]["window_minutes"]),
        position_max_km=float(data.get("position_max_km", 70)),
        window_minutes_by_family={k: int(v) for k, v in
                                  (data["incidents"].get("window_minutes_by_family") or {}).items()},
        reference=dict(data.get("reference") or {}),
        operations=Operations(**(data.get("operations") or {})),
        report=ReportOptions(**(data.get("report") or {})),
    )
