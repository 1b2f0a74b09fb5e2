"""One settings object, read from LINEWATCH_* environment variables.

Nothing else in the package reads the environment: functions take what they need as arguments,
so a DAG, the CLI and a test can each pass their own values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/linewatch"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    # Schema changes (migrations) run as the owner role; everything else as the pipeline role.
    owner_database_url: str = DEFAULT_DATABASE_URL
    reports_dir: Path = PROJECT_ROOT / "reports"
    config_path: Path = PROJECT_ROOT / "config" / "linewatch.yaml"
    sample_data_dir: Path = PROJECT_ROOT / "sample_data"
    timezone: str = "Europe/Kyiv"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()
        database_url = normalise_database_url(env.get("LINEWATCH_DATABASE_URL") or defaults.database_url)
        return cls(
            database_url=database_url,
            owner_database_url=normalise_database_url(env.get("LINEWATCH_OWNER_DATABASE_URL") or database_url),
            reports_dir=Path(env.get("LINEWATCH_REPORTS_DIR") or defaults.reports_dir),
            config_path=Path(env.get("LINEWATCH_CONFIG") or defaults.config_path),
            sample_data_dir=Path(env.get("LINEWATCH_SAMPLE_DATA") or defaults.sample_data_dir),
            timezone=env.get("LINEWATCH_TIMEZONE") or defaults.timezone,
        )


def normalise_database_url(url: str) -> str:
    """Accept plain `postgresql://` URLs (as libpq and Airflow write them) and use psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
