"""`linewatch evaluate`: how well the incidents in PostGIS recover the simulator's ground truth.

Incidents (reporting days in the mission's time zone) are matched one-to-one to true events:
  - same family ('violation' for every kind of fire, else the kind itself);
  - close in time: the gap between the incident's span and the event's span is at most the clustering
    window plus the incident's own time uncertainty (its coarsest member's time precision);
  - close in space: the geodesic distance from the incident's point to the event is at most
    max(MIN_RADIUS_M, incident uncertainty);
  - greedily, closest pair first (ties by incident_id then event_id, so the result is deterministic).

Only true events within the flagging range (the outer distance band of the config) are in scope:
nothing beyond it can become an incident, so it is neither a hit nor a miss.

Matching is done in Python with numpy and pyproj.Geod (ellipsoidal distances, as the design asks) on
rows read with the bound-parameter SQL in sql/evaluate/: the pairs to consider come from a sorted time
search per family, so the work grows with the number of plausible pairs, not incidents x events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Geod
from sqlalchemy.engine import Engine

from linewatch.config import Config
from linewatch.db import run_sql
from linewatch.observation import VIOLATION_KINDS
from linewatch.periods import day_bounds

GEOD = Geod(ellps="WGS84")
# Location errors of a kilometre or two are normal for a monitor's report; an incident closer than this
# to an event may be that event whatever uncertainty it claims.
MIN_RADIUS_M = 2000.0
VIOLATION = "violation"
ATTRIBUTABLE_RULES = ("line_proximity",)


@dataclass(frozen=True)
class Evaluation:
    incidents: int
    truth: int
    matched: int
    precision: float
    recall: float
    f1: float
    detectable_recall: float  # recall among in-scope events that at least one observation saw
    sector_count_error: dict[str, float]  # violation family: |incidents - events| / events
    rule_count_error: dict[str, float]
    families: dict[str, dict[str, int]] = field(default_factory=dict)
    observation_purity: float = float("nan")  # share of matched incidents' members from the matched event
    merged_incidents: int = 0  # incidents whose members come from more than one true event
    split_events: int = 0  # true events whose observations ended in more than one incident

    @property
    def detectable_f1(self) -> float:
        """F1 against the events some sensor saw: the pipeline's own accuracy, without sensor coverage."""
        p, r = self.precision, self.detectable_recall
        return 2 * p * r / (p + r) if p + r else float("nan")

    @property
    def max_sector_count_error(self) -> float:
        return max(self.sector_count_error.values(), default=float("nan"))

    def lines(self) -> list[str]:
        """The figures, one `name: value` per line; the first four are the contract of the CLI."""
        out = [f"incident_precision: {self.precision:.4f}", f"incident_recall: {self.recall:.4f}",
               f"incident_f1: {self.f1:.4f}", f"max_sector_count_error: {self.max_sector_count_error:.4f}",
               f"incidents: {self.incidents}", f"true_events_in_scope: {self.truth}", f"matched: {self.matched}",
               f"detectable_recall: {self.detectable_recall:.4f}", f"detectable_f1: {self.detectable_f1:.4f}",
               f"observation_purity: {self.observation_purity:.4f}",
               f"merged_incidents: {self.merged_incidents}", f"split_events: {self.split_events}"]
        out += [f"sector_count_error[{s or '(none)'}]: {e:.4f}" for s, e in sorted(self.sector_count_error.items())]
        # Ground truth says which events are within the flagging range, not which narrower rule each one
        # breaks, so only line_proximity's count error means something.
        out += [f"rule_count_error[{r}]: {e:.4f}" for r, e in sorted(self.rule_count_error.items())
                if r in ATTRIBUTABLE_RULES]
        out += [f"family[{f}]: incidents={c['incidents']} events={c['truth']} matched={c['matched']}"
                for f, c in sorted(self.families.items())]
        return out


def truth_folder(path: Path) -> Path:
    """The folder of events_<date>.csv files: `path` itself, or a simulation folder's truth/."""
    return path / "truth" if (path / "truth").is_dir() else path


def read_truth(folder: Path, first: date, last: date, tz: str, max_distance_m: float) -> pd.DataFrame:
    """True events that started on local days first..last and lie within the flagging range."""
    frames = [pd.read_csv(p, dtype={"event_id": str, "sector": str, "weapon_class": str}, keep_default_na=False,
                          parse_dates=["started_at", "ended_at"])
              for p in sorted(truth_folder(Path(folder)).glob("events_*.csv"))]
    truth = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["event_id", "family", "started_at", "ended_at", "lon", "lat", "sector", "distance_m"])
    start, _ = day_bounds(first, tz)
    _, end = day_bounds(last, tz)
    keep = ((truth["started_at"] >= start) & (truth["started_at"] < end)
            & (pd.to_numeric(truth["distance_m"]) <= max_distance_m))
    return truth[keep].sort_values("event_id").reset_index(drop=True)


def truth_days(folder: Path) -> tuple[date, date]:
    days = sorted(date.fromisoformat(p.stem.removeprefix("events_")) for p in truth_folder(folder).glob("events_*.csv"))
    if not days:
        raise FileNotFoundError(f"no events_<date>.csv in {truth_folder(folder)}")
    return days[0], days[-1]


def read_incidents(engine: Engine, first: date, last: date, tz: str) -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
    """The days' incidents, their members' true events, and every event some observation saw."""
    start, _ = day_bounds(first - timedelta(days=1), tz)
    _, end = day_bounds(last + timedelta(days=1), tz)
    params = {"first": first, "last": last, "violation_kinds": list(VIOLATION_KINDS),
              "period_start": start, "period_end": end}
    with engine.connect() as conn:
        incidents = pd.DataFrame(run_sql(conn, "evaluate/incidents.sql", params).mappings().all(),
                                 columns=["incident_id", "day", "kind", "family", "started_at", "ended_at", "lon",
                                          "lat", "uncertainty_m", "sector", "rules", "time_precision_s"])
        members = pd.DataFrame(run_sql(conn, "evaluate/member_events.sql", params).all(),
                               columns=["incident_id", "event_id"])
        observed = {r for (r,) in run_sql(conn, "evaluate/observed_events.sql", params).all()}
    return incidents, members, observed


def _seconds(values: pd.Series) -> np.ndarray:
    """Seconds since 1970, whatever unit pandas chose to hold the timestamps in."""
    return (pd.to_datetime(values, utc=True) - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()


def candidate_pairs(incidents: pd.DataFrame, truth: pd.DataFrame, window_s: float,
                    min_radius_m: float = MIN_RADIUS_M) -> pd.DataFrame:
    """Every (incident, event) pair of one family close enough in time and space, with its distance."""
    found = []
    for family, inc in incidents.groupby("family", sort=True):
        tru = truth[truth["family"] == family]
        if tru.empty:
            continue
        t_start, t_end = _seconds(tru["started_at"]), _seconds(tru["ended_at"])
        order = np.argsort(t_start, kind="stable")
        sorted_start = t_start[order]
        i_start, i_end = _seconds(inc["started_at"]), _seconds(inc["ended_at"])
        tolerance = window_s + inc["time_precision_s"].to_numpy(dtype=float)
        longest = float((t_end - t_start).max())
        lo = np.searchsorted(sorted_start, i_start - tolerance - longest, side="left")
        hi = np.searchsorted(sorted_start, i_end + tolerance, side="right")
        counts = hi - lo
        ii = np.repeat(np.arange(len(inc)), counts)
        tt = order[np.repeat(lo, counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)]
        gap = np.maximum.reduce([np.zeros(len(ii)), i_start[ii] - t_end[tt], t_start[tt] - i_end[ii]])
        _, _, distance = GEOD.inv(inc["lon"].to_numpy(float)[ii], inc["lat"].to_numpy(float)[ii],
                                  tru["lon"].to_numpy(float)[tt], tru["lat"].to_numpy(float)[tt])
        radius = np.maximum(min_radius_m, inc["uncertainty_m"].to_numpy(float)[ii])
        ok = (gap <= tolerance[ii]) & (distance <= radius)
        found.append(pd.DataFrame({"incident_id": inc["incident_id"].to_numpy()[ii][ok],
                                   "event_id": tru["event_id"].to_numpy()[tt][ok], "distance_m": distance[ok]}))
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(
        columns=["incident_id", "event_id", "distance_m"])


def greedy_match(pairs: pd.DataFrame) -> pd.DataFrame:
    """One-to-one matches, closest pair first; ties broken by incident_id, then event_id."""
    used_incidents, used_events, keep = set(), set(), []
    ordered = pairs.sort_values(["distance_m", "incident_id", "event_id"], kind="stable")
    for i, (incident, event) in enumerate(zip(ordered["incident_id"], ordered["event_id"], strict=True)):
        if incident not in used_incidents and event not in used_events:
            used_incidents.add(incident)
            used_events.add(event)
            keep.append(i)
    return ordered.iloc[keep].reset_index(drop=True)


def count_error(found: pd.Series, expected: pd.Series) -> dict[str, float]:
    """|found - expected| / expected per key; inf where something was found but nothing expected."""
    keys = sorted(set(found.index) | set(expected.index))
    found, expected = found.reindex(keys, fill_value=0), expected.reindex(keys, fill_value=0)
    return {k: (abs(float(found[k]) - float(expected[k])) / float(expected[k]) if expected[k] else float("inf"))
            for k in keys}


def ratio(num: float, den: float) -> float:
    return num / den if den else float("nan")


def clustering_diagnostics(members: pd.DataFrame, matches: pd.DataFrame) -> tuple[float, int, int]:
    """Purity of matched incidents, incidents merging several true events, events split over incidents."""
    real = members.dropna(subset=["event_id"])
    merged = int((real.groupby("incident_id")["event_id"].nunique() > 1).sum())
    split = int((real.groupby("event_id")["incident_id"].nunique() > 1).sum())
    matched = members.merge(matches[["incident_id", "event_id"]], on="incident_id", suffixes=("", "_matched"))
    purity = ratio(float((matched["event_id"] == matched["event_id_matched"]).sum()), len(matched))
    return purity, merged, split


def evaluate(engine: Engine, truth_dir: Path, first: date, last: date, config: Config) -> Evaluation:
    """Compare the incidents of local days first..last with the truth the simulator wrote."""
    truth = read_truth(truth_dir, first, last, config.timezone, config.bands_km[-1] * 1000.0)
    incidents, members, observed = read_incidents(engine, first, last, config.timezone)
    matches = greedy_match(candidate_pairs(incidents, truth, config.window_minutes * 60.0))
    precision, recall = ratio(len(matches), len(incidents)), ratio(len(matches), len(truth))
    detectable = truth["event_id"].isin(observed)
    violations = incidents[incidents["family"] == VIOLATION]
    true_violations = truth[truth["family"] == VIOLATION]
    by_rule = violations.explode("rules")["rules"].dropna().value_counts()
    families = {f: {"incidents": int((incidents["family"] == f).sum()), "truth": int((truth["family"] == f).sum()),
                    "matched": int(matches["incident_id"].isin(incidents.loc[incidents["family"] == f,
                                                                             "incident_id"]).sum())}
                for f in sorted(set(incidents["family"]) | set(truth["family"]))}
    purity, merged, split = clustering_diagnostics(members, matches)
    return Evaluation(
        incidents=len(incidents), truth=len(truth), matched=len(matches), precision=precision, recall=recall,
        f1=ratio(2 * precision * recall, precision + recall),
        detectable_recall=ratio(float(matches["event_id"].isin(truth.loc[detectable, "event_id"]).sum()),
                                float(detectable.sum())),
        sector_count_error=count_error(violations["sector"].value_counts(), true_violations["sector"].value_counts()),
        # Every rule is held against all in-scope violations: the truth does not say which rule an event breaks.
        rule_count_error={r: abs(n - len(true_violations)) / len(true_violations) if len(true_violations)
                          else float("inf") for r, n in by_rule.items()},
        families=families, observation_purity=purity, merged_incidents=merged, split_events=split,
    )
