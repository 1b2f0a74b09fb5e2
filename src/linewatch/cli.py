"""`linewatch …`: the pipeline's steps for people, calling the same functions the DAGs call."""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import track

app = typer.Typer(help="linewatch: ceasefire-monitoring data pipeline.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
reference_app = typer.Typer(help="Reference layers (line of occupation, zones, sectors).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(reference_app, name="reference")
console = Console()


def _settings():
    from linewatch.settings import Settings

    return Settings.from_env()


def _engine():
    from linewatch.db import make_engine

    return make_engine(_settings().database_url)


def _config():
    from linewatch.config import load_config

    return load_config(_settings().config_path)


def _days(day: date | None, first: date | None, last: date | None) -> list[date]:
    from linewatch.periods import days_between

    if day:
        return [day]
    if first and last:
        return days_between(first, last)
    raise typer.BadParameter("give --date, or --from and --to")


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the Alembic migrations (as LINEWATCH_OWNER_DATABASE_URL when set: the pipeline role may not)."""
    from linewatch.db import make_engine
    from linewatch.migrate import current_revision, upgrade

    engine = make_engine(_settings().owner_database_url)
    upgrade(engine, revision)
    console.print(f"schema at revision {current_revision(engine)}")


ReferenceKind = Enum("ReferenceKind", {k.replace("-", "_"): k for k in (
    "line", "occupied-area", "national-outline", "sector", "disengagement-area", "protected-site", "settlement",
    "camera")}, type=str)


@reference_app.command("load")
def reference_load(
    path: Path,
    kind: Annotated[ReferenceKind, typer.Option("--kind")],
    valid_from: Annotated[str | None, typer.Option("--valid-from", help="ISO date/time the layer is in force from")] = None,
    version: Annotated[str | None, typer.Option("--version")] = None,
) -> None:
    """Load a reference layer file (GeoJSON, GeoPackage, Shapefile; any CRS).

    A `line` file may hold occupied-area polygons: the contact line is then derived from them."""
    from linewatch.reference import load_layer, parse_timestamp

    with _engine().begin() as conn:
        result = load_layer(conn, kind.value, path, parse_timestamp(valid_from), version=version,
                            options=_config().reference)
    console.print(f"{result.kind}: {result.loaded} feature(s) loaded from {path}")
    for note in result.repaired:
        console.print(f"[yellow]repaired[/yellow] {note}")
    for reason in result.skipped:
        console.print(f"[yellow]skipped[/yellow] {reason}")


@reference_app.command("load-folder")
def reference_load_folder(folder: Path) -> None:
    """Load a folder laid out like sample_data/reference/."""
    from linewatch.reference import load_reference_folder

    with _engine().begin() as conn:
        for result in load_reference_folder(conn, folder):
            console.print(f"{result.kind}: {result.loaded} from {Path(result.path).name}")


@app.command()
def ingest(
    paths: list[Path],
    feed: Annotated[str, typer.Option(help="Feed name the rows are stored under.")],
    format: Annotated[str, typer.Option("--format", help="File format (see linewatch.feeds.FORMATS).")],
) -> None:
    """Ingest feed files: parse, validate, quarantine rejects, load and merge."""
    from linewatch.ingest import ingest_file

    engine, settings = _engine(), _settings()
    for path in paths:
        r = ingest_file(engine, path, feed, format, tz=settings.timezone)
        console.print(f"{path.name}: {r.status} read={r.rows_read} loaded={r.rows_loaded} updated={r.rows_updated} "
                      f"rejected={r.rows_rejected} duplicate={r.rows_duplicate}")


@app.command()
def flag(
    day: Annotated[date | None, typer.Option("--date", formats=["%Y-%m-%d"])] = None,
    first: Annotated[date | None, typer.Option("--from", formats=["%Y-%m-%d"])] = None,
    last: Annotated[date | None, typer.Option("--to", formats=["%Y-%m-%d"])] = None,
) -> None:
    """Flag a day's observations against the rules and rebuild its incidents."""
    from linewatch.pipeline import flag_and_cluster

    engine, config = _engine(), _config()
    for d in track(_days(day, first, last), description="flagging", console=console):
        console.print(json.dumps(flag_and_cluster(engine, [d], config)))


PeriodStyle = Enum("PeriodStyle", {k: k for k in ("local_day", "smm")}, type=str)


@app.command()
def report(
    day: Annotated[date | None, typer.Option("--date", formats=["%Y-%m-%d"])] = None,
    first: Annotated[date | None, typer.Option("--from", formats=["%Y-%m-%d"])] = None,
    last: Annotated[date | None, typer.Option("--to", formats=["%Y-%m-%d"])] = None,
    period: Annotated[PeriodStyle | None, typer.Option(
        "--period", help="local_day (midnight to midnight) or smm (19:30 to 19:30 local); "
                         "default: report.period in the config")] = None,
    each_day: Annotated[bool, typer.Option(
        "--each-day", help="With --from/--to: one report per day instead of one over the range.")] = False,
) -> None:
    """Write the incident summary (HTML, Markdown, map, annexes) for a day, or one over --from..--to."""
    from linewatch.periods import Period
    from linewatch.report.publish import publish_report

    engine, config, settings = _engine(), _config(), _settings()
    style = period.value if period else config.report.period
    if day:
        periods = [Period(day, day, style, config.timezone)]
    elif first and last and each_day:
        periods = [Period(d, d, style, config.timezone) for d in _days(None, first, last)]
    elif first and last:
        periods = [Period(first, last, style, config.timezone)]
    else:
        raise typer.BadParameter("give --date, or --from and --to")
    for p in track(periods, description="reporting", console=console):
        published = publish_report(engine, p, config, settings.reports_dir)
        state = "new version" if published.new else "unchanged"
        console.print(f"{p.key}: v{published.version} ({state}) {published.html}")
    console.print(f"index: {settings.reports_dir / 'index.html'}")


@app.command()
def sample(out: Path = Path("sample_data")) -> None:
    """Regenerate the sample data (fixed seed: the same bytes every time)."""
    from linewatch.sample import write_sample_data

    for path in write_sample_data(out):
        console.print(str(path))



@app.command()
def simulate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write feeds, truth and manifest into.")],
    start: Annotated[date, typer.Option("--start", formats=["%Y-%m-%d"])] = date(2026, 11, 1),
    days: Annotated[int, typer.Option("--days", min=1)] = 3,
    rate: Annotated[float, typer.Option("--rate", help="True events per day.")] = 1000.0,
    seed: Annotated[int, typer.Option("--seed")] = 1,
) -> None:
    """Simulate ground-truth events on the sample front and the feeds that observe them."""
    from linewatch.simulator import simulate as run

    sim = run(out, start, days, rate, seed, tz=_settings().timezone)
    console.print(f"{sim.events} true events; observations: "
                  + ", ".join(f"{feed}={n}" for feed, n in sim.observations.items()))
    console.print(str(sim.manifest))


@app.command()
def evaluate(
    truth: Annotated[Path, typer.Option("--truth", help="A simulation folder, or its truth/ folder.")],
    first: Annotated[date | None, typer.Option("--from", formats=["%Y-%m-%d"])] = None,
    last: Annotated[date | None, typer.Option("--to", formats=["%Y-%m-%d"])] = None,
) -> None:
    """Compare the incidents in PostGIS with a simulation's ground truth (precision, recall, F1)."""
    from linewatch.evaluate import evaluate as run
    from linewatch.evaluate import truth_days

    if first is None or last is None:
        span = truth_days(truth)
        first, last = first or span[0], last or span[1]
    for line in run(_engine(), truth, first, last, _config()).lines():
        console.print(line, highlight=False)

if __name__ == "__main__":
    app()
