"""The daily report's numbers against independent queries and files; versions on late data; determinism."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

import geopandas as gpd

from linewatch.ingest import ingest_file
from linewatch.observation import EXPLOSION_KINDS, VIOLATION_KINDS
from linewatch.pipeline import flag_and_cluster
from linewatch.report.publish import publish_daily_report
from linewatch.sample import SAMPLE_DAYS
from tests.conftest import SAMPLE, count, rows
from tests.feedfiles import write_synthetic

DAY1, DAY2 = SAMPLE_DAYS[0], SAMPLE_DAYS[1]


def load_days(engine, config, days):
    for day in days:
        ingest_file(engine, SAMPLE / f"feeds/patrol/patrol_{day}.csv", "patrol", "synthetic")
    flag_and_cluster(engine, days, config)


def test_report_numbers_equal_the_database(reference, config, tmp_path):
    load_days(reference, config, [DAY1, DAY2])
    published = publish_daily_report(reference, DAY2, config, tmp_path)
    summary = json.loads(rows(reference, "SELECT summary::text FROM linewatch.daily_report")[0][0])
    html = published.html.read_text(encoding="utf-8")
    for sector in ("Centre", "North", "South"):
        for day, key in ((DAY2, "violations"), (DAY1, "previous_violations")):
            expected = count(reference, """
                SELECT count(*) FROM linewatch.incident i JOIN linewatch.sector s USING (sector_id)
                WHERE s.name = :name AND i.day = :day AND i.kind = ANY(:kinds)""",
                name=sector, day=day, kinds=list(VIOLATION_KINDS))
            got = next(s for s in summary["sectors"] if s["sector"] == sector)[key]
            assert got == expected, (sector, key)
        explosions = count(reference, """SELECT count(*) FROM linewatch.incident i JOIN linewatch.sector s
            USING (sector_id) WHERE s.name = :name AND i.day = :day AND i.kind = ANY(:kinds)""",
                           name=sector, day=DAY2, kinds=list(EXPLOSION_KINDS))
        entry = next(s for s in summary["sectors"] if s["sector"] == sector)
        sentence = re.search(rf"In {sector} sector, linewatch recorded ([\d,]+) ceasefire violations?, "
                             rf"including ([\d,]+) explosions?", html)
        assert sentence, f"no headline for {sector}"
        assert int(sentence.group(1).replace(",", "")) == entry["violations"]
        assert int(sentence.group(2).replace(",", "")) == explosions
    assert summary["totals"]["incidents"] == count(reference, "SELECT count(*) FROM linewatch.incident WHERE day = :d",
                                                   d=DAY2)
    # The annex lists every incident with the observations behind it.
    annex = gpd.read_file(published.html.parent / "incidents.geojson")
    assert len(annex) == summary["totals"]["incidents"]
    links = count(reference, """SELECT count(*) FROM linewatch.incident_observation l
                                JOIN linewatch.incident i USING (incident_id) WHERE i.day = :d""", d=DAY2)
    assert sum(len(i["obs_ids"]) for i in summary["incidents"]) == links
    # Provenance: the batch's sha256 is the file's.
    batch = summary["ingest"][0]
    assert batch["sha256"] == hashlib.sha256((SAMPLE / f"feeds/patrol/{batch['file_name']}").read_bytes()).hexdigest()
    assert 'src="data:image/png;base64,' in html
    # The new sections against independent SQL on the same day.
    weapons = count(reference, """SELECT count(*) FROM linewatch.flag f JOIN linewatch.observation o USING (obs_id)
        WHERE f.rule = 'weapon_in_withdrawal_zone' AND (o.observed_at AT TIME ZONE 'Europe/Kyiv')::date = :d""", d=DAY2)
    assert summary["withdrawal_weapons"]["total"] == weapons
    assert summary["withdrawal_weapons"]["weapons"] == count(reference, """
        SELECT coalesce(sum((f.details ->> 'weapon_count')::int), 0) FROM linewatch.flag f
        WHERE f.rule = 'weapon_in_withdrawal_zone' AND f.day = :d""", d=DAY2)
    for key, rule in (("protected_sites", "fire_near_protected_site"), ("aerial_vehicles", "aerial_vehicle_over_zone"),
                      ("settlement_weapons", "heavy_weapon_in_settlement"), ("disengagement", "disengagement_area")):
        assert summary[key]["total"] == count(reference, """SELECT count(*) FROM linewatch.incident
            WHERE day = :d AND rules ? :rule""", d=DAY2, rule=rule), key
    assert [h["incidents"] for h in summary["by_hour"]] == [count(reference, """SELECT count(*) FROM linewatch.incident
        WHERE day = :d AND extract(hour FROM started_at AT TIME ZONE 'Europe/Kyiv') = :h""", d=DAY2, h=h)
        for h in range(24)]
    assert sum(summary["coverage"]["feeds"][0]["counts"]) == summary["totals"]["observations"]
    top = summary["incidents"][0]
    assert top["admiralty"] and top["clauses"] and top["batch_ids"] == [summary["ingest"][0]["batch_id"]]
    assert re.fullmatch(r"(near .+ \((non-)?government-controlled\), )?[\d.]+ km [a-z-]+ of .+ "
                        r"\((non-)?government-controlled\)|in .+", top["place"])
    # Provenance annex: every observation of every incident, with its batch; the HTML links the batch.
    observations = (published.html.parent / "observations.csv").read_text(encoding="utf-8").splitlines()
    assert len(observations) - 1 == links
    assert f'<tr id="batch-{batch["batch_id"]}">' in html and f'href="#batch-{batch["batch_id"]}"' in html
    # The index lists the day with its latest version and a trend chart.
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert f'href="{DAY2}/v1/report.html"' in index and 'src="data:image/png;base64,' in index


def test_rerun_without_new_data_changes_nothing_and_late_data_makes_a_new_version(reference, config, tmp_path):
    load_days(reference, config, [DAY1])
    first = publish_daily_report(reference, DAY1, config, tmp_path)
    again = publish_daily_report(reference, DAY1, config, tmp_path)
    assert (first.version, first.new) == (1, True)
    assert (again.version, again.new, again.content_hash) == (1, False, first.content_hash)
    assert count(reference, "SELECT count(*) FROM linewatch.daily_report") == 1

    # Late data for the same day: a far-off explosion nobody reported on time.
    late = write_synthetic(tmp_path / "late.csv", [{
        "report_id": "late-1", "at": first_hour(DAY1), "lon": 35.0, "lat": 47.52, "kind": "explosion"}])
    ingest_file(reference, late, "patrol-late", "synthetic")
    flag_and_cluster(reference, [DAY1], config)
    revised = publish_daily_report(reference, DAY1, config, tmp_path)
    assert (revised.version, revised.new) == (2, True)
    assert revised.html != first.html and first.html.exists()
    note = rows(reference, "SELECT change_note FROM linewatch.daily_report WHERE version = 2")[0][0]
    assert "incidents" in note and "->" in note
    assert "sector: violations" in note or "outside" in note or "incidents added 1" in note
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert f'href="{DAY1}/v2/report.html"' in index and f'href="{DAY1}/v1/report.html"' in index
    assert "Late data revised this report" in revised.html.read_text(encoding="utf-8")


def test_same_inputs_give_byte_identical_files(reference, config, tmp_path):
    load_days(reference, config, [DAY1])
    first = publish_daily_report(reference, DAY1, config, tmp_path / "a")
    with reference.begin() as conn:
        conn.exec_driver_sql("DELETE FROM linewatch.daily_report")
    second = publish_daily_report(reference, DAY1, config, tmp_path / "b")
    assert first.content_hash == second.content_hash
    for name in ("map.png", "incidents.geojson", "incidents.csv", "observations.csv"):
        assert (first.html.parent / name).read_bytes() == (second.html.parent / name).read_bytes(), name
    strip = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00|\d{4}-\d\d-\d\d \d\d:\d\d UTC")
    for name in ("report.html", "report.md"):
        a = strip.sub("", (first.html.parent / name).read_text(encoding="utf-8"))
        b = strip.sub("", (second.html.parent / name).read_text(encoding="utf-8"))
        assert a == b, name


def first_hour(day):
    from linewatch.periods import day_bounds

    return day_bounds(day, "Europe/Kyiv")[0] + timedelta(hours=1)
